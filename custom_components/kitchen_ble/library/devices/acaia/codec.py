"""Acaia frames: pure functions between whole frames and values (fact sheet §2.3-§2.5).

Frame: ``EF DD <type> <len> <payload…> <ck1> <ck2>``; ``len`` counts itself
through the last payload byte, so a frame is ``len + 5`` bytes. ``ck1`` is the
low byte of the sum of the even-indexed bytes from ``len`` on, ``ck2`` of the
odd-indexed ones. Outgoing messages put the payload straight after the type
(some have no length byte) and checksum that payload: the same rule.

Checksums are never used to reject a frame: older devices "do not have one
compatible checksum contract" (reaprime, §2.4).

Weights are 24-bit magnitudes with a decimal exponent (a 16-bit read is wrong
above 655.35 g, vector A9). Weights are taken as grams whatever the display
unit: no source converts them (an assumption, see §2.4).
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
)

HEADER: Final = b"\xef\xdd"
MSG_HEARTBEAT: Final = 0x00
MSG_TARE: Final = 0x04
MSG_GET_SETTINGS: Final = 0x06
MSG_INFO: Final = 0x07
MSG_SETTINGS: Final = 0x08
MSG_CONFIG: Final = 0x0A
MSG_IDENTIFY: Final = 0x0B
MSG_EVENT: Final = 0x0C  # also the notification request when sent
MSG_TIMER: Final = 0x0D
MSG_POWER: Final = 0x20  # non-standard 6-byte frames (pyDE1: power up/down?)
POWER_FRAME_SIZE: Final = 6

EVENT_WEIGHT: Final = 5
EVENT_TIMER: Final = 7
EVENT_KEY: Final = 8
EVENT_ACK: Final = 11

TAG_WEIGHT: Final = 5
TAG_TIMER: Final = 7
# Record tag -> body length inside an event frame (reaprime's table, §2.4).
RECORD_LENGTHS: Final = {5: 6, 6: 1, 7: 3, 8: 1, 11: 2}
WEIGHT_BODY: Final = 6
TIMER_BODY: Final = 3
EXPONENTS: Final = range(1, 5)  # 0.1 g .. 0.0001 g; aioacaia refuses anything else

ACK_TIMER_START: Final = 0x01
ACK_TIMER_STOP: Final = 0x21
ACK_TIMER_RESET: Final = 0x41

UNIT_CODES: Final[dict[int, WeightUnit]] = {2: "g", 5: "oz"}
# Settings byte 7 / config setting 1: pyDE1's enum, minutes (0 = never). aioacaia
# reads value × 5 instead; the two agree up to 2 (10 min), §2.4 and §9.3.
AUTO_OFF_MINUTES: Final = (0, 5, 10, 20, 30, 60)
CAPACITY_GRAMS: Final = {0: 1000, 1: 2000}

SETTING_UNITS: Final = 0
SETTING_AUTO_OFF: Final = 1
SETTING_BEEP: Final = 5

_KEY_EVENTS: Final[dict[tuple[int, int], tuple[ButtonPress, str]]] = {
    # bytes [0, 1] -> what the key did, what follows ("t" time, "w" weight), §2.4
    (0x00, 0x05): (ButtonPress(ScaleButton.TARE, PressKind.PRESS), "w"),
    (0x08, 0x05): (ButtonPress(ScaleButton.TIMER, PressKind.START), "w"),
    (0x08, 0x0B): (ButtonPress(ScaleButton.TIMER, PressKind.START), ""),
    (0x0A, 0x07): (ButtonPress(ScaleButton.TIMER, PressKind.STOP), "tw"),
    (0x0A, 0x05): (ButtonPress(ScaleButton.TIMER, PressKind.STOP), "t"),
    (0x0A, 0x0D): (ButtonPress(ScaleButton.TIMER, PressKind.STOP), ""),
    (0x09, 0x07): (ButtonPress(ScaleButton.TIMER, PressKind.RESET), "tw"),
    (0x09, 0x05): (ButtonPress(ScaleButton.TIMER, PressKind.RESET), "t"),
    (0x09, 0x0C): (ButtonPress(ScaleButton.TIMER, PressKind.RESET), ""),
}


@dataclass(frozen=True, slots=True)
class AcaiaWeight:
    """A 6-byte weight body."""

    grams: float
    stable: bool  # flags bit 0 clear


@dataclass(frozen=True, slots=True)
class AcaiaWeightEvent:
    """Event 5: a weight, possibly with the timer in a trailing record."""

    weight: AcaiaWeight
    timer: float | None = None  # seconds


@dataclass(frozen=True, slots=True)
class AcaiaTimerEvent:
    """Event 7: the scale's timer."""

    seconds: float


