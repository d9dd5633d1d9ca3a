"""Helpers shared by the emulator tests."""

from __future__ import annotations

from typing import Any

from bleak import BleakClient

from emulator.device import EmulatedDevice
from emulator.gatt import Characteristic, Service
from emulator.igrill.const import APP_CHALLENGE, DEVICE_CHALLENGE, DEVICE_RESPONSE
from emulator.proxy import VirtualProxy

# Bound at import, before any test sets up HA's bluetooth (which swaps it).
PlainBleakClient = BleakClient


async def connect(proxy: VirtualProxy, address: str, **kwargs: Any) -> BleakClient:
    """A real bleak front-end connected through the proxy's backend class."""
    client = PlainBleakClient(address, backend=proxy.client_class, **kwargs)
    await client.connect()
    return client


async def zero_challenge_handshake(client: Any) -> bytes:
    """The key-free handshake: challenge 00×16, echo what the device answers."""
    await client.write_gatt_char(APP_CHALLENGE, bytes(16), response=True)
    answer = bytes(await client.read_gatt_char(DEVICE_CHALLENGE))
    await client.write_gatt_char(DEVICE_RESPONSE, answer, response=True)
    return answer


VALUE = "0000ff01-0000-1000-8000-00805f9b34fb"
PLAIN = "0000ff02-0000-1000-8000-00805f9b34fb"


class Gadget(EmulatedDevice):
    """A minimal model: one notifying value, one plain value."""

    model = "gadget"

    def __init__(self, address: str = "aa:bb:cc:dd:ee:ff") -> None:
        self.events: list[str] = []
        self.stepped = 0.0
        super().__init__(address, "Gadget", rssi=-70)

    def build_services(self) -> list[Service]:
        return [
            Service(
                "ff00",
                [
                    Characteristic(VALUE, ["read", "notify"], b"\x01\x02"),
                    Characteristic(PLAIN, ["read", "write"], b"\x09"),
                ],
            )
        ]

    def advertised_service_uuids(self) -> list[str]:
        return ["ff00"]

    def step(self, seconds: float) -> None:
        self.stepped += seconds

    def on_connect(self) -> None:
        self.events.append("connect")

    def on_disconnect(self) -> None:
        self.events.append("disconnect")


class Central:
    """Records what the device sends to its central."""

    def __init__(self) -> None:
        self.notifications: list[tuple[str, bytes]] = []
        self.lost = 0

    def on_notification(self, uuid: str, data: bytes) -> None:
        self.notifications.append((uuid, data))

    def on_link_lost(self) -> None:
        self.lost += 1
