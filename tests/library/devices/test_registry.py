"""Device registry: identify, model_by_id, create_driver."""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.devices import (
    MODELS,
    Driver,
    create_driver,
    identify,
    is_passive,
    model_by_id,
)
from custom_components.kitchen_ble.library.devices.advertisers import NODE
from custom_components.kitchen_ble.library.devices.base import (
    DeviceKind,
    ModelInfo,
    UnsupportedDeviceError,
)
from custom_components.kitchen_ble.library.devices.bluedot import BLUEDOT, BlueDotDriver
from custom_components.kitchen_ble.library.devices.de1 import DE1, De1Driver
from custom_components.kitchen_ble.library.devices.igrill import (
    MODEL_BY_SERVICE,
    TEMPERATURE_SERVICE_UUIDS,
    IGrillDriver,
)
from custom_components.kitchen_ble.library.devices.igrill import models as m

EXPECTED = {
    "igrill_mini": ("iGrill mini", "Weber", 1),
    "igrill_mini_v2": ("iGrill mini V2", "Weber", 1),
    "igrill_v2": ("iGrill V2", "Weber", 4),
    "igrill_v202": ("iGrill V2 (V202)", "Weber", 4),
    "igrill_v3": ("iGrill V3", "Weber", 4),
    "kitchen_thermometer": ("Kitchen Thermometer", "iDevices", 2),
    "pulse_1000": ("Pulse 1000", "Weber", 2),
    "pulse_2000": ("Pulse 2000", "Weber", 4),
    "bluedot": ("BlueDOT", "ThermoWorks", 1),
    "thingy_node": ("Environment node", "Nordic Semiconductor", 0),
    # the Decent DE1 family (de1.md §7.2 V13_MODEL names)
    "de1": ("DE1", "Decent Espresso", 0),
    "de1_plus": ("DE1+", "Decent Espresso", 0),
    "de1_pro": ("DE1 Pro", "Decent Espresso", 0),
    "de1_xl": ("DE1 XL", "Decent Espresso", 0),
    "de1_cafe": ("DE1 Cafe", "Decent Espresso", 0),
    "de1_xxl": ("DE1 XXL", "Decent Espresso", 0),
    # coffee scales (scales.md §1-§5)
    "skale_ii": ("Skale II", "Atomax", 0),
    "acaia_lunar": ("Lunar", "Acaia", 0),
    "acaia_pearl": ("Pearl", "Acaia", 0),
    "acaia_pearl_s": ("Pearl S", "Acaia", 0),
    "acaia_pyxis": ("Pyxis", "Acaia", 0),
    "acaia_cinco": ("Cinco", "Acaia", 0),
    "acaia": ("Acaia scale", "Acaia", 0),
    "felicita_arc": ("Arc", "Felicita", 0),
    "decent_scale": ("Decent Scale", "Decent Espresso", 0),
    "bookoo_themis": ("Themis", "BooKoo", 0),
}
DE1_MODELS = ("de1", "de1_plus", "de1_pro", "de1_xl", "de1_cafe", "de1_xxl")
SCALE_FAMILIES = {
    "skale_ii": "skale",
    **dict.fromkeys(
        ("acaia_lunar", "acaia_pearl", "acaia_pearl_s", "acaia_pyxis", "acaia_cinco", "acaia"),
        "acaia",
    ),
    "felicita_arc": "felicita",
    "decent_scale": "decent_scale",
    "bookoo_themis": "bookoo",
}
FAMILIES = {
    "bluedot": "bluedot",
    "thingy_node": "node",
    **dict.fromkeys(DE1_MODELS, "de1"),
    **SCALE_FAMILIES,
}
# The worked example of advertisers.md
NODE_FRAME = bytes.fromhex("01 00 02 2D 03 00 FD 04 00 00 01 B8 05 5F")
SHOT_SAMPLE = "02 5c 00 44 00 00 21 ea 22 1e da 5a 00 5e 00 00 00 02 4d"  # §10.1 (real)
OTHER_SERVICES = ["0000180f-0000-1000-8000-00805f9b34fb", "64ac0000-4a4b-4b58-9f37-94d3c52ffdf7"]


def test_model_table() -> None:
    assert {model.model_id for model in MODELS} == set(EXPECTED)
    for model in MODELS:
        assert (model.name, model.manufacturer, model.probes) == EXPECTED[model.model_id]
        assert model.family == FAMILIES.get(model.model_id, "igrill")
    assert len(TEMPERATURE_SERVICE_UUIDS) == 8
    assert all(uuid == uuid.lower() for uuid in TEMPERATURE_SERVICE_UUIDS)


def test_capabilities() -> None:
    capabilities = {model.model_id: model.capabilities for model in MODELS}
    assert capabilities["igrill_v3"] == {"battery", "propane", "probe_alarm"}
    assert capabilities["pulse_1000"] == {"elements", "single_element", "probe_alarm"}
    assert capabilities["pulse_2000"] == {"elements", "probe_alarm"}
    for model_id in ("igrill_mini", "igrill_mini_v2", "igrill_v2", "igrill_v202"):
        assert capabilities[model_id] == {"battery", "probe_alarm"}
    assert capabilities["kitchen_thermometer"] == {"battery", "probe_alarm"}
    assert capabilities["bluedot"] == {"probe_alarm", "reports_alarm"}
    assert capabilities["thingy_node"] == set()
    assert all(capabilities[model_id] == set() for model_id in DE1_MODELS)


