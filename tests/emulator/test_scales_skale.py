# mypy: disable-error-code="unreachable, comparison-overlap"
"""The emulated Skale II (scales.md §1): frames, commands, quirks."""

from __future__ import annotations

import itertools

import pytest
from bleak import BleakClient
from hypothesis import given
from hypothesis import strategies as st

from emulator.proxy import VirtualProxy
from emulator.scales import ScaleCommandError, SkaleDevice, Unit, create_scale
from emulator.scales.skale import SkaleCommand, decode_command, encode_weight

from .common import connect
from .scales_helpers import SKALE_BUTTON, SKALE_COMMAND, SKALE_WEIGHT, Stream, fuzz_settings

BATTERY = "00002a19-0000-1000-8000-00805f9b34fb"
MODEL_NUMBER = "00002a24-0000-1000-8000-00805f9b34fb"
MANUFACTURER = "00002a29-0000-1000-8000-00805f9b34fb"


async def skale(proxy: VirtualProxy, **options: object) -> tuple[SkaleDevice, BleakClient, Stream]:
    scale = proxy.add(create_scale("skale2", noise=0.0, **options))  # type: ignore[arg-type]
    assert isinstance(scale, SkaleDevice)
    client = await connect(proxy, scale.address)
    stream = Stream("skale2", lambda: scale.now)
    await client.start_notify(SKALE_WEIGHT, stream)
    return scale, client, stream


async def write(client: BleakClient, hex_bytes: str, response: bool = True) -> None:
    await client.write_gatt_char(SKALE_COMMAND, bytes.fromhex(hex_bytes), response=response)


# §1.7 vectors ----------------------------------------------------------------


def test_weight_vectors_of_section_1_7() -> None:
    assert encode_weight(200, marker=0x10, size=3) == bytes.fromhex("10 C8 00")  # 20.0 g
    assert encode_weight(-200, marker=0x10, size=3) == bytes.fromhex("10 38 FF")  # -20.0 g
    assert encode_weight(32767, marker=0x10, size=3) == bytes.fromhex("10 FF 7F")  # 3276.7 g
    assert encode_weight(1000) == bytes.fromhex("00 E8 03 00")  # reaprime's 100.0 g
    with pytest.raises(ValueError, match="does not fit"):
        encode_weight(40000, size=3)


def test_every_reader_of_section_1_4_gets_the_same_weight() -> None:
    frame = encode_weight(-1234)
    assert int.from_bytes(frame[1:3], "little", signed=True) / 10 == -123.4  # de1app
    assert int.from_bytes(frame[1:4], "little", signed=True) / 10 == -123.4  # pyDE1
    assert int.from_bytes(frame[0:4], "little", signed=True) / 2560 == -123.4  # reaprime


def test_decode_commands() -> None:
    assert decode_command(b"\x10") == SkaleCommand(0x10)
    assert decode_command(b"\xca\x05") == SkaleCommand(0xCA, 5)
    assert decode_command(b"\x09\x03") == SkaleCommand(0x09, 3)
    for bad in (b"", b"\x10\x10", b"\xca", b"\xca\x07", b"\x09\x04"):
        with pytest.raises(ScaleCommandError):
            decode_command(bad)


@fuzz_settings()
@given(st.binary(max_size=8))
def test_fuzz_decode_command(data: bytes) -> None:
    try:
        command = decode_command(data)
    except ScaleCommandError:
        return
    assert command.opcode == data[0]


# GATT and the de1app handshake -------------------------------------------------


async def test_gatt_reads(proxy: VirtualProxy) -> None:
    scale = proxy.add(create_scale("skale2", battery=64.4))
    client = await connect(proxy, scale.address)
    assert await client.read_gatt_char(BATTERY) == b"\x40"
    assert await client.read_gatt_char(MODEL_NUMBER) == b"SkaleII"
    assert await client.read_gatt_char(MANUFACTURER) == b"ATOMAX INC."
    services = {s.uuid for s in client.services}
    assert "0000ff08-0000-1000-8000-00805f9b34fb" in services
    char = client.services.get_characteristic(SKALE_COMMAND)
    assert char is not None
    assert sorted(char.properties) == ["write", "write-without-response"]
    await client.disconnect()


async def test_de1app_handshake_then_weights(proxy: VirtualProxy) -> None:
    scale = proxy.add(create_scale("skale2", noise=0.0))
    client = await connect(proxy, scale.address)
    stream, buttons = Stream("skale2"), Stream("skale2")
    await write(client, "ED")
    await write(client, "EC")
    proxy.tick(1.0)
    await client.start_notify(SKALE_WEIGHT, stream)
    proxy.tick(1.0)
    await client.start_notify(SKALE_BUTTON, buttons)
    proxy.tick(1.0)
    for command in ("ED", "EC", "03"):
        await write(client, command)
    assert scale.commands == [
        "lcd on",
        "display weight",
        "lcd on",
        "display weight",
        "unit g",
    ]
    scale.place(20.0)
    proxy.tick(2.0)
    assert stream.weights()[-1] == 20.0
    assert len(stream.frames) == pytest.approx(40, abs=3)  # 10 a second since subscribing
    assert buttons.frames == []
    await client.disconnect()


