"""Builds a ``ShotRecord`` from what the DE1, the scale and the shot sequencer report.

Feed it every StateInfo change, every ShotSample, every accepted scale weight
and every sequencer gate as they come, all stamped with one clock (the
driver's monotonic clock: a ``WeightSample`` already carries it). It keeps
everything at full rate, integrates the poured volume as pyDE1 and de1app do
(flow × time, preinfusion and pour apart by substate, only while water flows:
DE1 fact sheet §5.1, §9.6) and closes as complete, or as incomplete keeping
what it had. ``snapshot`` gives the record so far, for a store that must
survive a restart (load it back and close it with ``as_incomplete``).

A recording is bounded: past ``MAX_SAMPLES`` machine samples (12 minutes at
5 Hz, far beyond pyDE1's 270 s watchdog) further points are not kept.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from typing import Final

from ...devices.de1.codec import ShotSample, StateInfo
from ...devices.de1.states import FlowPhase, Substate, is_error_substate
from ...devices.scale import WeightSample
from ..shots.events import GateEvent, ShotResult
from ..shots.volume import VolumeCounter
from .errors import RecordError
from .model import (
    MAX_ID_LENGTH,
    MAX_TEXT,
    Gate,
    IncompleteReason,
    MachinePoint,
    ProfileRef,
    RecordStatus,
    ScalePoint,
    ShotKind,
    ShotRecord,
    StateChange,
    StopInfo,
    StopReason,
    final_weight,
)

type _Series = list[StateChange] | list[Gate] | list[MachinePoint] | list[ScalePoint]

MAX_SAMPLES: Final = 3600
MAX_WEIGHTS: Final = 7200  # a scale reports up to 10 per second
MAX_STATES: Final = 500
MAX_GATES: Final = 100
MAX_GATE_NAME: Final = 40


def new_record_id() -> str:
    """A random id: a record is stored, counted and uploaded under it exactly once."""
    return uuid.uuid4().hex


class ShotRecorder:
    """Collects one record; every ``at`` is in the same clock as the start's."""

    def __init__(
        self,
        kind: ShotKind,
        *,
        at: float,
        wall_time: float,
        record_id: str | None = None,
        profile: ProfileRef | None = None,
        scale: str | None = None,
    ) -> None:
        record_id = record_id or new_record_id()
        if len(record_id) > MAX_ID_LENGTH:
            raise RecordError("text_too_long", {"field": "record_id", "max": MAX_ID_LENGTH})
        self._origin = at
        self._record = ShotRecord(
            id=record_id,
            kind=kind,
            started_at=wall_time,
            status=RecordStatus.RECORDING,
            profile=_bounded(profile),
            scale=None if scale is None else scale[:MAX_TEXT],
        )
        self._states: list[StateChange] = []
        self._gates: list[Gate] = []
        self._samples: list[MachinePoint] = []
        self._weights: list[ScalePoint] = []
        self._volume = VolumeCounter()
        self._closed = False

    @property
    def id(self) -> str:
        return self._record.id

    @property
    def closed(self) -> bool:
        return self._closed

    # --- what is reported ---------------------------------------------------------

    def state_changed(self, info: StateInfo, at: float) -> None:
        t = self._offset(at, self._states)
        if t is None or len(self._states) >= MAX_STATES:
            return
        change = StateChange(t, info.state_code, info.substate_code)
        last = self._states[-1] if self._states else None
        if last is not None and (last.state, last.substate) == (change.state, change.substate):
            return  # the same state again (a re-read after a reconnect)
        self._states.append(change)
        if change.phase is FlowPhase.DURING and change.substate != Substate.PRE_INFUSE:
            self._volume.start_pour()
        if self._record.machine_error is None and is_error_substate(info.substate):
            self._record = replace(self._record, machine_error=change.substate_name)

    def add_sample(self, sample: ShotSample, at: float) -> None:
        t = self._offset(at, self._samples)
        if t is None or len(self._samples) >= MAX_SAMPLES:
            return
        if self._states and self._states[-1].phase is FlowPhase.DURING:
            self._volume.add(at, sample.group_flow)
        self._samples.append(
            MachinePoint(
                t=t,
                pressure=sample.group_pressure,
                flow=sample.group_flow,
                mix_temp=sample.mix_temp,
                head_temp=sample.head_temp,
                set_mix_temp=sample.set_mix_temp,
                set_head_temp=sample.set_head_temp,
                set_pressure=sample.set_group_pressure,
                set_flow=sample.set_group_flow,
                frame=sample.frame_number,
                steam_temp=sample.steam_temp,
                volume=self._volume.total,
            )
        )

    def add_weight(self, sample: WeightSample, at: float | None = None) -> None:
        """A scale reading, stamped with its own ``time`` unless ``at`` is given."""
        t = self._offset(sample.time if at is None else at, self._weights)
        if t is None or len(self._weights) >= MAX_WEIGHTS:
            return
        if not math.isfinite(sample.grams):
            return
        flow = sample.flow if sample.flow is not None and math.isfinite(sample.flow) else None
        self._weights.append(ScalePoint(t, sample.grams, flow))

    def add_gate(self, name: str, at: float) -> None:
        t = self._offset(at, self._gates)
        if t is None or len(self._gates) >= MAX_GATES:
            return
        self._gates.append(Gate(str(name)[:MAX_GATE_NAME], t))

    def add_gate_event(self, event: GateEvent) -> None:
        """A gate the shot controller passed."""
        self.add_gate(event.gate.value, event.time)

    def set_profile(self, profile: ProfileRef | None) -> None:
        self._update(profile=_bounded(profile))

    def set_scale(self, scale: str | None) -> None:
        self._update(scale=None if scale is None else scale[:MAX_TEXT])

    def set_dose(self, grams: float | None) -> None:
        """The weight on the scale just before the auto-tare (the ground coffee)."""
        self._update(dose=grams if grams is not None and math.isfinite(grams) else None)

    def set_stop(
        self, reason: StopReason, *, target: float | None = None, error: float | None = None
    ) -> None:
        """What ended the flow; the first reason told wins (a stop is not stopped twice).

        Without ``error`` the record works it out when it closes (final − target).
        """
        if self._record.stop is None:
            self._update(stop=StopInfo(reason, target, error))

    def apply_result(self, result: ShotResult) -> None:
        """The shot controller's result: its stop reason, weight target and stop error."""
        if result.stop_reason is None:
            return
        weighed = result.stop_reason is StopReason.WEIGHT
        self.set_stop(
            result.stop_reason,
            target=result.target_weight if weighed else None,
            error=result.stop_error if weighed else None,
        )

    # --- closing -------------------------------------------------------------------

    def snapshot(self) -> ShotRecord:
        """The record so far (status ``recording``), to store against a restart."""
        return replace(
            self._record,
            states=tuple(self._states),
            gates=tuple(self._gates),
            samples=tuple(self._samples),
            weights=tuple(self._weights),
            preinfusion_volume=self._volume.total - self._volume.pour,
            pour_volume=self._volume.pour,
        )

    def finish(self, at: float) -> ShotRecord:
        """Close the record as complete (the sequence ended, last drops included)."""
        return self._close(at, RecordStatus.COMPLETE, None)

    def abandon(self, reason: IncompleteReason, at: float) -> ShotRecord:
        """Close the record as incomplete, keeping every point up to now."""
        return self._close(at, RecordStatus.INCOMPLETE, reason)

    # --- inside ----------------------------------------------------------------------

    def _close(
        self, at: float, status: RecordStatus, reason: IncompleteReason | None
    ) -> ShotRecord:
        if self._closed:
            raise RecordError("recording_closed", {"record": self.id})
        self._closed = True
        record = self.snapshot()
        ended = record.started_at + max(0.0, at - self._origin)
        return close_record(record, status, ended_at=ended, reason=reason)

    def _update(self, **changes: object) -> None:
        if self._closed:
            raise RecordError("recording_closed", {"record": self.id})
        self._record = replace(self._record, **changes)  # type: ignore[arg-type]

    def _offset(self, at: float, series: _Series) -> float | None:
        """Seconds since the start; None for what came before it or out of order."""
        if self._closed:
            raise RecordError("recording_closed", {"record": self.id})
        t = at - self._origin
        if not t >= 0.0 or (series and t < series[-1].t):
            return None
        return t


