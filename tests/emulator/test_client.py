# mypy: disable-error-code="unreachable"
# (asserting a property before and after a call trips mypy's narrowing)
"""The bleak backend, driven through bleak's own BleakClient front-end."""

from __future__ import annotations

import pytest
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.service import BleakGATTServiceCollection
from bleak.exc import BleakDeviceNotFoundError, BleakError

from emulator.client import CCCD_UUID, EmulatedBleakClient, build_service_collection
from emulator.gatt import ATT_READ_NOT_PERMITTED, ATT_WRITE_NOT_PERMITTED, AttError
from emulator.proxy import VirtualProxy

from .common import PLAIN, VALUE, Gadget, PlainBleakClient, connect


@pytest.fixture
def gadget(proxy: VirtualProxy) -> Gadget:
    """A gadget in range of the test proxy."""
    return proxy.add(Gadget())


async def test_connect_and_services(proxy: VirtualProxy, gadget: Gadget) -> None:
    client = await connect(proxy, gadget.address.lower())
    assert client.is_connected
    assert gadget.connected
    assert proxy.connections == 1
    assert client.name == "Gadget"
    assert client.mtu_size == 23
    char = client.services.get_characteristic(VALUE)
    assert isinstance(char, BleakGATTCharacteristic)
    assert char.properties == ["read", "notify"]
    assert char.service_uuid == "0000ff00-0000-1000-8000-00805f9b34fb"
    assert char.max_write_without_response_size == 20
    assert [d.uuid for d in char.descriptors] == [CCCD_UUID]
    plain = client.services.get_characteristic(PLAIN)
    assert plain is not None
    assert plain.descriptors == []
    await client.connect()  # already connected: nothing happens
    await client.disconnect()
    assert not client.is_connected
    assert proxy.connections == 0
    await client.disconnect()  # twice is harmless


def test_handles_are_laid_out_like_a_server() -> None:
    collection = build_service_collection(Gadget().services)
    assert isinstance(collection, BleakGATTServiceCollection)
    assert [s.handle for s in collection] == [1]
    assert sorted(collection.characteristics) == [3, 6]
    assert sorted(collection.descriptors) == [4]


async def test_read_write(proxy: VirtualProxy, gadget: Gadget) -> None:
    client = await connect(proxy, gadget.address)
    assert await client.read_gatt_char(VALUE) == bytearray(b"\x01\x02")
    await client.write_gatt_char(PLAIN, memoryview(b"\x33"), response=True)
    assert await client.read_gatt_char(PLAIN) == bytearray(b"\x33")
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(PLAIN, b"\x00", response=False)
    assert err.value.code == ATT_WRITE_NOT_PERMITTED
    await client.disconnect()


async def test_notifications(proxy: VirtualProxy, gadget: Gadget) -> None:
    client = await connect(proxy, gadget.address)
    received: list[tuple[str, bytearray]] = []
    await client.start_notify(VALUE, lambda char, data: received.append((char.uuid, data)))
    gadget.notify(VALUE, b"\x10")
    await client.stop_notify(VALUE)
    gadget.notify(VALUE, b"\x11")
    assert received == [(VALUE, bytearray(b"\x10"))]
    with pytest.raises(BleakError, match="does not support notifications"):
        await client.start_notify(PLAIN, lambda char, data: None)
    await client.disconnect()


async def test_descriptors_answer_att_errors(proxy: VirtualProxy, gadget: Gadget) -> None:
    client = await connect(proxy, gadget.address)
    char = client.services.get_characteristic(VALUE)
    assert char is not None
    cccd = char.descriptors[0]
    with pytest.raises(AttError) as err:
        await client.read_gatt_descriptor(cccd.handle)
    assert err.value.code == ATT_READ_NOT_PERMITTED
    # bleak 3 refuses CCCD writes before the backend sees them; ask the backend.
    with pytest.raises(AttError) as err:
        await client._backend.write_gatt_descriptor(cccd, b"\x01\x00")
    assert err.value.code == ATT_WRITE_NOT_PERMITTED
    await client.disconnect()


async def test_device_drop_fires_disconnected_callback(proxy: VirtualProxy, gadget: Gadget) -> None:
    dropped: list[object] = []
    client = await connect(proxy, gadget.address, disconnected_callback=dropped.append)
    await client.start_notify(VALUE, lambda char, data: None)
    gadget.drop_link()
    assert dropped == [client]
    assert not client.is_connected
    assert proxy.connections == 0
    assert gadget.advertising
    with pytest.raises(BleakError, match="not connected"):
        await client.read_gatt_char(VALUE)
    # It reconnects, and the device is its own again.
    await client.connect()
    assert client.is_connected
    await client.disconnect()


async def test_own_disconnect_fires_callback_like_esphome(
    proxy: VirtualProxy, gadget: Gadget
) -> None:
    dropped: list[object] = []
    client = await connect(proxy, gadget.address, disconnected_callback=dropped.append)
    await client.disconnect()
    assert dropped == [client]


async def test_pairing(proxy: VirtualProxy, gadget: Gadget) -> None:
    client = PlainBleakClient(gadget.address, backend=proxy.client_class, pair=True)
    await client.connect()
    assert gadget.paired
    await client.unpair()
    assert not gadget.paired
    await client.pair()
    assert gadget.paired
    await client.disconnect()
    assert gadget.paired  # the bond outlives the connection


async def test_unknown_device(proxy: VirtualProxy) -> None:
    client = PlainBleakClient("00:11:22:33:44:55", backend=proxy.client_class)
    with pytest.raises(BleakDeviceNotFoundError):
        await client.connect()
    with pytest.raises(BleakDeviceNotFoundError):
        await client.unpair()
    backend = proxy.client_class("00:11:22:33:44:55")
    assert backend.name == "00:11:22:33:44:55"
    assert backend.mtu_size == 23


async def test_out_of_slots(gadget: Gadget) -> None:
    proxy = VirtualProxy(slots=1)
    proxy.add(gadget)
    other = proxy.add(Gadget("AA:BB:CC:DD:EE:00"))
    first = await connect(proxy, gadget.address)
    with pytest.raises(BleakError, match="no available connection slot"):
        await connect(proxy, other.address)
    await first.disconnect()
    second = await connect(proxy, other.address)
    await second.disconnect()


async def test_silent_device_times_out(proxy: VirtualProxy, gadget: Gadget) -> None:
    gadget.faults.silent = True
    with pytest.raises(TimeoutError):
        await connect(proxy, gadget.address)
    assert proxy.connections == 0


async def test_clear_cache_and_str(proxy: VirtualProxy, gadget: Gadget) -> None:
    backend = proxy.client_class(gadget.address)
    assert await backend.clear_cache()
    assert str(backend) == f"EmulatedBleakClient ({proxy.source}: {gadget.address})"


async def test_unbound_client() -> None:
    client = EmulatedBleakClient("00:11:22:33:44:55")
    assert str(client) == "EmulatedBleakClient (unbound: 00:11:22:33:44:55)"
    with pytest.raises(BleakError, match="not bound"):
        await client.connect()


def test_stray_events_are_ignored(proxy: VirtualProxy) -> None:
    backend = proxy.client_class("00:11:22:33:44:55")
    backend.on_notification(VALUE, b"\x00")  # nobody subscribed
    backend.on_link_lost()  # not connected
    proxy.client_connected(backend)
    proxy.client_connected(backend)  # counted once
    assert proxy.connections == 1
