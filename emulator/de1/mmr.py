"""The machine's memory-mapped registers (de1.md §7.2): defaults, scaling, availability."""

from __future__ import annotations

from typing import Final

from .const import (
    FW_FLUSH_CONTROL,
    FW_MMR_TO_CAL_FLOW,
    READ_ONLY_MMR,
    Mmr,
)

# Factory values where the sheet names a default; the rest are plausible.
DEFAULTS: Final[dict[int, int]] = {
    Mmr.HW_CONFIG: 0xFFFFFFFF,  # pyDE1's example
    Mmr.MODEL: 0,
    Mmr.CPU_BOARD_MODEL: 1300,  # 1.3
    Mmr.DEBUG_LEN: 0,
    Mmr.DEBUG_CONFIG: 0,
    Mmr.FAN_THRESHOLD: 60,
    Mmr.TANK_TEMP: 0,
    Mmr.HEATER_UP1_FLOW: 20,
    Mmr.HEATER_UP2_FLOW: 40,
    Mmr.WATER_HEATER_IDLE_TEMP: 990,
    Mmr.PREF_GHC_MCI: 0,
    Mmr.MAX_SHOT_PRESS: 0,  # unimplemented, reads 0
    Mmr.TARGET_STEAM_FLOW: 70,
    Mmr.STEAM_START_SECS: 70,
    Mmr.HEATER_UP2_TIMEOUT: 10,
    Mmr.CAL_FLOW_EST: 1000,
    Mmr.FLUSH_FLOW_RATE: 60,
    Mmr.FLUSH_TEMP: 850,
    Mmr.FLUSH_TIMEOUT: 200,  # pyDE1's comment on the machine default
    Mmr.HOT_WATER_FLOW_RATE: 10,
    Mmr.STEAM_PURGE_MODE: 0,
    Mmr.ALLOW_USB_CHARGING: 1,
    Mmr.APP_FEATURE_FLAGS: 0,
    Mmr.REFILL_KIT_PRESENT: 2,  # auto-detect
    Mmr.USER_PRESENT: 0,
}

MAX_DEBUG: Final = Mmr.DEBUG_BUFFER + 4096


class Registers:
    """Register values by address; reads of unknown or absent registers give 0."""

    def __init__(
        self,
        *,
        firmware: int,
        model: int,
        serial: int,
        ghc_info: int,
        heater_voltage: int,
    ) -> None:
        self.firmware = firmware
        self.values: dict[int, int] = dict(DEFAULTS)
        self.values.update(
            {
                Mmr.CPU_FIRMWARE_BUILD: firmware,
                Mmr.V13_MODEL: model,
                Mmr.SERIAL_NUMBER: serial,
                Mmr.GHC_INFO: ghc_info,
                Mmr.HEATER_VOLTAGE: heater_voltage,
            }
        )

    def available(self, address: int) -> bool:
        """Whether this firmware has the register (pyDE1's ``last_mmr0x80``)."""
        if address < Mmr.FAN_THRESHOLD:
            return address in self.values or Mmr.DEBUG_BUFFER <= address < MAX_DEBUG
        if self.firmware < FW_MMR_TO_CAL_FLOW:
            return address <= Mmr.HEATER_UP2_TIMEOUT
        if self.firmware < FW_FLUSH_CONTROL:
            return address <= Mmr.CAL_FLOW_EST
        return address <= Mmr.USER_PRESENT

    def read(self, address: int) -> int:
        """A register's value (0 where there is none)."""
        return self.values.get(address, 0) if self.available(address) else 0

    def write(self, address: int, value: int) -> bool:
        """Store a writable register; False when the machine ignores the write."""
        if address in READ_ONLY_MMR or address not in self.values or not self.available(address):
            return False
        self.values[address] = value & 0xFFFFFFFF
        return True

    def setting(self, address: int, divisor: float) -> float:
        """A setting in its unit (÷10 for mL/s, say); the factory value where absent."""
        raw = self.read(address) if self.available(address) else DEFAULTS[address]
        return raw / divisor
