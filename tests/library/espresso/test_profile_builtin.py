"""The profiles shipped with the integration."""

from __future__ import annotations

import json
from pathlib import Path

from custom_components.kitchen_ble.library.espresso.profiles import (
    BeverageType,
    Pump,
    builtin_profiles,
    encode_profile,
    export_json,
    read_profile,
)
from custom_components.kitchen_ble.library.espresso.profiles import builtin as builtin_package

FOLDER = Path(builtin_package.__file__).parent


def test_the_four_builtins_load_in_file_order() -> None:
    assert [profile.title for profile in builtin_profiles()] == [
        "Blooming espresso",
        "Classic 9 bar",
        "Backflush clean",
        "Flat flow 2 mL/s",
    ]


def test_each_builtin_encodes_and_round_trips() -> None:
    for profile in builtin_profiles():
        upload = encode_profile(profile)
        assert len(upload.frames) <= 10  # within the legacy firmware's frame count too
        assert read_profile(export_json(profile)) == profile
        assert profile.version == "2.1"
        assert profile.author == "Kitchen BLE"


def test_builtin_files_are_json_v2_1_with_the_required_keys() -> None:
    required = {
        "version",
        "title",
        "author",
        "notes",
        "beverage_type",
        "steps",
        "target_weight",
        "target_volume",
        "target_volume_count_start",
        "tank_temperature",
        "legacy_profile_type",
        "type",
        "lang",
        "hidden",
    }
    files = sorted(FOLDER.glob("*.json"))
    assert len(files) == 4
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert required <= set(data), path.name
        assert data["version"] == "2.1"


def test_what_each_builtin_is() -> None:
    blooming, classic, clean, flow = builtin_profiles()
    assert classic.steps[-1].pump is Pump.PRESSURE
    assert classic.steps[-1].pressure == 9.0
    assert any(step.pump is Pump.FLOW and step.flow == 0 for step in blooming.steps)
    assert flow.steps[-1].flow == 2.0
    assert flow.steps[-1].limiter is not None
    assert clean.beverage_type is BeverageType.CLEANING
    assert clean.target_weight == 0.0
    assert [profile.beverage_type for profile in (blooming, classic, flow)] == [
        BeverageType.ESPRESSO
    ] * 3


def test_callers_get_their_own_list() -> None:
    first = builtin_profiles()
    first.clear()
    assert len(builtin_profiles()) == 4
