"""Steam to temperature: when to stop steaming so the milk ends at its target.

A probe in the milk reads it late: a first-order probe with time constant
``probe_lag`` (s) trails a steady rise of ``r`` °C/s by ``r × probe_lag``.
While steam flows the milk warms at a near-constant rate (constant heater
power), so the milk now is the reading plus ``rate × probe_lag``, and it goes
on warming for the machine's stop lag after the request. The rate is a
least-squares line through the last ``window`` seconds of readings (a probe
reports about once a second, in steps of 0.1 °C or more).
"""

from __future__ import annotations

import math
from collections import deque
from typing import Final

from .errors import ShotConfigError
from .learning import DE1_STOP_LAG

RATE_WINDOW: Final = 6.0  # s of readings the rate is fitted over
MIN_READINGS: Final = 3
MIN_RATE: Final = 0.05  # °C/s; slower is not steaming (or the probe is out of the milk)


class SteamStopPredictor:
    """Fed milk-probe readings; says when the steam should stop."""

    def __init__(
        self,
        target: float,
        probe_lag: float,
        *,
        stop_lag: float = DE1_STOP_LAG,
        window: float = RATE_WINDOW,
    ) -> None:
        for name, value in (("target", target), ("probe_lag", probe_lag), ("stop_lag", stop_lag)):
            if not math.isfinite(value) or value < 0:
                raise ShotConfigError(f"{name} must be a finite number ≥ 0, not {value}")
        if not math.isfinite(window) or window <= 0:
            raise ShotConfigError(f"window must be above 0, not {window}")
        self.target = target
        self.probe_lag = probe_lag
        self.stop_lag = stop_lag
        self.window = window
        self._readings: deque[tuple[float, float]] = deque()

    def add(self, now: float, celsius: float) -> None:
        """One probe reading at ``now`` (s, the caller's clock)."""
        if not (math.isfinite(now) and math.isfinite(celsius)):
            return
        if self._readings and now <= self._readings[-1][0]:
            return  # out of order or repeated: the fit needs increasing times
        self._readings.append((now, celsius))
        while self._readings and now - self._readings[0][0] > self.window:
            self._readings.popleft()

    @property
    def rate(self) -> float | None:
        """°C/s over the window; None with too few readings."""
        readings = self._readings
        if len(readings) < MIN_READINGS:
            return None
        mean_t = sum(t for t, _ in readings) / len(readings)
        mean_c = sum(c for _, c in readings) / len(readings)
        spread = sum((t - mean_t) ** 2 for t, _ in readings)
        if spread <= 0:
            return None
        return sum((t - mean_t) * (c - mean_c) for t, c in readings) / spread

    def milk_temperature(self, now: float) -> float | None:
        """The milk's temperature at ``now`` (the probe's lag taken out); None without a rate."""
        rate = self.rate
        if rate is None:
            return None
        last_t, last_c = self._readings[-1]
        return last_c + rate * (self.probe_lag + max(0.0, now - last_t))

    def stop_time(self) -> float | None:
        """When to request the stop; None until the milk warms steadily."""
        rate = self.rate
        if rate is None or rate < MIN_RATE:
            return None
        last_t, last_c = self._readings[-1]
        to_go = self.target - last_c - rate * (self.probe_lag + self.stop_lag)
        return last_t + to_go / rate

    def should_stop(self, now: float) -> bool:
        """Whether the steam should stop now."""
        if self._readings and self._readings[-1][1] >= self.target:
            return True  # already there, whatever the rate
        due = self.stop_time()
        return due is not None and now >= due
