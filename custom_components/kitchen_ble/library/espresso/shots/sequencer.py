"""The gates of one shot sequence (de1.md §9.3, §9.6), from StateInfo and ShotSamples.

A sequence starts when a flow state (Espresso, Steam, HotWater, HotWaterRinse)
is entered and completes once the drops after the flow had their time:
``last_drops`` passes when the flow state was left and at least
``last_drops_time`` (pyDE1's 3 s) went by since the flow ended. A watchdog ends
any sequence ``watchdog`` seconds (pyDE1's 270) after it began.

Choices where the sheet is silent:

* Drops are expected on pressure (above ``first_drops_pressure``, pyDE1's
  0.0 bar) only in an espresso; the other flows have no puck to fill, so their
  drops are expected as the flow begins.
* ``exit_preinfuse`` passes on the first "during" substate that is not
  PreInfuse, so a profile without pre-infusion passes it with ``flow_begin``.
* A substate without a phase (PausedRefill, UserNotPresent) does not end a
  flow: the flow goes on after the refill.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ...devices.de1.states import FlowPhase, MachineState, Substate, flow_phase, is_flow_state
from .events import Gate, GateEvent, SequenceEnd

LAST_DROPS_TIME: Final = 3.0  # s after the flow ends (pyDE1 last_drops_minimum_time)
WATCHDOG_TIME: Final = 270.0  # s (pyDE1)
FIRST_DROPS_PRESSURE: Final = 0.0  # bar (pyDE1 first_drops_threshold)


@dataclass(slots=True)
class Sequence:
    """One sequence in progress: its mode and when each gate passed."""

    mode: MachineState
    started: float
    passed: dict[Gate, float]
    end: SequenceEnd | None = None

    def has(self, gate: Gate) -> bool:
        return gate in self.passed

    def time_of(self, gate: Gate) -> float | None:
        return self.passed.get(gate)


class ShotSequencer:
    """Turns state changes and samples into gate events, one sequence at a time."""

    def __init__(
        self,
        *,
        last_drops_time: float = LAST_DROPS_TIME,
        watchdog: float = WATCHDOG_TIME,
        first_drops_pressure: float = FIRST_DROPS_PRESSURE,
    ) -> None:
        self.last_drops_time = last_drops_time
        self.watchdog = watchdog
        self.first_drops_pressure = first_drops_pressure
        self.sequence: Sequence | None = None  # the current one, or the last that ended
        self._state: MachineState | None = None  # the last state seen

    @property
    def active(self) -> Sequence | None:
        """The sequence in progress, if any."""
        sequence = self.sequence
        return sequence if sequence is not None and sequence.end is None else None

    def on_state(
        self, now: float, state: MachineState | None, substate: Substate | None
    ) -> list[GateEvent]:
        """A StateInfo: the gates it passes (and a new sequence when a flow state begins)."""
        events = self.tick(now)
        entering = state is not self._state  # not a sequence the watchdog already ended
        self._state = state
        sequence = self.active
        if sequence is not None and state is not sequence.mode:
            self._leave(sequence, now, events)
            if is_flow_state(state):  # straight into another flow: this one is cut short
                self._finish(sequence, now, SequenceEnd.SUPERSEDED, events)
            else:
                events += self.tick(now)
            sequence = None
        if sequence is None and entering and state is not None and is_flow_state(state):
            sequence = Sequence(mode=state, started=now, passed={})
            self.sequence = sequence
            self._pass(sequence, Gate.SEQUENCE_START, now, events)
        if sequence is not None:
            self._phase(sequence, now, substate, events)
        return events

    def on_pressure(self, now: float, pressure: float) -> list[GateEvent]:
        """A ShotSample's group pressure: drops are expected once it rises during an espresso."""
        events = self.tick(now)
        sequence = self.active
        if (
            sequence is not None
            and sequence.has(Gate.FLOW_BEGIN)
            and not sequence.has(Gate.FLOW_END)
            and pressure > self.first_drops_pressure
        ):
            self._pass(sequence, Gate.EXPECT_DROPS, now, events)
        return events

    def tick(self, now: float) -> list[GateEvent]:
        """Time passing: last drops once due, the watchdog."""
        events: list[GateEvent] = []
        sequence = self.active
        if sequence is None:
            return events
        due = self.last_drops_due
        if due is not None and now >= due:
            self._pass(sequence, Gate.LAST_DROPS, now, events)
            self._finish(sequence, now, SequenceEnd.COMPLETE, events)
        elif now - sequence.started >= self.watchdog:
            self._finish(sequence, now, SequenceEnd.WATCHDOG, events)
        return events

    @property
    def last_drops_due(self) -> float | None:
        """When ``last_drops`` will pass: known once the flow state was left."""
        sequence = self.active
        if sequence is None:
            return None
        left = sequence.time_of(Gate.FLOW_STATE_EXIT)
        if left is None:
            return None
        flow_end = sequence.time_of(Gate.FLOW_END)
        return left if flow_end is None else max(left, flow_end + self.last_drops_time)

    @property
    def wake_at(self) -> float | None:
        """When ``tick`` has something to do next."""
        sequence = self.active
        if sequence is None:
            return None
        due = self.last_drops_due
        watchdog = sequence.started + self.watchdog
        return watchdog if due is None else min(due, watchdog)

    # Internals ------------------------------------------------------------------

    def _phase(
        self, sequence: Sequence, now: float, substate: Substate | None, events: list[GateEvent]
    ) -> None:
        phase = flow_phase(sequence.mode, substate)
        if phase is FlowPhase.DURING and not sequence.has(Gate.FLOW_END):
            self._pass(sequence, Gate.FLOW_BEGIN, now, events)
            if sequence.mode is not MachineState.ESPRESSO:
                self._pass(sequence, Gate.EXPECT_DROPS, now, events)
            if substate is not Substate.PRE_INFUSE:
                self._pass(sequence, Gate.EXIT_PREINFUSE, now, events)
        elif phase is not None and sequence.has(Gate.FLOW_BEGIN):
            self._pass(sequence, Gate.FLOW_END, now, events)

    def _leave(self, sequence: Sequence, now: float, events: list[GateEvent]) -> None:
        if sequence.has(Gate.FLOW_BEGIN):
            self._pass(sequence, Gate.FLOW_END, now, events)
        self._pass(sequence, Gate.FLOW_STATE_EXIT, now, events)

    def _finish(
        self, sequence: Sequence, now: float, end: SequenceEnd, events: list[GateEvent]
    ) -> None:
        if end is SequenceEnd.SUPERSEDED:
            self._pass(sequence, Gate.LAST_DROPS, now, events)
        self._pass(sequence, Gate.SEQUENCE_COMPLETE, now, events)
        sequence.end = end

    @staticmethod
    def _pass(sequence: Sequence, gate: Gate, now: float, events: list[GateEvent]) -> None:
        if gate not in sequence.passed:
            sequence.passed[gate] = now
            events.append(GateEvent(gate, now, sequence.mode))
