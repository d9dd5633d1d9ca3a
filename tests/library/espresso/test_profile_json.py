"""JSON v2 / v2.1 reader and writer (profiles fact sheet §2)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from custom_components.kitchen_ble.library.espresso.profiles import (
    BeverageType,
    ExitCondition,
    ExitType,
    Limiter,
    Profile,
    ProfileError,
    Pump,
    Sensor,
    Step,
    StepExit,
    Transition,
    export_json,
    profile_to_json,
    read_json_profile,
)

# A de1app-style file: every value a string (§2.1).
DE1APP: dict[str, Any] = {
    "title": "Strings",
    "author": "Decent",
    "notes": "de1app writes strings",
    "beverage_type": "espresso",
    "steps": [
        {
            "name": "preinfusion",
            "temperature": "88.00",
            "sensor": "coffee",
            "pump": "flow",
            "transition": "fast",
            "pressure": "",
            "flow": "8.0",
            "seconds": "2.00",
            "volume": "0",
            "weight": "0",
            "exit": {"type": "pressure", "condition": "over", "value": "4"},
            "limiter": {"value": "0", "range": "0.6"},
        },
        {
            "name": "hold",
            "temperature": "88.00",
            "sensor": "water",
            "pump": "pressure",
            "transition": "smooth",
            "pressure": "8.4",
            "flow": "",
            "seconds": "30",
            "volume": "100",
            "weight": "36.5",
            "limiter": {"value": "3.5", "range": "1.0"},
        },
    ],
    "tank_temperature": "0",
    "target_weight": "36",
    "target_volume": "0",
    "target_volume_count_start": "1",
    "legacy_profile_type": "settings_2a",
    "type": "pressure",
    "lang": "en",
    "hidden": "0",
    "reference_file": "best",
    "changes_since_last_espresso": "",
    "version": "2",
}

EXPECTED = Profile(
    title="Strings",
    author="Decent",
    notes="de1app writes strings",
    beverage_type=BeverageType.ESPRESSO,
    steps=(
        Step(
            name="preinfusion",
            pump=Pump.FLOW,
            pressure=0.0,
            flow=8.0,
            transition=Transition.FAST,
            temperature=88.0,
            sensor=Sensor.COFFEE,
            seconds=2.0,
            exit=StepExit(ExitType.PRESSURE, ExitCondition.OVER, 4.0),
        ),
        Step(
            name="hold",
            pump=Pump.PRESSURE,
            pressure=8.4,
            flow=0.0,
            transition=Transition.SMOOTH,
            temperature=88.0,
            sensor=Sensor.WATER,
            seconds=30.0,
            volume=100.0,
            weight=36.5,
            limiter=Limiter(3.5, 1.0),
        ),
    ),
    target_weight=36.0,
    target_volume=0.0,
    target_volume_count_start=1,
    tank_temperature=0.0,
    version="2",
    legacy_profile_type="settings_2a",
    editor_type="pressure",
    lang="en",
    hidden=False,
    reference_file="best",
)


def _read(data: dict[str, Any]) -> Profile:
    return read_json_profile(json.dumps(data))


def _error(data: dict[str, Any]) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        _read(data)
    return caught.value


def _changed(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    data = copy.deepcopy(DE1APP)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()


def test_de1app_strings_read() -> None:
    assert _read(DE1APP) == EXPECTED


def test_json_numbers_read_the_same() -> None:
    data = copy.deepcopy(DE1APP)
    data["steps"][0].update(temperature=88, flow=8.0, seconds=2, volume=0)
    data["steps"][1].update(pressure=8.4, weight=36.5, limiter={"value": 3.5, "range": 1})
    data.update(target_weight=36, target_volume_count_start=1, version=2, hidden=False)
    assert _read(data) == EXPECTED


def test_unknown_keys_are_ignored() -> None:
    data = _changed(("creator",), {"name": "x"})
    data["steps"][0]["mode"] = "whatever"
    assert _read(data) == EXPECTED


def test_optional_keys_have_defaults() -> None:
    minimal = {
        "version": "2.1",
        "title": "Minimal",
        "steps": [
            {
                "pump": "pressure",
                "pressure": 9,
                "transition": "fast",
                "sensor": "coffee",
                "temperature": 93,
                "seconds": 25,
            }
        ],
    }
    profile = _read(minimal)
    assert profile == Profile(
        title="Minimal",
        steps=(
            Step(
                name="",
                pump=Pump.PRESSURE,
                pressure=9.0,
                flow=0.0,
                transition=Transition.FAST,
                temperature=93.0,
                sensor=Sensor.COFFEE,
                seconds=25.0,
            ),
        ),
        version="2.1",
    )
    assert (profile.legacy_profile_type, profile.editor_type, profile.lang) == (
        "settings_2c",
        "advanced",
        "en",
    )


def test_float_noise_is_rounded_to_4_decimals() -> None:
    profile = _read(_changed(("steps", 0, "flow"), "6.000000000000007"))
    assert profile.steps[0].flow == 6.0


@pytest.mark.parametrize(("raw", "off"), [("0", 0.0), ("-1", 0.0), ("", 0.0), (None, 0.0)])
def test_step_weight_at_or_below_zero_is_off(raw: object, off: float) -> None:
    assert _read(_changed(("steps", 1, "weight"), raw)).steps[1].weight == off


@pytest.mark.parametrize("raw", ["0", "-2", "", None])
def test_limiter_at_or_below_zero_is_none(raw: object) -> None:
    assert _read(_changed(("steps", 1, "limiter", "value"), raw)).steps[1].limiter is None


@pytest.mark.parametrize("raw", ["", None])
def test_blank_exit_and_limiter_are_absent(raw: object) -> None:
    data = _changed(("steps", 0, "exit"), raw)
    data["steps"][1]["limiter"] = raw
    profile = _read(data)
    assert profile.steps[0].exit is None
    assert profile.steps[1].limiter is None


def test_negative_targets_are_off() -> None:
    data = _changed(("target_weight",), "-1")
    data["target_volume"] = -5
    profile = _read(data)
    assert (profile.target_weight, profile.target_volume) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("raw", "hidden"), [("1", True), (1, True), (True, True), ("0", False), (False, False)]
)
def test_hidden_flag_forms(raw: object, hidden: bool) -> None:
    assert _read(_changed(("hidden",), raw)).hidden is hidden


@pytest.mark.parametrize("version", ["2", "2.1", "2.0.3", " 2.1 ", 2, 2.1])
def test_version_major_2_is_read(version: object) -> None:
    assert _read(_changed(("version",), version)).version == str(version).strip()


@pytest.mark.parametrize(
    ("path", "value", "key", "placeholders"),
    [
        (("version",), _DELETE, "profile_field_missing", {"field": "version"}),
        (
            ("version",),
            "3",
            "profile_field_invalid",
            {
                "field": "version",
                "value": "3",
                "reason": "only version 2 profiles (2, 2.1) can be read",
            },
        ),
        (
            ("version",),
            [2],
            "profile_field_invalid",
            {
                "field": "version",
                "value": "a list",
                "reason": "it must be a version such as 2 or 2.1",
            },
        ),
        (
            ("version",),
            True,
            "profile_field_invalid",
            {
                "field": "version",
                "value": "true",
                "reason": "it must be a version such as 2 or 2.1",
            },
        ),
        (("title",), "  ", "profile_field_missing", {"field": "title"}),
        (
            ("title",),
            12,
            "profile_field_invalid",
            {"field": "title", "value": "12", "reason": "it must be text"},
        ),
        (("steps",), _DELETE, "profile_field_missing", {"field": "steps"}),
        (
            ("steps",),
            {"a": 1},
            "profile_field_invalid",
            {"field": "steps", "value": "an object", "reason": "it must be a list"},
        ),
        (
            ("steps",),
            [],
            "step_count_out_of_range",
            {"field": "steps", "value": "0", "allowed": "1–20"},
        ),
        (
            ("beverage_type",),
            "soup",
            "profile_field_invalid",
            {
                "field": "beverage_type",
                "value": "soup",
                "reason": "it must be one of espresso, calibrate, cleaning, manual, pourover, "
                "tea_portafilter, filter, tea",
            },
        ),
        (
            ("target_weight",),
            "heavy",
            "profile_field_invalid",
            {"field": "target_weight", "value": "heavy", "reason": "it is not a number"},
        ),
        (
            ("target_volume_count_start",),
            "1.5",
            "profile_field_invalid",
            {
                "field": "target_volume_count_start",
                "value": "1.5",
                "reason": "it must be a whole number",
            },
        ),
        (
            ("target_volume_count_start",),
            21,
            "profile_field_out_of_range",
            {"field": "target_volume_count_start", "value": "21", "allowed": "0–20 steps"},
        ),
        (
            ("tank_temperature",),
            "61",
            "profile_field_out_of_range",
            {"field": "tank_temperature", "value": "61", "allowed": "0–60 °C"},
        ),
        (
            ("hidden",),
            "2",
            "profile_field_invalid",
            {"field": "hidden", "value": "2", "reason": "it must be 0 or 1"},
        ),
        (
            ("steps", 1),
            "hold",
            "step_field_invalid",
            {"step": "2", "field": "definition", "value": "hold", "reason": "not an object"},
        ),
        (("steps", 0, "pump"), _DELETE, "step_field_missing", {"step": "1", "field": "pump"}),
        (
            ("steps", 0, "pump"),
            "power",
            "step_field_invalid",
            {
                "step": "1",
                "field": "pump",
                "value": "power",
                "reason": "it must be one of pressure, flow",
            },
        ),
        (("steps", 0, "flow"), "", "step_field_missing", {"step": "1", "field": "flow"}),
        (("steps", 1, "pressure"), None, "step_field_missing", {"step": "2", "field": "pressure"}),
        (
            ("steps", 1, "pressure"),
            "16",
            "step_field_out_of_range",
            {"step": "2", "field": "pressure", "value": "16", "allowed": "0–15.9375 bar"},
        ),
        (
            ("steps", 0, "flow"),
            "NaN",
            "step_field_invalid",
            {"step": "1", "field": "flow", "value": "NaN", "reason": "it is not a number"},
        ),
        (
            ("steps", 0, "flow"),
            "1_0",
            "step_field_invalid",
            {"step": "1", "field": "flow", "value": "1_0", "reason": "it is not a number"},
        ),
        (
            ("steps", 0, "flow"),
            "1e999",
            "step_field_invalid",
            {"step": "1", "field": "flow", "value": "1e999", "reason": "it is not a number"},
        ),
        (
            ("steps", 0, "flow"),
            10**400,
            "step_field_invalid",
            {
                "step": "1",
                "field": "flow",
                "value": "1" + "0" * 38 + "…",
                "reason": "it is not a number",
            },
        ),
        (
            ("steps", 0, "seconds"),
            True,
            "step_field_invalid",
            {"step": "1", "field": "seconds", "value": "true", "reason": "it is not a number"},
        ),
        (
            ("steps", 0, "seconds"),
            "128",
            "step_field_out_of_range",
            {"step": "1", "field": "seconds", "value": "128", "allowed": "0–127 s"},
        ),
        (
            ("steps", 0, "temperature"),
            "-1",
            "step_field_out_of_range",
            {"step": "1", "field": "temperature", "value": "-1", "allowed": "0–127.5 °C"},
        ),
        (
            ("steps", 1, "volume"),
            "2000",
            "step_field_out_of_range",
            {"step": "2", "field": "volume", "value": "2000", "allowed": "0–1023 mL"},
        ),
        (
            ("steps", 1, "weight"),
            "2001",
            "step_field_out_of_range",
            {"step": "2", "field": "weight", "value": "2001", "allowed": "0–2000 g"},
        ),
        (
            ("steps", 1, "transition"),
            "hold",
            "step_field_invalid",
            {
                "step": "2",
                "field": "transition",
                "value": "hold",
                "reason": "it must be one of fast, smooth",
            },
        ),
        (
            ("steps", 1, "sensor"),
            "air",
            "step_field_invalid",
            {
                "step": "2",
                "field": "sensor",
                "value": "air",
                "reason": "it must be one of coffee, water",
            },
        ),
        (
            ("steps", 0, "exit"),
            ["pressure"],
            "step_field_invalid",
            {"step": "1", "field": "exit", "value": "a list", "reason": "it must be an object"},
        ),
        (
            ("steps", 0, "exit", "type"),
            "power",
            "step_field_invalid",
            {
                "step": "1",
                "field": "exit.type",
                "value": "power",
                "reason": "it must be one of pressure, flow",
            },
        ),
        (
            ("steps", 0, "exit", "condition"),
            _DELETE,
            "step_field_missing",
            {"step": "1", "field": "exit.condition"},
        ),
        (
            ("steps", 0, "exit", "value"),
            "16",
            "step_field_out_of_range",
            {"step": "1", "field": "exit.value", "value": "16", "allowed": "0–15.9375 bar"},
        ),
        (
            ("steps", 1, "limiter", "range"),
            "",
            "step_field_missing",
            {"step": "2", "field": "limiter.range"},
        ),
        (
            ("steps", 1, "limiter", "value"),
            "16",
            "step_field_out_of_range",
            {"step": "2", "field": "limiter.value", "value": "16", "allowed": "0–15.9375 mL/s"},
        ),
        (
            ("steps", 1, "limiter"),
            "3.5",
            "step_field_invalid",
            {"step": "2", "field": "limiter", "value": "3.5", "reason": "it must be an object"},
        ),
    ],
)
def test_reader_errors_name_step_field_and_reason(
    path: tuple[str | int, ...], value: object, key: str, placeholders: dict[str, str]
) -> None:
    error = _error(_changed(path, value))
    assert error.key == key
    assert error.placeholders == placeholders


def test_long_values_are_shortened_in_messages() -> None:
    error = _error(_changed(("steps", 0, "flow"), "x" * 100))
    assert error.placeholders["value"] == "x" * 39 + "…"


def test_twenty_one_steps_are_refused() -> None:
    data = copy.deepcopy(DE1APP)
    data["steps"] = data["steps"] * 11
    error = _error(data)
    assert (error.key, error.placeholders["value"]) == ("step_count_out_of_range", "22")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("{", "invalid_json"),
        ('{"a": NaN}', "invalid_json"),
        ('{"a": Infinity}', "invalid_json"),
        ("[" * 100_000, "invalid_json"),
        ("[1, 2]", "not_a_profile"),
    ],
)
def test_text_that_is_not_a_json_object(text: str, key: str) -> None:
    with pytest.raises(ProfileError) as caught:
        read_json_profile(text)
    assert caught.value.key == key


def test_writer_writes_numbers_and_every_required_key() -> None:
    data = profile_to_json(EXPECTED)
    assert list(data) == [
        "title",
        "author",
        "notes",
        "beverage_type",
        "steps",
        "tank_temperature",
        "target_weight",
        "target_volume",
        "target_volume_count_start",
        "legacy_profile_type",
        "type",
        "lang",
        "hidden",
        "reference_file",
        "changes_since_last_espresso",
        "version",
    ]
    assert data["target_weight"] == 36
    assert data["target_volume_count_start"] == 1
    assert data["hidden"] == "0"
    steps = data["steps"]
    assert isinstance(steps, list)
    assert steps[0] == {
        "name": "preinfusion",
        "temperature": 88,
        "sensor": "coffee",
        "pump": "flow",
        "transition": "fast",
        "pressure": 0,
        "flow": 8,
        "seconds": 2,
        "volume": 0,
        "exit": {"type": "pressure", "condition": "over", "value": 4},
    }
    assert steps[1]["weight"] == 36.5
    assert steps[1]["pressure"] == 8.4
    assert steps[1]["limiter"] == {"value": 3.5, "range": 1}


def test_export_is_utf8_text_that_reads_back() -> None:
    profile = Profile(title="Sénac", steps=EXPECTED.steps, hidden=True)
    text = export_json(profile)
    assert '"title": "Sénac"' in text
    assert '"hidden": "1"' in text
    assert '"version": "2.1"' in text
    assert text.endswith("}\n")
    assert read_json_profile(text) == profile


def test_written_de1app_profile_reads_back_the_same() -> None:
    assert read_json_profile(export_json(EXPECTED)) == EXPECTED
