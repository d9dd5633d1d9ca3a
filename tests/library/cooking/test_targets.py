"""ProbeTarget: validation, preset helpers, storage round trip."""

from __future__ import annotations

import json
import math
from dataclasses import FrozenInstanceError

import pytest

from custom_components.kitchen_ble.library.cooking.presets import CUSTOM
from custom_components.kitchen_ble.library.cooking.targets import ProbeTarget, TargetError


def test_defaults() -> None:
    target = ProbeTarget()
    assert target.target is None
    assert target.preset == CUSTOM
    assert target.pre_alert_offset == 5.0
    assert target.reminder_interval == 300.0
    assert target.label == ""
    assert not target.has_range


def test_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        ProbeTarget().target = 50.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"target": 400.1}, "target_out_of_range"),
        ({"target": -50.1}, "target_out_of_range"),
        ({"target": math.nan}, "target_out_of_range"),
        ({"range_min": 500.0}, "range_out_of_range"),
        ({"range_max": -60.0}, "range_out_of_range"),
        ({"range_min": 120.0, "range_max": 120.0}, "range_inverted"),
        ({"range_min": 130.0, "range_max": 120.0}, "range_inverted"),
        ({"preset": "beef_blue"}, "unknown_preset"),
        ({"pre_alert_offset": -1.0}, "pre_alert_out_of_range"),
        ({"pre_alert_offset": 101.0}, "pre_alert_out_of_range"),
        ({"pre_alert_offset": math.nan}, "pre_alert_out_of_range"),
        ({"reminder_interval": -1.0}, "reminder_out_of_range"),
        ({"reminder_interval": math.inf}, "reminder_out_of_range"),
        ({"label": "x" * 65}, "label_too_long"),
    ],
)
def test_validation(kwargs: dict[str, object], key: str) -> None:
    """Each rule is a typed error whose key is the translated message the user sees."""
    with pytest.raises(TargetError) as err:
        ProbeTarget(**kwargs)  # type: ignore[arg-type]
    assert err.value.key == key
    assert all(isinstance(value, str) for value in err.value.placeholders.values())


def test_limits_are_inclusive_and_one_sided_ranges_allowed() -> None:
    assert ProbeTarget(target=400.0).target == 400.0
    assert ProbeTarget(target=-50.0).target == -50.0
    assert ProbeTarget(range_max=130.0).has_range
    assert ProbeTarget(range_min=100.0).has_range


def test_with_preset_sets_target_and_custom_keeps_it() -> None:
    steak = ProbeTarget(label="Steak").with_preset("beef_medium_rare")
    assert (steak.preset, steak.target, steak.label) == ("beef_medium_rare", 57.0, "Steak")
    custom = steak.with_preset(CUSTOM)
    assert (custom.preset, custom.target) == (CUSTOM, 57.0)
    with pytest.raises(TargetError, match="unknown_preset"):
        steak.with_preset("nope")


def test_with_target_keeps_preset_only_when_it_still_matches() -> None:
    pork = ProbeTarget().with_preset("pork")
    assert pork.with_target(63.0).preset == "pork"
    tweaked = pork.with_target(65.0)
    assert (tweaked.preset, tweaked.target) == (CUSTOM, 65.0)
    assert ProbeTarget().with_target(63.0).preset == CUSTOM  # no guessing among 63 °C presets
    assert pork.with_target(None).target is None


def test_round_trip_through_json() -> None:
    target = ProbeTarget(
        target=95.0,
        preset="brisket",
        pre_alert_offset=3.0,
        reminder_interval=0.0,
        label="Brisket",
        range_min=105.0,
        range_max=125.0,
    )
    assert ProbeTarget.from_dict(json.loads(json.dumps(target.to_dict()))) == target


def test_from_dict_defaults_and_unknown_keys() -> None:
    assert ProbeTarget.from_dict({}) == ProbeTarget()
    assert ProbeTarget.from_dict({"target": 60, "future": True}) == ProbeTarget(target=60.0)
    assert isinstance(ProbeTarget.from_dict({"target": 60}).target, float)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "probe target: expected an object"),
        ([], "probe target: expected an object"),
        ({"target": "60"}, "target: expected a number"),
        ({"target": True}, "target: expected a number"),
        ({"target": 1000}, "target_out_of_range"),
        ({"preset": 3}, "preset: expected a string"),
        ({"preset": "beef_blue"}, "unknown_preset"),
        ({"pre_alert_offset": None}, "pre_alert_offset: expected a number"),
        ({"reminder_interval": "5 min"}, "reminder_interval: expected a number"),
        ({"label": None}, "label: expected a string"),
        ({"range_min": 130, "range_max": 120}, "range_inverted"),
        ({"range_max": float("inf")}, "range_max: expected a finite number"),
    ],
)
def test_from_dict_rejects_bad_data(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProbeTarget.from_dict(data)
