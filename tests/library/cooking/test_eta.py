"""Time-to-target estimator: fit, Newton model, stall handling, smoothing, baseline."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from custom_components.kitchen_ble.library.cooking.eta import (
    EtaEstimator,
    fit_curve,
    naive_estimate,
    newton_time,
)

COOKER, START, K = 120.0, 5.0, 1 / 1800  # a steak in a 120 °C oven, 30 min time constant


def newton(t: float) -> float:
    return COOKER - (COOKER - START) * math.exp(-K * t)


def newton_arrival(target: float) -> float:
    return math.log((COOKER - START) / (COOKER - target)) / K


def feed(estimator: EtaEstimator, times: range, curve: object, noise: float = 0.0) -> None:
    rng = random.Random(1)
    for t in times:
        estimator.add(float(t), curve(t) + rng.gauss(0.0, noise))  # type: ignore[operator]


def test_fit_of_a_rising_parabola_is_the_parabola() -> None:
    points = [(1000.0 + t, 3.0 + 0.01 * t + 0.0001 * t * t) for t in range(0, 600, 30)]
    fit = fit_curve(points)
    t = 570.0
    assert fit.at == 1570.0
    assert fit.temperature == pytest.approx(3.0 + 0.01 * t + 0.0001 * t * t)
    assert fit.rate == pytest.approx(0.01 + 0.0002 * t)
    assert fit.acceleration == pytest.approx(0.0002)
    assert fit.slowdown == 0.0  # speeding up: no Newton slowdown


def test_fit_of_a_slowing_curve_is_a_newton_curve() -> None:
    points = [(t, newton(t)) for t in range(0, 1200, 30)]
    fit = fit_curve(points)
    assert fit.slowdown == pytest.approx(K, rel=0.01)
    assert fit.temperature == pytest.approx(newton(1170), abs=0.01)
    assert fit.rate == pytest.approx(K * (COOKER - newton(1170)), rel=0.005)
    assert fit.acceleration == pytest.approx(-fit.slowdown * fit.rate)


def test_fit_of_a_falling_curve_has_no_slowdown() -> None:
    fit = fit_curve([(t, 80.0 - 0.01 * t - 1e-6 * t * t) for t in range(0, 600, 30)])
    assert fit.rate < 0
    assert fit.slowdown == 0.0


def test_newton_time_matches_the_closed_form() -> None:
    temperature, target = 30.0, 54.0
    rate = K * (COOKER - temperature)
    expected = math.log((COOKER - temperature) / (COOKER - target)) / K
    assert newton_time(target - temperature, rate, K) == pytest.approx(expected)


def test_newton_time_uses_the_line_without_slowdown_and_caps_near_the_asymptote() -> None:
    assert newton_time(10.0, 0.01, 0.0) == pytest.approx(1000.0)
    capped = newton_time(10.0, 0.01, 0.01 / 5)  # asymptote 5 °C short of the target
    assert capped == pytest.approx(-math.log(0.1) / 0.9 * 1000.0)


def test_estimate_on_a_clean_newton_curve_is_close_to_the_truth() -> None:
    estimator = EtaEstimator()
    feed(estimator, range(0, 601, 2), newton)
    remaining = estimator.estimate(54.0, 600.0)
    assert remaining is not None
    assert remaining == pytest.approx(newton_arrival(54.0) - 600.0, rel=0.01)


def test_estimate_on_a_noisy_curve_is_close_and_steady() -> None:
    estimator = EtaEstimator()
    arrival = newton_arrival(54.0)
    arrivals = []
    for t in range(0, int(arrival) - 120, 2):
        estimator.add(float(t), round(newton(t) + random.Random(t).gauss(0.0, 0.3), 1))
        remaining = estimator.estimate(54.0, float(t))
        if remaining is not None:
            arrivals.append(t + remaining)
    assert len(arrivals) > 300
    assert abs(arrivals[-1] - arrival) < 30.0
    steps = [abs(b - a) for a, b in itertools.pairwise(arrivals)]
    assert max(steps) < 5.0  # seconds per 2-second reading: no jumping around


def test_unknown_without_target_or_enough_data_and_zero_once_there() -> None:
    estimator = EtaEstimator()
    feed(estimator, range(0, 120, 2), newton)
    assert estimator.estimate(54.0, 120.0) is None  # not 3 minutes of data yet
    feed(estimator, range(120, 600, 2), newton)
    assert estimator.estimate(None, 600.0) is None
    assert estimator.estimate(newton(500.0), 600.0) == 0.0


def test_stall_makes_the_estimate_unknown_until_the_rise_clearly_resumes() -> None:
    def brisket(t: float) -> float:
        if t < 3600:
            return 40.0 + 25.0 * t / 3600  # 25 °C/h
        if t < 3 * 3600:
            return 65.0 + 0.5 * (t - 3600) / 3600  # stall: 0.5 °C/h
        if t < 4 * 3600:
            return 66.0 + 4.0 * (t - 3 * 3600) / 3600  # 4 °C/h: inside the hysteresis
        return 70.0 + 15.0 * (t - 4 * 3600) / 3600

    estimator = EtaEstimator()
    seen: dict[int, list[float | None]] = {}
    for t in range(0, 5 * 3600 + 1800, 10):
        estimator.add(float(t), brisket(t))
        seen.setdefault(t // 3600, []).append(estimator.estimate(95.0, float(t)))
    assert all(value is not None for value in seen[0][30:])  # rising: an estimate
    assert all(value is None for value in seen[2])  # stalled: unknown, not huge
    assert all(value is None for value in seen[3])  # 4 °C/h is below the resume rate
    assert estimator.stalled is False
    assert all(value is not None for value in seen[5])
    final = seen[5][-1]
    assert final is not None
    assert final == pytest.approx((95.0 - brisket(5 * 3600 + 1790)) / 15.0 * 3600, rel=0.05)


def test_cooling_probe_is_unknown() -> None:
    estimator = EtaEstimator()
    feed(estimator, range(0, 900, 5), lambda t: 80.0 - t / 60)
    assert estimator.stalled
    assert estimator.estimate(90.0, 900.0) is None


def test_smoothing_turns_a_sudden_change_into_a_glide() -> None:
    estimator = EtaEstimator(smoothing=300.0)
    feed(estimator, range(0, 1200, 5), lambda t: 20.0 + t / 60)  # 1 °C/min
    before = estimator.estimate(60.0, 1195.0)
    assert before is not None
    feed(estimator, range(1200, 1260, 5), lambda t: 40.0 + (t - 1200) / 20)  # now 3 °C/min
    after = estimator.estimate(60.0, 1255.0)
    assert after is not None
    # the raw arrival moved by many minutes; one minute later the estimate moved a little
    assert 0 < (before - 60.0) - after < 0.3 * (before - 60.0)


def test_zero_smoothing_follows_the_fit() -> None:
    estimator = EtaEstimator(smoothing=0.0)
    feed(estimator, range(0, 600, 5), lambda t: 20.0 + t / 60)
    fit = estimator.fit
    assert fit is not None
    remaining = estimator.estimate(40.0, 600.0)
    assert remaining == pytest.approx(fit.at + (40.0 - fit.temperature) * 60 - 600.0)


def test_asking_twice_at_the_same_time_gives_the_same_answer() -> None:
    estimator = EtaEstimator()
    feed(estimator, range(0, 600, 5), lambda t: 20.0 + t / 60 + (t % 2) * 0.5)
    estimator.estimate(70.0, 590.0)
    feed(estimator, range(600, 700, 5), lambda t: 30.0 + t / 30)
    first = estimator.estimate(70.0, 700.0)
    assert first is not None
    assert first > 0
    assert estimator.estimate(70.0, 700.0) == first
    assert estimator.estimate(70.0, 650.0) == first + 50.0  # an older "now" does not filter


def test_changing_target_restarts_the_filter() -> None:
    estimator = EtaEstimator()
    feed(estimator, range(0, 600, 5), lambda t: 20.0 + t / 60)
    first = estimator.estimate(40.0, 600.0)
    other = estimator.estimate(50.0, 600.0)
    assert first is not None
    assert other is not None
    assert other - first == pytest.approx(600.0, rel=0.01)  # 10 °C more at 1 °C/min


def test_none_and_out_of_order_readings_are_skipped() -> None:
    clean, noisy = EtaEstimator(), EtaEstimator()
    for t in range(0, 900, 5):
        clean.add(float(t), 20.0 + t / 60)
        noisy.add(float(t), 20.0 + t / 60)
        noisy.add(float(t), 99.0)  # same time again
        noisy.add(float(t) - 1, 99.0)  # older
        noisy.add(float(t) + 1, None)
        noisy.add(float(t) + 2, math.nan)
    assert noisy.fit == clean.fit


def test_reset_forgets_everything() -> None:
    estimator = EtaEstimator()
    feed(estimator, range(0, 900, 5), lambda t: 20.0 + t / 60)
    estimator.reset()
    assert estimator.fit is None
    assert estimator.estimate(60.0, 900.0) is None


def test_old_buckets_leave_the_window() -> None:
    estimator = EtaEstimator(window=600.0)
    feed(estimator, range(0, 3600, 5), lambda t: 20.0 + t / 60 if t < 1800 else 50.0 + t / 120)
    fit = estimator.fit
    assert fit is not None
    assert fit.rate == pytest.approx(1 / 120)  # only the second slope is in the window
    assert fit.acceleration == pytest.approx(0.0, abs=1e-9)


def test_a_gap_longer_than_the_window_means_unknown_until_data_again() -> None:
    estimator = EtaEstimator()
    feed(estimator, range(0, 900, 5), lambda t: 20.0 + t / 60)
    feed(estimator, range(5000, 5060, 5), lambda t: 20.0 + t / 60)
    assert estimator.estimate(200.0, 5060.0) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bucket": 0.0},
        {"bucket": 600.0, "window": 600.0},
        {"stall_rate": 0.0},
        {"stall_rate": 0.01, "resume_rate": 0.001},
        {"smoothing": -1.0},
        {"min_span": -1.0},
    ],
)
def test_rejects_bad_parameters(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"need 0 < bucket|must not be negative"):
        EtaEstimator(**kwargs)


def test_naive_estimate() -> None:
    assert naive_estimate((0.0, 40.0), (10.0, 41.0), 51.0, 10.0) == 100.0
    assert naive_estimate((0.0, 40.0), (10.0, 41.0), 51.0, 30.0) == 80.0
    assert naive_estimate((0.0, 40.0), (10.0, 41.0), 51.0, 500.0) == 0.0
    assert naive_estimate((0.0, 40.0), (10.0, 40.0), 51.0, 10.0) is None  # flat
    assert naive_estimate((0.0, 40.0), (10.0, 39.0), 51.0, 10.0) is None  # falling
    assert naive_estimate((10.0, 40.0), (10.0, 41.0), 51.0, 10.0) is None  # same time
    assert naive_estimate((0.0, 40.0), (10.0, 52.0), 51.0, 10.0) == 0.0


def test_a_probe_held_at_one_reading_never_overflows() -> None:
    """Readings that do not move, at epoch times: rounding noise must not explode the fit."""
    for seed in range(2000):
        rng = random.Random(seed)
        base = rng.choice([20.0, 41.0, 45.5, 61.0, 110.0])
        start = 1.7e9 + rng.random() * 1e6
        points = [(start + i * 30.0 + rng.random(), base) for i in range(rng.randint(5, 40))]
        fit = fit_curve(points)
        assert fit.temperature == pytest.approx(base, abs=1e-6)
        assert abs(fit.rate) < 1e-6


def test_a_reading_counts_for_as_long_as_it_was_shown() -> None:
    """Whole degrees passed on when they change (and every 30 s) still give the true rise.

    Near a degree boundary the noise makes the shown value flicker; each flicker
    is a change passed on at once, while a steady value waits for the 30 s
    refresh. Counted per reading, the flickers would outweigh the steady stretches.
    """
    rng = random.Random(7)
    rise = 1 / 120  # °C/s: half a degree a minute
    by_change = EtaEstimator()
    fed: tuple[float, float] | None = None
    rates = []
    for t in range(3600):
        shown = float(round(20.0 + rise * t + rng.gauss(0.0, 0.3)))
        if fed is None or shown != fed[1] or t - fed[0] >= 30:
            by_change.add(float(t), shown)
            fed = (float(t), shown)
        if t % 300 == 299 and by_change.fit is not None:
            rates.append(by_change.fit.rate)
    assert len(rates) >= 8
    for rate in rates:
        assert rate == pytest.approx(rise, rel=0.15)
