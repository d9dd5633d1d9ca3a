"""The recorder: what it keeps, the volume it integrates, how it closes."""

from __future__ import annotations

import dataclasses
import json

import pytest

from custom_components.kitchen_ble.library.devices.de1.codec import StateInfo, decode_shot_sample
from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.espresso.records import (
    IncompleteReason,
    ProfileRef,
    RecordError,
    RecordStatus,
    ScalePoint,
    ShotKind,
    ShotRecorder,
    StopInfo,
    StopReason,
    as_incomplete,
    kind_for_state,
    new_record_id,
    record_from_dict,
    record_to_dict,
)
from custom_components.kitchen_ble.library.espresso.records.recorder import (
    MAX_GATES,
    MAX_SAMPLES,
    MAX_STATES,
    MAX_WEIGHTS,
)
from custom_components.kitchen_ble.library.espresso.shots import (
    Gate,
    GateEvent,
    SequenceEnd,
    ShotResult,
)

from .shots import T0, WALL, espresso, sample, state


def _recorder(**options: object) -> ShotRecorder:
    return ShotRecorder(ShotKind.ESPRESSO, at=T0, wall_time=WALL, **options)  # type: ignore[arg-type]


def test_kind_for_each_flow_state() -> None:
    assert kind_for_state(MachineState.ESPRESSO) is ShotKind.ESPRESSO
    assert kind_for_state(MachineState.HOT_WATER) is ShotKind.HOT_WATER
    assert kind_for_state(MachineState.STEAM) is ShotKind.STEAM
    assert kind_for_state(MachineState.HOT_WATER_RINSE) is ShotKind.FLUSH
    assert kind_for_state(MachineState.IDLE) is None
    assert kind_for_state(None) is None


def test_a_whole_shot_keeps_everything_at_full_rate() -> None:
    record = espresso(28.0)
    assert record.status is RecordStatus.COMPLETE
    assert record.started_at == WALL
    assert record.ended_at == pytest.approx(WALL + 33.0)
    assert len(record.samples) == 166  # 33 s at 5 Hz, both ends
    assert len(record.weights) == 332  # 10 Hz
    assert [g.name for g in record.gates] == [
        "sequence_start",
        "flow_begin",
        "exit_preinfuse",
        "flow_end",
    ]
    assert [c.substate for c in record.states] == [2, 4, 5, 6, 0]
    assert record.dose == 18.0
    assert record.scale == "Skale 2"


def test_volume_is_flow_times_time_split_by_substate() -> None:
    # 2 mL/s from the first flow sample (t = 2.0 s) to the last (29.8 s); the pour
    # counts from the first interval that ends after the Pour substate began (10.0 s)
    record = espresso(28.0)
    assert record.preinfusion_volume == pytest.approx(15.6)
    assert record.pour_volume == pytest.approx(40.0)
    assert record.volume == pytest.approx(55.6)
    assert record.samples[-1].volume == pytest.approx(55.6)


def test_no_volume_outside_the_flow_and_none_made_up_across_a_gap() -> None:
    rec = _recorder()
    rec.add_sample(sample(0, pressure=0, flow=5.0, frame=0, tick=0), T0)  # no state yet
    rec.state_changed(state(MachineState.ESPRESSO, Substate.HEAT_WATER_HEATER), T0)
    rec.add_sample(sample(0, pressure=0, flow=5.0, frame=0, tick=25), T0 + 0.2)  # heating
    rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0 + 0.2)
    rec.add_sample(sample(0, pressure=0, flow=5.0, frame=0, tick=50), T0 + 0.4)  # the first
    rec.add_sample(sample(0, pressure=0, flow=5.0, frame=0, tick=75), T0 + 0.6)  # + 1.0 mL
    rec.add_sample(sample(0, pressure=0, flow=5.0, frame=0, tick=100), T0 + 2.6)
    rec.add_sample(sample(0, pressure=0, flow=-1.0, frame=0, tick=125), T0 + 2.8)
    record = rec.finish(T0 + 3)
    # a 2 s gap counts as one 0.25 s period (+ 1.25 mL); a negative flow as 0 (+ 0.5 mL)
    assert record.pour_volume == pytest.approx(2.75)
    assert record.preinfusion_volume == 0.0


