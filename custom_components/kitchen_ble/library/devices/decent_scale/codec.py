"""Decent Scale frames: pure functions between bytes and values (fact sheet §4.4, §4.5).

Every frame starts with a model byte (``03``; the Half Decent guide calls it
``modelByte``, so it is not checked) and a type byte. Weights are int16 BE in
0.1 g; ``CE`` is stable, ``CA`` changing; 7-byte frames (firmware 1.0/1.1)
carry an unknown "rate", 10-byte ones (1.2+) the scale's timer. The last byte
is the XOR of the others; the original scale gets it wrong, so it is reported
(``checksum_ok``) but never used to reject a frame (§4.4).

Commands: ``03 <cmd> <d1> <d2> <d3> <d4> <xor>``. The last data byte of LED-on
and tare switches the Half Decent's heartbeat requirement on (01) or off (00).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..scale import (
    ButtonPress,
    Payload,
    PressKind,
    ScaleButton,
    ScaleDecodeError,
    ScaleEncodeError,
    WeightUnit,
    xor_checksum,
)

MODEL_BYTE: Final = 0x03
TYPE_STABLE: Final = 0xCE
TYPE_CHANGING: Final = 0xCA
TYPE_BUTTON: Final = 0xAA
TYPE_STATUS: Final = 0x0A  # answer to LED-on and the heartbeat
TYPE_TARE: Final = 0x0F
TARE_ACK: Final = 0xFE  # byte 5 of a tare answer
WEIGHT_SIZES: Final = (7, 10)
STATUS_SIZE: Final = 7
BATTERY_MAX: Final = 100  # above: charging / USB powered, level unknown

CMD_LED: Final = 0x0A
CMD_TIMER: Final = 0x0B
CMD_TARE: Final = 0x0F

_BUTTONS: Final = {1: ScaleButton.CIRCLE, 2: ScaleButton.SQUARE}
# Byte 3 of a button frame: 1 short, 2 long (vendor's Half Decent guide).
_PRESSES: Final = {1: PressKind.SHORT, 2: PressKind.LONG}
_UNIT_BYTES: Final[dict[WeightUnit, int]] = {"g": 0, "oz": 1}


@dataclass(frozen=True, slots=True)
class DecentWeight:
    """A weight frame."""

    grams: float
    stable: bool
    timer: float | None  # seconds; only in 10-byte frames
    checksum_ok: bool


@dataclass(frozen=True, slots=True)
class DecentButton:
    """A button frame."""

    press: ButtonPress


@dataclass(frozen=True, slots=True)
class DecentStatus:
    """The answer to LED-on or a heartbeat: battery and firmware (no checksum)."""

    battery: int | None  # percent; None while charging / on USB
    firmware: str


@dataclass(frozen=True, slots=True)
class DecentOther:
    """A frame that is none of the above (a tare answer, an unknown type)."""

    frame_type: int
    tare_ack: bool = False


type DecentMessage = DecentWeight | DecentButton | DecentStatus | DecentOther


def encode(command: int, d1: int = 0, d2: int = 0, d3: int = 0, d4: int = 0) -> bytes:
    """A 7-byte command with its XOR."""
    body = [MODEL_BYTE, command, d1, d2, d3, d4]
    if not all(0 <= value <= 0xFF for value in body):
        raise ScaleEncodeError(f"Decent command bytes {body} are not all single bytes")
    return bytes([*body, xor_checksum(body)])


def encode_led_on(*, heartbeat: bool = True, unit: WeightUnit = "g") -> bytes:
    """Display on (grams or ounces); ``heartbeat`` makes the Half Decent require one."""
    return encode(CMD_LED, 1, 1, _UNIT_BYTES[unit], int(heartbeat))


def encode_tare(counter: int = 0, *, heartbeat: bool = True) -> bytes:
    """Tare; the counter byte is 00 in the vendor's quick start, de1app counts it."""
    return encode(CMD_TARE, counter, 0, 0, int(heartbeat))


LED_OFF: Final = encode(CMD_LED, 0, 0, 0, 0)
POWER_OFF: Final = encode(CMD_LED, 2, 0, 0, 0)
HEARTBEAT: Final = encode(CMD_LED, 3, 0xFF, 0xFF, 0)
TIMER_START: Final = encode(CMD_TIMER, 3)
TIMER_STOP: Final = encode(CMD_TIMER, 0)
TIMER_RESET: Final = encode(CMD_TIMER, 2)


def _bcd(value: int) -> int:
    return (value >> 4) * 10 + (value & 0x0F)


def decode_notification(data: Payload) -> DecentMessage:
    """One FFF4 notification."""
    if len(data) < 3:
        raise ScaleDecodeError(f"Decent frame too short: {bytes(data).hex()}")
    frame_type = data[1]
    if frame_type in (TYPE_STABLE, TYPE_CHANGING):
        return _decode_weight(data)
    if frame_type == TYPE_BUTTON:
        button = _BUTTONS.get(data[2])
        if button is None:
            raise ScaleDecodeError(f"unknown Decent button {data[2]}")
        how = _PRESSES.get(data[3], PressKind.PRESS) if len(data) > 3 else PressKind.PRESS
        return DecentButton(ButtonPress(button, how))
    if frame_type == TYPE_STATUS:
        if len(data) < STATUS_SIZE:
            raise ScaleDecodeError(f"Decent status frame too short: {bytes(data).hex()}")
        battery = data[4] if data[4] <= BATTERY_MAX else None
        firmware = f"{_bcd(data[5])}.{data[6] >> 4}.{data[6] & 0x0F}"
        return DecentStatus(battery, firmware)
    tare_ack = frame_type == TYPE_TARE and len(data) > 5 and data[5] == TARE_ACK
    return DecentOther(frame_type, tare_ack)


def _decode_weight(data: Payload) -> DecentWeight:
    if len(data) not in WEIGHT_SIZES:
        raise ScaleDecodeError(f"Decent weight frame is {len(data)} bytes, not 7 or 10")
    grams = int.from_bytes(data[2:4], "big", signed=True) / 10
    timer = None
    if len(data) == 10:
        timer = data[4] * 60 + data[5] + data[6] / 10
    return DecentWeight(
        grams,
        stable=data[1] == TYPE_STABLE,
        timer=timer,
        checksum_ok=xor_checksum(data[:-1]) == data[-1],
    )
