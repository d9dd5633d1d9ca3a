"""Behind schedule: will this probe miss the session's "ready by" time?

Fires once when the predicted finish (now + time to target) is later than
ready_by + ``margin``; re-arms only when the prediction is back at or before
ready_by itself. The gap between the two is the hysteresis (in time) that
keeps an estimate hovering near the deadline from firing again and again.
An unknown estimate (stall, no target) changes nothing either way.
"""

from __future__ import annotations

from typing import Any, Final, Self

from .validation import as_bool, as_mapping, as_opt_float

DEFAULT_MARGIN: Final = 600.0  # s; smaller slips are within the estimate's own error


class ScheduleMonitor:
    """Behind-schedule state of one probe."""

    def __init__(self, *, margin: float = DEFAULT_MARGIN) -> None:
        if margin < 0:
            raise ValueError("margin must not be negative")
        self._margin = margin
        self._ready_by: float | None = None
        self._behind = False

    @property
    def behind(self) -> bool:
        return self._behind

    def update(self, ready_by: float | None, remaining: float | None, now: float) -> bool:
        """True when the behind-schedule alert should fire now (once per crossing)."""
        if ready_by != self._ready_by:  # a new deadline is a new question
            self._ready_by = ready_by
            self._behind = False
        if ready_by is None or remaining is None:
            return False
        finish = now + remaining
        if self._behind:
            self._behind = finish > ready_by
            return False
        self._behind = finish > ready_by + self._margin
        return self._behind

    def to_dict(self) -> dict[str, Any]:
        return {"ready_by": self._ready_by, "behind": self._behind}

    @classmethod
    def from_dict(cls, data: object, *, margin: float = DEFAULT_MARGIN) -> Self:
        raw = as_mapping(data, "schedule")
        monitor = cls(margin=margin)
        monitor._ready_by = as_opt_float(raw.get("ready_by"), "ready_by")
        monitor._behind = as_bool(raw.get("behind", False), "behind")
        return monitor
