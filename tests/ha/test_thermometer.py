"""Set-up, entities and values of iGrill thermometers, end to end through the emulator."""

from __future__ import annotations

import pytest
from homeassistant.const import STATE_UNKNOWN, EntityCategory, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped,unused-ignore]
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    ClientSessionGenerator,
)

from custom_components.kitchen_ble.const import DOMAIN
from emulator.igrill.codec import UNIT_FAHRENHEIT
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device, state_of


async def test_probe_temperatures_follow_the_device(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2", plugged=[True, True, False, True])
    entry = await setup_device(hass, device, "igrill_v2")
    assert device.connected
    assert device.authenticated

    virtual_proxy.tick(1800)  # half an hour of cooking
    await hass.async_block_till_done()
    values = [float(state_of(hass, device, f"probe_{number}")) for number in (1, 2, 4)]
    for number, value in zip((1, 2, 4), values, strict=True):
        assert abs(value - device.probe(number).temperature) <= 2
    assert max(values) > 40, "the probes should have warmed up"
    assert state_of(hass, device, "probe_3") == STATE_UNKNOWN
    state = hass.states.get(entity_id(hass, device, "probe_1"))
    assert state is not None
    assert state.attributes["unit_of_measurement"] == UnitOfTemperature.CELSIUS
    assert state.attributes["friendly_name"] == "iGrill Probe 1"
    assert state_of(hass, device, "connection", "binary_sensor") == "on"
    assert entry.runtime_data.link.connected


async def test_probe_plugged_in_and_out_while_connected(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    await setup_device(hass, device, "igrill_mini")
    device.unplug(1)
    virtual_proxy.tick(2)
    await hass.async_block_till_done()
    assert state_of(hass, device, "probe_1") == STATE_UNKNOWN
    device.plug(1, 60.0)
    virtual_proxy.tick(2)
    await hass.async_block_till_done()
    assert abs(float(state_of(hass, device, "probe_1")) - 60) <= 2


async def test_fahrenheit_device_shown_in_the_users_unit(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v3", unit=UNIT_FAHRENHEIT)
    await setup_device(hass, device, "igrill_v3")
    virtual_proxy.tick(2)
    await hass.async_block_till_done()
    probe = entity_id(hass, device, "probe_1")
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    reading = entry.runtime_data.link.driver.state.probes[0]  # the device's own, in °F
    assert abs(reading - (device.probe(1).temperature * 9 / 5 + 32)) <= 2
    # Shown in the user's (metric) system, converted to one decimal: no float noise.
    state = hass.states.get(probe)
    assert state is not None
    assert state.attributes["unit_of_measurement"] == UnitOfTemperature.CELSIUS
    assert state.state == str(round((reading - 32) * 5 / 9, 1))
    assert abs(float(state.state) - device.probe(1).temperature) <= 1.5


async def test_v3_battery_and_propane(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v3", battery=64, propane=0.75)
    await setup_device(hass, device, "igrill_v3")
    assert state_of(hass, device, "battery") == "64"
    assert state_of(hass, device, "propane") == "75"
    registry = er.async_get(hass)
    battery = registry.async_get(entity_id(hass, device, "battery"))
    assert battery is not None
    assert battery.entity_category is EntityCategory.DIAGNOSTIC


async def test_pulse_heating_elements(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = await add_igrill(hass, virtual_proxy, "pulse_2000", setpoints=[200, 150])
    entry = await setup_device(hass, device, "pulse_2000")
    assert state_of(hass, device, "left_element_setpoint") == "200"
    assert state_of(hass, device, "right_element_setpoint") == "150"
    virtual_proxy.tick(900)
    async_poll = entry.runtime_data.link._async_poll
    await async_poll()
    await hass.async_block_till_done()
    left = float(state_of(hass, device, "left_element_temperature"))
    assert 100 < left <= 205
    # Mains powered: the Battery Service it still has makes no entity (looked up
    # the way every entity here is: by unique id, so the check can fail).
    registry = er.async_get(hass)
    assert registry.async_get_entity_id(
        "sensor", DOMAIN, f"{device.address}_left_element_temperature"
    )
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{device.address}_battery") is None
    assert entry.runtime_data.link.driver.state.battery == 100  # read, just not shown


async def test_pulse_1000_has_one_element(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = await add_igrill(hass, virtual_proxy, "pulse_1000")
    await setup_device(hass, device, "pulse_1000")
    registry = er.async_get(hass)
    keys = {
        e.unique_id.removeprefix(f"{device.address}_")
        for e in er.async_entries_for_config_entry(
            registry, hass.config_entries.async_entries(DOMAIN)[0].entry_id
        )
    }
    assert "left_element_temperature" in keys
    assert "right_element_temperature" not in keys
    assert {"probe_1", "probe_2"} <= keys
    assert "probe_3" not in keys


async def test_device_registry_has_firmware_and_model(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v202")
    entry = await setup_device(hass, device, "igrill_v202")
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 1
    assert devices[0].sw_version == device.firmware
    assert devices[0].model == "iGrill V2 (V202)"
    assert devices[0].manufacturer == "Weber"


async def test_signal_strength_is_disabled_by_default(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini", rssi=-71)
    entry = await setup_device(hass, device, "igrill_mini")
    registry = er.async_get(hass)
    signal = registry.async_get(entity_id(hass, device, "signal_strength"))
    assert signal is not None
    assert signal.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    registry.async_update_entity(signal.entity_id, disabled_by=None)
    await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)
    assert state_of(hass, device, "signal_strength") == "-71"


async def test_unknown_model_in_entry_fails_setup(hass: HomeAssistant) -> None:
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="AA", data={"address": "AA:BB:CC:DD:EE:FF", "model": "nope"}
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.reason == "The configured model nope is not known to this version of Kitchen BLE"


@pytest.mark.parametrize("model", ["igrill_mini", "igrill_mini_v2", "igrill_v2", "igrill_v3"])
async def test_every_model_connects(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, model: str
) -> None:
    device = await add_igrill(hass, virtual_proxy, model)
    entry = await setup_device(hass, device, model)
    assert entry.runtime_data.link.connected
    assert float(state_of(hass, device, "probe_1")) > 0


async def test_diagnostics(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, hass_client: ClientSessionGenerator
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v3", battery=50)
    entry = await setup_device(hass, device, "igrill_v3")
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entry"]["data"]["address"] == "**REDACTED**"
    assert diagnostics["model"]["model_id"] == "igrill_v3"
    assert diagnostics["connection"]["connected"] is True
    assert diagnostics["state"]["battery"] == 50
    assert device.address not in str(diagnostics)
