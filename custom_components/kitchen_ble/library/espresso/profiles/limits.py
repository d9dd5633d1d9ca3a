"""The values a profile may hold: what a DE1 frame can carry, and sane app-side bounds.

Readers reject what falls outside (naming the key they read) and the frame
encoder checks again, so a profile built in code cannot overflow a byte either.
The frame ranges come from the encodings of de1.md §2: U8P4 tops out at
255/16, U8P1 at 255/2, F8_1_7 at 127 s and the frame's U10P0 volume at 1023 mL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class FieldRange:
    """A closed interval with its unit, as shown in error messages."""

    low: float
    high: float
    unit: str

    def contains(self, value: float) -> bool:
        """Whether ``value`` is a finite number inside the interval."""
        return math.isfinite(value) and self.low <= value <= self.high

    def describe(self) -> str:
        """The range as a user reads it, e.g. ``0–15.9375 bar``."""
        return f"{format_number(self.low)}–{format_number(self.high)} {self.unit}".rstrip()


def format_number(value: float) -> str:
    """A number without a trailing ``.0``: 9, 15.9375, 0.6."""
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return repr(value)


MAX_STEPS: Final = 20  # pyDE1's limit (ext frames 32–51); the legacy firmware comment says 10
STEP_COUNT: Final = FieldRange(1, MAX_STEPS, "")

U8P4_RANGE: Final = FieldRange(0, 255 / 16, "")
PRESSURE: Final = FieldRange(0, 255 / 16, "bar")
FLOW: Final = FieldRange(0, 255 / 16, "mL/s")
TEMPERATURE: Final = FieldRange(0, 255 / 2, "°C")
SECONDS: Final = FieldRange(0, 127, "s")
VOLUME: Final = FieldRange(0, 1023, "mL")
STEP_WEIGHT: Final = FieldRange(0, 2000, "g")  # app-side; the bound only catches typos
LIMITER_RANGE: Final = FieldRange(0, 255 / 16, "")

TARGET_WEIGHT: Final = FieldRange(0, 2000, "g")
TARGET_VOLUME: Final = FieldRange(0, 2000, "mL")
COUNT_START: Final = FieldRange(0, MAX_STEPS, "steps")
# MMR TANK_TEMP is whole °C; de1app itself writes 60 to stir the tank (de1.md §7.2).
TANK_TEMPERATURE: Final = FieldRange(0, 60, "°C")
