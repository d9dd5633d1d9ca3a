"""Memory per connected device, and the time to set up many, with 50 iGrills.

One run goes through three states on one virtual proxy with enough slots:

* base: Home Assistant with Bluetooth, the proxy and one warm-up iGrill set
  up (so the platforms are imported and loaded before anything is counted);
* floor: 50 more emulated iGrills added and advertised, no config entries
  (the discovery flows Home Assistant starts for them are aborted, as they are
  once a device is configured);
* ours: a config entry for each of the 50, set up and connected.

Memory per device is (state - base) / 50; the aim is on ours - floor, what
the integration adds per connected device. It is measured twice, in two
tests: as resident set size (VmRSS, after a garbage collection and a
``malloc_trim``) and, with tracemalloc running, as Python's traced memory
(exact, but tracemalloc slows everything, so only the first test's times
count).

Set-up time: from the first ``async_setup`` to all 50 connected, against the
floor of bare connections to the same 50 devices through Home Assistant's
Bluetooth stack (``establish_connection``, all at once, no handshake).
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable

import bleak_retry_connector
import pytest
from bleak import BleakClient
from homeassistant.components import bluetooth
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from benchmarks.common import release_free_memory, rss_kib
from benchmarks.report import Compare, note, record
from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.ha import async_start_proxy
from emulator.igrill import IGrillDevice, create_igrill, default_address
from emulator.proxy import VirtualProxy
from tests.ha.common import settle, setup_device

DEVICES = 50
AIM_KIB = 200.0
MODEL = "igrill_v2"


@pytest.fixture
async def big_proxy(hass: HomeAssistant, enable_bluetooth: None) -> AsyncIterator[VirtualProxy]:
    """A virtual proxy with a slot for every device here."""
    proxy = VirtualProxy(suffix="bench", slots=DEVICES + 10)
    stop = async_start_proxy(hass, proxy, interval=None)
    yield proxy
    stop()


async def _bare_connections(hass: HomeAssistant, devices: list[IGrillDevice]) -> float:
    """Seconds to connect to every device at once with nothing else; then let go."""

    async def connect(device: IGrillDevice) -> BleakClient:
        ble_device = bluetooth.async_ble_device_from_address(hass, device.address, connectable=True)
        assert ble_device is not None
        client: BleakClient = await bleak_retry_connector.establish_connection(
            bleak_retry_connector.BleakClientWithServiceCache, ble_device, device.address
        )
        return client

    start = time.perf_counter()
    clients = await asyncio.gather(*(connect(device) for device in devices))
    elapsed = time.perf_counter() - start
    assert all(device.connected for device in devices), "a bare connection failed"
    for client in clients:
        await client.disconnect()
    await settle(hass)
    assert not any(device.connected for device in devices)
    return elapsed


async def _abort_discoveries(hass: HomeAssistant, expected: int) -> None:
    """Abort the discovery flows Home Assistant started for the iGrills."""
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == expected, f"expected {expected} discovery flows, got {len(flows)}"
    for flow in flows:
        hass.config_entries.flow.async_abort(flow["flow_id"])
    await settle(hass)


async def _fifty(
    hass: HomeAssistant, proxy: VirtualProxy, measure: Callable[[], float]
) -> tuple[list[float], float, float]:
    """Goes through base, floor and ours; returns the three measures and the
    seconds of the bare connections and of the set-up."""
    warm_up = proxy.add(create_igrill(MODEL, default_address(MODEL, 0x99)))
    proxy.advertise(warm_up)
    await settle(hass)
    await setup_device(hass, warm_up, MODEL, title="Warm-up")
    assert warm_up.connected
    await _abort_discoveries(hass, expected=1)

    measures = [measure()]  # base

    devices = [
        proxy.add(create_igrill(MODEL, default_address(MODEL, index)))
        for index in range(1, DEVICES + 1)
    ]
    proxy.advertise_all()
    await settle(hass)
    bare_seconds = await _bare_connections(hass, devices)
    proxy.advertise_all()
    await settle(hass)
    await _abort_discoveries(hass, expected=DEVICES)
    measures.append(measure())  # floor

    entries = [
        MockConfigEntry(
            domain=DOMAIN,
            unique_id=device.address,
            title=f"iGrill {index}",
            data={CONF_ADDRESS: device.address, CONF_MODEL: MODEL},
        )
        for index, device in enumerate(devices, start=1)
    ]
    for entry in entries:
        entry.add_to_hass(hass)
    start = time.perf_counter()
    for entry in entries:
        assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    setup_seconds = time.perf_counter() - start
    connected = sum(entry.runtime_data.link.connected for entry in entries)
    assert connected == DEVICES, f"only {connected} of {DEVICES} connected"
    assert all(device.connected and device.authenticated for device in devices)
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    measures.append(measure())  # ours
    return measures, bare_seconds, setup_seconds


def _per_device(measures: list[float]) -> tuple[float, float]:
    """(ours, floor) per device from (base, floor, ours)."""
    base, floor, ours = measures
    # 50 connected devices with their entities cannot be free: a zero or a
    # negative difference means the measurement is broken, not the integration.
    assert ours > floor, f"no memory for {DEVICES} connected devices: {measures}"
    return (ours - base) / DEVICES, (floor - base) / DEVICES


async def test_memory_rss_and_setup_time(hass: HomeAssistant, big_proxy: VirtualProxy) -> None:
    def rss() -> float:
        release_free_memory()
        return float(rss_kib())

    measures, bare_seconds, setup_seconds = await _fifty(hass, big_proxy, rss)
    ours, floor = _per_device(measures)
    record(
        f"memory per connected device, RSS ({DEVICES} iGrills)",
        "KiB",
        ours,
        floor,
        compare=Compare.DIFFERENCE,
        aim=AIM_KIB,
    )
    record(
        f"set-up of {DEVICES} entries to connected (vs bare connects)",
        "ms",
        setup_seconds * 1000,
        bare_seconds * 1000,
    )
    base, floor_total, ours_total = (value / 1024 for value in measures)
    note(
        f"memory: RSS {base:.1f} → {floor_total:.1f} → {ours_total:.1f} MiB "
        f"(base → {DEVICES} advertised → {DEVICES} configured and connected); "
        "per device = (state − base) / devices"
    )


async def test_memory_traced(hass: HomeAssistant, big_proxy: VirtualProxy) -> None:
    def traced() -> float:
        release_free_memory()
        return tracemalloc.get_traced_memory()[0] / 1024

    tracemalloc.start()
    try:
        measures, _bare, _setup = await _fifty(hass, big_proxy, traced)
    finally:
        tracemalloc.stop()
    ours, floor = _per_device(measures)
    record(
        f"memory per connected device, traced ({DEVICES} iGrills)",
        "KiB",
        ours,
        floor,
        compare=Compare.DIFFERENCE,
        aim=AIM_KIB,
    )
