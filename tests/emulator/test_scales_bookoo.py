# mypy: disable-error-code="unreachable"
"""The emulated Bookoo Themis (scales.md §5)."""

from __future__ import annotations

import pytest
from bleak import BleakClient
from hypothesis import given
from hypothesis import strategies as st

from emulator.proxy import VirtualProxy
from emulator.scales import BookooDevice, ScaleCommandError, Unit, create_scale
from emulator.scales.bookoo import decode_command, encode_weight

from .common import connect
from .scales_helpers import BOOKOO_COMMAND, BOOKOO_WEIGHT, Stream, fuzz_settings

IDLE = {
    "milliseconds": 0,
    "hundredths": 0,
    "negative": False,
    "flow": 0,
    "flow_negative": False,
    "battery": 100,
    "standby": 0x96,
    "buzzer": 1,
    "smoothing": False,
    "auto_stop": 0,
}


async def bookoo(
    proxy: VirtualProxy, address: str | None = None, **options: object
) -> tuple[BookooDevice, BleakClient, Stream]:
    scale = proxy.add(create_scale("bookoo_themis", address, noise=0.0, **options))  # type: ignore[arg-type]
    assert isinstance(scale, BookooDevice)
    client = await connect(proxy, scale.address)
    stream = Stream("bookoo_themis")
    await client.start_notify(BOOKOO_WEIGHT, stream)
    return scale, client, stream


async def send(client: BleakClient, hex_bytes: str) -> None:
    await client.write_gatt_char(BOOKOO_COMMAND, bytes.fromhex(hex_bytes), response=True)


# §5.7 vectors ------------------------------------------------------------------------


def test_captured_idle_frame() -> None:
    assert encode_weight(**IDLE) == bytes.fromhex(  # type: ignore[arg-type]
        "03 0B 00 00 00 01 2B 00 00 00 2B 00 00 64 00 96 01 00 00 FA"
    )


def test_captured_sign_flip_frame() -> None:
    frame = encode_weight(**{**IDLE, "hundredths": 60870, "negative": True})  # type: ignore[arg-type]
    assert frame == bytes.fromhex("03 0B 00 00 00 01 2D 00 ED C6 2B 00 00 64 00 96 01 00 00 D7")


def test_captured_settings_frame() -> None:
    fields = {**IDLE, "flow": 2, "standby": 300, "buzzer": 3, "auto_stop": 1}
    assert encode_weight(**fields) == bytes.fromhex(  # type: ignore[arg-type]
        "03 0B 00 00 00 01 2B 00 00 00 2B 00 02 64 01 2C 03 00 01 40"
    )


def test_derived_700_g_frame() -> None:
    assert encode_weight(**{**IDLE, "hundredths": 70000}) == bytes.fromhex(  # type: ignore[arg-type]
        "03 0B 00 00 00 01 2B 01 11 70 2B 00 00 64 00 96 01 00 00 9A"
    )


@pytest.mark.parametrize(
    ("hex_bytes", "command", "value", "xor_ok"),
    [
        ("03 0A 01 00 00 08", 0x01, 0, True),  # tare (BooKoo-doc)
        ("03 0A 04 00 00 0A", 0x04, 0, False),  # documented timer start: not the XOR
        ("03 0A 04 00 00 0D", 0x04, 0, True),  # reaprime / crema
        ("03 0A 05 00 00 0D", 0x05, 0, False),
        ("03 0A 05 00 00 0C", 0x05, 0, True),
        ("03 0A 06 00 00 0C", 0x06, 0, False),
        ("03 0A 06 00 00 0F", 0x06, 0, True),
        ("03 0A 07 00 00 00", 0x07, 0, False),
        ("03 0A 07 00 00 0E", 0x07, 0, True),
        ("03 0A 02 00 03 08", 0x02, 3, True),  # beep level 3
        ("03 0A 03 00 0F 05", 0x03, 15, True),  # auto-off 15 min
        ("03 0A 08 00 01 00", 0x08, 1, True),  # flow smoothing on
    ],
)
def test_command_vectors(hex_bytes: str, command: int, value: int, xor_ok: bool) -> None:
    decoded = decode_command(bytes.fromhex(hex_bytes))
    assert (decoded.command, decoded.value, decoded.checksum_ok) == (command, value, xor_ok)


def test_decode_errors_and_options() -> None:
    for bad in (b"", bytes.fromhex("03 0B 01 00 00 08"), bytes.fromhex("03 0A 01 00 00")):
        with pytest.raises(ScaleCommandError):
            decode_command(bad)
    with pytest.raises(ValueError, match="command_checksum"):
        create_scale("bookoo_themis", command_checksum="strict")


@fuzz_settings()
@given(st.binary(max_size=8) | st.binary(min_size=4, max_size=4).map(lambda b: b"\x03\x0a" + b))
def test_fuzz_decode_command(data: bytes) -> None:
    try:
        command = decode_command(data)
    except ScaleCommandError:
        return
    assert command.command == data[2]


