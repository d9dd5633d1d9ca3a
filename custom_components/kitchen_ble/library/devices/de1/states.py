"""Machine states and substates (fact sheet §4.1, §4.2) and what they mean for a flow."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Final


class MachineState(IntEnum):
    """StateInfo byte 0, and the byte written to RequestedState (§4.1)."""

    SLEEP = 0x00
    GOING_TO_SLEEP = 0x01
    IDLE = 0x02  # requesting it means both "wake up" and "stop"
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
    NO_REQUEST = 0x0D  # request only: a no-op
    SKIP_TO_NEXT = 0x0E  # request only: next profile frame (firmware ≥ 1260)
    HOT_WATER_RINSE = 0x0F  # "flush"
    STEAM_RINSE = 0x10
    REFILL = 0x11
    CLEAN = 0x12
    IN_BOOTLOADER = 0x13
    AIR_PURGE = 0x14  # "transport" mode in pyDE1
    SCHED_IDLE = 0x15  # scheduled wake (firmware ≥ 1293)
    FW_UPGRADE = 0x16  # REA only, Bengle only


class Substate(IntEnum):
    """StateInfo byte 1 (§4.2); names after pyDE1, de1app's in the comments."""

    NO_STATE = 0  # "ready"
    HEAT_WATER_TANK = 1  # "heating"
    HEAT_WATER_HEATER = 2  # "final heating"
    STABILIZE_MIX_TEMP = 3  # "stabilising"
    PRE_INFUSE = 4  # "preinfusion"
    POUR = 5  # "pouring"
    FLUSH = 6  # "ending": flush valve open after an espresso
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
    PAUSED_REFILL = 17  # "refill"
    PAUSED_STEAM = 18
    USER_NOT_PRESENT = 19  # firmware 1315 and later
    STEAM_PUFF = 20  # "puffing"; firmware 1315 and later
    ERROR_NAN = 200
    ERROR_INF = 201
    ERROR_GENERIC = 202
    ERROR_ACC = 203
    ERROR_TSENSOR = 204
    ERROR_PSENSOR = 205
    ERROR_WLEVEL = 206
    ERROR_DIP = 207
    ERROR_ASSERTION = 208
    ERROR_UNSAFE = 209
    ERROR_INVALID_PARM = 210
    ERROR_FLASH = 211
    ERROR_OOM = 212
    ERROR_DEADLINE = 213
    ERROR_HI_CURRENT = 214
    ERROR_LO_CURRENT = 215
    ERROR_BOOT_FILL = 216
    ERROR_NO_AC = 217  # front power switch off; reliable from firmware 1337 (de1app name)


class FlowPhase(StrEnum):
    """Where a flow (espresso, steam, hot water, flush) is: pyDE1's and de1app's phases."""

    BEFORE = "before"  # heating, stabilising
    DURING = "during"  # water or steam is flowing
    AFTER = "after"  # the flush valve is open after an espresso


FLOW_STATES: Final = frozenset(
    {
        MachineState.ESPRESSO,
        MachineState.STEAM,
        MachineState.HOT_WATER,
        MachineState.HOT_WATER_RINSE,
    }
)
# The requests that start water or steam flowing: only from Idle, never with an active GHC.
START_STATES: Final = FLOW_STATES
# Maintenance requests that pyDE1 sends only from Idle.
MAINTENANCE_STATES: Final = frozenset(
    {MachineState.CLEAN, MachineState.DESCALE, MachineState.AIR_PURGE}
)

_PHASES: Final[dict[Substate, FlowPhase]] = {
    Substate.HEAT_WATER_TANK: FlowPhase.BEFORE,
    Substate.HEAT_WATER_HEATER: FlowPhase.BEFORE,
    Substate.STABILIZE_MIX_TEMP: FlowPhase.BEFORE,
    Substate.PRE_INFUSE: FlowPhase.DURING,
    Substate.POUR: FlowPhase.DURING,
    Substate.STEAMING: FlowPhase.DURING,
    Substate.PAUSED_STEAM: FlowPhase.DURING,  # pyDE1 counts it as during
    Substate.FLUSH: FlowPhase.AFTER,
}


def is_flow_state(state: MachineState | None) -> bool:
    """Espresso, Steam, HotWater or HotWaterRinse (pyDE1 ``is_flow_state``)."""
    return state in FLOW_STATES


def flow_phase(state: MachineState | None, substate: Substate | None) -> FlowPhase | None:
    """The phase of a flow state; None outside one or for a substate with no phase."""
    if not is_flow_state(state) or substate is None:
        return None
    return _PHASES.get(substate)


def is_error_substate(substate: Substate | None) -> bool:
    """Whether the substate reports a machine error (200 and above)."""
    return substate is not None and substate >= Substate.ERROR_NAN
