# mypy: disable-error-code="unreachable"
"""The emulated Acaia Lunar, old and new protocol (scales.md §2)."""

from __future__ import annotations

import pytest
from bleak import BleakClient
from hypothesis import given
from hypothesis import strategies as st

from emulator.gatt import ATT_WRITE_NOT_PERMITTED, AttError
from emulator.proxy import VirtualProxy
from emulator.scales import AcaiaDevice, ScaleCommandError, Unit, create_scale
from emulator.scales import acaia_codec as codec
from emulator.scales.acaia import auto_off_byte, create_acaia

from .common import connect
from .scales_helpers import (
    ACAIA_HEARTBEAT,
    ACAIA_IDENTIFY,
    ACAIA_NEW_COMMAND,
    ACAIA_NEW_NOTIFY,
    ACAIA_NOTIFICATION_REQUEST,
    ACAIA_OLD,
    Stream,
    acaia_frames,
    acaia_weight,
    fuzz_settings,
    open_stream,
)

OLD, NEW = "acaia_lunar_old", "acaia_lunar_2021"
IDENTIFY_DASH = bytes.fromhex("EF DD 0B" + " 2D" * 15 + " 68 3B")


def events(stream: Stream, event: int) -> list[bytes]:
    return [f for f in stream.frames if f[2] == 0x0C and f[4] == event]


async def send(client: BleakClient, model: str, hex_bytes: str | bytes) -> None:
    data = bytes.fromhex(hex_bytes) if isinstance(hex_bytes, str) else hex_bytes
    if model == OLD:
        await client.write_gatt_char(ACAIA_OLD, data, response=False)
    else:
        await client.write_gatt_char(ACAIA_NEW_COMMAND, data, response=True)


async def connected(
    proxy: VirtualProxy, model: str, **options: object
) -> tuple[AcaiaDevice, BleakClient, Stream]:
    scale = proxy.add(create_scale(model, noise=0.0, **options))  # type: ignore[arg-type]
    assert isinstance(scale, AcaiaDevice)
    client = await connect(proxy, scale.address)
    stream = Stream(model, lambda: scale.now)
    await client.start_notify(scale.notify_uuid, stream)
    return scale, client, stream


async def acaia_stream(
    proxy: VirtualProxy, model: str, **options: object
) -> tuple[AcaiaDevice, BleakClient, Stream]:
    scale, client, stream = await open_stream(proxy, model, **options)
    assert isinstance(scale, AcaiaDevice)
    return scale, client, stream


# §2.7 vectors -----------------------------------------------------------------------


def test_vector_a2_settings() -> None:
    frame = codec.encode_settings(battery=93, ounces=False, auto_off=1, beep=True, capacity=0)
    assert frame == bytes.fromhex("EF DD 08 09 5D 02 02 01 00 01 01 00 0D 60")


def test_vectors_a3_a4_timer_acks() -> None:
    a3 = codec.encode_event(11, bytes([0, 0x01, 5]) + codec.weight_body(-0.45, 2, unsettled=False))
    assert a3 == bytes.fromhex("EF DD 0C 0B 0B 00 01 05 2D 00 00 00 02 02 12 3B")
    a4 = codec.encode_event(11, bytes([1, 0x21, 5]) + codec.weight_body(-0.46, 2, unsettled=False))
    assert a4 == bytes.fromhex("EF DD 0C 0B 0B 01 21 05 2E 00 00 00 02 02 13 5C")


def test_vector_a6_info_frame() -> None:
    frame = codec.encode_frame(codec.INFO, codec.INFO_REJECTED)
    assert frame == bytes.fromhex("EF DD 07 07 02 19 01 00 05 01 21 08")


def test_vector_a7_key_timer_start() -> None:
    body = codec.weight_body(-0.09, 2, unsettled=True)
    frame = codec.encode_event(8, codec.KEY_TIMER_START + body)
    assert frame == bytes.fromhex("EF DD 0C 0A 08 08 05 09 00 00 00 02 03 1D 10")


