"""Felicita payloads: pure functions between bytes and values (fact sheet §3.4, §3.5).

Notification (FFE1, 18 bytes): ``01 02``, a sign (``+``, ``-`` or a space), six
ASCII digits, a two-character unit (" g" or "oz"), four unknown bytes, the raw
battery (129 empty … 158 full) and CR LF. Grams are the digits / 100; ounces
are the digits / 10000 (felicita-hacs only, unconfirmed, §9.5). Commands are
single ASCII bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..scale import Payload, ScaleDecodeError, WeightUnit, ounces_to_grams

HEADER: Final = b"\x01\x02"
MIN_LENGTH: Final = 16  # through the battery byte; the CR LF is not needed
SIGNS: Final = {0x2B: 1, 0x20: 1, 0x2D: -1}  # "+", " " (some firmware), "-"
UNITS: Final[dict[bytes, WeightUnit]] = {b" g": "g", b"oz": "oz"}
DIVISORS: Final[dict[WeightUnit, int]] = {"g": 100, "oz": 10000}
BATTERY_EMPTY: Final = 129
BATTERY_FULL: Final = 158

TARE: Final = b"T"
TIMER_START: Final = b"R"
TIMER_STOP: Final = b"S"
TIMER_RESET: Final = b"C"
TOGGLE_TIMER: Final = b"B"
TOGGLE_PRECISION: Final = b"D"
TOGGLE_UNIT: Final = b"U"


@dataclass(frozen=True, slots=True)
class FelicitaReading:
    """One notification."""

    grams: float
    unit: WeightUnit  # what the scale displays
    battery: int  # percent
    battery_raw: int


def battery_percent(raw: int) -> int:
    """Beanconqueror's and reaprime's rounding of 129..158 to 0..100 (clamped)."""
    percent = round((raw - BATTERY_EMPTY) / (BATTERY_FULL - BATTERY_EMPTY) * 100)
    return max(0, min(100, percent))


def decode_reading(data: Payload) -> FelicitaReading:
    """Weight (in grams whatever the display unit), unit and battery of a notification."""
    if len(data) < MIN_LENGTH or data[:2] != HEADER:
        raise ScaleDecodeError(f"not a Felicita weight notification: {bytes(data).hex()}")
    sign = SIGNS.get(data[2])
    if sign is None:
        raise ScaleDecodeError(f"Felicita sign byte 0x{data[2]:02x} is not '+', '-' or ' '")
    digits = bytes(data[3:9])
    if not digits.isdigit():
        raise ScaleDecodeError(f"Felicita weight digits {digits!r} are not six ASCII digits")
    unit = UNITS.get(bytes(data[9:11]))
    if unit is None:
        raise ScaleDecodeError(f"unknown Felicita unit {bytes(data[9:11])!r}")
    value = sign * int(digits) / DIVISORS[unit]
    grams = value if unit == "g" else ounces_to_grams(value)
    return FelicitaReading(grams + 0.0, unit, battery_percent(data[15]), data[15])
