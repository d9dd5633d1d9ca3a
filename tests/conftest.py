"""Fixtures shared by every test that runs inside Home Assistant."""

from __future__ import annotations

import logging
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
def fail_on_deprecation(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A deprecation Home Assistant reports fails the test that caused it.

    Home Assistant logs (rather than raises) when an integration uses an API
    that a later release removes; in the newest release's lane that is the
    early warning the integration must not ignore.
    """
    yield
    reports = deprecation_reports(caplog.get_records("call"))
    assert not reports, f"Home Assistant reported deprecated use: {reports}"


def deprecation_reports(records: list[logging.LogRecord]) -> list[str]:
    """The messages by which Home Assistant reports a deprecated call."""
    return [
        record.getMessage()
        for record in records
        if record.levelno >= logging.WARNING
        and (
            "deprecat" in record.getMessage().lower()
            or "Detected that custom integration" in record.getMessage()
        )
    ]


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
