"""JSON profile v2 / v2.1: a strict reader and a writer (profiles fact sheet §2).

The reader takes what de1app writes (every number a string, ``""`` for absent)
as well as JSON numbers, ignores keys it does not know and rejects a missing
required key, a wrong type or a value out of range with a ``ProfileError``
naming the step and the key. The writer writes JSON numbers and every key
other apps require (§2.2, §2.5); reading its output gives the same ``Profile``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from . import limits
from .errors import ProfileError
from .fields import Fields, show
from .model import (
    BeverageType,
    ExitCondition,
    ExitType,
    Limiter,
    Profile,
    Pump,
    Sensor,
    Step,
    StepExit,
    Transition,
)

_MAJOR_2 = re.compile(r"2(?:\.[0-9]+)*")


def load_json_object(text: str) -> dict[str, Any]:
    """Parse JSON text that must hold an object; NaN and Infinity are not JSON."""

    def reject_constant(name: str) -> None:
        raise ValueError(f"{name} is not a JSON number")

    try:
        data = json.loads(text, parse_constant=reject_constant)
    except (ValueError, RecursionError) as err:  # JSONDecodeError is a ValueError
        raise ProfileError("invalid_json", {"reason": _first_line(err)}) from None
    if not isinstance(data, dict):
        raise ProfileError("not_a_profile", {"reason": "the JSON is not an object"})
    return data


def _first_line(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text[:120]


def read_json_profile(text: str) -> Profile:
    """A profile from JSON v2 / v2.1 text."""
    return profile_from_json(load_json_object(text))


def profile_from_json(data: Mapping[str, object]) -> Profile:
    """A profile from a parsed JSON v2 / v2.1 object."""
    fields = Fields(data, None)
    version = _version(fields)
    title = fields.text("title")
    raw_steps = fields.raw("steps")
    if not isinstance(raw_steps, list):
        raise fields.invalid("steps", raw_steps, "it must be a list")
    if not limits.STEP_COUNT.contains(len(raw_steps)):
        raise ProfileError(
            "step_count_out_of_range",
            {"field": "steps", "value": len(raw_steps), "allowed": limits.STEP_COUNT.describe()},
        )
    steps = tuple(_step(number, raw) for number, raw in enumerate(raw_steps, start=1))
    return Profile(
        title=title,
        steps=steps,
        author=fields.text("author", ""),
        notes=fields.text("notes", ""),
        beverage_type=fields.choice("beverage_type", BeverageType, BeverageType.ESPRESSO),
        target_weight=fields.number("target_weight", limits.TARGET_WEIGHT, 0.0, zero_is_off=True),
        target_volume=fields.number("target_volume", limits.TARGET_VOLUME, 0.0, zero_is_off=True),
        target_volume_count_start=fields.integer(
            "target_volume_count_start", limits.COUNT_START, 0
        ),
        tank_temperature=fields.number("tank_temperature", limits.TANK_TEMPERATURE, 0.0),
        version=version,
        legacy_profile_type=fields.text("legacy_profile_type", "settings_2c"),
        editor_type=fields.text("type", "advanced"),
        lang=fields.text("lang", "en"),
        hidden=fields.flag("hidden", False),
        reference_file=fields.text("reference_file", ""),
    )


def _version(fields: Fields) -> str:
    raw = fields.raw("version")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise fields.invalid("version", raw, "it must be a version such as 2 or 2.1")
    text = raw.strip() if isinstance(raw, str) else show(raw)
    if not _MAJOR_2.fullmatch(text):
        raise fields.invalid("version", raw, "only version 2 profiles (2, 2.1) can be read")
    return text


def _step(number: int, raw: object) -> Step:
    if not isinstance(raw, dict):
        raise ProfileError(
            "step_field_invalid",
            {"step": number, "field": "definition", "value": show(raw), "reason": "not an object"},
        )
    return step_from_fields(Fields(raw, number), _exit, _limiter)


def step_from_fields(
    fields: Fields,
    exit_of: Callable[[Fields], StepExit | None],
    limiter_of: Callable[[Fields, Pump], Limiter | None],
) -> Step:
    """A step from its fields, its exit and limiter read as the file's format keeps them."""
    pump = fields.choice("pump", Pump)
    return Step(
        name=fields.text("name", ""),
        pump=pump,
        pressure=fields.number("pressure", limits.PRESSURE, None if pump is Pump.PRESSURE else 0.0),
        flow=fields.number("flow", limits.FLOW, None if pump is Pump.FLOW else 0.0),
        transition=fields.choice("transition", Transition),
        temperature=fields.number("temperature", limits.TEMPERATURE),
        sensor=fields.choice("sensor", Sensor),
        seconds=fields.number("seconds", limits.SECONDS),
        volume=fields.number("volume", limits.VOLUME, 0.0),
        weight=fields.number("weight", limits.STEP_WEIGHT, 0.0, zero_is_off=True),
        exit=exit_of(fields),
        limiter=limiter_of(fields, pump),
    )


