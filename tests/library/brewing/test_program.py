"""Step and Program: validation with translation keys, reading service data, round trips."""

from __future__ import annotations

import json
import math
import re
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest

from custom_components.kitchen_ble.library.brewing import program as program_module
from custom_components.kitchen_ble.library.brewing.program import (
    DEFAULT_DEVIATION_BAND,
    DEFAULT_DEVIATION_TIME,
    DEFAULT_REACH_TIMEOUT,
    DEFAULT_SENSOR_LOST_AFTER,
    DEFAULT_TOLERANCE,
    ERROR_KEYS,
    MAX_STEPS,
    Program,
    ProgramError,
    Step,
    slugify,
)

T0 = 1_700_000_000.0
HOUR = 3600.0
DAY = 86400.0


def mash_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "mash",
        "name": "Mash",
        "source": "kettle:1",
        "steps": [
            {"target": 65, "hold": 3600, "name": "Saccharification"},
            {"target": 76, "hold": 600, "name": "Mash out"},
        ],
    }
    return data | overrides


def error_of(call: Any) -> ProgramError:
    with pytest.raises(ProgramError) as info:
        call()
    assert info.value.key in ERROR_KEYS
    return info.value


def test_step_defaults_and_frozen() -> None:
    step = Step(65.0, hold=3600.0)
    assert (step.until, step.ramp, step.name) == (None, None, "")
    with pytest.raises(FrozenInstanceError):
        step.target = 70.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"target": 400.1, "hold": 60.0}, "step_target_out_of_range"),
        ({"target": -50.1, "hold": 60.0}, "step_target_out_of_range"),
        ({"target": math.nan, "hold": 60.0}, "step_target_out_of_range"),
        ({"target": 65.0}, "step_needs_hold_or_until"),
        ({"target": 65.0, "ramp": 10.0}, "step_needs_hold_or_until"),
        ({"target": 65.0, "hold": 60.0, "until": T0}, "step_hold_and_until"),
        ({"target": 65.0, "hold": -1.0}, "step_hold_out_of_range"),
        ({"target": 65.0, "hold": 91 * DAY}, "step_hold_out_of_range"),
        ({"target": 65.0, "hold": math.inf}, "step_hold_out_of_range"),
        ({"target": 65.0, "until": 0.0}, "step_until_invalid"),
        ({"target": 65.0, "until": math.inf}, "step_until_invalid"),
        ({"target": 65.0, "until": math.nan}, "step_until_invalid"),
        ({"target": 65.0, "hold": 60.0, "ramp": 0.0}, "step_ramp_not_positive"),
        ({"target": 65.0, "hold": 60.0, "ramp": -1.0}, "step_ramp_not_positive"),
        ({"target": 65.0, "hold": 60.0, "ramp": math.nan}, "step_ramp_not_positive"),
        ({"target": 65.0, "hold": 60.0, "ramp": 1000.1}, "step_ramp_too_fast"),
        ({"target": 65.0, "hold": 60.0, "ramp": math.inf}, "step_ramp_too_fast"),
        ({"target": 65.0, "hold": 60.0, "name": "x" * 65}, "step_name_too_long"),
    ],
)
def test_step_validation(kwargs: dict[str, Any], key: str) -> None:
    assert error_of(lambda: Step(**kwargs)).key == key


def test_step_limits_are_inclusive() -> None:
    assert Step(400.0, hold=0.0).hold == 0.0
    assert Step(-50.0, hold=90 * DAY).target == -50.0
    assert Step(20.0, hold=1.0, ramp=1000.0, name="x" * 64).ramp == 1000.0


def test_error_placeholders_are_text() -> None:
    err = error_of(lambda: Step(450.0, hold=60.0))
    assert err.placeholders == {"target": "450", "min": "-50", "max": "400"}
    assert str(err) == "step_target_out_of_range (target=450, min=-50, max=400)"
    assert err.for_step(2).placeholders["step"] == "3"
    assert str(ProgramError("no_steps")) == "no_steps"
    assert isinstance(err, ValueError)  # corrupt stored data fails like the cooking core's


def test_ramp_setpoint_moves_at_the_rate_either_way() -> None:
    up = Step(21.0, hold=DAY, ramp=1.5)  # °C per hour
    assert up.ramp_duration(18.0) == 2 * HOUR
    assert up.setpoint(18.0, 0.0) == 18.0
    assert up.setpoint(18.0, HOUR) == 19.5
    assert up.setpoint(18.0, 3 * HOUR) == 21.0
    assert up.setpoint(18.0, -5.0) == 18.0
    down = Step(2.0, hold=DAY, ramp=2.0)
    assert down.setpoint(20.0, 4 * HOUR) == 12.0
    assert down.ramp_duration(20.0) == 9 * HOUR
    assert down.ramp_duration(None) == 0.0
    assert down.setpoint(None, HOUR) == 2.0
    jump = Step(65.0, hold=60.0)
    assert jump.ramp_duration(20.0) == 0.0
    assert jump.setpoint(20.0, 0.0) == 65.0


