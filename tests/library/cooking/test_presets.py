"""Doneness presets."""

from __future__ import annotations

import re

import pytest

from custom_components.kitchen_ble.library.cooking.presets import (
    CUSTOM,
    PRESET_IDS,
    PRESETS,
    is_preset,
    preset_target,
)


def test_ids_are_snake_case_and_end_with_custom() -> None:
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", preset_id) for preset_id in PRESET_IDS)
    assert PRESET_IDS[-1] == CUSTOM
    assert len(set(PRESET_IDS)) == len(PRESET_IDS)


def test_issue_presets_are_present_with_food_safe_values() -> None:
    beef = ["beef_rare", "beef_medium_rare", "beef_medium", "beef_medium_well", "beef_well_done"]
    assert [PRESETS[name] for name in beef] == sorted(PRESETS[name] for name in beef)
    assert PRESETS["poultry"] >= 74.0  # USDA 165 °F
    assert PRESETS["pork"] >= 63.0  # USDA 145 °F
    assert PRESETS["fish"] >= 63.0
    assert 90.0 <= PRESETS["brisket"] <= 96.0
    assert 90.0 <= PRESETS["pulled_pork"] <= 97.0


def test_preset_target() -> None:
    assert preset_target("beef_medium_rare") == 57.0
    assert preset_target(CUSTOM) is None
    with pytest.raises(ValueError, match="unknown preset"):
        preset_target("beef_blue")


def test_is_preset() -> None:
    assert is_preset("poultry")
    assert is_preset(CUSTOM)
    assert not is_preset("Poultry")


def test_presets_are_read_only() -> None:
    with pytest.raises(TypeError):
        PRESETS["pork"] = 1.0  # type: ignore[index]
