"""Probe targets: entities, presets, units, the device alarm, time to target."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN, EntityCategory, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from custom_components.kitchen_ble.const import PRESENCE_CHECK_SECONDS
from custom_components.kitchen_ble.cooking import STORE_KEY
from custom_components.kitchen_ble.library.devices.base import Capability
from emulator.faults import Fault
from emulator.igrill.codec import UNIT_FAHRENHEIT
from emulator.igrill.const import NO_HIGH_LIMIT, NO_LOW_LIMIT
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device, state_of, warnings_logged
from .cooking import advance, hold, set_number

PER_PROBE = {
    ("number", "target"): True,
    ("select", "preset"): True,
    ("text", "label"): True,
    ("event", "alert"): False,  # its events would be a second logbook line (README)
    ("sensor", "ready_at"): True,
    ("sensor", "time_remaining"): False,
    ("number", "pre_alert"): False,
    ("number", "reminder"): False,
    ("number", "range_min"): False,
    ("number", "range_max"): False,
    ("switch", "range_alarm"): False,
}
CONFIG = {"target", "preset", "label", "pre_alert", "reminder", "range_min", "range_max"}


async def test_entities_per_probe_and_device(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2", title="iGrill V2")
    registry = er.async_get(hass)
    for number in range(1, 5):
        for (platform, kind), enabled in PER_PROBE.items():
            entry_ = registry.async_get(entity_id(hass, device, f"probe_{number}_{kind}", platform))
            assert entry_ is not None
            assert (entry_.disabled_by is None) is enabled, (platform, kind)
            category = EntityCategory.CONFIG if kind in CONFIG or kind == "range_alarm" else None
            assert entry_.entity_category is category, (platform, kind)
    for platform, key in (
        ("button", "start_cook"),
        ("button", "end_cook"),
        ("binary_sensor", "cooking"),
        ("datetime", "ready_by"),
    ):
        assert registry.async_get(entity_id(hass, device, key, platform)) is not None
    target = hass.states.get(entity_id(hass, device, "probe_1_target", "number"))
    assert target is not None
    assert target.name == "iGrill V2 Probe 1 target"
    assert target.state == STATE_UNKNOWN
    assert state_of(hass, device, "probe_1_preset", "select") == "custom"
    assert state_of(hass, device, "probe_1_label", "text") == ""
    assert state_of(hass, device, "cooking", "binary_sensor") == "off"
    assert state_of(hass, device, "ready_by", "datetime") == STATE_UNKNOWN
    assert entry.runtime_data.link.model.has(Capability.PROBE_ALARM)


async def test_target_preset_and_custom(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2")
    select = entity_id(hass, device, "probe_1_preset", "select")
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": select, "option": "beef_medium_rare"},
        blocking=True,
    )
    await settle(hass)
    assert state_of(hass, device, "probe_1_target", "number") == "57.0"
    assert device.probe(1).high_limit == 57, "the device alarm follows the target"
    # the same value by hand keeps the preset; another one makes it "custom"
    await set_number(hass, device, "probe_1_target", 57)
    assert hass.states.get(select).state == "beef_medium_rare"
    await set_number(hass, device, "probe_1_target", 60)
    assert hass.states.get(select).state == "custom"
    assert device.probe(1).high_limit == 60
    # "custom" keeps the target
    await hass.services.async_call(
        "select", "select_option", {"entity_id": select, "option": "custom"}, blocking=True
    )
    assert state_of(hass, device, "probe_1_target", "number") == "60.0"
    # the minimum turns the target (and the device alarm) off
    await set_number(hass, device, "probe_1_target", 0)
    assert state_of(hass, device, "probe_1_target", "number") == STATE_UNKNOWN
    assert device.probe(1).high_limit == NO_HIGH_LIMIT
    # the label shows in the state right away
    label = entity_id(hass, device, "probe_1_label", "text")
    await hass.services.async_call(
        "text", "set_value", {"entity_id": label, "value": " Brisket "}, blocking=True
    )
    await settle(hass)
    assert hass.states.get(label).state == "Brisket"


async def test_fahrenheit_everywhere(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    """A °F user and a °F device: the number shows °F, the device gets °F, the core °C."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    device = await add_igrill(hass, virtual_proxy, "igrill_v3", unit=UNIT_FAHRENHEIT)
    entry = await setup_device(hass, device, "igrill_v3")
    await set_number(hass, device, "probe_2_target", 135)
    target = hass.states.get(entity_id(hass, device, "probe_2_target", "number"))
    assert target.attributes["unit_of_measurement"] == UnitOfTemperature.FAHRENHEIT
    assert float(target.state) == 135
    assert device.probe(2).high_limit == 135
    runtime = hass.data["kitchen_ble"]
    assert runtime.probe(device.address, 2).setting.target == pytest.approx(57.22, abs=0.01)
    assert entry.runtime_data.link.connected


