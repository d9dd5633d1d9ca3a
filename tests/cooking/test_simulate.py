"""Emulated cooks and the estimator benchmark."""

from __future__ import annotations

import math
import sys
import time

import pytest

from custom_components.kitchen_ble.cooking.simulate import (
    PROFILES,
    CookProfile,
    EstimatorScores,
    SimulatedCook,
    evaluate_estimators,
    median_minutes,
    simulate_cook,
)

STEAK = CookProfile("steak", 5, 54, 120, 120, 0, 0, 1800, noise=0.0, interval=10)


def profile(name: str) -> CookProfile:
    return next(p for p in PROFILES if p.name == name)


def test_same_seed_same_cook_other_seed_other_noise() -> None:
    brisket = profile("brisket")
    first, again, other = (simulate_cook(brisket, seed) for seed in (5, 5, 6))
    assert first == again
    assert first.true == other.true
    assert first.readings != other.readings


def test_preheated_single_lag_cook_follows_newtons_law() -> None:
    cook = simulate_cook(STEAK, 1)
    for t, value in zip(cook.times, cook.true, strict=True):
        assert value == pytest.approx(120 - 115 * math.exp(-t / 1800), abs=0.05)
    assert cook.true == cook.readings or all(
        abs(r - v) <= 0.05 for r, v in zip(cook.readings, cook.true, strict=True)
    )
    assert cook.true[-1] >= 56.0  # runs until 2 °C past the target
    assert cook.true[-2] < 56.0


def test_readings_are_noisy_and_rounded_to_a_tenth() -> None:
    cook = simulate_cook(profile("fish_fillet"), 3)
    residuals = [r - v for r, v in zip(cook.readings, cook.true, strict=True)]
    spread = math.sqrt(sum(x * x for x in residuals) / len(residuals))
    assert 0.2 < spread < 0.4  # sigma 0.3
    assert all(round(r, 1) == r for r in cook.readings)


def test_lagged_cook_starts_slowly() -> None:
    cook = simulate_cook(profile("roast_beef"), 1)
    # the core lags the surface: the first minute barely moves, later it rises fast
    assert cook.true[12] - cook.true[0] < 0.5
    assert cook.true[132] - cook.true[120] > 1.0


def test_large_cut_stalls_for_hours() -> None:
    cook = simulate_cook(profile("brisket"), 1)
    stall_at = 68.0
    interval = cook.profile.interval
    in_stall = sum(interval for v in cook.true if stall_at - 2 <= v <= stall_at + 1)
    assert in_stall > 2.5 * 3600  # 3 h of moisture budget
    rising = sum(interval for v in cook.true if 40 <= v <= 43)
    assert rising < 0.5 * 3600


def test_crossing_time_interpolates() -> None:
    cook = SimulatedCook(STEAK, (0.0, 10.0, 20.0), (10.0, 20.0, 30.0), (10.0, 20.0, 30.0))
    assert cook.crossing_time(25.0) == 15.0
    assert cook.crossing_time(5.0) == 0.0
    assert cook.crossing_time(31.0) is None


def traced() -> bool:
    """Coverage or a debugger slows everything down several times: no timing then."""
    monitoring = sys.monitoring.get_tool(sys.monitoring.COVERAGE_ID)
    return sys.gettrace() is not None or monitoring is not None


def test_estimator_beats_the_naive_baseline_at_50_and_80_percent() -> None:
    started = time.perf_counter()
    scores = evaluate_estimators()
    if not traced():
        assert time.perf_counter() - started < 2.0
    assert scores.cooks == len(PROFILES) * 4
    assert scores.estimator_50 < scores.naive_50
    assert scores.estimator_80 < scores.naive_80
    # also where the baseline did answer: it loses on accuracy, not only on silence
    assert scores.estimator_50 < scores.naive_answered_50
    assert scores.estimator_80 < scores.naive_answered_80
    assert scores.estimator_50 < 5.0  # minutes
    assert scores.estimator_80 < 2.0
    assert scores.estimator_unknown < scores.naive_unknown


def test_scores_are_deterministic_and_print_readably() -> None:
    scores = evaluate_estimators(PROFILES[:2], seeds=(1,))
    assert scores == evaluate_estimators(PROFILES[:2], seeds=(1,))
    text = str(scores)
    assert "over 2 emulated cooks" in text
    assert "at 50 %" in text
    assert "at 80 %" in text


def test_median_minutes() -> None:
    assert median_minutes([60.0, 600.0, math.inf]) == 10.0
    assert median_minutes([]) == math.inf  # the baseline never answered
    scores = EstimatorScores(1, 1.0, 1.0, math.inf, math.inf, math.inf, math.inf, 0, 2)
    assert "naive inf" in str(scores)


def test_a_cook_that_never_gets_there_cannot_be_scored() -> None:
    cold = CookProfile("cold_oven", 20, 80, 30, 30, 0, 0, 1800, noise=0.0, interval=60)
    with pytest.raises(ValueError, match="never reaches"):
        evaluate_estimators([cold], seeds=(1,))
