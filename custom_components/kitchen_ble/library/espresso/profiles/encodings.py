"""The DE1's number encodings as the frame code uses them: one byte (or word) as an integer.

There is one implementation of the encodings (de1.md §2), the DE1 family's
``numbers`` module: rounding halves away from zero as de1app does (Python's
``round`` would send 92.25 °C as 184 instead of 185) and a range check on
every field. This module only reads its bytes as the integers a frame is
assembled from. The frame encoder checks ranges first and names the step and
field; a value that still does not fit raises the family's ``De1EncodeError``.
"""

from __future__ import annotations

from typing import Final

from ...devices.de1 import numbers

F8_1_7_WHOLE_SECONDS: Final = numbers.F8_1_7_WHOLE_SECONDS
F8_1_7_SWITCH: Final = numbers.F8_1_7_SWITCH
U10P0_FLAG: Final = numbers.U10P0_FLAG
U10P0_MASK: Final = 0x03FF


def round_half_up(value: float) -> int:
    """Round as de1app does: halves away from zero (values here are never negative)."""
    return numbers.round_half_away(value)


def encode_u8p4(value: float) -> int:
    """Pressure (bar) or flow (mL/s) in sixteenths."""
    return numbers.encode_u8p4(value)[0]


def decode_u8p4(raw: int) -> float:
    """Sixteenths back to bar or mL/s."""
    return numbers.decode_u8p4(bytes((raw,)))


def encode_u8p1(value: float) -> int:
    """Frame temperature in half degrees."""
    return numbers.encode_u8p1(value)[0]


def decode_u8p1(raw: int) -> float:
    """Half degrees back to °C."""
    return numbers.decode_u8p1(bytes((raw,)))


def encode_f8_1_7(seconds: float) -> int:
    """Frame length: tenths below 12.75 s, whole seconds with the high bit above."""
    return numbers.encode_f8_1_7(seconds)[0]


def decode_f8_1_7(raw: int) -> float:
    """Frame length in seconds (``raw / 10``, not ``raw * 0.1``, so 0x7F is exactly 12.7)."""
    return numbers.decode_f8_1_7(bytes((raw,)))


def encode_u10p0(volume: float) -> int:
    """Frame volume limit in mL, with bit 10 set as de1app sends it."""
    return int.from_bytes(numbers.encode_u10p0(volume), "big")


def decode_u10p0(raw: int) -> int:
    """Frame volume limit in mL; bit 10 (set by most apps, not by pyDE1) is ignored."""
    return numbers.decode_u10p0(raw.to_bytes(2, "big"))
