"""Doneness presets: each sets a probe's target core temperature (°C)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

CUSTOM: Final = "custom"  # the user's own target: selecting it leaves the target alone

# USDA safe minimums where they exist (pork and fish 63 °C, poultry 74 °C,
# well-done beef 71 °C); beef doneness and the low-and-slow finishing points
# (collagen rendered, "probe tender") follow common cooking practice.
PRESETS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "beef_rare": 52.0,
        "beef_medium_rare": 57.0,
        "beef_medium": 63.0,
        "beef_medium_well": 68.0,
        "beef_well_done": 71.0,
        "pork": 63.0,
        "poultry": 74.0,
        "fish": 63.0,
        "brisket": 95.0,
        "pulled_pork": 96.0,
    }
)

PRESET_IDS: Final[tuple[str, ...]] = (*PRESETS, CUSTOM)


def is_preset(preset_id: str) -> bool:
    return preset_id in PRESETS or preset_id == CUSTOM


def preset_target(preset_id: str) -> float | None:
    """Target of a preset, None for "custom"; ValueError for an unknown id."""
    if preset_id == CUSTOM:
        return None
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise ValueError(f"unknown preset {preset_id!r}") from None
