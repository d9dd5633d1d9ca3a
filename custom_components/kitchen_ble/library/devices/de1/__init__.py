"""Decent Espresso DE1: an espresso machine that streams telemetry and takes commands."""

from . import registers
from .codec import (
    CalCommand,
    Calibration,
    CalTarget,
    MmrReadReply,
    ShotSample,
    ShotSettings,
    StateInfo,
    VersionBlock,
    Versions,
    WaterLevels,
)
from .driver import De1Driver
from .errors import (
    De1CommandError,
    De1DecodeError,
    De1EncodeError,
    De1Error,
    De1FirmwareError,
    De1MmrTimeoutError,
    De1StartRefusedError,
    De1StateTimeoutError,
    De1TimeoutError,
)
from .firmware import FirmwareFeatures
from .models import (
    DE1,
    FAMILY,
    MODELS,
    SERVICE_UUID,
    model_from_machine_model,
    model_from_name,
    water_ml_from_mm,
)
from .registers import MmrRegister
from .state import De1State, StartBlock
from .states import FlowPhase, MachineState, Substate

__all__ = [
    "DE1",
    "FAMILY",
    "MODELS",
    "SERVICE_UUID",
    "CalCommand",
    "CalTarget",
    "Calibration",
    "De1CommandError",
    "De1DecodeError",
    "De1Driver",
    "De1EncodeError",
    "De1Error",
    "De1FirmwareError",
    "De1MmrTimeoutError",
    "De1StartRefusedError",
    "De1State",
    "De1StateTimeoutError",
    "De1TimeoutError",
    "FirmwareFeatures",
    "FlowPhase",
    "MachineState",
    "MmrReadReply",
    "MmrRegister",
    "ShotSample",
    "ShotSettings",
    "StartBlock",
    "StateInfo",
    "Substate",
    "VersionBlock",
    "Versions",
    "WaterLevels",
    "model_from_machine_model",
    "model_from_name",
    "registers",
    "water_ml_from_mm",
]
