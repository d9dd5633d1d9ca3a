"""A recorded shot as typed values: what the machine and the scale did, and what ended it.

Every time in a record is seconds since the record started (``started_at`` is
the wall clock, epoch seconds, of that moment), so a record reads the same
whatever clock the recorder was fed with. State changes keep the raw StateInfo
codes (a value no source names stays a number), as the driver does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from ...devices.de1.states import FlowPhase, MachineState, Substate, flow_phase
from ..profiles import Profile
from ..shots.events import StopReason as StopReason  # re-exported: the reason a record keeps
from .annotations import ShotAnnotations

MAX_ID_LENGTH: Final = 64
MAX_TEXT: Final = 200  # scale names, error names, profile titles and fingerprints


class ShotKind(StrEnum):
    """What flowed: the four flow states of the DE1."""

    ESPRESSO = "espresso"
    HOT_WATER = "hot_water"
    STEAM = "steam"
    FLUSH = "flush"


_KIND_OF_STATE: Final = {
    MachineState.ESPRESSO: ShotKind.ESPRESSO,
    MachineState.HOT_WATER: ShotKind.HOT_WATER,
    MachineState.STEAM: ShotKind.STEAM,
    MachineState.HOT_WATER_RINSE: ShotKind.FLUSH,
}


def kind_for_state(state: MachineState | None) -> ShotKind | None:
    """The record kind a flow state starts; None for any other state."""
    return None if state is None else _KIND_OF_STATE.get(state)


class RecordStatus(StrEnum):
    """Still being recorded (a snapshot), closed normally, or cut short."""

    RECORDING = "recording"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


class IncompleteReason(StrEnum):
    """Why a record was closed before its sequence ended; it keeps what it had."""

    LINK_LOST = "link_lost"  # the Bluetooth link dropped mid-shot
    RESTART = "restart"  # Home Assistant stopped while recording
    WATCHDOG = "watchdog"  # the sequence ran past any sensible length


@dataclass(frozen=True, slots=True)
class StopInfo:
    """What ended the flow (the shot controller's reason); ``target`` is the g or mL aimed at."""

    reason: StopReason
    target: float | None = None
    error: float | None = None  # final minus target, g or mL; filled when the record closes


@dataclass(frozen=True, slots=True)
class ProfileRef:
    """The profile the shot ran: its title, the fingerprint of its bytes, the profile."""

    title: str
    fingerprint: str = ""
    profile: Profile | None = None  # kept for the Visualizer export (it wants the steps)


@dataclass(frozen=True, slots=True)
class MachinePoint:
    """One ShotSample, with the volume poured since the record started."""

    t: float
    pressure: float  # bar
    flow: float  # mL/s
    mix_temp: float  # °C
    head_temp: float  # °C, the basket
    set_mix_temp: float
    set_head_temp: float
    set_pressure: float
    set_flow: float
    frame: int  # 0-based
    steam_temp: float
    volume: float  # mL, cumulative (preinfusion + pour)


@dataclass(frozen=True, slots=True)
class ScalePoint:
    """One accepted weight reading; ``flow`` only when the scale computes one."""

    t: float
    weight: float  # g
    flow: float | None = None  # g/s


@dataclass(frozen=True, slots=True)
class StateChange:
    """The machine entered ``state``/``substate`` (raw StateInfo codes) at ``t``."""

    t: float
    state: int
    substate: int

    @property
    def phase(self) -> FlowPhase | None:
        return flow_phase(_known(MachineState, self.state), _known(Substate, self.substate))

    @property
    def substate_name(self) -> str:
        known = _known(Substate, self.substate)
        return str(self.substate) if known is None else known.name.lower()


def _known[E: (MachineState, Substate)](kind: type[E], code: int) -> E | None:
    try:
        return kind(code)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Gate:
    """A sequencer gate (``flow_begin``, ``expect_drops``, ``tare`` …) passed at ``t``."""

    name: str
    t: float


@dataclass(frozen=True, slots=True)
class ShotRecord:
    """One shot (or hot water, steam, flush), whole."""

    id: str
    kind: ShotKind
    started_at: float  # epoch seconds
    status: RecordStatus
    ended_at: float | None = None  # epoch seconds; None while recording
    incomplete_reason: IncompleteReason | None = None
    profile: ProfileRef | None = None
    scale: str | None = None  # the scale's model, when one took part
    dose: float | None = None  # g on the scale before the auto-tare
    stop: StopInfo | None = None
    machine_error: str | None = None  # the first error substate seen, by name
    preinfusion_volume: float = 0.0  # mL
    pour_volume: float = 0.0  # mL
    states: tuple[StateChange, ...] = ()
    gates: tuple[Gate, ...] = ()
    samples: tuple[MachinePoint, ...] = ()
    weights: tuple[ScalePoint, ...] = ()
    annotations: ShotAnnotations = field(default_factory=ShotAnnotations)

    @property
    def volume(self) -> float:
        return self.preinfusion_volume + self.pour_volume

    @property
    def end(self) -> float:
        """The record's last moment, seconds since its start."""
        if self.ended_at is not None:
            return max(0.0, self.ended_at - self.started_at)
        last = [series[-1].t for series in (self.samples, self.weights, self.states) if series]
        return max(last, default=0.0)

    def flow_intervals(self) -> list[tuple[float, float, int]]:
        """Each stretch of "during" as (start, end, substate); the last ends with the record."""
        stretches = []
        for index, change in enumerate(self.states):
            if change.phase is not FlowPhase.DURING:
                continue
            following = self.states[index + 1 : index + 2]
            end = following[0].t if following else self.end
            stretches.append((change.t, max(change.t, end), change.substate))
        return stretches

    def flow_window(self) -> tuple[float, float] | None:
        """From the first moment water (or steam) flowed to the last; None if it never did."""
        stretches = self.flow_intervals()
        if not stretches:
            return None
        return stretches[0][0], stretches[-1][1]


FINAL_WEIGHT_READINGS: Final = (
    5  # the yield is the median of the last readings: one bump is no yield
)


def final_weight(weights: tuple[ScalePoint, ...]) -> float | None:
    """The weight in the cup at the end: median of the last few readings; None without any."""
    if not weights:
        return None
    last = sorted(point.weight for point in weights[-FINAL_WEIGHT_READINGS:])
    middle = len(last) // 2
    return last[middle] if len(last) % 2 else (last[middle - 1] + last[middle]) / 2
