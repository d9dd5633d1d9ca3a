"""The registry knows every coffee-scale family: names, advertisements, drivers.

Names and matchers from scales.md §1.1, §2.1, §3.1, §4.1 and §5.1; which Acaia
transport a scale speaks is decided from its GATT table once connected
(§2.1: "Decide the variant from the GATT table after connecting").
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from custom_components.kitchen_ble.library.devices import create_driver, identify, model_by_id
from custom_components.kitchen_ble.library.devices.acaia import AcaiaDriver
from custom_components.kitchen_ble.library.devices.base import DeviceKind
from custom_components.kitchen_ble.library.devices.bookoo import BookooDriver
from custom_components.kitchen_ble.library.devices.decent_scale import DecentScaleDriver
from custom_components.kitchen_ble.library.devices.felicita import FelicitaDriver
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.devices.skale import SkaleDriver

MANIFEST = json.loads(
    (Path(__file__).parents[3] / "custom_components/kitchen_ble/manifest.json").read_text()
)
BOOKOO_SERVICE = "00000ffe-0000-1000-8000-00805f9b34fb"

# Advertised name -> model id (the sheet's names and the emulator's).
NAMES = {
    "Skale": "skale_ii",
    "Skale2": "skale_ii",
    "ACAIAL1": "acaia_lunar",
    "ACAIA123": "acaia",
    "LUNAR-E01E31": "acaia_lunar",
    "PEARLS1234": "acaia_pearl_s",
    "PEARL-1234": "acaia_pearl",
    "PROCHBT001": "acaia_pearl",
    "PYXIS-123456": "acaia_pyxis",
    "CINCO-1": "acaia_cinco",
    "FELICITA": "felicita_arc",
    "Decent Scale": "decent_scale",
    "BOOKOO_SC 1234": "bookoo_themis",
}
DRIVERS = {
    "skale_ii": SkaleDriver,
    "acaia_lunar": AcaiaDriver,
    "acaia": AcaiaDriver,
    "felicita_arc": FelicitaDriver,
    "decent_scale": DecentScaleDriver,
    "bookoo_themis": BookooDriver,
}


def _matched_by_manifest(name: str | None, uuids: list[str], companies: list[int]) -> bool:
    for matcher in MANIFEST["bluetooth"]:
        if not matcher.get("connectable"):
            continue
        if "local_name" in matcher and (
            name is None or not fnmatchcase(name, matcher["local_name"])
        ):
            continue
        if "service_uuid" in matcher and matcher["service_uuid"] not in uuids:
            continue
        if "manufacturer_id" in matcher and matcher["manufacturer_id"] not in companies:
            continue
        return True
    return False


@pytest.mark.parametrize(("name", "model_id"), NAMES.items())
def test_every_scale_name_is_identified_and_matched(name: str, model_id: str) -> None:
    model = identify(name, [])
    assert model is not None
    assert model.model_id == model_id
    assert model.kind is DeviceKind.SCALE
    assert model_by_id(model_id) is model
    if name not in ("Skale2", "ACAIA123", "CINCO-1"):  # the manifest's own patterns
        assert _matched_by_manifest(name, [], []), name


def test_manifest_has_the_recommended_scale_matchers() -> None:
    """§1.1, §2.1 (core's five plus PEARL* and CINCO*), §3.1, §4.1, §5.1; all connectable."""
    expected = [
        {"connectable": True, "local_name": "Skale*"},
        {"connectable": True, "local_name": "ACAIA*"},
        {"connectable": True, "local_name": "PYXIS-*"},
        {"connectable": True, "local_name": "LUNAR-*"},
        {"connectable": True, "local_name": "PROCHBT001"},
        {"connectable": True, "local_name": "PEARL*"},
        {"connectable": True, "local_name": "CINCO*"},
        {"connectable": True, "manufacturer_id": 16962},
        {"connectable": True, "local_name": "FELICITA*"},
        {"connectable": True, "local_name": "Decent Scale*"},
        {"connectable": True, "local_name": "BOOKOO_SC*"},
        {"connectable": True, "service_uuid": BOOKOO_SERVICE},
    ]
    for matcher in expected:
        assert matcher in MANIFEST["bluetooth"], matcher
    # generic UART services alone would find unrelated products (§0)
    for generic in ("ffe0", "fff0", "1820", "49535343-fe7d"):
        assert not any(generic in m.get("service_uuid", "") for m in MANIFEST["bluetooth"])


def test_an_unnamed_acaia_is_found_by_its_company_id() -> None:
    model = identify(None, [], {16962: b"\x00"})
    assert model is not None
    assert model.model_id == "acaia"
    assert _matched_by_manifest(None, [], [16962])


def test_a_bookoo_is_found_by_its_service_but_not_the_espresso_monitor() -> None:
    model = identify("BKSCALE", [BOOKOO_SERVICE.upper()])
    assert model is not None
    assert model.model_id == "bookoo_themis"
    assert identify(None, [BOOKOO_SERVICE]) is model
    assert identify("BOOKOO_EM 01", [BOOKOO_SERVICE]) is None  # §5.1: a pressure sensor
    assert identify("Something", ["0000ffe0-0000-1000-8000-00805f9b34fb"]) is None


@pytest.mark.parametrize("name", ["Decent", "Skal", "FELICIT", "BOOKOO_EM", "LUNA"])
def test_near_misses_are_not_scales(name: str) -> None:
    assert identify(name, []) is None


@pytest.mark.parametrize(("model_id", "driver_class"), DRIVERS.items())
def test_every_scale_family_has_its_driver_with_samples(model_id: str, driver_class: type) -> None:
    model = model_by_id(model_id)
    assert model is not None
    updates: list[None] = []
    samples: list[object] = []
    driver = create_driver(model, lambda: updates.append(None), samples.append)
    assert isinstance(driver, driver_class)
    assert driver.model is model
    driver._publish_weight(18.0)  # type: ignore[attr-defined]  # what every family's frames end in
    assert updates
    assert isinstance(samples[0], WeightSample)
    assert samples[0].grams == 18.0
