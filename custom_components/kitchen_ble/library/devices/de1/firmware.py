"""What a firmware build can do (fact sheet §9.1), from MMR ``CPU_FIRMWARE_BUILD``.

The Versions characteristic is no help here: its firmware block is all zeros
on real machines (§5.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Builds at which something changes (§9.1, with each gate's source there).
FAN_SLEEP_BUG_LAST: Final = 1174  # fan runs in sleep if its threshold is > 0
HEATER_VOLTAGE_REQUIRED: Final = 1142  # de1app prompts when the voltage register is 0
MMR_TO_CAL_FLOW_EST: Final = 1250  # registers up to 0x80383C readable from here
SKIP_TO_NEXT: Final = 1260
SAFE_GHC_PREF_READ: Final = 1265  # reading 0x803820/0x803824 can freeze a build ≤ 1260
FLUSH_CONTROL: Final = 1283  # FLUSH_* and HOT_WATER_FLOW_RATE registers; MMR up to 0x803860
SCHED_IDLE: Final = 1293
PRESENCE_SUBSTATES: Final = 1315  # UserNotPresent (0x13), SteamPuff (0x14)
APP_FEATURES: Final = 1320  # steam purge, USB charging, presence flag, refill-kit auto
USB_CHARGING_RESTORES: Final = 1324  # USB power turns itself back on after 10 min
RELIABLE_NO_AC: Final = 1337  # Error_NoAC (217) reliable; flow calibration cap 2.0 → 3.0
COLD_GHC_MAINTENANCE: Final = 1356  # maintenance honoured on a cold GHC machine
SLEEP_FROM_REFILL: Final = 1357

LAST_MMR_BEFORE_1250: Final = 0x803838  # HEATER_UP2_TIMEOUT
LAST_MMR_BEFORE_1283: Final = 0x80383C  # CAL_FLOW_EST
LAST_MMR_FROM_1283: Final = 0x803860  # USER_PRESENT


@dataclass(frozen=True, slots=True)
class FirmwareFeatures:
    """The gates of one firmware build."""

    build: int
    fan_runs_in_sleep: bool  # de1app sets the fan threshold to 0 before sleep
    heater_voltage_required: bool
    skip_to_next: bool
    safe_to_read_ghc_preference: bool
    flush_control: bool  # the DE1 times a flush itself from the FLUSH_* registers
    hot_water_flow_register: bool  # exists; pyDE1 doubts 1283 honours it (§6.2)
    sched_idle: bool
    presence_substates: bool
    steam_purge_mode: bool
    usb_charging_control: bool
    user_presence: bool  # APP_FEATURE_FLAGS and USER_PRESENT
    refill_kit_auto_detect: bool
    usb_charging_restores_itself: bool
    reliable_no_ac_error: bool
    cold_ghc_maintenance: bool
    sleep_from_refill: bool
    flow_calibration_max: float  # the firmware's cap of CAL_FLOW_EST
    last_mmr_address: int  # the last 0x80xxxx register the build answers

    @classmethod
    def from_build(cls, build: int) -> FirmwareFeatures:
        """The gates of ``build`` (MMR 0x800010)."""
        if build < MMR_TO_CAL_FLOW_EST:
            last_mmr = LAST_MMR_BEFORE_1250
        elif build < FLUSH_CONTROL:
            last_mmr = LAST_MMR_BEFORE_1283
        else:
            last_mmr = LAST_MMR_FROM_1283
        return cls(
            build=build,
            fan_runs_in_sleep=build <= FAN_SLEEP_BUG_LAST,
            heater_voltage_required=build >= HEATER_VOLTAGE_REQUIRED,
            skip_to_next=build >= SKIP_TO_NEXT,
            safe_to_read_ghc_preference=build >= SAFE_GHC_PREF_READ,
            flush_control=build >= FLUSH_CONTROL,
            hot_water_flow_register=build >= FLUSH_CONTROL,
            sched_idle=build >= SCHED_IDLE,
            presence_substates=build >= PRESENCE_SUBSTATES,
            steam_purge_mode=build >= APP_FEATURES,
            usb_charging_control=build >= APP_FEATURES,
            user_presence=build >= APP_FEATURES,
            refill_kit_auto_detect=build >= APP_FEATURES,
            usb_charging_restores_itself=build >= USB_CHARGING_RESTORES,
            reliable_no_ac_error=build >= RELIABLE_NO_AC,
            cold_ghc_maintenance=build >= COLD_GHC_MAINTENANCE,
            sleep_from_refill=build >= SLEEP_FROM_REFILL,
            flow_calibration_max=3.0 if build >= RELIABLE_NO_AC else 2.0,
            last_mmr_address=last_mmr,
        )