def test_vectors_a8_a9_weight_events() -> None:
    a8 = codec.encode_event(5, codec.weight_body(-175.9, 1, unsettled=True))
    assert a8 == bytes.fromhex("EF DD 0C 08 05 DF 06 00 00 01 03 E8 0E")
    a9 = codec.encode_event(5, codec.weight_body(700.00, 2, unsettled=False))
    assert a9 == bytes.fromhex("EF DD 0C 08 05 70 11 01 00 02 00 7B 16")
    assert acaia_weight(a9[5:11]) == 700.0  # 24 bits, not the 16-bit 44.64 g
    assert codec.weight_body(-0.001, 2, unsettled=False) == bytes(4) + b"\x02\x00"  # no "-0"


@pytest.mark.parametrize(
    ("hex_bytes", "kind", "payload"),
    [  # A10: the §2.5 commands, with their checksums over the payload
        ("EF DD 0B" + " 2D" * 15 + " 68 3B", 0x0B, b"-" * 15),
        ("EF DD 0B 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 9A 6D", 0x0B, b"012345678901234"),
        ("EF DD 0C 09 00 01 01 02 02 05 03 04 15 06", 0x0C, bytes.fromhex("090001010202050304")),
        ("EF DD 0C 09 00 01 01 02 02 01 03 04 11 06", 0x0C, bytes.fromhex("090001010202010304")),
        ("EF DD 00 02 00 02 00", 0x00, b"\x02\x00"),
        ("EF DD 06" + " 00" * 18, 0x06, bytes(16)),
        ("EF DD 06 00 00 00", 0x06, b"\x00"),
        ("EF DD 04 00 00 00", 0x04, b"\x00"),
        ("EF DD 04" + " 00" * 17, 0x04, bytes(15)),
        ("EF DD 0D 00 00 00 00", 0x0D, b"\x00\x00"),
        ("EF DD 0D 00 02 00 02", 0x0D, b"\x00\x02"),
        ("EF DD 0D 00 01 00 01", 0x0D, b"\x00\x01"),
        ("EF DD 0D 01 00 01 00", 0x0D, b"\x01\x00"),
        ("EF DD 0A 00 00 02 02 00", 0x0A, b"\x00\x00\x02"),
    ],
)
def test_vector_a10_commands_decode_with_good_checksums(
    hex_bytes: str, kind: int, payload: bytes
) -> None:
    assert codec.decode_command(bytes.fromhex(hex_bytes)) == codec.AcaiaCommand(kind, payload, True)


def test_decode_command_errors_and_a_bad_checksum() -> None:
    for bad in (b"", b"\xef\xdd\x00\x00", b"\xef\xde\x00\x00\x00"):
        with pytest.raises(ScaleCommandError):
            codec.decode_command(bad)
    assert not codec.decode_command(bytes.fromhex("EF DD 00 02 00 02 01")).checksum_ok


@fuzz_settings()
@given(st.binary(max_size=24) | st.binary(max_size=20).map(lambda b: b"\xef\xdd" + b))
def test_fuzz_decode_command(data: bytes) -> None:
    try:
        command = codec.decode_command(data)
    except ScaleCommandError:
        return
    assert len(command.payload) == len(data) - 5


def test_auto_off_byte_and_factory() -> None:
    assert [auto_off_byte(m) for m in (0, 3, 5, 12, 20, 45, 90)] == [0, 0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="unknown Acaia model"):
        create_acaia("acaia_pyxis", "AA:BB:CC:DD:EE:FF")


# GATT and write types --------------------------------------------------------------


async def test_gatt_tables(proxy: VirtualProxy) -> None:
    old = proxy.add(create_scale(OLD))
    new = proxy.add(create_scale(NEW))
    old_client = await connect(proxy, old.address)
    new_client = await connect(proxy, new.address)
    assert [s.uuid for s in old_client.services] == [
        "00001820-0000-1000-8000-00805f9b34fb",
        "0000180f-0000-1000-8000-00805f9b34fb",
    ]
    old_char = old_client.services.get_characteristic(ACAIA_OLD)
    assert old_char is not None
    assert sorted(old_char.properties) == ["notify", "write-without-response"]
    assert await old_client.read_gatt_char("00002a19-0000-1000-8000-00805f9b34fb") == b"\x50"
    assert [s.uuid for s in new_client.services] == [
        "49535343-fe7d-4ae5-8fa9-9fafd205e455",
        "49535343-c9d0-cc83-a44a-6fe238d06d33",
        "0000180a-0000-1000-8000-00805f9b34fb",
    ]
    assert await new_client.read_gatt_char("00002a24-0000-1000-8000-00805f9b34fb") == b"BM70"
    assert await new_client.read_gatt_char("00002a29-0000-1000-8000-00805f9b34fb") == b"MCHP"