def _object(fields: Fields, key: str) -> Fields | None:
    if not fields.has(key):
        return None
    raw = fields.source[key]
    if not isinstance(raw, dict):
        raise fields.invalid(key, raw, "it must be an object")
    return fields.nested(key, raw)


def _exit(fields: Fields) -> StepExit | None:
    exit_fields = _object(fields, "exit")
    if exit_fields is None:
        return None
    exit_type = exit_fields.choice("type", ExitType)
    allowed = limits.PRESSURE if exit_type is ExitType.PRESSURE else limits.FLOW
    return StepExit(
        type=exit_type,
        condition=exit_fields.choice("condition", ExitCondition),
        value=exit_fields.number("value", allowed),
    )


def limiter_range_for(pump: Pump) -> limits.FieldRange:
    """What a limiter caps: flow on pressure steps, pressure on flow steps."""
    return limits.FLOW if pump is Pump.PRESSURE else limits.PRESSURE


def _limiter(fields: Fields, pump: Pump) -> Limiter | None:
    limiter_fields = _object(fields, "limiter")
    if limiter_fields is None:
        return None
    value = limiter_fields.number("value", limiter_range_for(pump), 0.0, zero_is_off=True)
    if value == 0:  # de1app writes value "0" for "no limiter"
        return None
    return Limiter(value=value, range=limiter_fields.number("range", limits.LIMITER_RANGE))


def _json_number(value: float) -> int | float:
    """Whole numbers without ``.0``: ``9`` reads better than ``9.0`` and parses the same."""
    return int(value) if value == int(value) else value


def step_to_json(step: Step) -> dict[str, object]:
    """One step as JSON v2.1, keys in de1app's order (§2.1)."""
    data: dict[str, object] = {
        "name": step.name,
        "temperature": _json_number(step.temperature),
        "sensor": step.sensor.value,
        "pump": step.pump.value,
        "transition": step.transition.value,
        "pressure": _json_number(step.pressure),
        "flow": _json_number(step.flow),
        "seconds": _json_number(step.seconds),
        "volume": _json_number(step.volume),
    }
    if step.weight > 0:  # absent rather than 0, so no reader can take 0 g as a target
        data["weight"] = _json_number(step.weight)
    if step.exit is not None:
        data["exit"] = {
            "type": step.exit.type.value,
            "condition": step.exit.condition.value,
            "value": _json_number(step.exit.value),
        }
    if step.limiter is not None:
        data["limiter"] = {
            "value": _json_number(step.limiter.value),
            "range": _json_number(step.limiter.range),
        }
    return data


def profile_to_json(profile: Profile) -> dict[str, object]:
    """The profile as a JSON v2.1 object, keys in Visualizer's order (§2.4)."""
    return {
        "title": profile.title,
        "author": profile.author,
        "notes": profile.notes,
        "beverage_type": profile.beverage_type.value,
        "steps": [step_to_json(step) for step in profile.steps],
        "tank_temperature": _json_number(profile.tank_temperature),
        "target_weight": _json_number(profile.target_weight),
        "target_volume": _json_number(profile.target_volume),
        "target_volume_count_start": profile.target_volume_count_start,
        "legacy_profile_type": profile.legacy_profile_type,
        "type": profile.editor_type,
        "lang": profile.lang,
        "hidden": "1" if profile.hidden else "0",  # de1app's form; no spec gives a type
        "reference_file": profile.reference_file,
        "changes_since_last_espresso": "",
        "version": profile.version,
    }


def export_json(profile: Profile) -> str:
    """The profile as JSON v2.1 text (UTF-8 kept readable, two-space indent)."""
    return json.dumps(profile_to_json(profile), indent=2, ensure_ascii=False) + "\n"
