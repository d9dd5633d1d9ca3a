"""What one probe did during a session: min, max, final, when it reached its target, its curve."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Self

from .downsample import Point, downsample
from .validation import (
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_opt_float,
    as_str,
)

DEFAULT_CURVE_INTERVAL: Final = 15.0  # s between kept curve points
DEFAULT_CURVE_LIMIT: Final = 720  # points kept live (3 h at 15 s) before compacting to half


@dataclass(slots=True)
class ProbeStats:
    device_id: str
    probe: int
    label: str = ""
    target: float | None = None
    min: float | None = None
    max: float | None = None
    final: float | None = None
    reached_at: float | None = None  # first reading at or above the current target
    curve: list[Point] = field(default_factory=list)

    def record(
        self,
        temperature: float,
        now: float,
        *,
        target: float | None = None,
        label: str = "",
        curve_interval: float = DEFAULT_CURVE_INTERVAL,
        curve_limit: int = DEFAULT_CURVE_LIMIT,
    ) -> None:
        if target != self.target:  # a new target is a new goal: it has not been reached yet
            self.target = target
            self.reached_at = None
        self.label = label or self.label
        self.min = temperature if self.min is None else min(self.min, temperature)
        self.max = temperature if self.max is None else max(self.max, temperature)
        self.final = temperature
        if target is not None and self.reached_at is None and temperature >= target:
            self.reached_at = now
        self._extend_curve((now, temperature), curve_interval, curve_limit)

    def _extend_curve(self, point: Point, interval: float, limit: int) -> None:
        # the last point slides forward until it is ``interval`` past the one
        # before, so the curve always ends at the latest reading without
        # keeping every reading; the reading that reached the target stays put
        curve = self.curve
        sliding = len(curve) >= 2 and curve[-1][0] - curve[-2][0] < interval
        if sliding and curve[-1][0] != self.reached_at:
            curve[-1] = point
        else:
            curve.append(point)
        if len(curve) > limit:
            self.curve = downsample(curve, limit // 2, target=self.target)

    def summary(self, started_at: float, max_points: int) -> dict[str, Any]:
        """Compact form for the archive: curve times as whole seconds since the start."""
        curve = downsample(self.curve, max_points, target=self.target)
        return {
            "device_id": self.device_id,
            "probe": self.probe,
            "label": self.label,
            "target": self.target,
            "min": _round(self.min),
            "max": _round(self.max),
            "final": _round(self.final),
            "reached_at": self.reached_at,
            "curve": [[round(t - started_at), round(v, 1)] for t, v in curve],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "probe": self.probe,
            "label": self.label,
            "target": self.target,
            "min": self.min,
            "max": self.max,
            "final": self.final,
            "reached_at": self.reached_at,
            "curve": [[t, v] for t, v in self.curve],
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        raw = as_mapping(data, "probe stats")
        curve: list[Point] = []
        for item in as_list(raw.get("curve", []), "curve"):
            pair = as_list(item, "curve point")
            if len(pair) != 2:
                raise ValueError("curve point: expected [time, temperature]")
            curve.append((as_float(pair[0], "curve time"), as_float(pair[1], "curve value")))
        return cls(
            device_id=as_str(raw.get("device_id"), "device_id"),
            probe=as_int(raw.get("probe"), "probe"),
            label=as_str(raw.get("label", ""), "label"),
            target=as_opt_float(raw.get("target"), "target"),
            min=as_opt_float(raw.get("min"), "min"),
            max=as_opt_float(raw.get("max"), "max"),
            final=as_opt_float(raw.get("final"), "final"),
            reached_at=as_opt_float(raw.get("reached_at"), "reached_at"),
            curve=curve,
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
