"""Emulated Decent DE1 espresso machine, written from the fact sheet (de1.md)."""

from __future__ import annotations

from typing import Any, Final

from .const import ADDRESS_PREFIX, GHC_ACTIVE, GHC_LED, GHC_TOUCH, LOCAL_NAME, State, Substate
from .device import DE1Device, MachineFaults
from .shot import DEFAULT_PROFILE, Exit, Frame, Header, Limiter, Profile, Tail

__all__ = [
    "DEFAULT_PROFILE",
    "GHC_NONE",
    "GHC_PRESENT_ACTIVE",
    "DE1Device",
    "Exit",
    "Frame",
    "Header",
    "Limiter",
    "MachineFaults",
    "Profile",
    "State",
    "Substate",
    "Tail",
    "create_de1",
    "default_address",
]

GHC_NONE: Final = 0
GHC_PRESENT_ACTIVE: Final = GHC_LED | GHC_TOUCH | GHC_ACTIVE  # 7, pyDE1's example machine
BENGLE_MODELS: Final = 128  # V13_MODEL from here on is a Bengle, another protocol variant


def default_address(index: int = 1) -> str:
    """A stable random static address for the ``index``-th emulated DE1."""
    return f"{ADDRESS_PREFIX}:{index >> 8 & 0xFF:02X}:{index & 0xFF:02X}"


def create_de1(address: str | None = None, name: str | None = None, **options: Any) -> DE1Device:
    """An emulated DE1 (``default_address(1)`` and the name "DE1" unless given).

    Options: ``firmware`` (CPU_FIRMWARE_BUILD, default 1352), ``model_code``
    (V13_MODEL 0–6, default 2 = DE1+), ``serial``, ``ghc_info`` (GHC_INFO:
    0 none, 7 present and active), ``water_level`` and ``refill_level`` (mm),
    ``heating_speed`` (1 = a cold group is ready in about seven minutes),
    ``mains_hz`` (50 or 60), ``awake`` (idle, warm and ready; else asleep),
    ``temperature`` (°C of a machine that starts asleep), ``flash_write_seconds``
    (an Espresso asked for this soon after a profile's tail aborts after
    pre-infusion, as REA reports; default 0), ``advertise_service`` (0xFFFF in the
    advertisement), ``versions``, ``rssi``, ``seed``.
    """
    model_code = options.get("model_code", 2)
    if not 0 <= model_code < BENGLE_MODELS:
        raise ValueError(f"model_code {model_code}: 0–127 (from 128 it is a Bengle)")
    if options.get("mains_hz", 50) not in (50, 60):
        raise ValueError("mains_hz must be 50 or 60")
    if options.get("heating_speed", 1.0) <= 0:
        raise ValueError("heating_speed must be above 0")
    return DE1Device(address or default_address(1), name or LOCAL_NAME, **options)
