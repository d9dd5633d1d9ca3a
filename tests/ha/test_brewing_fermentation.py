"""A fermentation program through Home Assistant: a ramp, then a step that ends at a set time.

The core tests (tests/brewing) cover ramps and ``until`` steps in detail; these
check the same through the integration: the setpoint and time-left sensors of
an emulated thermometer's program while Home Assistant's clock moves, the
runtime's periodic tick ending an ``until`` step, and the alarms' times.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.kitchen_ble.brewing import UPDATE_SECONDS
from emulator.proxy import VirtualProxy

from .brewing import AlarmRecorder, create, press, program_state, programs, thermometer
from .common import entity_id
from .cooking import advance, hold

ALE = "ale"
RAMP = 12.0  # °C per hour: from about 14 °C to 20 °C in about half an hour
UNTIL = timedelta(hours=2, seconds=7)  # after creating; off the runtime's 30 s tick on purpose


def _at(alarm: dict[str, Any]) -> float:
    return dt_util.parse_datetime(alarm["raised_at"]).timestamp()  # type: ignore[union-attr]


async def test_ramp_then_until_step(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, device_id = await thermometer(hass, virtual_proxy)
    hold(device, 1, 14.0)
    await advance(hass, freezer, virtual_proxy, 30, step=10)
    until = dt_util.utcnow().replace(microsecond=0) + UNTIL
    await create(
        hass,
        device_id,
        name="Ale",
        steps=[
            {"name": "Warm up", "target": 20, "ramp": RAMP, "hold_minutes": 30},
            {"name": "Diacetyl rest", "target": 21, "until": until.isoformat()},
            {"name": "Cold crash", "target": 2, "hold_minutes": 10},
        ],
        tolerance=1.0,  # the probe reads whole degrees, with noise
        reach_timeout_minutes=0,
        deviation_band=30,
    )
    record = AlarmRecorder(hass)

    def setpoint() -> float:
        return float(program_state(hass, device, ALE, "setpoint").state)

    def minutes_left() -> str:
        return program_state(hass, device, ALE, "time_left").state

    # the ramp starts at the temperature at the start
    origin = float(hass.states.get(entity_id(hass, device, "probe_1")).state)  # type: ignore[union-attr]
    assert 13 <= origin <= 15
    ramp_seconds = (20 - origin) / RAMP * 3600
    await press(hass, device, ALE, "start")
    started = dt_util.utcnow().timestamp()
    assert program_state(hass, device, ALE, "step").state == "1"
    assert setpoint() == origin
    # during the ramp: the rest of the ramp plus the hold, as if the probe follows
    assert minutes_left() == str(round((ramp_seconds + 30 * 60) / 60))

    # the setpoint climbs 1 °C every 5 minutes, on every tick; the probe lags behind
    for minutes in (5, 10, 15):
        await advance(hass, freezer, virtual_proxy, 5 * 60, step=UPDATE_SECONDS)
        assert setpoint() == round(origin + RAMP * minutes / 60, 1), minutes
    assert program_state(hass, device, ALE, "step").state == "1"
    assert program_state(hass, device, ALE, "step").attributes["target_reached"] is False
    await advance(hass, freezer, virtual_proxy, 7.5 * 60, step=UPDATE_SECONDS)
    assert setpoint() == round(min(20.0, origin + RAMP * 22.5 / 60), 1)

    # at the end of the ramp the setpoint stays at the target; the hold waits for the probe
    await advance(hass, freezer, virtual_proxy, ramp_seconds - 22.5 * 60, step=UPDATE_SECONDS)
    assert dt_util.utcnow().timestamp() == started + ramp_seconds
    assert setpoint() == 20.0
    await advance(hass, freezer, virtual_proxy, 5 * 60, step=UPDATE_SECONDS)
    assert setpoint() == 20.0
    assert minutes_left() == "unknown"  # not reached: no estimate
    hold(device, 1, 20.0)
    await advance(hass, freezer, virtual_proxy, UPDATE_SECONDS, step=UPDATE_SECONDS)
    reached = dt_util.utcnow().timestamp()
    assert program_state(hass, device, ALE, "step").attributes["target_reached"] is True
    assert minutes_left() == "30"
    await advance(hass, freezer, virtual_proxy, 30 * 60, step=60)
    assert record.types() == ["step_finished"]
    assert record.alarms[0]["step"] == 1
    assert _at(record.alarms[0]) == reached + 30 * 60
    assert record.alarms[0]["setpoint"] == 20.0

    # the until step: no ramp, the setpoint jumps; its time left counts to the end time
    assert program_state(hass, device, ALE, "step").state == "2"
    assert program_state(hass, device, ALE, "step").attributes["step_name"] == "Diacetyl rest"
    assert setpoint() == 21.0
    end = until.timestamp()
    now = dt_util.utcnow().timestamp()
    assert end - now > 30 * 60
    assert minutes_left() == str(-int(-(end - now) // 60))  # whole minutes, rounded up
    hold(device, 1, 21.0)
    await advance(hass, freezer, virtual_proxy, 10 * 60, step=60)
    now = dt_util.utcnow().timestamp()
    assert minutes_left() == str(-int(-(end - now) // 60))
    [listed] = await programs(hass)
    assert listed["time_left_minutes"] == round((end - now) / 60, 1)
    assert listed["steps"][1]["until"] == until.isoformat()

    # 5 seconds before the end time: still step 2. Then the probe is pulled out, so no
    # reading moves the run on: the runtime's periodic tick ends the step.
    ticks, rest = divmod(end - now - 5, UPDATE_SECONDS)
    await advance(hass, freezer, virtual_proxy, ticks * UPDATE_SECONDS, step=UPDATE_SECONDS)
    device.unplug(1)
    await advance(hass, freezer, virtual_proxy, rest, step=rest)
    assert dt_util.utcnow().timestamp() == end - 5
    assert hass.states.get(entity_id(hass, device, "probe_1")).state == "unknown"  # type: ignore[union-attr]
    assert program_state(hass, device, ALE, "step").state == "2"
    assert minutes_left() == "1"
    assert record.types() == ["step_finished"]
    await advance(hass, freezer, virtual_proxy, UPDATE_SECONDS, step=UPDATE_SECONDS)
    assert dt_util.utcnow().timestamp() > end
    assert record.types() == ["step_finished", "step_finished"]
    finished = record.alarms[1]
    assert finished["step"] == 2
    assert finished["step_name"] == "Diacetyl rest"
    assert _at(finished) == end, "the step ends at its end time, not at the tick"
    assert finished["setpoint"] == 21.0
    assert program_state(hass, device, ALE, "step").state == "3"
    assert setpoint() == 2.0
    assert program_state(hass, device, ALE, "alarm", "event").attributes["step"] == 2

    # the last step holds once reached, then the program is finished
    hold(device, 1, 2.0)
    await advance(hass, freezer, virtual_proxy, 11 * 60, step=60)
    assert record.types() == ["step_finished", "step_finished", "program_finished"]
    assert program_state(hass, device, ALE, "state").state == "finished"
    assert minutes_left() == "unknown"