async def test_old_protocol_refuses_write_requests(proxy: VirtualProxy) -> None:
    scale, client, _ = await connected(proxy, OLD)
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(ACAIA_OLD, ACAIA_IDENTIFY, response=True)
    assert err.value.code == ATT_WRITE_NOT_PERMITTED
    await client.write_gatt_char(ACAIA_OLD, ACAIA_IDENTIFY)  # bleak picks without response
    assert scale.identified


async def test_new_protocol_drops_writes_without_response(proxy: VirtualProxy) -> None:
    scale, client, stream = await connected(proxy, NEW)
    await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_IDENTIFY, response=False)
    await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_NOTIFICATION_REQUEST, response=False)
    proxy.tick(1.0)
    assert stream.frames == []
    assert scale.ignored == [ACAIA_IDENTIFY, ACAIA_NOTIFICATION_REQUEST]
    await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_IDENTIFY)  # bleak picks a request
    await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_NOTIFICATION_REQUEST)
    proxy.tick(1.0)
    assert len(stream.weights()) == 5


# Handshake and heartbeat -------------------------------------------------------------


@pytest.mark.parametrize("model", [OLD, NEW])
async def test_nothing_streams_before_identify_and_request(proxy: VirtualProxy, model: str) -> None:
    scale, client, stream = await connected(proxy, model)
    proxy.tick(1.0)
    await send(client, model, ACAIA_NOTIFICATION_REQUEST)  # without identify: ignored
    await send(client, model, "EF DD 04 00 00 00")  # tare needs identify too
    proxy.tick(1.0)
    assert stream.frames == []
    assert not scale.taring
    await send(client, model, IDENTIFY_DASH)  # either payload does
    await send(client, model, ACAIA_NOTIFICATION_REQUEST)
    proxy.tick(1.0)
    assert len(stream.weights()) == 5  # 5 a second (Acaia SDK)
    assert scale.commands == ["identify", "notification request"]


async def test_old_lunar_sends_the_event_header_on_its_own(proxy: VirtualProxy) -> None:
    _scale, _client, stream = await acaia_stream(proxy, OLD, noise=0.0)
    proxy.tick(1.0)
    assert stream.raw[0::2] == [b"\xef\xdd\x0c"] * 5
    assert all(len(part) == 10 for part in stream.raw[1::2])  # ArduinoBLE's 10-byte packets
    assert len(stream.weights()) == 5


async def test_new_protocol_stops_without_heartbeat(proxy: VirtualProxy) -> None:
    scale, client, stream = await acaia_stream(proxy, NEW, noise=0.0)
    for _ in range(10):  # a heartbeat every 3 s keeps it going
        proxy.tick(3.0)
        await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_HEARTBEAT, response=True)
    assert scale.streaming
    assert scale.heartbeats == 10
    proxy.tick(8.0)
    assert scale.streaming  # 8 s is still in time
    proxy.tick(0.02)
    assert not scale.streaming
    count = len(stream.frames)
    proxy.tick(5.0)
    assert len(stream.frames) == count  # silence; the link stays
    assert client.is_connected
    await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_HEARTBEAT, response=True)
    proxy.tick(1.0)
    assert len(stream.frames) == count  # a heartbeat alone does not restart it
    await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_IDENTIFY, response=True)
    await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_NOTIFICATION_REQUEST, response=True)
    proxy.tick(1.0)
    assert len(stream.frames) == count + 5


