"""SVG charts of a shot and of a cook: valid XML, one polyline per series, scaled to the data."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given

from custom_components.kitchen_ble.library.cooking.alerts import Alert, AlertType
from custom_components.kitchen_ble.library.cooking.session import Session
from custom_components.kitchen_ble.library.espresso.records import (
    RecordError,
    ShotKind,
    ShotRecorder,
    cook_chart_from_summary,
    render_cook_svg,
    render_shot_svg,
    render_svg,
)
from custom_components.kitchen_ble.library.espresso.records.errors import message_placeholders
from custom_components.kitchen_ble.library.espresso.records.svg import (
    Chart,
    Marker,
    Panel,
    PointMark,
    Series,
    TimeFormat,
    nice_range,
)
from tests.fuzz import fuzz, json_values, mutated

from .shots import T0, WALL, espresso

SVG = "{http://www.w3.org/2000/svg}"


def _parse(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def _series(root: ET.Element) -> dict[str, ET.Element]:
    return {line.get("id", ""): line for line in root.iter(f"{SVG}polyline")}


def _points(line: ET.Element) -> list[tuple[float, float]]:
    text = line.get("points", "")
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in text.split())]


def _ticks(root: ET.Element, side: str, panel: int = 0) -> dict[float, float]:
    """Tick value → pixel y of one value axis."""
    group = root.find(f".//{SVG}g[@id='panel-{panel}']/{SVG}g[@class='axis {side}']")
    assert group is not None
    return {
        float(text.text or ""): float(text.get("y", "")) - 4
        for text in group.iter(f"{SVG}text")
        if text.get("class") != "unit"
    }


def test_a_shot_chart_has_every_series() -> None:
    root = _parse(render_shot_svg(espresso(28.0)))
    series = _series(root)
    assert sorted(series) == [
        "series-flow",
        "series-flow-goal",
        "series-pressure",
        "series-pressure-goal",
        "series-temperature-basket",
        "series-temperature-goal",
        "series-temperature-mix",
        "series-weight",
    ]
    for key, line in series.items():
        assert line.get("class") == f"series {key.removeprefix('series-')}"
        assert len(_points(line)) > 2
    assert len(_points(series["series-pressure"])) <= 300
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Espresso: Blooming"
    markers = [
        line.get("class")
        for line in root.iter(f"{SVG}line")
        if "marker" in (line.get("class") or "")
    ]
    assert markers.count("marker frame") == 2
    assert markers.count("marker gate") == 4


def test_the_shot_axes_scale_to_the_data() -> None:
    root = _parse(render_shot_svg(espresso(28.0)))
    left = _ticks(root, "left")
    right = _ticks(root, "right")
    assert min(left) == 0
    assert max(left) == 10
    assert min(right) == 0
    assert max(right) == 40
    pressure = _points(_series(root)["series-pressure"])
    top = min(y for _, y in pressure)  # the highest point drawn
    # 9 bar sits 9/10 of the way from the 0 tick to the 10 tick
    assert top == pytest.approx(left[0] + 0.9 * (left[10] - left[0]), abs=0.2)
    weight = _points(_series(root)["series-weight"])
    assert min(y for _, y in weight) == pytest.approx(
        right[0] + 36.2 / 40 * (right[40] - right[0]), abs=0.2
    )
    xs = [x for x, _ in pressure]
    assert xs == sorted(xs)
    assert xs[0] == pytest.approx(56.0)


def test_steam_has_a_steam_curve() -> None:
    record = espresso(10.0)
    root = _parse(render_shot_svg(dataclasses.replace(record, kind=ShotKind.STEAM, profile=None)))
    assert "series-temperature-steam" in _series(root)
    assert root.find(f"{SVG}title").text == "Steam"  # type: ignore[union-attr]


def test_an_empty_and_a_one_point_shot() -> None:
    rec = ShotRecorder(ShotKind.ESPRESSO, at=T0, wall_time=WALL)
    root = _parse(render_shot_svg(rec.snapshot()))
    assert all(line.get("points") == "" for line in _series(root).values())
    assert sorted(_ticks(root, "left")) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]  # no data: 0 to 1
    chart = Chart("One", (Panel("x", (Series("only", "Only", "#000", ((5.0, 3.0),)),)),))
    one = _parse(render_svg(chart))
    assert len(_points(_series(one)["series-only"])) == 1
    dots = [c for c in one.iter(f"{SVG}circle") if c.get("class") == "point only"]
    assert len(dots) == 1


def test_nice_ranges() -> None:
    assert nice_range([]) == (0.0, 1.0, 0.2)
    assert nice_range([3.0, 3.0]) == (2.0, 4.0, 0.5)
    assert nice_range([0.0, 9.0]) == (0.0, 10.0, 2.0)
    assert nice_range([92.0, 93.5]) == (92.0, 93.5, 0.5)
    assert nice_range([0.0, 36.2]) == (0.0, 40.0, 10.0)
    assert nice_range([float("nan"), 1.0, 2.0]) == (1.0, 2.0, 0.2)


def test_text_is_escaped_and_non_finite_points_skipped() -> None:
    chart = Chart(
        'A <b>&"quoted"</b> title',
        (
            Panel(
                "<°C>",
                (Series("a", "x < y & z", "#000", ((0.0, 1.0), (1.0, float("inf")), (2.0, 2.0))),),
                marks=(PointMark(float("nan"), 1.0, "n", "alert"),),
            ),
        ),
        markers=(Marker(float("inf"), "never", "gate"), Marker(1.0, "<m>", "gate")),
        time_format=TimeFormat.CLOCK,
    )
    root = _parse(render_svg(chart))
    assert root.find(f"{SVG}title").text == 'A <b>&"quoted"</b> title'  # type: ignore[union-attr]
    assert len(_points(_series(root)["series-a"])) == 2
    assert len([c for c in root.iter(f"{SVG}circle") if "mark" in (c.get("class") or "")]) == 0
    assert len([m for m in root.iter(f"{SVG}line") if m.get("class") == "marker gate"]) == 1


T_START = 1_780_000_000.0


def _session() -> Session:
    session = Session(id="c1", name="Brisket", started_at=T_START)
    session.add_device("grill", T_START)
    for minute in range(0, 181, 5):
        now = T_START + minute * 60
        session.record_reading("grill", 1, 20.0 + minute * 0.25, now, target=65.0, label="Point")
        session.record_reading("grill", 2, 110.0, now)
    session.record_alert(
        Alert(AlertType.REACHED, "grill", 1, "Point", 65.0, 65.0, T_START + 180 * 60)
    )
    session.record_alert(
        Alert(AlertType.DEVICE_DISCONNECTED, "grill", None, "", None, None, T_START + 60 * 60)
    )
    return session


def test_a_cook_chart_from_a_session_and_from_its_summary() -> None:
    session = _session()
    for source in (session, session.summary()):
        root = _parse(render_cook_svg(source))
        series = _series(root)
        assert sorted(series) == ["series-probe-0", "series-probe-1", "series-target-0"]
        assert series["series-probe-0"].find(f"{SVG}title").text == "Point"  # type: ignore[union-attr]
        assert series["series-probe-1"].find(f"{SVG}title").text == "grill probe 2"  # type: ignore[union-attr]
        target = _points(series["series-target-0"])
        assert len(target) == 2
        assert target[0][1] == target[1][1]
        alerts = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "mark alert reached"]
        assert len(alerts) == 1
        markers = [
            m for m in root.iter(f"{SVG}line") if "device_disconnected" in (m.get("class") or "")
        ]
        assert len(markers) == 1
        times = [t.text for t in root.iter(f"{SVG}text") if t.text and ":" in t.text]
        assert "0:00" in times
        assert "3:00" in times
        left = _ticks(root, "left")
        assert min(left) == 20
        assert max(left) == 120


def test_an_empty_cook() -> None:
    root = _parse(render_cook_svg(Session(id="c", name="", started_at=T_START)))
    assert _series(root) == {}
    assert root.find(f"{SVG}title").text == "Cook"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "summary",
    [
        [],
        {"probes": [{"device_id": "d", "probe": 1, "curve": [[1, 2, 3]]}]},
        {"probes": [{"device_id": "d", "probe": "1"}]},
        {"probes": [{"device_id": "d", "probe": 1}] * 33},
        {"probes": [{"device_id": "d", "probe": 1, "curve": [[0, 1]] * 5001}]},
        {"alerts": [{"type": "reached", "device_id": "d", "offset": "soon"}]},
    ],
)
def test_a_damaged_summary_is_a_record_error(summary: Any) -> None:
    with pytest.raises(RecordError) as err:
        cook_chart_from_summary(summary)
    assert err.value.key == "stored_invalid"


@fuzz(150)
@given(mutated(_session().summary()) | json_values)
def test_fuzz_cook_summaries(summary: object) -> None:
    error: RecordError | None = None
    try:
        chart = cook_chart_from_summary(summary)
    except RecordError as err:
        error = err
    if error is not None:
        assert set(error.placeholders) == message_placeholders(error.key)
    else:
        _parse(render_svg(chart))


def test_no_unescaped_ampersand_anywhere() -> None:
    text = render_shot_svg(espresso(28.0))
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#)", text)


def test_damage_sized_numbers_are_not_drawn_and_long_cooks_get_coarse_ticks() -> None:
    three_days = 3 * 86400.0
    chart = Chart(
        "Long",
        (
            Panel(
                "°C",
                (Series("a", "A", "#000", ((0.0, 20.0), (three_days, 80.0), (1e300, 1e13))),),
            ),
        ),
        time_format=TimeFormat.CLOCK,
    )
    root = _parse(render_svg(chart))
    assert len(_points(_series(root)["series-a"])) == 2
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and ":" in t.text]
    assert labels == ["0:00", "24:00", "48:00", "72:00"]  # whole days, not 27:47
