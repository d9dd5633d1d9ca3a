"""What the soak expects, worked out from the emulated probes' own readings.

No Home Assistant here and nothing of the integration: the readings are the
ones the emulated thermometers delivered over their links (``soak_devices``
taps them), and the alert rules are the documented ones (README, "Alerts"):
a level fires when a reading reaches it, and only again once the readings
stayed below the level minus the hysteresis for the hold time; a reading
that jumps over several levels fires only the highest; reminders repeat on a
fixed grid after "reached" or "exceeded" while the probe stays above the
target minus the hysteresis; an empty socket and a probe put back in are
alerts during a cook only.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reading:
    """One probe reading as a device delivered it."""

    at: float  # Home Assistant's clock (epoch seconds) when it arrived
    celsius: float | None  # None: the socket is empty


class ProbeSeries:
    """Every reading one probe delivered, in the order they arrived.

    Kept as two arrays of doubles (NaN for an empty socket): the soak's own
    bookkeeping stays small, and tracemalloc files it under this module, so
    the memory figures can leave it out.
    """

    __slots__ = ("_times", "_values")

    def __init__(self) -> None:
        self._times = array("d")
        self._values = array("d")

    def __len__(self) -> int:
        return len(self._times)

    def add(self, at: float, celsius: float | None) -> None:
        if self._times and at < self._times[-1]:
            raise ValueError(f"reading at {at} arrived before the one at {self._times[-1]}")
        self._times.append(at)
        self._values.append(math.nan if celsius is None else celsius)

    @property
    def readings(self) -> list[Reading]:
        return [
            Reading(at, None if math.isnan(value) else value)
            for at, value in zip(self._times, self._values, strict=True)
        ]

    def values(self, since: float) -> list[float]:
        """The temperatures delivered at or after ``since`` (empty sockets left out)."""
        start = bisect_left(self._times, since)
        return [value for value in self._values[start:] if not math.isnan(value)]

    def first_at_or_above(self, level: float, since: float) -> float | None:
        """When the first reading at or above ``level`` arrived (from ``since`` on)."""
        for index in range(bisect_left(self._times, since), len(self._times)):
            if self._values[index] >= level:  # False for NaN
                return self._times[index]
        return None

    def latest_values(self, at: float) -> set[float | None]:
        """What the probe showed at ``at``: the values delivered at the last arrival time
        at or before it (one arrival time can bring more than one reading)."""
        index = bisect_right(self._times, at) - 1
        found: set[float | None] = set()
        last = self._times[index] if index >= 0 else None
        while index >= 0 and self._times[index] == last:
            value = self._values[index]
            found.add(None if math.isnan(value) else value)
            index -= 1
        return found


@dataclass(frozen=True, slots=True)
class AlertRules:
    """One probe's target and the documented defaults around it (°C, seconds)."""

    target: float
    pre_alert: float = 5.0  # "approaching" fires this far below the target
    margin: float = 3.0  # "exceeded" fires this far above it
    hysteresis: float = 1.0
    hold: float = 60.0
    reminder: float = 300.0

    def levels(self) -> list[tuple[str, float]]:
        """The threshold levels, lowest first."""
        return [
            ("approaching", self.target - self.pre_alert),
            ("reached", self.target),
            ("exceeded", self.target + self.margin),
        ]


def expected_alerts(
    readings: Sequence[Reading], rules: AlertRules | None, session_start: float
) -> Counter[str]:
    """The alerts the readings call for: threshold crossings, reminders, plug changes.

    One count is no alert type: ``reminder_periods``, the stretches in which
    "reached" stood fired. The integration sees a reading only when it changes
    or every 30 s, so at the end of each stretch it may see one reminder fewer
    than every reading calls for.
    """
    counts: Counter[str] = Counter()
    fired: set[str] = set()
    below_since: dict[str, float] = {}
    anchor: float | None = None  # the reminder grid
    plugged: bool | None = None
    for reading in readings:
        now, value = reading.at, reading.celsius
        if plugged is not None and (value is not None) != plugged and now >= session_start:
            counts["probe_inserted" if value is not None else "probe_unplugged"] += 1
        plugged = value is not None
        if value is None or rules is None:
            continue
        levels = rules.levels()
        for name, level in levels:
            if name not in fired or value >= level - rules.hysteresis:
                below_since.pop(name, None)
            elif now - below_since.setdefault(name, now) >= rules.hold:
                fired.discard(name)  # the crossing is undone: the level is armed again
                del below_since[name]
        new = [name for name, level in levels if value >= level and name not in fired]
        fired.update(name for name, level in levels if value >= level)
        if new:
            counts[new[-1]] += 1  # only the highest of the levels this reading passed
        if new and new[-1] != "approaching" and anchor is None:
            counts["reminder_periods"] += 1
        if new and new[-1] != "approaching":
            anchor = now
        elif "reached" not in fired:
            anchor = None
        else:
            anchor = now if anchor is None else anchor
            if now >= anchor + rules.reminder:
                anchor += rules.reminder * math.floor((now - anchor) / rules.reminder)
                counts["reminder"] += 1
    return counts


def crossings_of(readings: Sequence[Reading], level: float, since: float) -> int:
    """How often the readings went from below ``level`` to at or above it (a plain count,
    for the report: without hysteresis a noisy probe crosses many times)."""
    count = 0
    below: bool | None = None
    for reading in readings:
        if reading.at < since or reading.celsius is None:
            continue
        if below is not None and below and reading.celsius >= level:
            count += 1
        below = reading.celsius < level
    return count


def slope_per_segment_level(points: Sequence[tuple[float, float, int]]) -> float:
    """Least-squares slope of y over x with one common slope and one level per segment.

    ``points`` are (x, y, segment). A segment here is one Home Assistant
    instance: the first one is still held by the test harness after the
    restart, so the second starts higher; only the slope within each is wanted.
    """
    by_segment: dict[int, list[tuple[float, float]]] = {}
    for x, y, segment in points:
        by_segment.setdefault(segment, []).append((x, y))
    covariance = variance = 0.0
    for pairs in by_segment.values():
        mean_x = sum(x for x, _ in pairs) / len(pairs)
        mean_y = sum(y for _, y in pairs) / len(pairs)
        covariance += sum((x - mean_x) * (y - mean_y) for x, y in pairs)
        variance += sum((x - mean_x) ** 2 for x, _ in pairs)
    if variance == 0:
        raise ValueError("a slope needs two different x values in one segment")
    return covariance / variance
