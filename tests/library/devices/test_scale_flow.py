"""Flow estimator (fact sheet §7.2) on synthetic pours, and the §7.1 sensor lags."""

from __future__ import annotations

import random

import pytest

from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.devices.scale_flow import (
    DEFAULT_SENSOR_LAG,
    SENSOR_LAG,
    FlowEstimate,
    FlowEstimator,
    FlowSource,
    PeriodEstimator,
    sensor_lag,
)


def pour(
    *,
    seconds: float = 30.0,
    rate: float = 2.0,
    period: float = 0.1,
    noise: float = 0.03,
    jitter: float = 0.02,
    seed: int = 1,
    bumps: dict[int, float] | None = None,
) -> list[tuple[float, float]]:
    """(arrival, grams) of a steady pour: Gaussian weight noise, uniform arrival jitter."""
    rng = random.Random(seed)
    samples = []
    for index in range(round(seconds / period)):
        weighed = index * period
        grams = rate * weighed + rng.gauss(0.0, noise) + (bumps or {}).get(index, 0.0)
        arrival = 1000.0 + weighed + rng.uniform(-jitter, jitter)
        samples.append((arrival, round(grams, 2)))
    return samples


def run(estimator: FlowEstimator, samples: list[tuple[float, float]]) -> list[FlowEstimate]:
    estimates = [estimator.add(arrival, grams) for arrival, grams in samples]
    return [estimate for estimate in estimates if estimate is not None]


# Sensor lag (§7.1) --------------------------------------------------------------------


def test_sensor_lags_per_family() -> None:
    assert dict(SENSOR_LAG) == {
        "skale": 0.38,
        "acaia": 0.69,
        "felicita": 0.50,
        "decent_scale": 0.38,
        "bookoo": 0.38,
    }
    assert DEFAULT_SENSOR_LAG == 0.38
    assert sensor_lag("acaia") == 0.69
    assert sensor_lag("eureka") == 0.38
    with pytest.raises(TypeError):
        SENSOR_LAG["acaia"] = 0.38  # type: ignore[index]


# Period ---------------------------------------------------------------------------------


def test_period_starts_as_the_running_mean() -> None:
    period = PeriodEstimator()
    assert period.period == 0.1
    for interval in (0.2, 0.2, 0.2):
        period.add(interval)
    assert period.period == pytest.approx(0.2)
    assert period.count == 3


def test_period_ignores_gaps_and_negative_intervals() -> None:
    period = PeriodEstimator()
    for interval in (0.5, 2.0, -0.1):
        period.add(interval)
    assert (period.period, period.count) == (0.1, 0)


def test_period_of_a_skale_that_bulks_its_reports_is_its_report_period() -> None:
    """scales.md §1.4: reports every 0.1 s, delivered together in 150 ms slots.

    Arrivals at 0, 0.15, 0.15, 0.3, 0.45, 0.45, ...: the intervals 0.15, 0, 0.15,
    0.15, 0 average 0.1 s; without the zeros they would average 0.15 s.
    """
    period = PeriodEstimator()
    for _ in range(100):
        for interval in (0.15, 0.0, 0.15):
            period.add(interval)
    assert period.period == pytest.approx(0.1, abs=0.001)


def test_period_moves_slowly_once_established() -> None:
    """A persisted period (count past 1/gain) moves by the gain, 1/10000, per interval."""
    period = PeriodEstimator(0.15, count=20000)
    period.add(0.25)
    assert period.period == pytest.approx(0.15 + 1e-4 * 0.1)


# Steady pours -------------------------------------------------------------------------


def test_steady_pour_gives_its_flow() -> None:
    """2 g/s with noise and jittery arrivals: every estimate within 2 ± 0.2 g/s."""
    estimator = FlowEstimator(lag=0.38)
    estimates = run(estimator, pour())
    assert len(estimates) == 300 - 10
    flows = [estimate.flow for estimate in estimates]
    assert all(1.8 <= flow <= 2.2 for flow in flows)
    assert sum(flows) / len(flows) == pytest.approx(2.0, abs=0.02)
    assert {estimate.source for estimate in estimates} == {FlowSource.AVERAGE}
    assert estimator.period.period == pytest.approx(0.1, abs=0.002)


def test_five_per_second_scale() -> None:
    """An Acaia streaming 5 a second: the period is learnt, not assumed to be 0.1 s."""
    estimates = run(FlowEstimator(), pour(period=0.2, seed=2))
    assert all(1.8 <= estimate.flow <= 2.2 for estimate in estimates[5:])


