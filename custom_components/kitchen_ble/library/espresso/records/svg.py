"""A chart as plain SVG text: stacked panels of curves, two value axes each, and marks.

No dependency: the text is built by hand, every value escaped. Each series is
exactly one ``<polyline>`` with ``id="series-<key>"`` and ``class="series
<key>"`` (empty when the series has no point, with a dot besides when it has
one), so a test, a stylesheet or a screen reader finds it. Axes scale to their
data with round tick steps (1, 2 or 5 × 10ⁿ); a panel without data shows 0 to 1.
Vertical markers (frame changes, gates, device alerts) cross every panel;
point marks (probe alerts) sit on their panel's curve.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal
from xml.sax.saxutils import escape, quoteattr

type Point = tuple[float, float]
type Side = Literal["left", "right"]

FONT: Final = "font-family:sans-serif;font-size:11px"
TICKS: Final = 5
LEGEND_ROW: Final = 16.0
DRAWABLE: Final = 1e12  # beyond this a value is no reading but damage: it is not drawn
MAX_TICKS: Final = 50
# s: whole minutes, hours, then days
CLOCK_STEPS: Final = (60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800)


class TimeFormat(StrEnum):
    SECONDS = "seconds"  # "25 s": a shot
    CLOCK = "clock"  # "1:30" (h:mm): a cook


@dataclass(frozen=True, slots=True)
class Series:
    key: str  # a CSS-safe name: the polyline's id and class
    label: str
    color: str
    points: tuple[Point, ...]
    side: Side = "left"
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class PointMark:
    t: float
    value: float
    label: str
    kind: str  # a CSS class
    side: Side = "left"


@dataclass(frozen=True, slots=True)
class Marker:
    t: float
    label: str
    kind: str  # a CSS class: "frame", "gate", an alert type


@dataclass(frozen=True, slots=True)
class Panel:
    left_unit: str
    series: tuple[Series, ...]
    right_unit: str | None = None
    marks: tuple[PointMark, ...] = ()


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    panels: tuple[Panel, ...]
    markers: tuple[Marker, ...] = ()
    time_format: TimeFormat = TimeFormat.SECONDS
    width: int = 800
    height: int = 480


@dataclass(frozen=True, slots=True)
class _Scale:
    low: float
    high: float
    start: float  # pixel of ``low``
    end: float  # pixel of ``high``

    def __call__(self, value: float) -> float:
        span = self.high - self.low
        return self.start + (value - self.low) / span * (self.end - self.start)


def drawable(value: float) -> bool:
    """Finite and within ``DRAWABLE`` (NaN fails both comparisons)."""
    return -DRAWABLE <= value <= DRAWABLE


def nice_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) covering ``values`` with about ``TICKS`` round steps."""
    finite = [v for v in values if drawable(v)]
    if not finite:
        return 0.0, 1.0, 0.2
    low, high = min(finite), max(finite)
    if high - low < 1e-9:
        low, high = low - 1.0, high + 1.0
    raw = (high - low) / TICKS
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1.0, 2.0, 5.0, 10.0) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _ticks(low: float, high: float, step: float) -> list[float]:
    count = min(round((high - low) / step), MAX_TICKS)
    return [low + i * step for i in range(count + 1)]


def _number(value: float) -> str:
    return f"{value:.6g}" if abs(value) >= 1e-9 else "0"


def _time(value: float, form: TimeFormat) -> str:
    if form is TimeFormat.CLOCK:
        minutes = round(value / 60)
        sign = "-" if minutes < 0 else ""
        return f"{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"
    return f"{_number(value)} s"


def _xy(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}"


