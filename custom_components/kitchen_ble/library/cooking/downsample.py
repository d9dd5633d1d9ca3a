"""Shrink a temperature curve to at most N points while keeping its shape.

Largest-Triangle-Three-Buckets picks, in each of N-2 equal time buckets, the point
that spans the largest triangle with its neighbours, so peaks, dips and the
corners of a stall plateau survive. On top of that the global minimum, the
global maximum and the first crossing of the target are always kept: the
summary quotes them, so the archived curve must show them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Final

MIN_POINTS: Final = 5  # first, last, min, max, crossing

type Point = tuple[float, float]  # (time s, temperature °C), in time order


def downsample(
    points: Sequence[Point], max_points: int, *, target: float | None = None
) -> list[Point]:
    """At most ``max_points`` of ``points`` (a subset, in order)."""
    if max_points < MIN_POINTS:
        raise ValueError(f"max_points must be at least {MIN_POINTS}")
    if len(points) <= max_points:
        return list(points)
    forced = key_indices(points, target) - {0, len(points) - 1}
    chosen = set(lttb_indices(points, max_points - len(forced))) | forced
    return [points[i] for i in sorted(chosen)]


def key_indices(points: Sequence[Point], target: float | None) -> set[int]:
    """Global minimum, global maximum (first of ties) and the first upward target crossing."""
    values = [value for _, value in points]
    keys = {values.index(min(values)), values.index(max(values))}
    if target is not None:
        for i in range(1, len(values)):
            if values[i] >= target > values[i - 1]:
                keys.add(i)
                break
    return keys


def lttb_indices(points: Sequence[Point], count: int) -> list[int]:
    """Indices chosen by Largest-Triangle-Three-Buckets, always with both ends.

    Buckets are equal spans of time, not of point count: a curve that was
    compacted before is sparser in its older part, and count-based buckets
    would thin that part again at every compaction.
    """
    n = len(points)
    if count >= n:
        return list(range(n))
    if count <= 2:
        return [0, n - 1]
    inner = count - 2
    times = [t for t, _ in points]
    first, span = times[1], times[n - 2] - times[1]
    edges = [bisect_left(times, first + span * k / inner, 1, n - 1) for k in range(inner)]
    edges += [n - 1, n]  # the point after the last bucket is the last point
    chosen = [0]
    for k in range(inner):
        start, end = edges[k], edges[k + 1]
        if start == end:
            continue
        # the average of the next bucket (or the next point) is the triangle's third corner
        following = points[end : edges[k + 2]] or points[end : end + 1]
        avg_t = sum(t for t, _ in following) / len(following)
        avg_v = sum(v for _, v in following) / len(following)
        at, av = points[chosen[-1]]
        best, best_area = start, -1.0
        for i in range(start, end):
            t, v = points[i]
            area = abs((at - avg_t) * (v - av) - (at - t) * (avg_v - av))
            if area > best_area:
                best, best_area = i, area
        chosen.append(best)
    chosen.append(n - 1)
    return chosen
