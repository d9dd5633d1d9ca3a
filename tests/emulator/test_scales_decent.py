# mypy: disable-error-code="unreachable"
"""The emulated Decent Scale / Half Decent Scale (scales.md §4)."""

from __future__ import annotations

import pytest
from bleak import BleakClient
from hypothesis import given
from hypothesis import strategies as st

from emulator.proxy import VirtualProxy
from emulator.scales import DecentDevice, ScaleCommandError, Unit, create_scale
from emulator.scales.decent import (
    decode_command,
    encode_button,
    encode_led_ack,
    encode_tare_ack,
    encode_weight,
)

from .common import connect
from .scales_helpers import DECENT_COMMAND, DECENT_HEARTBEAT, DECENT_NOTIFY, Stream, fuzz_settings


async def decent(
    proxy: VirtualProxy, address: str | None = None, **options: object
) -> tuple[DecentDevice, BleakClient, Stream, list[object]]:
    scale = proxy.add(create_scale("decent_scale", address, noise=0.0, **options))  # type: ignore[arg-type]
    assert isinstance(scale, DecentDevice)
    dropped: list[object] = []
    client = await connect(proxy, scale.address, disconnected_callback=dropped.append)
    stream = Stream("decent_scale")
    await client.start_notify(DECENT_NOTIFY, stream)
    return scale, client, stream, dropped


async def send(client: BleakClient, hex_bytes: str) -> None:
    await client.write_gatt_char(DECENT_COMMAND, bytes.fromhex(hex_bytes), response=True)


# §4.7 vectors -------------------------------------------------------------------------


def test_weight_vectors() -> None:
    assert encode_weight(180, stable=True) == bytes.fromhex("03 CE 00 B4 00 00 79")
    assert encode_weight(-180, stable=False, time=(0, 30, 5)) == bytes.fromhex(
        "03 CA FF 4C 00 1E 05 00 00 61"
    )
    # reaprime's vector: -10.0 g with a checksum byte that is not the XOR.
    assert encode_weight(-100, stable=True, checksum=0) == bytes.fromhex("03 CE FF 9C 00 00 00")


def test_led_ack_vector() -> None:
    assert encode_led_ack(0, 0x4B, (3, 0, 9)) == bytes.fromhex("03 0A 00 00 4B 03 09")
    assert encode_led_ack(-1, 100, (12, 1, 2))[2:] == bytes.fromhex("FF FF 64 12 12")


@pytest.mark.parametrize(
    ("hex_bytes", "command", "data"),
    [
        ("03 0A 01 01 00 01 08", 0x0A, "01 01 00 01"),  # LED on, heartbeat on
        ("03 0A 01 01 00 00 09", 0x0A, "01 01 00 00"),
        ("03 0A 00 00 00 00 09", 0x0A, "00 00 00 00"),  # LED off
        ("03 0A 02 00 00 00 0B", 0x0A, "02 00 00 00"),  # power off
        ("03 0A 03 FF FF 00 0A", 0x0A, "03 FF FF 00"),  # heartbeat
        ("03 0B 03 00 00 00 0B", 0x0B, "03 00 00 00"),
        ("03 0B 00 00 00 00 08", 0x0B, "00 00 00 00"),
        ("03 0B 02 00 00 00 0A", 0x0B, "02 00 00 00"),
        ("03 0F 00 00 00 01 0D", 0x0F, "00 00 00 01"),
        ("03 0F 01 00 00 01 0C", 0x0F, "01 00 00 01"),
        ("03 0F FD 00 00 00 F1", 0x0F, "FD 00 00 00"),
    ],
)
def test_command_vectors_decode_with_their_xor(hex_bytes: str, command: int, data: str) -> None:
    decoded = decode_command(bytes.fromhex(hex_bytes))
    assert (decoded.command, decoded.data, decoded.checksum_ok) == (
        command,
        bytes.fromhex(data),
        True,
    )


def test_other_frames_and_errors() -> None:
    assert encode_tare_ack(0xFD)[:6] == bytes.fromhex("03 0F FD 00 00 FE")
    assert encode_button(1) == bytes.fromhex("03 AA 01 00 00 00 A8")
    assert not decode_command(bytes.fromhex("03 0A 02 00 00 00 00")).checksum_ok  # reaprime's
    for bad in (b"", bytes(7), bytes.fromhex("03 0A 01 01 00 01")):
        with pytest.raises(ScaleCommandError):
            decode_command(bad)
    with pytest.raises(ValueError, match="frame_size"):
        create_scale("decent_scale", frame_size=8)


@fuzz_settings()
@given(st.binary(max_size=10) | st.binary(min_size=6, max_size=6).map(lambda b: b"\x03" + b))
def test_fuzz_decode_command(data: bytes) -> None:
    try:
        command = decode_command(data)
    except ScaleCommandError:
        return
    assert len(command.data) == 4


# On the wire ------------------------------------------------------------------------------


async def test_weighs_only_after_a_write(proxy: VirtualProxy) -> None:
    scale, client, stream, _ = await decent(proxy)
    scale.place(18.0)
    proxy.tick(3.0)
    assert stream.frames == []
    await send(client, "03 0A 01 01 00 00 09")  # LED on, no heartbeat
    assert stream.frames == [bytes.fromhex("03 0A 00 B4 50 03 09")]  # LED ACK: 18.0 g, 80 %
    proxy.tick(1.0)
    weights = [f for f in stream.frames if f[1] in (0xCE, 0xCA)]
    assert len(weights) == 10  # 10 a second
    assert weights[-1] == bytes.fromhex("03 CE 00 B4 00 00 00 00 00 79")  # 18.0 g, stable, 0:00.0


