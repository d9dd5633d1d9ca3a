"""The DE1's fixed-point number encodings used in profile frames (de1.md §2).

Encoders round halves away from zero, as de1app (Tcl ``round``) does; Python's
``round`` would send 92.25 °C as 184 instead of 185. They return the raw
integer and do not clamp: the frame encoder checks ranges first.
"""

from __future__ import annotations

import math
from typing import Final

F8_1_7_WHOLE_SECONDS: Final = 0x80  # high bit: whole seconds instead of tenths
F8_1_7_SWITCH: Final = 12.75  # de1app, REA and Decenza switch to whole seconds here
U10P0_FLAG: Final = 0x0400  # de1app, REA and Decenza always set bit 10 of MaxVol
U10P0_MASK: Final = 0x03FF


def round_half_up(value: float) -> int:
    """Round as de1app does: halves away from zero (values here are never negative)."""
    return math.floor(value + 0.5)


def encode_u8p4(value: float) -> int:
    """Pressure (bar) or flow (mL/s) in sixteenths."""
    return round_half_up(value * 16)


def decode_u8p4(raw: int) -> float:
    """Sixteenths back to bar or mL/s."""
    return raw / 16


def encode_u8p1(value: float) -> int:
    """Frame temperature in half degrees."""
    return round_half_up(value * 2)


def decode_u8p1(raw: int) -> float:
    """Half degrees back to °C."""
    return raw / 2


def encode_f8_1_7(seconds: float) -> int:
    """Frame length: tenths below 12.75 s, whole seconds with the high bit above."""
    if seconds < F8_1_7_SWITCH:
        return round_half_up(seconds * 10)
    return round_half_up(seconds) | F8_1_7_WHOLE_SECONDS


def decode_f8_1_7(raw: int) -> float:
    """Frame length in seconds (``raw / 10``, not ``raw * 0.1``, so 0x7F is exactly 12.7)."""
    if raw & F8_1_7_WHOLE_SECONDS:
        return float(raw & 0x7F)
    return raw / 10


def encode_u10p0(volume: float) -> int:
    """Frame volume limit in mL, with bit 10 set as de1app sends it."""
    return round_half_up(volume) | U10P0_FLAG


def decode_u10p0(raw: int) -> int:
    """Frame volume limit in mL; bit 10 (set by most apps, not by pyDE1) is ignored."""
    return raw & U10P0_MASK
