"""Per-probe session statistics."""

from __future__ import annotations

import itertools
import json

import pytest

from custom_components.kitchen_ble.library.cooking.stats import ProbeStats


def test_min_max_final_and_reached() -> None:
    stats = ProbeStats("grill", 1)
    for now, temp in [(0, 20.0), (10, 15.0), (20, 59.9), (30, 60.0), (40, 58.0), (50, 61.0)]:
        stats.record(temp, now, target=60.0, label="Steak")
    assert (stats.min, stats.max, stats.final) == (15.0, 61.0, 61.0)
    assert stats.reached_at == 30
    assert (stats.label, stats.target) == ("Steak", 60.0)


def test_new_target_is_a_new_goal_and_label_is_kept_when_not_given() -> None:
    stats = ProbeStats("grill", 1)
    stats.record(61.0, 0, target=60.0, label="Steak")
    stats.record(61.0, 10, target=63.0)
    assert (stats.reached_at, stats.label) == (None, "Steak")
    stats.record(63.5, 20, target=63.0)
    assert stats.reached_at == 20
    stats.record(64.0, 30)  # target cleared
    cleared = stats.to_dict()
    assert (cleared["reached_at"], cleared["target"]) == (None, None)


def test_curve_keeps_spacing_and_always_ends_at_the_latest_reading() -> None:
    stats = ProbeStats("grill", 1)
    for now in range(61):
        stats.record(float(now), float(now), curve_interval=15.0)
    times = [t for t, _ in stats.curve]
    assert times[-1] == 60.0
    assert all(b - a >= 15.0 for a, b in itertools.pairwise(times[:-1]))
    assert len(times) == 5


def test_curve_is_compacted_when_it_outgrows_its_limit() -> None:
    stats = ProbeStats("grill", 1)
    for now in range(1000):
        stats.record(
            100.0 if now == 333 else 20.0 + now / 100,
            float(now),
            curve_interval=1.0,
            curve_limit=100,
        )
    assert len(stats.curve) <= 100
    assert (333.0, 100.0) in stats.curve  # the peak survived every compaction
    assert stats.curve[-1] == (999.0, 20.0 + 999 / 100)


def test_summary_is_compact_and_relative_to_the_start() -> None:
    stats = ProbeStats("grill", 2)
    for i in range(200):
        stats.record(20.0 + i * 0.123456, 1000.0 + i * 15, target=40.0, label="Loin")
    summary = stats.summary(1000.0, 20)
    assert summary["curve"][0] == [0, 20.0]
    assert len(summary["curve"]) <= 20
    assert all(isinstance(t, int) for t, _ in summary["curve"])
    assert summary["max"] == round(20.0 + 199 * 0.123456, 1)
    assert summary["reached_at"] == 1000.0 + 163 * 15
    assert [41, 40.1] in summary["curve"] or any(v >= 40.0 for _, v in summary["curve"])
    json.dumps(summary)


def test_summary_of_a_probe_without_readings() -> None:
    summary = ProbeStats("grill", 3).summary(0.0, 10)
    assert (summary["min"], summary["curve"]) == (None, [])


def test_round_trip() -> None:
    stats = ProbeStats("grill", 1)
    for now in range(0, 100, 7):
        stats.record(20.0 + now, float(now), target=60.0, label="Chop")
    restored = ProbeStats.from_dict(json.loads(json.dumps(stats.to_dict())))
    assert restored == stats


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"curve": [[1.0]]}, "curve point: expected"),
        ({"curve": [["a", 1.0]]}, "curve time: expected a number"),
        ({"curve": {}}, "curve: expected a list"),
        ({"probe": None}, "probe: expected an integer"),
        ({"min": "cold"}, "min: expected a number"),
        ({"device_id": 5}, "device_id: expected a string"),
    ],
)
def test_from_dict_rejects_bad_data(patch: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProbeStats.from_dict(ProbeStats("grill", 1).to_dict() | patch)


def test_the_reading_that_reached_the_target_stays_in_the_curve() -> None:
    stats = ProbeStats("grill", 1)
    for now, temp in [(0, 58.0), (15, 59.0), (21, 60.2), (22, 59.8), (23, 60.1), (40, 61.0)]:
        stats.record(temp, float(now), target=60.0, curve_interval=15.0)
    assert stats.reached_at == 21.0
    assert stats.curve == [(0, 58.0), (15, 59.0), (21, 60.2), (40, 61.0)]
