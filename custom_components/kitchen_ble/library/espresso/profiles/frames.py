"""A profile as the bytes the DE1 takes, and those bytes back to steps (de1.md §8).

``encode_profile`` gives the header (A00F), one frame per step, an extension
frame per limiter and the tail (A010), then the tank-temperature MMR write
(A006), in the order every client writes them (§8.5). Byte choices follow
de1app, whose output the fact sheet's vectors are: header MaximumFlow 6.0,
IgnoreLimit on every frame, bit 10 set in every frame's MaxVol, and a tail of
MaxTotalVolume 0 (stop at volume is done by the app, §8.4).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final, NamedTuple

from . import limits
from .encodings import (
    decode_f8_1_7,
    decode_u8p1,
    decode_u8p4,
    decode_u10p0,
    encode_f8_1_7,
    encode_u8p1,
    encode_u8p4,
    encode_u10p0,
    round_half_up,
)
from .errors import ProfileError
from .json_v2 import limiter_range_for
from .limits import FieldRange, format_number
from .model import (
    ExitCondition,
    ExitType,
    Limiter,
    Profile,
    Pump,
    Sensor,
    Step,
    StepExit,
    Transition,
)

HEADER_WRITE: Final = "0000a00f-0000-1000-8000-00805f9b34fb"
FRAME_WRITE: Final = "0000a010-0000-1000-8000-00805f9b34fb"
WRITE_TO_MMR: Final = "0000a006-0000-1000-8000-00805f9b34fb"

HEADER_VERSION: Final = 1  # 2 is Bengle's, with other scalings (§12.15)
HEADER_MAXIMUM_FLOW: Final = 6.0  # de1app's; ignored by the DE1 since IgnoreLimit is set
EXTENSION_OFFSET: Final = 32
FRAME_LENGTH: Final = 8
HEADER_LENGTH: Final = 5
TANK_TEMP_REGISTER: Final = 0x80380C
MMR_WRITE_LENGTH: Final = 20

# Frame flag bits (§8.2).
CTRL_F: Final = 0x01
DO_COMPARE: Final = 0x02
DC_GT: Final = 0x04
DC_COMP_F: Final = 0x08
TMIX_TEMP: Final = 0x10
INTERPOLATE: Final = 0x20
IGNORE_LIMIT: Final = 0x40
_KNOWN_FLAGS: Final = 0x7F


class GattWrite(NamedTuple):
    """One write-with-response: the characteristic's UUID and the bytes."""

    characteristic: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ProfileUpload:
    """Everything written to upload one profile."""

    header: bytes
    frames: tuple[bytes, ...]
    extension_frames: tuple[bytes, ...]
    tail: bytes
    tank_temperature: bytes  # the MMR write of TANK_TEMP

    @property
    def writes(self) -> list[GattWrite]:
        """The writes in order: header, frames, extension frames, tail, tank (§8.5)."""
        return [
            GattWrite(HEADER_WRITE, self.header),
            *(GattWrite(FRAME_WRITE, frame) for frame in self.frames),
            *(GattWrite(FRAME_WRITE, frame) for frame in self.extension_frames),
            GattWrite(FRAME_WRITE, self.tail),
            GattWrite(WRITE_TO_MMR, self.tank_temperature),
        ]

    @property
    def fingerprint(self) -> str:
        """A stable hash of every write: equal exactly when the machine gets the same bytes."""
        digest = hashlib.sha256()
        for write in self.writes:
            digest.update(write.characteristic.encode("ascii"))
            digest.update(bytes((len(write.data),)))
            digest.update(write.data)
        return digest.hexdigest()[:16]


def _carried(value: float, allowed: FieldRange, step: int, field: str) -> float:
    if not allowed.contains(value):
        raise ProfileError(
            "step_field_out_of_range",
            {
                "step": step,
                "field": field,
                "value": format_number(value),
                "allowed": allowed.describe(),
            },
        )
    return value


