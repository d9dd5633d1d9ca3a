"""A record as a de1app JSON v2 shot (profiles fact sheet §3.2, §3.3, §4.2), for Visualizer.

What Visualizer reads (§3.4) is filled as de1app fills it: the series of the
samples taken while water flowed, ``elapsed`` from the first of them, every
number as a string (de1app's form, which every reader accepts), goals of 0
written as -1 (hidden), ``water_dispensed`` in tenths of a mL, ``temperature.goal``
the basket goal and ``mix_goal`` the mix goal, ``state_change`` flipping
between ±10000000 at each frame change, and the metadata under de1app's
names in ``app.data.settings`` (Visualizer ignores ``meta``; it is written
for other readers). Temperatures are always °C with ``enable_fahrenheit`` "0".
Weights are the scale's reading just before each sample (0 without a scale);
the weight flow is the scale's own when it reports one, else the weight
difference over the last second.
"""

from __future__ import annotations

import json
import time
from bisect import bisect_left, bisect_right
from typing import Any, Final

from ...devices.de1.states import Substate
from ..profiles import BeverageType, profile_to_json
from .model import MachinePoint, RecordStatus, ScalePoint, ShotKind, ShotRecord
from .summary import flow_samples, summarize

APP_NAME: Final = "Kitchen BLE"
STATE_CHANGE: Final = 10_000_000
WEIGHT_FLOW_WINDOW: Final = 1.0  # s
MIN_UPLOAD_SECONDS: Final = 6.0  # de1app's auto_upload_min_seconds (§4.4)
NOT_UPLOADED: Final = frozenset({BeverageType.CLEANING, BeverageType.CALIBRATE})
_KIND_TITLES: Final = {
    ShotKind.ESPRESSO: "Espresso",
    ShotKind.HOT_WATER: "Hot water",
    ShotKind.STEAM: "Steam",
    ShotKind.FLUSH: "Flush",
}


def should_upload(
    record: ShotRecord, min_seconds: float = MIN_UPLOAD_SECONDS, *, skip_special: bool = True
) -> bool:
    """A complete espresso of at least ``min_seconds`` of flow, not a cleaning or calibration.

    ``skip_special=False`` lets cleaning and calibration profiles through as well.
    """
    return (
        record.status is RecordStatus.COMPLETE
        and can_upload(record)
        and not (skip_special and is_special(record))
        and summarize(record).duration >= min_seconds
    )


def can_upload(record: ShotRecord) -> bool:
    """An espresso (complete or cut short) with the series Visualizer needs (§3.4)."""
    return record.kind is ShotKind.ESPRESSO and len(flow_samples(record)) > 5  # as de1app


def is_special(record: ShotRecord) -> bool:
    """Ran a cleaning or calibration profile (de1app's plugin uploads neither, §4.4)."""
    profile = record.profile.profile if record.profile is not None else None
    return profile is not None and profile.beverage_type in NOT_UPLOADED


def _s(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def _goal(value: float) -> str:
    return _s(value, 2) if value > 0 else "-1"


def _scale_at(weights: tuple[ScalePoint, ...], times: list[float], t: float) -> int | None:
    index = bisect_right(times, t)
    return index - 1 if index else None


def _weight_flow(weights: tuple[ScalePoint, ...], times: list[float], index: int) -> float:
    point = weights[index]
    if point.flow is not None:
        return max(0.0, point.flow)
    first = bisect_left(times, point.t - WEIGHT_FLOW_WINDOW)
    earlier = weights[min(first, index)]
    span = point.t - earlier.t
    return max(0.0, (point.weight - earlier.weight) / span) if span > 0 else 0.0


def _state_changes(points: list[MachinePoint]) -> list[str]:
    values, value, frame = [], 0, None
    for point in points:
        if frame is not None and point.frame != frame:
            value = STATE_CHANGE if value <= 0 else -STATE_CHANGE
        frame = point.frame
        values.append(str(value))
    return values


def _tcl_date(epoch: float) -> str:
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(epoch))


def _text(value: object, digits: int = 1) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(round(value, digits), "g")
    return str(value)


def _timers(record: ShotRecord, flow_start: float) -> dict[str, str]:
    def ms(offset: float) -> str:
        return str(round((record.started_at + offset) * 1000))

    timers = {"espresso_start": ms(flow_start)}
    stretches = record.flow_intervals()
    pre = [s for s in stretches if s[2] == Substate.PRE_INFUSE]
    pour = [s for s in stretches if s[2] == Substate.POUR]
    if pre:
        timers["espresso_preinfusion_start"] = ms(pre[0][0])
        timers["espresso_preinfusion_stop"] = ms(pre[-1][1])
    if pour:
        timers["espresso_pour_start"] = ms(pour[0][0])
        timers["espresso_pour_stop"] = ms(pour[-1][1])
    if record.ended_at is not None:
        timers["espresso_stop"] = ms(record.end)
    return timers


