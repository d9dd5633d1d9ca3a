"""Logbook: the integration's events as sentences.

Cooking alerts ("iGrill V2 Probe 1 (Brisket) reached its target: 57 °C") and
sessions, brewing alarms and their acknowledgement, and every shot of an
espresso machine ("Espresso: 36.2 g in 28 s from 18.0 g (1:2.0), Blooming"). Temperatures are shown
in the user's unit (every event names the unit it carries).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.const import UnitOfTemperature
from homeassistant.core import Event, HomeAssistant, callback

from .brewing import EVENT_BREW_ALARM, EVENT_BREW_ALARM_ACKNOWLEDGED
from .const import DOMAIN, EVENT_ALERT, EVENT_SESSION_ENDED, EVENT_SESSION_STARTED
from .library.espresso.records import RecordError, ShotKind, ShotSummary, logbook_text
from .shots import EVENT_SHOT_COMPLETED
from .util import temperature_text

# {temperature} and {target} are filled in the user's unit (events say which unit they carry).
ALERT_MESSAGES: Final = {
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
    template = ALERT_MESSAGES.get(str(data.get("type")), "alert: {temperature}")
    unit = str(data.get("unit") or UnitOfTemperature.CELSIUS)  # every event names its unit
    message = template.format(
        temperature=temperature_text(hass, data.get("temperature"), unit),
        target=temperature_text(hass, data.get("target"), unit),
    )
    return {LOGBOOK_ENTRY_NAME: name, LOGBOOK_ENTRY_MESSAGE: message}


# {step}, {temperature} and {setpoint} are filled in (temperatures in the user's unit).
BREW_ALARM_MESSAGES: Final = {
    "setpoint_not_reached": "did not reach the setpoint of step {step}: {temperature} "
    "(setpoint {setpoint})",
    "deviation": "is off the setpoint in step {step}: {temperature} (setpoint {setpoint})",
    "sensor_lost": "lost its temperature sensor in step {step}",
    "step_finished": "finished step {step}",
    "program_finished": "finished",
}


def describe_brew_alarm(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Name and message of one ``kitchen_ble_brew_alarm`` event."""
    template = BREW_ALARM_MESSAGES.get(str(data.get("type")), "alarm in step {step}")
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


def describe_shot(data: Mapping[str, Any]) -> dict[str, str]:
    """Name and message of one ``kitchen_ble_shot_completed`` event (its summary)."""
    name = str(data.get("name") or "Espresso machine")
    try:
        message = logbook_text(_summary(data.get("summary")))
    except (KeyError, TypeError, ValueError):  # an event of an older or damaged shape
        message = "shot recorded"
    return {LOGBOOK_ENTRY_NAME: name, LOGBOOK_ENTRY_MESSAGE: message}


def _summary(raw: object) -> ShotSummary:
    """The summary as the event carries it (``ShotSummary.to_dict``), typed again."""
    if not isinstance(raw, Mapping):
        raise TypeError("summary: expected an object")

    def number(key: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RecordError("value_not_number", {"field": key})
        return float(value)

    def text(key: str) -> str | None:
        value = raw.get(key)
        return None if value is None else str(value)

    return ShotSummary(
        id=str(raw.get("id")),
        kind=ShotKind(raw["kind"]),
        status=str(raw.get("status")),
        started_at=number("started_at") or 0.0,
        ended_at=number("ended_at"),
        incomplete_reason=text("incomplete_reason"),
        flow_started=number("flow_started"),
        duration=number("duration") or 0.0,
        preinfusion_time=number("preinfusion_time") or 0.0,
        pour_time=number("pour_time") or 0.0,
        dose=number("dose"),
        yield_weight=number("yield"),
        ratio=number("ratio"),
        volume=number("volume") or 0.0,
        peak_pressure=number("peak_pressure"),
        mean_flow=number("mean_flow"),
        mean_temperature=number("mean_temperature"),
        profile=text("profile"),
        profile_fingerprint=text("profile_fingerprint"),
        stop_reason=text("stop_reason"),
        stop_target=number("stop_target"),
        stop_error=number("stop_error"),
        machine_error=text("machine_error"),
        scale=text("scale"),
    )


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

    @callback
    def brew_alarm(event: Event) -> dict[str, str]:
        return describe_brew_alarm(hass, event.data)

    @callback
    def acknowledged(event: Event) -> dict[str, str]:
        count = len(event.data.get("alarms") or [])
        return {
            LOGBOOK_ENTRY_NAME: str(event.data.get("program") or "Program"),
            LOGBOOK_ENTRY_MESSAGE: f"{count} alarm{'' if count == 1 else 's'} acknowledged",
        }

    async_describe_event(DOMAIN, EVENT_ALERT, alert)
    async_describe_event(DOMAIN, EVENT_SESSION_STARTED, started)
    async_describe_event(DOMAIN, EVENT_SESSION_ENDED, ended)
    async_describe_event(DOMAIN, EVENT_BREW_ALARM, brew_alarm)
    async_describe_event(DOMAIN, EVENT_BREW_ALARM_ACKNOWLEDGED, acknowledged)
    async_describe_event(DOMAIN, EVENT_SHOT_COMPLETED, lambda event: describe_shot(event.data))