def _bounded(profile: ProfileRef | None) -> ProfileRef | None:
    """The reference with texts the archive keeps (a title of a megabyte is no title)."""
    if profile is None:
        return None
    return replace(
        profile, title=profile.title[:MAX_TEXT], fingerprint=profile.fingerprint[:MAX_TEXT]
    )


def close_record(
    record: ShotRecord,
    status: RecordStatus,
    *,
    ended_at: float,
    reason: IncompleteReason | None = None,
) -> ShotRecord:
    """``record`` closed: its end time, status and the stop's error (final − target)."""
    stop = record.stop
    if stop is not None and stop.target is not None and stop.error is None:
        final = None
        if stop.reason is StopReason.WEIGHT:
            final = final_weight(record.weights)
        elif stop.reason is StopReason.VOLUME:
            final = record.volume
        if final is not None:
            stop = replace(stop, error=final - stop.target)
    return replace(record, status=status, ended_at=ended_at, incomplete_reason=reason, stop=stop)


def as_incomplete(record: ShotRecord, reason: IncompleteReason) -> ShotRecord:
    """A stored snapshot closed after the fact (after a restart): it ends at its last point."""
    if record.status is not RecordStatus.RECORDING:
        return record
    return close_record(
        record,
        RecordStatus.INCOMPLETE,
        ended_at=record.started_at + record.end,
        reason=reason,
    )
