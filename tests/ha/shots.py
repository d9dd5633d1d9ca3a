"""Helpers for the tests of shot records: pull a sequence on the emulated DE1, call actions."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

from custom_components.kitchen_ble.const import DOMAIN
from emulator.de1 import DE1Device, State
from emulator.proxy import VirtualProxy

from .espresso import advance, call, entity_id, run

SHOT_COMPLETED = "kitchen_ble_shot_completed"  # the event the README names


async def start(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    what: str = "espresso",
) -> None:
    """Press the machine's start button of ``what`` and wait until the machine shows it."""
    await run(
        hass,
        freezer,
        proxy,
        call(hass, "button", "press", entity_id(hass, device, "button", f"start_{what}")),
    )


async def until_idle(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    limit: float = 180.0,
) -> float:
    """Let the machine run until it is idle again; returns the seconds that took."""
    waited = 0.0
    while device.state[0] is not State.IDLE:
        assert waited < limit, f"still {device.state} after {limit} s"
        await advance(hass, freezer, proxy, 1.0)
        waited += 1.0
    # the last StateInfo reaches the recorder, which closes once the last drops are in (3 s)
    await advance(hass, freezer, proxy, 4.0)
    return waited


async def pull(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    what: str = "espresso",
) -> None:
    """One whole sequence of ``what``, from the button to idle."""
    await start(hass, freezer, proxy, device, what)
    await until_idle(hass, freezer, proxy, device)


async def action(hass: HomeAssistant, service: str, **data: Any) -> Any:
    """One of the shot actions, with its response where it has one."""
    response = service not in ("delete_shot",)
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=response
    )
