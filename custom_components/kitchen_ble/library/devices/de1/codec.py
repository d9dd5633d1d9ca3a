"""DE1 payloads: pure functions between bytes and frozen dataclasses (fact sheet §4-§7).

Every decoder raises ``De1DecodeError`` for a frame of the wrong shape and every
encoder ``De1EncodeError`` for a value that does not fit; nothing else escapes.
Profile header and frame encodings (§8) belong to the profile package.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from .errors import De1DecodeError, De1EncodeError
from .numbers import (
    Payload,
    decode_f8_1_7,
    decode_s32p16,
    decode_u8p4,
    decode_u16p8,
    decode_u16p12,
    decode_u24p0,
    decode_u24p16,
    encode_s32p16,
    encode_u16p8,
    encode_u24p0,
)
from .states import FlowPhase, MachineState, Substate, flow_phase

STATE_INFO_SIZE: Final = 2
SHOT_SAMPLE_SIZE: Final = 19
LEGACY_SHOT_SAMPLE_SIZE: Final = 17  # "BLE spec < 1.0", very old firmware
WATER_LEVELS_SIZE: Final = 4
VERSIONS_SIZE: Final = 18
VERSION_BLOCK_SIZE: Final = 9
SHOT_SETTINGS_SIZE: Final = 9
CALIBRATION_SIZE: Final = 14
MMR_FRAME_SIZE: Final = 20
MMR_HEADER_SIZE: Final = 4  # Len + 24-bit address
MMR_MAX_DATA: Final = 16
MMR_MAX_WORDS: Final = 256  # the request's Len byte counts words minus one
MMR_API_FROM: Final = 4  # de1app uses MMR only when the BLE API version is above 3

STEAM_FAST_START: Final = 0x80  # ShotSettings byte 0 (pyDE1)
STEAM_HIGH_POWER: Final = 0x40
CALIBRATION_READ_KEY: Final = 1  # de1app's key for reads (pyDE1 sends 0)


def _check_size(data: Payload, sizes: tuple[int, ...], what: str) -> None:
    if len(data) not in sizes:
        wanted = " or ".join(str(size) for size in sizes)
        raise De1DecodeError(f"{what} is {len(data)} bytes, not {wanted}")


def _u8(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFF:
        raise De1EncodeError(f"{what}: {value!r} is not a whole number 0..255")
    return value


# StateInfo (A00E) and RequestedState (A002) -------------------------------------


@dataclass(frozen=True, slots=True)
class StateInfo:
    """StateInfo: the state and substate bytes as sent; the enums where they are known."""

    state_code: int
    substate_code: int

    @property
    def state(self) -> MachineState | None:
        """The machine state, or None for a value no source names."""
        return _enum(MachineState, self.state_code)

    @property
    def substate(self) -> Substate | None:
        """The substate, or None for a value no source names."""
        return _enum(Substate, self.substate_code)

    @property
    def flow_phase(self) -> FlowPhase | None:
        return flow_phase(self.state, self.substate)


def _enum[E: IntEnum](kind: type[E], value: int) -> E | None:
    try:
        return kind(value)
    except ValueError:
        return None


def decode_state_info(data: Payload) -> StateInfo:
    """Two bytes: state, substate (§5.3). Values no source names are kept as numbers."""
    _check_size(data, (STATE_INFO_SIZE,), "StateInfo")
    return StateInfo(data[0], data[1])


def encode_requested_state(state: MachineState) -> bytes:
    """The one byte written to RequestedState (§4.3)."""
    if not isinstance(state, MachineState):
        raise De1EncodeError(f"{state!r} is not a machine state")
    return bytes([state])


# ShotSample (A00D) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShotSample:
    """One telemetry sample (§5.1), about 4 per second, in and out of shots."""

    sample_time: int  # AC half-cycles, wraps at 65536; 25 between samples
    group_pressure: float  # bar
    group_flow: float  # mL/s, the DE1's estimate
    mix_temp: float  # °C
    head_temp: float  # °C, group or basket
    set_mix_temp: float  # °C target
    set_head_temp: float  # °C target
    set_group_pressure: float  # bar target
    set_group_flow: float  # mL/s target
    frame_number: int  # profile frame, 0-based
    steam_temp: float  # °C
    legacy: bool = False  # from the 17-byte layout of very old firmware


def decode_shot_sample(data: Payload) -> ShotSample:
    """The 19-byte sample, or the 17-byte one of BLE spec < 1.0, chosen by length.

    The 17-byte layout keeps the field order with pressure and flow as U8P4 and
    head and steam temperatures as U16P8 (de1app ``spec_old``, Decenza).
    """
    _check_size(data, (SHOT_SAMPLE_SIZE, LEGACY_SHOT_SAMPLE_SIZE), "ShotSample")
    time = int.from_bytes(data[0:2], "big")
    if len(data) == LEGACY_SHOT_SAMPLE_SIZE:
        return ShotSample(
            sample_time=time,
            group_pressure=decode_u8p4(data[2:3]),
            group_flow=decode_u8p4(data[3:4]),
            mix_temp=decode_u16p8(data[4:6]),
            head_temp=decode_u16p8(data[6:8]),
            set_mix_temp=decode_u16p8(data[8:10]),
            set_head_temp=decode_u16p8(data[10:12]),
            set_group_pressure=decode_u8p4(data[12:13]),
            set_group_flow=decode_u8p4(data[13:14]),
            frame_number=data[14],
            steam_temp=decode_u16p8(data[15:17]),
            legacy=True,
        )
    return ShotSample(
        sample_time=time,
        group_pressure=decode_u16p12(data[2:4]),
        group_flow=decode_u16p12(data[4:6]),
        mix_temp=decode_u16p8(data[6:8]),
        head_temp=decode_u24p16(data[8:11]),
        set_mix_temp=decode_u16p8(data[11:13]),
        set_head_temp=decode_u16p8(data[13:15]),
        set_group_pressure=decode_u8p4(data[15:16]),
        set_group_flow=decode_u8p4(data[16:17]),
        frame_number=data[17],
        steam_temp=float(data[18]),
    )


# WaterLevels (A011) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WaterLevels:
    """Measured water height and the refill threshold, both in mm (§5.4)."""

    level_mm: float
    refill_threshold_mm: float


def decode_water_levels(data: Payload) -> WaterLevels:
    _check_size(data, (WATER_LEVELS_SIZE,), "WaterLevels")
    return WaterLevels(decode_u16p8(data[0:2]), decode_u16p8(data[2:4]))


def encode_refill_threshold(threshold_mm: float) -> bytes:
    """Level 0 and the threshold as U16P8, as de1app and REA write it (not pyDE1, §12.16)."""
    return b"\x00\x00" + encode_u16p8(threshold_mm)


# Versions (A001) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionBlock:
    """One 9-byte version block of the Versions characteristic (§5.5)."""

    api_version: int
    release: float  # F8_1_7
    commits: int
    changes: int
    sha: int  # as sent, big-endian

    @property
    def dirty(self) -> bool:
        """pyDE1 reads the low bit of the SHA as "built from a dirty tree"."""
        return bool(self.sha & 1)

    @property
    def sha_text(self) -> str:
        """Seven hex digits, as pyDE1 shows it (SHA shifted right by 4)."""
        return f"{self.sha >> 4:07x}"


@dataclass(frozen=True, slots=True)
class Versions:
    """The BLE block and the firmware ("LV") block; the latter is all zeros in practice."""

    ble: VersionBlock
    firmware: VersionBlock

    @property
    def mmr_available(self) -> bool:
        """Whether the BLE API has the MMR characteristics (de1app: API version > 3)."""
        return self.ble.api_version >= MMR_API_FROM


def _version_block(data: Payload) -> VersionBlock:
    return VersionBlock(
        api_version=data[0],
        release=decode_f8_1_7(data[1:2]),
        commits=int.from_bytes(data[2:4], "big"),
        changes=data[4],
        sha=int.from_bytes(data[5:9], "big"),
    )


def decode_versions(data: Payload) -> Versions:
    """18 bytes: BLE block at 0, firmware block at 9 (not 5, Decenza's bug, §12.8)."""
    _check_size(data, (VERSIONS_SIZE,), "Versions")
    return Versions(_version_block(data[0:9]), _version_block(data[9:18]))


# ShotSettings (A00B) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShotSettings:
    """Steam, hot water and group settings (§6.1)."""

    steam_flags: int  # 0x80 fast start, 0x40 high power; de1app always writes 0
    target_steam_temp: int  # °C; 0 switches the steam heater off
    target_steam_length: int  # s; the DE1 stops steam after it (0 ends steam at once)
    target_hot_water_temp: int  # °C
    target_hot_water_volume: int  # mL; the DE1's own volumetric stop
    target_hot_water_length: int  # s
    target_espresso_volume: int  # mL; what the firmware does with it is unknown
    target_group_temp: float  # °C

    @property
    def steam_fast_start(self) -> bool:
        return bool(self.steam_flags & STEAM_FAST_START)

    @property
    def steam_high_power(self) -> bool:
        return bool(self.steam_flags & STEAM_HIGH_POWER)


def decode_shot_settings(data: Payload) -> ShotSettings:
    _check_size(data, (SHOT_SETTINGS_SIZE,), "ShotSettings")
    return ShotSettings(
        steam_flags=data[0],
        target_steam_temp=data[1],
        target_steam_length=data[2],
        target_hot_water_temp=data[3],
        target_hot_water_volume=data[4],
        target_hot_water_length=data[5],
        target_espresso_volume=data[6],
        target_group_temp=decode_u16p8(data[7:9]),
    )


def encode_shot_settings(settings: ShotSettings) -> bytes:
    """The 9 bytes; each whole-number field must fit one byte."""
    fields = (
        ("steam flags", settings.steam_flags),
        ("steam temperature", settings.target_steam_temp),
        ("steam length", settings.target_steam_length),
        ("hot water temperature", settings.target_hot_water_temp),
        ("hot water volume", settings.target_hot_water_volume),
        ("hot water length", settings.target_hot_water_length),
        ("espresso volume", settings.target_espresso_volume),
    )
    head = bytes(_u8(value, what) for what, value in fields)
    return head + encode_u16p8(settings.target_group_temp)


# Calibration (A012) ---------------------------------------------------------------


class CalCommand(IntEnum):
    READ = 0
    WRITE = 1
    RESET_TO_FACTORY = 2
    READ_FACTORY = 3


class CalTarget(IntEnum):
    FLOW = 0  # a ratio
    PRESSURE = 1  # a ratio
    TEMPERATURE = 2  # an offset
    ERROR = 255  # only in replies


@dataclass(frozen=True, slots=True)
class Calibration:
    """A calibration reply (§6.3). Read only: this package never writes calibration."""

    write_key: int
    command: CalCommand
    target: CalTarget
    reported: float  # the DE1's value
    measured: float


def decode_calibration(data: Payload) -> Calibration:
    _check_size(data, (CALIBRATION_SIZE,), "Calibration")
    command = _enum(CalCommand, data[4])
    target = _enum(CalTarget, data[5])
    if command is None or target is None:
        raise De1DecodeError(f"unknown calibration command {data[4]} or target {data[5]}")
    return Calibration(
        write_key=int.from_bytes(data[0:4], "big"),
        command=command,
        target=target,
        reported=decode_s32p16(data[6:10]),
        measured=decode_s32p16(data[10:14]),
    )


def encode_calibration_read(target: CalTarget, *, factory: bool = False) -> bytes:
    """A request to read the current (or factory) calibration of ``target``."""
    if not isinstance(target, CalTarget) or target is CalTarget.ERROR:
        raise De1EncodeError(f"cannot read calibration of {target!r}")
    command = CalCommand.READ_FACTORY if factory else CalCommand.READ
    return (
        CALIBRATION_READ_KEY.to_bytes(4, "big")
        + bytes([command, target])
        + encode_s32p16(0)
        + encode_s32p16(0)
    )


# MMR (A005 read, A006 write) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MmrReadReply:
    """A read notification: the start address and the valid data bytes (§7.1)."""

    address: int
    data: bytes  # a whole number of 4-byte little-endian words, at most 16 bytes

    @property
    def words(self) -> tuple[int, ...]:
        """The register values, unsigned (pyDE1; every known register is unsigned)."""
        return tuple(
            int.from_bytes(self.data[i : i + 4], "little") for i in range(0, len(self.data), 4)
        )

    @property
    def registers(self) -> dict[int, int]:
        """Address → raw value of every word in the reply."""
        return {self.address + 4 * index: word for index, word in enumerate(self.words)}


def encode_mmr_read(address: int, words: int = 1) -> bytes:
    """``[words-1][address BE 24][16 × 00]`` written to ReadFromMMR."""
    if isinstance(words, bool) or not isinstance(words, int) or not 1 <= words <= MMR_MAX_WORDS:
        raise De1EncodeError(f"MMR read of {words!r} words: 1..{MMR_MAX_WORDS} allowed")
    return bytes([words - 1]) + encode_u24p0(address) + bytes(MMR_MAX_DATA)


def decode_mmr_read(data: Payload) -> MmrReadReply:
    """``[valid bytes][address BE 24][data…]`` from a ReadFromMMR notification."""
    if not MMR_HEADER_SIZE <= len(data) <= MMR_FRAME_SIZE:
        raise De1DecodeError(f"MMR reply is {len(data)} bytes, not 4..20")
    length = data[0]
    if length > MMR_MAX_DATA or length % 4:
        raise De1DecodeError(f"MMR reply claims {length} data bytes, not whole words up to 16")
    if len(data) < MMR_HEADER_SIZE + length:
        raise De1DecodeError(f"MMR reply claims {length} data bytes but has {len(data) - 4}")
    end = MMR_HEADER_SIZE + length
    return MmrReadReply(decode_u24p0(data[1:4]), bytes(data[MMR_HEADER_SIZE:end]))


def encode_mmr_write(address: int, raw: int) -> bytes:
    """``[04][address BE 24][value LE 32][zero pad]``, 20 bytes, written to WriteToMMR."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 0xFFFF_FFFF:
        raise De1EncodeError(f"MMR value {raw!r} is not a 32-bit unsigned word")
    frame = bytes([4]) + encode_u24p0(address) + raw.to_bytes(4, "little")
    return frame + bytes(MMR_FRAME_SIZE - len(frame))
