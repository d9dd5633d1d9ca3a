"""Skale II payloads: pure functions between bytes and values (fact sheet §1.4, §1.5).

Weight (EF81): bytes 1-2 are a signed 16-bit little-endian value in 0.1 g. That
is the majority reading of the sources, and it agrees with the 24- and 32-bit
readings for every weight under 3276.7 g (§1.8). Byte 0 is a marker whose
meaning is unknown; later bytes are ignored. The scale is put in grams by the
handshake; there is no stability flag.

Commands are single bytes written to EF80, no checksum. The timer opcodes
disagree between sources (§9.1), so they come as a selectable set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..scale import ButtonPress, Payload, PressKind, ScaleButton, ScaleDecodeError, WeightUnit

WEIGHT_MIN_LENGTH: Final = 3

TARE: Final = b"\x10"
GRAMS: Final = b"\x03"
OUNCES: Final = b"\x02"
SAVE_SETTINGS: Final = b"\x04"  # keep the display unit over a power cycle
DISPLAY_WEIGHT: Final = b"\xec"
SCREEN_ON: Final = b"\xed"
SCREEN_OFF: Final = b"\xee"

UNIT_COMMANDS: Final[dict[WeightUnit, bytes]] = {"g": GRAMS, "oz": OUNCES}

_BUTTONS: Final = {1: ScaleButton.CIRCLE, 2: ScaleButton.SQUARE}


@dataclass(frozen=True, slots=True)
class TimerOpcodes:
    """One byte each for the timer commands."""

    start: bytes
    stop: bytes
    reset: bytes


# de1app, Decenza, reaprime and crema: start DD, stop D1, reset D0.
TIMER_MAJORITY: Final = TimerOpcodes(start=b"\xdd", stop=b"\xd1", reset=b"\xd0")
# pyDE1: start D1, stop D2, reset D0.
TIMER_PYDE1: Final = TimerOpcodes(start=b"\xd1", stop=b"\xd2", reset=b"\xd0")


def decode_weight(data: Payload) -> float:
    """Grams from an EF81 notification: bytes 1-2, int16 LE, 0.1 g."""
    if len(data) < WEIGHT_MIN_LENGTH:
        raise ScaleDecodeError(f"Skale weight is {len(data)} bytes, at least 3 expected")
    return int.from_bytes(data[1:3], "little", signed=True) / 10


def decode_button(data: Payload) -> ButtonPress:
    """The button of an EF82 notification: byte 0 is 1 (circle) or 2 (square)."""
    if not data:
        raise ScaleDecodeError("empty Skale button notification")
    button = _BUTTONS.get(data[0])
    if button is None:
        raise ScaleDecodeError(f"unknown Skale button {data[0]}")
    return ButtonPress(button, PressKind.PRESS)


def decode_battery(data: Payload) -> int:
    """Battery percent from the standard Battery Level characteristic (one byte)."""
    if len(data) != 1 or data[0] > 100:
        raise ScaleDecodeError(f"Skale battery level {bytes(data).hex()} is not 0..100")
    return data[0]
