"""The charts the image entities show: a shot's curves, and a cook session's probes.

A shot: pressure and flow (with their goals, dashed) against the left axis and
the weight against the right one, the temperatures in a panel below, frame
changes and sequencer gates as vertical marks; each curve is cut to
``CHART_POINTS`` with the event curves' rule (shape, extremes, marks kept).
A cook: one curve per probe, its target as a dashed line, its alerts as
circles on the curve and device alerts (a disconnect) as vertical marks; it
is drawn from a live ``Session`` or from the summary the archive keeps
(``Session.summary()``), which ``cook_chart_from_summary`` reads strictly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ...cooking.session import Session
from ...cooking.validation import (
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_opt_float,
    as_opt_int,
    as_str,
)
from .curves import frame_changes, keep_points
from .errors import stored_invalid
from .model import ShotKind, ShotRecord
from .summary import summarize
from .svg import Chart, Marker, Panel, PointMark, Series, TimeFormat, render_svg

CHART_POINTS: Final = 300
MAX_PROBES: Final = 32
MAX_CURVE: Final = 5000
PALETTE: Final = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
)
_KIND_TITLES: Final = {
    ShotKind.ESPRESSO: "Espresso",
    ShotKind.HOT_WATER: "Hot water",
    ShotKind.STEAM: "Steam",
    ShotKind.FLUSH: "Flush",
}


def shot_chart(record: ShotRecord) -> Chart:
    frames = frame_changes(record)
    marks = [t for t, _ in frames] + [gate.t for gate in record.gates]

    def series(
        key: str, label: str, color: str, points: list[tuple[float, float]], **options: Any
    ) -> Series:
        return Series(key, label, color, tuple(keep_points(points, CHART_POINTS, marks)), **options)

    samples = record.samples
    top = (
        series("pressure", "Pressure (bar)", "#2ca02c", [(p.t, p.pressure) for p in samples]),
        series("flow", "Flow (mL/s)", "#1f77b4", [(p.t, p.flow) for p in samples]),
        series(
            "pressure-goal",
            "Pressure goal",
            "#2ca02c",
            [(p.t, p.set_pressure) for p in samples],
            dashed=True,
        ),
        series(
            "flow-goal", "Flow goal", "#1f77b4", [(p.t, p.set_flow) for p in samples], dashed=True
        ),
        series(
            "weight",
            "Weight (g)",
            "#8c564b",
            [(w.t, w.weight) for w in record.weights],
            side="right",
        ),
    )
    bottom: tuple[Series, ...] = (
        series(
            "temperature-basket", "Basket (°C)", "#d62728", [(p.t, p.head_temp) for p in samples]
        ),
        series("temperature-mix", "Mix (°C)", "#ff7f0e", [(p.t, p.mix_temp) for p in samples]),
        series(
            "temperature-goal",
            "Basket goal",
            "#d62728",
            [(p.t, p.set_head_temp) for p in samples],
            dashed=True,
        ),
    )
    if record.kind is ShotKind.STEAM:
        bottom += (
            series(
                "temperature-steam", "Steam (°C)", "#9467bd", [(p.t, p.steam_temp) for p in samples]
            ),
        )
    markers = tuple(Marker(t, f"Frame {frame + 1}", "frame") for t, frame in frames[1:])
    markers += tuple(Marker(gate.t, gate.name, "gate") for gate in record.gates)
    summary = summarize(record)
    title = f"{_KIND_TITLES[record.kind]}" + (f": {summary.profile}" if summary.profile else "")
    return Chart(
        title=title,
        panels=(Panel("bar · mL/s", top, right_unit="g"), Panel("°C", bottom)),
        markers=markers,
    )


def render_shot_svg(record: ShotRecord) -> str:
    return render_svg(shot_chart(record))


def _probe_name(device_id: str, probe: int, label: str) -> str:
    return label or f"{device_id} probe {probe}"


def _cook_chart(
    name: str,
    probes: list[tuple[str, int, str, float | None, list[tuple[float, float]]]],
    alerts: list[tuple[str, str, int | None, float | None, float]],
) -> Chart:
    series: list[Series] = []
    keys: dict[tuple[str, int], int] = {}
    times = [t for *_, curve in probes for t, _ in curve]
    span = (min(times), max(times)) if times else (0.0, 1.0)
    for index, (device_id, number, label, target, curve) in enumerate(probes):
        keys[device_id, number] = index
        color = PALETTE[index % len(PALETTE)]
        shown = _probe_name(device_id, number, label)
        series.append(Series(f"probe-{index}", shown, color, tuple(curve)))
        if target is not None:
            series.append(
                Series(
                    f"target-{index}",
                    f"{shown} target",
                    color,
                    ((span[0], target), (span[1], target)),
                    dashed=True,
                )
            )
    marks: list[PointMark] = []
    markers: list[Marker] = []
    for kind, device_id, probe, temperature, t in alerts:
        if probe is not None and temperature is not None and (device_id, probe) in keys:
            label = f"{kind}: {temperature:g} °C"
            marks.append(PointMark(t, temperature, label, f"alert {kind}"))
        else:
            markers.append(Marker(t, f"{kind}: {device_id}", f"alert {kind}"))
    return Chart(
        title=name or "Cook",
        panels=(Panel("°C", tuple(series), marks=tuple(marks)),),
        markers=tuple(markers),
        time_format=TimeFormat.CLOCK,
    )


def cook_chart(session: Session) -> Chart:
    """The chart of a live (or just ended) session; times since its start."""
    start = session.started_at
    probes = [
        (s.device_id, s.probe, s.label, s.target, [(t - start, v) for t, v in s.curve])
        for s in session.probes.values()
    ]
    alerts = [
        (a.type.value, a.device_id, a.probe, a.temperature, a.at - start) for a in session.alerts
    ]
    return _cook_chart(session.name, probes, alerts)


def cook_chart_from_summary(summary: object) -> Chart:
    """The chart of an archived session summary; ``RecordError`` if the summary is damaged."""
    try:
        return _from_summary(as_mapping(summary, "session summary"))
    except (ValueError, RecursionError) as err:
        raise stored_invalid("session summary", str(err) or type(err).__name__) from None


def _from_summary(raw: Mapping[str, Any]) -> Chart:
    probes = []
    entries = as_list(raw.get("probes", []), "probes")
    if len(entries) > MAX_PROBES:
        raise ValueError(f"probes: more than {MAX_PROBES}")
    for item in entries:
        entry = as_mapping(item, "probe")
        curve = []
        points = as_list(entry.get("curve", []), "curve")
        if len(points) > MAX_CURVE:
            raise ValueError(f"curve: more than {MAX_CURVE} points")
        for point in points:
            pair = as_list(point, "curve point")
            if len(pair) != 2:
                raise ValueError("curve point: expected [seconds, temperature]")
            curve.append((as_float(pair[0], "curve time"), as_float(pair[1], "curve value")))
        probes.append(
            (
                as_str(entry.get("device_id"), "device_id"),
                as_int(entry.get("probe"), "probe"),
                as_str(entry.get("label", ""), "label"),
                as_opt_float(entry.get("target"), "target"),
                curve,
            )
        )
    alerts = []
    for item in as_list(raw.get("alerts", []), "alerts")[:MAX_CURVE]:
        entry = as_mapping(item, "alert")
        alerts.append(
            (
                as_str(entry.get("type"), "alert type"),
                as_str(entry.get("device_id"), "alert device"),
                as_opt_int(entry.get("probe"), "alert probe"),
                as_opt_float(entry.get("temperature"), "alert temperature"),
                as_float(entry.get("offset"), "alert offset"),
            )
        )
    return _cook_chart(as_str(raw.get("name", ""), "name"), probes, alerts)


def render_cook_svg(session: Session | Mapping[str, Any]) -> str:
    """A session, or its archived summary, as SVG."""
    chart = (
        cook_chart(session) if isinstance(session, Session) else cook_chart_from_summary(session)
    )
    return render_svg(chart)
