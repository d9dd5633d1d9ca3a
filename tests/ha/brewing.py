"""Helpers for the brewing tests: a thermometer, a mash program, entity lookups."""

from __future__ import annotations

from typing import Any

from homeassistant.core import Event, HomeAssistant, State, callback
from homeassistant.helpers import entity_registry as er

from custom_components.kitchen_ble.brewing import (
    EVENT_BREW_ALARM,
    EVENT_BREW_ALARM_ACKNOWLEDGED,
)
from emulator.igrill import IGrillDevice
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device
from .cooking import call, hold

MASH_STEPS: list[dict[str, Any]] = [
    {"name": "Protein rest", "target": 52, "hold_minutes": 15},
    {"name": "Saccharification", "target": 65, "hold_minutes": 60},
    {"name": "Mash out", "target": 78, "hold_minutes": 10},
]


async def thermometer(hass: HomeAssistant, proxy: VirtualProxy) -> tuple[IGrillDevice, str]:
    """An iGrill V2 set up with probe 1 at 20 °C: the device and its registry id."""
    device = await add_igrill(hass, proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2", title="iGrill")
    hold(device, 1, 20.0)
    proxy.tick(1)
    await settle(hass)
    return device, device_id(hass, device)


def device_id(hass: HomeAssistant, device: IGrillDevice) -> str:
    entry = er.async_get(hass).async_get(entity_id(hass, device, "probe_1"))
    assert entry is not None
    assert entry.device_id is not None
    return entry.device_id


async def create(hass: HomeAssistant, device: str, **data: Any) -> dict[str, Any]:
    payload = {"name": "Märzen mash", "device_id": device, "probe": 1, "steps": MASH_STEPS}
    payload.update(data)
    result: dict[str, Any] = await call(hass, "create_program", payload, return_response=True)
    return result


async def programs(hass: HomeAssistant) -> list[dict[str, Any]]:
    result = await call(hass, "list_programs", {}, return_response=True)
    listed: list[dict[str, Any]] = result["programs"]
    return listed


def program_entity(
    hass: HomeAssistant, device: IGrillDevice, program: str, kind: str, platform: str = "sensor"
) -> str:
    return entity_id(hass, device, f"program_{program}_{kind}", platform)


def program_state(
    hass: HomeAssistant, device: IGrillDevice, program: str, kind: str, platform: str = "sensor"
) -> State:
    state = hass.states.get(program_entity(hass, device, program, kind, platform))
    assert state is not None
    return state


async def press(hass: HomeAssistant, device: IGrillDevice, program: str, command: str) -> None:
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": program_entity(hass, device, program, command, "button")},
        blocking=True,
    )
    await settle(hass)


class AlarmRecorder:
    """Every brewing alarm as a bus event, and every acknowledgement."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.alarms: list[dict[str, Any]] = []
        self.acknowledged: list[dict[str, Any]] = []
        self.states: list[str] = []
        hass.bus.async_listen(EVENT_BREW_ALARM, self._on_alarm)
        hass.bus.async_listen(EVENT_BREW_ALARM_ACKNOWLEDGED, self._on_ack)
        hass.bus.async_listen("state_changed", self._on_state)

    @callback
    def _on_alarm(self, event: Event) -> None:
        self.alarms.append(dict(event.data))

    @callback
    def _on_ack(self, event: Event) -> None:
        self.acknowledged.append(dict(event.data))

    @callback
    def _on_state(self, event: Event) -> None:
        new, old = event.data["new_state"], event.data["old_state"]
        if new is None or old is None or not new.entity_id.startswith("event."):
            return
        if new.entity_id.endswith("_alarm") and new.state not in ("unknown", "unavailable"):
            self.states.append(new.attributes["event_type"])

    def types(self) -> list[str]:
        return [alarm["type"] for alarm in self.alarms]
