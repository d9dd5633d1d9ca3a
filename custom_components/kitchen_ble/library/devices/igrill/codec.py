"""iGrill payloads: pure functions between bytes and values (fact sheet §1.4 and §1.5).

Every decoder raises ValueError on malformed input.
"""

from __future__ import annotations

import re
import string
from typing import Final

from ..thermometer import HeatingElements, TemperatureUnit

type Payload = bytes | bytearray

UNPLUGGED: Final = -2000  # probe sentinel `30 f8`
INT16_MIN: Final = -32768
INT16_MAX: Final = 32767

# Unit byte (06ef0001) as (unit when the byte is 0, unit for any other byte).
# ESPH and E32 read 0 as °F, and KINS writes °F thresholds raw; JAYK maps it the
# other way round, but its own V202 observation fits this mapping (§1.5, §5.1).
# Swap the pair if a Fahrenheit-mode capture ever says otherwise.
UNIT_MAPPING: Final[tuple[TemperatureUnit, TemperatureUnit]] = ("°F", "°C")

# Zero challenge: the device then sends AES_k(00×8 ‖ D), which is already the
# response it expects, so echoing it back needs no key (§1.4, vector I-12).
APP_CHALLENGE: Final = bytes(16)

_ELEMENT_OFFSETS: Final = (1, 5, 9, 13)  # left actual, right actual, left set, right set
_ELEMENT_WIDTH: Final = 3
_ELEMENT_MIN_LENGTH: Final = 12  # up to the left set point; the Pulse 1000 length is unknown
_NUMBER = re.compile(r"-?[0-9]+")


def _single_byte(data: Payload, what: str) -> int:
    """The value of a 1-byte characteristic (unit, battery, propane: fact sheet §1.3)."""
    if len(data) != 1:
        raise ValueError(f"{what} value is {len(data)} bytes, not 1: {bytes(data).hex()}")
    return data[0]


def decode_probe(data: Payload) -> int | None:
    """Probe temperature in the device unit; None when the probe is unplugged."""
    if len(data) < 2:
        raise ValueError(f"probe value too short: {bytes(data).hex()}")
    value = int.from_bytes(data[:2], "little", signed=True)  # V2 notifications add a 3rd byte
    return None if value == UNPLUGGED else value


def decode_unit(data: Payload) -> TemperatureUnit:
    """Display unit of the device, which is also the unit of probe values."""
    zero_unit, other_unit = UNIT_MAPPING
    return zero_unit if _single_byte(data, "unit") == 0 else other_unit


def decode_battery(data: Payload) -> int:
    """Battery level in percent."""
    value = _single_byte(data, "battery")
    if value > 100:
        raise ValueError(f"battery level {value} above 100 %")
    return value


def decode_propane(data: Payload) -> int:
    """Propane level in percent; the device counts quarters."""
    return min(_single_byte(data, "propane") * 25, 100)


def _element_field(text: str, offset: int) -> int | None:
    field = text[offset : offset + _ELEMENT_WIDTH].strip(" \x00")
    if not field:
        return None
    if not _NUMBER.fullmatch(field):
        raise ValueError(f"heating element field {field!r} is not a number")
    return int(field)


def decode_elements(data: Payload) -> HeatingElements:
    """Pulse heating elements: 3-character decimal fields after one separator byte each."""
    if len(data) < _ELEMENT_MIN_LENGTH:
        raise ValueError(f"heating element value too short: {bytes(data).hex()}")
    try:
        text = bytes(data).decode("ascii")
    except UnicodeDecodeError as err:
        raise ValueError(f"heating element value is not ASCII: {bytes(data).hex()}") from err
    left_actual, right_actual, left_set, right_set = (
        _element_field(text, offset) for offset in _ELEMENT_OFFSETS
    )
    return HeatingElements(left_actual, right_actual, left_set, right_set)


def decode_firmware(data: Payload) -> str:
    """Firmware version: ASCII padded with NULs."""
    try:
        text = bytes(data).decode("ascii")
    except UnicodeDecodeError as err:
        raise ValueError(f"firmware version is not ASCII: {bytes(data).hex()}") from err
    return text.strip("\x00" + string.whitespace)


def encode_threshold(low: int | None, high: int | None) -> bytes:
    """Probe alarm limits: int16 low then int16 high, little-endian; None means no limit."""
    limits = (INT16_MIN if low is None else low, INT16_MAX if high is None else high)
    for limit in limits:
        if not INT16_MIN <= limit <= INT16_MAX:
            raise ValueError(f"threshold {limit} outside int16")
    return b"".join(limit.to_bytes(2, "little", signed=True) for limit in limits)


def device_response(device_challenge: Payload) -> bytes:
    """Response to the device challenge that followed APP_CHALLENGE: the same 16 bytes."""
    if len(device_challenge) != 16:
        raise ValueError(f"device challenge is {len(device_challenge)} bytes, not 16")
    return bytes(device_challenge)
