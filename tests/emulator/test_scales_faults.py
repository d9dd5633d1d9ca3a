# mypy: disable-error-code="unreachable"
"""Every fault on every emulated scale ends in a sane state once it is cleared."""

from __future__ import annotations

import pytest
from bleak.exc import BleakError
from hypothesis import given
from hypothesis import strategies as st

from emulator.faults import Fault
from emulator.gatt import AttError
from emulator.proxy import VirtualProxy
from emulator.scales import MODELS, EmulatedScale, create_scale

from .common import connect
from .scales_helpers import WEIGHT_UUID, Stream, fuzz_settings, heartbeat, start

# A readable characteristic where the family has one.
READABLE = {
    "skale2": "00002a19-0000-1000-8000-00805f9b34fb",
    "acaia_lunar_old": "00002a19-0000-1000-8000-00805f9b34fb",
    "acaia_lunar_2021": "00002a24-0000-1000-8000-00805f9b34fb",
}


async def healthy(proxy: VirtualProxy, scale: EmulatedScale) -> None:
    """A fresh link: handshake, weights that read the cup, a clean disconnect."""
    client = await connect(proxy, scale.address)
    stream = Stream(scale.model)
    await client.start_notify(WEIGHT_UUID[scale.model], stream)
    await start(client, scale.model)
    proxy.tick(1.0)
    await heartbeat(client, scale.model)
    weights = stream.weights()
    assert len(weights) >= 4
    assert weights[-1] == pytest.approx(150.0, abs=0.05)
    await client.disconnect()
    assert scale.advertising


def scale_in_range(proxy: VirtualProxy, model: str) -> EmulatedScale:
    scale = proxy.add(create_scale(model, noise=0.0, auto_off=0.0))
    scale.place(150.0)
    scale.advance(3.0)
    return scale