def test_kinds() -> None:
    kinds = {model.model_id: model.kind.value for model in MODELS}
    assert kinds.pop("thingy_node") == "sensor_node"
    assert {kinds.pop(model_id) for model_id in DE1_MODELS} == {"espresso_machine"}
    assert {kinds.pop(model_id) for model_id in SCALE_FAMILIES} == {"scale"}
    assert set(kinds.values()) == {"thermometer"}


def test_is_passive() -> None:
    assert [model.model_id for model in MODELS if is_passive(model)] == ["thingy_node"]


@pytest.mark.parametrize(("uuid", "model"), list(MODEL_BY_SERVICE.items()))
def test_identify_by_service(uuid: str, model: ModelInfo) -> None:
    assert identify(None, [*OTHER_SERVICES, uuid]) == model
    assert identify("iGrill_mini", [uuid.upper()]) == model  # services beat the name


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("iGrill_mini", m.IGRILL_MINI),
        ("iGrill_mini_2", m.IGRILL_MINI),
        ("iGrill Mini", m.IGRILL_MINI),
        ("iGrill_V2", m.IGRILL_V2),
        ("iGrill_V2_2", m.IGRILL_V2),
        ("iGrill_V3", m.IGRILL_V3),
        ("KT", m.KITCHEN_THERMOMETER),
        ("iGrill_Pulse", m.IGRILL_V2),  # unknown iGrill name: best guess, refined on connect
        ("iGrill", m.IGRILL_V2),
        ("BlueDOT", BLUEDOT),
        ("BlueDOT_e2:f6:49", BLUEDOT),
        ("DE1", DE1),  # §1: names starting with "DE1"; MMR names the exact model later
        ("DE1+", DE1),
        ("DE1_XL", DE1),
    ],
)
def test_identify_by_name(name: str, model: ModelInfo) -> None:
    assert identify(name, OTHER_SERVICES) == model


def test_identify_bluedot_without_services() -> None:
    assert identify("BlueDOT", []) is BLUEDOT


@pytest.mark.parametrize(
    "name",
    [None, "", "KT_mini", "kt", "igrill_v2", "bluedot", "BLUEDOT", "Pulse 2000", "de1", "Bengle"],
)
def test_identify_unknown(name: str | None) -> None:
    assert identify(name, OTHER_SERVICES) is None
    assert identify(name, []) is None


def test_identify_node_by_its_payload() -> None:
    assert identify(None, [], {0xFFFF: NODE_FRAME}) is NODE
    assert identify("", [], {0x0059: b"\x00", 0xFFFF: NODE_FRAME}) is NODE
    assert identify("iGrill_mini", [], {0xFFFF: NODE_FRAME}) is m.IGRILL_MINI  # the name first


@pytest.mark.parametrize(
    "data",
    [
        {},
        {0xFFFE: NODE_FRAME},  # another company id
        {0xFFFF: NODE_FRAME[:-1]},  # not the documented size
        {0xFFFF: NODE_FRAME + b"\x00"},
        {0xFFFF: bytes([0x06]) + NODE_FRAME[1:]},  # the right size, but no node's records
        {0xFFFF: bytes([0xAA, 0x01, 0, 1, 2, 3, 4, 5])},  # the emulator's foreign device
    ],
)
def test_identify_not_a_node(data: dict[int, bytes]) -> None:
    assert identify(None, [], data) is None


def test_model_by_id() -> None:
    for model in MODELS:
        assert model_by_id(model.model_id) is model
    assert model_by_id("bluedot") is BLUEDOT
    assert model_by_id("thingy_node") is NODE
    assert model_by_id("bluedot_2") is None


def test_create_driver() -> None:
    calls: list[None] = []
    driver: Driver = create_driver(m.IGRILL_V3, lambda: calls.append(None), lambda _sample: None)
    assert isinstance(driver, IGrillDriver)
    assert driver.model == m.IGRILL_V3
    assert driver.state.probes == [None] * 4
    assert driver.poll_interval == 30.0


def test_create_bluedot_driver() -> None:
    driver: Driver = create_driver(BLUEDOT, lambda: None, lambda _sample: None)
    assert isinstance(driver, BlueDotDriver)
    assert driver.state.probes == [None]


def test_create_de1_driver_passes_samples_on() -> None:
    samples: list[object] = []
    driver: Driver = create_driver(DE1, lambda: None, samples.append)
    assert isinstance(driver, De1Driver)
    assert driver.model is DE1
    assert driver.state.machine_state is None
    driver._on_shot_sample(None, bytearray(bytes.fromhex(SHOT_SAMPLE)))  # type: ignore[attr-defined]
    assert len(samples) == 1
    assert samples[0].sample_time == 604  # type: ignore[attr-defined]  # §10.1


def test_create_driver_unknown_family() -> None:
    model = ModelInfo("smoker", "Smoker", "Someone", "smoker", 1, kind=DeviceKind.THERMOMETER)
    with pytest.raises(UnsupportedDeviceError, match="smoker"):
        create_driver(model, lambda: None, lambda _sample: None)
    with pytest.raises(UnsupportedDeviceError, match="node"):  # passive: no driver at all
        create_driver(NODE, lambda: None, lambda _sample: None)
