"""What the DE1 driver knows about its machine; ``None`` means not known (yet)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum

from . import registers
from .codec import Calibration, CalTarget, ShotSample, ShotSettings, StateInfo, Versions
from .firmware import FirmwareFeatures
from .models import water_ml_from_mm
from .registers import MmrRegister, MmrValue
from .states import FlowPhase, MachineState, Substate, flow_phase, is_flow_state


class StartBlock(StrEnum):
    """Why a remote start (espresso, steam, hot water, flush) would not be sent now."""

    STATE_UNKNOWN = "state_unknown"  # no StateInfo yet
    NOT_IDLE = "not_idle"  # starts are only sent from Idle (asleep: wake it first)
    GHC_ACTIVE = "ghc_active"  # the group head controller takes starts; the DE1 ignores ours


@dataclass(slots=True)
class De1State:
    """One snapshot of a DE1. The driver updates it in place."""

    state_info: StateInfo | None = None
    sample: ShotSample | None = None  # the last ShotSample
    water_level_mm: float | None = None  # as the machine measures it
    refill_threshold_mm: float | None = None
    shot_settings: ShotSettings | None = None
    versions: Versions | None = None
    calibration: dict[CalTarget, Calibration] = field(default_factory=dict)
    mmr: dict[int, int] = field(default_factory=dict)  # address → raw word, as last read

    def reset(self) -> None:
        """Forget everything (a new link starts from nothing)."""
        fresh = De1State()
        for item in fields(self):
            setattr(self, item.name, getattr(fresh, item.name))

    @property
    def machine_state(self) -> MachineState | None:
        return None if self.state_info is None else self.state_info.state

    @property
    def substate(self) -> Substate | None:
        return None if self.state_info is None else self.state_info.substate

    @property
    def flow_phase(self) -> FlowPhase | None:
        return flow_phase(self.machine_state, self.substate)

    @property
    def is_flowing_state(self) -> bool:
        """Espresso, Steam, HotWater or HotWaterRinse."""
        return is_flow_state(self.machine_state)

    @property
    def water_level_ml(self) -> float | None:
        """Tank content from the CAD table (``models.water_ml_from_mm``)."""
        return None if self.water_level_mm is None else water_ml_from_mm(self.water_level_mm)

    def register(self, register: MmrRegister) -> MmrValue | None:
        """A register's value (scaled) as last read, or None."""
        raw = self.mmr.get(register.address)
        return None if raw is None else register.from_raw(raw)

    @property
    def firmware_build(self) -> int | None:
        return self.mmr.get(registers.CPU_FIRMWARE_BUILD.address)

    @property
    def firmware(self) -> str | None:
        """The firmware build as the device registry shows it ("1352")."""
        build = self.firmware_build
        return None if build is None else str(build)

    @property
    def features(self) -> FirmwareFeatures | None:
        build = self.firmware_build
        return None if build is None else FirmwareFeatures.from_build(build)

    @property
    def machine_model_code(self) -> int | None:
        return self.mmr.get(registers.MACHINE_MODEL.address)

    @property
    def cpu_board_model(self) -> float | None:
        raw = self.mmr.get(registers.CPU_BOARD_MODEL.address)
        return None if raw is None else raw / 1000

    @property
    def serial_number(self) -> int | None:
        return self.mmr.get(registers.SERIAL_NUMBER.address)

    @property
    def ghc_info(self) -> int | None:
        return self.mmr.get(registers.GHC_INFO.address)

    @property
    def ghc_present(self) -> bool | None:
        """An LED or touch group head controller is fitted."""
        info = self.ghc_info
        if info is None:
            return None
        return bool(info & (registers.GHC_LED_PRESENT | registers.GHC_TOUCH_PRESENT))

    @property
    def ghc_active(self) -> bool | None:
        """Bit 0x04: the GHC takes starts and the DE1 ignores the app's (§9.2)."""
        info = self.ghc_info
        return None if info is None else bool(info & registers.GHC_ACTIVE)

    @property
    def user_presence_expected(self) -> bool:
        """APP_FEATURE_FLAGS bit 0 is set: the DE1 wants USER_PRESENT heartbeats (§7.3)."""
        flags = self.mmr.get(registers.APP_FEATURE_FLAGS.address)
        return flags is not None and bool(flags & registers.APP_FEATURE_USER_PRESENT)

    @property
    def remote_start_block(self) -> StartBlock | None:
        """Why a start would be refused now; None when it may be sent.

        Unknown GHC information does not block: the start is then confirmed (or
        not) by watching StateInfo, as every start should be.
        """
        if self.ghc_active:
            return StartBlock.GHC_ACTIVE
        if self.machine_state is None:
            return StartBlock.STATE_UNKNOWN
        if self.machine_state is not MachineState.IDLE:
            return StartBlock.NOT_IDLE
        return None

    @property
    def remote_start_allowed(self) -> bool:
        return self.remote_start_block is None
