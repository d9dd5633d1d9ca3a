"""Deterministic emulated cooks, and the benchmark of the time-to-target estimator.

Heat model: the cooker (oven, smoker) warms towards its set temperature, the
food surface follows the cooker and the core follows the surface, each by
Newton's law of cooling; this two-stage lag gives the slow start and the
slowing finish of real probe curves. Large cuts stall: around ``stall_at``
evaporation at the surface absorbs nearly all the heat until the surface
moisture budget (``stall_duration`` seconds) is spent. Readings get seeded
Gaussian noise, then are rounded the way the device reports them: to
``resolution`` in its display ``unit`` (the iGrill and the BlueDOT send whole
degrees, °C or °F as set on the device), and converted back to °C like the
integration does. The benchmark runs every profile in whole °C and whole °F
(``DEVICE_READINGS``); 0.1 °C is kept to show what the rounding costs.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

from .eta import REFRESH_SECONDS, EtaEstimator, naive_estimate

MAX_STEP: Final = 2.5  # s, longest integration step of the heat model
STALL_FLOOR: Final = 0.03  # share of the heat still reaching the core during a stall
STALL_RECOVERY: Final = 1800.0  # s for the core to recover its full rise after a stall
MAX_DURATION: Final = 24 * 3600.0

type Unit = Literal["°C", "°F"]


@dataclass(frozen=True, slots=True)
class CookProfile:
    """One kind of cook; all temperatures °C, times s."""

    name: str
    start: float  # core temperature at the start
    target: float
    cooker: float  # set temperature of the oven or smoker
    cooker_start: float  # cooker temperature at the start (preheated: = cooker)
    cooker_tau: float  # warm-up time constant of the cooker; 0 = preheated
    surface_tau: float  # lag of the surface behind the cooker; 0 = none
    core_tau: float  # lag of the core behind the surface
    stall_at: float | None = None
    stall_duration: float = 0.0
    noise: float = 0.2  # standard deviation of the reading noise
    interval: float = 5.0  # s between readings
    unit: Unit = "°C"  # display unit of the device
    resolution: float = 0.1  # step of the readings in the display unit, 1/n of a degree

    def __post_init__(self) -> None:
        per_degree = 1 / self.resolution if self.resolution > 0 else 0.0
        if per_degree < 1 or abs(per_degree - round(per_degree)) > 1e-9:
            raise ValueError(f"resolution must be 1/n of a degree, got {self.resolution}")

    def reported(self, celsius: float) -> float:
        """What the device reports for ``celsius``, rounded in its unit, back in °C."""
        per_degree = round(1 / self.resolution)  # n, so that k / n is the exact float
        if self.unit == "°C":
            return round(celsius * per_degree) / per_degree
        fahrenheit = round((celsius * 9.0 / 5.0 + 32.0) * per_degree) / per_degree
        return (fahrenheit - 32.0) * 5.0 / 9.0


@dataclass(frozen=True, slots=True)
class SimulatedCook:
    profile: CookProfile
    times: tuple[float, ...]
    true: tuple[float, ...]  # noise-free core temperature
    readings: tuple[float, ...]  # what the probe reported

    def crossing_time(self, temperature: float) -> float | None:
        """When the noise-free curve first reaches ``temperature`` (interpolated)."""
        for i, value in enumerate(self.true):
            if value >= temperature:
                if i == 0:
                    return self.times[0]
                t0, v0 = self.times[i - 1], self.true[i - 1]
                return t0 + (temperature - v0) * (self.times[i] - t0) / (value - v0)
        return None


PROFILES: Final[tuple[CookProfile, ...]] = (
    CookProfile("steak_reverse_sear", 5, 54, 120, 120, 0, 0, 1800, noise=0.2, interval=2),
    CookProfile("fish_fillet", 4, 55, 180, 180, 0, 0, 1500, noise=0.3, interval=2),
    CookProfile("roast_beef", 5, 57, 160, 160, 0, 900, 4000),
    CookProfile("whole_chicken", 4, 74, 190, 60, 600, 600, 3000, noise=0.3),
    CookProfile("pork_loin_low_oven", 6, 63, 80, 80, 0, 300, 3000),
    CookProfile("pork_shoulder", 4, 96, 115, 20, 1800, 1200, 10000, 70, 7200, interval=10),
    CookProfile("brisket", 3, 95, 120, 15, 1200, 1500, 12000, 68, 10800, interval=10),
)


# what the thermometers send: whole degrees in the display unit (°C or °F)
DEVICE_READINGS: Final[tuple[tuple[Unit, float], ...]] = (("°C", 1.0), ("°F", 1.0))
TENTH_READINGS: Final[tuple[tuple[Unit, float], ...]] = (("°C", 0.1),)


def vary(profile: CookProfile, rng: random.Random) -> CookProfile:
    """A sibling cook: cooker ±5 %, lags and stall ±15 %."""
    return replace(
        profile,
        cooker=profile.cooker * rng.uniform(0.95, 1.05),
        surface_tau=profile.surface_tau * rng.uniform(0.85, 1.15),
        core_tau=profile.core_tau * rng.uniform(0.85, 1.15),
        stall_duration=profile.stall_duration * rng.uniform(0.85, 1.15),
    )


def simulate_cook(profile: CookProfile, seed: int, *, overshoot: float = 2.0) -> SimulatedCook:
    """Run the cook until ``overshoot`` °C past the target (or 24 h)."""
    rng = random.Random(seed)
    p = profile
    substeps = math.ceil(p.interval / MAX_STEP)
    step = p.interval / substeps
    # exact decay of a first-order lag over one step: stable and accurate for any step
    surface_share = 1.0 if p.surface_tau <= 0 else -math.expm1(-step / p.surface_tau)
    core_share = -math.expm1(-step / p.core_tau)
    surface = core = p.start
    moisture = p.stall_duration
    stall_end: float | None = None
    times: list[float] = []
    true: list[float] = []
    readings: list[float] = []
    for n in range(int(MAX_DURATION / p.interval) + 1):
        t = n * p.interval
        times.append(t)
        true.append(core)
        readings.append(p.reported(core + rng.gauss(0.0, p.noise)))
        if core >= p.target + overshoot:
            break
        for k in range(substeps):
            now = t + k * step
            cooker = p.cooker
            if p.cooker_tau > 0:
                cooker -= (p.cooker - p.cooker_start) * math.exp(-now / p.cooker_tau)
            surface += (cooker - surface) * surface_share
            gain = 1.0
            if p.stall_at is not None and moisture > 0:
                onset = _smoothstep((core - (p.stall_at - 4.0)) / 4.0)
                gain = 1.0 - (1.0 - STALL_FLOOR) * onset
                moisture -= step * onset
                if moisture <= 0:
                    stall_end = now
            elif stall_end is not None:
                recovered = min((now - stall_end) / STALL_RECOVERY, 1.0)
                gain = STALL_FLOOR + (1.0 - STALL_FLOOR) * recovered
            core += (surface - core) * core_share * gain
    return SimulatedCook(profile, tuple(times), tuple(true), tuple(readings))


def _smoothstep(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


@dataclass(frozen=True, slots=True)
class EstimatorScores:
    """Median absolute error, in minutes, of each estimator at 50 % and 80 % of the way.

    An unknown estimate counts as an infinite error (the user saw no time at
    all); the ``naive_answered_*`` medians leave those out, to show that the
    baseline also loses on the readings where it does answer.
    """

    cooks: int
    estimator_50: float
    estimator_80: float
    naive_50: float
    naive_80: float
    naive_answered_50: float
    naive_answered_80: float
    estimator_unknown: int  # unknown estimates over both checkpoints of all cooks
    naive_unknown: int

    def __str__(self) -> str:
        return (
            f"time to target over {self.cooks} emulated cooks, median |error| in minutes\n"
            f"  at 50 %: estimator {self.estimator_50:.1f}, naive {self.naive_50:.1f}"
            f" ({self.naive_answered_50:.1f} when it answered)\n"
            f"  at 80 %: estimator {self.estimator_80:.1f}, naive {self.naive_80:.1f}"
            f" ({self.naive_answered_80:.1f} when it answered)\n"
            f"  unknown estimates: estimator {self.estimator_unknown},"
            f" naive {self.naive_unknown} of {2 * self.cooks}"
        )


def evaluate_estimators(
    profiles: Iterable[CookProfile] = PROFILES,
    seeds: Sequence[int] = tuple(range(1, 9)),
    readings: Sequence[tuple[Unit, float]] | None = DEVICE_READINGS,
) -> EstimatorScores:
    """Score both estimators on every profile x seed x (unit, resolution); deterministic.

    Each (unit, resolution) sees the same cook and the same noise, only rounded
    differently; ``readings=None`` keeps each profile's own. About a second and a half.
    """
    errors: dict[str, list[float]] = {"e50": [], "e80": [], "n50": [], "n80": []}
    cooks = 0
    for index, base in enumerate(profiles):
        for seed in seeds:
            rng = random.Random(seed * 1000 + index)
            varied = vary(base, rng)
            cook_seed = rng.randrange(1 << 30)
            variants = (
                [varied]
                if readings is None
                else [replace(varied, unit=unit, resolution=step) for unit, step in readings]
            )
            for profile in variants:
                for share, estimator_error, naive_error in _score_cook(
                    simulate_cook(profile, cook_seed)
                ):
                    errors[f"e{share}"].append(estimator_error)
                    errors[f"n{share}"].append(naive_error)
                cooks += 1
    return EstimatorScores(
        cooks=cooks,
        estimator_50=median_minutes(errors["e50"]),
        estimator_80=median_minutes(errors["e80"]),
        naive_50=median_minutes(errors["n50"]),
        naive_80=median_minutes(errors["n80"]),
        naive_answered_50=median_minutes([e for e in errors["n50"] if math.isfinite(e)]),
        naive_answered_80=median_minutes([e for e in errors["n80"] if math.isfinite(e)]),
        estimator_unknown=sum(math.isinf(e) for e in errors["e50"] + errors["e80"]),
        naive_unknown=sum(math.isinf(e) for e in errors["n50"] + errors["n80"]),
    )


def median_minutes(errors: list[float]) -> float:
    """Median of errors in seconds, in minutes; infinite when there is nothing to rank."""
    return statistics.median(errors) / 60 if errors else math.inf


def _score_cook(cook: SimulatedCook) -> list[tuple[int, float, float]]:
    """(share, estimator error s, naive error s) at each checkpoint of one cook."""
    p = cook.profile
    arrival = cook.crossing_time(p.target)
    if arrival is None:
        raise ValueError(f"{p.name} never reaches its target, it cannot be scored")
    # the first reading at or past 50 % and 80 % of the way (noise-free curve)
    checks = [
        (
            share,
            next(
                i
                for i, v in enumerate(cook.true)
                if v >= p.start + (p.target - p.start) * share / 100
            ),
        )
        for share in (50, 80)
    ]
    estimator = EtaEstimator()
    scores: list[tuple[int, float, float]] = []
    fed: tuple[float, float] | None = None
    for i in range(checks[-1][1] + 1):
        t, reading = cook.times[i], cook.readings[i]
        # fed as the integration feeds it: a changed reading, or the same one again
        # after REFRESH_SECONDS
        if fed is None or reading != fed[1] or t - fed[0] >= REFRESH_SECONDS:
            estimator.add(t, reading)
            fed = (t, reading)
        estimate = estimator.estimate(p.target, t)  # every reading: the filter needs them
        for share, index in checks:
            if index == i:
                previous = (cook.times[i - 1], cook.readings[i - 1])
                naive = naive_estimate(previous, (t, reading), p.target, t)
                truth = arrival - t
                scores.append((share, _error(estimate, truth), _error(naive, truth)))
    return scores


def _error(estimate: float | None, truth: float) -> float:
    return math.inf if estimate is None else abs(estimate - truth)
