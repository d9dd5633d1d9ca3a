"""DE1 wire bytes, machine side (de1.md §2, §5–§8).

Encoders for what the machine sends, decoders for what it receives. A decoder
given bytes it cannot take raises ``CodecError``; the device answers that with
an ATT error. Rounding is half away from zero, as de1app does (§2).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Final

from .const import (
    CTRL_F,
    DC_COMP_F,
    DC_GT,
    DO_COMPARE,
    EXT_FRAME_BASE,
    IGNORE_LIMIT,
    INTERPOLATE,
    MAX_VOL_FLAG,
    T_MIX_TEMP,
    TAIL_COUNT_PREINFUSION,
)
from .shot import Exit, Frame, Header, Limiter, Tail

SHOT_SAMPLE_SIZE: Final = 19
SHOT_SETTINGS_SIZE: Final = 9
HEADER_SIZE: Final = 5
FRAME_SIZE: Final = 8
MMR_SIZE: Final = 20
MMR_DATA_MAX: Final = 16
CALIBRATION_SIZE: Final = 14
FW_MAP_SIZE: Final = 7

_SHOT_SETTINGS = struct.Struct(">BBBBBBBH")
_CALIBRATION = struct.Struct(">IBBii")
_VERSION_BLOCK = struct.Struct(">BBHBI")


class CodecError(ValueError):
    """Bytes the machine cannot take."""


def _need(data: bytes, size: int, what: str) -> None:
    if len(data) != size:
        raise CodecError(f"{what} is {size} bytes, got {len(data)}")


# Numbers (§2) ----------------------------------------------------------------


def round_half_up(value: float) -> int:
    """Round halves away from zero for the positive values used here (de1app's rounding)."""
    return math.floor(value + 0.5)


def _clamp(raw: int, top: int) -> int:
    return max(0, min(top, raw))


def u8p4(value: float) -> int:
    """Pressure or flow in 1/16 steps, capped at 15.9375 (Decenza's clamp)."""
    return _clamp(round_half_up(value * 16), 0xFF)


def from_u8p4(raw: int) -> float:
    """The value of a U8P4 byte."""
    return raw / 16


def u8p1(value: float) -> int:
    """Temperature in half degrees."""
    return _clamp(round_half_up(value * 2), 0xFF)


def from_u8p1(raw: int) -> float:
    """The value of a U8P1 byte."""
    return raw / 2


def u16p8(value: float) -> bytes:
    """Big-endian 8.8 fixed point (temperatures, water levels)."""
    return _clamp(round_half_up(value * 256), 0xFFFF).to_bytes(2, "big")


def from_u16p8(data: bytes) -> float:
    """The value of two U16P8 bytes."""
    return int.from_bytes(data, "big") / 256


def u16p12(value: float) -> bytes:
    """Big-endian 4.12 fixed point (ShotSample pressure and flow)."""
    return _clamp(round_half_up(value * 4096), 0xFFFF).to_bytes(2, "big")


def u24p16(value: float) -> bytes:
    """Whole degrees, then the fraction in 1/65536 (ShotSample HeadTemp)."""
    return _clamp(round_half_up(value * 65536), 0xFFFFFF).to_bytes(3, "big")


def s32p16(value: float) -> int:
    """Signed 16.16 fixed point (calibration values), as an int."""
    return max(-(2**31), min(2**31 - 1, round_half_up(value * 65536)))


def f8_1_7(seconds: float) -> int:
    """Frame duration: tenths below 12.75 s, else whole seconds with bit 7 (cap 127)."""
    if seconds < 12.75:
        return _clamp(round_half_up(seconds * 10), 0x7F)
    return min(127, round_half_up(seconds)) | 0x80


def from_f8_1_7(raw: int) -> float:
    """Seconds from an F8_1_7 byte."""
    return float(raw & 0x7F) if raw & 0x80 else raw / 10


# Telemetry (§5) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShotSample:
    """One ShotSample, in engineering units."""

    sample_time: int  # AC half-cycles, wraps at 65536
    pressure: float  # bar
    flow: float  # mL/s
    mix_temp: float  # °C
    head_temp: float  # °C
    set_mix_temp: float
    set_head_temp: float
    set_pressure: float
    set_flow: float
    frame: int
    steam_temp: float


def encode_shot_sample(sample: ShotSample) -> bytes:
    """The 19-byte ShotSample of §5.1."""
    return b"".join(
        (
            (sample.sample_time & 0xFFFF).to_bytes(2, "big"),
            u16p12(sample.pressure),
            u16p12(sample.flow),
            u16p8(sample.mix_temp),
            u24p16(sample.head_temp),
            u16p8(sample.set_mix_temp),
            u16p8(sample.set_head_temp),
            bytes(
                [
                    u8p4(sample.set_pressure),
                    u8p4(sample.set_flow),
                    _clamp(sample.frame, 0xFF),
                    _clamp(round_half_up(sample.steam_temp), 0xFF),
                ]
            ),
        )
    )


def encode_state_info(state: int, substate: int) -> bytes:
    """StateInfo: state, substate (§5.3)."""
    return bytes([state, substate])


def encode_water_levels(level_mm: float, refill_mm: float) -> bytes:
    """WaterLevels: level and refill threshold, U16P8 each (§5.4)."""
    return u16p8(level_mm) + u16p8(refill_mm)


def decode_water_levels(data: bytes) -> tuple[float, float]:
    """(level, refill threshold) in mm from a WaterLevels write (U16P8, §12.16)."""
    _need(data, 4, "WaterLevels")
    return from_u16p8(data[0:2]), from_u16p8(data[2:4])


@dataclass(frozen=True, slots=True)
class VersionBlock:
    """One 9-byte block of Versions (§5.5)."""

    api: int = 0
    release: float = 0.0  # F8_1_7
    commits: int = 0
    changes: int = 0
    sha: int = 0


def encode_versions(ble: VersionBlock, firmware: VersionBlock | None = None) -> bytes:
    """Versions: the BLE block, then the firmware block (zeros on real machines)."""
    blocks = (ble, firmware or VersionBlock())
    return b"".join(
        _VERSION_BLOCK.pack(b.api, f8_1_7(b.release), b.commits, b.changes, b.sha) for b in blocks
    )


# Settings (§6) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShotSettings:
    """ShotSettings (§6.1); temperatures °C, lengths s, volumes mL."""

    steam_flags: int = 0
    steam_temp: int = 160  # 0 switches the steam heater off
    steam_length: int = 120
    hot_water_temp: int = 80
    hot_water_volume: int = 50
    hot_water_length: int = 60
    espresso_volume: int = 200
    group_temp: float = 94.0


def encode_shot_settings(settings: ShotSettings) -> bytes:
    """The 9 bytes of ShotSettings."""
    return _SHOT_SETTINGS.pack(
        settings.steam_flags,
        settings.steam_temp,
        settings.steam_length,
        settings.hot_water_temp,
        settings.hot_water_volume,
        settings.hot_water_length,
        settings.espresso_volume,
        _clamp(round_half_up(settings.group_temp * 256), 0xFFFF),
    )


def decode_shot_settings(data: bytes) -> ShotSettings:
    """ShotSettings from a 9-byte write."""
    _need(data, SHOT_SETTINGS_SIZE, "ShotSettings")
    flags, steam, steam_len, water, water_vol, water_len, espresso, group = _SHOT_SETTINGS.unpack(
        data
    )
    return ShotSettings(flags, steam, steam_len, water, water_vol, water_len, espresso, group / 256)


@dataclass(frozen=True, slots=True)
class Calibration:
    """A Calibration packet (§6.3)."""

    key: int
    command: int
    target: int
    reported: float
    measured: float


def encode_calibration(cal: Calibration) -> bytes:
    """The 14 bytes of a Calibration packet."""
    return _CALIBRATION.pack(
        cal.key, cal.command, cal.target, s32p16(cal.reported), s32p16(cal.measured)
    )


def decode_calibration(data: bytes) -> Calibration:
    """A Calibration request."""
    _need(data, CALIBRATION_SIZE, "Calibration")
    key, command, target, reported, measured = _CALIBRATION.unpack(data)
    return Calibration(key, command, target, reported / 65536, measured / 65536)


# Profile (§8) ----------------------------------------------------------------


def encode_header(header: Header) -> bytes:
    """HeaderWrite: version, frames, preinfuse frames, min pressure, max flow."""
    return bytes(
        [
            header.version,
            header.frames,
            header.preinfuse_frames,
            u8p4(header.min_pressure),
            u8p4(header.max_flow),
        ]
    )


def decode_header(data: bytes) -> Header:
    """A HeaderWrite."""
    _need(data, HEADER_SIZE, "HeaderWrite")
    return Header(data[0], data[1], data[2], from_u8p4(data[3]), from_u8p4(data[4]))


def frame_index(data: bytes) -> int:
    """FrameToWrite of a FrameWrite (frame, extension frame or tail)."""
    _need(data, FRAME_SIZE, "FrameWrite")
    return data[0]


def _flags(frame: Frame) -> int:
    flags = CTRL_F if frame.flow_control else 0
    if frame.exit is not None:
        flags |= DO_COMPARE
        flags |= DC_GT if frame.exit.over else 0
        flags |= DC_COMP_F if frame.exit.on_flow else 0
    flags |= T_MIX_TEMP if frame.mix_sensor else 0
    flags |= INTERPOLATE if frame.smooth else 0
    flags |= IGNORE_LIMIT if frame.ignore_limit else 0
    return flags


def encode_frame(index: int, frame: Frame) -> bytes:
    """A FrameWrite for frame ``index``; MaxVol carries bit 10, as de1app sends it."""
    max_volume = min(0x3FF, round_half_up(frame.max_volume)) | MAX_VOL_FLAG
    return bytes(
        [
            index,
            _flags(frame),
            u8p4(frame.goal),
            u8p1(frame.temperature),
            f8_1_7(frame.seconds),
            u8p4(frame.exit.value if frame.exit is not None else 0.0),
        ]
    ) + max_volume.to_bytes(2, "big")


def decode_frame(data: bytes) -> Frame:
    """A profile frame from its FrameWrite; bit 10 of MaxVol is masked off."""
    _need(data, FRAME_SIZE, "FrameWrite")
    flags = data[1]
    exit_ = None
    if flags & DO_COMPARE:
        exit_ = Exit(
            on_flow=bool(flags & DC_COMP_F), over=bool(flags & DC_GT), value=from_u8p4(data[5])
        )
    return Frame(
        flow_control=bool(flags & CTRL_F),
        goal=from_u8p4(data[2]),
        temperature=from_u8p1(data[3]),
        seconds=from_f8_1_7(data[4]),
        smooth=bool(flags & INTERPOLATE),
        mix_sensor=bool(flags & T_MIX_TEMP),
        exit=exit_,
        max_volume=int.from_bytes(data[6:8], "big") & 0x3FF,
        ignore_limit=bool(flags & IGNORE_LIMIT),
    )


def encode_limiter(index: int, limiter: Limiter) -> bytes:
    """The extension frame 32 + ``index`` (§8.3)."""
    return bytes([EXT_FRAME_BASE + index, u8p4(limiter.value), u8p4(limiter.range)]) + bytes(5)


def decode_limiter(data: bytes) -> Limiter:
    """A limiter from its extension frame."""
    _need(data, FRAME_SIZE, "FrameWrite")
    return Limiter(from_u8p4(data[1]), from_u8p4(data[2]))


def encode_tail(frames: int, tail: Tail) -> bytes:
    """The tail frame, index ``frames`` (§8.4)."""
    raw = min(0x3FF, round_half_up(tail.max_total_volume))
    raw |= TAIL_COUNT_PREINFUSION if tail.count_preinfusion else 0
    return bytes([frames]) + raw.to_bytes(2, "big") + bytes(5)


def decode_tail(data: bytes) -> Tail:
    """The tail frame: volume in the low 10 bits, 0x0400 counts preinfusion (Ray-tool, REA)."""
    _need(data, FRAME_SIZE, "FrameWrite")
    raw = int.from_bytes(data[1:3], "big")
    return Tail(max_total_volume=raw & 0x3FF, count_preinfusion=bool(raw & TAIL_COUNT_PREINFUSION))


# MMR (§7) --------------------------------------------------------------------


def decode_mmr_read(data: bytes) -> tuple[int, int]:
    """(bytes to read, address) from a 20-byte read request; Len counts words minus one."""
    _need(data, MMR_SIZE, "an MMR read request")
    return 4 * (data[0] + 1), int.from_bytes(data[1:4], "big")


def encode_mmr_response(address: int, data: bytes) -> bytes:
    """One read answer: Len = valid bytes, the address, up to 16 bytes, zero-padded."""
    if len(data) > MMR_DATA_MAX:
        raise CodecError(f"an MMR answer carries at most 16 bytes, got {len(data)}")
    return (bytes([len(data)]) + address.to_bytes(3, "big") + data).ljust(MMR_SIZE, b"\x00")


def decode_mmr_write(data: bytes) -> tuple[int, bytes]:
    """(address, data bytes) from a 20-byte MMR write."""
    _need(data, MMR_SIZE, "an MMR write")
    length = data[0]
    if not 1 <= length <= MMR_DATA_MAX:
        raise CodecError(f"an MMR write carries 1 to 16 bytes, Len is {length}")
    return int.from_bytes(data[1:4], "big"), data[4 : 4 + length]


def mmr_words(data: bytes) -> list[int]:
    """Little-endian 32-bit words (a short tail is zero-padded)."""
    padded = data.ljust(4 * math.ceil(len(data) / 4), b"\x00")
    return [int.from_bytes(padded[i : i + 4], "little") for i in range(0, len(padded), 4)]


def mmr_bytes(words: list[int]) -> bytes:
    """Words as little-endian 32-bit register bytes."""
    return b"".join((w & 0xFFFFFFFF).to_bytes(4, "little") for w in words)


# Firmware map (§7.4) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FwMapRequest:
    """FWMapRequest: window increment, erase, map, first error."""

    window_increment: int
    erase: int
    map: int
    first_error: int


def decode_fw_map(data: bytes) -> FwMapRequest:
    """A 7-byte FWMapRequest."""
    _need(data, FW_MAP_SIZE, "FWMapRequest")
    return FwMapRequest(
        int.from_bytes(data[0:2], "big"), data[2], data[3], int.from_bytes(data[4:7], "big")
    )


def encode_fw_map(request: FwMapRequest) -> bytes:
    """The 7 bytes of a FWMapRequest answer."""
    return (
        request.window_increment.to_bytes(2, "big")
        + bytes([request.erase, request.map])
        + request.first_error.to_bytes(3, "big")
    )
