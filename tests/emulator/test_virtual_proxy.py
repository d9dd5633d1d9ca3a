"""The kitchen_ble_virtual_proxy custom integration (YAML set-up)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import voluptuous as vol
from homeassistant.components import bluetooth
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant

from emulator import virtual_proxy
from emulator.igrill import DEFAULT_MODELS
from emulator.proxy import VirtualProxy

DOMAIN = virtual_proxy.DOMAIN


def test_manifest() -> None:
    manifest = json.loads((Path(virtual_proxy.__file__).parent / "manifest.json").read_text())
    assert manifest["domain"] == DOMAIN
    assert manifest["dependencies"] == ["bluetooth"]
    assert manifest["iot_class"] == "local_push"
    assert manifest["requirements"] == []
    assert manifest["version"]


def test_schema_defaults() -> None:
    conf = virtual_proxy.CONFIG_SCHEMA({DOMAIN: {}})[DOMAIN]
    assert conf == {"speed": 1.0, "interval": 1.0, "slots": 3, "suffix": "default"}


@pytest.mark.parametrize(
    "bad",
    [
        {"devices": [{"model": "igrill_v9"}]},
        {"devices": [{"model": "igrill_v2", "address": "not-an-address"}]},
        {"speed": -1},
        {"slots": 0},
    ],
)
def test_schema_rejects(bad: dict[str, object]) -> None:
    with pytest.raises(vol.Invalid):
        virtual_proxy.CONFIG_SCHEMA({DOMAIN: bad})


def test_default_devices_one_of_each_igrill() -> None:
    proxy = virtual_proxy.build_proxy(virtual_proxy.CONFIG_SCHEMA({DOMAIN: {}})[DOMAIN])
    assert [d.model for d in proxy.devices] == list(DEFAULT_MODELS)
    assert proxy.source == "kitchen-ble-virtual-proxy-default"


def test_configured_devices() -> None:
    conf = virtual_proxy.CONFIG_SCHEMA(
        {
            DOMAIN: {
                "speed": 20,
                "slots": 2,
                "suffix": "demo",
                "devices": [
                    {"model": "igrill_v2", "address": "70:91:8F:00:00:01", "name": "Smoker"},
                    {"model": "igrill_v2", "unit": 0},
                    {"model": "igrill_v2", "cooker_temperature": 250},
                ],
            }
        }
    )[DOMAIN]
    proxy = virtual_proxy.build_proxy(conf)
    assert proxy.speed == 20
    assert proxy.slots == 2
    assert [d.address for d in proxy.devices] == [
        "70:91:8F:00:00:01",
        "70:91:8F:03:00:02",
        "70:91:8F:03:00:03",
    ]
    first, second, third = proxy.devices
    assert first.name == "Smoker"
    assert second.unit == 0  # type: ignore[attr-defined]
    assert third.cooker_temperature == 250.0  # type: ignore[attr-defined]


async def test_setup_without_config(hass: HomeAssistant) -> None:
    assert await virtual_proxy.async_setup(hass, {})
    assert DOMAIN not in hass.data


async def test_setup_starts_and_stops_with_home_assistant(
    hass: HomeAssistant, enable_bluetooth: None
) -> None:
    config = virtual_proxy.CONFIG_SCHEMA(
        {DOMAIN: {"suffix": "yaml", "devices": [{"model": "igrill_mini"}]}}
    )
    assert await virtual_proxy.async_setup(hass, config)
    proxy: VirtualProxy = hass.data[DOMAIN]
    addresses = {info.address for info in bluetooth.async_discovered_service_info(hass)}
    assert "70:91:8F:01:00:01" in addresses
    assert bluetooth.async_scanner_by_source(hass, proxy.source) is not None
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert bluetooth.async_scanner_by_source(hass, proxy.source) is None