# On the wire ---------------------------------------------------------------------------


async def test_frames_carry_weight_flow_timer_and_settings(proxy: VirtualProxy) -> None:
    scale, client, stream = await bookoo(proxy, battery=100.0, drip_delay=0.0, sensor_lag=0.0)
    scale.place(300.0)
    proxy.tick(1.0)
    await send(client, "03 0A 07 00 00 00")  # tare and start (documented checksum)
    proxy.tick(1.0)
    scale.pour(4.2)
    proxy.tick(5.0)
    frame = stream.frames[-1]
    assert len(frame) == 20
    assert int.from_bytes(frame[2:5], "big") == pytest.approx(6000, abs=100)  # ms
    assert frame[5:7] == b"\x01+"
    assert int.from_bytes(frame[7:10], "big") == pytest.approx(2100, abs=2)  # 21.00 g
    assert frame[10] == ord("+")
    assert int.from_bytes(frame[11:13], "big") == pytest.approx(420, abs=2)  # 4.20 g/s
    assert frame[13:19] == bytes([100, 0, 150, 1, 0, 0])
    assert frame[19] == 0x00 ^ 0x03 ^ 0x0B ^ _xor(frame[2:19])
    assert len(stream.frames) == 70  # 10 a second


def _xor(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


async def test_flow_goes_negative_when_the_cup_is_lifted(proxy: VirtualProxy) -> None:
    scale, _client, stream = await bookoo(proxy, sensor_lag=0.0)
    scale.place(100.0)
    proxy.tick(2.0)
    scale.remove(50.0)
    proxy.tick(0.5)
    assert stream.frames[-1][10] == ord("-")
    proxy.tick(2.0)
    assert stream.frames[-1][10:13] == b"+\x00\x00"


async def test_settings_commands_and_checksum_modes(proxy: VirtualProxy) -> None:
    scale, client, stream = await bookoo(proxy)
    await send(client, "03 0A 02 00 03 08")
    await send(client, "03 0A 03 00 1E 12")  # 30 min
    await send(client, "03 0A 08 00 01 00")
    proxy.tick(2.1)  # two seconds of flow window with smoothing on
    assert stream.frames[-1][14:18] == bytes([0x01, 0x2C, 3, 1])
    for bad in ("03 0A 02 00 09 02", "03 0A 03 00 04 0E", "03 0A 08 00 02 03", "03 0A 0A 00 00 03"):
        await send(client, bad)
    assert len(scale.ignored) == 4
    await send(client, "03 0A 04 00 00 0A")  # documented start
    await send(client, "03 0A 05 00 00 0D")
    await send(client, "03 0A 06 00 00 0C")
    await send(client, "03 0A 01 00 00 08")
    assert scale.commands[-4:] == ["timer start", "timer stop", "timer reset", "tare"]
    strict, strict_client, _ = await bookoo(proxy, "5C:A1:E5:06:00:02", command_checksum="xor")
    await strict_client.write_gatt_char(BOOKOO_COMMAND, bytes.fromhex("03 0A 04 00 00 0A"))
    assert not strict.timer.running
    await strict_client.write_gatt_char(BOOKOO_COMMAND, bytes.fromhex("03 0A 04 00 00 0D"))
    assert strict.timer.running


async def test_sign_flips_on_a_steady_weight(proxy: VirtualProxy) -> None:
    scale, _client, stream = await bookoo(proxy, spike_rate=0.05, seed=11)
    scale.place(608.70)
    proxy.tick(30.0)
    steady = stream.frames[30:]
    assert {f[7:10] for f in steady} == {bytes.fromhex("00 ED C6")}  # one magnitude
    signs = [f[6] for f in steady]
    assert signs.count(ord("-")) >= 30  # at least one run of 30-45
    runs, run = [], 0
    for sign in signs:
        if sign == ord("-"):
            run += 1
        elif run:
            runs.append(run)
            run = 0
    assert len(runs) >= 3
    assert all(30 <= r <= 45 for r in runs[1:])  # the first may have begun before frame 30


async def test_ounces_and_buttons(proxy: VirtualProxy) -> None:
    scale, _client, stream = await bookoo(proxy)
    scale.place(283.49523125)
    proxy.tick(2.0)
    scale.set_unit(Unit.OUNCES)
    proxy.tick(0.1)
    assert stream.frames[-1][5] == 0x02
    assert int.from_bytes(stream.frames[-1][7:10], "big") == 1000  # 10.00 oz
    scale.press_button("timer")
    assert scale.timer.running
    scale.press_button("tare")
    assert scale.taring


async def test_garbage_commands_are_ignored(proxy: VirtualProxy) -> None:
    scale, client, _ = await bookoo(proxy)
    await client.write_gatt_char(BOOKOO_COMMAND, b"\x01\x02", response=True)
    assert scale.ignored == [b"\x01\x02"]
    assert scale.commands == []
