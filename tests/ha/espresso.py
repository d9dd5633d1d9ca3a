"""Helpers for the tests of an espresso machine (the emulated DE1) in Home Assistant."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_fire_time_changed_exact,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from custom_components.kitchen_ble.coordinator import LinkCoordinator
from emulator.de1 import DE1Device, create_de1
from emulator.proxy import VirtualProxy

from .common import settle

# Turns of the event loop per step of ``run``: enough for a notification to reach the driver.
TURNS = 50

# The emulator's V13_MODEL codes (de1.md §7.2) and the models they name.
MODEL_CODES = {1: "de1", 2: "de1_plus", 3: "de1_pro", 4: "de1_xl", 5: "de1_cafe", 6: "de1_xxl"}


async def add_de1(hass: HomeAssistant, proxy: VirtualProxy, **options: Any) -> DE1Device:
    """An emulated DE1 (a DE1+ unless ``model_code`` says otherwise) that advertised once."""
    device = proxy.add(create_de1(**options))
    proxy.advertise(device)
    await settle(hass)
    return device


async def setup_de1(
    hass: HomeAssistant, device: DE1Device, model: str = "de1_plus", title: str = "DE1"
) -> MockConfigEntry:
    """A config entry for the machine, set up, with the first connection made."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.address,
        title=title,
        data={CONF_ADDRESS: device.address, CONF_MODEL: model},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    return entry


async def connected_de1(
    hass: HomeAssistant, proxy: VirtualProxy, **options: Any
) -> tuple[DE1Device, MockConfigEntry]:
    """A DE1 (awake unless told otherwise) with its entry set up and connected."""
    device = await add_de1(hass, proxy, **{"awake": True, **options})
    entry = await setup_de1(hass, device)
    assert link_of(entry).connected
    return device, entry


def link_of(entry: MockConfigEntry) -> LinkCoordinator:
    link = entry.runtime_data.link
    assert link is not None
    return link


def entity_id(hass: HomeAssistant, device: DE1Device, platform: str, key: str) -> str:
    """The entity id of one of the machine's entities, by platform and description key."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{device.address}_{key}")
    assert found is not None, f"no {platform} entity {key}"
    return found


def state(hass: HomeAssistant, device: DE1Device, platform: str, key: str) -> str:
    found = hass.states.get(entity_id(hass, device, platform, key))
    assert found is not None
    return found.state


def attributes(hass: HomeAssistant, device: DE1Device, platform: str, key: str) -> dict[str, Any]:
    found = hass.states.get(entity_id(hass, device, platform, key))
    assert found is not None
    return dict(found.attributes)


def call(
    hass: HomeAssistant, domain: str, service: str, target: str, **data: Any
) -> asyncio.Future[Any]:
    """An action running beside the test, so time can pass for the machine while it waits.

    (Not a task of Home Assistant's: ``settle`` must not wait for it.)
    """
    coroutine: Awaitable[Any] = hass.services.async_call(
        domain, service, {"entity_id": target, **data}, blocking=True
    )
    return asyncio.ensure_future(coroutine)


async def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    seconds: float,
    step: float = 0.25,
) -> None:
    """Let ``seconds`` pass for Home Assistant's clock and the machine alike.

    Timers fire when they are due, not up to half a second early as
    ``async_fire_time_changed`` lets them: the link's once-a-second state
    notifications are measured here.
    """
    done = 0.0
    while done < seconds - 1e-9:
        freezer.tick(timedelta(seconds=step))
        proxy.tick(step)
        async_fire_time_changed_exact(hass)
        await settle(hass)
        done += step


async def run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    action: asyncio.Future[Any],
    *,
    seconds: float = 10.0,
    step: float = 0.25,
) -> Any:
    """Let time pass for Home Assistant and the machine until ``action`` is done.

    A button press is a task of Home Assistant's, so ``settle`` would wait for it
    while it waits for the machine: the loop only turns here until it is done.
    """
    waited = 0.0
    while not action.done() and waited < seconds:
        freezer.tick(timedelta(seconds=step))
        proxy.tick(step)
        async_fire_time_changed_exact(hass)
        for _ in range(TURNS):
            await asyncio.sleep(0)
        waited += step
    try:
        return await action
    finally:
        await settle(hass)


async def set_number(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    key: str,
    value: float,
) -> None:
    """Set one of the machine's numbers, letting time pass while it is written."""
    await run(
        hass,
        freezer,
        proxy,
        call(hass, "number", "set_value", entity_id(hass, device, "number", key), value=value),
    )
