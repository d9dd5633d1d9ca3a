"""The DE1's fixed-point number encodings (fact sheet §2), both ways, with range checks.

``U`` is unsigned, ``S`` signed, the first number the total bits and ``P<n>`` the
fractional bits (value = raw ÷ 2^n). GATT fields are big-endian; MMR register
data is little-endian and handled in ``codec``.

Encoders round halves away from zero as de1app (Tcl ``round``) does, never
Python's banker's rounding: 92.25 °C × 2 = 184.5 must give 185. A value that
does not round into its field raises ``De1EncodeError``; a frame of the wrong
length raises ``De1DecodeError``.
"""

from __future__ import annotations

import math
from typing import Final, TypeIs

from .errors import De1DecodeError, De1EncodeError

type Payload = bytes | bytearray

F8_1_7_WHOLE_SECONDS: Final = 0x80  # bit 7 set: the low 7 bits are whole units
F8_1_7_SWITCH: Final = 12.75  # from here on whole units (REA, Decenza code and tests)
U10P0_FLAG: Final = 0x0400  # bit 10, set by de1app, REA and Decenza (§12.1)


def round_half_away(value: float) -> int:
    """``value`` rounded to an integer, halves away from zero (de1app's ``round``)."""
    if value < 0:
        return -math.floor(-value + 0.5)
    return math.floor(value + 0.5)


def _is_number(value: object) -> TypeIs[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_raw(value: object, scale: int, low: int, high: int, name: str) -> int:
    """``value × scale`` rounded, checked to lie in ``low..high`` before any overflow."""
    if not _is_number(value):
        raise De1EncodeError(f"{name}: {value!r} is not a number")
    scaled = value * scale
    if not math.isfinite(scaled) or not low - 0.5 <= scaled < high + 0.5:
        raise De1EncodeError(f"{name}: {value!r} outside {low / scale}..{high / scale}")
    raw = round_half_away(scaled)
    if not low <= raw <= high:  # a half just at the edge
        raise De1EncodeError(f"{name}: {value!r} outside {low / scale}..{high / scale}")
    return raw


def _field(data: Payload, size: int, name: str) -> int:
    if len(data) != size:
        raise De1DecodeError(f"{name} needs {size} byte(s), got {len(data)}")
    return int.from_bytes(data, "big")


def encode_u8p0(value: float) -> bytes:
    """A whole number 0..255 in one byte."""
    return bytes([to_raw(value, 1, 0, 0xFF, "U8P0")])


def decode_u8p0(data: Payload) -> int:
    return _field(data, 1, "U8P0")


def encode_u8p1(value: float) -> bytes:
    """0..127.5 in 0.5 steps (frame temperature, °C)."""
    return bytes([to_raw(value, 2, 0, 0xFF, "U8P1")])


def decode_u8p1(data: Payload) -> float:
    return _field(data, 1, "U8P1") / 2


def encode_u8p4(value: float) -> bytes:
    """0..15.9375 in 1/16 steps (pressure in bar, flow in mL/s)."""
    return bytes([to_raw(value, 16, 0, 0xFF, "U8P4")])


def decode_u8p4(data: Payload) -> float:
    return _field(data, 1, "U8P4") / 16


def encode_u16p8(value: float) -> bytes:
    """0..255.996 in 1/256 steps, big-endian (temperatures, water level in mm)."""
    return to_raw(value, 256, 0, 0xFFFF, "U16P8").to_bytes(2, "big")


def decode_u16p8(data: Payload) -> float:
    return _field(data, 2, "U16P8") / 256


def encode_u16p12(value: float) -> bytes:
    """0..15.9998 in 1/4096 steps, big-endian (ShotSample pressure and flow)."""
    return to_raw(value, 4096, 0, 0xFFFF, "U16P12").to_bytes(2, "big")


def decode_u16p12(data: Payload) -> float:
    return _field(data, 2, "U16P12") / 4096


def encode_u24p16(value: float) -> bytes:
    """0..255.99998 in 1/65536 steps, big-endian (ShotSample head temperature)."""
    return to_raw(value, 65536, 0, 0xFFFFFF, "U24P16").to_bytes(3, "big")


def decode_u24p16(data: Payload) -> float:
    """Byte 0 whole degrees, bytes 1-2 the fraction in 1/65536."""
    return _field(data, 3, "U24P16") / 65536


def encode_u24p0(value: int) -> bytes:
    """A 24-bit whole number, big-endian (MMR addresses)."""
    return to_raw(value, 1, 0, 0xFFFFFF, "U24P0").to_bytes(3, "big")


def decode_u24p0(data: Payload) -> int:
    return _field(data, 3, "U24P0")


def encode_s32p16(value: float) -> bytes:
    """Signed, 1/65536 steps, big-endian (calibration values)."""
    raw = to_raw(value, 65536, -(2**31), 2**31 - 1, "S32P16")
    return raw.to_bytes(4, "big", signed=True)


def decode_s32p16(data: Payload) -> float:
    if len(data) != 4:
        raise De1DecodeError(f"S32P16 needs 4 bytes, got {len(data)}")
    return int.from_bytes(data, "big", signed=True) / 65536


def encode_u10p0(value: float, *, flag: bool = True) -> bytes:
    """0..1023 in the low 10 bits, big-endian; bit 10 set unless ``flag`` is False (§12.1)."""
    raw = to_raw(value, 1, 0, 0x03FF, "U10P0")
    return (raw | (U10P0_FLAG if flag else 0)).to_bytes(2, "big")


def decode_u10p0(data: Payload) -> int:
    """The low 10 bits; bit 10 and above carry no value."""
    return _field(data, 2, "U10P0") & 0x03FF


def encode_f8_1_7(value: float) -> bytes:
    """Below 12.75: tenths (0..12.7); from 12.75: whole units (13..127) with bit 7 set.

    The sources cap at 127; here a value that rounds above 127 is refused
    rather than silently shortened.
    """
    if _is_number(value) and value < F8_1_7_SWITCH:
        return bytes([to_raw(value, 10, 0, 0x7F, "F8_1_7")])
    return bytes([to_raw(value, 1, 13, 0x7F, "F8_1_7") | F8_1_7_WHOLE_SECONDS])


def decode_f8_1_7(data: Payload) -> float:
    """Bit 7 clear: raw / 10 (not raw × 0.1, which gives 12.700000000000001); set: raw & 0x7F."""
    raw = _field(data, 1, "F8_1_7")
    if raw & F8_1_7_WHOLE_SECONDS:
        return float(raw & 0x7F)
    return raw / 10