def settings_of(record: ShotRecord) -> dict[str, str]:
    """``app.data.settings``: the metadata under de1app's names (§3.4, §4.2)."""
    notes = record.annotations
    summary = summarize(record)
    title = summary.profile or _KIND_TITLES[record.kind]
    profile = record.profile.profile if record.profile is not None else None
    return {
        "profile_title": title,
        "beverage_type": (profile.beverage_type.value if profile else BeverageType.ESPRESSO.value),
        "bean_brand": _text(notes.roaster),
        "bean_type": _text(notes.bean),
        "roast_date": "" if notes.roast_date is None else notes.roast_date.isoformat(),
        "roast_level": "",
        "grinder_model": _text(notes.grinder),
        "grinder_setting": _text(notes.grinder_setting),
        "grinder_dose_weight": _text(summary.dose),
        "drink_weight": _text(summary.yield_weight),
        "drink_tds": _text(notes.tds, 2),
        "drink_ey": _text(notes.extraction_yield, 2),
        "espresso_enjoyment": _text(notes.enjoyment, 0),
        "espresso_notes": _text(notes.notes),
        "bean_notes": "",
        "my_name": "",
        "enable_fahrenheit": "0",
    }


def shot_to_visualizer(
    record: ShotRecord, *, app_version: str = "0", app_name: str = APP_NAME
) -> dict[str, Any]:
    """The de1app JSON v2 shot of ``record`` as a dict (keys in de1app's order)."""
    points = flow_samples(record)
    flow_start = points[0].t if points else 0.0
    weights = record.weights
    weight_times = [w.t for w in weights]
    scale_indices = [_scale_at(weights, weight_times, p.t) for p in points]
    totals_weight = [_s(weights[i].weight, 1) if i is not None else "0" for i in scale_indices]
    by_weight = [
        _s(_weight_flow(weights, weight_times, i), 2) for i in scale_indices if i is not None
    ]
    settings = settings_of(record)
    clock = str(int(record.started_at + flow_start))
    profile = record.profile.profile if record.profile is not None else None
    notes = record.annotations
    return {
        "version": "2",
        "clock": clock,
        "timestamp": clock,
        "date": _tcl_date(record.started_at + flow_start),
        "elapsed": [_s(p.t - flow_start, 3) for p in points],
        "timers": _timers(record, flow_start),
        "pressure": {
            "pressure": [_s(p.pressure, 2) for p in points],
            "goal": [_goal(p.set_pressure) for p in points],
        },
        "flow": {
            "flow": [_s(p.flow, 2) for p in points],
            "by_weight": by_weight,
            "by_weight_raw": [],
            "goal": [_goal(p.set_flow) for p in points],
        },
        "temperature": {
            "basket": [_s(p.head_temp, 2) for p in points],
            "mix": [_s(p.mix_temp, 2) for p in points],
            "goal": [_s(p.set_head_temp, 2) for p in points],
            "mix_goal": [_s(p.set_mix_temp, 2) for p in points],
        },
        "scale": {},
        "totals": {
            "weight": totals_weight,
            "water_dispensed": [_s(p.volume / 10, 2) for p in points],
        },
        "resistance": {
            "resistance": [_s(p.pressure / p.flow**2 if p.flow > 0 else 0.0, 2) for p in points],
            "by_weight": [],
        },
        "state_change": _state_changes(points),
        "profile": profile_to_json(profile) if profile else {"title": settings["profile_title"]},
        "meta": {
            "bean": {
                "brand": settings["bean_brand"],
                "type": settings["bean_type"],
                "notes": "",
                "roast_level": "",
                "roast_date": settings["roast_date"],
            },
            "shot": {
                "enjoyment": settings["espresso_enjoyment"],
                "notes": settings["espresso_notes"],
                "tds": _text(notes.tds, 2),
                "ey": _text(notes.extraction_yield, 2),
            },
            "grinder": {"model": settings["grinder_model"], "setting": settings["grinder_setting"]},
            "in": settings["grinder_dose_weight"],
            "out": settings["drink_weight"],
            "time": _s(points[-1].t - flow_start, 1) if points else "0.0",
        },
        "app": {
            "app_name": app_name,
            "app_version": app_version,
            "data": {"settings": settings},
        },
    }


def export_visualizer_json(
    record: ShotRecord, *, app_version: str = "0", app_name: str = APP_NAME
) -> str:
    """The shot as JSON text, starting with ``{`` (Visualizer allows no leading whitespace)."""
    data = shot_to_visualizer(record, app_version=app_version, app_name=app_name)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