async def test_hds_drops_the_link_without_heartbeat(proxy: VirtualProxy) -> None:
    scale, client, _stream, dropped = await decent(proxy)
    await send(client, "03 0A 01 01 00 01 08")  # LED on, heartbeat required
    assert scale.heartbeat_required
    for _ in range(5):
        proxy.tick(4.0)
        await send(client, "03 0A 03 FF FF 00 0A")
    assert client.is_connected
    assert scale.heartbeats == 5
    proxy.tick(5.0)
    assert client.is_connected
    proxy.tick(0.02)
    assert dropped == [client]
    assert not scale.heartbeat_required
    assert scale.advertising


async def test_tare_flags_the_heartbeat_as_the_hds_guide_says(proxy: VirtualProxy) -> None:
    scale, client, stream, dropped = await decent(proxy)
    await send(client, "03 0F 00 00 00 01 0D")  # quick-start tare: byte 5 = 01
    assert scale.heartbeat_required
    assert stream.frames[-1][:6] == bytes.fromhex("03 0F 00 00 00 FE")
    await send(client, "03 0F FD 00 00 00 F1")  # de1app's counter tare: 00 switches it off
    assert not scale.heartbeat_required
    proxy.tick(10.0)
    assert dropped == []


async def test_an_older_scale_ignores_the_heartbeat_flag(proxy: VirtualProxy) -> None:
    scale, client, _stream, dropped = await decent(proxy, heartbeat_capable=False)
    await send(client, "03 0A 01 01 00 01 08")
    proxy.tick(10.0)
    assert not scale.heartbeat_required
    assert dropped == []


async def test_timer_in_ten_byte_frames_and_seven_byte_frames(proxy: VirtualProxy) -> None:
    scale, client, stream, _ = await decent(proxy)
    await send(client, "03 0B 03 00 00 00 0B")
    proxy.tick(65.5)
    await send(client, "03 0B 00 00 00 00 08")
    proxy.tick(0.1)
    assert stream.frames[-1][4:7] == bytes([1, 5, 5])  # 1 min 5.5 s
    await send(client, "03 0B 02 00 00 00 0A")
    await send(client, "03 0B 07 00 00 00 0F")  # no such timer operation
    assert scale.timer.seconds == 0.0
    assert scale.commands == ["timer start", "timer stop", "timer reset"]
    assert scale.ignored == [bytes.fromhex("03 0B 07 00 00 00 0F")]
    seven, client7, stream7, _ = await decent(
        proxy, "5C:A1:E5:05:00:02", frame_size=7, bad_checksums=True
    )
    seven.place(10.0)
    proxy.tick(2.0)
    await client7.write_gatt_char(DECENT_COMMAND, bytes.fromhex("03 0F 00 00 00 00 0C"))
    proxy.tick(1.0)
    seven.remove(10.0)
    proxy.tick(3.0)
    assert stream7.frames[-1] == bytes.fromhex("03 CE FF 9C 00 00 00")


async def test_ounces_led_off_power_off_and_unknown(proxy: VirtualProxy) -> None:
    scale, client, stream, dropped = await decent(proxy, charging=True)
    scale.place(283.49523125)
    proxy.tick(3.0)
    await send(client, "03 0A 01 01 01 00 0B")  # LED on, ounces
    assert scale.unit is Unit.OUNCES
    assert stream.frames[-1] == bytes.fromhex("03 0A 03 E8 FF 03 09")  # 10.00 oz, charging
    await send(client, "03 0A 00 00 00 00 09")
    assert not scale.lcd_on
    for unknown in ("03 0A 05 00 00 00 0C", "03 0C 00 00 00 00 0F", "03 0A"):
        await send(client, unknown)
    assert len(scale.ignored) == 3
    await send(client, "03 0A 02 00 00 00 0B")
    assert scale.asleep
    assert dropped == [client]
    assert scale.commands[-2:] == ["led off", "power off"]


async def test_buttons_act_and_are_reported(proxy: VirtualProxy) -> None:
    scale, _client, stream, _ = await decent(proxy)
    scale.press_button("circle")
    scale.press_button("square")
    assert stream.frames == [encode_button(1), encode_button(2)]
    assert scale.taring
    assert scale.timer.running


async def test_dropped_commands(proxy: VirtualProxy) -> None:
    scale, client, _stream, _ = await decent(proxy, command_drop_rate=1.0)
    await send(client, "03 0F 00 00 00 00 0C")
    assert not scale.taring
    assert scale.weighing  # a write all the same
    assert scale.ignored == [bytes.fromhex("03 0F 00 00 00 00 0C")]


async def test_writeback_characteristic_is_there(proxy: VirtualProxy) -> None:
    scale, client, _stream, _ = await decent(proxy)
    await client.start_notify("83cdc3d4-3ba2-13fc-cc5e-106c351a9352", Stream("decent_scale"))
    assert scale.is_subscribed("83cdc3d4-3ba2-13fc-cc5e-106c351a9352")
    await client.write_gatt_char(DECENT_COMMAND, DECENT_HEARTBEAT, response=False)
    assert scale.heartbeats == 1


async def test_frames_without_a_subscriber_are_not_counted(proxy: VirtualProxy) -> None:
    scale, client, _stream, _ = await decent(proxy)
    await send(client, "03 0A 01 01 00 00 09")
    proxy.tick(1.0)
    assert scale.frames_sent == 10
    await client.stop_notify(DECENT_NOTIFY)
    proxy.tick(1.0)
    assert scale.frames_sent == 10
