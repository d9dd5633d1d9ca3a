"""ProgramRun: a mash and a fermentation in accelerated time, alarms, commands, restarts."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest

from custom_components.kitchen_ble.library.brewing.alarms import AlarmBook, BrewAlarm, BrewAlarmType
from custom_components.kitchen_ble.library.brewing.program import Program, ProgramError, Step
from custom_components.kitchen_ble.library.brewing.runner import ProgramRun, RunState

from .kettle import Vessel, drive

T0 = 1_700_000_000.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
K = BrewAlarmType


def mash(**settings: Any) -> Program:
    steps = (Step(65.0, hold=HOUR, name="Saccharification"), Step(76.0, hold=600.0))
    return Program("mash", "Mash", "kettle:1", steps, **settings)


def kinds(alarms: list[BrewAlarm]) -> list[tuple[BrewAlarmType, int]]:
    return [(alarm.type, alarm.step) for alarm in alarms]


def started(program: Program, temperature: float | None = 50.0, at: float = T0) -> ProgramRun:
    run = ProgramRun(program)
    run.start(at, temperature)
    return run


def feed(run: ProgramRun, readings: list[tuple[float, float | None]]) -> list[BrewAlarm]:
    return [alarm for now, temperature in readings for alarm in run.update(temperature, now)]


def restored(run: ProgramRun) -> ProgramRun:
    return ProgramRun.from_dict(json.loads(json.dumps(run.to_dict())))


# --------------------------------------------------------------------- a mash


def test_mash_in_accelerated_time() -> None:
    run = ProgramRun(mash())
    kettle = Vessel(50.0, heat_rate=60.0, cool_rate=10.0, noise=0.15)  # 1 °C a minute
    assert (run.state, run.step_index, run.setpoint(T0), run.time_left(T0)) == (
        RunState.IDLE,
        None,
        None,
        None,
    )
    run.start(T0, kettle.reading())
    assert (run.state, run.step_index, run.run, run.started_at) == (RunState.RUNNING, 0, 1, T0)
    assert run.setpoint(T0) == 65.0
    assert run.time_left(T0) is None  # waiting for 65 °C
    assert run.step == Step(65.0, hold=HOUR, name="Saccharification")

    trace = drive(run, kettle, T0, T0 + 3 * HOUR, 10.0)

    # each hold started only once the kettle was at its target, within the tolerance
    (reached_1, true_1), (reached_2, true_2) = trace.reached[0], trace.reached[1]
    assert 64.0 <= true_1 <= 65.0
    assert 75.0 <= true_2 <= 76.0
    assert reached_1 - T0 == pytest.approx(15 * MINUTE, abs=60)
    # the steps in order, each ending exactly its hold after its target was reached
    assert kinds(trace.alarms) == [(K.STEP_FINISHED, 0), (K.PROGRAM_FINISHED, 1)]
    step_done, program_done = trace.alarms
    assert step_done.raised_at == reached_1 + HOUR
    assert step_done.setpoint == 65.0
    assert program_done.raised_at == reached_2 + 600.0
    assert (program_done.setpoint, program_done.run, program_done.program_id) == (76.0, 1, "mash")
    assert reached_2 - step_done.raised_at == pytest.approx(10.5 * MINUTE, abs=60)
    # the setpoint followed the steps and stays at the last target when finished
    assert {setpoint for _, setpoint in trace.setpoints} == {65.0, 76.0}
    assert run.state is RunState.FINISHED
    assert (run.step_index, run.setpoint(T0 + 4 * HOUR), run.time_left(T0 + 4 * HOUR)) == (
        1,
        76.0,
        None,
    )
    assert not run.reached
    assert run.alarms.active == tuple(trace.alarms)
    assert run.update(70.0, T0 + 5 * HOUR) == []  # finished: nothing more happens


def test_time_left_counts_down_the_hold() -> None:
    run = started(mash())
    feed(run, [(T0 + 100, 64.6)])
    assert run.reached
    assert run.time_left(T0 + 100) == HOUR
    assert run.time_left(T0 + 1000) == HOUR - 900
    assert run.ends_at(T0 + 1000) == T0 + 100 + HOUR
    feed(run, [(T0 + 1000, 62.0)])  # a dip out of the tolerance: the hold keeps counting
    assert run.reached
    assert run.time_left(T0 + 2000) == HOUR - 1900
    assert kinds(feed(run, [(T0 + 100 + HOUR, 65.0)])) == [(K.STEP_FINISHED, 0)]
    assert run.ends_at(T0 + 100 + HOUR) is None  # step 2 waits for 76 °C


def test_hold_zero_and_chained_steps_in_one_update() -> None:
    steps = (Step(65.0, hold=0.0), Step(65.0, hold=600.0), Step(66.0, hold=60.0))
    run = started(Program("p", "P", "s", steps))
    alarms = feed(run, [(T0 + 10, 65.2)])
    # reaching step 1 ends it at once; step 2 is reached by the same reading
    assert kinds(alarms) == [(K.STEP_FINISHED, 0)]
    assert (run.step_index, run.reached) == (1, True)
    assert alarms[0].raised_at == T0 + 10
    assert run.time_left(T0 + 10) == 600.0


# ---------------------------------------------------------- a fermentation


def ale(**settings: Any) -> Program:
    steps = (
        Step(18.0, until=T0 + 7 * DAY, name="Primary"),
        Step(21.0, hold=3 * DAY, ramp=3 / 48, name="Diacetyl rest"),  # 3 °C over 2 days
        Step(2.0, until=T0 + 14 * DAY, name="Cold crash"),
    )
    return Program("ale", "Ale", "fridge:node", steps, **({"reach_timeout": DAY} | settings))


def test_fermentation_with_a_ramp_and_end_times() -> None:
    run = ProgramRun(ale())
    chamber = Vessel(20.0, heat_rate=0.5, cool_rate=1.0, noise=0.1, seed=3)
    run.start(T0, chamber.reading())
    trace = drive(run, chamber, T0, T0 + 15 * DAY, 300.0)
    assert kinds(trace.alarms) == [
        (K.STEP_FINISHED, 0),
        (K.STEP_FINISHED, 1),
        (K.PROGRAM_FINISHED, 2),
    ]
    primary, rest, crash = trace.alarms
    assert primary.raised_at == T0 + 7 * DAY  # an until step ends at its time
    assert crash.raised_at == T0 + 14 * DAY
    # the ramp: the setpoint moved at 3 °C per 2 days from 18 °C
    setpoints = dict(trace.setpoints)
    assert setpoints[T0 + 7 * DAY + 300] == pytest.approx(18.0 + 3 / 48 * 300 / HOUR)
    assert setpoints[T0 + 8 * DAY] == pytest.approx(19.5)
    assert setpoints[T0 + 9 * DAY] == 21.0
    # the hold started when the ramp was done (the chamber followed it closely)
    reached_at, true = trace.reached[1]
    assert reached_at == T0 + 9 * DAY
    assert true == pytest.approx(21.0, abs=0.5)
    assert rest.raised_at == T0 + 12 * DAY
    assert setpoints[T0 + 13 * DAY] == 2.0
    assert run.state is RunState.FINISHED


def test_ramp_time_left_is_an_estimate_and_the_hold_waits_for_the_ramp() -> None:
    program = Program("p", "P", "s", (Step(21.0, hold=DAY, ramp=1.0),))  # 1 °C an hour
    run = started(program, 18.0)
    assert run.setpoint(T0 + HOUR) == 19.0
    assert run.time_left(T0 + HOUR) == 2 * HOUR + DAY  # rest of the ramp plus the hold
    feed(run, [(T0 + HOUR, 21.0)])  # already at the target, but the ramp goes on
    assert (run.reached, run.time_left(T0 + HOUR)) == (False, 2 * HOUR + DAY)
    feed(run, [(T0 + 3 * HOUR, 20.0)])  # ramp done, not within tolerance
    assert (run.reached, run.time_left(T0 + 3 * HOUR)) == (False, None)
    feed(run, [(T0 + 4 * HOUR, 20.6)])
    assert (run.reached, run.time_left(T0 + 4 * HOUR)) == (True, DAY)


def test_first_ramp_starts_at_the_temperature_at_start_or_is_skipped_without_one() -> None:
    program = Program("p", "P", "s", (Step(65.0, hold=60.0, ramp=60.0),))
    assert started(program, 50.0).setpoint(T0 + 5 * MINUTE) == 55.0
    assert started(program, 65.0).setpoint(T0) == 65.0  # nothing to ramp
    assert started(program, None).setpoint(T0) == 65.0


def test_a_later_ramp_starts_where_a_skipped_ramp_stopped() -> None:
    steps = (Step(30.0, hold=60.0, ramp=6.0), Step(10.0, hold=60.0, ramp=12.0))
    run = started(Program("p", "P", "s", steps), 20.0)
    run.skip(T0 + HOUR)  # at 26 °C
    assert run.setpoint(T0 + HOUR) == 26.0
    assert run.setpoint(T0 + 2 * HOUR) == 14.0
    assert run.time_left(T0 + HOUR) == 16 / 12 * HOUR + 60.0


def test_an_until_step_whose_time_passed_before_it_began_ends_at_once() -> None:
    steps = (Step(65.0, hold=HOUR), Step(70.0, until=T0 + HOUR), Step(72.0, hold=60.0))
    run = started(Program("p", "P", "s", steps, reach_timeout=0.0))
    feed(run, [(T0 + 600, 65.0)])
    alarms = feed(run, [(T0 + 600 + HOUR, 65.0)])
    assert kinds(alarms) == [(K.STEP_FINISHED, 0), (K.STEP_FINISHED, 1)]
    assert [alarm.raised_at for alarm in alarms] == [T0 + 600 + HOUR] * 2
    assert run.step_index == 2


# ------------------------------------------------------------------- alarms


def test_setpoint_not_reached_fires_once_after_the_timeout() -> None:
    run = started(mash(reach_timeout=1800.0), 20.0)
    kettle = Vessel(20.0, heat_rate=12.0, cool_rate=10.0)  # far too weak: 0.2 °C a minute
    trace = drive(run, kettle, T0, T0 + 2 * HOUR, 60.0)
    assert kinds(trace.alarms) == [(K.SETPOINT_NOT_REACHED, 0)]
    (alarm,) = trace.alarms
    assert (alarm.raised_at, alarm.setpoint) == (T0 + 1800.0, 65.0)
    assert alarm.temperature == pytest.approx(26.0, abs=0.5)
    # acknowledged, it does not come back for this step
    run.alarms.acknowledge(None, T0 + 2 * HOUR)
    assert drive(run, kettle, T0 + 2 * HOUR, T0 + 3 * HOUR, 60.0).alarms == []


def test_reach_timeout_counts_after_the_ramp_and_zero_turns_it_off() -> None:
    program = Program("p", "P", "s", (Step(30.0, hold=60.0, ramp=10.0),), reach_timeout=600.0)
    run = started(program, 20.0)  # a one-hour ramp
    assert feed(run, [(T0 + HOUR + 599, 25.0)]) == []
    assert kinds(feed(run, [(T0 + HOUR + 600, 25.0)])) == [(K.SETPOINT_NOT_REACHED, 0)]
    off = started(mash(reach_timeout=0.0), 20.0)
    assert feed(off, [(T0 + DAY, 20.0)]) == []


def test_deviation_fires_once_after_the_delay_and_rearms_after_recovery() -> None:
    run = started(mash(deviation_band=2.0, deviation_time=600.0, reach_timeout=0.0), 20.0)
    # heating up from far below is not a deviation: the step has not been reached yet
    assert feed(run, [(T0 + t, 20.0 + t / 60) for t in range(0, 2700, 60)]) == []
    assert feed(run, [(T0 + 2700, 65.0)]) == []
    base = T0 + 2700
    assert feed(run, [(base + 60, 67.1), (base + 659, 67.5)]) == []
    alarms = feed(run, [(base + 660, 67.2)])
    assert kinds(alarms) == [(K.DEVIATION, 0)]
    assert (alarms[0].temperature, alarms[0].setpoint, alarms[0].raised_at) == (
        67.2,
        65.0,
        base + 660,
    )
    assert feed(run, [(base + t, 68.0) for t in range(700, 2000, 60)]) == []  # stays out: once
    # inside the band but not by the margin, then out again: still once
    assert feed(run, [(base + 2000, 66.8), (base + 2100, 67.5), (base + 2800, 67.5)]) == []
    # back inside by the margin re-arms; out again for the delay: the same alarm is still
    # active (not acknowledged), so it is not raised again
    assert feed(run, [(base + 2900, 65.0), (base + 2950, 62.5), (base + 3550, 62.5)]) == []
    assert [alarm.type for alarm in run.alarms.active] == [K.DEVIATION]


def test_deviation_after_acknowledgement_raises_a_new_alarm() -> None:
    run = started(mash(reach_timeout=0.0), 65.0)
    feed(run, [(T0, 65.0)])
    first = feed(run, [(T0 + 10, 68.0), (T0 + 610, 68.0)])
    assert kinds(first) == [(K.DEVIATION, 0)]
    run.alarms.acknowledge(None, T0 + 700, by="brewer")
    assert feed(run, [(T0 + 800, 65.0), (T0 + 900, 62.0)]) == []
    second = feed(run, [(T0 + 1500, 62.5)])
    assert kinds(second) == [(K.DEVIATION, 0)]
    assert second[0].id != first[0].id
    assert run.alarms.history[0].acknowledged_by == "brewer"


def test_deviation_follows_a_moving_setpoint() -> None:
    program = Program("p", "P", "s", (Step(30.0, hold=60.0, ramp=6.0),), deviation_time=0.0)
    run = started(program, 20.0)
    assert feed(run, [(T0 + 0.5 * HOUR, 23.0)]) == []  # on the ramp: tracking
    alarms = feed(run, [(T0 + HOUR, 28.5)])  # 2.5 off the setpoint, 1.5 off the target
    assert kinds(alarms) == [(K.DEVIATION, 0)]
    assert alarms[0].setpoint == 26.0


def test_sensor_lost_after_readings_stop_and_once_per_outage() -> None:
    run = started(mash(reach_timeout=0.0), 60.0)
    assert feed(run, [(T0 + 10, 64.8), (T0 + 20, None), (T0 + 319, None)]) == []
    alarms = feed(run, [(T0 + 320, None)])
    assert kinds(alarms) == [(K.SENSOR_LOST, 0)]
    assert (alarms[0].temperature, alarms[0].setpoint) == (None, 65.0)
    assert run.temperature is None
    assert feed(run, [(T0 + 1000, None)]) == []
    # the hold keeps counting while the sensor is lost
    assert run.time_left(T0 + 1000) == HOUR - 990
    run.alarms.acknowledge(None, T0 + 1100)
    assert feed(run, [(T0 + 1200, None)]) == []  # the same outage
    assert feed(run, [(T0 + 1300, 65.0), (T0 + 1310, None)]) == []
    assert kinds(feed(run, [(T0 + 1610, None)])) == [(K.SENSOR_LOST, 0)]
    done = feed(run, [(T0 + 10 + HOUR, None)])
    assert kinds(done) == [(K.STEP_FINISHED, 0)]
    assert done[0].temperature is None


def test_sensor_lost_from_the_start() -> None:
    run = started(mash(reach_timeout=0.0), None)
    assert feed(run, [(T0 + 299, None)]) == []
    assert kinds(feed(run, [(T0 + 300, None)])) == [(K.SENSOR_LOST, 0)]


def test_update_rejects_non_finite_readings() -> None:
    run = started(mash())
    with pytest.raises(ValueError, match="finite"):
        run.update(math.nan, T0)
    with pytest.raises(ValueError, match="finite"):
        ProgramRun(mash()).start(T0, math.inf)


# ----------------------------------------------------------------- commands


def test_pause_freezes_the_hold_and_resume_continues() -> None:
    run = started(mash(reach_timeout=0.0))
    feed(run, [(T0 + 100, 65.0)])
    run.pause(T0 + 1000)
    assert run.state is RunState.PAUSED
    assert run.time_left(T0 + 1000) == HOUR - 900
    assert feed(run, [(T0 + 1000 + t, None) for t in range(0, 7200, 60)]) == []  # no alarms
    assert feed(run, [(T0 + 8000, 40.0)]) == []
    assert run.time_left(T0 + 9000) == HOUR - 900  # frozen
    assert run.setpoint(T0 + 9000) == 65.0
    run.resume(T0 + 9000)
    assert run.time_left(T0 + 9000) == HOUR - 900
    assert feed(run, [(T0 + 9000 + HOUR - 901, 65.0)]) == []
    alarms = feed(run, [(T0 + 9000 + HOUR - 900, 65.0)])
    assert kinds(alarms) == [(K.STEP_FINISHED, 0)]
    assert alarms[0].raised_at == T0 + 100 + HOUR + 8000  # 8000 s paused


def test_pause_freezes_a_ramp_but_not_an_end_time() -> None:
    steps = (Step(30.0, until=T0 + 2 * HOUR, ramp=10.0), Step(20.0, hold=60.0))
    run = started(Program("p", "P", "s", steps, reach_timeout=0.0), 20.0)
    run.pause(T0 + 0.5 * HOUR)
    assert run.setpoint(T0 + 3 * HOUR) == 25.0
    assert run.time_left(T0 + HOUR) == HOUR
    run.resume(T0 + 3 * HOUR)
    assert run.setpoint(T0 + 3 * HOUR) == 25.0  # the ramp goes on from where it stopped
    alarms = feed(run, [(T0 + 3 * HOUR, 25.0)])
    # the end time passed during the pause: the step ends on resume
    assert kinds(alarms) == [(K.STEP_FINISHED, 0)]
    assert alarms[0].raised_at == T0 + 3 * HOUR
    assert run.setpoint(T0 + 3 * HOUR) == 20.0


def test_skip_stop_and_start_again() -> None:
    run = started(mash())
    run.skip(T0 + 60)  # no alarm for the user's own action
    assert (run.step_index, run.setpoint(T0 + 60)) == (1, 76.0)
    run.pause(T0 + 100)
    run.skip(T0 + 200)  # skipping the last step finishes the program, also when paused
    assert run.state is RunState.FINISHED
    assert run.alarms.active == ()
    run.stop(T0 + 300)  # finished -> idle: the setpoint goes away
    assert (run.state, run.step_index, run.setpoint(T0 + 300)) == (RunState.IDLE, None, None)
    run.start(T0 + 400, 20.0)
    assert (run.run, run.step_index, run.started_at) == (2, 0, T0 + 400)
    run.stop(T0 + 500)
    assert (run.state, run.step_index) == (RunState.IDLE, None)


def test_alarms_stay_after_stop_and_a_new_run_raises_its_own() -> None:
    run = started(mash(reach_timeout=60.0), 20.0)
    first = feed(run, [(T0 + 60, 20.0)])
    run.stop(T0 + 100)
    assert run.alarms.active == tuple(first)
    run.start(T0 + 200, 20.0)
    second = feed(run, [(T0 + 260, 20.0)])
    assert kinds(second) == [(K.SETPOINT_NOT_REACHED, 0)]
    assert [alarm.run for alarm in run.alarms.active] == [1, 2]


@pytest.mark.parametrize(
    ("commands", "key"),
    [
        (["start"], "program_already_running"),
        (["pause", "start"], "program_already_running"),
        (["pause", "pause"], "program_already_paused"),
        (["resume"], "program_not_paused"),
        (["stop", "pause"], "program_not_running"),
        (["stop", "skip"], "program_not_running"),
        (["stop", "stop"], "program_not_running"),
        (["stop", "resume"], "program_not_paused"),
        (["skip", "skip", "pause"], "program_not_running"),
    ],
)
def test_commands_that_do_not_fit_the_state(commands: list[str], key: str) -> None:
    run = started(mash())
    *before, last = commands
    actions: dict[str, Callable[[float], None]] = {
        "start": lambda now: run.start(now, 20.0),
        "pause": run.pause,
        "resume": run.resume,
        "skip": run.skip,
        "stop": run.stop,
    }
    for command in before:
        actions[command](T0 + 1)
    with pytest.raises(ProgramError) as info:
        actions[last](T0 + 2)
    assert (info.value.key, info.value.placeholders) == (key, {"program": "Mash"})


def test_start_rejects_end_times_in_the_past() -> None:
    run = ProgramRun(ale())
    with pytest.raises(ProgramError) as info:
        run.start(T0 + 7 * DAY, 20.0)
    assert (info.value.key, info.value.placeholders) == ("until_in_the_past", {"step": "1"})
    assert run.state is RunState.IDLE


def test_set_program_only_between_runs() -> None:
    run = started(mash())
    edited = mash(tolerance=1.0)
    with pytest.raises(ProgramError, match="program_already_running"):
        run.set_program(edited)
    run.skip(T0)
    run.skip(T0)
    run.set_program(edited)
    assert (run.program, run.state, run.step_index) == (edited, RunState.IDLE, None)
    run.set_program(mash())
    assert run.state is RunState.IDLE


# ------------------------------------------------------------------ restart


def test_restart_mid_hold_counts_the_time_down_and_finishes_on_time() -> None:
    run = ProgramRun(mash())
    kettle = Vessel(50.0, heat_rate=60.0, cool_rate=10.0, noise=0.15, seed=5)
    run.start(T0, kettle.reading())
    trace = drive(run, kettle, T0, T0 + 1800, 10.0)
    reached = trace.reached[0][0]
    saved = json.dumps(run.to_dict())  # Home Assistant stops here, 30 min into the cook
    # ... and starts again 50 min later; the kettle kept its temperature meanwhile
    back = ProgramRun.from_dict(json.loads(saved))
    assert (back.state, back.step_index, back.reached) == (RunState.RUNNING, 0, True)
    assert back.time_left(T0 + 3600) == reached + HOUR - (T0 + 3600)  # the time down counts
    assert back.time_left(T0 + 4800) == 0.0  # the hold ended while down
    trace = drive(back, kettle, T0 + 4800, T0 + 3 * HOUR, 10.0, trace)
    assert kinds(trace.alarms) == [(K.STEP_FINISHED, 0), (K.PROGRAM_FINISHED, 1)]
    assert trace.alarms[0].raised_at == reached + HOUR
    assert trace.alarms[1].raised_at == trace.reached[1][0] + 600.0


def test_restart_after_a_long_outage_ends_each_step_at_its_own_time() -> None:
    steps = (Step(65.0, hold=HOUR), Step(70.0, until=T0 + 3 * HOUR), Step(72.0, hold=60.0))
    run = started(Program("p", "P", "s", steps, reach_timeout=HOUR))
    feed(run, [(T0 + 600, 65.0)])
    back = restored(run)
    alarms = back.update(None, T0 + 5 * HOUR)
    assert kinds(alarms) == [
        (K.STEP_FINISHED, 0),
        (K.STEP_FINISHED, 1),
        (K.SETPOINT_NOT_REACHED, 2),  # step 3 began at 3 h and was not seen reached
    ]
    assert [alarm.raised_at for alarm in alarms] == [T0 + 600 + HOUR, T0 + 3 * HOUR, T0 + 5 * HOUR]
    # the grace before sensor_lost starts afresh after a restart
    assert back.update(None, T0 + 5 * HOUR + 299) == []
    assert kinds(back.update(None, T0 + 5 * HOUR + 300)) == [(K.SENSOR_LOST, 2)]


def test_restart_mid_ramp_and_while_paused() -> None:
    program = Program("p", "P", "s", (Step(21.0, hold=DAY, ramp=1.0),), deviation_time=0.0)
    run = started(program, 18.0)
    feed(run, [(T0 + HOUR, 19.0)])
    back = restored(run)
    assert back.setpoint(T0 + 2 * HOUR) == 20.0  # the ramp went on while down
    assert back.to_dict() == run.to_dict()
    run.pause(T0 + HOUR)
    paused = restored(run)
    assert paused.state is RunState.PAUSED
    assert paused.setpoint(T0 + 5 * HOUR) == 19.0
    paused.resume(T0 + 5 * HOUR)
    assert paused.setpoint(T0 + 6 * HOUR) == 20.0


def test_restart_keeps_alarm_state() -> None:
    run = started(mash(reach_timeout=60.0, deviation_time=0.0), 20.0)
    feed(run, [(T0 + 60, 20.0), (T0 + 120, 65.0), (T0 + 130, 70.0), (T0 + 140, None)])
    assert [alarm.type for alarm in run.alarms.active] == [K.SETPOINT_NOT_REACHED, K.DEVIATION]
    run.alarms.acknowledge(None, T0 + 150)
    feed(run, [(T0 + 440, None)])  # sensor lost
    back = restored(run)
    # nothing fires twice: not the same outage, the reach timeout, nor the deviation
    assert back.update(None, T0 + 800) == []
    assert back.update(71.0, T0 + 900) == []
    assert [alarm.type for alarm in back.alarms.history] == [
        K.SETPOINT_NOT_REACHED,
        K.DEVIATION,
    ]
    assert [alarm.type for alarm in back.alarms.active] == [K.SENSOR_LOST]


def test_idle_and_finished_round_trip() -> None:
    idle = ProgramRun(mash())
    assert restored(idle).to_dict() == idle.to_dict()
    done = started(mash())
    done.skip(T0)
    done.skip(T0)
    back = restored(done)
    assert (back.state, back.step_index, back.setpoint(T0)) == (RunState.FINISHED, 1, 76.0)


def test_run_with_a_shared_alarm_book() -> None:
    book = AlarmBook(max_history=5)
    run = ProgramRun(mash(), alarms=book)
    assert run.alarms is book


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state": "boiling"}, "state: 'boiling' is not a valid RunState"),
        ({"state": None}, "state: expected a string"),
        ({"step": None}, "step: None does not fit state 'running'"),
        ({"step": 2}, "step: 2 does not fit state 'running'"),
        ({"step": -1}, "step: -1 does not fit state 'running'"),
        ({"state": "idle"}, "step: 0 does not fit state 'idle'"),
        ({"program": None}, "invalid_value"),
        ({"elapsed": "1 h"}, "elapsed: expected a number"),
        ({"tracking": 1}, "tracking: expected true or false"),
        ({"deviation": []}, "deviation: expected an object"),
        ({"alarms": None}, "alarm book: expected an object"),
    ],
)
def test_from_dict_rejects_bad_data(change: dict[str, Any], message: str) -> None:
    data = started(mash()).to_dict() | change
    with pytest.raises(ValueError, match=message):
        ProgramRun.from_dict(data)
    with pytest.raises(ValueError, match="program run"):
        ProgramRun.from_dict(None)
