"""iGrill wire bytes, device side (thermometers.md §1.5)."""

from __future__ import annotations

import math
import struct

from .const import UNIT_FAHRENHEIT, UNPLUGGED

_INT16 = struct.Struct("<h")
_THRESHOLD = struct.Struct("<hh")


def to_device_unit(celsius: float, unit: int) -> float:
    """Degrees in the device's display unit (0 = °F, anything else = °C)."""
    return celsius * 9 / 5 + 32 if unit == UNIT_FAHRENHEIT else celsius


def encode_probe(value: int | None, *, three_bytes: bool = False) -> bytes:
    """A probe value: signed LE int16 whole degrees; None is unplugged (30 f8).

    The V2 sends a third byte, always 00 in the capture.
    """
    raw = UNPLUGGED if value is None else max(-32768, min(32767, value))
    data = _INT16.pack(raw)
    return data + b"\x00" if three_bytes else data


def encode_threshold(low: int, high: int) -> bytes:
    """A probe threshold: low then high, signed LE int16 each."""
    return _THRESHOLD.pack(low, high)


def decode_threshold(data: bytes) -> tuple[int, int]:
    """(low, high) from a 4-byte threshold write; ValueError otherwise."""
    if len(data) != _THRESHOLD.size:
        raise ValueError(f"a threshold is 4 bytes, got {len(data)}")
    low, high = _THRESHOLD.unpack(data)
    return low, high


def encode_firmware(version: str) -> bytes:
    """The firmware version: ASCII padded with NULs to 16 bytes."""
    return version.encode("ascii").ljust(16, b"\x00")


def encode_propane(fraction: float) -> bytes:
    """Propane in quarters, 0..4 (×25 gives percent); a part quarter counts."""
    quarters = math.ceil(round(max(0.0, min(1.0, fraction)) * 4, 9))
    return bytes([quarters])


def encode_elements(actual: list[int], setpoint: list[int]) -> bytes:
    """Pulse heating elements as ASCII " LLL RRR lll rrr".

    Left and right actual, then left and right set point; three digits each
    after a space. A one-element Pulse 1000 sends 000 for the right side.
    """
    left_actual, right_actual = [*actual, 0, 0][:2]
    left_set, right_set = [*setpoint, 0, 0][:2]
    fields = (left_actual, right_actual, left_set, right_set)
    return "".join(f" {max(0, min(999, v)):03d}" for v in fields).encode("ascii")
