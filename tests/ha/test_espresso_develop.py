"""The emulated DE1 and coffee scales for a develop instance: the catalog and the YAML proxy.

``scripts/develop`` serves the catalog's models through the virtual proxy;
its default set now has a DE1 asleep, which Home Assistant discovers by its
name like a real one. The coffee scales are in the catalog, each at its
stable address; the default set's scales have their own test
(test_scale_develop.py).
"""

from __future__ import annotations

import pytest
import voluptuous as vol
from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_BLUETOOTH
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant

from custom_components.kitchen_ble.const import DOMAIN
from emulator import scales, virtual_proxy
from emulator.catalog import MODELS, OPTIONS, create_device, default_address
from emulator.de1 import DE1Device, State

from .common import settle
from .scales import without_core_scales  # noqa: F401  (fixture)

PROXY = virtual_proxy.DOMAIN


def test_the_catalog_has_the_de1() -> None:
    assert "de1" in MODELS
    assert default_address("de1") == "D9:B2:48:DE:00:01"  # random static, like D9:B2:48:… (§1)
    assert default_address("de1", 2) == "D9:B2:48:DE:00:02"
    device = create_device("de1", firmware=1283, model_code=4, ghc_info=7, awake=True)
    assert isinstance(device, DE1Device)
    assert device.name == "DE1"
    assert device.address == "D9:B2:48:DE:00:01"
    assert device.state[0] is State.IDLE
    assert device.machine.firmware == 1283
    with pytest.raises(ValueError, match="takes no option unit"):
        create_device("de1", unit=0)


@pytest.mark.parametrize("model", scales.MODELS)
def test_the_catalog_has_every_coffee_scale(model: str) -> None:
    assert model in MODELS
    assert OPTIONS[model] == scales.OPTIONS[model]
    device = create_device(model)
    assert device.address == scales.default_address(model) == default_address(model)
    assert default_address(model, 3).endswith(":03")
    named = create_device(model, "5C:A1:E5:FF:00:01", "My scale", battery=50)
    assert (named.address, named.name) == ("5C:A1:E5:FF:00:01", "My scale")
    with pytest.raises(ValueError, match="takes no option firmware_build"):
        create_device(model, firmware_build=1)


def test_the_yaml_takes_a_de1_with_its_options() -> None:
    conf = virtual_proxy.CONFIG_SCHEMA(
        {
            PROXY: {
                "devices": [
                    {
                        "model": "de1",
                        "name": "DE1",
                        "firmware": 1320,
                        "model_code": 6,
                        "serial": 77,
                        "ghc_info": 7,
                        "water_level": 30,
                        "refill_level": 6,
                        "heating_speed": 10,
                        "mains_hz": 60,
                        "awake": True,
                        "temperature": 25,
                        "flash_write_seconds": 1.5,
                        "advertise_service": False,
                    },
                    {"model": "skale2", "under_de1": True},
                ]
            }
        }
    )[PROXY]
    proxy = virtual_proxy.build_proxy(conf)
    de1, scale = proxy.devices
    assert isinstance(de1, DE1Device)
    assert (de1.machine.firmware, de1.mains_hz, de1.advertise_service) == (1320, 60, False)
    assert de1.machine.ghc_active
    assert de1.state[0] is State.IDLE
    assert round(de1.water_level_mm) == 30
    assert scale.address == "5C:A1:E5:01:00:01"
    assert de1.on_pour == [scale.receive_pour], "the DE1's cup stands on the scale"


@pytest.mark.parametrize(
    "bad",
    [
        {"model": "de1", "mains_hz": 55},
        {"model": "de1", "model_code": 128},  # a Bengle is another machine
        {"model": "de1", "water_level": 80},
        {"model": "de1", "unit": 0},  # an iGrill's option
        {"model": "igrill_v2", "firmware": 1283},  # a DE1's option
        {"model": "de1", "under_de1": True},  # only a scale stands under a DE1
    ],
)
def test_the_yaml_refuses_what_a_model_does_not_take(bad: dict[str, object]) -> None:
    with pytest.raises(vol.Invalid):
        virtual_proxy.CONFIG_SCHEMA({PROXY: {"devices": [bad]}})


@pytest.mark.usefixtures("without_core_scales")  # the set's scales: core's acaia would answer
async def test_the_develop_set_offers_its_de1_for_set_up(
    hass: HomeAssistant, enable_bluetooth: None
) -> None:
    config = virtual_proxy.CONFIG_SCHEMA({PROXY: {}})
    assert await virtual_proxy.async_setup(hass, config)
    await settle(hass)
    proxy = hass.data[PROXY]
    de1 = next(device for device in proxy.devices if isinstance(device, DE1Device))
    assert de1.state[0] is State.SLEEP
    assert bluetooth.async_last_service_info(hass, de1.address, connectable=True) is not None
    flows = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"].get("unique_id") == de1.address
    ]
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_BLUETOOTH
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