@pytest.mark.parametrize("model", MODELS)
async def test_drop_link(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    dropped: list[object] = []
    client = await connect(proxy, scale.address, disconnected_callback=dropped.append)
    await start(client, model)
    scale.faults.set(Fault.DROP_LINK)
    assert dropped == [client]
    assert not client.is_connected
    await healthy(proxy, scale)


@pytest.mark.parametrize("model", MODELS)
async def test_armed_drop_link_after_operations(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    scale.faults.drop_link_after = 1
    client = await connect(proxy, scale.address)
    await client.start_notify(WEIGHT_UUID[model], Stream(model))  # operation 1
    with pytest.raises(BleakError, match="not connected"):
        await client.write_gatt_char(WEIGHT_UUID[model], b"\x00")  # bleak or the device refuses
    assert not scale.connected
    scale.faults.clear(Fault.DROP_LINK)
    assert scale.faults.active == frozenset()
    await healthy(proxy, scale)


@pytest.mark.parametrize("model", MODELS)
async def test_silent(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    scale.faults.silent = True
    assert not scale.advertising
    with pytest.raises(TimeoutError):
        await connect(proxy, scale.address)
    assert not scale.hold_by_other_central()
    scale.faults.clear()
    await healthy(proxy, scale)


@pytest.mark.parametrize("model", MODELS)
async def test_no_free_slot(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    scale.faults.set(Fault.NO_FREE_SLOT)
    with pytest.raises(BleakError, match="no available connection slot"):
        await connect(proxy, scale.address)
    scale.faults.clear(Fault.NO_FREE_SLOT)
    await healthy(proxy, scale)


@pytest.mark.parametrize("model", MODELS)
async def test_malformed(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    client = await connect(proxy, scale.address)
    stream = Stream("raw")  # not parsed: the garbage is kept as it came
    await client.start_notify(WEIGHT_UUID[model], stream)
    await start(client, model)
    proxy.tick(0.1)
    good = len(stream.raw)
    scale.faults.set(Fault.MALFORMED)
    proxy.tick(1.0)
    garbled = stream.raw[good:]
    assert garbled
    assert all(len(data) == 1 for data in garbled)  # garbage of a wrong length
    await client.disconnect()
    scale.faults.clear(Fault.MALFORMED)
    await healthy(proxy, scale)


@pytest.mark.parametrize("model", MODELS)
async def test_read_timeout(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    scale.faults.read_timeout = True
    scale.faults.read_timeout_delay = 0.0
    client = await connect(proxy, scale.address)
    if model in READABLE:
        with pytest.raises(TimeoutError):
            await client.read_gatt_char(READABLE[model])
    else:  # nothing to read on this family: the weight stream is untouched
        stream = Stream(model)
        await client.start_notify(WEIGHT_UUID[model], stream)
        await start(client, model)
        proxy.tick(1.0)
        assert stream.weights()
    await client.disconnect()
    scale.faults.clear()
    if model in READABLE:
        client = await connect(proxy, scale.address)
        assert await client.read_gatt_char(READABLE[model])
        await client.disconnect()
    await healthy(proxy, scale)


@pytest.mark.parametrize("model", MODELS)
async def test_slow(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    scale.faults.slow = True
    scale.faults.slow_latency = 0.001
    await healthy(proxy, scale)
    scale.faults.clear()
    await healthy(proxy, scale)


@pytest.mark.parametrize("model", MODELS)
async def test_refuse_handshake(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    scale.faults.refuse_handshake = True
    client = await connect(proxy, scale.address)
    stream = Stream(model)
    await client.start_notify(WEIGHT_UUID[model], stream)
    await start(client, model)
    proxy.tick(1.0)
    if model.startswith("acaia"):  # INFO frames, no weight (pyDE1's NOT_REALLY_CONNECTED)
        assert stream.frames
        assert stream.weights() == []
    else:  # no handshake to refuse
        assert stream.weights()
    await client.disconnect()
    scale.faults.clear()
    await healthy(proxy, scale)


@pytest.mark.parametrize("model", MODELS)
async def test_held_by_another_central(proxy: VirtualProxy, model: str) -> None:
    scale = scale_in_range(proxy, model)
    assert scale.hold_by_other_central()
    assert scale.held_by_other_central
    assert not scale.advertising
    with pytest.raises(BleakError, match="already connected"):
        await connect(proxy, scale.address)
    proxy.tick(1.0)  # the other app gets the frames
    scale.release_other_central()
    assert not scale.held_by_other_central
    scale.release_other_central()  # twice is harmless
    await healthy(proxy, scale)


async def test_a_held_scale_that_sleeps_is_released(proxy: VirtualProxy) -> None:
    scale = scale_in_range(proxy, "bookoo_themis")
    scale.hold_by_other_central()
    scale.press_button("power")
    assert not scale.held_by_other_central
    assert not scale.hold_by_other_central()  # off: nobody can connect
    scale.wake()
    scale.place(150.0)
    scale.advance(3.0)
    await healthy(proxy, scale)


async def test_the_other_centrals_link_can_be_dropped(proxy: VirtualProxy) -> None:
    scale = scale_in_range(proxy, "felicita_arc")
    scale.hold_by_other_central()
    scale.drop_link()
    assert not scale.held_by_other_central
    assert scale.advertising
    await healthy(proxy, scale)


async def test_writes_to_a_notify_only_characteristic_are_refused(proxy: VirtualProxy) -> None:
    scale = scale_in_range(proxy, "decent_scale")
    client = await connect(proxy, scale.address)
    with pytest.raises(AttError):
        await client.write_gatt_char(WEIGHT_UUID["decent_scale"], b"\x00", response=True)
    await client.disconnect()


COMMAND_UUID = {
    "skale2": "0000ef80-0000-1000-8000-00805f9b34fb",
    "acaia_lunar_old": "00002a80-0000-1000-8000-00805f9b34fb",
    "acaia_lunar_2021": "49535343-8841-43f4-a8d4-ecbe34729bb3",
    "felicita_arc": "0000ffe1-0000-1000-8000-00805f9b34fb",
    "decent_scale": "000036f5-0000-1000-8000-00805f9b34fb",
    "bookoo_themis": "0000ff12-0000-1000-8000-00805f9b34fb",
}
SCALES = {model: create_scale(model, noise=0.0) for model in MODELS}


@fuzz_settings()
@given(
    st.sampled_from(MODELS),
    st.binary(max_size=24)
    | st.binary(max_size=20).map(lambda b: b"\xef\xdd" + b)
    | st.binary(min_size=6, max_size=6).map(lambda b: b"\x03" + b)
    | st.binary(min_size=4, max_size=4).map(lambda b: b"\x03\x0a" + b),
)
def test_fuzz_any_write_to_the_command_characteristic(model: str, data: bytes) -> None:
    """Whatever a central writes, the scale decodes it, acts or ignores it; nothing escapes."""
    scale = SCALES[model]
    scale.last_write_with_response = True
    scale.characteristic(COMMAND_UUID[model]).write(data, not model.startswith("acaia_lunar_o"))
    scale.advance(0.05)
