# mypy: disable-error-code="unreachable"
# (asserting a property before and after a call trips mypy's narrowing)
"""The emulated passive node and the 0xFFFF foreign device; the passive proxy."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.components import bluetooth
from homeassistant.core import HomeAssistant

from emulator.ha import async_start_proxy
from emulator.node import (
    CO2_NOT_READY,
    COMPANY_ID,
    KEY_ORDER,
    PAYLOAD_SIZE,
    UNKNOWN_KEY,
    NodeDevice,
    Room,
    create_foreign,
    create_node,
    encode_frame,
)
from emulator.passive_proxy import PassiveProxy
from emulator.proxy import VirtualProxy

from .common import connect

SIZES = {0x01: 1, 0x02: 1, 0x03: 2, 0x04: 4, 0x05: 1}


def records(frame: bytes) -> dict[int, int]:
    """Key -> value, read back from the sheet's layout (independent of the encoder)."""
    values, index = {}, 0
    while index < len(frame):
        key = frame[index]
        size = SIZES[key]
        values[key] = int.from_bytes(frame[index + 1 : index + 1 + size], "big", signed=key == 3)
        index += 1 + size
    assert index == PAYLOAD_SIZE
    return values


def payload(node: NodeDevice) -> bytes:
    return node.advertisement().manufacturer_data[COMPANY_ID]


# Frames ------------------------------------------------------------------------


def test_encode_worked_example() -> None:
    frame = encode_frame(window_open=False, humidity=45, temperature=25.3, co2=440, battery=95)
    assert frame == bytes.fromhex("01 00 02 2D 03 00 FD 04 00 00 01 B8 05 5F")
    sentinel = encode_frame(window_open=True, humidity=45, temperature=-5.0, co2=None, battery=95)
    assert sentinel == bytes.fromhex("01 01 02 2D 03 FF CE 04 FF FF FF FF 05 5F")
    assert records(sentinel)[0x04] == CO2_NOT_READY


def test_encode_order_and_clamping() -> None:
    frame = encode_frame(
        window_open=False, humidity=120, temperature=0.0, co2=0, battery=-3, order=(5, 4, 3, 2, 1)
    )
    assert frame == bytes.fromhex("05 00 04 00 00 00 00 03 00 00 02 64 01 00")
    with pytest.raises(ValueError, match="each key once"):
        encode_frame(
            window_open=False, humidity=1, temperature=0, co2=0, battery=1, order=(1, 1, 2, 3, 4)
        )


# Schedule and repeats ------------------------------------------------------------


def test_power_on_frame_repeated_three_times_then_quiet() -> None:
    node = create_node(seed=1)
    assert node.measurements == 1
    sent = []
    while node.advertising:
        sent.append(payload(node))
    assert len(sent) == 3
    assert len(set(sent)) == 1  # identical payloads: one per advertising channel
    assert len(sent[0]) == PAYLOAD_SIZE
    node.advance(30.0)
    assert not node.advertising  # between measurements
    node.advance(30.0)
    assert node.measurements == 2
    assert node.pending == 3


def test_proxy_tick_drives_the_schedule(proxy: VirtualProxy) -> None:
    node = proxy.add(create_node(seed=2, repeats=4, measurement_interval=10.0))
    for _ in range(10):
        proxy.tick(1.0)  # no scanner yet: nothing is sent, no repeat is used up
    assert node.measurements == 2
    assert node.pending == 4


def test_measurements_on_schedule() -> None:
    node = create_node(seed=3, measurement_interval=30.0)
    for _ in range(10):
        node.advance(10.0)
    assert node.measurements == 1 + 3
    node.advance(3600.0)  # one long step: one new measurement
    assert node.measurements == 5


def test_co2_warms_up() -> None:
    node = create_node(seed=4, window_events=False)
    assert not node.co2_ready
    assert records(payload(node))[0x04] == CO2_NOT_READY
    node.advance(120.0)
    assert records(node.frame)[0x04] == CO2_NOT_READY  # three minutes by default
    node.advance(60.0)
    assert node.co2_ready
    co2 = records(node.frame)[0x04]
    assert 400 <= co2 <= 2000