@dataclass(frozen=True, slots=True)
class AcaiaKeyEvent:
    """Event 8: a key pressed on the scale, what it did, and what it sent along."""

    press: ButtonPress
    weight: AcaiaWeight | None = None
    timer: float | None = None


@dataclass(frozen=True, slots=True)
class AcaiaAck:
    """Event 11: an acknowledgement (timer start 01, stop 21, reset 41) or heartbeat reply."""

    seq: int
    code: int
    weight: AcaiaWeight | None = None
    timer: float | None = None

    @property
    def timer_running(self) -> bool | None:
        """What the acknowledged command left the timer doing; None for other codes."""
        if self.code == ACK_TIMER_START:
            return True
        if self.code in (ACK_TIMER_STOP, ACK_TIMER_RESET):
            return False
        return None


@dataclass(frozen=True, slots=True)
class AcaiaSettings:
    """Type 08: the scale's settings and battery."""

    battery: int  # percent
    unit: WeightUnit | None  # None for a code no source names
    auto_off: int | None  # minutes, 0 = never; None for a code past the enum
    beep: bool
    capacity: int | None = None  # grams, when the frame carries it


@dataclass(frozen=True, slots=True)
class AcaiaInfo:
    """Type 07: info. A scale that sends only these rejects our identify (§2.3)."""

    payload: bytes


@dataclass(frozen=True, slots=True)
class AcaiaOther:
    """A well-formed frame of a type or event nobody knows the meaning of."""

    msg_type: int
    payload: bytes


type AcaiaMessage = (
    AcaiaWeightEvent
    | AcaiaTimerEvent
    | AcaiaKeyEvent
    | AcaiaAck
    | AcaiaSettings
    | AcaiaInfo
    | AcaiaOther
)


# Encoding -------------------------------------------------------------------


def checksum(payload: Payload) -> bytes:
    """Low bytes of the sums of the even- and of the odd-indexed payload bytes."""
    return bytes([sum(payload[0::2]) & 0xFF, sum(payload[1::2]) & 0xFF])


def encode(msg_type: int, payload: Payload) -> bytes:
    """An outgoing message: header, type, payload, checksum of the payload."""
    return HEADER + bytes([msg_type]) + bytes(payload) + checksum(payload)


IDENTIFY_DIGITS: Final = encode(MSG_IDENTIFY, b"012345678901234")  # de1app, Decenza, reaprime
IDENTIFY_DASHES: Final = encode(MSG_IDENTIFY, b"-" * 15)  # captured from the iOS app (pyDE1)
# Pairs: weight 1, battery 2, timer 5 (heartbeats between timer messages), key, setting.
NOTIFICATION_REQUEST: Final = encode(MSG_EVENT, bytes([9, 0, 1, 1, 2, 2, 5, 3, 4]))
NOTIFICATION_REQUEST_TIMER_1: Final = encode(MSG_EVENT, bytes([9, 0, 1, 1, 2, 2, 1, 3, 4]))
HEARTBEAT: Final = encode(MSG_HEARTBEAT, b"\x02\x00")
TARE: Final = encode(MSG_TARE, b"\x00")
TARE_LONG: Final = encode(MSG_TARE, bytes(15))  # 20 bytes (de1app, Decenza, reaprime)
GET_SETTINGS_LONG: Final = encode(MSG_GET_SETTINGS, bytes(16))  # 21 bytes: needs a large MTU
TIMER_START: Final = encode(MSG_TIMER, b"\x00\x00")
TIMER_STOP: Final = encode(MSG_TIMER, b"\x00\x02")
TIMER_RESET: Final = encode(MSG_TIMER, b"\x00\x01")


