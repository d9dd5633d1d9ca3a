"""Compact curves for the ``shot_completed`` event, and a payload that always fits it.

The recorder drops event data above 32 KiB (design §6), so the event carries
the summary and each curve cut down to a few dozen points: the cooking
curves' Largest-Triangle-Three-Buckets (``cooking.downsample``) picks the
shape, and on top of it each curve keeps its own minimum and maximum and the
points nearest each frame change and sequencer gate, the moments a reader
looks for. ``event_payload`` shrinks the curves until the JSON fits
``EVENT_MAX_BYTES`` and, as a last resort, sends the summary alone.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any, Final

from ...cooking.downsample import Point, lttb_indices
from .model import ShotRecord
from .summary import summarize, temperature_of

# 32 KiB is the recorder's limit; 2 KiB stay free for what the Home Assistant
# layer adds to the event (device id, name, entry).
EVENT_MAX_BYTES: Final = 30 * 1024
# Points per curve, tried in order. The event is a preview (a notification, a card):
# 32 points draw a shot's shape with its extremes and gates, and keep every shot's
# recorder bytes under a fifth of naive writes; the full curve is in the archive.
POINT_STEPS: Final = (32, 24, 12, 6)
MAX_MARKS: Final = 40  # frame changes and gates listed in the event
MIN_POINTS: Final = 4  # both ends, minimum and maximum

SERIES: Final = ("pressure", "flow", "weight", "temperature")
_DIGITS: Final = {"pressure": 2, "flow": 2, "weight": 1, "temperature": 1}


def keep_points(points: Sequence[Point], max_points: int, marks: Sequence[float]) -> list[Point]:
    """At most ``max_points`` (≥ 4) of ``points``, in order: the shape, the extremes, the marks.

    Marks nearest the start come first when not all of them fit.
    """
    if max_points < MIN_POINTS:
        raise ValueError(f"max_points must be at least {MIN_POINTS}")
    if len(points) <= max_points:
        return list(points)
    values = [value for _, value in points]
    forced = {values.index(min(values)), values.index(max(values))}
    times = [t for t, _ in points]
    for mark in sorted(marks):
        if len(forced) >= max_points - 2:
            break
        forced.add(_nearest(times, mark))
    forced -= {0, len(points) - 1}
    chosen = set(lttb_indices(points, max_points - len(forced))) | forced
    return [points[i] for i in sorted(chosen)]


def _nearest(times: list[float], t: float) -> int:
    index = bisect_left(times, t)
    if index == len(times):
        return index - 1
    if index and t - times[index - 1] <= times[index] - t:
        return index - 1
    return index


def frame_changes(record: ShotRecord) -> list[tuple[float, int]]:
    """(t, new frame) wherever the frame number changes, the first frame included."""
    changes: list[tuple[float, int]] = []
    for point in record.samples:
        if not changes or changes[-1][1] != point.frame:
            changes.append((point.t, point.frame))
    return changes


def curve_points(record: ShotRecord) -> dict[str, list[Point]]:
    """Every series at full rate, as (t, value)."""
    return {
        "pressure": [(p.t, p.pressure) for p in record.samples],
        "flow": [(p.t, p.flow) for p in record.samples],
        "weight": [(w.t, w.weight) for w in record.weights],
        "temperature": [(p.t, temperature_of(record.kind, p)) for p in record.samples],
    }


def compact_curves(record: ShotRecord, max_points: int) -> dict[str, Any]:
    """The curves for an event: [[t, value], …] each, times 0.1 s, and the marks."""
    frames = frame_changes(record)[:MAX_MARKS]
    gates = record.gates[:MAX_MARKS]
    marks = [t for t, _ in frames] + [gate.t for gate in gates]
    curves: dict[str, Any] = {}
    for name, points in curve_points(record).items():
        digits = _DIGITS[name]
        curves[name] = [
            [round(t, 1), round(value, digits)]
            for t, value in keep_points(points, max_points, marks)
        ]
    curves["frames"] = [[round(t, 1), frame] for t, frame in frames]
    curves["gates"] = [[gate.name, round(gate.t, 1)] for gate in gates]
    return curves


def payload_size(payload: object) -> int:
    """Bytes of the payload as compact UTF-8 JSON (what the recorder stores)."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return len(text.encode("utf-8"))


def event_payload(record: ShotRecord, *, max_bytes: int = EVENT_MAX_BYTES) -> dict[str, Any]:
    """Summary and compact curves, at most ``max_bytes`` as JSON; curves ``None`` if none fit."""
    summary = summarize(record).to_dict()
    for points in POINT_STEPS:
        payload = {"summary": summary, "curves": compact_curves(record, points)}
        if payload_size(payload) <= max_bytes:
            return payload
    return {"summary": summary, "curves": None}
