"""Downsampling keeps peaks, plateaus, extremes and the target crossing."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from custom_components.kitchen_ble.library.cooking.downsample import (
    downsample,
    key_indices,
    lttb_indices,
)


def interpolate(points: list[tuple[float, float]], t: float) -> float:
    for (t0, v0), (t1, v1) in itertools.pairwise(points):
        if t0 <= t <= t1:
            return v0 if t1 == t0 else v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    raise AssertionError(t)


def brisket_curve(noise: float = 0.0) -> list[tuple[float, float]]:
    """12 h at 15 s: rise, a 3 h stall at 68 °C, rise to 96 °C, a lid-open dip."""
    rng = random.Random(4)
    points = []
    for i in range(12 * 240):
        t = i * 15.0
        if t < 3 * 3600:
            value = 5 + 63 * t / (3 * 3600)
        elif t < 6 * 3600:
            value = 68.0
        else:
            value = min(68 + 28 * (t - 6 * 3600) / (4 * 3600), 96.0)
        if 8 * 3600 <= t < 8 * 3600 + 120:
            value -= 6.0  # probe briefly out while wrapping
        points.append((t, value + rng.gauss(0.0, noise)))
    return points


def test_short_curves_come_back_unchanged() -> None:
    points = [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]
    assert downsample(points, 5) == points
    assert downsample([], 5) == []


def test_rejects_too_small_a_budget() -> None:
    with pytest.raises(ValueError, match="at least 5"):
        downsample([(float(i), 0.0) for i in range(10)], 4)


def test_result_is_an_ordered_subset_within_budget() -> None:
    points = brisket_curve(noise=0.3)
    for budget in (5, 6, 50, 97, 500):
        kept = downsample(points, budget, target=95.0)
        assert len(kept) <= budget
        assert kept == sorted(kept)
        assert set(kept) <= set(points)
        assert kept[0] == points[0]
        assert kept[-1] == points[-1]


def test_stall_plateau_and_corners_survive() -> None:
    points = brisket_curve()
    kept = downsample(points, 60, target=95.0)
    # the shape: the kept polyline stays within 1.5 °C of every original point
    # (except next to the 2-minute dip, narrower than a bucket: checked elsewhere)
    near_dip = range(8 * 3600 - 900, 8 * 3600 + 1020)
    error = max(abs(interpolate(kept, t) - v) for t, v in points if int(t) not in near_dip)
    assert error < 1.5
    plateau = [v for t, v in kept if 3 * 3600 <= t <= 6 * 3600]
    assert len(plateau) >= 10
    assert all(v == 68.0 for v in plateau)
    # both corners of the plateau are within one bucket (12 min) of their true place
    assert any(abs(t - 3 * 3600) <= 720 and v == pytest.approx(68.0, abs=1.5) for t, v in kept)
    assert any(abs(t - 6 * 3600) <= 720 and v == pytest.approx(68.0, abs=1.5) for t, v in kept)


def test_dip_peak_extremes_and_crossing_are_kept() -> None:
    points = brisket_curve(noise=0.2)
    points[500] = (points[500][0], 130.0)  # a one-reading spike (flare-up on the probe)
    kept = downsample(points, 30, target=95.0)
    assert min(v for _, v in kept) == min(v for _, v in points)
    assert (points[500][0], 130.0) in kept
    assert any(8 * 3600 <= t < 8 * 3600 + 120 for t, _ in kept)  # the wrap dip
    first_at_target = next(p for i, p in enumerate(points) if i > 0 and p[1] >= 95.0)
    assert first_at_target in kept


def test_key_indices() -> None:
    values = [20.0, 10.0, 59.0, 61.0, 58.0, 62.0, 80.0, 40.0]
    points = [(float(i), v) for i, v in enumerate(values)]
    assert key_indices(points, None) == {1, 6}
    assert key_indices(points, 60.0) == {1, 3, 6}
    assert key_indices(points, 90.0) == {1, 6}  # never reached
    assert key_indices(points, 10.0) == {1, 6}  # already above at the start: no crossing


def test_lttb_picks_the_point_furthest_off_the_line() -> None:
    values = [0.0] * 31
    values[13], values[24] = 9.0, -4.0  # a peak in the middle bucket, a dip in the last
    points = [(float(t), v) for t, v in enumerate(values)]
    kept = lttb_indices(points, 5)
    assert len(kept) == 5
    assert kept[0] == 0
    assert kept[-1] == 30
    assert {13, 24} <= set(kept)
    assert lttb_indices(points, 2) == [0, 30]
    assert lttb_indices(points[:4], 10) == [0, 1, 2, 3]


def test_buckets_are_by_time_so_recompaction_does_not_thin_the_past_again() -> None:
    dense = [(float(t), math.sin(t / 50)) for t in range(2000)]
    once = downsample(dense, 400)
    extended = once + [(float(t), math.sin(t / 50)) for t in range(2000, 4000)]
    twice = downsample(extended, 400)
    old = sum(1 for t, _ in twice if t < 2000)
    assert 150 <= old <= 250  # about half the budget for half the time


def test_empty_time_buckets_are_skipped() -> None:
    points = [(float(t), float(t)) for t in range(10)] + [(1000.0 + t, 0.0) for t in range(10)]
    kept = lttb_indices(points, 12)
    assert len(kept) < 12
    assert kept == sorted(set(kept))
