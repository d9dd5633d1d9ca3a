"""Logbook: brewing alarms and their acknowledgement as sentences."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.const import UnitOfTemperature
from homeassistant.core import Event, HomeAssistant, callback

from .brewing_runtime import EVENT_BREW_ALARM, EVENT_BREW_ALARM_ACKNOWLEDGED
from .const import DOMAIN
from .units import temperature_text

# {step}, {temperature} and {setpoint} are filled in (temperatures in the user's unit).
MESSAGES: Final = {
    "setpoint_not_reached": "did not reach the setpoint of step {step}: {temperature} "
    "(setpoint {setpoint})",
    "deviation": "is off the setpoint in step {step}: {temperature} (setpoint {setpoint})",
    "sensor_lost": "lost its temperature sensor in step {step}",
    "step_finished": "finished step {step}",
    "program_finished": "finished",
}


def describe_brew_alarm(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Name and message of one ``kitchen_ble_brew_alarm`` event."""
    template = MESSAGES.get(str(data.get("type")), "alarm in step {step}")
    unit = str(data.get("unit") or UnitOfTemperature.CELSIUS)
    message = template.format(
        step=data.get("step"),
        temperature=temperature_text(hass, data.get("temperature"), unit),
        setpoint=temperature_text(hass, data.get("setpoint"), unit),
    )
    return {
        LOGBOOK_ENTRY_NAME: str(data.get("program") or "Program"),
        LOGBOOK_ENTRY_MESSAGE: message,
    }


@callback
def async_describe_brewing_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    @callback
    def alarm(event: Event) -> dict[str, str]:
        return describe_brew_alarm(hass, event.data)

    @callback
    def acknowledged(event: Event) -> dict[str, str]:
        count = len(event.data.get("alarms") or [])
        return {
            LOGBOOK_ENTRY_NAME: str(event.data.get("program") or "Program"),
            LOGBOOK_ENTRY_MESSAGE: f"{count} alarm{'' if count == 1 else 's'} acknowledged",
        }

    async_describe_event(DOMAIN, EVENT_BREW_ALARM, alarm)
    async_describe_event(DOMAIN, EVENT_BREW_ALARM_ACKNOWLEDGED, acknowledged)
