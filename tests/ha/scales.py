"""Helpers for the tests of coffee scales (the emulated families) in Home Assistant."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.components import bluetooth
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from custom_components.kitchen_ble.coordinator import LinkCoordinator
from emulator.proxy import VirtualProxy
from emulator.scales import EmulatedScale, create_scale

from .common import settle

# Emulated model -> (the model id the integration stores, the title's name).
SCALES: dict[str, tuple[str, str]] = {
    "skale2": ("skale_ii", "Skale II"),
    "acaia_lunar_old": ("acaia_lunar", "Lunar"),  # "ACAIAL1", the old IPS transport
    "acaia_lunar_2021": ("acaia_lunar", "Lunar"),  # "LUNAR-…", the new Pyxis-style one
    "felicita_arc": ("felicita_arc", "Arc"),
    "decent_scale": ("decent_scale", "Decent Scale"),
    "bookoo_themis": ("bookoo_themis", "Themis"),
}
FAMILIES = list(SCALES)
# Scales that report their physical buttons to the central (the Felicita and the
# Bookoo do not, scales.md §3.4, §5.4) and the button to press on each.
BUTTONS = {
    "skale2": ("circle", "circle"),
    "acaia_lunar_old": ("tare", "tare"),
    "acaia_lunar_2021": ("tare", "tare"),
    "decent_scale": ("square", "square"),
}
STEP = 0.1  # s of device time per turn: one frame of a 10 Hz scale


# Home Assistant core's own integrations for two of these families: they would be
# offered the same scales (a real installation shows both), and their libraries
# are not installed in the test environment.
CORE_SCALE_DOMAINS = frozenset({"acaia", "bookoo"})


@pytest.fixture
def without_core_scales() -> Iterator[None]:
    """Discovery as if core's acaia and bookoo integrations were not there."""
    real = bluetooth.async_get_bluetooth

    async def ours(hass: HomeAssistant) -> list[dict[str, Any]]:
        return [m for m in await real(hass) if m["domain"] not in CORE_SCALE_DOMAINS]

    with patch.object(bluetooth, "async_get_bluetooth", ours):
        yield


@pytest.fixture
def quick_skale() -> Iterator[None]:
    """The Skale's handshake waits 1 s between its steps (§1.3); tests need not wait 3 s."""
    with patch("custom_components.kitchen_ble.library.devices.skale.driver.STEP_DELAY", 0.02):
        yield


async def add_scale(
    hass: HomeAssistant, proxy: VirtualProxy, model: str, **options: Any
) -> EmulatedScale:
    """An emulated scale of ``model`` (noise off unless asked) that advertised once."""
    device = proxy.add(create_scale(model, **{"noise": 0.0, "seed": 1, **options}))
    proxy.advertise(device)
    await settle(hass)
    return device


async def setup_scale(
    hass: HomeAssistant, device: EmulatedScale, model: str, title: str = "Scale"
) -> MockConfigEntry:
    """A config entry for the scale, set up, with the first connection made."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.address,
        title=title,
        data={CONF_ADDRESS: device.address, CONF_MODEL: SCALES[model][0]},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    return entry


async def connected_scale(
    hass: HomeAssistant, proxy: VirtualProxy, model: str, **options: Any
) -> tuple[EmulatedScale, MockConfigEntry]:
    """A scale with its entry set up, connected, and its first readings in."""
    device = await add_scale(hass, proxy, model, **options)
    entry = await setup_scale(hass, device, model)
    assert link_of(entry).connected
    await run(hass, proxy, 1.0, real=True)
    return device, entry


def link_of(entry: MockConfigEntry) -> LinkCoordinator:
    link = entry.runtime_data.link
    assert link is not None
    return link


async def run(
    hass: HomeAssistant, proxy: VirtualProxy, seconds: float, *, real: bool = False
) -> None:
    """Let ``seconds`` of device time pass in steps of 0.1 s, each one handled.

    ``real``: also let the same wall time pass, for what Home Assistant times
    by its loop clock (the link's twice-a-second state notifications).
    """
    loop = asyncio.get_running_loop()
    due = loop.time()
    for _ in range(round(seconds / STEP)):
        proxy.tick(STEP)
        await settle(hass)
        if real:  # on a fixed grid: each frame 0.1 s after the last, as the scale sends them
            due += STEP
            await asyncio.sleep(max(0.0, due - loop.time()))


def entity_id(hass: HomeAssistant, device: EmulatedScale, platform: str, key: str) -> str:
    """The entity id of one of the scale's entities, by platform and description key."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{device.address}_{key}")
    assert found is not None, f"no {platform} entity {key}"
    return found


def state(hass: HomeAssistant, device: EmulatedScale, platform: str, key: str) -> str:
    found = hass.states.get(entity_id(hass, device, platform, key))
    assert found is not None
    return found.state


def keys_of(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """``platform.key`` of every entity of the entry."""
    prefix = entry.unique_id + "_"
    return {
        f"{item.domain}.{item.unique_id.removeprefix(prefix)}"
        for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
