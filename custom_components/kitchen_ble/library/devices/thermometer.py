"""The state a thermometer driver keeps, whatever its family."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TemperatureUnit = Literal["°C", "°F"]


@dataclass(slots=True)
class HeatingElements:
    """Heating elements of an electric grill (Weber Pulse), in the device unit."""

    left_actual: int | None = None
    right_actual: int | None = None
    left_setpoint: int | None = None
    right_setpoint: int | None = None


@dataclass(frozen=True, slots=True)
class DeviceAlarm:
    """A device's own high alarm as the device last reported it (BlueDOT)."""

    high: int  # in the display unit (ThermometerState.unit)
    active: bool  # sounding now
    silenced: bool  # sounding was silenced on the device
    disabled: bool  # switched off on the device


@dataclass(slots=True)
class ThermometerState:
    """One snapshot of a thermometer; ``None`` means unknown or not present."""

    probes: list[float | None] = field(default_factory=list)  # index 0 = probe 1
    unit: TemperatureUnit = "°C"
    battery: int | None = None  # percent
    propane: int | None = None  # percent
    elements: HeatingElements | None = None
    firmware: str | None = None
    # Devices that report their own alarm (capability reports_alarm): None until reported.
    alarm: DeviceAlarm | None = None
    probe_connected: bool | None = None  # plugged in, where the device says so itself


def to_celsius(value: float, unit: TemperatureUnit) -> float:
    """A reading in the device unit, in °C (what the cooking logic works in)."""
    return (value - 32.0) * 5.0 / 9.0 if unit == "°F" else float(value)


def to_device_unit(celsius: float, unit: TemperatureUnit) -> float:
    """A °C value in the device unit (for thresholds the device compares itself)."""
    return celsius * 9.0 / 5.0 + 32.0 if unit == "°F" else celsius
