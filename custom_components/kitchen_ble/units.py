"""Temperatures in the unit the user chose for Home Assistant (the core logic keeps °C)."""

from __future__ import annotations

from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.util.unit_conversion import TemperatureConverter


def user_temperature(
    hass: HomeAssistant, value: float | None, unit: str = UnitOfTemperature.CELSIUS
) -> float | None:
    """``value`` (in ``unit``) in the user's unit, to one decimal; None stays None."""
    if value is None:
        return None
    shown = TemperatureConverter.convert(value, unit, hass.config.units.temperature_unit)
    return round(shown, 1)


def temperature_text(
    hass: HomeAssistant, value: float | None, unit: str = UnitOfTemperature.CELSIUS
) -> str:
    """``value`` (in ``unit``) as text in the user's unit ("63.5 °C")."""
    shown = user_temperature(hass, value, unit)
    if shown is None:
        return "unknown"
    return f"{shown:g} {hass.config.units.temperature_unit}"