async def test_old_lunar_needs_no_heartbeat(proxy: VirtualProxy) -> None:
    scale, _client, stream = await acaia_stream(proxy, OLD, noise=0.0, auto_off=0.0)
    proxy.tick(60.0)
    assert scale.streaming
    assert len(stream.weights()) == pytest.approx(300, abs=1)


async def test_handshakes_ignored_until_retried(proxy: VirtualProxy) -> None:
    scale, client, stream = await connected(proxy, NEW, handshakes_ignored=2)
    for expected in (False, False, True):
        await send(client, NEW, ACAIA_IDENTIFY)
        await send(client, NEW, ACAIA_NOTIFICATION_REQUEST)
        proxy.tick(0.6)
        assert scale.streaming is expected
    assert len(stream.weights()) == 3


async def test_refused_identify_sends_info_frames(proxy: VirtualProxy) -> None:
    scale, client, stream = await connected(proxy, NEW)
    scale.faults.refuse_handshake = True
    await send(client, NEW, ACAIA_IDENTIFY)
    await send(client, NEW, ACAIA_NOTIFICATION_REQUEST)
    await send(client, NEW, "EF DD 04 00 00 00")
    proxy.tick(1.0)
    assert stream.frames == [bytes.fromhex("EF DD 07 07 02 19 01 00 05 01 21 08")] * 5  # A6
    assert not scale.taring


@pytest.mark.parametrize(
    "uuid",
    [
        ACAIA_NEW_NOTIFY,
        "49535343-4c8a-39b3-2f49-511cff073b7e",
        "49535343-aca3-481c-91ec-d85e28a60318",
    ],
)
async def test_identify_on_the_wrong_characteristic(proxy: VirtualProxy, uuid: str) -> None:
    scale, client, stream = await connected(proxy, NEW)
    await client.write_gatt_char(uuid, b"\x01\x02", response=True)  # not a frame: ignored
    assert not scale.rejecting
    await client.write_gatt_char(uuid, ACAIA_HEARTBEAT, response=True)  # a frame, no identify
    assert not scale.rejecting
    await client.write_gatt_char(uuid, ACAIA_IDENTIFY, response=True)
    assert scale.rejecting
    proxy.tick(0.4)
    assert stream.frames == [codec.encode_frame(codec.INFO, codec.INFO_REJECTED)] * 2


# Commands -------------------------------------------------------------------------------


async def test_timer_commands_are_acknowledged(proxy: VirtualProxy) -> None:
    scale, client, stream = await acaia_stream(proxy, NEW, noise=0.0)
    await send(client, NEW, "EF DD 0D 00 00 00 00")  # start
    proxy.tick(2.0)
    await send(client, NEW, "EF DD 0D 01 02 01 02")  # stop, sequence 1 (pyDE1)
    assert scale.timer.seconds == pytest.approx(2.0)
    await send(client, NEW, "EF DD 0D 00 01 00 01")  # reset
    await send(client, NEW, "EF DD 0D 00 07 00 07")  # no such operation
    acks = events(stream, 11)
    assert [(a[5], a[6], a[7]) for a in acks] == [(0, 0x01, 5), (1, 0x21, 5), (0, 0x41, 5)]
    assert scale.commands[-3:] == ["timer start", "timer stop", "timer reset"]
    assert scale.ignored == [bytes.fromhex("EF DD 0D 00 07 00 07")]


@pytest.mark.parametrize(("request_bytes", "every"), [(ACAIA_NOTIFICATION_REQUEST, 5), (None, 1)])
async def test_timer_events_while_running(
    proxy: VirtualProxy, request_bytes: bytes | None, every: int
) -> None:
    scale, client, stream = await connected(proxy, OLD)
    await send(client, OLD, ACAIA_IDENTIFY)
    await send(client, OLD, request_bytes or "EF DD 0C 09 00 01 01 02 02 01 03 04 11 06")
    await send(client, OLD, "EF DD 0D 00 00 00 00")
    proxy.tick(2.0)
    timers = events(stream, 7)
    assert len(timers) == 10 // every
    assert timers[-1][5:8] == bytes([0, 2, 0])  # 0 min, 2 s, 0 tenths
    assert scale.timer.running