def _byte(value: int, what: str) -> int:
    if not 0 <= value <= 0xFF:
        raise ScaleEncodeError(f"Acaia {what} {value} is not one byte")
    return value


def encode_get_settings(seq: int) -> bytes:
    """The short settings request the official app sends, with its sequence number."""
    return encode(MSG_GET_SETTINGS, bytes([_byte(seq, "sequence")]))


def encode_config(seq: int, setting: int, value: int) -> bytes:
    """Type 0A: set one setting (pyDE1 ``pack_config``)."""
    return encode(
        MSG_CONFIG,
        bytes([_byte(seq, "sequence"), _byte(setting, "setting"), _byte(value, "value")]),
    )


def encode_unit(seq: int, unit: WeightUnit) -> bytes:
    """Display grams or ounces."""
    code = next(code for code, known in UNIT_CODES.items() if known == unit)
    return encode_config(seq, SETTING_UNITS, code)


def encode_auto_off(seq: int, minutes: int) -> bytes:
    """Switch off after 5, 10, 20, 30 or 60 idle minutes; 0 = never."""
    if minutes not in AUTO_OFF_MINUTES:
        raise ScaleEncodeError(f"Acaia auto-off {minutes} min is not one of {AUTO_OFF_MINUTES}")
    return encode_config(seq, SETTING_AUTO_OFF, AUTO_OFF_MINUTES.index(minutes))


def encode_beep(seq: int, on: bool) -> bytes:
    """Key beeps on or off."""
    return encode_config(seq, SETTING_BEEP, int(on))


# Decoding -------------------------------------------------------------------


def decode_weight_body(body: Payload) -> AcaiaWeight:
    """A 6-byte weight body: 24-bit LE magnitude, byte 4 exponent, byte 5 flags."""
    if len(body) != WEIGHT_BODY:
        raise ScaleDecodeError(f"Acaia weight body is {len(body)} bytes, not 6")
    exponent = body[4]
    if exponent not in EXPONENTS:
        raise ScaleDecodeError(f"Acaia weight exponent {exponent} outside 1..4")
    grams = int.from_bytes(body[0:3], "little") / 10**exponent
    flags = body[5]
    return AcaiaWeight(-grams if flags & 0x02 else grams, stable=not flags & 0x01)


def decode_timer_body(body: Payload) -> float:
    """Minutes, seconds, tenths: seconds."""
    if len(body) != TIMER_BODY:
        raise ScaleDecodeError(f"Acaia timer body is {len(body)} bytes, not 3")
    return body[0] * 60 + body[1] + body[2] / 10


def decode_frame(frame: Payload) -> AcaiaMessage:
    """One whole frame, as ``framing.AcaiaFramer`` cuts them out of notifications."""
    if len(frame) < 4 or frame[:2] != HEADER:
        raise ScaleDecodeError(f"not an Acaia frame: {bytes(frame).hex()}")
    msg_type = frame[2]
    if msg_type == MSG_POWER:
        if len(frame) != POWER_FRAME_SIZE:
            raise ScaleDecodeError(f"Acaia power frame is {len(frame)} bytes, not 6")
        return AcaiaOther(msg_type, bytes(frame[3:]))
    if len(frame) != frame[3] + 5 or frame[3] == 0:
        raise ScaleDecodeError(f"Acaia frame length {len(frame)} disagrees with len {frame[3]}")
    payload = bytes(frame[3:-2])  # from the len byte through the last payload byte
    if msg_type == MSG_EVENT:
        return _decode_event(payload)
    if msg_type == MSG_SETTINGS:
        return _decode_settings(payload)
    if msg_type == MSG_INFO:
        return AcaiaInfo(payload)
    return AcaiaOther(msg_type, payload)


