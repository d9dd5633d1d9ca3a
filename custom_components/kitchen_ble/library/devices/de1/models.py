"""Decent DE1: GATT UUIDs, recognition, the machine models and the water tank (fact sheet §1, §3).

The firmware gates (§9.1) live in ``firmware`` and the MMR register map (§7.2)
in ``registers``; both are re-exported here.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Final

from ..base import DeviceKind, ModelInfo, UnsupportedDeviceError
from . import registers as registers  # re-exported: the MMR register map
from .firmware import FirmwareFeatures as FirmwareFeatures  # re-exported: firmware gates

FAMILY: Final = "de1"
MANUFACTURER: Final = "Decent Espresso"
NAME_PREFIX: Final = "DE1"  # case-sensitive, as pyDE1, de1app and despresso compare it


def _uuid(short: int) -> str:
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


SERVICE_UUID: Final = _uuid(0xA000)  # the primary service; a device without it is no DE1
# Only REA's scan filter implies the DE1 advertises 0xFFFF, a generic value: never matched on.
ADVERTISED_SERVICE_UUID: Final = _uuid(0xFFFF)

CHAR_VERSIONS: Final = _uuid(0xA001)  # R: 18 bytes
CHAR_REQUESTED_STATE: Final = _uuid(0xA002)  # W: one state byte
CHAR_SET_TIME: Final = _uuid(0xA003)  # unused by every client
CHAR_SHOT_DIRECTORY: Final = _uuid(0xA004)  # unused
CHAR_READ_FROM_MMR: Final = _uuid(0xA005)  # W request, answer by notification
CHAR_WRITE_TO_MMR: Final = _uuid(0xA006)  # W: 20-byte register write
CHAR_SHOT_MAP_REQUEST: Final = _uuid(0xA007)  # unused
CHAR_DELETE_SHOT_RANGE: Final = _uuid(0xA008)  # unused
CHAR_FW_MAP_REQUEST: Final = _uuid(0xA009)  # firmware erase and verify; never used here
CHAR_TEMPERATURES: Final = _uuid(0xA00A)  # reads all zeros on a real machine
CHAR_SHOT_SETTINGS: Final = _uuid(0xA00B)  # RW + notify: 9 bytes
CHAR_DEPRECATED_SHOT_DESC: Final = _uuid(0xA00C)  # do not use
CHAR_SHOT_SAMPLE: Final = _uuid(0xA00D)  # notify: 19-byte telemetry, ~4 Hz
CHAR_STATE_INFO: Final = _uuid(0xA00E)  # R + notify: state, substate
CHAR_HEADER_WRITE: Final = _uuid(0xA00F)  # profile header (profile package)
CHAR_FRAME_WRITE: Final = _uuid(0xA010)  # profile frames (profile package)
CHAR_WATER_LEVELS: Final = _uuid(0xA011)  # RW + notify: level, refill threshold
CHAR_CALIBRATION: Final = _uuid(0xA012)  # RW, answer by notification
CHAR_BENGLE_SHOT_SAMPLE: Final = _uuid(0xA013)  # Bengle only

_KIND: Final = DeviceKind.ESPRESSO_MACHINE

# What an advertisement can tell: a DE1 of some model; the connection refines it.
DE1: Final = ModelInfo("de1", "DE1", MANUFACTURER, FAMILY, kind=_KIND)
DE1_PLUS: Final = ModelInfo("de1_plus", "DE1+", MANUFACTURER, FAMILY, kind=_KIND)
DE1_PRO: Final = ModelInfo("de1_pro", "DE1 Pro", MANUFACTURER, FAMILY, kind=_KIND)
DE1_XL: Final = ModelInfo("de1_xl", "DE1 XL", MANUFACTURER, FAMILY, kind=_KIND)
DE1_CAFE: Final = ModelInfo("de1_cafe", "DE1 Cafe", MANUFACTURER, FAMILY, kind=_KIND)
DE1_XXL: Final = ModelInfo("de1_xxl", "DE1 XXL", MANUFACTURER, FAMILY, kind=_KIND)
MODELS: Final = (DE1, DE1_PLUS, DE1_PRO, DE1_XL, DE1_CAFE, DE1_XXL)

# MMR V13_MODEL (0x80000C) codes, after pyDE1 and de1app. REA alone reads 5 as
# DE1XXL and 6 as DE1XXXL, while its own register description agrees with 5 =
# DE1CAFE (§12.5). 0 means "not set" and keeps the plain DE1.
MODEL_BY_CODE: Final[dict[int, ModelInfo]] = {
    1: DE1,
    2: DE1_PLUS,
    3: DE1_PRO,
    4: DE1_XL,
    5: DE1_CAFE,
    6: DE1_XXL,
}
BENGLE_CODES_FROM: Final = 128  # REA: model codes from 128 are the Bengle


def model_from_name(local_name: str) -> ModelInfo | None:
    """A DE1 if the advertised name starts with "DE1" (§1).

    Not matched: ``Bengle`` (a different machine whose profile frames are
    scaled ×10 rather than ×16 and which has its own extensions, §12.15; this
    package does not handle them) and REA's unexplained ``nRF5x``, which looks
    like a Nordic radio without a name or in its bootloader.
    """
    return DE1 if local_name.startswith(NAME_PREFIX) else None


def is_bengle_code(code: int) -> bool:
    """Whether a V13_MODEL code names a Bengle (REA: 128 and above)."""
    return code >= BENGLE_CODES_FROM


def model_from_machine_model(code: int) -> ModelInfo:
    """The model the MMR machine-model register names; an unknown DE1 code gives DE1.

    Raises UnsupportedDeviceError for a Bengle code: its differences (§12.15)
    are not handled.
    """
    if is_bengle_code(code):
        raise UnsupportedDeviceError(
            f"machine model code {code} is a Bengle, whose protocol extensions are not supported"
        )
    return MODEL_BY_CODE.get(code, DE1)


# Water tank: measured height in mm → mL, Decenza's table "from de1app CAD data" (§5.4).
TANK_TABLE: Final[tuple[tuple[float, float], ...]] = (
    (0, 0),
    (10, 261),
    (20, 537),
    (30, 816),
    (40, 1104),
    (50, 1453),
    (60, 1808),
    (65, 1986),
)
# The sensor sits above the intake; de1app shows the level plus this (§5.4).
WATER_LEVEL_CORRECTION_MM: Final = 5.0


def water_ml_from_mm(level_mm: float) -> float:
    """Millilitres in the tank for a WaterLevels height, interpolated in the table.

    The height is taken as the machine reports it (the sheet does not say that
    the table expects de1app's +5 mm display correction). Below 0 gives 0 and
    above 65 mm the table's 1986 mL: no volume is invented past its ends.
    """
    heights = [height for height, _ in TANK_TABLE]
    if level_mm <= heights[0]:
        return TANK_TABLE[0][1]
    if level_mm >= heights[-1]:
        return TANK_TABLE[-1][1]
    index = bisect_right(heights, level_mm)
    (h0, v0), (h1, v1) = TANK_TABLE[index - 1], TANK_TABLE[index]
    return v0 + (v1 - v0) * (level_mm - h0) / (h1 - h0)