def render_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document."""
    width, height = chart.width, chart.height
    left, right, bottom = 56.0, 56.0, 28.0
    times = [t for p in chart.panels for s in p.series for t, _ in s.points]
    times += [m.t for m in chart.markers] + [m.t for p in chart.panels for m in p.marks]
    finite_times = [t for t in times if drawable(t)]
    t_low, t_high = (min(finite_times), max(finite_times)) if finite_times else (0.0, 1.0)
    if t_high - t_low < 1e-9:
        t_high = t_low + 1.0
    x = _Scale(t_low, t_high, left, width - right)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart">',
        f"<title>{escape(chart.title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="16" style="{FONT};font-weight:bold">{escape(chart.title)}</text>',
    ]
    legend, legend_bottom = _legend(chart, left, right)
    out += legend
    top = legend_bottom + 22.0
    count = max(1, len(chart.panels))
    gap = 18.0
    panel_height = (height - top - bottom - gap * (count - 1)) / count
    for index, panel in enumerate(chart.panels):
        y0 = top + index * (panel_height + gap)
        last = index == count - 1
        out += _panel(panel, index, x, (y0, y0 + panel_height), chart.time_format, last=last)
    plot_top, plot_bottom = top, height - bottom
    for marker in chart.markers:
        if not drawable(marker.t):
            continue
        px = x(marker.t)
        out.append(
            f'<line class="marker {escape(marker.kind)}" x1="{px:.1f}" x2="{px:.1f}" '
            f'y1="{plot_top:.1f}" y2="{plot_bottom:.1f}" stroke="#999999" '
            f'stroke-dasharray="2,3"><title>{escape(marker.label)}</title></line>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _legend(chart: Chart, left: float, right: float) -> tuple[list[str], float]:
    """The legend, wrapped into rows that fit the width; and the y below it."""
    parts = ['<g class="legend">']
    x, y = left, 30.0
    for panel in chart.panels:
        for series in panel.series:
            width = 28 + 6.5 * len(series.label)
            if x > left and x + width > chart.width - right:
                x, y = left, y + LEGEND_ROW
            dash = ' stroke-dasharray="5,3"' if series.dashed else ""
            parts.append(
                f'<line x1="{x:.1f}" x2="{x + 16:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{series.color}" stroke-width="2"{dash}/>'
                f'<text x="{x + 20:.1f}" y="{y + 4:.1f}" style="{FONT}">'
                f"{escape(series.label)}</text>"
            )
            x += width
    parts.append("</g>")
    return parts, y


def _panel(
    panel: Panel,
    index: int,
    x: _Scale,
    rows: tuple[float, float],
    time_format: TimeFormat,
    *,
    last: bool,
) -> list[str]:
    y_top, y_bottom = rows
    out = [f'<g class="panel" id="panel-{index}">']
    out.append(
        f'<rect x="{x.start:.1f}" y="{y_top:.1f}" width="{x.end - x.start:.1f}" '
        f'height="{y_bottom - y_top:.1f}" fill="none" stroke="#cccccc"/>'
    )
    scales: dict[str, _Scale] = {}
    for side in ("left", "right"):
        unit = panel.left_unit if side == "left" else panel.right_unit
        values = [v for s in panel.series if s.side == side for _, v in s.points]
        values += [m.value for m in panel.marks if m.side == side]
        if unit is None and not values:
            continue
        low, high, step = nice_range(values)
        scale = _Scale(low, high, y_bottom, y_top)
        scales[side] = scale
        out += _value_axis(side, unit or "", scale, step, x)
    if last:
        out += _time_axis(x, y_bottom, time_format)
    for series in panel.series:
        scale = scales.get(series.side) or scales["left"]
        shown = [(t, v) for t, v in series.points if drawable(t) and drawable(v)]
        points = " ".join(_xy(x(t), scale(v)) for t, v in shown)
        dash = ' stroke-dasharray="5,3"' if series.dashed else ""
        key = escape(series.key)
        out.append(
            f'<polyline id="series-{key}" class="series {key}" points="{points}" fill="none" '
            f'stroke="{series.color}" stroke-width="1.5"{dash}>'
            f"<title>{escape(series.label)}</title></polyline>"
        )
        if len(shown) == 1:
            px, py = x(shown[0][0]), scale(shown[0][1])
            out.append(
                f'<circle class="point {key}" cx="{px:.1f}" cy="{py:.1f}" r="2.5" '
                f'fill="{series.color}"/>'
            )
    for mark in panel.marks:
        scale = scales.get(mark.side) or scales["left"]
        if not (drawable(mark.t) and drawable(mark.value)):
            continue
        out.append(
            f'<circle class="mark {escape(mark.kind)}" cx="{x(mark.t):.1f}" '
            f'cy="{scale(mark.value):.1f}" r="4" fill="none" stroke="#d62728" stroke-width="1.5">'
            f"<title>{escape(mark.label)}</title></circle>"
        )
    out.append("</g>")
    return out


def _value_axis(side: str, unit: str, scale: _Scale, step: float, x: _Scale) -> list[str]:
    px = x.start if side == "left" else x.end
    anchor, dx = ("end", -4) if side == "left" else ("start", 4)
    out = [f'<g class="axis {side}">']
    out.append(
        f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{scale.end:.1f}" y2="{scale.start:.1f}" '
        'stroke="#333333"/>'
    )
    for value in _ticks(scale.low, scale.high, step):
        py = scale(value)
        out.append(
            f'<text x="{px + dx:.1f}" y="{py + 4:.1f}" text-anchor="{anchor}" '
            f'style="{FONT}">{_number(value)}</text>'
        )
    inside, inside_anchor = (px + 4, "start") if side == "left" else (px - 4, "end")
    out.append(
        f'<text class="unit" x="{inside:.1f}" y="{scale.end + 12:.1f}" '
        f'text-anchor="{inside_anchor}" style={quoteattr(FONT)}>{escape(unit)}</text>'
    )
    out.append("</g>")
    return out


def _time_axis(x: _Scale, y: float, time_format: TimeFormat) -> list[str]:
    low, high, step = nice_range([x.low, x.high])
    if time_format is TimeFormat.CLOCK:  # whole minutes: 1, 2, 5, 10, 15, 30, 60 … min
        wanted = (x.high - x.low) / TICKS
        step = next((float(m) for m in CLOCK_STEPS if m >= wanted), step)
        low, high = math.floor(x.low / step) * step, math.ceil(x.high / step) * step
    out = ['<g class="axis time">']
    out.append(
        f'<line x1="{x.start:.1f}" x2="{x.end:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#333333"/>'
    )
    for value in _ticks(low, high, step):
        if not x.low - 1e-9 <= value <= x.high + 1e-9:
            continue
        out.append(
            f'<text x="{x(value):.1f}" y="{y + 14:.1f}" text-anchor="middle" '
            f'style="{FONT}">{escape(_time(value, time_format))}</text>'
        )
    out.append("</g>")
    return out
