"""Emulated Weber / iDevices iGrill thermometers and Pulse grills."""

from __future__ import annotations

from typing import Any

from .const import DEFAULT_MODELS, MODELS, IGrillModel, default_address
from .device import IGrillDevice
from .physics import HeatingElement, Probe, ProbeKind

__all__ = [
    "DEFAULT_MODELS",
    "MODELS",
    "HeatingElement",
    "IGrillDevice",
    "IGrillModel",
    "Probe",
    "ProbeKind",
    "create_igrill",
    "default_address",
]


def create_igrill(
    model: str, address: str | None = None, name: str | None = None, **options: Any
) -> IGrillDevice:
    """An emulated iGrill of ``model`` (a key of ``MODELS``).

    Without an address it gets ``default_address(model)``; without a name the
    model's advertised name. ``options`` go to ``IGrillDevice`` (unit, plugged,
    cooker_temperature, battery, propane, setpoints, seed, ...).
    """
    if model not in MODELS:
        raise ValueError(f"unknown iGrill model {model!r}; known: {', '.join(MODELS)}")
    return IGrillDevice(MODELS[model], address or default_address(model), name, **options)
