"""Bookoo frames: pure functions between bytes and values (fact sheet §5.4, §5.5).

Weight (FF11, 20 bytes): ``03 0B``, timer ms 24-bit BE, unit byte, weight
sign, grams × 100 24-bit BE, flow sign, flow × 100 16-bit BE (g/s), battery %,
standby, buzzer level, flow smoothing, auto-stop mode, XOR of bytes 0-18. The
widths follow the vendor document and crema's captures (aiobookoo's 16-bit
weight and timer wrap). Standby is read in 0.1 min (crema's captures: 0x0096
for a 15-minute setting), against the vendor document's minutes (§9.4). The
XOR held on 606 of 606 captured frames, so a frame that fails it is refused.

Commands (FF12): ``03 0A <cmd> <p1> <p2> <xor>``. The vendor document's timer
constants are not the XOR it specifies (§5.5); both forms are here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from ..scale import Payload, ScaleDecodeError, ScaleEncodeError, xor_checksum

type TimerChecksum = Literal["documented", "xor"]

FRAME_SIZE: Final = 20
WEIGHT_HEADER: Final = b"\x03\x0b"
EVENT_HEADER: Final = b"\x03\x0d"  # FF12: auto-timer start (01) / stop (00)
SIGNS: Final = {0x2B: 1, 0x2D: -1}
UNIT_GRAMS: Final = 0x01  # the only unit byte ever captured

CMD_TARE: Final = 0x01
CMD_BEEP: Final = 0x02
CMD_AUTO_OFF: Final = 0x03
CMD_TIMER_START: Final = 0x04
CMD_TIMER_STOP: Final = 0x05
CMD_TIMER_RESET: Final = 0x06
CMD_TARE_AND_START: Final = 0x07
CMD_FLOW_SMOOTHING: Final = 0x08

BEEP_LEVELS: Final = range(6)
AUTO_OFF_MINUTES: Final = range(5, 31)


@dataclass(frozen=True, slots=True)
class BookooReading:
    """One 20-byte weight frame."""

    timer: float  # seconds
    grams: float
    flow: float  # g/s, as the scale computes it
    battery: int | None  # percent; None if the byte is above 100
    standby: float  # minutes (0.1-minute units on the wire)
    beep: int  # buzzer level 0-5
    flow_smoothing: bool
    auto_stop: int  # 0 flow-stop, 1 cup removal
    unit_code: int


@dataclass(frozen=True, slots=True)
class BookooTimerEvent:
    """FF12: the scale's auto-timer started or stopped."""

    running: bool


@dataclass(frozen=True, slots=True)
class BookooReply:
    """FF12: another reply (serial, settings) whose layout is not known."""

    payload: bytes


def _signed(sign: int, value: int, what: str) -> int:
    factor = SIGNS.get(sign)
    if factor is None:
        raise ScaleDecodeError(f"Bookoo {what} sign byte 0x{sign:02x} is not '+' or '-'")
    return factor * value


def decode_reading(data: Payload) -> BookooReading:
    """A weight frame; refuses a wrong length, header, sign byte or checksum."""
    if len(data) != FRAME_SIZE or data[:2] != WEIGHT_HEADER:
        raise ScaleDecodeError(f"not a Bookoo weight frame: {bytes(data).hex()}")
    if xor_checksum(data[:19]) != data[19]:
        raise ScaleDecodeError(f"Bookoo checksum mismatch: {bytes(data).hex()}")
    weight = _signed(data[6], int.from_bytes(data[7:10], "big"), "weight")
    flow = _signed(data[10], int.from_bytes(data[11:13], "big"), "flow")
    return BookooReading(
        timer=int.from_bytes(data[2:5], "big") / 1000,
        grams=weight / 100 + 0.0,
        flow=flow / 100 + 0.0,
        battery=data[13] if data[13] <= 100 else None,
        standby=int.from_bytes(data[14:16], "big") / 10,
        beep=data[16],
        flow_smoothing=data[17] != 0,
        auto_stop=data[18],
        unit_code=data[5],
    )


def decode_command_notification(data: Payload) -> BookooTimerEvent | BookooReply:
    """An FF12 notification: ``03 0D 01`` / ``03 0D 00`` auto-timer, anything else a reply."""
    if len(data) < 2 or data[0] != 0x03:
        raise ScaleDecodeError(f"not a Bookoo command-channel frame: {bytes(data).hex()}")
    if data[:2] == EVENT_HEADER:
        if len(data) < 3 or data[2] not in (0, 1):
            raise ScaleDecodeError(f"Bookoo auto-timer event {bytes(data).hex()} is not 00/01")
        return BookooTimerEvent(running=data[2] == 1)
    return BookooReply(bytes(data))


def encode_command(command: int, p1: int = 0, p2: int = 0) -> bytes:
    """``03 0A <cmd> <p1> <p2>`` and the XOR of those five bytes."""
    body = [0x03, 0x0A, command, p1, p2]
    if not all(0 <= value <= 0xFF for value in body):
        raise ScaleEncodeError(f"Bookoo command bytes {body} are not all single bytes")
    return bytes([*body, xor_checksum(body)])


def encode_beep(level: int) -> bytes:
    """Buzzer level 0 (off) to 5."""
    if level not in BEEP_LEVELS:
        raise ScaleEncodeError(f"Bookoo beep level {level} outside 0..5")
    return encode_command(CMD_BEEP, 0, level)


def encode_auto_off(minutes: int) -> bytes:
    """Switch off after 5..30 idle minutes."""
    if minutes not in AUTO_OFF_MINUTES:
        raise ScaleEncodeError(f"Bookoo auto-off {minutes} min outside 5..30")
    return encode_command(CMD_AUTO_OFF, 0, minutes)


def encode_flow_smoothing(on: bool) -> bytes:
    """The scale's own flow smoothing on or off."""
    return encode_command(CMD_FLOW_SMOOTHING, 0, int(on))


TARE: Final = encode_command(CMD_TARE)  # 08 in both forms

# The vendor document's constants (de1app, Beanconqueror, aiobookoo, Decenza,
# ArduinoBLE send these; each is the XOR of the previous opcode's frame).
_DOCUMENTED: Final = {
    CMD_TIMER_START: bytes.fromhex("030a0400000a"),
    CMD_TIMER_STOP: bytes.fromhex("030a0500000d"),
    CMD_TIMER_RESET: bytes.fromhex("030a0600000c"),
    CMD_TARE_AND_START: bytes.fromhex("030a07000000"),
}


def timer_command(command: int, form: TimerChecksum = "documented") -> bytes:
    """Timer start/stop/reset or tare-and-start, with the documented or the true XOR."""
    if command not in _DOCUMENTED:
        raise ScaleEncodeError(f"Bookoo opcode 0x{command:02x} is not a timer command")
    return _DOCUMENTED[command] if form == "documented" else encode_command(command)