@pytest.mark.usefixtures("all_entities_enabled")
async def test_pre_alert_offset_is_a_difference_in_the_users_unit(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    hass.config.units = US_CUSTOMARY_SYSTEM
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    await setup_device(hass, device, "igrill_mini")
    offset = entity_id(hass, device, "probe_1_pre_alert", "number")
    state = hass.states.get(offset)
    assert state.attributes["unit_of_measurement"] == UnitOfTemperature.FAHRENHEIT
    assert float(state.state) == 9.0  # the default 5 °C
    assert state.attributes["max"] == 180
    await set_number(hass, device, "probe_1_pre_alert", 18)
    runtime = hass.data["kitchen_ble"]
    assert runtime.probe(device.address, 1).setting.pre_alert_offset == 10.0
    await set_number(hass, device, "probe_1_reminder", 10)
    assert runtime.probe(device.address, 1).setting.reminder_interval == 600
    assert state_of(hass, device, "probe_1_reminder", "number") == "10.0"


@pytest.mark.usefixtures("all_entities_enabled")
async def test_bad_range_is_refused_and_changes_nothing(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2")
    await set_number(hass, device, "probe_2_range_max", 120)
    with pytest.raises(ServiceValidationError) as err:
        await set_number(hass, device, "probe_2_range_min", 130)
    assert err.value.translation_key == "range_inverted"
    assert err.value.translation_placeholders == {"min": "130", "max": "120"}
    assert err.value.translation_domain == "kitchen_ble"
    assert state_of(hass, device, "probe_2_range_min", "number") == STATE_UNKNOWN
    await set_number(hass, device, "probe_2_range_min", 100)
    switch = entity_id(hass, device, "probe_2_range_alarm", "switch")
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    await settle(hass)
    assert hass.states.get(switch).state == "on"
    runtime = hass.data["kitchen_ble"]
    engine_target = runtime.probe(device.address, 2).engine.target
    assert (engine_target.range_min, engine_target.range_max) == (100, 120)
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    assert runtime.probe(device.address, 2).engine.target.range_min is None


@pytest.mark.usefixtures("all_entities_enabled")
async def test_chamber_range_goes_to_the_device_alarms(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """With the range alarm on, the iGrill beeps below the minimum and above the maximum."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2")
    await set_number(hass, device, "probe_2_range_min", 100)
    await set_number(hass, device, "probe_2_range_max", 120)
    limits = device.probe(2)
    assert (limits.low_limit, limits.high_limit) == (NO_LOW_LIMIT, NO_HIGH_LIMIT), "alarm off"
    switch = entity_id(hass, device, "probe_2_range_alarm", "switch")
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    await settle(hass)
    assert (limits.low_limit, limits.high_limit) == (100, 120)
    hold(device, 2, 95.0)  # the smoker cools down: the device itself beeps
    virtual_proxy.tick(2)
    await settle(hass)
    assert limits.alarm
    await set_number(hass, device, "probe_2_target", 110)  # a target takes the high alarm
    assert (limits.low_limit, limits.high_limit) == (100, 110)
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    await settle(hass)
    assert (limits.low_limit, limits.high_limit) == (NO_LOW_LIMIT, 110)


async def test_device_alarm_is_written_again_on_reconnect(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    await set_number(hass, device, "probe_3_target", 110)
    assert device.probe(3).high_limit == 110
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)
    device.probe(3).high_limit = NO_HIGH_LIMIT  # e.g. the vendor's app cleared it meanwhile
    await set_number(hass, device, "probe_4_target", 90)  # while away: written on return
    assert device.probe(4).high_limit == NO_HIGH_LIMIT
    virtual_proxy.tick(1)  # it advertises; the presence check notices
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=PRESENCE_CHECK_SECONDS))
    await settle(hass)
    assert entry.runtime_data.link.connected
    assert device.probe(3).high_limit == 110
    assert device.probe(4).high_limit == 90


async def test_failing_alarm_write_is_tolerated(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """The entry says V2 (four probes), the device is a mini (one): probe 3 cannot be written."""
    caplog.set_level(logging.DEBUG, logger="custom_components.kitchen_ble")
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    await setup_device(hass, device, "igrill_v2")
    await set_number(hass, device, "probe_3_target", 70)
    assert state_of(hass, device, "probe_3_target", "number") == "70.0"
    assert "probe 3 alarm not written" in caplog.text
    assert not warnings_logged(caplog)


@pytest.mark.usefixtures("all_entities_enabled")
async def test_time_to_target(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini", cooker_temperature=160.0)
    await setup_device(hass, device, "igrill_mini")
    device.probe(1).temperature = 5.0
    await advance(hass, freezer, virtual_proxy, 300, step=5)
    assert state_of(hass, device, "probe_1_ready_at") == STATE_UNKNOWN, "no target yet"
    assert state_of(hass, device, "probe_1_time_remaining") == STATE_UNKNOWN
    await set_number(hass, device, "probe_1_target", 120)

    writes: list[str] = []
    sensor = entity_id(hass, device, "probe_1_time_remaining")
    hass.bus.async_listen(
        "state_changed",
        lambda event: (
            writes.append(event.data["new_state"].state)
            if event.data["entity_id"] == sensor
            else None
        ),
    )
    await advance(hass, freezer, virtual_proxy, 600, step=5)
    remaining = float(state_of(hass, device, "probe_1_time_remaining"))
    assert 1 <= remaining <= 120
    ready_at = state_of(hass, device, "probe_1_ready_at")
    assert ready_at not in (STATE_UNKNOWN, "unavailable")
    # written when the shown minute changes, not with every reading (120 here):
    # each minute once, while the estimate settles (by some 15 minutes here)
    assert len(writes) == len(set(writes)), writes
    assert len(writes) <= 20, writes
    # the cook goes on until the target is reached
    for _ in range(12):
        await advance(hass, freezer, virtual_proxy, 600, step=10)
        if state_of(hass, device, "probe_1_time_remaining") == "0":
            break
    assert state_of(hass, device, "probe_1_time_remaining") == "0"
    assert device.probe(1).temperature >= 119


async def test_targets_are_stored(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_storage: dict,
    freezer: FrozenDateTimeFactory,
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2")
    await set_number(hass, device, "probe_1_target", 57)
    await advance(hass, freezer, virtual_proxy, 2)
    stored = hass_storage[STORE_KEY]["data"]["devices"][device.address]["probes"]["1"]
    assert stored["setting"]["target"] == 57


async def test_hold_keeps_a_probe_still(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2")
    hold(device, 3, 100.0)
    virtual_proxy.tick(60)
    assert device.probe(3).temperature == pytest.approx(100.0, abs=0.01)


async def test_device_alarm_follows_the_devices_display_unit(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """iGrill thresholds are in the display unit: switching it on the device rewrites them."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v3")
    entry = await setup_device(hass, device, "igrill_v3")
    await set_number(hass, device, "probe_1_target", 57)
    assert device.probe(1).high_limit == 57
    device.unit = UNIT_FAHRENHEIT  # the button on the device
    await advance(
        hass, freezer, virtual_proxy, entry.runtime_data.link.driver.poll_interval + 1, step=5
    )
    assert entry.runtime_data.link.driver.state.unit == "°F"
    assert device.probe(1).high_limit == 135
    assert not device.beeping
