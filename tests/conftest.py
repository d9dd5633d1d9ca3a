"""Fixtures shared by every test that runs inside Home Assistant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant

from emulator.ha import async_start_proxy
from emulator.proxy import VirtualProxy


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/kitchen_ble in every test."""


@pytest.fixture(autouse=True)
def no_connect_backoff() -> Iterator[None]:
    """bleak-retry-connector sleeps between attempts; tests need not."""
    with (
        patch("bleak_retry_connector.BLEAK_OUT_OF_SLOTS_BACKOFF_TIME", 0),
        patch("bleak_retry_connector.BLEAK_BACKOFF_TIME", 0),
        patch("bleak_retry_connector.BLEAK_DBUS_BACKOFF_TIME", 0),
    ):
        yield


@pytest.fixture
async def virtual_proxy(hass: HomeAssistant, enable_bluetooth: None) -> AsyncIterator[VirtualProxy]:
    """A virtual Bluetooth proxy registered with Home Assistant; tests drive time."""
    proxy = VirtualProxy(suffix="test")
    stop = async_start_proxy(hass, proxy, interval=None)
    yield proxy
    stop()
