"""Acaia ``EF DD`` frames, both directions (scales.md §2.3-§2.5, §2.7).

From the scale: ``EF DD <type> <len> <payload> <ck1> <ck2>``, where ``len``
counts itself and the payload and the checksums sum the even- and odd-indexed
bytes from ``len`` on. From the central: ``EF DD <type> <payload> <ck1> <ck2>``
with the checksums over the payload only (no length byte).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .base import ScaleCommandError

HEADER: Final = b"\xef\xdd"

# Message types from the central (§2.3).
HEARTBEAT: Final = 0x00
TARE: Final = 0x04
GET_SETTINGS: Final = 0x06
CONFIG: Final = 0x0A
IDENTIFY: Final = 0x0B
NOTIFICATION_REQUEST: Final = 0x0C
TIMER: Final = 0x0D

# Message types from the scale.
INFO: Final = 0x07
SETTINGS: Final = 0x08
EVENT: Final = 0x0C

# Event types (byte 4 of an event frame).
EVENT_WEIGHT: Final = 5
EVENT_TIMER: Final = 7
EVENT_KEY: Final = 8
EVENT_ACK: Final = 11

# Timer operations (payload byte 1 of a timer command) and their ACK codes.
TIMER_START: Final = 0
TIMER_RESET: Final = 1
TIMER_STOP: Final = 2
ACK_CODES: Final = {TIMER_START: 0x01, TIMER_STOP: 0x21, TIMER_RESET: 0x41}

# Key events (§2.4): the two bytes after the event type.
KEY_TARE: Final = b"\x00\x05"
KEY_TIMER_START: Final = b"\x08\x05"
KEY_TIMER_STOP: Final = b"\x0a\x07"
KEY_TIMER_RESET: Final = b"\x09\x07"

# Config settings (pyDE1's ConfigType) and values.
CONFIG_UNITS: Final = 0
CONFIG_AUTO_OFF: Final = 1
CONFIG_TOUCHPAD: Final = 2
CONFIG_CAPACITY: Final = 4
CONFIG_BEEP: Final = 5
UNITS_GRAMS: Final = 0x02
UNITS_OUNCES: Final = 0x05
# Auto-off byte -> minutes, pyDE1's reading (aioacaia reads value x 5; both agree up to 2).
AUTO_OFF_MINUTES: Final = {0: 0, 1: 5, 2: 10, 3: 20, 4: 30, 5: 60}

# The INFO frame a scale that rejects the identify keeps sending (vector A6).
INFO_REJECTED: Final = bytes.fromhex("02 19 01 00 05 01")


def checksum(span: bytes) -> bytes:
    """Low bytes of the sums of the even- and the odd-indexed bytes of ``span``."""
    return bytes([sum(span[0::2]) & 0xFF, sum(span[1::2]) & 0xFF])


def encode_frame(message_type: int, payload: bytes) -> bytes:
    """A frame from the scale: header, type, length, payload, checksums."""
    span = bytes([len(payload) + 1]) + payload
    frame: bytes = HEADER + bytes([message_type]) + span + checksum(span)
    return frame


def encode_event(event: int, body: bytes) -> bytes:
    """An event frame (type 0C): the event type, then its body."""
    return encode_frame(EVENT, bytes([event]) + body)


def weight_body(value: float, decimals: int, *, unsettled: bool) -> bytes:
    """The 6-byte weight body: 24-bit LE magnitude, 00, exponent, flags (§2.4)."""
    magnitude = min(round(abs(value) * 10.0**decimals), 0xFFFFFF)
    flags = (0x02 if value < 0 and magnitude else 0) | (0x01 if unsettled else 0)
    return magnitude.to_bytes(3, "little") + bytes([0, decimals, flags])


def timer_body(minutes: int, seconds: int, tenths: int) -> bytes:
    """The 3-byte time: minutes, seconds, tenths."""
    return bytes([minutes & 0xFF, seconds, tenths])


def encode_settings(
    *,
    battery: int,
    ounces: bool,
    auto_off: int,
    beep: bool,
    capacity: int = 0,
    unknown: tuple[int, int, int] = (0x02, 0x00, 0x01),
) -> bytes:
    """The settings frame (type 08); ``unknown`` fills frame bytes 6, 8, 10 as captured (A2)."""
    payload = bytes(
        [
            battery & 0x7F,
            UNITS_OUNCES if ounces else UNITS_GRAMS,
            unknown[0],
            auto_off,
            unknown[1],
            int(beep),
            unknown[2],
            capacity,
        ]
    )
    return encode_frame(SETTINGS, payload)


@dataclass(frozen=True, slots=True)
class AcaiaCommand:
    """One message from the central."""

    message_type: int
    payload: bytes
    checksum_ok: bool


def decode_command(data: bytes) -> AcaiaCommand:
    """A write from the central: header, type, payload, two checksum bytes."""
    if len(data) < 5 or data[:2] != HEADER:
        raise ScaleCommandError(f"{data.hex(' ')}: not an EF DD message")
    payload = data[3:-2]
    return AcaiaCommand(data[2], payload, checksum(payload) == data[-2:])