def test_points_before_the_start_or_out_of_order_are_dropped() -> None:
    rec = _recorder()
    rec.add_weight(WeightSample(T0 - 1, 5.0, True))
    rec.add_weight(WeightSample(T0 + 1, 6.0, True, flow=1.5))
    rec.add_weight(WeightSample(T0 + 0.5, 7.0, True))
    rec.add_weight(WeightSample(T0 + 99, 8.0, True), at=T0 + 2)  # the caller's time wins
    rec.add_gate("x" * 100, T0 + 1)
    record = rec.finish(T0 + 2)
    assert [(w.t, w.weight, w.flow) for w in record.weights] == [(1.0, 6.0, 1.5), (2.0, 8.0, None)]
    assert record.gates[0].name == "x" * 40


def test_a_repeated_state_is_kept_once_and_an_error_substate_is_named() -> None:
    rec = _recorder()
    rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0)
    rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0 + 1)
    rec.state_changed(StateInfo(int(MachineState.FATAL_ERROR), 205), T0 + 2)
    rec.state_changed(StateInfo(int(MachineState.FATAL_ERROR), 206), T0 + 3)
    rec.state_changed(StateInfo(99, 150), T0 + 4)  # codes no source names stay numbers
    record = rec.finish(T0 + 5)
    assert len(record.states) == 4
    assert record.machine_error == "error_psensor"
    assert record.states[-1].substate_name == "150"
    assert record.states[-1].phase is None


def test_a_recording_is_bounded() -> None:
    rec = _recorder()
    for i in range(MAX_SAMPLES + 5):
        rec.add_sample(sample(0, pressure=1, flow=0, frame=0, tick=i), T0 + i)
    for i in range(MAX_WEIGHTS + 5):
        rec.add_weight(WeightSample(T0 + i, 1.0, True))
    for i in range(MAX_STATES + 5):
        rec.state_changed(StateInfo(4, 4 + i % 2), T0 + i)
    for i in range(MAX_GATES + 5):
        rec.add_gate("g", T0 + i)
    record = rec.snapshot()
    assert (len(record.samples), len(record.weights)) == (MAX_SAMPLES, MAX_WEIGHTS)
    assert (len(record.states), len(record.gates)) == (MAX_STATES, MAX_GATES)
    assert record.status is RecordStatus.RECORDING


def test_stop_at_weight_error_is_final_weight_minus_target() -> None:
    record = espresso(28.0, yield_weight=36.2)  # target 36.0
    assert record.stop is not None
    assert record.stop.reason is StopReason.WEIGHT
    assert record.stop.error == pytest.approx(0.2)


def test_stop_at_volume_error_and_first_reason_wins() -> None:
    rec = _recorder()
    rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0)
    for i in range(11):
        rec.add_sample(sample(0, pressure=9, flow=2.0, frame=1, tick=25 * i), T0 + i * 0.2)
    rec.set_stop(StopReason.VOLUME, target=3.5)
    rec.set_stop(StopReason.MACHINE)
    record = rec.finish(T0 + 2)
    assert record.stop is not None
    assert record.stop.reason is StopReason.VOLUME
    assert record.stop.error == pytest.approx(0.5)  # 4 mL poured


def test_a_stop_without_target_or_without_scale_has_no_error() -> None:
    rec = _recorder()
    rec.set_stop(StopReason.WEIGHT, target=36.0)  # no weight was ever read
    assert rec.finish(T0 + 1).stop.error is None  # type: ignore[union-attr]
    rec = _recorder()
    rec.set_stop(StopReason.TIME, target=36.0)
    assert rec.finish(T0 + 1).stop.error is None  # type: ignore[union-attr]


def test_abandon_keeps_what_was_recorded() -> None:
    rec = _recorder()
    rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0)
    rec.add_sample(sample(0, pressure=9, flow=2.0, frame=1, tick=0), T0 + 0.2)
    record = rec.abandon(IncompleteReason.LINK_LOST, T0 + 4)
    assert record.status is RecordStatus.INCOMPLETE
    assert record.incomplete_reason is IncompleteReason.LINK_LOST
    assert record.ended_at == WALL + 4
    assert len(record.samples) == 1


def test_a_closed_recording_refuses_more() -> None:
    rec = _recorder(record_id="r1")
    rec.finish(T0 + 1)
    assert rec.closed
    for call in (
        lambda: rec.finish(T0 + 2),
        lambda: rec.add_gate("late", T0 + 2),
        lambda: rec.set_dose(18.0),
    ):
        with pytest.raises(RecordError) as err:
            call()
        assert err.value.key == "recording_closed"
        assert err.value.placeholders == {"record": "r1"}


def test_setters_and_ids() -> None:
    rec = _recorder()
    rec.set_scale("Acaia Lunar")
    rec.set_profile(None)
    rec.set_dose(17.5)
    assert len(rec.id) == 32
    assert rec.id != new_record_id()
    record = rec.finish(T0 - 5)  # a clock that went backwards ends the record at its start
    assert (record.scale, record.dose, record.ended_at) == ("Acaia Lunar", 17.5, WALL)


