"""Time to target from the recent rise of a probe, steady from one reading to the next.

Method: readings are averaged into 30 s buckets (noise down, work bounded).
Over a sliding 20 min window of buckets a least-squares quadratic gives the
rise r and its change r'. Food heats roughly by Newton's law (the rise slows
as the core nears the cooker temperature): r' = -k r. With k from the fit, a
Newton curve is fitted to the same buckets to read the current temperature
and rise, and the time to climb the remaining D degrees is -ln(1 - k D / r) / k.
A curve that is not slowing (k <= 0, e.g. a cooker still warming up) uses the
straight line D / r; near or past the fitted asymptote the Newton time is
capped at 2.6 times the line instead of racing to infinity. The predicted
arrival time is then smoothed exponentially (5 min time constant), so one odd
bucket cannot make the estimate jump.

Stall: while the rise is below ``stall_rate`` (2 °C/h), and until it exceeds
``resume_rate`` (6 °C/h, a hysteresis), the estimate is unknown: nobody can
tell how long a brisket stall lasts, and a number racing to infinity and back
is worse than an honest "unknown".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

DEFAULT_BUCKET: Final = 30.0  # s
DEFAULT_WINDOW: Final = 1200.0  # s of buckets in the fit
DEFAULT_SMOOTHING: Final = 300.0  # s, time constant of the arrival-time filter
DEFAULT_STALL_RATE: Final = 2.0 / 3600  # °C/s; slower than this is a stall (or not rising)
DEFAULT_RESUME_RATE: Final = 6.0 / 3600  # °C/s needed to leave the stall
DEFAULT_MIN_SPAN: Final = 180.0  # s of data before any estimate
MIN_BUCKETS: Final = 5
# Readings reach the estimator when they change and, unchanged, this often
# (the Home Assistant layer re-evaluates every probe on this clock).
REFRESH_SECONDS: Final = 30.0
MAX_HOLD: Final = 60.0  # s a reading is taken to last at most (a longer silence is no data)
MAX_SLOWDOWN_EXPONENT: Final = 50.0  # k times the window beyond this is a plateau
MAX_NEWTON_RATIO: Final = 0.9  # caps the Newton time at 2.6 times the straight line


@dataclass(frozen=True, slots=True)
class Fit:
    """The fitted curve at time ``at``: temperature, rate (°C/s) and its change (°C/s²).

    ``slowdown`` is k = -r'/r (1/s) with r taken mid-window: a quadratic's
    constant r' is the window's average, which belongs to its middle.
    """

    at: float
    temperature: float
    rate: float
    acceleration: float
    slowdown: float


def fit_curve(points: Sequence[tuple[float, float]]) -> Fit:
    """Fit (t, value) points: a least-squares quadratic, then a Newton curve if it slows.

    The result describes the curve at the last t; needs three distinct times.
    """
    t_end = points[-1][0]
    # time shifted to the last point and scaled to [-1, 0] keeps the 3x3 system well conditioned
    scale = max(t_end - points[0][0], 1.0)
    s = [0.0] * 5
    v = [0.0] * 3
    for t, value in points:
        x = (t - t_end) / scale
        powers = (1.0, x, x * x, x * x * x, x**4)
        for i in range(5):
            s[i] += powers[i]
        for i in range(3):
            v[i] += value * powers[i]
    a, b, c = _solve3(
        [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]],
        v,
    )
    rate, acceleration = b / scale, 2 * c / (scale * scale)
    mid_rate = rate - acceleration * (t_end - points[0][0]) / 2
    if mid_rate <= 0 or acceleration >= 0:
        return Fit(t_end, a, rate, acceleration, 0.0)
    k = -acceleration / mid_rate
    if k * (t_end - points[0][0]) > MAX_SLOWDOWN_EXPONENT:
        # a flat curve whose tiny rate is rounding noise (a probe held at one
        # reading): exp(k s) would overflow, and the curve is a plateau anyway
        return Fit(t_end, a, rate, acceleration, k)
    # with k known, a Newton curve T(s) = T_end + r g(s), g(s) = (1 - exp(-k s)) / k,
    # is linear in T_end and the end rate r: fit it, so the end point is read off a
    # Newton curve rather than a parabola (g(s) -> s as k -> 0: no cancellation)
    gs = [-math.expm1(-k * (t - t_end)) / k for t, _ in points]
    mean_g = sum(gs) / len(gs)
    mean_v = sum(value for _, value in points) / len(points)
    spread = sum((g - mean_g) ** 2 for g in gs)
    end_rate = sum((g - mean_g) * (v - mean_v) for g, (_, v) in zip(gs, points, strict=True))
    end_rate /= spread
    return Fit(t_end, mean_v - end_rate * mean_g, end_rate, -k * end_rate, k)


def _solve3(m: list[list[float]], v: list[float]) -> tuple[float, float, float]:
    """Cramer's rule; the caller guarantees distinct times, so the system is regular."""

    def det(a: list[list[float]]) -> float:
        return (
            a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        )

    d = det(m)
    out = []
    for col in range(3):
        replaced = [[v[r] if c == col else m[r][c] for c in range(3)] for r in range(3)]
        out.append(det(replaced) / d)
    return out[0], out[1], out[2]


def newton_time(remaining: float, rate: float, k: float) -> float:
    """Seconds to climb ``remaining`` degrees at ``rate`` (> 0) slowing by ``k`` (Newton).

    The slowdown is capped at MAX_NEWTON_RATIO: near an asymptote at the target
    the model shoots to infinity on the smallest error in the fitted curvature.
    """
    linear = remaining / rate
    if k <= 0:  # not slowing down (yet): the straight line
        return linear
    ratio = min(k * linear, MAX_NEWTON_RATIO)
    return -math.log1p(-ratio) / ratio * linear


