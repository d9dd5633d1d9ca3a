"""Helpers for tests with passive sensor nodes (company id 0xFFFF)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from bluetooth_data_tools import monotonic_time_coarse
from habluetooth import FALLBACK_MAXIMUM_STALE_ADVERTISEMENT_SECONDS
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.helpers import discovery_flow
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.ha import async_start_proxy
from emulator.node import NodeDevice
from emulator.passive_proxy import PassiveProxy

from .common import settle

KEGTRON_FLOWS = "homeassistant.components.bluetooth.manager.discovery_flow.async_create_flow"


@pytest.fixture
def no_kegtron() -> Iterator[list[str]]:
    """Home Assistant's Kegtron integration matches company id 0xFFFF too.

    Every 0xFFFF advertiser also starts a Kegtron discovery flow, whose
    library may not be installed; those flows are recorded (by address)
    instead of started. Every other domain's flows start as usual.
    """
    kegtron: list[str] = []
    create_flow = discovery_flow.async_create_flow

    def create(hass: HomeAssistant, domain: str, context: Any, data: Any, **kwargs: Any) -> None:
        if domain == "kegtron":
            kegtron.append(data.address)
            return
        create_flow(hass, domain, context, data, **kwargs)

    with patch(KEGTRON_FLOWS, create):
        yield kegtron


@pytest.fixture
async def passive_proxy(
    hass: HomeAssistant, enable_bluetooth: None, no_kegtron: list[str]
) -> AsyncIterator[PassiveProxy]:
    """A passive-only proxy (no connection slots, not connectable); tests drive time."""
    proxy = PassiveProxy(suffix="passive-test")
    stop = async_start_proxy(hass, proxy, interval=None)
    yield proxy
    stop()


async def setup_node(hass: HomeAssistant, node: NodeDevice, title: str = "Hall") -> MockConfigEntry:
    """A config entry for the node, set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=node.address,
        title=title,
        data={CONF_ADDRESS: node.address, CONF_MODEL: "thingy_node"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    return entry


def node_entity(hass: HomeAssistant, node: NodeDevice, key: str, platform: str = "sensor") -> str:
    """The entity id of one of the node's entities (unique id ``<address>-<key>``)."""
    from homeassistant.helpers import entity_registry as er

    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{node.address}-{key}")
    assert found is not None, f"no {platform} entity {key}"
    return found


def node_state(hass: HomeAssistant, node: NodeDevice, key: str, platform: str = "sensor") -> str:
    state = hass.states.get(node_entity(hass, node, key, platform))
    assert state is not None
    return state.state


@contextmanager
def bluetooth_time(seconds_later: float) -> Iterator[None]:
    """The Bluetooth stack's clock moved on by ``seconds_later`` (as core tests do it)."""
    now = monotonic_time_coarse() + seconds_later
    with (
        patch("habluetooth.base_scanner.monotonic_time_coarse", return_value=now),
        patch("habluetooth.manager.monotonic_time_coarse", return_value=now),
    ):
        yield


async def past_availability_window(hass: HomeAssistant) -> None:
    """Long enough without advertisements for Home Assistant to call a node gone.

    The scanner forgets the device first (every 30 s it expires what it has
    not heard for a while), then the manager's check (every 5 minutes) finds
    a passive device silent beyond its advertising interval, or beyond the
    fallback of 15 minutes when no interval was learned.
    """
    later = FALLBACK_MAXIMUM_STALE_ADVERTISEMENT_SECONDS + 60
    with bluetooth_time(later):
        for step in (1, 2):  # the scanner's expiry, then the manager's check
            async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=later * step))
            await settle(hass)
