"""A bleak backend client that talks to an emulated device in-process.

Home Assistant picks the client class from the remote scanner's connector,
exactly as it does for an ESPHome Bluetooth proxy, so everything above the
backend (``HaBleakClientWrapper``, ``bleak_retry_connector``, the integration)
runs unchanged. The connect signature ``connect(pair, **kwargs)`` and the
``Buffer`` data type fit both bleak 2.1 and bleak 3.
"""

from __future__ import annotations

from collections.abc import Buffer, Iterable
from typing import Any, ClassVar, Protocol, cast

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakDeviceNotFoundError, BleakError

from .device import EmulatedDevice
from .gatt import ATT_READ_NOT_PERMITTED, ATT_WRITE_NOT_PERMITTED, AttError, Service

CCCD_UUID = "00002902-0000-1000-8000-00805f9b34fb"
ATT_HEADER_SIZE = 3


class ClientHost(Protocol):
    """What a client needs from the proxy it belongs to."""

    source: str

    def device(self, address: str) -> EmulatedDevice | None:
        """The device with this address, if the proxy has it."""

    def can_connect(self) -> bool:
        """Whether a connection slot is free."""

    def client_connected(self, client: EmulatedBleakClient) -> None:
        """A client took a slot."""

    def client_disconnected(self, client: EmulatedBleakClient) -> None:
        """A client gave its slot back."""


class EmulatedBleakClient(BaseBleakClient):
    """Serves an emulated device's GATT table to bleak."""

    host: ClassVar[ClientHost | None] = None  # set by ``bind_client``

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        # bleak 2.1's base class reads kwargs["timeout"] unconditionally.
        kwargs.setdefault("timeout", 10.0)
        super().__init__(address_or_ble_device, **kwargs)
        self._device: EmulatedDevice | None = None
        self._connected = False
        self._callbacks: dict[str, NotifyCallback] = {}

    def __str__(self) -> str:
        source = self.host.source if self.host else "unbound"
        return f"EmulatedBleakClient ({source}: {self.address})"

    # Properties -------------------------------------------------------

    @property
    def name(self) -> str:
        """The device's name, or its address when it has none."""
        device = self._device or self._lookup()
        return (device.name if device else None) or self.address

    @property
    def mtu_size(self) -> int:
        """The ATT MTU of the link."""
        return self._device.mtu if self._device else 23

    @property
    def is_connected(self) -> bool:
        """Whether the link is up."""
        return self._connected

    # Connection -------------------------------------------------------

    async def connect(self, pair: bool = False, **kwargs: Any) -> None:
        """Connect through the proxy; ``pair`` bonds right after."""
        if self._connected:
            return
        host = self._host()
        device = self._lookup()
        if device is None:
            raise BleakDeviceNotFoundError(
                self.address, f"{self.address}: not found by {host.source}"
            )
        if not host.can_connect():
            raise BleakError(f"{host.source}: no available connection slot")
        await device.connect_delay()
        device.attach(self)
        self._device = device
        self._connected = True
        host.client_connected(self)
        self.services = build_service_collection(device.services, device.mtu)
        if pair:
            device.pair()

    async def disconnect(self) -> None:
        """Disconnect; like an ESPHome proxy, the disconnected callback fires."""
        if not self._connected:
            return
        device = self._require_device()
        device.detach(self)
        self._link_down()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        """Bond with the device (Just Works, no agent needed)."""
        self._require_device().pair()

    async def unpair(self) -> None:
        """Forget the bond."""
        device = self._device or self._lookup()
        if device is None:
            raise BleakDeviceNotFoundError(self.address, f"{self.address}: not found")
        device.unpair()

    async def clear_cache(self) -> bool:
        """Nothing is cached; present so HA never falls back to BlueZ D-Bus."""
        return True

    # GATT -------------------------------------------------------------

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, **kwargs: Any
    ) -> bytearray:
        """Read a characteristic (``use_cached`` and friends are ignored)."""
        return bytearray(await self._require_device().gatt_read(characteristic.uuid))

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: Buffer, response: bool
    ) -> None:
        """Write a characteristic, with or without response."""
        await self._require_device().gatt_write(
            characteristic.uuid, bytes(memoryview(data)), response
        )

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, **kwargs: Any
    ) -> bytearray:
        """Descriptors are not readable on emulated devices."""
        self._require_device()
        raise AttError(ATT_READ_NOT_PERMITTED, f"descriptor {descriptor.handle}")

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Buffer) -> None:
        """Descriptors are not writable; use start_notify for the CCCD."""
        self._require_device()
        raise AttError(ATT_WRITE_NOT_PERMITTED, f"descriptor {descriptor.handle}")

    async def start_notify(
        self,
        characteristic: BleakGATTCharacteristic,
        callback: NotifyCallback,
        **kwargs: Any,
    ) -> None:
        """Subscribe to notifications of a characteristic."""
        await self._require_device().gatt_subscribe(characteristic.uuid)
        self._callbacks[characteristic.uuid] = callback

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        """Unsubscribe."""
        await self._require_device().gatt_unsubscribe(characteristic.uuid)
        self._callbacks.pop(characteristic.uuid, None)

    # Central protocol (called by the device) --------------------------

    def on_notification(self, uuid: str, data: bytes) -> None:
        """Hand a notification to the subscriber's callback."""
        if (callback := self._callbacks.get(uuid)) is not None:
            callback(bytearray(data))

    def on_link_lost(self) -> None:
        """The device dropped the link."""
        self._link_down()

    # Internals --------------------------------------------------------

    def _host(self) -> ClientHost:
        if self.host is None:
            raise BleakError("EmulatedBleakClient is not bound to a proxy")
        return self.host

    def _lookup(self) -> EmulatedDevice | None:
        return self._host().device(self.address)

    def _require_device(self) -> EmulatedDevice:
        if not self._connected or self._device is None:
            raise BleakError(f"{self.address}: not connected")
        return self._device

    def _link_down(self) -> None:
        if not self._connected:
            return
        self._connected = False
        self._callbacks.clear()
        self._host().client_disconnected(self)
        if self._disconnected_callback is not None:
            self._disconnected_callback()


def bind_client(host: ClientHost) -> type[EmulatedBleakClient]:
    """A subclass of EmulatedBleakClient that connects through ``host``."""
    return cast(
        type[EmulatedBleakClient],
        type("EmulatedBleakClient", (EmulatedBleakClient,), {"host": host}),
    )


def build_service_collection(
    services: Iterable[Service], mtu: int = 23
) -> BleakGATTServiceCollection:
    """bleak objects for a GATT table, with handles laid out like a real server."""
    collection = BleakGATTServiceCollection()
    handle = 0
    for service in services:
        handle += 1
        bleak_service = BleakGATTService(service, handle, service.uuid)
        collection.add_service(bleak_service)
        for characteristic in service.characteristics:
            handle += 2  # the declaration, then the value handle
            bleak_char = BleakGATTCharacteristic(
                characteristic,
                handle,
                characteristic.uuid,
                list(characteristic.properties),  # type: ignore[arg-type]
                lambda: mtu - ATT_HEADER_SIZE,
                bleak_service,
            )
            collection.add_characteristic(bleak_char)
            if characteristic.can_notify:
                handle += 1
                collection.add_descriptor(BleakGATTDescriptor(None, handle, CCCD_UUID, bleak_char))
    return collection
