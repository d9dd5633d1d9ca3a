"""Program runs against an emulated iGrill in accelerated time: steps, buttons, alarms, restart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

from custom_components.kitchen_ble.brewing import STORE_KEY
from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.logbook import describe_brew_alarm
from emulator.proxy import VirtualProxy

from .brewing import AlarmRecorder, create, press, program_state, programs, thermometer
from .cooking import advance, call, hold
from .test_cooking_restart import _restarted

MASH = "marzen_mash"


def _at(alarm: dict[str, Any]) -> float:
    return dt_util.parse_datetime(alarm["raised_at"]).timestamp()  # type: ignore[union-attr]


async def test_mash_runs_across_a_restart(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    config_dir: Path,
) -> None:
    device, device_id = await thermometer(hass, virtual_proxy)
    [entry] = hass.config_entries.async_entries(DOMAIN)
    await create(hass, device_id, tolerance=1.0, reach_timeout_minutes=0)
    record = AlarmRecorder(hass)
    await press(hass, device, MASH, "start")
    assert program_state(hass, device, MASH, "state").state == "running"
    assert program_state(hass, device, MASH, "step").state == "1"
    assert program_state(hass, device, MASH, "setpoint").state == "52.0"
    assert program_state(hass, device, MASH, "time_left").state == "unknown"  # not reached

    hold(device, 1, 52.0)
    await advance(hass, freezer, virtual_proxy, 30, step=30)
    reached = dt_util.utcnow().timestamp()
    assert program_state(hass, device, MASH, "time_left").state == "15"
    await advance(hass, freezer, virtual_proxy, 15 * 60, step=30)
    assert record.types() == ["step_finished"]
    assert _at(record.alarms[0]) == reached + 15 * 60
    assert record.alarms[0]["step"] == 1
    assert program_state(hass, device, MASH, "step").state == "2"
    assert program_state(hass, device, MASH, "setpoint").state == "65.0"

    hold(device, 1, 65.0)
    await advance(hass, freezer, virtual_proxy, 30, step=30)
    reached = dt_util.utcnow().timestamp()
    await advance(hass, freezer, virtual_proxy, 30 * 60, step=60)
    assert program_state(hass, device, MASH, "time_left").state == "30"

    # Home Assistant stops in the middle of the hold and is down for 10 minutes
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_stop()
    assert hass_storage[STORE_KEY]["data"]["runs"][MASH]["state"] == "running"
    freezer.tick(timedelta(minutes=10))

    async with _restarted(config_dir, device) as (restarted, proxy, _):
        again = AlarmRecorder(restarted)
        await advance(restarted, freezer, proxy, 30, step=30)
        assert program_state(restarted, device, MASH, "state").state == "running"
        assert program_state(restarted, device, MASH, "step").state == "2"
        assert program_state(restarted, device, MASH, "time_left").state == "20"
        await advance(restarted, freezer, proxy, 20 * 60, step=60)
        assert again.types() == ["step_finished"]
        assert _at(again.alarms[0]) == reached + 60 * 60, "the downtime counted for the hold"
        assert program_state(restarted, device, MASH, "step").state == "3"

        hold(device, 1, 78.0)
        await advance(restarted, freezer, proxy, 30, step=30)
        reached = dt_util.utcnow().timestamp()
        await advance(restarted, freezer, proxy, 11 * 60, step=60)
        assert again.types() == ["step_finished", "program_finished"]
        assert _at(again.alarms[1]) == reached + 10 * 60
        assert again.states == ["step_finished", "program_finished"]
        assert program_state(restarted, device, MASH, "state").state == "finished"
        assert program_state(restarted, device, MASH, "setpoint").state == "78.0"
        assert program_state(restarted, device, MASH, "state").attributes["active_alarms"] == 3
        await call(restarted, "acknowledge_alarm", {"program": MASH})
        [listed] = await programs(restarted)
        assert listed["active_alarms"] == []
        assert [(a["type"], a["step"]) for a in listed["acknowledged_alarms"]] == [
            ("step_finished", 1),
            ("step_finished", 2),
            ("program_finished", 3),
        ]


async def test_buttons(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id, reach_timeout_minutes=0)
    record = AlarmRecorder(hass)
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, device, MASH, "pause")
    assert err.value.translation_key == "program_not_running"

    hold(device, 1, 52.0)
    await advance(hass, freezer, virtual_proxy, 30, step=30)
    await press(hass, device, MASH, "start")  # at the target: the hold starts now
    await advance(hass, freezer, virtual_proxy, 5 * 60, step=30)
    assert program_state(hass, device, MASH, "time_left").state == "10"
    await press(hass, device, MASH, "pause")
    assert program_state(hass, device, MASH, "state").state == "paused"
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, device, MASH, "pause")
    assert err.value.translation_key == "program_already_paused"
    await advance(hass, freezer, virtual_proxy, 30 * 60, step=60)
    assert program_state(hass, device, MASH, "step").state == "1", "a pause freezes the hold"
    await press(hass, device, MASH, "resume")
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, device, MASH, "resume")
    assert err.value.translation_key == "program_not_paused"
    await advance(hass, freezer, virtual_proxy, 5 * 60, step=30)
    assert program_state(hass, device, MASH, "time_left").state == "5"

    await press(hass, device, MASH, "skip_step")
    assert program_state(hass, device, MASH, "step").state == "2"
    assert record.types() == [], "skipping is no alarm"
    with pytest.raises(ServiceValidationError) as err:
        await press(hass, device, MASH, "start")
    assert err.value.translation_key == "program_already_running"
    await press(hass, device, MASH, "stop")
    assert program_state(hass, device, MASH, "state").state == "idle"
    assert program_state(hass, device, MASH, "setpoint").state == "unknown"
    assert program_state(hass, device, MASH, "step").state == "unknown"
    await press(hass, device, MASH, "acknowledge")  # nothing to acknowledge: nothing happens
    assert record.acknowledged == []


async def test_every_alarm_three_ways_and_acknowledged(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, device_id = await thermometer(hass, virtual_proxy)
    await create(
        hass,
        device_id,
        steps=[{"target": 52, "hold_minutes": 30}, {"target": 60, "hold_minutes": 5}],
        reach_timeout_minutes=10,
        deviation_band=2,
        deviation_minutes=5,
        sensor_lost_minutes=3,
    )
    record = AlarmRecorder(hass)
    await press(hass, device, MASH, "start")
    # too cold for 10 minutes: the setpoint is not reached
    await advance(hass, freezer, virtual_proxy, 11 * 60, step=60)
    assert record.types() == ["setpoint_not_reached"]
    # reached, then 5 °C too hot for 5 minutes
    hold(device, 1, 52.0)
    await advance(hass, freezer, virtual_proxy, 60, step=30)
    hold(device, 1, 57.0)
    await advance(hass, freezer, virtual_proxy, 6 * 60, step=30)
    assert record.types()[1:] == ["deviation"]
    # the probe is pulled out for 3 minutes
    device.unplug(1)
    await advance(hass, freezer, virtual_proxy, 4 * 60, step=30)
    assert record.types()[2:] == ["sensor_lost"]
    hold(device, 1, 52.0)
    await advance(hass, freezer, virtual_proxy, 20 * 60, step=60)
    hold(device, 1, 60.0)
    await advance(hass, freezer, virtual_proxy, 6 * 60, step=30)
    types = ["setpoint_not_reached", "deviation", "sensor_lost", "step_finished"]
    assert record.types() == [*types, "program_finished"]
    assert record.states == record.types()

    alarm = record.alarms[1]
    assert alarm["device_id"] == device_id
    assert alarm["program_id"] == MASH
    assert alarm["program"] == "Märzen mash"
    assert alarm["name"] == "iGrill"
    assert alarm["step"] == 1
    assert alarm["setpoint"] == 52.0
    assert 56 <= alarm["temperature"] <= 58
    assert alarm["alarm_id"] == f"{MASH}-2"
    event = program_state(hass, device, MASH, "alarm", "event")
    assert event.attributes["event_type"] == "program_finished"
    assert event.attributes["step"] == 2
    state = program_state(hass, device, MASH, "state")
    assert state.attributes["active_alarms"] == 5

    # one through the service, the rest through the button
    await call(hass, "acknowledge_alarm", {"program": "Märzen mash", "alarm_id": f"{MASH}-2"})
    await call(hass, "acknowledge_alarm", {"program": MASH, "alarm_id": f"{MASH}-2"})  # again
    assert program_state(hass, device, MASH, "state").attributes["active_alarms"] == 4
    await press(hass, device, MASH, "acknowledge")
    assert program_state(hass, device, MASH, "state").attributes["active_alarms"] == 0
    assert [ack["alarms"] for ack in record.acknowledged] == [
        [f"{MASH}-2"],
        [f"{MASH}-1", f"{MASH}-3", f"{MASH}-4", f"{MASH}-5"],
    ]
    [listed] = await programs(hass)
    assert len(listed["acknowledged_alarms"]) == 5
    assert all(a["acknowledged_at"] for a in listed["acknowledged_alarms"])

    # the logbook's sentences
    assert describe_brew_alarm(hass, alarm) == {
        "name": "Märzen mash",
        "message": f"is off the setpoint in step 1: {alarm['temperature']:g} °C (setpoint 52 °C)",
    }
    hass.config.units = US_CUSTOMARY_SYSTEM
    assert describe_brew_alarm(hass, record.alarms[2])["message"] == (
        "lost its temperature sensor in step 1"
    )
    assert describe_brew_alarm(hass, record.alarms[0])["message"].endswith("(setpoint 125.6 °F)")
    assert describe_brew_alarm(hass, {"type": "program_finished", "program": "X"}) == {
        "name": "X",
        "message": "finished",
    }
