"""The virtual proxy inside Home Assistant: discovery and a real connection
through HA's bluetooth stack (HaBleakClientWrapper + bleak_retry_connector)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import bleak_retry_connector
import pytest
from homeassistant.components import bluetooth
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from emulator.gatt import AttError
from emulator.ha import async_start_proxy
from emulator.igrill import IGrillDevice, create_igrill
from emulator.igrill.const import probe_value_uuid
from emulator.proxy import VirtualProxy

from .common import zero_challenge_handshake

PROBE_1 = probe_value_uuid(1)


@pytest.fixture
async def started(
    hass: HomeAssistant, enable_bluetooth: None
) -> AsyncIterator[tuple[VirtualProxy, IGrillDevice]]:
    """A proxy with one iGrill V2, registered with HA; time is driven by hand."""
    proxy = VirtualProxy(suffix="ha-test")
    device = proxy.add(create_igrill("igrill_v2"))
    stop = async_start_proxy(hass, proxy, interval=None)
    yield proxy, device
    stop()


async def establish(hass: HomeAssistant, address: str, **kwargs: object) -> object:
    """Connect the way the integration does (class looked up at call time)."""
    ble_device = bluetooth.async_ble_device_from_address(hass, address, connectable=True)
    assert ble_device is not None
    return await bleak_retry_connector.establish_connection(
        bleak_retry_connector.BleakClientWithServiceCache,
        ble_device,
        "test",
        **kwargs,  # type: ignore[arg-type]
    )


async def test_discovered_by_home_assistant(
    hass: HomeAssistant, started: tuple[VirtualProxy, IGrillDevice]
) -> None:
    proxy, device = started
    infos = {info.address: info for info in bluetooth.async_discovered_service_info(hass)}
    info = infos[device.address]
    assert info.name == "iGrill_V2"
    assert info.connectable
    assert info.source == proxy.source
    assert "a5c50000-f186-4bd6-97f2-7ebacba0d708" in info.service_uuids
    assert info.manufacturer_data == {}
    scanner = bluetooth.async_scanner_by_source(hass, proxy.source)
    assert scanner is proxy.scanner
    assert scanner.get_allocations().slots == 3


async def test_connect_handshake_read_notify_drop(
    hass: HomeAssistant, started: tuple[VirtualProxy, IGrillDevice]
) -> None:
    proxy, device = started
    dropped: list[object] = []
    client = await establish(hass, device.address, disconnected_callback=dropped.append)
    assert type(client).__name__ == "HaBleakClientWithServiceCache"  # HA's wrapper
    assert client.is_connected  # type: ignore[attr-defined]
    assert proxy.connections == 1
    assert client.services.get_characteristic(PROBE_1) is not None  # type: ignore[attr-defined]

    with pytest.raises(AttError) as err:
        await client.read_gatt_char(PROBE_1)  # type: ignore[attr-defined]
    assert getattr(err.value, "code", None) == 0x05
    await zero_challenge_handshake(client)
    value = await client.read_gatt_char(PROBE_1)  # type: ignore[attr-defined]
    assert len(value) == 2

    received: list[bytearray] = []
    await client.start_notify(  # type: ignore[attr-defined]
        PROBE_1, lambda char, data: received.append(data)
    )
    proxy.tick(1.0)
    assert len(received) == 1
    assert len(received[0]) == 3  # V2 notifications carry a third byte

    assert proxy.advertise(device) is False  # connected devices do not advertise
    device.drop_link()
    assert dropped == [client]
    assert not client.is_connected  # type: ignore[attr-defined]
    assert proxy.advertise(device) is True


async def test_no_free_slot(
    hass: HomeAssistant,
    started: tuple[VirtualProxy, IGrillDevice],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, device = started
    # bleak_retry_connector backs off and retries out-of-slot errors for ~36 s.
    monkeypatch.setattr(bleak_retry_connector, "BLEAK_OUT_OF_SLOTS_BACKOFF_TIME", 0)
    device.faults.no_free_slot = True
    with pytest.raises(bleak_retry_connector.BleakOutOfConnectionSlotsError):
        await establish(hass, device.address, max_attempts=1)


async def test_periodic_tick(hass: HomeAssistant, enable_bluetooth: None) -> None:
    proxy = VirtualProxy(suffix="tick", speed=10)
    device = proxy.add(create_igrill("igrill_mini"))
    stop = async_start_proxy(hass, proxy, interval=1.0)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=1.5))
    await hass.async_block_till_done()
    assert device.elapsed >= 10.0
    stop()
    stop()  # twice is harmless
    elapsed = device.elapsed
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=5))
    await hass.async_block_till_done()
    assert device.elapsed == elapsed


async def test_stop_disconnects_clients(hass: HomeAssistant, enable_bluetooth: None) -> None:
    proxy = VirtualProxy(suffix="stop")
    device = proxy.add(create_igrill("igrill_v3"))
    stop = async_start_proxy(hass, proxy, interval=None)
    dropped: list[object] = []
    await establish(hass, device.address, disconnected_callback=dropped.append)
    stop()
    assert len(dropped) == 1
    assert proxy.connections == 0
    assert bluetooth.async_scanner_by_source(hass, proxy.source) is None