def _flags(step: Step) -> int:
    flags = IGNORE_LIMIT
    if step.pump is Pump.FLOW:
        flags |= CTRL_F
    if step.transition is Transition.SMOOTH:
        flags |= INTERPOLATE
    if step.sensor is Sensor.WATER:
        flags |= TMIX_TEMP
    if step.exit is not None:
        flags |= DO_COMPARE
        if step.exit.condition is ExitCondition.OVER:
            flags |= DC_GT
        if step.exit.type is ExitType.FLOW:
            flags |= DC_COMP_F
    return flags


def encode_frame(index: int, step: Step) -> bytes:
    """The 8-byte frame of step ``index`` (0-based); errors name it 1-based."""
    number = index + 1
    setpoint_range = limits.FLOW if step.pump is Pump.FLOW else limits.PRESSURE
    setpoint = _carried(step.setpoint, setpoint_range, number, step.pump.value)
    temperature = _carried(step.temperature, limits.TEMPERATURE, number, "temperature")
    seconds = _carried(step.seconds, limits.SECONDS, number, "seconds")
    volume = _carried(step.volume, limits.VOLUME, number, "volume")
    trigger = 0
    if step.exit is not None:
        exit_range = limits.FLOW if step.exit.type is ExitType.FLOW else limits.PRESSURE
        trigger = encode_u8p4(_carried(step.exit.value, exit_range, number, "exit.value"))
    return bytes(
        (
            index,
            _flags(step),
            encode_u8p4(setpoint),
            encode_u8p1(temperature),
            encode_f8_1_7(seconds),
            trigger,
            *encode_u10p0(volume).to_bytes(2, "big"),
        )
    )


def encode_extension_frame(index: int, step: Step) -> bytes | None:
    """The limiter's extension frame of step ``index``; None without one (value 0 = none)."""
    if step.limiter is None or step.limiter.value == 0:
        return None
    number = index + 1
    value = _carried(step.limiter.value, limiter_range_for(step.pump), number, "limiter.value")
    spread = _carried(step.limiter.range, limits.LIMITER_RANGE, number, "limiter.range")
    return bytes((EXTENSION_OFFSET + index, encode_u8p4(value), encode_u8p4(spread))) + bytes(5)


def _profile_value(profile_value: float, allowed: FieldRange, field: str) -> float:
    if not allowed.contains(profile_value):
        raise ProfileError(
            "profile_field_out_of_range",
            {"field": field, "value": format_number(profile_value), "allowed": allowed.describe()},
        )
    return profile_value


def encode_profile(profile: Profile) -> ProfileUpload:
    """The writes that upload ``profile``; ``ProfileError`` for what a frame cannot carry."""
    count = len(profile.steps)
    if not limits.STEP_COUNT.contains(count):
        raise ProfileError(
            "step_count_out_of_range",
            {"field": "steps", "value": count, "allowed": limits.STEP_COUNT.describe()},
        )
    preinfuse = _profile_value(
        profile.target_volume_count_start, limits.COUNT_START, "target_volume_count_start"
    )
    tank = _profile_value(profile.tank_temperature, limits.TANK_TEMPERATURE, "tank_temperature")
    header = bytes((HEADER_VERSION, count, int(preinfuse), 0, encode_u8p4(HEADER_MAXIMUM_FLOW)))
    frames = tuple(encode_frame(index, step) for index, step in enumerate(profile.steps))
    extensions = tuple(
        frame
        for index, step in enumerate(profile.steps)
        if (frame := encode_extension_frame(index, step)) is not None
    )
    tail = bytes((count,)) + bytes(7)  # MaxTotalVolume 0: the app stops at volume
    register = TANK_TEMP_REGISTER.to_bytes(3, "big")
    tank_write = bytes((4,)) + register + round_half_up(tank).to_bytes(4, "little")
    return ProfileUpload(
        header=header,
        frames=frames,
        extension_frames=extensions,
        tail=tail,
        tank_temperature=tank_write + bytes(MMR_WRITE_LENGTH - len(tank_write)),
    )


@dataclass(frozen=True, slots=True)
class ProfileHeader:
    """A decoded HeaderWrite."""

    version: int
    frame_count: int
    preinfuse_frame_count: int
    minimum_pressure: float
    maximum_flow: float


@dataclass(frozen=True, slots=True)
class DecodedFrames:
    """What a header and its frames carry: steps without names or app-side weights."""

    header: ProfileHeader
    steps: tuple[Step, ...]
    max_total_volume: int  # the tail's raw U16; de1app and this encoder write 0


