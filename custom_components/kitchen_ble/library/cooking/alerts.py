"""Per-probe alerts with hysteresis, so each crossing fires once and noise never re-fires.

Semantics, for a probe with target T, pre-alert offset P, margin M (exceeded_margin)
and hysteresis H:

* approaching fires at T - P (P = 0 turns it off), reached at T, exceeded at T + M.
  Each fires when the temperature rises to its level, then stays quiet until the
  crossing is undone: the temperature stayed below that level - H for ``hold``
  seconds. Only then can it fire again. Both are needed: a slow rise hovers at a
  level for minutes, long enough for probe noise to dip past any small H once.
  A reading that jumps over several levels fires only the highest.
* reminder repeats every reminder_interval after reached/exceeded, on a fixed
  grid, for as long as the probe has not fallen below T - H.
* range_left fires when a probe that has been inside [range_min, range_max]
  goes outside it; range_back fires once it has been back inside by H for
  ``hold`` seconds. Warming up from below the range before ever being in it is
  not an alert.
* probe_unplugged / probe_inserted (temperature None = unplugged) fire only
  during a session: outside a cook an empty socket is normal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal, Self, cast

from .targets import ProbeTarget
from .validation import (
    as_bool,
    as_enum,
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_opt_float,
    as_opt_int,
    as_str,
)

DEFAULT_HYSTERESIS: Final = 1.0  # °C; above typical probe noise (±0.3 °C)
DEFAULT_EXCEEDED_MARGIN: Final = 3.0  # °C; past this the food is overcooking
DEFAULT_HOLD: Final = 60.0  # s a crossing must stay undone before it can fire again


class AlertType(StrEnum):
    APPROACHING = "approaching"
    REACHED = "reached"
    EXCEEDED = "exceeded"
    REMINDER = "reminder"
    RANGE_LEFT = "range_left"
    RANGE_BACK = "range_back"
    PROBE_UNPLUGGED = "probe_unplugged"
    PROBE_INSERTED = "probe_inserted"
    DEVICE_DISCONNECTED = "device_disconnected"
    BEHIND_SCHEDULE = "behind_schedule"


_THRESHOLDS: Final = (AlertType.APPROACHING, AlertType.REACHED, AlertType.EXCEEDED)
_THRESHOLD_NAMES: Final = frozenset(kind.value for kind in _THRESHOLDS)

type RangeState = Literal["unknown", "in", "low", "high"]
_RANGE_STATES: Final = ("unknown", "in", "low", "high")


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert; ``probe`` is None for device-wide alerts, ``target`` is the level crossed."""

    type: AlertType
    device_id: str
    probe: int | None
    label: str
    temperature: float | None
    target: float | None
    at: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "device_id": self.device_id,
            "probe": self.probe,
            "label": self.label,
            "temperature": self.temperature,
            "target": self.target,
            "at": self.at,
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        raw = as_mapping(data, "alert")
        kind = as_enum(AlertType, raw.get("type"), "type")
        return cls(
            type=kind,
            device_id=as_str(raw.get("device_id"), "device_id"),
            probe=as_opt_int(raw.get("probe"), "probe"),
            label=as_str(raw.get("label", ""), "label"),
            temperature=as_opt_float(raw.get("temperature"), "temperature"),
            target=as_opt_float(raw.get("target"), "target"),
            at=as_float(raw.get("at"), "at"),
        )


def device_disconnected(device_id: str, now: float, *, label: str = "") -> Alert:
    """The alert the session layer raises when a device drops out of a cook."""
    return Alert(AlertType.DEVICE_DISCONNECTED, device_id, None, label, None, None, now)