def _decode_settings(payload: bytes) -> AcaiaSettings:
    # Offsets below are the fact sheet's absolute frame offsets minus 3.
    if len(payload) < 7:
        raise ScaleDecodeError(f"Acaia settings are {len(payload)} bytes, at least 7 expected")
    auto_off = payload[4]
    return AcaiaSettings(
        battery=payload[1] & 0x7F,
        unit=UNIT_CODES.get(payload[2]),
        auto_off=AUTO_OFF_MINUTES[auto_off] if auto_off < len(AUTO_OFF_MINUTES) else None,
        beep=payload[6] == 1,
        capacity=CAPACITY_GRAMS.get(payload[8]) if len(payload) > 8 else None,
    )


def _decode_event(payload: bytes) -> AcaiaMessage:
    # payload[0] is len, payload[1] the event, its data from payload[2] (frame offset 5).
    if len(payload) < 2:
        raise ScaleDecodeError("Acaia event frame without an event type")
    event, data = payload[1], payload[2:]
    if event == EVENT_WEIGHT:
        weight = decode_weight_body(_take(data, 0, WEIGHT_BODY, "weight"))
        records = _records(data[WEIGHT_BODY:])
        timer = records.get(TAG_TIMER)
        return AcaiaWeightEvent(weight, decode_timer_body(timer) if timer else None)
    if event == EVENT_TIMER:
        return AcaiaTimerEvent(decode_timer_body(_take(data, 0, TIMER_BODY, "timer")))
    if event == EVENT_KEY and (key := _decode_key(data)) is not None:
        return key
    if event == EVENT_ACK:
        return _decode_ack(data)
    return AcaiaOther(MSG_EVENT, payload)


def _take(data: bytes, start: int, length: int, what: str) -> bytes:
    if len(data) < start + length:
        raise ScaleDecodeError(f"Acaia {what} data is cut short: {data.hex()}")
    return data[start : start + length]


def _records(data: bytes) -> dict[int, bytes]:
    """Trailing tag + body records; stops at an unknown tag or a cut-short body."""
    records: dict[int, bytes] = {}
    index = 0
    while index < len(data):
        tag = data[index]
        length = RECORD_LENGTHS.get(tag)
        if length is None or index + 1 + length > len(data):
            break
        records.setdefault(tag, data[index + 1 : index + 1 + length])
        index += 1 + length
    return records


def _decode_key(data: bytes) -> AcaiaKeyEvent | None:
    """A key event; None for a pair no source names."""
    pair = _take(data, 0, 2, "key")
    known = _KEY_EVENTS.get((pair[0], pair[1]))
    if known is None:
        return None
    press, follows = known
    rest = data[2:]
    timer = None
    if "t" in follows and len(rest) >= TIMER_BODY:
        timer = decode_timer_body(rest[:TIMER_BODY])
        rest = rest[TIMER_BODY:]
    weight = None
    if "w" in follows and len(rest) >= WEIGHT_BODY:
        weight = decode_weight_body(rest[:WEIGHT_BODY])
    return AcaiaKeyEvent(press, weight, timer)


def _decode_ack(data: bytes) -> AcaiaAck:
    seq, code, tag = _take(data, 0, 3, "acknowledgement")
    body = data[3:]
    if tag == TAG_WEIGHT:
        return AcaiaAck(seq, code, weight=decode_weight_body(_take(body, 0, WEIGHT_BODY, "weight")))
    if tag == TAG_TIMER:
        return AcaiaAck(seq, code, timer=decode_timer_body(_take(body, 0, TIMER_BODY, "timer")))
    return AcaiaAck(seq, code)
