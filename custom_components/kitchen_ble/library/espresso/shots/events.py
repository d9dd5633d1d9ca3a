"""What a shot sequence reports: its gates (de1.md §9.3), commands, stop reasons, results."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ...devices.de1.states import MachineState


class Gate(StrEnum):
    """The gates of one shot sequence, in the order they pass (pyDE1's, §9.3)."""

    SEQUENCE_START = "sequence_start"  # a flow state was entered
    FLOW_BEGIN = "flow_begin"  # the phase became "during"
    EXPECT_DROPS = "expect_drops"  # during, with pressure above the first-drops threshold
    EXIT_PREINFUSE = "exit_preinfuse"  # the PreInfuse substate was left (or never entered)
    FLOW_END = "flow_end"  # the phase left "during"
    FLOW_STATE_EXIT = "flow_state_exit"  # the flow state was left
    LAST_DROPS = "last_drops"  # the drops after the flow had their time (3 s)
    SEQUENCE_COMPLETE = "sequence_complete"


class SequenceEnd(StrEnum):
    """How a sequence ended."""

    COMPLETE = "complete"  # every gate passed
    WATCHDOG = "watchdog"  # it never completed within the watchdog time (270 s)
    SUPERSEDED = "superseded"  # another flow state began before the last drops were in


class StopReason(StrEnum):
    """Why a flow stopped."""

    TIME = "time"  # the overall time limit
    VOLUME = "volume"  # stop at volume (the plan's, or the fallback from weight)
    WEIGHT = "weight"  # stop at weight
    STEAM_TEMPERATURE = "steam_temperature"  # the milk reaches its target
    MACHINE = "machine"  # the machine ended the flow itself (profile end, its own limits, a user)


class Fallback(StrEnum):
    """Why a weight target was not (or no longer) used: the stop went to volume."""

    NO_SCALE = "no_scale"  # no scale connected when the shot began
    SCALE_LOST = "scale_lost"  # the scale went silent or disconnected mid-shot
    TARE_NOT_CONFIRMED = "tare_not_confirmed"  # no zero reading after the tare in time


@dataclass(frozen=True, slots=True)
class GateEvent:
    """A gate passed at ``time`` (the caller's clock) in a flow of ``mode``."""

    gate: Gate
    time: float
    mode: MachineState


@dataclass(frozen=True, slots=True)
class StopFlow:
    """Command: request Idle now (the DE1 driver's ``async_stop_flow``)."""

    reason: StopReason


@dataclass(frozen=True, slots=True)
class SkipToNext:
    """Command: move the espresso profile on from ``frame`` (firmware ≥ 1260, §9.4)."""

    frame: int


@dataclass(frozen=True, slots=True)
class TareScale:
    """Command: tare the scale now, then tell the controller with ``tare_sent``."""


type Command = StopFlow | SkipToNext | TareScale


@dataclass(frozen=True, slots=True)
class ShotResult:
    """How one sequence went; ``stop_error`` is final − target weight (g), when both are known."""

    mode: MachineState
    end: SequenceEnd
    started: float
    ended: float
    stop_reason: StopReason | None  # None: nothing stopped it (the sequence never flowed)
    fallback: Fallback | None = None
    target_weight: float | None = None
    final_weight: float | None = None
    stop_error: float | None = None
    pour_volume: float = 0.0  # mL from the end of pre-infusion
    total_volume: float = 0.0  # mL from the flow's begin
    learned: bool = False  # the shot corrected the learned lead
    notes: tuple[str, ...] = ()  # what else the caller may want to log (skips refused, ...)


@dataclass(frozen=True, slots=True)
class Reaction:
    """What the controller answers to one input.

    ``commands`` are to be sent now, in order; ``events`` are the gates passed;
    ``result`` is set once, when a sequence ends; ``wake_at`` is when to call
    ``tick`` next (a stop predicted between two samples, a timeout), or None.
    """

    commands: tuple[Command, ...] = ()
    events: tuple[GateEvent, ...] = ()
    result: ShotResult | None = None
    wake_at: float | None = None
