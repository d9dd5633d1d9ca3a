"""The figures of a shot: how long, how much in and out, how hard, how hot, why it ended.

Times are the flow's: ``duration`` runs from the first moment water (or
steam) flowed to the last, as a barista's shot timer does (de1app starts its
timer at preinfusion, DE1 fact sheet §9.6); ``preinfusion_time`` and
``pour_time`` split it by substate. Pressure, flow and temperature are taken
over the samples of that window. The temperature is the one that matters for
the kind: the basket for espresso, the steam heater for steam, the mix (the
water) for hot water and flush. The dose the user noted wins over the one the
scale weighed before its auto-tare.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from statistics import fmean
from typing import Any, Final

from ...devices.de1.states import FlowPhase, Substate
from .model import MachinePoint, ShotKind, ShotRecord, final_weight

MAX_TITLE: Final = 100  # the summary goes into events: a profile title cannot swell them


@dataclass(frozen=True, slots=True)
class ShotSummary:
    id: str
    kind: ShotKind
    status: str
    started_at: float  # epoch seconds
    ended_at: float | None
    incomplete_reason: str | None
    flow_started: float | None  # s after the record's start
    duration: float  # s of flow
    preinfusion_time: float
    pour_time: float
    dose: float | None  # g
    yield_weight: float | None  # g in the cup
    ratio: float | None  # yield ÷ dose
    volume: float  # mL the machine poured
    peak_pressure: float | None  # bar
    mean_flow: float | None  # mL/s
    mean_temperature: float | None  # °C
    profile: str | None
    profile_fingerprint: str | None
    stop_reason: str | None
    stop_target: float | None
    stop_error: float | None  # g (or mL) past the target; negative: short of it
    machine_error: str | None
    scale: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, rounded as a person reads it."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "status": self.status,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "incomplete_reason": self.incomplete_reason,
            "flow_started": _round(self.flow_started, 2),
            "duration": round(self.duration, 1),
            "preinfusion_time": round(self.preinfusion_time, 1),
            "pour_time": round(self.pour_time, 1),
            "dose": _round(self.dose, 1),
            "yield": _round(self.yield_weight, 1),
            "ratio": _round(self.ratio, 2),
            "volume": round(self.volume, 1),
            "peak_pressure": _round(self.peak_pressure, 2),
            "mean_flow": _round(self.mean_flow, 2),
            "mean_temperature": _round(self.mean_temperature, 1),
            "profile": self.profile,
            "profile_fingerprint": self.profile_fingerprint,
            "stop_reason": self.stop_reason,
            "stop_target": _round(self.stop_target, 1),
            "stop_error": _round(self.stop_error, 1),
            "machine_error": self.machine_error,
            "scale": self.scale,
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def temperature_of(kind: ShotKind, point: MachinePoint) -> float:
    """The temperature that matters for the kind (see the module's text)."""
    if kind is ShotKind.ESPRESSO:
        return point.head_temp
    if kind is ShotKind.STEAM:
        return point.steam_temp
    return point.mix_temp


def flow_samples(record: ShotRecord) -> list[MachinePoint]:
    """The machine samples taken while water (or steam) flowed.

    A sample at the very moment of a state change belongs to the new state
    (the change was reported first).
    """
    times = [change.t for change in record.states]
    during = [change.phase is FlowPhase.DURING for change in record.states]
    kept = []
    for point in record.samples:
        index = bisect_right(times, point.t)
        if index and during[index - 1]:
            kept.append(point)
    return kept


def summarize(record: ShotRecord) -> ShotSummary:
    stretches = record.flow_intervals()
    preinfusion = sum(end - start for start, end, sub in stretches if sub == Substate.PRE_INFUSE)
    flowing = sum(end - start for start, end, _ in stretches)
    window = record.flow_window()
    during = flow_samples(record)
    dose = record.annotations.dose if record.annotations.dose is not None else record.dose
    out = final_weight(record.weights)
    stop = record.stop
    profile = record.profile
    return ShotSummary(
        id=record.id,
        kind=record.kind,
        status=record.status.value,
        started_at=record.started_at,
        ended_at=record.ended_at,
        incomplete_reason=(
            None if record.incomplete_reason is None else record.incomplete_reason.value
        ),
        flow_started=None if window is None else window[0],
        duration=0.0 if window is None else window[1] - window[0],
        preinfusion_time=preinfusion,
        pour_time=flowing - preinfusion,
        dose=dose,
        yield_weight=out,
        ratio=out / dose if out is not None and dose else None,
        volume=record.volume,
        peak_pressure=max((p.pressure for p in during), default=None),
        mean_flow=fmean(p.flow for p in during) if during else None,
        mean_temperature=(
            fmean(temperature_of(record.kind, p) for p in during) if during else None
        ),
        profile=None if profile is None else profile.title[:MAX_TITLE],
        profile_fingerprint=None if profile is None else profile.fingerprint[:64] or None,
        stop_reason=None if stop is None else stop.reason.value,
        stop_target=None if stop is None else stop.target,
        stop_error=None if stop is None else stop.error,
        machine_error=record.machine_error,
        scale=None if record.scale is None else record.scale[:MAX_TITLE],
    )