def test_a_restart_closes_a_snapshot_at_its_last_point() -> None:
    snapshot = espresso(28.0, finish=False)
    assert snapshot.status is RecordStatus.RECORDING
    assert snapshot.end == pytest.approx(33.1)  # the last weight, 0.1 s after the last sample
    stored = record_from_dict(json.loads(json.dumps(record_to_dict(snapshot))))
    assert stored == snapshot  # what the store kept against the restart
    closed = as_incomplete(stored, IncompleteReason.RESTART)
    assert closed.status is RecordStatus.INCOMPLETE
    assert closed.incomplete_reason is IncompleteReason.RESTART
    assert closed.ended_at == pytest.approx(WALL + 33.1)
    assert closed.stop is not None
    assert closed.stop.error == pytest.approx(0.2)
    assert as_incomplete(closed, IncompleteReason.RESTART) is closed
    empty = _recorder().snapshot()
    assert empty.end == 0.0
    assert empty.flow_window() is None


def test_the_derived_mid_shot_sample_of_de1_section_10_1() -> None:
    # de1.md §10.1 "Derived": 9.0 bar, 2.0 mL/s, mix 92.5 °C, head 93.25 °C,
    # set 93/93 °C, 9 bar, frame 2, steam 0x96

    vector = bytes.fromhex("1234900020005c805d4000 5d005d00900002 96".replace(" ", ""))
    rec = _recorder()
    rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0)
    rec.add_sample(decode_shot_sample(vector), T0 + 0.25)
    point = rec.finish(T0 + 1).samples[0]
    assert (point.t, point.pressure, point.flow) == (0.25, 9.0, 2.0)
    assert (point.mix_temp, point.head_temp) == (92.5, 93.25)
    assert (point.set_mix_temp, point.set_head_temp, point.set_pressure, point.set_flow) == (
        93.0,
        93.0,
        9.0,
        0.0,
    )
    assert (point.frame, point.steam_temp) == (2, 150.0)


def test_the_shot_controllers_gates_and_result() -> None:
    rec = _recorder()
    rec.add_gate_event(GateEvent(Gate.FLOW_BEGIN, T0 + 2.0, MachineState.ESPRESSO))
    rec.apply_result(
        ShotResult(
            mode=MachineState.ESPRESSO,
            end=SequenceEnd.COMPLETE,
            started=T0,
            ended=T0 + 30,
            stop_reason=StopReason.WEIGHT,
            target_weight=36.0,
            final_weight=36.4,
            stop_error=0.4,
        )
    )
    record = rec.finish(T0 + 30)
    assert [(g.name, g.t) for g in record.gates] == [("flow_begin", 2.0)]
    assert type(record.gates[0].name) is str
    assert record.stop == StopInfo(StopReason.WEIGHT, 36.0, 0.4)


def test_a_result_without_a_weight_stop() -> None:
    base = ShotResult(MachineState.ESPRESSO, SequenceEnd.WATCHDOG, T0, T0 + 9, None)
    rec = _recorder()
    rec.apply_result(base)  # nothing stopped it: no stop
    assert rec.snapshot().stop is None
    rec.apply_result(
        dataclasses.replace(base, stop_reason=StopReason.VOLUME, target_weight=36.0, stop_error=1.0)
    )
    assert rec.snapshot().stop == StopInfo(StopReason.VOLUME)  # a weight target is no volume's


def test_what_the_archive_could_not_keep_is_bounded() -> None:
    long = "t" * 300
    rec = _recorder(profile=ProfileRef(long, "f" * 300), scale=long)
    rec.set_scale("s" * 300)
    rec.set_profile(ProfileRef(long))
    rec.set_dose(float("nan"))
    rec.add_weight(WeightSample(T0 + 1, float("nan"), True))
    rec.add_weight(WeightSample(T0 + 1, 5.0, True, flow=float("inf")))
    record = rec.finish(T0 + 2)
    assert record.profile == ProfileRef("t" * 200)
    assert record.scale == "s" * 200
    assert record.dose is None
    assert record.weights == (ScalePoint(1.0, 5.0, None),)
    assert record_from_dict(record_to_dict(record)) == record
    assert _recorder(profile=ProfileRef(long, "f" * 300)).snapshot().profile == ProfileRef(
        "t" * 200, "f" * 200
    )
    with pytest.raises(RecordError) as err:
        _recorder(record_id="x" * 65)
    assert err.value.placeholders == {"field": "record_id", "max": "64"}
