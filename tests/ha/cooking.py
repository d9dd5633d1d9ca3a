"""Helpers for the cooking tests: move the clock and the emulated cook together."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from custom_components.kitchen_ble.const import DOMAIN
from emulator.igrill import IGrillDevice, ProbeKind
from emulator.proxy import VirtualProxy

from .common import entity_id, settle

STILL = 1e12  # a time constant that keeps a probe where a test put it


async def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    seconds: float,
    step: float = 1.0,
) -> None:
    """Let ``seconds`` pass for Home Assistant's clock and the emulated devices alike."""
    done = 0.0
    while done < seconds:
        freezer.tick(timedelta(seconds=step))
        proxy.tick(step)
        async_fire_time_changed(hass)
        await settle(hass)
        done += step


def hold(device: IGrillDevice, number: int, temperature: float) -> None:
    """Put probe ``number`` at ``temperature`` °C and keep it there (plus reading noise)."""
    probe = device.probe(number)
    probe.plugged = True
    probe.kind = ProbeKind.MEAT
    probe.stall = False
    probe.time_constant = STILL
    probe.temperature = temperature


async def set_number(hass: HomeAssistant, device: IGrillDevice, key: str, value: float) -> None:
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": entity_id(hass, device, key, "number"), "value": value},
        blocking=True,
    )
    await settle(hass)


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    response = await hass.services.async_call(DOMAIN, service, data or {}, blocking=True, **kwargs)
    await settle(hass)
    return response


class Recorder:
    """Every alert as a bus event and as event-entity states, in order."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.bus: list[dict[str, Any]] = []
        self.states: dict[str, list[str]] = {}
        hass.bus.async_listen(f"{DOMAIN}_alert", self._on_alert)
        hass.bus.async_listen("state_changed", self._on_state)

    @callback
    def _on_alert(self, event: Event) -> None:
        self.bus.append(dict(event.data))

    @callback
    def _on_state(self, event: Event) -> None:
        # event entities are only written when they fire (after being added)
        new, old = event.data["new_state"], event.data["old_state"]
        if new is None or old is None or not new.entity_id.startswith("event."):
            return
        if new.state not in ("unknown", "unavailable"):
            self.states.setdefault(new.entity_id, []).append(new.attributes["event_type"])

    def types(self, probe: int | None = None) -> list[str]:
        return [e["type"] for e in self.bus if probe is None or e["probe"] == probe]
