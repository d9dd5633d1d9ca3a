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
from emulator.bluedot import BlueDotDevice
from emulator.catalog import MODELS, create_device, default_address
from emulator.igrill import DEFAULT_MODELS
from emulator.node import ForeignDevice, NodeDevice
from emulator.passive_proxy import PassiveProxy
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
    assert conf == {"speed": 1.0, "interval": 0.1, "slots": 3, "suffix": "default"}


@pytest.mark.parametrize(
    "bad",
    [
        {"devices": [{"model": "igrill_v9"}]},
        {"devices": [{"model": "igrill_v2", "address": "not-an-address"}]},
        {"speed": -1},
        {"slots": 0},
        {"devices": [{"model": "node", "unit": 0}]},  # an option the model does not take
        {"devices": [{"model": "bluedot", "high_alarm": 300}]},
        {"devices": [{"model": "igrill_v2", "measurement_interval": 30}]},
    ],
)
def test_schema_rejects(bad: dict[str, object]) -> None:
    with pytest.raises(vol.Invalid):
        virtual_proxy.CONFIG_SCHEMA({DOMAIN: bad})


def test_default_devices() -> None:
    """One of each iGrill, a BlueDOT, a node, a DE1 asleep, one scale of each family; a node
    only a passive proxy hears."""
    conf = virtual_proxy.CONFIG_SCHEMA({DOMAIN: {}})[DOMAIN]
    proxy = virtual_proxy.build_proxy(conf)
    scales = [
        "skale2",
        "acaia_lunar_old",
        "acaia_lunar_2021",
        "felicita_arc",
        "decent_scale",
        "bookoo_themis",
    ]
    assert [d.model for d in proxy.devices] == [
        *DEFAULT_MODELS,
        "bluedot",
        "thingy_node",
        "de1",
        *scales,
    ]
    de1 = proxy.devices[-1 - len(scales)]
    assert de1.address == "D9:B2:48:DE:00:01"
    assert de1.state[0] == 0, "asleep (state Sleep)"
    assert proxy.source == "kitchen-ble-virtual-proxy-default"
    _proxy, passive = virtual_proxy.build_proxies(conf)
    assert isinstance(passive, PassiveProxy)
    assert passive.source == "kitchen-ble-virtual-proxy-default-passive"
    assert [(d.model, d.address) for d in passive.devices] == [("thingy_node", "E4:0D:E0:00:00:02")]


def test_bluedot_node_and_foreign_from_yaml() -> None:
    conf = virtual_proxy.CONFIG_SCHEMA(
        {
            DOMAIN: {
                "devices": [
                    {"model": "bluedot", "unit": 0, "high_alarm": 70, "name": "BlueDOT Oven"},
                    {"model": "node", "measurement_interval": 30, "passive": False},
                    {"model": "foreign_ffff"},
                    {"model": "node", "address": "E4:0D:E0:00:00:09", "passive": True},
                    {"model": "node", "address": "E4:0D:E0:00:00:0A", "passive": True},
                ]
            }
        }
    )[DOMAIN]
    proxy, passive = virtual_proxy.build_proxies(conf)
    bluedot, node, foreign = proxy.devices
    assert isinstance(bluedot, BlueDotDevice)
    assert (bluedot.address, bluedot.name, bluedot.unit, bluedot.high_alarm) == (
        "00:A0:50:00:00:01",
        "BlueDOT Oven",
        0,
        70,
    )
    assert isinstance(node, NodeDevice)
    assert node.measurement_interval == 30.0
    assert isinstance(foreign, ForeignDevice)
    assert passive is not None
    assert [d.address for d in passive.devices] == ["E4:0D:E0:00:00:09", "E4:0D:E0:00:00:0A"]


def test_catalog() -> None:
    assert set(MODELS) >= {"igrill_v2", "bluedot", "node", "foreign_ffff"}
    assert default_address("node", 3) == "E4:0D:E0:00:00:03"
    assert default_address("foreign_ffff") == "E4:0D:F0:00:00:01"
    assert default_address("igrill_mini") == "70:91:8F:01:00:01"
    assert create_device("bluedot").name == "BlueDOT"
    assert create_device("igrill_v3", unit=0).address == default_address("igrill_v3")
    with pytest.raises(ValueError, match="unknown model"):
        create_device("toaster")
    with pytest.raises(ValueError, match="takes no option unit"):
        create_device("node", unit=0)


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


async def test_setup_without_a_passive_proxy(hass: HomeAssistant, enable_bluetooth: None) -> None:
    config = virtual_proxy.CONFIG_SCHEMA({DOMAIN: {"devices": [{"model": "bluedot"}]}})
    assert await virtual_proxy.async_setup(hass, config)
    assert virtual_proxy.DATA_PASSIVE not in hass.data
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()


async def test_setup_without_config(hass: HomeAssistant) -> None:
    assert await virtual_proxy.async_setup(hass, {})
    assert DOMAIN not in hass.data


async def test_setup_starts_and_stops_with_home_assistant(
    hass: HomeAssistant, enable_bluetooth: None
) -> None:
    config = virtual_proxy.CONFIG_SCHEMA(
        {
            DOMAIN: {
                "suffix": "yaml",
                "devices": [{"model": "igrill_mini"}, {"model": "bluedot", "passive": True}],
            }
        }
    )
    assert await virtual_proxy.async_setup(hass, config)
    proxy: VirtualProxy = hass.data[DOMAIN]
    passive: PassiveProxy = hass.data[virtual_proxy.DATA_PASSIVE]
    heard = bluetooth.async_discovered_service_info(hass, connectable=False)
    assert {"70:91:8F:01:00:01", "00:A0:50:00:00:01"} <= {info.address for info in heard}
    assert bluetooth.async_scanner_by_source(hass, proxy.source) is not None
    assert bluetooth.async_scanner_by_source(hass, passive.source) is not None
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert bluetooth.async_scanner_by_source(hass, proxy.source) is None
    assert bluetooth.async_scanner_by_source(hass, passive.source) is None
