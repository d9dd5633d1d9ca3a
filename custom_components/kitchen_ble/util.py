"""Small helpers of the Home Assistant layer: typed snapshots, temperatures in the user's unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.util.unit_conversion import TemperatureConverter

from .library.devices.de1 import De1Driver, De1State
from .library.devices.thermometer import ThermometerState

if TYPE_CHECKING:
    from .coordinator import LinkCoordinator


def probe_numbers(link: LinkCoordinator) -> range:
    """Probe numbers (1-based) of a thermometer."""
    return range(1, link.model.probes + 1)


def thermometer_state(link: LinkCoordinator) -> ThermometerState:
    """The snapshot of a thermometer's driver (for code that only ever hears thermometers)."""
    state = link.driver.state
    assert isinstance(state, ThermometerState)
    return state


def espresso_state(link: LinkCoordinator) -> De1State:
    """The snapshot of an espresso machine's driver (for code that only hears espresso machines)."""
    state = link.driver.state
    assert isinstance(state, De1State)
    return state


def espresso_driver(link: LinkCoordinator) -> De1Driver:
    """The driver of an espresso machine, for its commands."""
    driver = link.driver
    assert isinstance(driver, De1Driver)
    return driver


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