async def test_settings_units_and_config(proxy: VirtualProxy) -> None:
    scale, client, stream = await acaia_stream(proxy, NEW, noise=0.0, battery=93.0)
    await send(client, NEW, "EF DD 06" + " 00" * 18)
    settings_frames = [f for f in stream.frames if f[2] == 0x08]
    assert settings_frames[-1][4:6] == bytes([93, 0x02])  # battery, grams
    scale.place(28.349523125)
    proxy.tick(3.0)
    await send(client, NEW, "EF DD 0A 00 00 05 05 00")  # units: ounces
    assert scale.unit is Unit.OUNCES
    proxy.tick(0.4)
    body = events(stream, 5)[-1][5:11]
    assert (acaia_weight(body), body[4]) == (1.0, 3)  # ounces to three decimals
    assert [f for f in stream.frames if f[2] == 0x08][-1][5] == 0x05
    for config in ("EF DD 0A 01 01 03 04 01", "EF DD 0A 02 05 00 02 05", "EF DD 0A 03 04 01 07 01"):
        await send(client, NEW, config)
    await send(client, NEW, "EF DD 0A 04 02 01 06 01")  # touchpad
    assert (scale.auto_off, scale.beep, scale.capacity, scale.touchpad) == (20, False, 1, 1)
    for bad in ("EF DD 0A 05 09 01 0E 01", "EF DD 0A 06 01 09 0F 01", "EF DD 0A 00 00"):
        await send(client, NEW, bad)
    await send(client, NEW, "EF DD 02 00 00 00")  # type 02: unknown
    await send(client, NEW, "01 02 03 04 05")
    assert len(scale.ignored) == 5


# Buttons and framing -------------------------------------------------------------------


async def test_buttons_are_key_events(proxy: VirtualProxy) -> None:
    scale, _client, stream = await acaia_stream(proxy, NEW, noise=0.0)
    scale.press_button("timer")
    proxy.tick(1.0)
    scale.press_button("timer")
    scale.press_button("reset")
    scale.press_button("tare")
    keys = [bytes(f[5:7]) for f in events(stream, 8)]
    assert keys == [b"\x08\x05", b"\x0a\x07", b"\x09\x07", b"\x00\x05"]
    assert scale.taring
    assert scale.timer.seconds == 0.0


async def test_fragments_only_a_reassembling_reader_gets_right(proxy: VirtualProxy) -> None:
    scale, _client, stream = await acaia_stream(proxy, NEW, noise=0.0, fragment_rate=0.5, seed=3)
    scale.place(36.5)
    proxy.tick(20.0)
    assert stream.weights()[-1] == pytest.approx(36.5)  # reassembled by length
    whole = [r for r in stream.raw if r[:3] == b"\xef\xdd\x0c" and len(r) == 13]
    assert len(whole) < len(stream.raw) - 10  # many notifications were not one frame
    frames, rest = acaia_frames(b"".join(stream.raw))
    assert len(frames) == len(stream.frames)
    assert len(rest) < 13


async def test_frames_without_a_subscriber_are_not_counted(proxy: VirtualProxy) -> None:
    scale, client, _stream = await acaia_stream(proxy, NEW)
    proxy.tick(1.0)
    assert scale.frames_sent == 5
    await client.stop_notify(ACAIA_NEW_NOTIFY)
    proxy.tick(1.0)
    assert scale.frames_sent == 5
    assert scale.streaming


async def test_a_short_notification_request_keeps_the_timer_interval(proxy: VirtualProxy) -> None:
    scale, client, stream = await connected(proxy, OLD)
    await send(client, OLD, ACAIA_IDENTIFY)
    await send(client, OLD, "EF DD 0C 00 00 00")
    await send(client, OLD, "EF DD 0D 00 00 00 00")
    proxy.tick(2.0)
    assert scale.streaming
    assert len(events(stream, 7)) == 2  # every 5th weight frame


async def test_buttons_before_the_handshake_act_unreported(proxy: VirtualProxy) -> None:
    scale, _client, stream = await connected(proxy, OLD)
    scale.press_button("timer")
    assert scale.timer.running
    assert stream.raw == []
