"""The small parts: weight timing, pour volume, the bump guard, the period of bulked reports."""

from __future__ import annotations

import math

import pytest

from custom_components.kitchen_ble.library.devices.scale_flow import (
    FlowEstimate,
    FlowSource,
    PeriodEstimator,
)
from custom_components.kitchen_ble.library.espresso.shots.bump import BumpGuard
from custom_components.kitchen_ble.library.espresso.shots.learning import Lead
from custom_components.kitchen_ble.library.espresso.shots.volume import VolumeCounter
from custom_components.kitchen_ble.library.espresso.shots.weight import (
    step_skip_time,
    weight_stop_time,
)


def estimate(
    weight: float, flow: float, time: float = 10.0, source: FlowSource = FlowSource.AVERAGE
) -> FlowEstimate:
    return FlowEstimate(time, weight, flow, time - 0.5, source, False)


def test_weight_times() -> None:
    lead = Lead(offset=0.5, seconds=1.0)
    # 36 g target, 30 g at 10 s, 2 g/s: 36 - 30 - 0.5 - 2 = 3.5 g to go = 1.75 s.
    assert weight_stop_time(estimate(30.0, 2.0), 36.0, lead) == pytest.approx(11.75)
    assert weight_stop_time(estimate(36.5, 2.0), 36.0, lead) == 10.0  # there already
    assert weight_stop_time(estimate(30.0, 0.05), 36.0, lead) is None  # not filling
    assert step_skip_time(estimate(8.0, 2.0), 10.0) == pytest.approx(10.9)
    assert step_skip_time(estimate(10.0, 2.0), 10.0) == 10.0
    assert step_skip_time(estimate(8.0, 0.0), 10.0) is None


def test_pour_volume_counts_trapezoids_and_not_gaps() -> None:
    volume = VolumeCounter()
    volume.add(0.0, 2.0)
    volume.add(0.25, 2.0)
    assert volume.total == pytest.approx(0.5)
    assert volume.pour == 0.0
    volume.start_pour()
    volume.add(5.0, 2.0)  # a 4.75 s gap counts as one nominal 0.25 s period
    assert volume.pour == pytest.approx(0.5)
    assert volume.period == 0.25
    volume.add(5.0, math.nan)
    volume.add(4.0, 2.0)  # out of order: nothing counted, the clock stays
    volume.add(5.25, -1.0)  # a negative flow counts as 0
    assert volume.total == pytest.approx(1.0 + 0.25)
    volume.reset()
    assert volume.total == volume.pour == volume.flow == 0.0


def test_a_bump_before_any_good_estimate_keeps_the_estimators_stand_in() -> None:
    guard = BumpGuard()
    bumped = estimate(20.0, 0.0, source=FlowSource.MEDIAN)
    assert guard.filter(bumped, 10.0) is bumped
    assert guard.bumped
    assert guard.seen


def test_a_bump_is_carried_forward_at_the_machines_flow_then_released() -> None:
    guard = BumpGuard()
    guard.filter(estimate(10.0, 2.0, time=10.0), 10.4)
    guard.machine_flow(2.0, 10.5)
    held = guard.filter(estimate(25.0, 8.0, time=10.2), 10.6)  # 8 > 1.5 × 2 + 2 g/s
    assert held.weight == pytest.approx(10.4)
    assert held.flow == 2.0
    assert held.source is FlowSource.MACHINE
    stale = guard.filter(estimate(25.0, 2.0, time=11.0), 11.4)  # machine flow too old
    assert stale.flow == 2.0
    assert stale.weight == pytest.approx(12.0)
    released = estimate(20.0, 2.0, time=13.0)
    assert guard.filter(released, 13.4) is released
    assert not guard.bumped
    guard.reset()
    assert not guard.seen


def test_reports_delivered_together_count_in_the_period() -> None:
    period = PeriodEstimator()
    for interval in (0.0, 0.2, 0.0, 0.2, 0.1, 0.1, 0.6, -1.0):
        period.add(interval)
    assert period.period == pytest.approx(0.1)
    assert period.count == 6
