"""Opening a GATT connection through Home Assistant's Bluetooth stack."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Final

import bleak_retry_connector
from bleak import BleakClient
from bleak.exc import BleakError
from homeassistant.components import bluetooth
from homeassistant.core import HomeAssistant

from .library.devices.base import LINK_ERRORS, GattClient, StoppableDriver

_LOGGER = logging.getLogger(__name__)

# Upper bound for a driver's goodbye (``async_stop``) before disconnecting.
STOP_TIMEOUT_SECONDS: Final = 5.0


class ConnectError(Exception):
    """A connection could not be made; ``reason`` is a translation key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


async def async_connect(
    hass: HomeAssistant,
    address: str,
    name: str,
    disconnected_callback: Callable[[BleakClient], None] | None = None,
) -> BleakClient:
    """Connect with the freshest BLEDevice; any adapter or proxy may serve it."""
    ble_device = bluetooth.async_ble_device_from_address(hass, address, connectable=True)
    if ble_device is None:
        if bluetooth.async_scanner_count(hass, connectable=True) == 0:
            raise ConnectError("no_connectable_adapter")
        raise ConnectError("device_not_found")
    # Looked up at call time: the bluetooth integration swaps in its own
    # client class (which routes through proxies) when it starts.
    client_class: Any = bleak_retry_connector.BleakClientWithServiceCache
    try:
        client: BleakClient = await bleak_retry_connector.establish_connection(
            client_class,
            ble_device,
            name,
            disconnected_callback=disconnected_callback,
            max_attempts=2,
        )
    except bleak_retry_connector.BleakOutOfConnectionSlotsError as err:
        raise ConnectError("no_free_slot", str(err)) from err
    except bleak_retry_connector.BleakNotFoundError as err:
        raise ConnectError("device_not_found", str(err)) from err
    except (BleakError, TimeoutError) as err:
        raise ConnectError("cannot_connect", str(err)) from err
    return client


async def async_disconnect(client: BleakClient) -> None:
    """Disconnect, ignoring a link that is already gone."""
    with contextlib.suppress(*LINK_ERRORS):
        await client.disconnect()


async def async_release(
    driver: object, client: BleakClient, *, gatt: GattClient | None = None
) -> None:
    """Let the driver say goodbye (its optional ``async_stop``), then disconnect.

    ``gatt`` is what the driver talks through, when not the client itself.
    """
    if isinstance(driver, StoppableDriver) and client.is_connected:
        try:
            async with asyncio.timeout(STOP_TIMEOUT_SECONDS):
                await driver.async_stop(gatt or client)
        except LINK_ERRORS as err:
            _LOGGER.debug("%s: goodbye to the device failed: %r", client.address, err)
    await async_disconnect(client)