class ProbeAlertEngine:
    """Alert state of one probe; feed every reading to ``update``."""

    def __init__(
        self,
        device_id: str,
        probe: int,
        target: ProbeTarget | None = None,
        *,
        hysteresis: float = DEFAULT_HYSTERESIS,
        exceeded_margin: float = DEFAULT_EXCEEDED_MARGIN,
        hold: float = DEFAULT_HOLD,
    ) -> None:
        if not (hysteresis > 0 and exceeded_margin > 0 and hold >= 0):
            raise ValueError("hysteresis and exceeded_margin must be positive, hold >= 0")
        self.device_id = device_id
        self.probe = probe
        self._target = target or ProbeTarget()
        self._hysteresis = hysteresis
        self._margin = exceeded_margin
        self._hold = hold
        self._fired: set[AlertType] = set()  # threshold levels crossed and not yet undone
        self._below_since: dict[AlertType, float] = {}  # fired levels being undone, since
        self._last_above_at: float | None = None  # reminder grid anchor
        self._range: RangeState = "unknown"
        self._inside_since: float | None = None  # back inside the range, not yet for hold s
        self._plugged: bool | None = None

    @property
    def target(self) -> ProbeTarget:
        return self._target

    def set_target(self, target: ProbeTarget) -> None:
        """A new target level arms its alerts afresh; label or interval changes do not."""
        old = self._target
        if (old.target, old.pre_alert_offset) != (target.target, target.pre_alert_offset):
            self._fired.clear()
            self._below_since.clear()
            self._last_above_at = None
        if (old.range_min, old.range_max) != (target.range_min, target.range_max):
            self._range = "unknown"
            self._inside_since = None
        self._target = target

    def update(self, temperature: float | None, now: float, *, in_session: bool) -> list[Alert]:
        """Alerts caused by this reading, in order; ``None`` means the probe is unplugged."""
        if temperature is not None and not math.isfinite(temperature):
            raise ValueError(f"temperature must be finite or None, got {temperature}")
        alerts: list[AlertType] = []
        plugged = temperature is not None
        if in_session and self._plugged is not None and plugged != self._plugged:
            alerts.append(AlertType.PROBE_INSERTED if plugged else AlertType.PROBE_UNPLUGGED)
        self._plugged = plugged
        bound: float | None = None
        if temperature is not None:
            alerts += self._thresholds(temperature, now)
            kind, bound = self._range_step(temperature, now)
            if kind is not None:
                alerts.append(kind)
        return [self._alert(kind, temperature, now, bound) for kind in alerts]

    def _levels(self) -> list[tuple[AlertType, float]]:
        target = self._target.target
        if target is None:
            return []
        offset = self._target.pre_alert_offset
        levels = [(AlertType.APPROACHING, target - offset)] if offset > 0 else []
        return [*levels, (AlertType.REACHED, target), (AlertType.EXCEEDED, target + self._margin)]

    def _thresholds(self, temperature: float, now: float) -> list[AlertType]:
        levels = self._levels()
        for kind, level in levels:
            if kind not in self._fired or temperature >= level - self._hysteresis:
                self._below_since.pop(kind, None)
                continue
            since = self._below_since.setdefault(kind, now)
            if now - since >= self._hold:
                self._fired.discard(kind)
                del self._below_since[kind]
        crossed = [kind for kind, level in levels if temperature >= level]
        new = [kind for kind in crossed if kind not in self._fired]
        self._fired.update(crossed)
        if new and new[-1] is not AlertType.APPROACHING:
            self._last_above_at = now  # reminders count from the latest reached/exceeded
            return [new[-1]]
        if AlertType.REACHED not in self._fired:
            self._last_above_at = None
            return new
        return new + self._reminder(now)

    def _reminder(self, now: float) -> list[AlertType]:
        interval = self._target.reminder_interval
        if self._last_above_at is None:  # restored without an anchor: start the grid now
            self._last_above_at = now
        if interval <= 0 or now < self._last_above_at + interval:
            return []
        # stay on the grid even when readings were missing for several intervals
        self._last_above_at += interval * math.floor((now - self._last_above_at) / interval)
        return [AlertType.REMINDER]

    def _range_step(self, temperature: float, now: float) -> tuple[AlertType | None, float | None]:
        low, high = self._target.range_min, self._target.range_max
        side = self._range_side(temperature, low, high)
        previous = self._range
        if side is None or (previous == "in" and side == "in"):
            self._inside_since = None
            return None, None
        if previous == "unknown":  # warming up into the range is no alert
            if side == "in":
                self._range = "in"
            return None, None
        if previous == "in":
            self._range = side
            return AlertType.RANGE_LEFT, low if side == "low" else high
        if side != "in":  # still out, maybe on the other side now
            self._range = side
            self._inside_since = None
            return None, None
        since = self._inside_since = now if self._inside_since is None else self._inside_since
        if now - since < self._hold:
            return None, None
        self._range = "in"
        self._inside_since = None
        return AlertType.RANGE_BACK, low if previous == "low" else high

    def _range_side(
        self, temperature: float, low: float | None, high: float | None
    ) -> RangeState | None:
        """Where the reading is; "in" only with the margin, None in the margin or no range."""
        if low is not None and temperature < low:
            return "low"
        if high is not None and temperature > high:
            return "high"
        if low is None and high is None:
            return None
        margin = self._hysteresis
        if low is not None and high is not None:
            margin = min(margin, (high - low) / 4)  # a narrow range must still have an inside
        if (low is None or temperature >= low + margin) and (
            high is None or temperature <= high - margin
        ):
            return "in"
        return None

    def _alert(
        self, kind: AlertType, temperature: float | None, now: float, bound: float | None
    ) -> Alert:
        ranged = kind in (AlertType.RANGE_LEFT, AlertType.RANGE_BACK)
        target = bound if ranged else self._target.target
        return Alert(kind, self.device_id, self.probe, self._target.label, temperature, target, now)

    def to_dict(self) -> dict[str, Any]:
        """Target and alert state, so a restart neither loses nor re-fires alerts."""
        return {
            "device_id": self.device_id,
            "probe": self.probe,
            "target": self._target.to_dict(),
            "fired": [kind.value for kind in _THRESHOLDS if kind in self._fired],
            "below_since": {kind.value: at for kind, at in self._below_since.items()},
            "last_above_at": self._last_above_at,
            "range_state": self._range,
            "inside_since": self._inside_since,
            "plugged": self._plugged,
        }

    @classmethod
    def from_dict(
        cls,
        data: object,
        *,
        hysteresis: float = DEFAULT_HYSTERESIS,
        exceeded_margin: float = DEFAULT_EXCEEDED_MARGIN,
        hold: float = DEFAULT_HOLD,
    ) -> Self:
        raw = as_mapping(data, "alert engine")
        engine = cls(
            as_str(raw.get("device_id"), "device_id"),
            as_int(raw.get("probe"), "probe"),
            ProbeTarget.from_dict(raw.get("target", {})),
            hysteresis=hysteresis,
            exceeded_margin=exceeded_margin,
            hold=hold,
        )
        names = [as_str(item, "fired") for item in as_list(raw.get("fired", []), "fired")]
        engine._fired = {_threshold(name, "fired") for name in names}
        below = as_mapping(raw.get("below_since", {}), "below_since")
        engine._below_since = {
            _threshold(name, "below_since"): as_float(at, "below_since")
            for name, at in below.items()
        }
        engine._last_above_at = as_opt_float(raw.get("last_above_at"), "last_above_at")
        range_state = as_str(raw.get("range_state", "unknown"), "range_state")
        if range_state not in _RANGE_STATES:
            raise ValueError(f"range_state: unknown state {range_state!r}")
        engine._range = cast(RangeState, range_state)
        engine._inside_since = as_opt_float(raw.get("inside_since"), "inside_since")
        plugged = raw.get("plugged")
        engine._plugged = None if plugged is None else as_bool(plugged, "plugged")
        return engine


def _threshold(name: object, field: str) -> AlertType:
    if name not in _THRESHOLD_NAMES:
        raise ValueError(f"{field}: unknown level {name!r}")
    return AlertType(name)