def test_room_drifts_and_window_airs() -> None:
    node = create_node(seed=5, window_events=False, room=Room(co2=800.0))
    node.advance(300.0)
    closed = records(node.frame)
    assert closed[0x01] == 0
    assert 190 <= closed[0x03] <= 230  # 19..23 °C in tenths
    assert 30 <= closed[0x02] <= 60
    node.open_window()
    for _ in range(30):
        node.advance(60.0)
    aired = records(node.frame)
    assert aired[0x01] == 1
    assert aired[0x03] < closed[0x03] - 50  # toward 8 °C outdoors
    assert aired[0x02] > closed[0x02]  # toward 75 % outdoors
    assert aired[0x04] < 500  # flushed toward 420 ppm
    node.close_window()
    for _ in range(60):
        node.advance(60.0)
    warmed = records(node.frame)
    assert warmed[0x01] == 0
    assert warmed[0x03] > aired[0x03]
    assert warmed[0x04] > aired[0x04] + 100  # people breathe


def test_window_opens_and_closes_by_itself() -> None:
    node = create_node(seed=6)
    states = []
    for _ in range(48 * 60):  # two days, a measurement a minute
        node.advance(60.0)
        states.append(records(node.frame)[0x01])
    assert 0 in states
    assert 1 in states
    openings = sum(1 for pair in itertools.pairwise(states) if pair == (0, 1))
    assert 2 <= openings <= 40


def test_battery_drains_slowly() -> None:
    node = create_node(seed=7, battery=50.0)
    assert records(node.frame)[0x05] == 50
    node.advance(100 * 3600.0)
    assert records(node.frame)[0x05] == 49  # 0.01 %/h


def test_seeded_runs_repeat() -> None:
    def run(seed: int) -> list[bytes]:
        node = create_node(seed=seed)
        frames = []
        for _ in range(30):
            node.advance(60.0)
            frames.append(node.frame)
        return frames

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_factory_defaults() -> None:
    node = create_node()
    assert node.address == "E4:0D:E0:00:00:01"
    assert node.name is None
    assert node.model == "thingy_node"
    assert not node.connectable
    assert node.advertisement().local_name is None
    assert node.advertisement().service_uuids == []
    named = create_node("e4:0d:e0:00:00:02", "Thingy", connectable=True)
    assert (named.address, named.name, named.connectable) == ("E4:0D:E0:00:00:02", "Thingy", True)


# Faults ------------------------------------------------------------------------


def test_malformed_sends_wrong_sizes_and_unknown_keys() -> None:
    node = create_node(seed=8)
    node.faults.malformed = True
    kinds: set[str | int] = set()
    for _ in range(30):
        data = payload(node)
        if len(data) == PAYLOAD_SIZE:
            assert data[0] == UNKNOWN_KEY
            kinds.add("unknown key")
        else:
            assert len(data) in (PAYLOAD_SIZE - 1, PAYLOAD_SIZE + 1)
            kinds.add(len(data))
    assert kinds == {"unknown key", PAYLOAD_SIZE - 1, PAYLOAD_SIZE + 1}
    node.faults.clear()
    assert payload(node) == node.frame


def test_silent_node_does_not_advertise() -> None:
    node = create_node()
    assert node.advertising
    node.faults.silent = True
    assert not node.advertising


async def test_connections_fail_like_a_non_connectable_device(proxy: VirtualProxy) -> None:
    node = proxy.add(create_node())
    with pytest.raises(TimeoutError, match="not connectable"):
        await connect(proxy, node.address)
    assert not node.connected
    assert proxy.connections == 0


async def test_connectable_node_has_no_gatt(proxy: VirtualProxy) -> None:
    node = proxy.add(create_node(connectable=True))
    client = await connect(proxy, node.address)
    assert list(client.services) == []
    assert not node.advertising  # connected
    await client.disconnect()


# The other device using 0xFFFF -------------------------------------------------


