"""Emulated cooks and the estimator benchmark."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from custom_components.kitchen_ble.library.cooking.simulate import (
    DEVICE_READINGS,
    PROFILES,
    TENTH_READINGS,
    CookProfile,
    EstimatorScores,
    SimulatedCook,
    Unit,
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


@pytest.mark.parametrize(
    ("unit", "resolution", "reading", "expected"),
    [
        ("°C", 0.1, 54.26, 54.3),
        ("°C", 1.0, 54.26, 54.0),
        ("°C", 1.0, 54.6, 55.0),
        ("°F", 1.0, 54.26, (130 - 32) * 5 / 9),  # 129.67 °F shows as 130 °F
        ("°F", 0.5, 54.26, (129.5 - 32) * 5 / 9),
    ],
)
def test_a_reading_is_rounded_in_the_display_unit_and_converted_back(
    unit: Unit, resolution: float, reading: float, expected: float
) -> None:
    device = replace(STEAK, unit=unit, resolution=resolution)
    assert device.reported(reading) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("resolution", [0.0, -1.0, 0.3, 2.0, math.nan])
def test_a_resolution_is_a_whole_fraction_of_a_degree(resolution: float) -> None:
    with pytest.raises(ValueError, match="1/n of a degree"):
        replace(STEAK, resolution=resolution)


def test_whole_degree_readings_are_the_same_cook_on_the_device_grid() -> None:
    fish = profile("fish_fillet")
    tenth = simulate_cook(fish, 3)
    celsius = simulate_cook(replace(fish, resolution=1.0), 3)
    fahrenheit = simulate_cook(replace(fish, unit="°F", resolution=1.0), 3)
    assert celsius.true == fahrenheit.true == tenth.true
    assert all(r == int(r) for r in celsius.readings)  # whole °C
    degrees_f = [r * 9 / 5 + 32 for r in fahrenheit.readings]
    assert all(f == pytest.approx(round(f), abs=1e-9) for f in degrees_f)  # whole °F
    assert len(set(fahrenheit.readings)) > len(set(celsius.readings))  # 5/9 °C steps
    # the same noise, rounded coarser: within half a step of the 0.1 °C reading
    for coarse, fine in zip(celsius.readings, tenth.readings, strict=True):
        assert abs(coarse - fine) <= 0.55
    for coarse, fine in zip(fahrenheit.readings, tenth.readings, strict=True):
        assert abs(coarse - fine) <= 5 / 18 + 0.05


def test_the_benchmark_rounds_like_the_devices_unless_told_otherwise() -> None:
    two = PROFILES[:2]
    device = evaluate_estimators(two, seeds=(1,))
    assert device.cooks == 2 * len(DEVICE_READINGS)
    tenth = evaluate_estimators(two, seeds=(1,), readings=TENTH_READINGS)
    assert tenth.cooks == 2
    # None keeps each profile's own rounding: 0.1 °C by default
    assert evaluate_estimators(two, seeds=(1,), readings=None) == tenth
    celsius = evaluate_estimators(two, seeds=(1,), readings=[("°C", 1.0)])
    whole = [replace(p, resolution=1.0) for p in two]
    assert evaluate_estimators(whole, seeds=(1,), readings=None) == celsius
    assert celsius != tenth


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


def test_estimator_beats_the_naive_baseline_at_50_and_80_percent() -> None:
    scores = evaluate_estimators()  # its cost is measured in scripts/bench, not here
    assert scores.cooks == len(PROFILES) * 8 * len(DEVICE_READINGS)  # whole °C and whole °F
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
    assert "over 4 emulated cooks" in text  # 2 profiles in whole °C and whole °F
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
