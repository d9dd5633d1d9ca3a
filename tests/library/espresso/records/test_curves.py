"""Compact curves and the event payload: the shape, the extremes, the marks, under 32 KiB."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.espresso.records import (
    ShotKind,
    ShotRecorder,
    compact_curves,
    event_payload,
    payload_size,
)
from custom_components.kitchen_ble.library.espresso.records.curves import (
    frame_changes,
    keep_points,
)
from custom_components.kitchen_ble.library.espresso.records.recorder import (
    MAX_GATES,
    MAX_SAMPLES,
    MAX_WEIGHTS,
)
from tests.fuzz import fuzz

from .shots import T0, WALL, espresso, sample, state

RECORDER_LIMIT = 32 * 1024  # design §6: the recorder drops event data above 32 KiB


def test_keep_points_keeps_extremes_and_marks() -> None:
    points = [(float(i), float((i * 7) % 13)) for i in range(200)]
    points[57] = (57.0, 100.0)
    points[133] = (133.0, -50.0)
    kept = keep_points(points, 20, [10.2, 150.0, 500.0])  # a mark after the last point too
    assert len(kept) <= 20
    assert (57.0, 100.0) in kept
    assert (133.0, -50.0) in kept
    assert points[10] in kept
    assert points[150] in kept
    assert kept[0] == points[0]
    assert kept[-1] == points[-1]
    assert kept == sorted(kept)
    assert keep_points(points[:5], 20, []) == points[:5]
    with pytest.raises(ValueError, match="at least 4"):
        keep_points(points, 3, [])


def test_marks_that_do_not_fit_are_dropped_from_the_latest() -> None:
    points = [(float(i), 0.0) for i in range(100)]
    points[50] = (50.0, 1.0)
    kept = keep_points(points, 6, [5.0, 20.0, 90.0, 99.5])
    assert len(kept) <= 6
    assert points[5] in kept
    assert points[20] in kept
    assert points[90] not in kept


@fuzz(100)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=300),
    st.integers(4, 50),
    st.lists(st.floats(-10, 400), max_size=20),
)
def test_keep_points_never_exceeds_its_budget(
    values: list[float], budget: int, marks: list[float]
) -> None:
    points = [(i * 0.2, v) for i, v in enumerate(values)]
    kept = keep_points(points, budget, marks)
    assert len(kept) <= max(budget, 0) or len(points) <= budget
    assert kept[0] == points[0]
    assert kept[-1] == points[-1]
    assert max(v for _, v in kept) == max(values)
    assert min(v for _, v in kept) == min(values)


def test_frame_changes_list_each_new_frame() -> None:
    record = espresso(28.0)
    assert frame_changes(record) == [(0.0, 0), (pytest.approx(10.0), 1), (pytest.approx(20.0), 2)]


def test_compact_curves_carry_every_series_and_the_marks() -> None:
    curves = compact_curves(espresso(28.0), 40)
    assert set(curves) == {"pressure", "flow", "weight", "temperature", "frames", "gates"}
    assert all(len(curves[name]) <= 40 for name in ("pressure", "flow", "weight", "temperature"))
    assert max(v for _, v in curves["pressure"]) == 9.0
    assert max(v for _, v in curves["weight"]) == 36.2
    assert curves["frames"] == [[0.0, 0], [10.0, 1], [20.0, 2]]
    assert curves["gates"][1] == ["flow_begin", 2.0]
    times = [t for t, _ in curves["pressure"]]
    assert 10.0 in times
    assert 2.0 in times


def test_a_90_second_shot_event_fits_the_recorder() -> None:
    # the brief's case: 90 s of flow at 5 Hz, the scale at 10 Hz
    record = espresso(90.0)
    assert len(record.samples) == 476
    assert len(record.weights) == 952
    payload = event_payload(record)
    size = payload_size(payload)
    assert size < RECORDER_LIMIT
    assert size == len(json.dumps(payload, separators=(",", ":")).encode())
    assert payload["curves"] is not None
    assert 24 < len(payload["curves"]["pressure"]) <= 32  # a preview of 32 points a curve
    assert payload["summary"]["duration"] == 90.0


def test_the_largest_recording_still_fits() -> None:
    rec = ShotRecorder(ShotKind.ESPRESSO, at=T0, wall_time=WALL, record_id="x" * 64)
    rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0)
    for i in range(MAX_SAMPLES):
        rec.add_sample(
            sample(0, pressure=(i * 37) % 11 + 0.123, flow=(i % 7) * 1.1, frame=i % 20, tick=i),
            T0 + i * 0.2,
        )
    for i in range(MAX_WEIGHTS):
        rec.add_weight(WeightSample(T0 + i * 0.1, (i * 13) % 97 + 0.5, True))
    for i in range(MAX_GATES):
        rec.add_gate(f"gate_with_a_long_name_{i:03d}_xxxxxxxxx", T0 + i)
    payload = event_payload(rec.finish(T0 + MAX_SAMPLES * 0.2))
    assert payload_size(payload) <= 30 * 1024
    assert payload["curves"] is not None


def test_summary_alone_when_nothing_else_fits() -> None:
    record = espresso(28.0)
    payload = event_payload(record, max_bytes=700)  # the summary is about 500 bytes
    assert payload["curves"] is None
    assert payload["summary"]["id"] == "shot-1"