async def test_foreign_device(proxy: VirtualProxy) -> None:
    foreign = proxy.add(create_foreign())
    assert foreign.model == "foreign_ffff"
    first = foreign.advertisement().manufacturer_data
    assert set(first) == {COMPANY_ID}
    assert len(first[COMPANY_ID]) == 8
    foreign.advance(1.0)
    assert foreign.advertisement().manufacturer_data != first  # a counter moves
    assert foreign.advertising  # advertises all the time
    same_size = create_foreign("E4:0D:F0:00:00:02", payload_size=14)
    data = same_size.advertisement().manufacturer_data[COMPANY_ID]
    assert len(data) == PAYLOAD_SIZE
    assert data[0] not in KEY_ORDER  # cannot be framed
    with pytest.raises(TimeoutError, match="not connectable"):
        await connect(proxy, foreign.address)


# Through Home Assistant: ordinary proxy vs passive proxy ---------------------------


@pytest.fixture
def flows() -> Iterator[list[tuple[str, str]]]:
    """Discovery flows HA's bluetooth would start, recorded instead of started.

    Home Assistant core's Kegtron integration matches company id 0xFFFF too
    (``manufacturer_id: 65535``), and its library is not installed here.
    """
    started: list[tuple[str, str]] = []

    def record(_hass: Any, domain: str, _context: Any, info: Any, **_kwargs: Any) -> None:
        started.append((domain, info.address))

    target = "homeassistant.components.bluetooth.manager.discovery_flow.async_create_flow"
    with patch(target, record):
        yield started


@pytest.fixture
async def passive(
    hass: HomeAssistant, enable_bluetooth: None, flows: list[tuple[str, str]]
) -> AsyncIterator[PassiveProxy]:
    proxy = PassiveProxy(suffix="passive-test")
    stop = async_start_proxy(hass, proxy, interval=None)
    yield proxy
    stop()


def test_passive_proxy_without_home_assistant() -> None:
    proxy = PassiveProxy(suffix="passive-plain")
    node = proxy.add(create_node())
    assert proxy.slots == 0
    assert not proxy.can_connect()
    assert proxy.device(node.address) is node


async def test_passive_proxy_reports_not_connectable(
    hass: HomeAssistant, passive: PassiveProxy, flows: list[tuple[str, str]]
) -> None:
    scanner = passive.scanner
    assert scanner is passive.scanner
    assert not scanner.connectable
    assert scanner.connector is None
    node = passive.add(create_node(seed=1))
    foreign = passive.add(create_foreign())
    assert passive.advertise_all() == 2
    infos = {i.address: i for i in bluetooth.async_discovered_service_info(hass, False)}
    info = infos[node.address]
    assert not info.connectable
    assert info.source == passive.source
    assert info.manufacturer_data == {COMPANY_ID: node.frame}
    assert infos[foreign.address].manufacturer_data[COMPANY_ID][0] == 0xAA
    connectable = bluetooth.async_discovered_service_info(hass, connectable=True)
    assert node.address not in {i.address for i in connectable}
    assert bluetooth.async_ble_device_from_address(hass, node.address, connectable=True) is None
    # Any 0xFFFF advertiser is offered to Kegtron as well: the "same id" case in core.
    assert ("kegtron", node.address) in flows
    assert ("kegtron", foreign.address) in flows


async def test_ordinary_proxy_reports_connectable(
    hass: HomeAssistant, enable_bluetooth: None, flows: list[tuple[str, str]]
) -> None:
    """Like an ESPHome proxy with active connections: connectability is per scanner."""
    proxy = VirtualProxy(suffix="node-active")
    node = proxy.add(create_node(seed=1))
    stop = async_start_proxy(hass, proxy, interval=None)
    try:
        info = bluetooth.async_last_service_info(hass, node.address, connectable=True)
        assert info is not None
        assert info.connectable
        assert info.manufacturer_data[COMPANY_ID] == node.frame
        assert node.pending == 2  # one repeat went out
        proxy.tick(1.0)
        proxy.tick(1.0)
        assert node.pending == 0
        assert not proxy.advertise(node)  # the window is closed until the next measurement
    finally:
        stop()
