"""de1app's legacy profile keys (a ``.tcl`` file, or Visualizer's flat dump) → ``Profile``.

Advanced profiles (``settings_2c``) are read step by step from ``advanced_shot``
(profiles fact sheet §1.3); simple ones are expanded as de1app does (§1.4, in
``simple.py``) and their stored ``advanced_shot`` is ignored. Field names in
errors are the Tcl keys. The result is an advanced profile (``settings_2c``),
the only kind JSON can carry faithfully (§1.5).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from . import limits, simple
from .errors import ProfileError, TclParseError
from .fields import Fields, show
from .json_v2 import limiter_range_for, step_from_fields
from .model import (
    BeverageType,
    ExitCondition,
    ExitType,
    Limiter,
    Profile,
    Pump,
    Step,
    StepExit,
)
from .tcl import split_dict, split_list

PRESSURE_TYPE: Final = "settings_2a"
FLOW_TYPE: Final = "settings_2b"
ADVANCED_TYPE: Final = "settings_2c"
# de1app's fix_profile_type; anything else is run by the pressure builder.
_TYPE_ALIASES: Final = {
    "settings_2": PRESSURE_TYPE,
    "settings_profile_pressure": PRESSURE_TYPE,
    "settings_profile_flow": FLOW_TYPE,
    "settings_profile_advanced": ADVANCED_TYPE,
    "settings_2c2": ADVANCED_TYPE,
}
_EXIT_TYPES: Final = {
    "pressure_over": (ExitType.PRESSURE, ExitCondition.OVER),
    "pressure_under": (ExitType.PRESSURE, ExitCondition.UNDER),
    "flow_over": (ExitType.FLOW, ExitCondition.OVER),
    "flow_under": (ExitType.FLOW, ExitCondition.UNDER),
}


def read_tcl_profile(text: str) -> Profile:
    """A profile from the text of a de1app ``.tcl`` profile file."""
    return profile_from_legacy(split_dict(text))


def profile_type(fields: Fields) -> str:
    """``settings_profile_type`` as de1app normalises it; missing means settings_2a."""
    raw = fields.text("settings_profile_type", PRESSURE_TYPE).strip()
    return _TYPE_ALIASES.get(raw, raw)


def profile_from_legacy(keys: Mapping[str, object]) -> Profile:
    """A profile from legacy keys: Tcl words, or the JSON values of Visualizer's dump."""
    fields = Fields(_as_words(keys), None)
    title = fields.text("profile_title")  # first: text without it is no profile at all
    kind = profile_type(fields)
    if kind == ADVANCED_TYPE:
        steps = _advanced_steps(fields)
        count_start = fields.integer(
            "final_desired_shot_volume_advanced_count_start", limits.COUNT_START, 0
        )
        target_weight = _target(
            fields, "final_desired_shot_weight_advanced", "final_desired_shot_weight"
        )
        target_volume = _target(fields, "final_desired_shot_volume_advanced")
    else:
        expansion = (simple.flow_steps if kind == FLOW_TYPE else simple.pressure_steps)(fields)
        steps, count_start = expansion.steps, expansion.count_start
        target_weight = _target(fields, "final_desired_shot_weight")
        # de1app presets a missing volume target from the weight target.
        target_volume = _target(fields, "final_desired_shot_volume", "final_desired_shot_weight")
    return Profile(
        title=title,
        steps=steps,
        author=fields.text("author", ""),
        notes=fields.text("profile_notes", ""),
        beverage_type=fields.choice("beverage_type", BeverageType, BeverageType.ESPRESSO),
        target_weight=target_weight,
        target_volume=target_volume,
        target_volume_count_start=count_start,
        tank_temperature=fields.number(
            "tank_desired_water_temperature", limits.TANK_TEMPERATURE, 0.0
        ),
        lang=fields.text("profile_language", "en"),
        hidden=fields.flag("profile_hide", False),
    )


def _as_words(keys: Mapping[str, object]) -> dict[str, str]:
    """Every value as the Tcl word it stands for; Visualizer's dump may use JSON numbers."""
    words: dict[str, str] = {}
    for key, value in keys.items():
        if value is None:
            continue
        if isinstance(value, str):
            words[key] = value
        elif isinstance(value, bool):
            words[key] = "1" if value else "0"
        elif isinstance(value, int | float):
            words[key] = show(value)
        else:
            raise ProfileError(
                "profile_field_invalid",
                {"field": key, "value": show(value), "reason": "it must be a Tcl word"},
            )
    return words


def _target(fields: Fields, key: str, fallback: str | None = None) -> float:
    allowed = limits.TARGET_WEIGHT if "weight" in key else limits.TARGET_VOLUME
    if not fields.has(key) and fallback is not None:
        return _target(fields, fallback)
    return fields.number(key, allowed, 0.0, zero_is_off=True)


def _advanced_steps(fields: Fields) -> tuple[Step, ...]:
    text = fields.text("advanced_shot")
    try:
        words = split_list(text)
    except TclParseError as err:
        raise fields.invalid("advanced_shot", text, err.placeholders["reason"]) from None
    if not limits.STEP_COUNT.contains(len(words)):
        raise ProfileError(
            "step_count_out_of_range",
            {
                "field": "advanced_shot",
                "value": len(words),
                "allowed": limits.STEP_COUNT.describe(),
            },
        )
    return tuple(_advanced_step(number, word) for number, word in enumerate(words, start=1))


def _advanced_step(number: int, word: str) -> Step:
    try:
        keys = split_dict(word)
    except TclParseError as err:
        raise ProfileError(
            "step_field_invalid",
            {
                "step": number,
                "field": "advanced_shot",
                "value": show(word),
                "reason": err.placeholders["reason"],
            },
        ) from None
    return step_from_fields(Fields(keys, number), _exit, _limiter)


def _exit(fields: Fields) -> StepExit | None:
    if not fields.flag("exit_if", False):
        return None  # a stale exit_type and all four thresholds are dead values then
    name = fields.text("exit_type").strip()
    if name not in _EXIT_TYPES:
        raise fields.invalid("exit_type", name, f"it must be one of {', '.join(_EXIT_TYPES)}")
    exit_type, condition = _EXIT_TYPES[name]
    allowed = limits.PRESSURE if exit_type is ExitType.PRESSURE else limits.FLOW
    return StepExit(exit_type, condition, fields.number(f"exit_{name}", allowed))


def _limiter(fields: Fields, pump: Pump) -> Limiter | None:
    value = fields.number("max_flow_or_pressure", limiter_range_for(pump), 0.0, zero_is_off=True)
    if value == 0:
        return None
    return Limiter(value, fields.number("max_flow_or_pressure_range", limits.LIMITER_RANGE))
