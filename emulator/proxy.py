"""A virtual Bluetooth proxy: a remote scanner plus a connector for HA.

It plugs into Home Assistant where an ESPHome Bluetooth proxy does: the
scanner feeds advertisements of the emulated devices to habluetooth, and the
connector hands HA a client class that serves their GATT tables in-process.
This module needs habluetooth but not Home Assistant; ``emulator.ha`` does the
registration.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from bluetooth_data_tools import monotonic_time_coarse
from habluetooth import Allocations, BaseHaRemoteScanner, HaBluetoothConnector

from .client import EmulatedBleakClient, bind_client
from .device import EmulatedDevice

SOURCE_PREFIX = "kitchen-ble-virtual-proxy"
DEFAULT_SLOTS = 3  # what an ESPHome proxy offers by default

_suffixes = itertools.count(1)


class VirtualProxyScanner(BaseHaRemoteScanner):
    """The proxy as habluetooth sees it: a connectable remote scanner."""

    def __init__(self, proxy: VirtualProxy) -> None:
        # adapter == source keeps the name short and unique per proxy;
        # habluetooth keys slots and adapters by it.
        super().__init__(proxy.source, proxy.source, connector=proxy.connector, connectable=True)
        self.proxy = proxy

    def get_allocations(self) -> Allocations:
        """Slot use, shown in HA's Bluetooth diagnostics."""
        return self.proxy.allocations()


class VirtualProxy:
    """Owns emulated devices, advertises them and serves their connections."""

    def __init__(
        self, *, suffix: str | None = None, slots: int = DEFAULT_SLOTS, speed: float = 1.0
    ) -> None:
        self.source = f"{SOURCE_PREFIX}-{suffix if suffix is not None else next(_suffixes)}"
        self.slots = slots
        self.speed = speed  # device seconds per wall-clock second
        self.no_free_slot = False  # proxy-wide fault; see also device faults
        self._devices: dict[str, EmulatedDevice] = {}
        self._clients: list[EmulatedBleakClient] = []
        self.client_class = bind_client(self)
        self.connector = HaBluetoothConnector(
            client=self.client_class, source=self.source, can_connect=self.can_connect
        )
        self._scanner: VirtualProxyScanner | None = None

    def __repr__(self) -> str:
        return f"<VirtualProxy {self.source} devices={len(self._devices)}>"

    # Devices ------------------------------------------------------------

    def add[D: EmulatedDevice](self, device: D) -> D:
        """Take a device into range; returns it for chaining."""
        if device.address in self._devices:
            raise ValueError(f"{self.source}: {device.address} is already here")
        self._devices[device.address] = device
        return device

    def remove(self, address: str) -> EmulatedDevice:
        """Take a device out of range; its link drops."""
        device = self._devices.pop(address.upper())
        device.drop_link()
        return device

    def device(self, address: str) -> EmulatedDevice | None:
        """The device with this address, or None."""
        return self._devices.get(address.upper())

    @property
    def devices(self) -> list[EmulatedDevice]:
        """All devices, in the order they were added."""
        return list(self._devices.values())

    def __iter__(self) -> Iterator[EmulatedDevice]:
        return iter(self.devices)

    # Connections --------------------------------------------------------

    @property
    def connections(self) -> int:
        """Live connections (slots taken)."""
        return len(self._clients)

    def can_connect(self) -> bool:
        """The connector's check: a free slot and no ``no_free_slot`` fault."""
        if self.no_free_slot or any(d.faults.no_free_slot for d in self._devices.values()):
            return False
        return len(self._clients) < self.slots

    def allocations(self) -> Allocations:
        """Slot use in habluetooth's shape."""
        taken = [client.address for client in self._clients]
        return Allocations(
            adapter=self.source,
            slots=self.slots,
            free=max(self.slots - len(taken), 0),
            allocated=taken,
        )

    def client_connected(self, client: EmulatedBleakClient) -> None:
        """Called by a client when its link came up."""
        if client not in self._clients:
            self._clients.append(client)

    def client_disconnected(self, client: EmulatedBleakClient) -> None:
        """Called by a client when its link went down."""
        if client in self._clients:
            self._clients.remove(client)

    def disconnect_all(self) -> None:
        """Drop every link (the proxy goes away)."""
        for device in self._devices.values():
            device.drop_link()

    # Advertising --------------------------------------------------------

    @property
    def scanner(self) -> VirtualProxyScanner:
        """The remote scanner, created on first use.

        Creating it needs habluetooth's manager, which Home Assistant's
        bluetooth integration sets up.
        """
        if self._scanner is None:
            self._scanner = VirtualProxyScanner(self)
        return self._scanner

    def advertise(self, device: EmulatedDevice) -> bool:
        """Feed one advertisement of ``device`` to the scanner; True if sent.

        Nothing is sent while the device is not advertising (connected or
        silent) or before the scanner exists.
        """
        if self._scanner is None or not device.advertising:
            return False
        adv = device.advertisement()
        self._scanner._async_on_advertisement(
            device.address,
            adv.rssi,
            adv.local_name,
            adv.service_uuids,
            adv.service_data,
            adv.manufacturer_data,
            adv.tx_power,
            {},
            monotonic_time_coarse(),
        )
        return True

    def advertise_all(self) -> int:
        """Advertise every device that is advertising; returns how many."""
        return sum(self.advertise(device) for device in self.devices)

    def tick(self, seconds: float) -> None:
        """Let ``seconds`` of wall time pass.

        Devices advance by ``seconds * speed``, then every advertising device
        advertises once.
        """
        for device in self.devices:
            device.advance(seconds * self.speed)
        self.advertise_all()
