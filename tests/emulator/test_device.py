# mypy: disable-error-code="unreachable"
# (asserting a property before and after a call trips mypy's narrowing)
"""The device base class: advertising, one central, GATT with faults."""

from __future__ import annotations

import asyncio

import pytest
from bleak.exc import BleakError

from emulator.device import Advertisement, EmulatedDevice, seed_from_address
from emulator.gatt import ATT_INVALID_HANDLE, AttError

from .common import PLAIN, VALUE, Central, Gadget


def test_advertisement() -> None:
    gadget = Gadget()
    assert gadget.address == "AA:BB:CC:DD:EE:FF"
    assert repr(gadget) == "<Gadget gadget AA:BB:CC:DD:EE:FF>"
    assert gadget.advertisement() == Advertisement(
        local_name="Gadget", rssi=-70, service_uuids=["0000ff00-0000-1000-8000-00805f9b34fb"]
    )


def test_base_defaults() -> None:
    device = EmulatedDevice("11:22:33:44:55:66", None)
    adv = device.advertisement()
    assert adv.local_name is None
    assert adv.service_uuids == []
    assert adv.manufacturer_data == {}
    assert adv.service_data == {}
    assert device.services == []
    device.advance(10)
    assert device.elapsed == 10
    device.on_connect()
    device.on_disconnect()


def test_seeded_randomness_is_repeatable() -> None:
    assert seed_from_address("00:00:00:00:01:00") == 256
    assert Gadget().random.random() == Gadget().random.random()


def test_one_central_and_no_advertising_while_connected() -> None:
    gadget = Gadget()
    first, second = Central(), Central()
    assert gadget.advertising
    gadget.attach(first)
    gadget.attach(first)  # the same central again is a no-op
    assert gadget.connected
    assert not gadget.advertising
    with pytest.raises(BleakError, match="another central"):
        gadget.attach(second)
    gadget.detach(second)  # not ours: ignored
    assert gadget.connected
    gadget.detach(first)
    assert not gadget.connected
    assert gadget.advertising
    assert gadget.events == ["connect", "disconnect"]


def test_silent_device_neither_advertises_nor_connects() -> None:
    gadget = Gadget()
    gadget.faults.silent = True
    assert not gadget.advertising
    with pytest.raises(TimeoutError):
        gadget.attach(Central())


def test_drop_link_tells_the_central() -> None:
    gadget = Gadget()
    central = Central()
    gadget.drop_link()  # nobody connected: nothing happens
    gadget.attach(central)
    gadget.faults.set("drop_link")
    assert central.lost == 1
    assert not gadget.connected


async def test_notify_only_when_subscribed() -> None:
    gadget = Gadget()
    central = Central()
    assert not gadget.notify(VALUE, b"\x05")  # nobody connected
    gadget.attach(central)
    assert not gadget.notify(VALUE, b"\x05")  # not subscribed
    await gadget.gatt_subscribe(VALUE.upper())
    assert gadget.is_subscribed(VALUE)
    assert gadget.notify(VALUE, b"\x05")
    await gadget.gatt_unsubscribe(VALUE)
    assert not gadget.notify(VALUE, b"\x06")
    assert central.notifications == [(VALUE, b"\x05")]


async def test_subscriptions_end_with_the_link() -> None:
    gadget = Gadget()
    central = Central()
    gadget.attach(central)
    await gadget.gatt_subscribe(VALUE)
    gadget.detach(central)
    gadget.attach(central)
    assert not gadget.is_subscribed(VALUE)


async def test_subscribe_needs_notify_property() -> None:
    gadget = Gadget()
    gadget.attach(Central())
    with pytest.raises(BleakError, match="does not support notifications"):
        await gadget.gatt_subscribe(PLAIN)


async def test_gatt_read_write() -> None:
    gadget = Gadget()
    gadget.attach(Central())
    assert await gadget.gatt_read(VALUE) == b"\x01\x02"
    await gadget.gatt_write(PLAIN, b"\x0a", response=True)
    assert await gadget.gatt_read(PLAIN) == b"\x0a"
    with pytest.raises(AttError) as err:
        await gadget.gatt_read("0000abcd-0000-1000-8000-00805f9b34fb")
    assert err.value.code == ATT_INVALID_HANDLE


async def test_gatt_needs_a_central() -> None:
    gadget = Gadget()
    with pytest.raises(BleakError, match="not connected"):
        await gadget.gatt_read(VALUE)


async def test_read_timeout_fault() -> None:
    gadget = Gadget()
    gadget.attach(Central())
    gadget.faults.read_timeout = True
    gadget.faults.read_timeout_delay = 0.01
    with pytest.raises(TimeoutError):
        await gadget.gatt_read(VALUE)
    await gadget.gatt_write(PLAIN, b"\x01", response=True)  # writes still work


async def test_slow_fault_delays_every_operation() -> None:
    gadget = Gadget()
    gadget.attach(Central())
    gadget.faults.slow = True
    gadget.faults.slow_latency = 0.02
    loop = asyncio.get_running_loop()
    start = loop.time()
    await gadget.connect_delay()
    await gadget.gatt_read(VALUE)
    assert loop.time() - start >= 0.04


async def test_link_dropped_during_a_slow_read() -> None:
    gadget = Gadget()
    gadget.attach(Central())
    gadget.faults.slow = True
    read = asyncio.ensure_future(gadget.gatt_read(VALUE))
    await asyncio.sleep(0)
    gadget.drop_link()
    with pytest.raises(BleakError, match="not connected"):
        await read


async def test_malformed_fault_garbles_reads_and_notifications() -> None:
    gadget = Gadget()
    central = Central()
    gadget.attach(central)
    await gadget.gatt_subscribe(VALUE)
    gadget.faults.malformed = True
    assert len(await gadget.gatt_read(VALUE)) == 1  # 2 bytes become 1
    assert len(await gadget.gatt_read(PLAIN)) == 3  # 1 byte becomes 3
    gadget.notify(VALUE, b"\x01\x02")
    assert len(central.notifications[0][1]) == 1


def test_advance_ignores_non_positive_time() -> None:
    gadget = Gadget()
    gadget.advance(0)
    gadget.advance(-1)
    gadget.advance(2.5)
    assert gadget.stepped == 2.5
    assert gadget.elapsed == 2.5


def test_pairing_is_remembered() -> None:
    gadget = Gadget()
    gadget.pair()
    assert gadget.paired
    gadget.unpair()
    assert not gadget.paired
