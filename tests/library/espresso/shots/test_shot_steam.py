"""Steam to temperature: a lagging milk probe, and when to stop."""

from __future__ import annotations

import math

import pytest

from custom_components.kitchen_ble.library.espresso.shots import (
    ShotConfigError,
    SteamStopPredictor,
)


def steam(target: float, probe_lag: float, rate: float) -> tuple[float, float]:
    """(milk temperature at the stop, stop time) with a first-order probe read each second."""
    predictor = SteamStopPredictor(target, probe_lag)
    milk, probe, now, dt = 5.0, 5.0, 0.0, 0.01
    stop_at = None
    while stop_at is None and now < 200:
        for _ in range(100):
            now = round(now + dt, 6)
            milk += rate * dt
            probe += (milk - probe) * dt / probe_lag
            if predictor.stop_time() is not None and now >= predictor.stop_time():  # type: ignore[operator]
                stop_at = now
                break
        predictor.add(now, round(probe, 1))  # whole tenths, as probes report
        if stop_at is None and predictor.should_stop(now):
            stop_at = now
    assert stop_at is not None
    return milk + rate * 0.1, stop_at  # it warms on for the DE1's 0.1 s


@pytest.mark.parametrize(
    ("target", "lag", "rate"), [(60.0, 3.0, 1.0), (65.0, 5.0, 1.5), (55.0, 2.0, 0.6)]
)
def test_the_milk_ends_within_half_a_degree_of_its_target(
    target: float, lag: float, rate: float
) -> None:
    final, _ = steam(target, lag, rate)
    assert final == pytest.approx(target, abs=0.5)


def test_a_naive_stop_on_the_probe_reading_overshoots() -> None:
    # The probe trails by rate × lag: 3 °C at 1 °C/s and 3 s. The predictor takes it out.
    final, stop_at = steam(60.0, 3.0, 1.0)
    assert stop_at < 55.0 + 3.0
    assert final < 61.0


def test_readings_out_of_order_or_not_numbers_are_ignored() -> None:
    predictor = SteamStopPredictor(60.0, 3.0)
    predictor.add(1.0, 20.0)
    predictor.add(1.0, 21.0)
    predictor.add(0.5, 21.0)
    predictor.add(2.0, math.nan)
    assert predictor.rate is None
    assert predictor.milk_temperature(2.0) is None
    predictor.add(2.0, 21.0)
    predictor.add(3.0, 22.0)
    assert predictor.rate == pytest.approx(1.0)
    assert predictor.milk_temperature(4.0) == pytest.approx(22.0 + 1.0 * (3.0 + 1.0))


def test_no_stop_without_a_steady_rise_unless_already_there() -> None:
    predictor = SteamStopPredictor(60.0, 3.0)
    for t in range(10):
        predictor.add(float(t), 40.0)
    assert predictor.stop_time() is None
    assert not predictor.should_stop(10.0)
    predictor.add(10.0, 60.0)
    assert predictor.should_stop(10.0)


@pytest.mark.parametrize("bad", [{"target": -1.0}, {"probe_lag": math.nan}, {"window": 0.0}])
def test_nonsense_settings_are_refused(bad: dict[str, float]) -> None:
    settings = {"target": 60.0, "probe_lag": 3.0} | bad
    window = settings.pop("window", 6.0)
    with pytest.raises(ShotConfigError):
        SteamStopPredictor(settings["target"], settings["probe_lag"], window=window)