def test_bulked_arrivals_use_the_estimated_period() -> None:
    """Skale II: reports bulk up in 150 ms slots; the flow still comes out right."""
    samples = [
        (1000.0 + (index // 3) * 0.3 + (index % 3) * 0.005, 0.2 * index) for index in range(200)
    ]
    estimates = run(FlowEstimator(), samples)
    assert all(1.8 <= estimate.flow <= 2.2 for estimate in estimates[20:])


def test_estimate_times_are_lag_corrected() -> None:
    estimator = FlowEstimator(lag=0.5)
    estimate = None
    for index in range(11):
        estimate = estimator.add(10.0 + index * 0.1, 2.0 * index * 0.1)
    assert estimate is not None
    assert estimate.time == pytest.approx(10.5)  # 11.0 - 0.5
    assert estimate.flow_time == pytest.approx(10.0)  # mean 10.5 - 0.5
    assert estimate.weight == pytest.approx(2.0)
    assert estimate.flow == pytest.approx(2.0)
    assert estimate.median_weight is False


def test_no_estimate_before_eleven_samples() -> None:
    estimator = FlowEstimator()
    assert [estimator.add(index * 0.1, index * 0.2) for index in range(10)] == [None] * 10
    assert estimator.add(1.0, 2.0) is not None


def test_add_sample_takes_a_driver_sample() -> None:
    estimator = FlowEstimator()
    results = [estimator.add_sample(WeightSample(i * 0.1, i * 0.2, None)) for i in range(11)]
    assert results[-1] is not None
    assert results[-1].flow == pytest.approx(2.0)


def test_negative_flow_is_clamped() -> None:
    estimates = run(FlowEstimator(), pour(rate=-1.0, noise=0.0, jitter=0.0))
    assert {estimate.flow for estimate in estimates} == {0.0}


# Bumps --------------------------------------------------------------------------------------


@pytest.mark.parametrize("bump", [{100: 25.0}, {100: 25.0, 101: 30.0}, {150: -20.0}])
def test_a_bump_does_not_spike_the_flow(bump: dict[int, float]) -> None:
    estimates = run(FlowEstimator(), pour(bumps=bump))
    assert all(1.8 <= estimate.flow <= 2.2 for estimate in estimates)
    bumped = [estimate for estimate in estimates if estimate.source is FlowSource.MEDIAN]
    assert bumped  # the bump was seen and resisted
    assert all(estimate.median_weight for estimate in bumped)
    # When the knock is the newest sample, the weight is the median of the last 11:
    # the pour 5 samples earlier, not the knock.
    first = min(bump)
    assert bumped[0].weight == pytest.approx(2.0 * (first - 5) * 0.1, abs=0.2)


def test_a_bump_uses_the_machines_fresh_flow() -> None:
    samples = pour(bumps={100: 25.0})
    estimator = FlowEstimator()
    run(estimator, samples[:100])
    estimator.machine_flow(1.9, samples[100][0] - 0.3)
    estimate = estimator.add(*samples[100])
    assert estimate is not None
    assert estimate.source is FlowSource.MACHINE
    assert estimate.flow == pytest.approx(1.9 * 1.1)
    assert estimate.median_weight


def test_a_stale_machine_flow_is_not_used() -> None:
    samples = pour(bumps={100: 25.0})
    estimator = FlowEstimator()
    run(estimator, samples[:100])
    estimator.machine_flow(1.9, samples[100][0] - 0.6)
    estimate = estimator.add(*samples[100])
    assert estimate is not None
    assert estimate.source is FlowSource.MEDIAN


def test_a_bump_before_fifteen_samples_gives_no_flow() -> None:
    estimator = FlowEstimator()
    samples = pour(bumps={10: 25.0})
    estimates = [estimator.add(arrival, grams) for arrival, grams in samples[:11]]
    last = estimates[-1]
    assert last is not None
    assert (last.source, last.flow) == (FlowSource.MEDIAN, 0.0)


def test_forced_medians() -> None:
    estimates = run(FlowEstimator(force_median_flow=True, force_median_weight=True), pour())
    assert {estimate.source for estimate in estimates} == {FlowSource.MEDIAN}
    assert all(estimate.median_weight for estimate in estimates)
    assert all(1.8 <= estimate.flow <= 2.2 for estimate in estimates[4:])


# Resets -------------------------------------------------------------------------------------


def test_a_gap_starts_over() -> None:
    estimator = FlowEstimator()
    samples = pour(seconds=2.0, jitter=0.0)
    run(estimator, samples)
    last_arrival = samples[-1][0]
    assert estimator.add(last_arrival + 0.81, 10.0) is None
    period = estimator.period.period
    assert period == pytest.approx(0.1)  # the gap was not a period


def test_a_gap_under_the_limit_does_not() -> None:
    estimator = FlowEstimator()
    samples = pour(seconds=2.0, jitter=0.0)
    run(estimator, samples)
    assert estimator.add(samples[-1][0] + 0.79, 4.0) is not None


def test_tare_seen_starts_over() -> None:
    estimator = FlowEstimator()
    run(estimator, pour(seconds=2.0, jitter=0.0))
    estimator.tare_requested(1002.0)
    assert estimator.add(1002.0, 4.0) is not None  # not zero yet
    assert estimator.add(1002.1, 0.04) is None  # |w| < 0.05 g within 1 s: history reset


def test_tare_not_seen_within_a_second_is_forgotten() -> None:
    estimator = FlowEstimator()
    samples = pour(seconds=2.0, jitter=0.0)
    run(estimator, samples)
    estimator.tare_requested(samples[-1][0] - 0.5)
    for index in range(1, 7):
        assert estimator.add(samples[-1][0] + index * 0.1, 4.0) is not None
    assert estimator.add(samples[-1][0] + 0.7, 0.0) is not None  # too late to be the tare


def test_reset_keeps_the_period() -> None:
    estimator = FlowEstimator(period=PeriodEstimator(0.2, count=10000))
    estimator.add(0.0, 0.0)
    estimator.reset()
    assert estimator.period.period == 0.2
    assert [estimator.add(i * 0.2, 0.0) for i in range(10)] == [None] * 10


# Helpers ------------------------------------------------------------------------------------


def test_seconds_to_target() -> None:
    estimate = FlowEstimate(10.0, 30.0, 2.0, 9.5, FlowSource.AVERAGE, False)
    assert estimate.seconds_to(36.0) == 3.0
    stopped = FlowEstimate(10.0, 30.0, 0.0, 9.5, FlowSource.AVERAGE, False)
    assert stopped.seconds_to(36.0) is None
