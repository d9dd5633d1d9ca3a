"""The MMR register map (fact sheet §7.2) and the checks before reading or writing one.

Registers hold 32-bit little-endian words. ``scale`` is what the value is
multiplied by on the wire ("÷10" in the sheet: raw = value × 10). Ranges are
only those a source gives; elsewhere only the 32-bit word limits a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .errors import De1CommandError, De1EncodeError, De1FirmwareError
from .firmware import (
    APP_FEATURES,
    FLUSH_CONTROL,
    MMR_TO_CAL_FLOW_EST,
    SAFE_GHC_PREF_READ,
    FirmwareFeatures,
)
from .numbers import to_raw

type MmrValue = int | float

WORD: Final = 4  # bytes in a register
MAX_READ_BYTES: Final = 16  # one read notification carries at most four words
RAW_MAX: Final = 0xFFFF_FFFF

# GHC_INFO bits (pyDE1 MMRGHCInfoBitMask; REA). Bit 0x04 decides remote starts (§9.2).
GHC_LED_PRESENT: Final = 0x1
GHC_TOUCH_PRESENT: Final = 0x2
GHC_ACTIVE: Final = 0x4
GHC_FACTORY_MODE: Final = 0x8000_0000
# APP_FEATURE_FLAGS bit 0: the app promises USER_PRESENT heartbeats (§7.3).
APP_FEATURE_USER_PRESENT: Final = 0x1
# HEATER_VOLTAGE: 0 (unset), 120 or 230, plus 1000 when a person set it.
HEATER_VOLTAGE_MANUAL: Final = 1000
# REFILL_KIT_PRESENT: 0 absent, 1 present, 2 detect it (REA writes 2 on connect).
REFILL_KIT_AUTO: Final = 2


@dataclass(frozen=True, slots=True)
class MmrRegister:
    """One memory-mapped register."""

    name: str  # pyDE1's name
    address: int  # 24 bits
    scale: int = 1  # raw = value × scale
    writable: bool = False
    readable: bool = True  # False: reading has side effects or cannot be done in one notification
    length: int = WORD  # bytes
    minimum: float | None = None  # value units
    maximum: float | None = None
    values: frozenset[int] | None = None  # the only raw values that make sense
    min_build: int = 0  # firmware build from which the register exists
    read_min_build: int = 0  # build from which reading it is safe

    def from_raw(self, raw: int) -> MmrValue:
        """The value of a raw word: an int when unscaled, else raw ÷ scale."""
        return raw if self.scale == 1 else raw / self.scale

    def to_raw(self, value: float) -> int:
        """The raw word for ``value``; De1EncodeError outside the register's range."""
        if self.minimum is not None and value < self.minimum:
            raise De1EncodeError(f"{self.name}: {value} is below {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise De1EncodeError(f"{self.name}: {value} is above {self.maximum}")
        raw = to_raw(value, self.scale, 0, RAW_MAX, self.name)
        # A register of a few named values takes exactly one of them, never a rounded guess.
        if self.values is not None and (raw not in self.values or raw != value * self.scale):
            raise De1EncodeError(f"{self.name}: {value} is not one of {sorted(self.values)}")
        return raw


HW_CONFIG: Final = MmrRegister("HW_CONFIG", 0x800000)
MODEL: Final = MmrRegister("MODEL", 0x800004)
CPU_BOARD_MODEL: Final = MmrRegister("CPU_BOARD_MODEL", 0x800008, scale=1000)  # 1300 → 1.3
MACHINE_MODEL: Final = MmrRegister("V13_MODEL", 0x80000C)  # see models.model_from_machine_model
CPU_FIRMWARE_BUILD: Final = MmrRegister("CPU_FIRMWARE_BUILD", 0x800010)
# Reading DEBUG_LEN pauses the BLE debug log and DEBUG_CONFIG restarts it; the buffer is 4 KiB.
DEBUG_LEN: Final = MmrRegister("DEBUG_LEN", 0x802800, readable=False)
DEBUG_BUFFER: Final = MmrRegister("DEBUG_BUFFER", 0x802804, readable=False, length=4096)
DEBUG_CONFIG: Final = MmrRegister("DEBUG_CONFIG", 0x803804, readable=False)
FAN_THRESHOLD: Final = MmrRegister(  # °C; pyDE1 warns outside 0-60, de1app's default is 60
    "FAN_THRESHOLD", 0x803808, writable=True, minimum=0, maximum=60
)
TANK_TEMP: Final = MmrRegister(  # °C, 0 = off; de1app briefly writes 60 to force circulation
    "TANK_TEMP", 0x80380C, writable=True, minimum=0, maximum=60
)
HEATER_UP1_FLOW: Final = MmrRegister("HEATER_UP1_FLOW", 0x803810, scale=10, writable=True)
HEATER_UP2_FLOW: Final = MmrRegister("HEATER_UP2_FLOW", 0x803814, scale=10, writable=True)
WATER_HEATER_IDLE_TEMP: Final = MmrRegister(
    "WATER_HEATER_IDLE_TEMP", 0x803818, scale=10, writable=True
)
GHC_INFO: Final = MmrRegister("GHC_INFO", 0x80381C)
# Reading these two can freeze a build ≤ 1260; the meaning of writing the GHC mode is unknown.
PREF_GHC_MCI: Final = MmrRegister("PREF_GHC_MCI", 0x803820, read_min_build=SAFE_GHC_PREF_READ)
MAX_SHOT_PRESS: Final = MmrRegister(  # unimplemented: reads 0
    "MAX_SHOT_PRESS", 0x803824, read_min_build=SAFE_GHC_PREF_READ
)
TARGET_STEAM_FLOW: Final = MmrRegister("TARGET_STEAM_FLOW", 0x803828, scale=100, writable=True)
STEAM_START_SECS: Final = MmrRegister(  # s of high steam flow at start; 0 may overheat
    "STEAM_START_SECS", 0x80382C, scale=100, writable=True, minimum=0, maximum=4.0
)
SERIAL_NUMBER: Final = MmrRegister("SERIAL_NUMBER", 0x803830)
HEATER_VOLTAGE: Final = MmrRegister(
    "HEATER_VOLTAGE",
    0x803834,
    writable=True,
    values=frozenset({0, 120, 230, 120 + HEATER_VOLTAGE_MANUAL, 230 + HEATER_VOLTAGE_MANUAL}),
)
HEATER_UP2_TIMEOUT: Final = MmrRegister("HEATER_UP2_TIMEOUT", 0x803838, scale=10, writable=True)
# Flow calibration multiplier; REA clamps raw to 130-2000, the firmware caps it at 2.0
# before build 1337 and 3.0 from it (checked against the build in validate_write).
CAL_FLOW_EST: Final = MmrRegister(
    "CAL_FLOW_EST",
    0x80383C,
    scale=1000,
    writable=True,
    minimum=0.13,
    maximum=3.0,
    min_build=MMR_TO_CAL_FLOW_EST,
)
FLUSH_FLOW_RATE: Final = MmrRegister(  # mL/s
    "FLUSH_FLOW_RATE", 0x803840, scale=10, writable=True, min_build=FLUSH_CONTROL
)
FLUSH_TEMP: Final = MmrRegister(  # °C
    "FLUSH_TEMP", 0x803844, scale=10, writable=True, min_build=FLUSH_CONTROL
)
FLUSH_TIMEOUT: Final = MmrRegister(  # s; the DE1 ends the flush itself
    "FLUSH_TIMEOUT", 0x803848, scale=10, writable=True, min_build=FLUSH_CONTROL
)
HOT_WATER_FLOW_RATE: Final = MmrRegister(  # mL/s; pyDE1 doubts 1283 honours it
    "HOT_WATER_FLOW_RATE", 0x80384C, scale=10, writable=True, min_build=FLUSH_CONTROL
)
_ON_OFF: Final = frozenset({0, 1})
STEAM_PURGE_MODE: Final = MmrRegister(
    "STEAM_PURGE_MODE", 0x803850, writable=True, values=_ON_OFF, min_build=APP_FEATURES
)
ALLOW_USB_CHARGING: Final = MmrRegister(
    "ALLOW_USB_CHARGING", 0x803854, writable=True, values=_ON_OFF, min_build=APP_FEATURES
)
APP_FEATURE_FLAGS: Final = MmrRegister(
    "APP_FEATURE_FLAGS", 0x803858, writable=True, values=_ON_OFF, min_build=APP_FEATURES
)
REFILL_KIT_PRESENT: Final = MmrRegister(
    "REFILL_KIT_PRESENT",
    0x80385C,
    writable=True,
    values=frozenset({0, 1, REFILL_KIT_AUTO}),
    min_build=APP_FEATURES,
)
USER_PRESENT: Final = MmrRegister(
    "USER_PRESENT", 0x803860, writable=True, values=frozenset({1}), min_build=APP_FEATURES
)

REGISTERS: Final = (
    HW_CONFIG,
    MODEL,
    CPU_BOARD_MODEL,
    MACHINE_MODEL,
    CPU_FIRMWARE_BUILD,
    DEBUG_LEN,
    DEBUG_BUFFER,
    DEBUG_CONFIG,
    FAN_THRESHOLD,
    TANK_TEMP,
    HEATER_UP1_FLOW,
    HEATER_UP2_FLOW,
    WATER_HEATER_IDLE_TEMP,
    GHC_INFO,
    PREF_GHC_MCI,
    MAX_SHOT_PRESS,
    TARGET_STEAM_FLOW,
    STEAM_START_SECS,
    SERIAL_NUMBER,
    HEATER_VOLTAGE,
    HEATER_UP2_TIMEOUT,
    CAL_FLOW_EST,
    FLUSH_FLOW_RATE,
    FLUSH_TEMP,
    FLUSH_TIMEOUT,
    HOT_WATER_FLOW_RATE,
    STEAM_PURGE_MODE,
    ALLOW_USB_CHARGING,
    APP_FEATURE_FLAGS,
    REFILL_KIT_PRESENT,
    USER_PRESENT,
)
REGISTER_BY_ADDRESS: Final = {register.address: register for register in REGISTERS}


def _check_build(
    register: MmrRegister, build_needed: int, features: FirmwareFeatures | None, what: str
) -> None:
    if build_needed == 0:
        return
    if features is None:
        raise De1FirmwareError(f"{what} {register.name} needs a known firmware build")
    if features.build < build_needed:
        raise De1FirmwareError(
            f"{what} {register.name} needs firmware {build_needed}, the machine has "
            f"{features.build}"
        )


def validate_read(register: MmrRegister, features: FirmwareFeatures | None) -> None:
    """Raise unless the register can be read safely, in one notification, on this firmware."""
    if not register.readable or register.length > MAX_READ_BYTES:
        raise De1CommandError(f"{register.name} is not read by this driver")
    _check_build(register, max(register.min_build, register.read_min_build), features, "reading")


def validate_write(register: MmrRegister, value: float, features: FirmwareFeatures | None) -> int:
    """The raw word to write ``value``, or a typed error (read-only, firmware, range)."""
    if not register.writable:
        raise De1CommandError(f"{register.name} is read-only")
    _check_build(register, register.min_build, features, "writing")
    raw = register.to_raw(value)
    if register is CAL_FLOW_EST and features is not None and value > features.flow_calibration_max:
        raise De1EncodeError(
            f"{register.name}: firmware {features.build} caps it at {features.flow_calibration_max}"
        )
    return raw