def test_program_defaults() -> None:
    program = Program.from_dict(mash_data())
    assert program.steps == (
        Step(65.0, hold=3600.0, name="Saccharification"),
        Step(76.0, hold=600.0, name="Mash out"),
    )
    assert program.tolerance == DEFAULT_TOLERANCE == 0.5
    assert program.reach_timeout == DEFAULT_REACH_TIMEOUT == 1800.0
    assert program.deviation_band == DEFAULT_DEVIATION_BAND == 2.0
    assert program.deviation_time == DEFAULT_DEVIATION_TIME == 600.0
    assert program.sensor_lost_after == DEFAULT_SENSOR_LOST_AFTER == 300.0


def program(**overrides: Any) -> Program:
    fields: dict[str, Any] = {
        "id": "mash",
        "name": "Mash",
        "source": "kettle:1",
        "steps": (Step(65.0, hold=3600.0),),
    }
    return Program(**(fields | overrides))


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"id": ""}, "program_id_invalid"),
        ({"id": "Mash"}, "program_id_invalid"),
        ({"id": "_mash"}, "program_id_invalid"),
        ({"id": "mash-1"}, "program_id_invalid"),
        ({"id": "m" * 65}, "program_id_invalid"),
        ({"name": "  "}, "program_name_invalid"),
        ({"name": "x" * 65}, "program_name_invalid"),
        ({"source": ""}, "source_invalid"),
        ({"source": "x" * 256}, "source_invalid"),
        ({"steps": ()}, "no_steps"),
        ({"steps": (Step(20.0, hold=1.0),) * 51}, "too_many_steps"),
        (
            {"steps": (Step(18.0, until=T0 + DAY), Step(2.0, until=T0 + DAY))},
            "step_until_not_increasing",
        ),
        ({"tolerance": 0.0}, "tolerance_out_of_range"),
        ({"tolerance": 10.1}, "tolerance_out_of_range"),
        ({"tolerance": math.nan}, "tolerance_out_of_range"),
        ({"reach_timeout": -1.0}, "reach_timeout_out_of_range"),
        ({"reach_timeout": 8 * DAY}, "reach_timeout_out_of_range"),
        ({"deviation_band": 0.5}, "deviation_band_out_of_range"),  # not above the tolerance
        ({"deviation_band": 50.1}, "deviation_band_out_of_range"),
        ({"deviation_time": -1.0}, "deviation_time_out_of_range"),
        ({"deviation_time": DAY + 1}, "deviation_time_out_of_range"),
        ({"sensor_lost_after": 0.0}, "sensor_lost_after_out_of_range"),
        ({"sensor_lost_after": DAY + 1}, "sensor_lost_after_out_of_range"),
    ],
)
def test_program_validation(overrides: dict[str, Any], key: str) -> None:
    assert error_of(lambda: program(**overrides)).key == key


@pytest.mark.parametrize(
    ("overrides", "key", "placeholders"),
    [
        ({"tolerance": 12.5}, "tolerance_out_of_range", {"value": "12.5", "max": "10"}),
        # durations are seconds, but users set them in minutes: the errors speak minutes
        ({"reach_timeout": -60.0}, "reach_timeout_out_of_range", {"value": "-1", "max": "10080"}),
        (
            {"reach_timeout": 8 * DAY},
            "reach_timeout_out_of_range",
            {"value": "11520", "max": "10080"},
        ),
        (
            {"deviation_time": -30.0},
            "deviation_time_out_of_range",
            {"value": "-0.5", "max": "1440"},
        ),
        (
            {"deviation_time": 2000 * 60.0},
            "deviation_time_out_of_range",
            {"value": "2000", "max": "1440"},
        ),
        (
            {"sensor_lost_after": 0.0},
            "sensor_lost_after_out_of_range",
            {"value": "0", "max": "1440"},
        ),
    ],
)
def test_settings_error_placeholders(
    overrides: dict[str, Any], key: str, placeholders: dict[str, str]
) -> None:
    err = error_of(lambda: program(**overrides))
    assert (err.key, err.placeholders) == (key, placeholders)


def test_program_limits() -> None:
    assert len(program(steps=(Step(20.0, hold=1.0),) * MAX_STEPS).steps) == 50
    assert program(id="m" * 64, tolerance=10.0, deviation_band=50.0).id == "m" * 64
    assert program(reach_timeout=0.0, deviation_time=0.0).reach_timeout == 0.0
    steps = (Step(18.0, until=T0 + DAY), Step(21.0, hold=DAY), Step(2.0, until=T0 + 9 * DAY))
    assert program(steps=steps).steps == steps  # until steps in order, hold steps between


