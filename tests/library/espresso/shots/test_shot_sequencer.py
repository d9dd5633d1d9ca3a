"""The gates of a shot sequence (de1.md §9.3 gates 1–8, the 270 s watchdog, §9.6 last drops)."""

from __future__ import annotations

from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.espresso.shots import Gate, SequenceEnd, ShotSequencer
from custom_components.kitchen_ble.library.espresso.shots.events import GateEvent

E = MachineState.ESPRESSO


def gates(events: list[GateEvent]) -> list[tuple[str, float]]:
    return [(event.gate.value, event.time) for event in events]


def test_an_espresso_passes_all_eight_gates_in_order() -> None:
    seq = ShotSequencer()
    events = seq.on_state(10.0, E, Substate.HEAT_WATER_HEATER)
    events += seq.on_state(11.0, E, Substate.STABILIZE_MIX_TEMP)
    events += seq.on_pressure(11.5, 0.5)  # before "during": no drops expected yet
    events += seq.on_state(12.0, E, Substate.PRE_INFUSE)
    events += seq.on_pressure(12.25, 0.0)  # §9.3: pressure must be above 0.0 bar
    events += seq.on_pressure(12.5, 0.4)
    events += seq.on_state(18.0, E, Substate.POUR)
    events += seq.on_state(40.0, E, Substate.FLUSH)  # "after": the flow ends
    events += seq.on_state(42.5, MachineState.IDLE, Substate.NO_STATE)
    assert seq.last_drops_due == 43.0  # 3 s after the flow ended (pyDE1)
    events += seq.tick(42.9)
    events += seq.tick(43.0)
    assert gates(events) == [
        ("sequence_start", 10.0),
        ("flow_begin", 12.0),
        ("expect_drops", 12.5),
        ("exit_preinfuse", 18.0),
        ("flow_end", 40.0),
        ("flow_state_exit", 42.5),
        ("last_drops", 43.0),
        ("sequence_complete", 43.0),
    ]
    assert seq.sequence is not None
    assert seq.sequence.end is SequenceEnd.COMPLETE
    assert seq.active is None
    assert seq.wake_at is None


def test_last_drops_wait_for_the_flow_state_to_be_left() -> None:
    seq = ShotSequencer()
    seq.on_state(0.0, E, Substate.POUR)
    seq.on_state(10.0, E, Substate.FLUSH)
    assert seq.last_drops_due is None  # still in Espresso
    assert seq.tick(20.0) == []
    events = seq.on_state(20.0, MachineState.IDLE, Substate.NO_STATE)
    assert [e.gate for e in events][-2:] == [Gate.LAST_DROPS, Gate.SEQUENCE_COMPLETE]


def test_hot_water_expects_drops_as_it_begins() -> None:
    seq = ShotSequencer()
    events = seq.on_state(5.0, MachineState.HOT_WATER, Substate.POUR)
    assert gates(events) == [
        ("sequence_start", 5.0),
        ("flow_begin", 5.0),
        ("expect_drops", 5.0),
        ("exit_preinfuse", 5.0),
    ]
    events = seq.on_state(25.0, MachineState.IDLE, Substate.NO_STATE)
    assert gates(events) == [("flow_end", 25.0), ("flow_state_exit", 25.0)]
    assert gates(seq.tick(28.0)) == [("last_drops", 28.0), ("sequence_complete", 28.0)]


def test_steam_flows_while_steaming_and_puffing_does_not_end_it() -> None:
    seq = ShotSequencer()
    events = seq.on_state(0.0, MachineState.STEAM, Substate.STEAMING)
    events += seq.on_state(30.0, MachineState.STEAM, Substate.STEAM_PUFF)  # no phase
    events += seq.on_state(31.0, MachineState.IDLE, Substate.NO_STATE)
    assert [e.gate.value for e in events] == [
        "sequence_start",
        "flow_begin",
        "expect_drops",
        "exit_preinfuse",
        "flow_end",
        "flow_state_exit",
    ]
    assert events[4].time == 31.0


def test_a_refill_pause_does_not_end_the_flow() -> None:
    seq = ShotSequencer()
    seq.on_state(0.0, E, Substate.POUR)
    assert seq.on_state(5.0, E, Substate.PAUSED_REFILL) == []
    assert seq.on_state(9.0, E, Substate.POUR) == []
    assert seq.active is not None
    assert not seq.active.has(Gate.FLOW_END)


def test_a_shot_stopped_while_heating_completes_at_once() -> None:
    seq = ShotSequencer()
    seq.on_state(0.0, E, Substate.HEAT_WATER_TANK)
    events = seq.on_state(4.0, MachineState.IDLE, Substate.NO_STATE)
    assert gates(events) == [
        ("flow_state_exit", 4.0),
        ("last_drops", 4.0),
        ("sequence_complete", 4.0),
    ]


def test_the_watchdog_ends_a_sequence_after_270_s_and_it_does_not_restart() -> None:
    seq = ShotSequencer()
    seq.on_state(0.0, E, Substate.POUR)
    assert seq.wake_at == 270.0
    assert seq.tick(269.9) == []
    events = seq.tick(270.0)
    assert gates(events) == [("sequence_complete", 270.0)]
    assert seq.sequence is not None
    assert seq.sequence.end is SequenceEnd.WATCHDOG
    assert seq.on_state(271.0, E, Substate.POUR) == []  # the same flow goes on: no new one
    assert seq.on_state(272.0, MachineState.IDLE, Substate.NO_STATE) == []
    assert next(e.gate for e in seq.on_state(300.0, E, Substate.POUR)) is Gate.SEQUENCE_START


def test_another_flow_state_supersedes_the_sequence() -> None:
    seq = ShotSequencer()
    seq.on_state(0.0, E, Substate.POUR)
    events = seq.on_state(10.0, MachineState.STEAM, Substate.STEAMING)
    assert [e.gate.value for e in events][:5] == [
        "flow_end",
        "flow_state_exit",
        "last_drops",
        "sequence_complete",
        "sequence_start",
    ]
    assert events[5].mode is MachineState.STEAM


def test_no_sequence_outside_flow_states() -> None:
    seq = ShotSequencer()
    assert seq.on_state(0.0, MachineState.IDLE, Substate.NO_STATE) == []
    assert seq.on_state(1.0, None, None) == []
    assert seq.on_pressure(2.0, 9.0) == []
    assert seq.tick(3.0) == []
    assert seq.wake_at is None
    assert seq.last_drops_due is None