def _bytes_error(reason: str) -> ProfileError:
    return ProfileError("frame_bytes_invalid", {"reason": reason})


def _check_length(data: bytes, length: int, what: str) -> None:
    if len(data) != length:
        raise _bytes_error(f"{what} is {len(data)} bytes, not {length}: {data.hex(' ')}")


def decode_header(data: bytes) -> ProfileHeader:
    """The 5-byte header; only version 1 (the DE1's) is known."""
    _check_length(data, HEADER_LENGTH, "the header")
    if data[0] != HEADER_VERSION:
        raise _bytes_error(f"header version {data[0]} is not {HEADER_VERSION}")
    return ProfileHeader(
        version=data[0],
        frame_count=data[1],
        preinfuse_frame_count=data[2],
        minimum_pressure=decode_u8p4(data[3]),
        maximum_flow=decode_u8p4(data[4]),
    )


def decode_frame(data: bytes) -> tuple[int, Step]:
    """A regular 8-byte frame: its index and the step it carries."""
    _check_length(data, FRAME_LENGTH, "a frame")
    index, flags, setpoint, temperature, length, trigger = data[:6]
    if flags & ~_KNOWN_FLAGS:
        raise _bytes_error(f"frame {index} has unknown flag bits {flags:#04x}")
    pump = Pump.FLOW if flags & CTRL_F else Pump.PRESSURE
    step_exit = None
    if flags & DO_COMPARE:
        step_exit = StepExit(
            type=ExitType.FLOW if flags & DC_COMP_F else ExitType.PRESSURE,
            condition=ExitCondition.OVER if flags & DC_GT else ExitCondition.UNDER,
            value=decode_u8p4(trigger),
        )
    value = decode_u8p4(setpoint)
    return index, Step(
        name="",
        pump=pump,
        pressure=value if pump is Pump.PRESSURE else 0.0,
        flow=value if pump is Pump.FLOW else 0.0,
        transition=Transition.SMOOTH if flags & INTERPOLATE else Transition.FAST,
        temperature=decode_u8p1(temperature),
        sensor=Sensor.WATER if flags & TMIX_TEMP else Sensor.COFFEE,
        seconds=decode_f8_1_7(length),
        volume=float(decode_u10p0(int.from_bytes(data[6:8], "big"))),
        exit=step_exit,
    )


def decode_frames(header: bytes, frames: Iterable[bytes]) -> DecodedFrames:
    """The steps a header and all its FrameWrite payloads (any order) carry."""
    decoded_header = decode_header(header)
    count = decoded_header.frame_count
    steps: dict[int, Step] = {}
    limiters: dict[int, Limiter | None] = {}
    tail: bytes | None = None
    for data in frames:
        frame = bytes(data)
        _check_length(frame, FRAME_LENGTH, "a frame")
        index = frame[0]
        if index < count:
            if index in steps:
                raise _bytes_error(f"frame {index} is written twice")
            steps[index] = decode_frame(frame)[1]
        elif index == count:
            if tail is not None:
                raise _bytes_error("the tail is written twice")
            tail = frame
        elif EXTENSION_OFFSET <= index < EXTENSION_OFFSET + count:
            step_index = index - EXTENSION_OFFSET
            if step_index in limiters:
                raise _bytes_error(f"extension frame {index} is written twice")
            value, spread = decode_u8p4(frame[1]), decode_u8p4(frame[2])
            limiters[step_index] = Limiter(value, spread) if value > 0 else None
        else:
            raise _bytes_error(f"frame index {index} does not belong to {count} frames")
    missing = sorted(set(range(count)) - set(steps))
    if missing:
        raise _bytes_error(f"frames {', '.join(map(str, missing))} are missing")
    if tail is None:
        raise _bytes_error(f"the tail (frame {count}) is missing")
    ordered = tuple(replace(steps[index], limiter=limiters.get(index)) for index in range(count))
    return DecodedFrames(
        header=decoded_header,
        steps=ordered,
        max_total_volume=int.from_bytes(tail[1:3], "big"),
    )
