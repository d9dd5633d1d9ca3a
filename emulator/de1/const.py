"""Decent DE1 constants, written from the fact sheet (de1.md).

Kept apart from the integration on purpose: if the two disagree, a test fails.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final


def _uuid(short: int) -> str:
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


# GATT (§3): one primary service, 0xA000.
SERVICE: Final = _uuid(0xA000)
VERSIONS: Final = _uuid(0xA001)
REQUESTED_STATE: Final = _uuid(0xA002)
SET_TIME: Final = _uuid(0xA003)
SHOT_DIRECTORY: Final = _uuid(0xA004)
READ_FROM_MMR: Final = _uuid(0xA005)
WRITE_TO_MMR: Final = _uuid(0xA006)
SHOT_MAP_REQUEST: Final = _uuid(0xA007)
DELETE_SHOT_RANGE: Final = _uuid(0xA008)
FW_MAP_REQUEST: Final = _uuid(0xA009)
TEMPERATURES: Final = _uuid(0xA00A)
SHOT_SETTINGS: Final = _uuid(0xA00B)
DEPRECATED_SHOT_DESC: Final = _uuid(0xA00C)
SHOT_SAMPLE: Final = _uuid(0xA00D)
STATE_INFO: Final = _uuid(0xA00E)
HEADER_WRITE: Final = _uuid(0xA00F)
FRAME_WRITE: Final = _uuid(0xA010)
WATER_LEVELS: Final = _uuid(0xA011)
CALIBRATION: Final = _uuid(0xA012)

# The advertisement (§1): the name, and 0xFFFF as REA's scan filter implies.
LOCAL_NAME: Final = "DE1"
ADVERTISED_SERVICE: Final = _uuid(0xFFFF)
# A random static address (top two bits set), like the D9:B2:48:… in de1app logs.
ADDRESS_PREFIX: Final = "D9:B2:48:DE"


class State(IntEnum):
    """Machine states (§4.1): StateInfo byte 0 and the RequestedState byte."""

    SLEEP = 0x00
    GOING_TO_SLEEP = 0x01
    IDLE = 0x02
    BUSY = 0x03
    ESPRESSO = 0x04
    STEAM = 0x05
    HOT_WATER = 0x06
    SHORT_CAL = 0x07
    SELF_TEST = 0x08
    LONG_CAL = 0x09
    DESCALE = 0x0A
    FATAL_ERROR = 0x0B
    INIT = 0x0C
    NO_REQUEST = 0x0D
    SKIP_TO_NEXT = 0x0E
    HOT_WATER_RINSE = 0x0F
    STEAM_RINSE = 0x10
    REFILL = 0x11
    CLEAN = 0x12
    IN_BOOTLOADER = 0x13
    AIR_PURGE = 0x14
    SCHED_IDLE = 0x15
    FW_UPGRADE = 0x16


class Substate(IntEnum):
    """Substates (§4.2): StateInfo byte 1."""

    READY = 0  # NoState
    HEATING = 1  # HeatWaterTank
    FINAL_HEATING = 2  # HeatWaterHeater
    STABILISING = 3  # StabilizeMixTemp
    PREINFUSION = 4
    POUR = 5
    ENDING = 6  # Flush: the flush valve is open after an espresso
    STEAMING = 7
    DESCALE_INIT = 8
    DESCALE_FILL_GROUP = 9
    DESCALE_RETURN = 10
    DESCALE_GROUP = 11
    DESCALE_STEAM = 12
    CLEAN_INIT = 13
    CLEAN_FILL_GROUP = 14
    CLEAN_SOAK = 15
    CLEAN_GROUP = 16
    PAUSED_REFILL = 17
    PAUSED_STEAM = 18
    USER_NOT_PRESENT = 19
    STEAM_PUFF = 20


FLOW_STATES: Final = frozenset(
    {State.ESPRESSO, State.STEAM, State.HOT_WATER, State.HOT_WATER_RINSE}
)


class Mmr(IntEnum):
    """MMR register addresses (§7.2)."""

    HW_CONFIG = 0x800000
    MODEL = 0x800004
    CPU_BOARD_MODEL = 0x800008
    V13_MODEL = 0x80000C
    CPU_FIRMWARE_BUILD = 0x800010
    DEBUG_LEN = 0x802800
    DEBUG_BUFFER = 0x802804
    DEBUG_CONFIG = 0x803804
    FAN_THRESHOLD = 0x803808
    TANK_TEMP = 0x80380C
    HEATER_UP1_FLOW = 0x803810
    HEATER_UP2_FLOW = 0x803814
    WATER_HEATER_IDLE_TEMP = 0x803818
    GHC_INFO = 0x80381C
    PREF_GHC_MCI = 0x803820
    MAX_SHOT_PRESS = 0x803824
    TARGET_STEAM_FLOW = 0x803828
    STEAM_START_SECS = 0x80382C
    SERIAL_NUMBER = 0x803830
    HEATER_VOLTAGE = 0x803834
    HEATER_UP2_TIMEOUT = 0x803838
    CAL_FLOW_EST = 0x80383C
    FLUSH_FLOW_RATE = 0x803840
    FLUSH_TEMP = 0x803844
    FLUSH_TIMEOUT = 0x803848
    HOT_WATER_FLOW_RATE = 0x80384C
    STEAM_PURGE_MODE = 0x803850
    ALLOW_USB_CHARGING = 0x803854
    APP_FEATURE_FLAGS = 0x803858
    REFILL_KIT_PRESENT = 0x80385C
    USER_PRESENT = 0x803860


# Registers only the machine sets (pyDE1's R column); writes to them are ignored.
READ_ONLY_MMR: Final = frozenset(
    {
        Mmr.HW_CONFIG,
        Mmr.MODEL,
        Mmr.CPU_BOARD_MODEL,
        Mmr.V13_MODEL,
        Mmr.CPU_FIRMWARE_BUILD,
        Mmr.DEBUG_LEN,
        Mmr.DEBUG_CONFIG,
        Mmr.GHC_INFO,
        Mmr.MAX_SHOT_PRESS,
        Mmr.SERIAL_NUMBER,
    }
)

GHC_LED: Final = 0x01
GHC_TOUCH: Final = 0x02
GHC_ACTIVE: Final = 0x04  # §9.2: with this bit the machine ignores app starts
APP_FEATURE_USER_PRESENT: Final = 0x01

# Frame flag bits (§8.2).
CTRL_F: Final = 0x01
DO_COMPARE: Final = 0x02
DC_GT: Final = 0x04
DC_COMP_F: Final = 0x08
T_MIX_TEMP: Final = 0x10
INTERPOLATE: Final = 0x20
IGNORE_LIMIT: Final = 0x40

HEADER_VERSION: Final = 1
MAX_FRAMES: Final = 20  # pyDE1's limit (§8.5); the legacy struct said 10
EXT_FRAME_BASE: Final = 32
MAX_VOL_FLAG: Final = 0x0400  # set by de1app/REA/Decenza in a frame's MaxVol (§12.1)
TAIL_COUNT_PREINFUSION: Final = 0x0400  # Ray-tool and REA: "UsePI" in the tail (§8.4)

CAL_WRITE_KEY: Final = 0xCAFEF00D
CAL_READ: Final = 0
CAL_WRITE: Final = 1
CAL_RESET: Final = 2
CAL_READ_FACTORY: Final = 3
CAL_ERROR_TARGET: Final = 255

FW_NO_ERRORS: Final = 0xFFFFFD  # §7.4: the verify answer when all went well
FW_VERIFY: Final = 0xFFFFFF

# Firmware builds that gate behaviour (§9.1).
FW_SKIP_TO_NEXT: Final = 1260
FW_FREEZES_ON_GHC_READ: Final = 1260  # reading 0x803820/0x803824 at or below this
FW_MMR_TO_CAL_FLOW: Final = 1250  # below: registers only up to HEATER_UP2_TIMEOUT
FW_FLUSH_CONTROL: Final = 1283  # FLUSH_* registers and registers up to USER_PRESENT
FW_SCHED_IDLE: Final = 1293
FW_PRESENCE: Final = 1320  # purge mode, USB charging, feature flags, refill kit
FW_USB_COMES_BACK: Final = 1324
FW_SLEEP_FROM_REFILL: Final = 1357

V13_MODELS: Final = {1: "DE1", 2: "DE1+", 3: "DE1PRO", 4: "DE1XL", 5: "DE1CAFE", 6: "DE1XXL"}
