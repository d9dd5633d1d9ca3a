"""The emulated device base class: advertising, one central, GATT, faults.

A device model subclasses ``EmulatedDevice``, builds its GATT table in
``build_services`` and moves its physics forward in ``step``. The proxy
advertises it; an ``EmulatedBleakClient`` connects to it as its central.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from bleak.exc import BleakError

from .faults import Faults
from .gatt import (
    ATT_INVALID_HANDLE,
    AttError,
    Characteristic,
    Service,
    find_characteristic,
    normalize_uuid,
)


class Central(Protocol):
    """What a device needs from the client connected to it."""

    def on_notification(self, uuid: str, data: bytes) -> None:
        """A notification for a subscribed characteristic arrived."""

    def on_link_lost(self) -> None:
        """The device dropped the link."""


@dataclass
class Advertisement:
    """One advertisement, in the shape habluetooth's remote scanner takes."""

    local_name: str | None
    rssi: int
    service_uuids: list[str] = field(default_factory=list)
    service_data: dict[str, bytes] = field(default_factory=dict)
    manufacturer_data: dict[int, bytes] = field(default_factory=dict)
    tx_power: int | None = None


def seed_from_address(address: str) -> int:
    """A stable random seed for a device, so runs are repeatable."""
    return int(address.replace(":", ""), 16)


def physics_steps(seconds: float, longest: float) -> Iterator[float]:
    """``seconds`` cut into steps of at most ``longest`` seconds, so a long advance shows."""
    remaining = seconds
    while remaining > 0:
        chunk = min(remaining, longest)
        remaining -= chunk
        yield chunk


class EmulatedDevice:
    """A Bluetooth LE peripheral that lives in this process."""

    model = "generic"
    mtu = 23  # the BLE default; no model here negotiates more

    def __init__(
        self, address: str, name: str | None, *, rssi: int = -60, seed: int | None = None
    ) -> None:
        self.address = address.upper()
        self.name = name
        self.rssi = rssi
        self.random = random.Random(seed_from_address(address) if seed is None else seed)
        self.faults = Faults(drop_link=self.drop_link)
        self.elapsed = 0.0  # seconds of device time since creation
        self.paired = False  # a bond outlives connections, as on real devices
        self._central: Central | None = None
        self._subscribed: set[str] = set()
        self.services: list[Service] = self.build_services()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model} {self.address}>"

    # Hooks for models -------------------------------------------------

    def build_services(self) -> list[Service]:
        """The GATT table; called once from ``__init__``."""
        return []

    def advertised_service_uuids(self) -> list[str]:
        """Service UUIDs carried in the advertisement."""
        return []

    def advertised_manufacturer_data(self) -> dict[int, bytes]:
        """Manufacturer data carried in the advertisement."""
        return {}

    def advertised_service_data(self) -> dict[str, bytes]:
        """Service data carried in the advertisement."""
        return {}

    def step(self, seconds: float) -> None:
        """Move the physics forward by ``seconds`` of device time."""

    def on_connect(self) -> None:
        """A central connected (reset per-connection state here)."""

    def on_disconnect(self) -> None:
        """The central went away, by its choice or ours."""

    # Advertising ------------------------------------------------------

    @property
    def advertising(self) -> bool:
        """Real devices stop advertising while a central is connected."""
        return self._central is None and not self.faults.silent

    def advertisement(self) -> Advertisement:
        """What the device is advertising now."""
        return Advertisement(
            local_name=self.name,
            rssi=self.rssi,
            service_uuids=[normalize_uuid(u) for u in self.advertised_service_uuids()],
            service_data=self.advertised_service_data(),
            manufacturer_data=self.advertised_manufacturer_data(),
        )

    # Physics ----------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of device time pass."""
        if seconds <= 0:
            return
        self.elapsed += seconds
        self.step(seconds)

    # Connection -------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a central is connected."""
        return self._central is not None

    def attach(self, central: Central) -> None:
        """A central connects. One at a time; a silent device never answers."""
        if self.faults.silent:
            raise TimeoutError(f"{self.address}: no answer to the connection request")
        if self._central is not None and self._central is not central:
            raise BleakError(f"{self.address}: already connected to another central")
        if self._central is None:
            self._central = central
            self._subscribed.clear()
            self.on_connect()

    def detach(self, central: Central) -> None:
        """The central disconnects."""
        if self._central is central:
            self._release()

    def drop_link(self) -> None:
        """Drop the link from the device side (fault ``drop_link``)."""
        central = self._central
        if central is None:
            return
        self._release()
        central.on_link_lost()

    def _release(self) -> None:
        self._central = None
        self._subscribed.clear()
        self.on_disconnect()

    def pair(self) -> None:
        """Bond with the central (Just Works)."""
        self.paired = True

    def unpair(self) -> None:
        """Forget the bond."""
        self.paired = False

    # GATT -------------------------------------------------------------

    def characteristic(self, uuid: str) -> Characteristic:
        """The characteristic with this UUID, or ATT error 0x01."""
        found = find_characteristic(self.services, uuid)
        if found is None:
            raise AttError(ATT_INVALID_HANDLE, f"no characteristic {uuid}")
        return found

    async def gatt_read(self, uuid: str) -> bytes:
        """Serve a read from the connected central, faults applied."""
        await self._operation_delay()
        if self.faults.read_timeout:
            await asyncio.sleep(self.faults.read_timeout_delay)
            raise TimeoutError(f"{self.address}: read of {uuid} timed out")
        self._require_central()
        return self._garble(self.characteristic(uuid).read())

    async def gatt_write(self, uuid: str, data: bytes, response: bool) -> None:
        """Serve a write from the connected central, faults applied."""
        await self._operation_delay()
        self._require_central()
        self.characteristic(uuid).write(data, response)

    async def gatt_subscribe(self, uuid: str) -> None:
        """The central enables notifications (writes the CCCD)."""
        await self._operation_delay()
        self._require_central()
        characteristic = self.characteristic(uuid)
        if not characteristic.can_notify:
            raise BleakError(f"{uuid}: characteristic does not support notifications")
        self._subscribed.add(characteristic.uuid)

    async def gatt_unsubscribe(self, uuid: str) -> None:
        """The central disables notifications."""
        await self._operation_delay()
        self._require_central()
        self._subscribed.discard(normalize_uuid(uuid))

    def is_subscribed(self, uuid: str) -> bool:
        """Whether the connected central listens to this characteristic."""
        return normalize_uuid(uuid) in self._subscribed

    def notify(self, uuid: str, data: bytes) -> bool:
        """Push a value to the central if it subscribed; True when sent."""
        central = self._central
        if central is None or not self.is_subscribed(uuid):
            return False
        central.on_notification(normalize_uuid(uuid), self._garble(data))
        return True

    async def connect_delay(self) -> None:
        """The time a connection takes to come up (fault ``slow``)."""
        await self._operation_delay()

    async def _operation_delay(self) -> None:
        if latency := self.faults.latency:
            await asyncio.sleep(latency)

    def _require_central(self) -> None:
        # The link can go while an operation waits (slow fault, drop_link).
        if self._central is None:
            raise BleakError(f"{self.address}: not connected")

    def _garble(self, data: bytes) -> bytes:
        """Garbage of a wrong length in place of ``data`` (fault ``malformed``)."""
        if not self.faults.malformed:
            return data
        length = 1 if len(data) >= 2 else len(data) + 2
        return bytes(self.random.randrange(256) for _ in range(length))
