"""The proxy without Home Assistant: devices, slots, ticking."""

from __future__ import annotations

import pytest

from emulator.proxy import SOURCE_PREFIX, VirtualProxy

from .common import Gadget, connect


def test_devices(proxy: VirtualProxy) -> None:
    gadget = proxy.add(Gadget())
    assert proxy.device("aa:bb:cc:dd:ee:ff") is gadget
    assert proxy.devices == [gadget]
    assert list(proxy) == [gadget]
    assert repr(proxy) == f"<VirtualProxy {SOURCE_PREFIX}-test devices=1>"
    with pytest.raises(ValueError, match="already here"):
        proxy.add(Gadget())
    assert proxy.remove("aa:bb:cc:dd:ee:ff") is gadget
    assert proxy.device(gadget.address) is None


def test_sources_are_unique() -> None:
    first, second = VirtualProxy(), VirtualProxy()
    assert first.source != second.source
    assert first.source.startswith(SOURCE_PREFIX)
    assert first.connector.source == first.source
    assert first.connector.client is first.client_class
    assert first.client_class.host is first
    assert second.client_class.host is second


async def test_slots_count_live_connections() -> None:
    proxy = VirtualProxy(slots=2)
    gadgets = [proxy.add(Gadget(f"AA:BB:CC:DD:EE:0{n}")) for n in range(3)]
    assert proxy.can_connect()
    first = await connect(proxy, gadgets[0].address)
    second = await connect(proxy, gadgets[1].address)
    assert not proxy.can_connect()
    allocations = proxy.allocations()
    assert allocations.slots == 2
    assert allocations.free == 0
    assert allocations.allocated == [gadgets[0].address, gadgets[1].address]
    await first.disconnect()
    assert proxy.can_connect()
    assert proxy.allocations().free == 1
    proxy.disconnect_all()
    assert not second.is_connected
    assert proxy.connections == 0
    proxy.client_disconnected(first._backend)  # type: ignore[arg-type]  # unknown: ignored


def test_no_free_slot_fault(proxy: VirtualProxy) -> None:
    gadget = proxy.add(Gadget())
    gadget.faults.no_free_slot = True
    assert not proxy.can_connect()
    gadget.faults.clear()
    assert proxy.can_connect()
    proxy.no_free_slot = True
    assert not proxy.can_connect()


async def test_removing_a_device_drops_its_link(proxy: VirtualProxy) -> None:
    gadget = proxy.add(Gadget())
    dropped: list[object] = []
    client = await connect(proxy, gadget.address, disconnected_callback=dropped.append)
    proxy.remove(gadget.address)
    assert dropped == [client]


def test_tick_advances_physics_times_speed() -> None:
    proxy = VirtualProxy(speed=20)
    gadget = proxy.add(Gadget())
    proxy.tick(1.5)
    assert gadget.stepped == 30.0


def test_advertise_needs_a_scanner(proxy: VirtualProxy) -> None:
    gadget = proxy.add(Gadget())
    assert not proxy.advertise(gadget)
    assert proxy.advertise_all() == 0