class EtaEstimator:
    """Time-to-target estimator for one probe; ``add`` readings, then ``estimate``."""

    def __init__(
        self,
        *,
        bucket: float = DEFAULT_BUCKET,
        window: float = DEFAULT_WINDOW,
        smoothing: float = DEFAULT_SMOOTHING,
        stall_rate: float = DEFAULT_STALL_RATE,
        resume_rate: float = DEFAULT_RESUME_RATE,
        min_span: float = DEFAULT_MIN_SPAN,
    ) -> None:
        if not (0 < bucket < window and 0 < stall_rate <= resume_rate):
            raise ValueError("need 0 < bucket < window and 0 < stall_rate <= resume_rate")
        if smoothing < 0 or min_span < 0:
            raise ValueError("smoothing and min_span must not be negative")
        self._bucket = bucket
        self._window = window
        self._smoothing = smoothing
        self._stall_rate = stall_rate
        self._resume_rate = resume_rate
        self._min_span = min_span
        self.reset()

    def reset(self) -> None:
        """Forget everything, e.g. when the probe was moved to another piece of food."""
        self._buckets: list[tuple[float, float]] = []
        self._open_start: float | None = None
        self._open_sum_t = 0.0
        self._open_sum_v = 0.0
        self._open_weight = 0.0
        self._held: tuple[float, float] | None = None  # (since, value) of the latest reading
        self._fit: Fit | None = None
        self._stalled = False
        self._smoothed: tuple[float, float, float] | None = None  # (target, arrival, at)
        self._raw: tuple[Fit, float, float] | None = None  # (fit, target, arrival)

    @property
    def fit(self) -> Fit | None:
        return self._fit

    @property
    def stalled(self) -> bool:
        """Rise too slow to extrapolate: a stall, a plateau or a cooling probe."""
        return self._stalled

    def add(self, now: float, temperature: float | None) -> None:
        """One reading; None (unplugged) and out-of-order readings are skipped.

        A device shows a reading until the next one, and readings come when the
        value changes as well as on a clock: each one is weighed by how long it
        was shown, so a whole-degree step is not counted more for being reported
        at the moment it happened.
        """
        if temperature is None or not math.isfinite(temperature):
            return  # a probe put back in starts afresh (``reset``) anyway
        held = self._held
        if held is not None:
            if now <= held[0]:
                return
            self._weigh(max(held[0], now - MAX_HOLD), now, held[1])
        self._held = (now, temperature)

    def _weigh(self, start: float, end: float, value: float) -> None:
        """``value`` was shown from ``start`` to ``end``: into the open bucket."""
        if self._open_start is not None and start >= self._open_start + self._bucket:
            self._close_bucket()
        if self._open_start is None:
            self._open_start = start
        span = end - start
        self._open_sum_t += (start + end) / 2 * span
        self._open_sum_v += value * span
        self._open_weight += span

    def _close_bucket(self) -> None:
        mean_t = self._open_sum_t / self._open_weight
        self._buckets.append((mean_t, self._open_sum_v / self._open_weight))
        self._open_start = None
        self._open_sum_t = self._open_sum_v = self._open_weight = 0.0
        horizon = mean_t - self._window
        while self._buckets[0][0] < horizon:
            self._buckets.pop(0)
        if len(self._buckets) < MIN_BUCKETS or mean_t - self._buckets[0][0] < self._min_span:
            self._fit = None
            return
        self._fit = fit_curve(self._buckets)
        rate = self._fit.rate
        if self._stalled:
            self._stalled = rate < self._resume_rate
        else:
            self._stalled = rate < self._stall_rate

    def estimate(self, target: float | None, now: float) -> float | None:
        """Seconds until ``target`` is reached; 0 once there; None when unknown."""
        fit = self._fit
        if target is None or fit is None:
            return None
        if fit.temperature >= target:
            return 0.0
        if self._stalled:
            self._smoothed = None  # restart the filter when the rise resumes
            return None
        if self._raw is None or self._raw[:2] != (fit, target):  # once per bucket, not reading
            raw = fit.at + newton_time(target - fit.temperature, fit.rate, fit.slowdown)
            self._raw = (fit, target, raw)
        return max(self._smooth(target, self._raw[2], now) - now, 0.0)

    def _smooth(self, target: float, raw: float, now: float) -> float:
        """Exponential filter on the arrival time, weighted by elapsed time, not by calls."""
        previous = self._smoothed
        if previous is None or previous[0] != target:
            arrival, at = raw, now
        else:
            _, arrival, at = previous
            if now > at:
                elapsed = now - at
                weight = 1.0 if self._smoothing == 0 else -math.expm1(-elapsed / self._smoothing)
                arrival += weight * (raw - arrival)
                at = now
        self._smoothed = (target, arrival, at)
        return arrival


def naive_estimate(
    previous: tuple[float, float], latest: tuple[float, float], target: float, now: float
) -> float | None:
    """Baseline: the straight line through the last two (t, °C) readings."""
    (t0, v0), (t1, v1) = previous, latest
    if v1 >= target:
        return 0.0
    if t1 <= t0 or v1 <= v0:
        return None
    arrival = t1 + (target - v1) * (t1 - t0) / (v1 - v0)
    return max(arrival - now, 0.0)
