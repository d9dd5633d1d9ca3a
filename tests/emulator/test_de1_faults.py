# mypy: disable-error-code="unreachable"
"""Every fault of the emulated DE1 ends in a sane state."""

from __future__ import annotations

import contextlib
import os

import pytest
from bleak.exc import BleakError
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.de1 import create_de1
from emulator.faults import Fault
from emulator.gatt import AttError
from emulator.proxy import VirtualProxy

from .common import connect
from .test_de1_wire import (
    ENDING,
    ESPRESSO,
    FLUSH,
    FRAME_WRITE,
    HEADER_WRITE,
    IDLE,
    POUR,
    READY,
    SHOT_SAMPLE,
    SLEEP,
    STATE_INFO,
    STEAM,
    VERSIONS,
    WATER_LEVELS,
    awake,
    linked,
    read_sample,
    relink,
)


def fuzz_examples() -> int:
    return int(os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES", "100"))


async def test_drop_link_now_and_reconnect(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.faults.set(Fault.DROP_LINK)
    assert not link.client.is_connected
    assert not link.device.connected
    assert link.device.advertising
    again = await relink(proxy, link.device)
    assert await again.client.read_gatt_char(STATE_INFO) == b"\x02\x00"


async def test_drop_link_mid_shot(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.machine_faults.drop_link_mid_shot = True
    await link.request(ESPRESSO, 0.0)
    link.run_until(ESPRESSO, POUR, step=0.05)
    assert not link.client.is_connected  # gone as the pour began
    assert link.states()[-1] == (ESPRESSO, POUR)  # the last StateInfo it heard
    # The machine does not care: the shot runs to its end.
    link.run_until(ESPRESSO, ENDING)
    link.run_until(IDLE)
    assert link.device.cup_grams > 40
    link.device.machine_faults.drop_link_mid_shot = False
    again = await relink(proxy, link.device)
    assert await again.client.read_gatt_char(STATE_INFO) == b"\x02\x00"


async def test_armed_drop_link_counts_operations(proxy: VirtualProxy) -> None:
    device = proxy.add(create_de1())
    client = await connect(proxy, device.address)
    device.faults.drop_link_after = 2
    await client.read_gatt_char(VERSIONS)
    await client.read_gatt_char(STATE_INFO)
    with pytest.raises(BleakError, match="not connected"):
        await client.read_gatt_char(VERSIONS)
    # Each new link gets its two operations, then drops again.
    client = await connect(proxy, device.address)
    await client.start_notify(STATE_INFO, lambda _c, _d: None)
    await client.read_gatt_char(VERSIONS)
    with pytest.raises(BleakError):
        await client.write_gatt_char(HEADER_WRITE, bytes.fromhex("0102010060"), response=True)
    device.faults.clear(Fault.DROP_LINK)
    client = await connect(proxy, device.address)
    for _ in range(5):
        await client.read_gatt_char(VERSIONS)
    assert client.is_connected


async def test_held_by_another_central(proxy: VirtualProxy) -> None:
    device = proxy.add(create_de1())
    device.hold_by_other_central()
    device.hold_by_other_central()  # already held: no change
    assert device.held_by_other
    assert not device.advertising  # a connected peripheral stops advertising
    device.advance(5.0)  # the machine runs on; the tablet hears it, we do not
    with pytest.raises(BleakError, match="already connected"):
        await connect(proxy, device.address)
    device.release_other_central()
    device.release_other_central()
    assert device.advertising
    client = await connect(proxy, device.address)
    with pytest.raises(BleakError):
        device.hold_by_other_central()  # we hold it now
    assert not device.held_by_other
    await client.disconnect()


async def test_ignored_start(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.machine_faults.ignore_start = True
    for start in (ESPRESSO, STEAM, FLUSH):
        await link.request(start, 1.0)  # acknowledged, no error
        assert link.device.state == (IDLE, READY)
    assert link.states() == []
    await link.request(SLEEP, 0.25)
    assert link.device.state[0] != IDLE  # other requests still work
    await link.request(IDLE, 0.25)
    link.device.machine_faults.ignore_start = False
    await link.request(FLUSH)
    assert link.device.state == (FLUSH, POUR)


async def test_malformed_shot_sample(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.machine_faults.malformed_shot_sample = True
    link.device.advance(10.0)
    lengths = {len(d) for d in link.received[SHOT_SAMPLE]}
    assert lengths
    assert not lengths & {17, 19}  # neither layout of §5.1
    assert all(len(d) == 4 for d in link.received[WATER_LEVELS])  # the rest stays sound
    assert len(await link.client.read_gatt_char(SHOT_SAMPLE)) == 19
    link.device.machine_faults.malformed_shot_sample = False
    link.device.advance(1.0)
    assert read_sample(link.received[SHOT_SAMPLE][-1]).set_head == 94.0


async def test_malformed_garbles_reads_and_notifications(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.faults.set(Fault.MALFORMED)
    link.device.advance(1.0)
    assert all(len(d) != 19 for d in link.received[SHOT_SAMPLE])
    assert len(await link.client.read_gatt_char(STATE_INFO)) != 2
    link.device.faults.clear()
    assert await link.client.read_gatt_char(STATE_INFO) == b"\x02\x00"


async def test_silent(proxy: VirtualProxy) -> None:
    device = proxy.add(create_de1())
    device.faults.silent = True
    assert not device.advertising
    with pytest.raises(TimeoutError):
        await connect(proxy, device.address)
    device.faults.clear()
    assert device.advertising
    await connect(proxy, device.address)


async def test_read_timeout(proxy: VirtualProxy) -> None:
    link = await linked(proxy)
    link.device.faults.read_timeout = True
    link.device.faults.read_timeout_delay = 0.0
    with pytest.raises(TimeoutError):
        await link.client.read_gatt_char(VERSIONS)
    link.device.faults.clear()
    assert len(await link.client.read_gatt_char(VERSIONS)) == 18


async def test_no_free_slot(proxy: VirtualProxy) -> None:
    device = proxy.add(create_de1())
    device.faults.no_free_slot = True
    with pytest.raises(BleakError, match="no available connection slot"):
        await connect(proxy, device.address)
    device.faults.clear()
    await connect(proxy, device.address)


async def test_slow_and_refuse_handshake(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.faults.slow = True
    link.device.faults.slow_latency = 0.001
    link.device.faults.refuse_handshake = True  # the DE1 has no handshake: no effect
    await link.request(FLUSH)
    assert link.device.state == (FLUSH, POUR)
    assert await link.client.read_gatt_char(FRAME_WRITE) == bytes.fromhex("014090ba9e000400")


async def test_garbage_writes_only_raise_att_errors(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    for char in (HEADER_WRITE, FRAME_WRITE):
        with pytest.raises(AttError):
            await link.client.write_gatt_char(char, b"\xff" * 3, response=True)
    assert link.device.profile_complete
    assert link.device.state == (IDLE, READY)


WRITABLE = [
    "0000a002-0000-1000-8000-00805f9b34fb",
    "0000a003-0000-1000-8000-00805f9b34fb",
    "0000a005-0000-1000-8000-00805f9b34fb",
    "0000a006-0000-1000-8000-00805f9b34fb",
    "0000a009-0000-1000-8000-00805f9b34fb",
    "0000a00b-0000-1000-8000-00805f9b34fb",
    "0000a00f-0000-1000-8000-00805f9b34fb",
    "0000a010-0000-1000-8000-00805f9b34fb",
    "0000a011-0000-1000-8000-00805f9b34fb",
    "0000a012-0000-1000-8000-00805f9b34fb",
]


@settings(max_examples=fuzz_examples(), deadline=None)
@given(
    writes=st.lists(
        st.tuples(st.sampled_from(WRITABLE), st.binary(max_size=24)), min_size=1, max_size=6
    )
)
def test_fuzz_writes_only_raise_att_errors(writes: list[tuple[str, bytes]]) -> None:
    device = create_de1(awake=True, seed=1)
    for uuid, data in writes:
        with contextlib.suppress(AttError):
            device.characteristic(uuid).write(data, True)
        device.advance(0.5)  # and the machine carries on, whatever it was told
    assert len(device.characteristic(STATE_INFO).read()) == 2