def test_until_step_placeholder_names_the_later_step() -> None:
    steps = (Step(18.0, until=T0 + DAY), Step(21.0, hold=DAY), Step(2.0, until=T0))
    err = error_of(lambda: program(steps=steps))
    assert err.placeholders == {"step": "3"}


def test_check_until() -> None:
    ferment = program(steps=(Step(18.0, hold=DAY), Step(2.0, until=T0)))
    ferment.check_until(T0 - 1)
    err = error_of(lambda: ferment.check_until(T0))
    assert (err.key, err.placeholders) == ("until_in_the_past", {"step": "2"})


@pytest.mark.parametrize(
    ("steps", "key", "placeholders"),
    [
        ([{"target": 65}, {"target": 76}], "step_needs_hold_or_until", {"step": "1"}),
        (
            [{"target": 65, "hold": 60}, {"target": 500, "hold": 60}],
            "step_target_out_of_range",
            {"step": "2", "target": "500", "min": "-50", "max": "400"},
        ),
        (
            [{"target": 65, "hold": 60, "until": T0}],
            "step_hold_and_until",
            {"step": "1"},
        ),
        (
            [{"target": 65, "hold": 60, "ramp": 0}],
            "step_ramp_not_positive",
            {"step": "1"},
        ),
        (
            [{"target": 65, "hold": 60}, {"target": "hot", "hold": 60}],
            "step_invalid_value",
            {"field": "target", "step": "2"},
        ),
        ([{"hold": 60}], "step_invalid_value", {"field": "target", "step": "1"}),
        ([{"target": 65, "hold": "1h"}], "step_invalid_value", {"field": "hold", "step": "1"}),
        (
            [{"target": 65, "hold": 1, "name": 3}],
            "step_invalid_value",
            {"field": "name", "step": "1"},
        ),
        (["65 °C"], "step_invalid_value", {"field": "step", "step": "1"}),
        ([], "no_steps", {}),
        ([{"target": 65, "hold": 60}] * 51, "too_many_steps", {"count": "51", "max": "50"}),
    ],
)
def test_from_dict_names_the_bad_step(
    steps: list[Any], key: str, placeholders: dict[str, str]
) -> None:
    err = error_of(lambda: Program.from_dict(mash_data(steps=steps)))
    assert (err.key, err.placeholders) == (key, placeholders)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (None, "program"),
        (mash_data(steps="65"), "steps"),
        ({k: v for k, v in mash_data().items() if k != "steps"}, "steps"),
        (mash_data(id=None), "id"),
        (mash_data(name=5), "name"),
        (mash_data(source=None), "source"),
        (mash_data(tolerance="0.5"), "tolerance"),
        (mash_data(tolerance=True), "tolerance"),
        (mash_data(reach_timeout=None), "reach_timeout"),
        (mash_data(deviation_band=math.inf), "deviation_band"),
        (mash_data(deviation_time=[]), "deviation_time"),
        (mash_data(sensor_lost_after="5 min"), "sensor_lost_after"),
    ],
)
def test_from_dict_rejects_bad_values(data: object, field: str) -> None:
    err = error_of(lambda: Program.from_dict(data))
    assert (err.key, err.placeholders) == ("invalid_value", {"field": field})


def test_from_dict_strips_names_and_ignores_unknown_keys() -> None:
    data = mash_data(name="  Mash  ", future=True)
    data["steps"][0] = {"target": 65, "hold": 3600, "name": " Rest ", "colour": "red"}
    read = Program.from_dict(data)
    assert (read.name, read.steps[0].name) == ("Mash", "Rest")
    assert isinstance(read.steps[0].target, float)


def test_round_trip_through_json() -> None:
    ferment = Program(
        "ale",
        "Ale",
        "fridge:node",
        (
            Step(18.0, until=T0 + 7 * DAY, name="Primary"),
            Step(21.0, hold=3 * DAY, ramp=1.5 / 48),
            Step(2.0, until=T0 + 14 * DAY, ramp=2.0),
        ),
        tolerance=0.3,
        reach_timeout=0.0,
        deviation_band=1.0,
        deviation_time=3600.0,
        sensor_lost_after=900.0,
    )
    assert Program.from_dict(json.loads(json.dumps(ferment.to_dict()))) == ferment


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Märzen mash", "marzen_mash"),
        ("  Hefeweizen -- 2024!  ", "hefeweizen_2024"),
        ("日本酒", "program"),
        ("", "program"),
        ("a" * 63 + " b", "a" * 63),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_error_keys_list_every_key_raised() -> None:
    """The Home Assistant layer translates ERROR_KEYS: it must hold every key used."""
    source = "".join(path.read_text() for path in Path(program_module.__file__).parent.glob("*.py"))
    used = set(re.findall(r'ProgramError\(\s*"(\w+)"', source))
    used |= set(re.findall(r'"(\w*invalid_value)"\)', source))
    used |= {f"{name}_out_of_range" for name in re.findall(r'_check_range\(\s*"(\w+)"', source)}
    assert used == ERROR_KEYS
