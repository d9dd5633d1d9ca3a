"""de1app legacy keys → Profile: advanced steps (§1.3) and the simple expansion (§1.4).

The expected steps are written out from the profiles fact sheet's rules, step
by step; the bytes of "Best overall" are derived by hand from de1.md §8 and
agree with what §1.7 reports of de1app's own packed output.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from custom_components.kitchen_ble.library.espresso.profiles import (
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
    encode_profile,
    read_tcl_profile,
)
from custom_components.kitchen_ble.library.espresso.profiles.legacy import profile_from_legacy

CORPUS = Path(__file__).parent / "profiles"


def _flow(name: str, flow: float, seconds: float, temperature: float, **extra: object) -> Step:
    return Step(
        name=name,
        pump=Pump.FLOW,
        pressure=extra.pop("pressure", 0.0),  # type: ignore[arg-type]
        flow=flow,
        transition=extra.pop("transition", Transition.FAST),  # type: ignore[arg-type]
        temperature=temperature,
        sensor=Sensor.COFFEE,
        seconds=seconds,
        **extra,  # type: ignore[arg-type]
    )


def _pressure(
    name: str, pressure: float, seconds: float, temperature: float, **extra: object
) -> Step:
    return Step(
        name=name,
        pump=Pump.PRESSURE,
        pressure=pressure,
        flow=0.0,
        transition=extra.pop("transition", Transition.FAST),  # type: ignore[arg-type]
        temperature=temperature,
        sensor=Sensor.COFFEE,
        seconds=seconds,
        **extra,  # type: ignore[arg-type]
    )


def _preinfusion(name: str, flow: float, seconds: float, temperature: float, stop: float) -> Step:
    stop_exit = StepExit(ExitType.PRESSURE, ExitCondition.OVER, stop)
    return _flow(name, flow, seconds, temperature, pressure=1.0, exit=stop_exit)


def _read(name: str) -> Profile:
    return read_tcl_profile((CORPUS / name).read_text(encoding="utf-8"))


SMOOTH = Transition.SMOOTH


def test_1_7_best_overall_pressure_expands_step_by_step() -> None:
    profile = _read("best_overall_pressure.tcl")
    limit = Limiter(3.5, 1.0)
    assert profile.steps == (
        _preinfusion("preinfusion temp boost", 8.0, 2.0, 88.0, 4.0),
        _preinfusion("preinfusion", 8.0, 18.0, 88.0, 4.0),
        _pressure("forced rise without limit", 8.4, 3.0, 88.0),
        _pressure("rise and hold", 8.4, 7.0, 88.0, limiter=limit),
        _pressure("decline", 6.0, 30.0, 88.0, transition=SMOOTH, limiter=limit),
    )
    assert profile.target_volume_count_start == 3  # the forced rise counts (de1app 13a30463)
    assert (profile.target_weight, profile.target_volume) == (36.0, 36.0)
    assert (profile.legacy_profile_type, profile.editor_type) == ("settings_2c", "advanced")


def test_1_7_best_overall_pressure_bytes() -> None:
    upload = encode_profile(_read("best_overall_pressure.tcl"))
    assert upload.header.hex(" ") == "01 05 03 00 60"
    assert [frame.hex(" ") for frame in upload.frames] == [
        "00 47 80 b0 14 40 04 00",  # flow 8.0, 88 °C, 2.0 s, exit pressure over 4
        "01 47 80 b0 92 40 04 00",  # 18 s
        "02 40 86 b0 1e 00 04 00",  # pressure 8.375, 3.0 s, no limiter
        "03 40 86 b0 46 00 04 00",  # 7.0 s
        "04 60 60 b0 9e 00 04 00",  # smooth to 6.0 bar, 30 s
    ]
    assert [frame.hex(" ") for frame in upload.extension_frames] == [
        "23 38 10 00 00 00 00 00",  # 3.5 mL/s, range 1.0, frames 3 and 4 only
        "24 38 10 00 00 00 00 00",
    ]


def test_1_7_flow_profile_gates_the_decline_on_the_hold_time() -> None:
    profile = _read("flow_straight.tcl")
    limit = Limiter(8.6, 0.9)
    assert profile.steps == (
        _preinfusion("preinfusion boost", 4.0, 2.0, 92.0, 1.5),
        _preinfusion("preinfusion", 4.0, 10.0, 91.0, 1.5),
        _flow("hold", 2.2, 40.0, 90.0, limiter=limit),
        _flow("decline", 1.2, 0.0, 89.0, transition=SMOOTH, limiter=limit),  # a 0 s frame
    )
    assert profile.target_volume_count_start == 2
    assert encode_profile(profile).header.hex(" ") == "01 04 02 00 60"
    # de1app presets the missing volume target from the weight target.
    assert (profile.target_weight, profile.target_volume) == (36.0, 36.0)


def test_short_hold_gets_a_forced_rise_before_the_decline() -> None:
    profile = _read("pressure_short_hold.tcl")  # settings_profile_pressure, no preinfusion
    assert profile.steps == (
        _pressure("rise and hold", 9.0, 2.0, 91.5),
        _pressure("forced rise without limit", 9.0, 3.0, 91.5),
        _pressure("decline", 5.0, 17.0, 91.5, transition=SMOOTH),
    )
    assert profile.target_volume_count_start == 1
    assert (profile.target_weight, profile.target_volume) == (0.0, 45.0)


SIMPLE = {
    "profile_title": "simple",
    "settings_profile_type": "settings_2a",
    "espresso_temperature_steps_enabled": "1",
    "espresso_temperature": "80",
    "espresso_temperature_0": "95",
    "espresso_temperature_1": "94",
    "espresso_temperature_2": "93",
    "espresso_temperature_3": "92",
    "preinfusion_time": "1",
    "preinfusion_stop_pressure": "2",
    "espresso_pressure": "9",
    "espresso_hold_time": "4",
    "espresso_decline_time": "10",
    "pressure_end": "4",
    "maximum_flow": "2.5",
    "flow_profile_hold": "2",
    "flow_profile_decline": "1",
    "maximum_pressure": "7",
}


def test_hold_just_over_3_gives_two_forced_rises() -> None:
    profile = profile_from_legacy(SIMPLE)
    limit = Limiter(2.5, 1.0)  # maximum_flow_range_default from de1app's settings
    assert profile.steps == (
        # preinfusion 1 s − the 2 s boost leaves 0 s: that frame is not emitted
        _preinfusion("preinfusion temp boost", 4.0, 2.0, 95.0, 2.0),  # default flow 4
        _pressure("forced rise without limit", 9.0, 3.0, 93.0),
        _pressure("rise and hold", 9.0, 1.0, 93.0, limiter=limit),
        _pressure("forced rise without limit", 9.0, 3.0, 92.0),
        _pressure("decline", 4.0, 7.0, 92.0, transition=SMOOTH, limiter=limit),
    )
    assert profile.target_volume_count_start == 3


def test_hold_of_exactly_3_has_no_forced_rise_and_short_decline_none() -> None:
    profile = profile_from_legacy(
        SIMPLE | {"espresso_hold_time": "3", "espresso_decline_time": "3", "maximum_flow": "0"}
    )
    assert [step.name for step in profile.steps] == [
        "preinfusion temp boost",
        "rise and hold",
        "decline",
    ]
    assert [step.seconds for step in profile.steps] == [2.0, 3.0, 3.0]
    assert all(step.limiter is None for step in profile.steps)


def test_subtraction_leaves_no_float_noise() -> None:
    profile = profile_from_legacy(SIMPLE | {"espresso_hold_time": "4.1"})
    assert profile.steps[2].seconds == 1.1


def test_temperature_steps_disabled_use_espresso_temperature() -> None:
    profile = profile_from_legacy(
        SIMPLE | {"espresso_temperature_steps_enabled": "0", "preinfusion_time": "5"}
    )
    assert profile.steps[0] == _preinfusion("preinfusion", 4.0, 5.0, 80.0, 2.0)
    assert {step.temperature for step in profile.steps} == {80.0}


def test_nothing_to_run_gives_de1apps_empty_step() -> None:
    profile = profile_from_legacy(
        SIMPLE
        | {
            "espresso_temperature_steps_enabled": "0",
            "preinfusion_time": "0",
            "espresso_hold_time": "0",
            "espresso_decline_time": "0",
        }
    )
    assert profile.steps == (_flow("empty", 0.0, 0.0, 90.0),)
    assert profile.target_volume_count_start == 0


def test_flow_builder_with_no_hold_has_no_decline() -> None:
    profile = profile_from_legacy(
        SIMPLE | {"settings_profile_type": "settings_profile_flow", "espresso_hold_time": "0"}
    )
    assert [step.name for step in profile.steps] == ["preinfusion boost"]


def test_flow_builder_limiter_uses_the_pressure_range_default() -> None:
    profile = profile_from_legacy(SIMPLE | {"settings_profile_type": "settings_2b"})
    assert [step.limiter for step in profile.steps[1:]] == [Limiter(7.0, 0.9)] * 2


def test_flow_builder_without_maximum_pressure_has_no_limiter() -> None:
    profile = profile_from_legacy(
        SIMPLE | {"settings_profile_type": "settings_2b", "maximum_pressure": "0"}
    )
    assert [step.limiter for step in profile.steps] == [None, None, None]


@pytest.mark.parametrize("kind", ["settings_2", "settings_9z", None])
def test_unknown_or_missing_type_runs_the_pressure_builder(kind: str | None) -> None:
    keys = dict(SIMPLE)
    if kind is None:
        del keys["settings_profile_type"]
    else:
        keys["settings_profile_type"] = kind
    assert profile_from_legacy(keys).steps == profile_from_legacy(SIMPLE).steps


def test_advanced_weight_target_falls_back_to_the_simple_one() -> None:
    profile = profile_from_legacy(
        {
            "profile_title": "x",
            "settings_profile_type": "settings_profile_advanced",
            "final_desired_shot_weight": "38",
            "final_desired_shot_weight_advanced": "",
            "advanced_shot": "{pump pressure pressure 9 transition fast sensor coffee "
            "temperature 93 seconds 30}",
        }
    )
    assert (profile.target_weight, profile.target_volume) == (38.0, 0.0)
    assert profile.steps == (_pressure("", 9.0, 30.0, 93.0),)


ADVANCED = {
    "profile_title": "x",
    "settings_profile_type": "settings_2c",
    "advanced_shot": "{pump flow flow 4 transition fast sensor coffee temperature 93 seconds 30 "
    "exit_if 1 exit_type pressure_over exit_pressure_over 3 "
    "max_flow_or_pressure 9 max_flow_or_pressure_range 0.9}",
}


def _error(keys: Mapping[str, object]) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        profile_from_legacy(keys)
    return caught.value


def _step_error(step_text: str) -> ProfileError:
    return _error(ADVANCED | {"advanced_shot": step_text})


def test_advanced_step_reads_exit_and_limiter() -> None:
    step = profile_from_legacy(ADVANCED).steps[0]
    assert step.exit == StepExit(ExitType.PRESSURE, ExitCondition.OVER, 3.0)
    assert step.limiter == Limiter(9.0, 0.9)


@pytest.mark.parametrize(
    ("replace_from", "replace_to", "key", "placeholders"),
    [
        (
            "exit_type pressure_over",
            "exit_type power_over",
            "step_field_invalid",
            {
                "step": "1",
                "field": "exit_type",
                "value": "power_over",
                "reason": "it must be one of pressure_over, pressure_under, flow_over, flow_under",
            },
        ),
        (
            "exit_pressure_over 3",
            "",
            "step_field_missing",
            {"step": "1", "field": "exit_pressure_over"},
        ),
        (
            "exit_if 1",
            "exit_if yes",
            "step_field_invalid",
            {"step": "1", "field": "exit_if", "value": "yes", "reason": "it must be 0 or 1"},
        ),
        (
            "max_flow_or_pressure_range 0.9",
            "",
            "step_field_missing",
            {"step": "1", "field": "max_flow_or_pressure_range"},
        ),
        (
            "max_flow_or_pressure 9",
            "max_flow_or_pressure 16",
            "step_field_out_of_range",
            {
                "step": "1",
                "field": "max_flow_or_pressure",
                "value": "16",
                "allowed": "0–15.9375 bar",
            },
        ),
        (
            "pump flow",
            "pump lever",
            "step_field_invalid",
            {
                "step": "1",
                "field": "pump",
                "value": "lever",
                "reason": "it must be one of pressure, flow",
            },
        ),
        (
            "pump flow",
            "name {a}b pump flow",
            "step_field_invalid",
            {
                "step": "1",
                "field": "advanced_shot",
                "value": "name {a}b pump flow flow 4 transition f…",
                "reason": "list element in braces followed by 'b' instead of space",
            },
        ),
        (
            "seconds 30",
            "seconds",
            "step_field_invalid",
            {
                "step": "1",
                "field": "advanced_shot",
                "value": "pump flow flow 4 transition fast sensor…",
                "reason": "21 words: a key/value list needs pairs",
            },
        ),
    ],
)
def test_advanced_step_errors(
    replace_from: str, replace_to: str, key: str, placeholders: dict[str, str]
) -> None:
    error = _step_error(ADVANCED["advanced_shot"].replace(replace_from, replace_to))
    assert error.key == key
    assert error.placeholders == placeholders


def test_second_step_is_numbered_two() -> None:
    error = _step_error(ADVANCED["advanced_shot"] + " {pump flow}")
    assert error.placeholders == {"step": "2", "field": "flow"}


def test_stale_exit_keys_are_ignored_without_exit_if() -> None:
    text = ADVANCED["advanced_shot"].replace("exit_if 1", "exit_if 0")
    text = text.replace("exit_type pressure_over", "exit_type garbage")
    assert profile_from_legacy(ADVANCED | {"advanced_shot": text}).steps[0].exit is None


@pytest.mark.parametrize(
    ("changes", "key", "placeholders"),
    [
        ({"profile_title": ""}, "profile_field_missing", {"field": "profile_title"}),
        ({"advanced_shot": None}, "profile_field_missing", {"field": "advanced_shot"}),
        (
            {"advanced_shot": "{}"},
            "step_field_missing",
            {"step": "1", "field": "pump"},
        ),
        (
            {"advanced_shot": "  "},
            "profile_field_missing",
            {"field": "advanced_shot"},
        ),
        (
            {"advanced_shot": " ".join(["{a b}"] * 21)},
            "step_count_out_of_range",
            {"field": "advanced_shot", "value": "21", "allowed": "1–20"},
        ),
        (
            {"advanced_shot": "{a b} {c"},
            "profile_field_invalid",
            {"field": "advanced_shot", "value": "{a b} {c", "reason": "unmatched open brace"},
        ),
        (
            {"beverage_type": ["espresso"]},
            "profile_field_invalid",
            {"field": "beverage_type", "value": "a list", "reason": "it must be a Tcl word"},
        ),
    ],
)
def test_profile_level_errors(
    changes: dict[str, object], key: str, placeholders: dict[str, str]
) -> None:
    error = _error(ADVANCED | changes)
    assert error.key == key
    assert error.placeholders == placeholders


@pytest.mark.parametrize(
    ("changes", "key", "placeholders"),
    [
        ({"espresso_pressure": None}, "profile_field_missing", {"field": "espresso_pressure"}),
        (
            {"espresso_pressure": "17"},
            "profile_field_out_of_range",
            {"field": "espresso_pressure", "value": "17", "allowed": "0–15.9375 bar"},
        ),
        (
            {"espresso_temperature_2": "hot"},
            "profile_field_invalid",
            {"field": "espresso_temperature_2", "value": "hot", "reason": "it is not a number"},
        ),
        (
            {"maximum_flow": "-1"},
            "profile_field_out_of_range",
            {"field": "maximum_flow", "value": "-1", "allowed": "0–15.9375 mL/s"},
        ),
        (
            {"preinfusion_time": "200"},
            "profile_field_out_of_range",
            {"field": "preinfusion_time", "value": "200", "allowed": "0–127 s"},
        ),
    ],
)
def test_simple_profile_errors_name_the_tcl_key(
    changes: dict[str, object], key: str, placeholders: dict[str, str]
) -> None:
    error = _error(SIMPLE | changes)
    assert error.key == key
    assert error.placeholders == placeholders


def test_flat_dump_values_may_be_json_numbers_booleans_and_nulls() -> None:
    keys: dict[str, object] = dict(SIMPLE)
    keys.update(espresso_pressure=9, espresso_hold_time=4.0, profile_hide=True, author=None)
    profile = profile_from_legacy(keys)
    assert profile.steps == profile_from_legacy(SIMPLE).steps
    assert profile.hidden is True
    assert profile.author == ""


# Profiles fact sheet §1.6, worked example A: the step keys the table lists, plus a
# transition and sensor where the table leaves them out (all five are coffee, volume 100).
EXAMPLE_A = r"""
profile_title {JoeD's Easy blooming slow ramp to 7 bar}
author JoeD
beverage_type espresso
settings_profile_type settings_2c
final_desired_shot_weight_advanced 40
final_desired_shot_volume_advanced 0
final_desired_shot_volume_advanced_count_start 2
tank_desired_water_temperature 0
espresso_pressure 6.0
espresso_hold_time 15
advanced_shot {{name preinfusion pump flow flow 6.000000000000007 pressure 1 transition fast temperature 94.0 seconds 20.00 exit_if 1 exit_type pressure_over exit_pressure_over 5.00 max_flow_or_pressure 0 max_flow_or_pressure_range 0.6 sensor coffee volume 100} {name {dynamic bloom} pump flow flow 0 pressure 6.0 temperature 81.0 seconds 40.00 exit_if 1 exit_type pressure_under exit_pressure_under 2.20 max_flow_or_pressure 0 max_flow_or_pressure_range 0.6 transition fast sensor coffee volume 100} {name ramp pump pressure pressure 7.0 flow 2.2 transition smooth seconds 4.00 exit_if 0 exit_type pressure_under max_flow_or_pressure 0.0 max_flow_or_pressure_range 1.2 temperature 92 sensor coffee volume 100} {name {flat flow} pump pressure pressure 7.0 transition fast seconds 2.00 exit_if 0 max_flow_or_pressure 4.0 max_flow_or_pressure_range 1.2 temperature 92 sensor coffee volume 100} {name decline pump pressure pressure 4.00 transition smooth seconds 40.00 exit_if 0 max_flow_or_pressure 3.3 max_flow_or_pressure_range 1.2 temperature 92 sensor coffee volume 100}}
"""  # noqa: E501


def test_1_6_example_a_globals_and_steps() -> None:
    profile = read_tcl_profile(EXAMPLE_A)
    assert profile.title == "JoeD's Easy blooming slow ramp to 7 bar"
    assert (profile.author, profile.target_weight, profile.target_volume) == ("JoeD", 40.0, 0.0)
    assert (profile.target_volume_count_start, profile.tank_temperature) == (2, 0.0)
    assert [step.name for step in profile.steps] == [
        "preinfusion",
        "dynamic bloom",
        "ramp",
        "flat flow",
        "decline",
    ]
    first, bloom, ramp, flat, decline = profile.steps
    assert (first.flow, first.pressure, first.seconds) == (6.0, 1.0, 20.0)
    assert first.exit == StepExit(ExitType.PRESSURE, ExitCondition.OVER, 5.0)
    assert bloom.exit == StepExit(ExitType.PRESSURE, ExitCondition.UNDER, 2.2)
    assert ramp.exit is None  # exit_if 0: the stale exit_type is ignored
    # Zero limiters (steps 1-3) are no limiter; flat flow caps flow at 4 mL/s.
    assert [step.limiter for step in profile.steps] == [
        None,
        None,
        None,
        Limiter(4.0, 1.2),
        Limiter(3.3, 1.2),
    ]
    assert {step.volume for step in profile.steps} == {100.0}
    assert (flat.pressure, decline.pressure, decline.transition) == (7.0, 4.0, SMOOTH)
