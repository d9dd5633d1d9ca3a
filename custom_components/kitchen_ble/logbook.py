"""Logbook: cooking alerts and sessions as sentences ("iGrill V2 Probe 1 (Brisket) reached ...")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.const import UnitOfTemperature
from homeassistant.core import Event, HomeAssistant, callback

from .brewing_logbook import async_describe_brewing_events
from .const import DOMAIN, EVENT_ALERT, EVENT_SESSION_ENDED, EVENT_SESSION_STARTED
from .units import temperature_text

# {temperature} and {target} are filled in the user's unit (events say which unit they carry).
MESSAGES: Final = {
    "approaching": "is approaching its target: {temperature} (target {target})",
    "reached": "reached its target: {temperature}",
    "exceeded": "is above its target: {temperature} (target {target})",
    "reminder": "is still at or above its target: {temperature} (target {target})",
    "range_left": "left its range: {temperature} (limit {target})",
    "range_back": "is back in its range: {temperature}",
    "probe_unplugged": "was unplugged during the cook",
    "probe_inserted": "was plugged in during the cook",
    "device_disconnected": "disconnected during the cook",
    "behind_schedule": "will not be ready by the planned time: {temperature} (target {target})",
}


def describe_alert(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Name and message of one ``kitchen_ble_alert`` event."""
    name = str(data.get("name") or "Kitchen BLE")
    if data.get("probe") is not None:
        name = f"{name} Probe {data['probe']}"
        if data.get("label"):
            name = f"{name} ({data['label']})"
    template = MESSAGES.get(str(data.get("type")), "alert: {temperature}")
    unit = str(data.get("unit") or UnitOfTemperature.CELSIUS)  # every event names its unit
    message = template.format(
        temperature=temperature_text(hass, data.get("temperature"), unit),
        target=temperature_text(hass, data.get("target"), unit),
    )
    return {LOGBOOK_ENTRY_NAME: name, LOGBOOK_ENTRY_MESSAGE: message}


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the integration's events for the logbook."""

    @callback
    def alert(event: Event) -> dict[str, str]:
        return describe_alert(hass, event.data)

    @callback
    def started(event: Event) -> dict[str, str]:
        return {
            LOGBOOK_ENTRY_NAME: str(event.data.get("name") or "Cook"),
            LOGBOOK_ENTRY_MESSAGE: "cook session started",
        }

    @callback
    def ended(event: Event) -> dict[str, str]:
        minutes = round((event.data.get("duration") or 0) / 60)
        return {
            LOGBOOK_ENTRY_NAME: str(event.data.get("name") or "Cook"),
            LOGBOOK_ENTRY_MESSAGE: f"cook session ended after {minutes} min",
        }

    async_describe_event(DOMAIN, EVENT_ALERT, alert)
    async_describe_event(DOMAIN, EVENT_SESSION_STARTED, started)
    async_describe_event(DOMAIN, EVENT_SESSION_ENDED, ended)
    async_describe_brewing_events(hass, async_describe_event)