async def test_writes_without_response_are_dropped(proxy: VirtualProxy) -> None:
    scale, client, _ = await skale(proxy)
    await write(client, "10", response=False)
    assert scale.commands == []
    assert scale.ignored == [b"\x10"]
    scale.drops_unacknowledged_writes = False
    await write(client, "10", response=False)
    assert scale.commands == ["tare"]


# Timer, units, display -----------------------------------------------------------


@pytest.mark.parametrize(
    ("opcodes", "start", "stop"), [("de1app", "DD", "D1"), ("pyde1", "D1", "D2")]
)
async def test_timer_opcodes(proxy: VirtualProxy, opcodes: str, start: str, stop: str) -> None:
    scale, client, _ = await skale(proxy, timer_opcodes=opcodes)
    await write(client, start)
    proxy.tick(2.0)
    await write(client, stop)
    proxy.tick(1.0)
    assert scale.timer.seconds == pytest.approx(2.0)
    await write(client, "D0")
    assert scale.timer.seconds == 0.0
    assert scale.commands == ["timer start", "timer stop", "timer reset"]


def test_unknown_timer_opcodes_option() -> None:
    with pytest.raises(ValueError, match="timer_opcodes"):
        create_scale("skale2", timer_opcodes="dd")


async def test_ounces_as_hundredths_and_the_saved_unit(proxy: VirtualProxy) -> None:
    scale, client, stream = await skale(proxy)
    scale.place(283.49523125)  # 10 oz
    proxy.tick(2.0)
    assert int.from_bytes(stream.frames[-1][1:3], "little", signed=True) == 2835  # 0.1 g
    await write(client, "02")
    proxy.tick(0.5)
    assert int.from_bytes(stream.frames[-1][1:3], "little", signed=True) == 1000  # 0.01 oz
    await write(client, "04")  # saved
    await write(client, "03")  # not saved
    assert scale.unit is Unit.GRAMS
    scale.sleep()
    scale.wake()
    assert scale.unit is Unit.OUNCES
    assert scale.commands == ["unit oz", "save unit", "unit g"]


async def test_lcd_off_loses_the_subscriptions(proxy: VirtualProxy) -> None:
    scale, client, stream = await skale(proxy)
    proxy.tick(1.0)
    await write(client, "EE")
    assert not scale.lcd_on
    before = len(stream.frames)
    proxy.tick(2.0)
    assert len(stream.frames) == before
    await write(client, "ED")
    await client.start_notify(SKALE_WEIGHT, stream)
    proxy.tick(1.0)
    assert len(stream.frames) > before


async def test_calibrate_filter_and_unknown_commands(proxy: VirtualProxy) -> None:
    scale, client, _ = await skale(proxy)
    for command in ("CA 05", "CA 0A", "09 02", "CA 07", "77"):
        await write(client, command)
    assert scale.calibrations == [500, 1000]
    assert scale.filter_level == 2
    assert scale.ignored == [b"\xca\x07", b"\x77"]
    assert scale.commands == ["calibrate", "calibrate", "filter 2"]


async def test_commands_too_close_together_are_dropped(proxy: VirtualProxy) -> None:
    scale, client, _ = await skale(proxy, command_spacing=0.2)
    await write(client, "ED")
    await write(client, "EC")
    assert scale.ignored == [b"\xec"]
    proxy.tick(0.2)
    await write(client, "EC")
    assert scale.commands == ["lcd on", "display weight"]


# Buttons and cadence ---------------------------------------------------------------


async def test_buttons_are_reported_and_do_nothing_else(proxy: VirtualProxy) -> None:
    scale, client, stream = await skale(proxy)
    buttons = Stream("skale2")
    await client.start_notify(SKALE_BUTTON, buttons)
    scale.place(50.0)
    proxy.tick(2.0)
    scale.press_button("circle")
    scale.press_button("square")
    proxy.tick(1.0)
    assert buttons.frames == [b"\x01", b"\x02"]
    assert stream.weights()[-1] == 50.0  # the app tares, not the scale
    with pytest.raises(ValueError, match="no button"):
        scale.press_button("tare")


async def test_reports_are_bulked_on_a_150_ms_clock(proxy: VirtualProxy) -> None:
    scale, _client, stream = await skale(proxy, seed=7)
    for _ in range(300):
        proxy.tick(0.01)
    arrivals = sorted(set(stream.times))
    assert all(round(t * 100) % 15 == 0 for t in arrivals)  # only on the 150 ms clock
    per_slot = [stream.times.count(t) for t in arrivals]
    assert max(per_slot) >= 2  # two or more reports bulked up in one slot
    assert len(stream.frames) == pytest.approx(30, abs=3)  # still 10 a second
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert max(gaps) == pytest.approx(0.3)  # a skipped slot
    scale.bulk_reports = False
    stream.times.clear()
    proxy.tick(0.1)
    assert stream.times  # sent as made


async def test_reports_of_an_earlier_link_are_not_delivered(proxy: VirtualProxy) -> None:
    scale, client, _ = await skale(proxy)
    proxy.tick(0.11)  # one report made, not yet delivered
    await client.disconnect()
    client = await connect(proxy, scale.address)
    stream = Stream("skale2")
    await client.start_notify(SKALE_WEIGHT, stream)
    proxy.tick(0.04)  # the 150 ms slot
    assert stream.frames == []
