# mypy: disable-error-code="unreachable"
# (asserting a state field before and after a notification trips mypy's narrowing)
"""Acaia: models and transports, codec against §2.5/§2.7 vectors, framing, driver, fuzzing."""

from __future__ import annotations

import contextlib
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.acaia import (
    ACAIA,
    CINCO,
    LUNAR,
    MODELS,
    PEARL,
    PEARL_S,
    PYXIS,
    AcaiaDriver,
    AcaiaFramer,
    AcaiaProtocol,
    codec,
    decode_frame,
    model_from_advertisement,
    model_from_name,
    protocol_from_uuids,
)
from custom_components.kitchen_ble.library.devices.acaia.codec import (
    AcaiaAck,
    AcaiaInfo,
    AcaiaKeyEvent,
    AcaiaOther,
    AcaiaSettings,
    AcaiaTimerEvent,
    AcaiaWeight,
    AcaiaWeightEvent,
)
from custom_components.kitchen_ble.library.devices.base import (
    Capability,
    DeviceKind,
    HandshakeError,
)
from custom_components.kitchen_ble.library.devices.scale import (
    ButtonPress,
    PressKind,
    ScaleButton,
    ScaleDecodeError,
    ScaleEncodeError,
    WeightSample,
)
from tests.library.devices.scale_fakes import (
    BOTH_WRITES,
    FakeClient,
    FakeClock,
    Recorder,
    Sleeps,
    assert_start_refused,
    byte_changes,
    fuzz_settings,
    make_scale_driver,
    mutated,
)

OLD_SERVICE = "00001820-0000-1000-8000-00805f9b34fb"
OLD_CHAR = "00002a80-0000-1000-8000-00805f9b34fb"
NEW_SERVICE = "49535343-fe7d-4ae5-8fa9-9fafd205e455"
NEW_CMD = "49535343-8841-43f4-a8d4-ecbe34729bb3"
NEW_NOTIFY = "49535343-1e4d-4bd9-ba61-23c647249616"

A2 = "EF DD 08 09 5D 02 02 01 00 01 01 00 0D 60"
A3 = "EF DD 0C 0B 0B 00 01 05 2D 00 00 00 02 02 12 3B"
A4 = "EF DD 0C 0B 0B 01 21 05 2E 00 00 00 02 02 13 5C"
A6 = "EF DD 07 07 02 19 01 00 05 01 21 08"
A7 = "EF DD 0C 0A 08 08 05 09 00 00 00 02 03 1D 10"
A8 = "EF DD 0C 08 05 DF 06 00 00 01 03 E8 0E"
A9 = "EF DD 0C 08 05 70 11 01 00 02 00 7B 16"

IDENTIFY_DIGITS = "EF DD 0B 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 9A 6D"
IDENTIFY_DASHES = "EF DD 0B" + " 2D" * 15 + " 68 3B"
NOTIFICATION_REQUEST = "EF DD 0C 09 00 01 01 02 02 05 03 04 15 06"
HEARTBEAT = "EF DD 00 02 00 02 00"
TARE_LONG = "EF DD 04" + " 00" * 17
GET_SETTINGS_0 = "EF DD 06 00 00 00"


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def frame(msg_type: int, payload: bytes) -> bytes:
    """An incoming frame; payload starts with len, checksums as §2.3 says."""
    even = sum(payload[0::2]) & 0xFF
    odd = sum(payload[1::2]) & 0xFF
    return bytes([0xEF, 0xDD, msg_type]) + payload + bytes([even, odd])


def event(data: bytes) -> bytes:
    """A type-0C frame carrying ``data`` (event byte first)."""
    return frame(0x0C, bytes([len(data) + 1]) + data)


# Models and transports -----------------------------------------------------------


def test_models() -> None:
    assert MODELS == (LUNAR, PEARL, PEARL_S, PYXIS, CINCO, ACAIA)
    for model in MODELS:
        assert model.family == "acaia"
        assert model.kind is DeviceKind.SCALE
        assert model.capabilities == {
            Capability.BATTERY,
            Capability.TIMER,
            Capability.BUTTONS,
            Capability.AUTO_OFF,
            Capability.BEEP,
        }
    assert len({model.model_id for model in MODELS}) == 6


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("LUNAR-E01E31", LUNAR),
        ("LUNAR-DDEEFF", LUNAR),
        ("LUNAR-D4DFF3", LUNAR),
        ("ACAIAL1", LUNAR),
        ("ACAIA123", ACAIA),
        ("PEARLS", PEARL_S),
        ("PEARLS-1234", PEARL_S),
        ("PEARL-1234", PEARL),
        ("PROCHBT001", PEARL),
        ("PYXIS-ABCDEF", PYXIS),
        ("CINCO", CINCO),
        ("lunar-e01e31", LUNAR),
    ],
)
def test_names(name: str, model: object) -> None:
    assert model_from_name(name) is model
    assert model_from_advertisement(name) is model


@pytest.mark.parametrize("name", ["", "FELICITA", "Decent Scale", "BOOKOO_SC"])
def test_other_names(name: str) -> None:
    assert model_from_name(name) is None


def test_manufacturer_id_identifies_an_unknown_name() -> None:
    assert model_from_advertisement(None, [], [16962]) is ACAIA
    assert model_from_advertisement("XYZ", [], [16962]) is ACAIA
    assert model_from_advertisement("PYXIS-1", [], [16962]) is PYXIS
    assert model_from_advertisement(None, [NEW_SERVICE], [76]) is None  # a UART service alone


@pytest.mark.parametrize(
    ("uuids", "protocol"),
    [
        ([OLD_SERVICE], AcaiaProtocol.OLD),
        ([OLD_CHAR.upper()], AcaiaProtocol.OLD),
        ([NEW_SERVICE], AcaiaProtocol.NEW),
        ([NEW_CMD, NEW_NOTIFY], AcaiaProtocol.NEW),
        ([OLD_SERVICE, NEW_SERVICE], AcaiaProtocol.NEW),  # Decenza prefers Pyxis
        (["0000180a-0000-1000-8000-00805f9b34fb"], None),
    ],
)
def test_protocol_from_uuids(uuids: list[str], protocol: AcaiaProtocol | None) -> None:
    assert protocol_from_uuids(uuids) is protocol


# Commands (§2.5, A10) --------------------------------------------------------------


def test_command_vectors() -> None:
    assert h(IDENTIFY_DIGITS) == codec.IDENTIFY_DIGITS
    assert h(IDENTIFY_DASHES) == codec.IDENTIFY_DASHES
    assert h(NOTIFICATION_REQUEST) == codec.NOTIFICATION_REQUEST
    assert h("EF DD 0C 09 00 01 01 02 02 01 03 04 11 06") == codec.NOTIFICATION_REQUEST_TIMER_1
    assert h(HEARTBEAT) == codec.HEARTBEAT
    assert h("EF DD 04 00 00 00") == codec.TARE
    assert h(TARE_LONG) == codec.TARE_LONG
    assert len(codec.TARE_LONG) == 20
    assert h("EF DD 06" + " 00" * 18) == codec.GET_SETTINGS_LONG
    assert h("EF DD 0D 00 00 00 00") == codec.TIMER_START
    assert h("EF DD 0D 00 02 00 02") == codec.TIMER_STOP
    assert h("EF DD 0D 00 01 00 01") == codec.TIMER_RESET
    assert codec.encode(0x0D, b"\x01\x00") == h("EF DD 0D 01 00 01 00")  # pyDE1 start, seq 1


def test_config_vectors() -> None:
    assert codec.encode_config(0, 0, 2) == h("EF DD 0A 00 00 02 02 00")  # grams, seq 0
    assert codec.encode_unit(0, "g") == h("EF DD 0A 00 00 02 02 00")
    assert codec.encode_unit(1, "oz") == h("EF DD 0A 01 00 05 06 00")
    assert codec.encode_auto_off(2, 20) == h("EF DD 0A 02 01 03 05 01")
    assert codec.encode_auto_off(0, 0) == h("EF DD 0A 00 01 00 00 01")
    assert codec.encode_beep(3, True) == h("EF DD 0A 03 05 01 04 05")
    assert codec.encode_beep(3, False) == h("EF DD 0A 03 05 00 03 05")
    assert codec.encode_get_settings(0) == h(GET_SETTINGS_0)
    assert codec.encode_get_settings(7) == h("EF DD 06 07 07 00")


@pytest.mark.parametrize("minutes", [1, 15, 61, -5])
def test_auto_off_refuses_values_outside_the_enum(minutes: int) -> None:
    with pytest.raises(ScaleEncodeError):
        codec.encode_auto_off(0, minutes)


@pytest.mark.parametrize(("seq", "setting", "value"), [(256, 0, 0), (0, -1, 0), (0, 0, 300)])
def test_config_refuses_more_than_a_byte(seq: int, setting: int, value: int) -> None:
    with pytest.raises(ScaleEncodeError, match="not one byte"):
        codec.encode_config(seq, setting, value)


# Decoding (§2.7) -------------------------------------------------------------------


def test_a2_settings() -> None:
    assert decode_frame(h(A2)) == AcaiaSettings(
        battery=93, unit="g", auto_off=5, beep=True, capacity=1000
    )


def test_a3_ack_timer_start_with_weight() -> None:
    message = decode_frame(h(A3))
    assert message == AcaiaAck(seq=0, code=0x01, weight=AcaiaWeight(-0.45, stable=True))
    assert isinstance(message, AcaiaAck)
    assert message.timer_running is True


def test_a4_ack_timer_stop_with_weight() -> None:
    message = decode_frame(h(A4))
    assert message == AcaiaAck(seq=1, code=0x21, weight=AcaiaWeight(-0.46, stable=True))
    assert isinstance(message, AcaiaAck)
    assert message.timer_running is False


def test_a6_info() -> None:
    assert decode_frame(h(A6)) == AcaiaInfo(h("07 02 19 01 00 05 01"))


def test_a7_key_timer_start_with_weight() -> None:
    assert decode_frame(h(A7)) == AcaiaKeyEvent(
        ButtonPress(ScaleButton.TIMER, PressKind.START), AcaiaWeight(-0.09, stable=False)
    )


def test_a8_weight_negative_unsettled() -> None:
    assert decode_frame(h(A8)) == AcaiaWeightEvent(AcaiaWeight(-175.9, stable=False))


def test_a9_weight_above_655_g() -> None:
    assert decode_frame(h(A9)) == AcaiaWeightEvent(AcaiaWeight(700.0, stable=True))


def test_checksums_of_the_vectors_hold_but_are_never_required() -> None:
    for vector in (A2, A3, A4, A6, A7, A8, A9):
        data = h(vector)
        assert codec.checksum(data[3:-2]) == data[-2:]
    broken = h(A8)[:-2] + b"\x00\x00"
    assert decode_frame(broken) == AcaiaWeightEvent(AcaiaWeight(-175.9, stable=False))


def test_settings_variants() -> None:
    # ounces, auto-off code 5 = 60 min, beep off, capacity 2 kg, battery bit 7 masked
    data = frame(0x08, bytes([9, 0xE4, 5, 0, 5, 0, 0, 0, 1]))
    assert decode_frame(data) == AcaiaSettings(100, "oz", 60, False, 2000)
    # unknown unit and auto-off code, no capacity byte
    data = frame(0x08, bytes([7, 50, 9, 0, 9, 0, 1]))
    assert decode_frame(data) == AcaiaSettings(50, None, None, True, None)
    with pytest.raises(ScaleDecodeError, match="at least 7"):
        decode_frame(frame(0x08, bytes([4, 50, 2, 0])))


def test_weight_event_with_timer_record() -> None:
    """pyDE1's long form: len 0C, tag 7 with minutes/seconds/tenths after the weight."""
    data = event(h("05 2C 01 00 00 01 00 07 01 05 03"))  # 30.0 g, 1:05.3
    assert data[3] == 0x0C
    assert decode_frame(data) == AcaiaWeightEvent(AcaiaWeight(30.0, True), timer=65.3)


def test_weight_event_records_stop_at_unknown_tags_and_short_bodies() -> None:
    unknown = event(h("05 2C 01 00 00 01 00 09 01 02"))
    assert decode_frame(unknown) == AcaiaWeightEvent(AcaiaWeight(30.0, True))
    short = event(h("05 2C 01 00 00 01 00 06 01 07 01"))  # tag 6 (1 byte), tag 7 cut short
    assert decode_frame(short) == AcaiaWeightEvent(AcaiaWeight(30.0, True))


def test_timer_event() -> None:
    assert decode_frame(event(h("07 02 03 04"))) == AcaiaTimerEvent(123.4)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "08 00 05 2C 01 00 00 01 00",
            AcaiaKeyEvent(ButtonPress(ScaleButton.TARE), AcaiaWeight(30.0, True)),
        ),
        ("08 08 05", AcaiaKeyEvent(ButtonPress(ScaleButton.TIMER, PressKind.START))),
        ("08 08 0B", AcaiaKeyEvent(ButtonPress(ScaleButton.TIMER, PressKind.START))),
        (
            "08 0A 07 00 1E 05 2C 01 00 00 01 00",
            AcaiaKeyEvent(
                ButtonPress(ScaleButton.TIMER, PressKind.STOP), AcaiaWeight(30.0, True), 30.5
            ),
        ),
        (
            "08 0A 05 01 00 00",
            AcaiaKeyEvent(ButtonPress(ScaleButton.TIMER, PressKind.STOP), None, 60.0),
        ),
        ("08 0A 0D", AcaiaKeyEvent(ButtonPress(ScaleButton.TIMER, PressKind.STOP))),
        (
            "08 09 07 00 00 00 2C 01 00 00 01 00",
            AcaiaKeyEvent(
                ButtonPress(ScaleButton.TIMER, PressKind.RESET), AcaiaWeight(30.0, True), 0.0
            ),
        ),
        (
            "08 09 05 00 00 00",
            AcaiaKeyEvent(ButtonPress(ScaleButton.TIMER, PressKind.RESET), None, 0.0),
        ),
        ("08 09 0C", AcaiaKeyEvent(ButtonPress(ScaleButton.TIMER, PressKind.RESET))),
        ("08 0A 07 00", AcaiaKeyEvent(ButtonPress(ScaleButton.TIMER, PressKind.STOP))),  # cut short
    ],
)
def test_key_events(data: str, expected: AcaiaKeyEvent) -> None:
    assert decode_frame(event(h(data))) == expected


def test_unknown_key_event_and_events() -> None:
    assert decode_frame(event(h("08 07 07"))) == AcaiaOther(0x0C, h("04 08 07 07"))
    assert decode_frame(event(h("06 01"))) == AcaiaOther(0x0C, h("03 06 01"))


def test_ack_variants() -> None:
    timer = decode_frame(event(h("0B 02 41 07 00 00 00")))
    assert timer == AcaiaAck(2, 0x41, timer=0.0)
    assert isinstance(timer, AcaiaAck)
    assert timer.timer_running is False
    heartbeat = decode_frame(event(h("0B 03 00 08 00")))
    assert heartbeat == AcaiaAck(3, 0x00)
    assert isinstance(heartbeat, AcaiaAck)
    assert heartbeat.timer_running is None


def test_power_and_other_types() -> None:
    assert decode_frame(h("EF DD 20 08 08 00")) == AcaiaOther(0x20, h("08 08 00"))
    assert decode_frame(frame(0x02, h("02 00"))) == AcaiaOther(0x02, h("02 00"))


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ("EF DD 0C", "not an Acaia frame"),
        ("EE DD 0C 08 05 DF 06 00 00 01 03 E8 0E", "not an Acaia frame"),
        ("EF DD 0C 08 05 DF 06 00 00 01 03 E8", "disagrees"),
        ("EF DD 0C 00 00 00", "disagrees"),
        ("EF DD 20 08 08", "power frame"),
        ("EF DD 0C 01 00 00", "without an event"),
        ("EF DD 0C 08 05 DF 06 00 00 05 03 E8 0E", "exponent 5"),
        ("EF DD 0C 08 05 DF 06 00 00 00 03 E8 0E", "exponent 0"),
        ("EF DD 0C 05 05 DF 06 00 00 00", "cut short"),
        ("EF DD 0C 03 07 01 00 00", "cut short"),
        ("EF DD 0C 03 08 00 00 00", "cut short"),
        ("EF DD 0C 04 0B 00 01 00 00", "cut short"),
        ("EF DD 0C 08 0B 00 01 05 2D 00 00 00 00", "cut short"),
        ("EF DD 0C 07 0B 00 01 07 00 00 00 00", "cut short"),
    ],
)
def test_malformed_frames(data: str, match: str) -> None:
    with pytest.raises(ScaleDecodeError, match=match):
        decode_frame(h(data))


def test_bodies_must_have_their_length() -> None:
    with pytest.raises(ScaleDecodeError, match="not 6"):
        codec.decode_weight_body(b"\x00" * 5)
    with pytest.raises(ScaleDecodeError, match="not 3"):
        codec.decode_timer_body(b"\x00" * 2)


# Framing -----------------------------------------------------------------------------


def test_framer_several_frames_in_one_notification() -> None:
    framer = AcaiaFramer()
    assert framer.feed(h(A8) + h(A9) + h(A2)) == [h(A8), h(A9), h(A2)]
    assert framer.skipped == 0


def test_framer_header_on_its_own() -> None:
    """The pre-2021 Lunar sends EF DD 0C alone, then the rest."""
    framer = AcaiaFramer()
    assert framer.feed(h("EF DD 0C")) == []
    assert framer.feed(h(A8)[3:]) == [h(A8)]


def test_framer_keeps_a_lone_trailing_ef() -> None:
    framer = AcaiaFramer()
    assert framer.feed(h(A8) + h("EF")) == [h(A8)]
    assert framer.feed(h(A9)[1:]) == [h(A9)]
    assert framer.skipped == 0


def test_framer_skips_garbage_and_bad_lengths() -> None:
    framer = AcaiaFramer()
    assert framer.feed(h("01 02 03") + h(A8)) == [h(A8)]
    assert framer.skipped == 3
    assert framer.feed(h("EF DD 0C 41 05") + h(A9)) == [h(A9)]  # len 0x41 > 64: resync
    assert framer.feed(h("EF DD 0C 00") + h(A9)) == [h(A9)]  # len 0
    assert framer.feed(h("12 34")) == []
    assert framer.skipped == 3 + (2 + 3) + (2 + 2) + 2


def test_framer_waits_for_the_declared_length_only() -> None:
    framer = AcaiaFramer()
    first, second = h(A3)[:7], h(A3)[7:] + h(A8)[:5]
    assert framer.feed(first) == []
    assert framer.feed(second) == [h(A3)]
    assert framer.feed(h(A8)[5:]) == [h(A8)]


def test_framer_power_frames_are_six_bytes() -> None:
    framer = AcaiaFramer()
    assert framer.feed(h("EF DD 20 08 08 00") + h(A8)) == [h("EF DD 20 08 08 00"), h(A8)]


def test_framer_reset() -> None:
    framer = AcaiaFramer()
    framer.feed(h(A8)[:6])
    framer.reset()
    assert framer.feed(h(A9)) == [h(A9)]


@fuzz_settings()
@given(st.lists(st.binary(max_size=80), max_size=10))
def test_fuzz_framer_and_codec(chunks: list[bytes]) -> None:
    framer = AcaiaFramer()
    for chunk in chunks:
        for piece in framer.feed(chunk):
            assert piece[:2] == b"\xef\xdd"
            assert len(piece) <= 69
            with contextlib.suppress(ScaleDecodeError):
                decode_frame(piece)


VECTORS = [h(v) for v in (A2, A3, A4, A6, A7, A8, A9)]


@fuzz_settings()
@given(
    st.sampled_from(VECTORS),
    byte_changes(30, max_size=4),
    st.integers(0, 20),
)
def test_fuzz_mutated_vectors(vector: bytes, changes: list[tuple[int, int]], cut: int) -> None:
    data = mutated(vector, changes)
    data = data[: len(data) - cut] if cut < len(data) else data
    with contextlib.suppress(ScaleDecodeError):
        decode_frame(bytes(data))
    AcaiaFramer().feed(data)


# Driver ---------------------------------------------------------------------------------


def new_chars() -> dict[str, list[str]]:
    return {NEW_CMD: BOTH_WRITES, NEW_NOTIFY: ["write", "notify"]}


def old_chars() -> dict[str, list[str]]:
    return {OLD_CHAR: ["write", "write-without-response", "notify"]}


def make_driver(
    client: FakeClient | None = None, **kwargs: object
) -> tuple[AcaiaDriver, Recorder, FakeClock, Sleeps]:
    return make_scale_driver(AcaiaDriver, LUNAR, client, **kwargs)


async def started(
    table: dict[str, list[str]] | None = None,
) -> tuple[AcaiaDriver, Recorder, FakeClient, FakeClock]:
    client = FakeClient(table or new_chars())
    driver, recorder, clock, _ = make_driver(client)
    await driver.async_start(client)
    client.writes.clear()
    client.log.clear()
    return driver, recorder, client, clock


async def test_start_new_transport() -> None:
    client = FakeClient(new_chars())
    driver, recorder, _, _ = make_driver(client)
    assert driver.poll_interval == 3.0
    await driver.async_start(client)
    assert driver.protocol is AcaiaProtocol.NEW
    assert client.log == [
        f"notify {NEW_NOTIFY}",
        "sleep 0.5",
        f"write {h(IDENTIFY_DIGITS).hex()}",
        "sleep 0.2",
        f"write {h(NOTIFICATION_REQUEST).hex()}",
    ]
    assert {(uuid, response) for uuid, _, response in client.writes} == {(NEW_CMD, True)}
    assert recorder.updates == 0


async def test_start_old_transport_writes_without_response() -> None:
    client = FakeClient(old_chars())
    driver, _, _, _ = make_driver(client)
    await driver.async_start(client)
    assert driver.protocol is AcaiaProtocol.OLD
    assert client.log[:2] == [f"notify {OLD_CHAR}", "sleep 0.1"]
    assert {(uuid, response) for uuid, _, response in client.writes} == {(OLD_CHAR, False)}


async def test_start_prefers_the_new_transport_when_both_exist() -> None:
    client = FakeClient({**old_chars(), **new_chars()})
    driver, _, _, _ = make_driver(client)
    await driver.async_start(client)
    assert driver.protocol is AcaiaProtocol.NEW
    assert list(client.callbacks) == [NEW_NOTIFY]


async def test_start_needs_both_new_characteristics() -> None:
    await assert_start_refused(make_driver, {NEW_CMD: BOTH_WRITES})


async def test_poll_identifies_again_until_a_weight_then_heartbeats() -> None:
    driver, _, client, _ = await started()
    await driver.async_poll(client)
    assert client.written() == [h(HEARTBEAT), h(IDENTIFY_DASHES), h(NOTIFICATION_REQUEST)]
    client.writes.clear()
    await driver.async_poll(client)
    assert client.written() == [h(HEARTBEAT), h(IDENTIFY_DIGITS), h(NOTIFICATION_REQUEST)]
    client.writes.clear()
    client.notify(NEW_NOTIFY, h(A8))
    await driver.async_poll(client)
    await driver.async_poll(client)
    assert client.written() == [
        h(HEARTBEAT),
        h(GET_SETTINGS_0),
        h(HEARTBEAT),
        h("EF DD 06 01 01 00"),
    ]


async def test_poll_gives_up_after_ten_identifies(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    driver, _, client, _ = await started()
    for _ in range(9):
        await driver.async_poll(client)
    client.notify(NEW_NOTIFY, h(A6))
    client.notify(NEW_NOTIFY, h(A6))
    with pytest.raises(HandshakeError, match="no weight after 10 identifies and sent 2 INFO"):
        await driver.async_poll(client)
    assert driver.info_frames == 2
    assert "INFO frame" in caplog.text


async def test_poll_gives_up_without_info_frames() -> None:
    driver, _, client, _ = await started()
    for _ in range(9):
        await driver.async_poll(client)
    with pytest.raises(HandshakeError, match=r"10 identifies$"):
        await driver.async_poll(client)


async def test_restart_starts_the_count_again() -> None:
    driver, _, client, _ = await started()
    for _ in range(9):
        await driver.async_poll(client)
    await driver.async_start(client)
    await driver.async_poll(client)  # no HandshakeError


async def test_identify_forms_are_configurable() -> None:
    client = FakeClient(new_chars())
    driver, _, _, _ = make_driver(client, identify_forms=(codec.IDENTIFY_DASHES,))
    await driver.async_start(client)
    await driver.async_poll(client)
    assert client.written().count(h(IDENTIFY_DASHES)) == 2


async def test_tare_is_sent_three_times() -> None:
    client = FakeClient(old_chars())
    driver, recorder, _, sleeps = make_driver(client)
    await driver.async_start(client)
    client.notify(OLD_CHAR, event(h("05 B8 0B 00 00 01 00")))  # 300.0 g
    client.writes.clear()
    sleeps.delays.clear()
    await driver.async_tare(client)
    assert client.writes == [(OLD_CHAR, h(TARE_LONG), False)] * 3
    assert sleeps.delays == [0.1, 0.1]
    client.notify(OLD_CHAR, h("EF DD 0C 08 05 00 00 00 00 01 00 05 00"))  # 0.0 g at once
    assert [s.grams for s in recorder.samples] == [300.0, 0.0]


async def test_timer_commands_wait_for_the_acknowledgement() -> None:
    driver, recorder, client, _ = await started()
    await driver.async_timer_start(client)
    await driver.async_timer_stop(client)
    await driver.async_timer_reset(client)
    assert client.written() == [
        h("EF DD 0D 00 00 00 00"),
        h("EF DD 0D 00 02 00 02"),
        h("EF DD 0D 00 01 00 01"),
    ]
    assert driver.state.timer_running is None
    client.notify(NEW_NOTIFY, h(A3))
    assert driver.state.timer_running is True
    assert recorder.samples[-1].grams == -0.45
    client.notify(NEW_NOTIFY, h(A4))
    assert driver.state.timer_running is False


async def test_settings_commands() -> None:
    driver, recorder, client, _ = await started()
    await driver.async_set_unit(client, "oz")
    await driver.async_set_auto_off(client, 30)
    await driver.async_set_beep(client, False)
    assert client.written() == [
        h("EF DD 0A 00 00 05 05 00"),
        h("EF DD 0A 01 01 04 05 01"),
        h("EF DD 0A 02 05 00 02 05"),
    ]
    assert (driver.state.unit, driver.state.auto_off, driver.state.beep) == ("oz", 30, 0)
    assert recorder.updates == 3
    with pytest.raises(ScaleEncodeError):
        await driver.async_set_auto_off(client, 7)


async def test_settings_frame_updates_the_state() -> None:
    driver, recorder, client, clock = await started()
    client.notify(NEW_NOTIFY, h(A2))
    state = driver.state
    assert (state.battery, state.unit, state.auto_off, state.beep) == (93, "g", 5, 1)
    assert recorder.updates == 1
    assert driver.last_heard == clock.now


async def test_weights_split_and_joined_across_notifications() -> None:
    driver, recorder, client, clock = await started()
    client.notify(NEW_NOTIFY, h("EF DD 0C"))
    assert recorder.samples == []
    client.notify(NEW_NOTIFY, h(A8)[3:] + h(A9)[:4])
    clock.advance(0.1)
    client.notify(NEW_NOTIFY, h(A9)[4:])
    assert recorder.samples == [WeightSample(100.0, -175.9, False)]  # 700 g jump held back
    assert driver.rejected == 1
    assert driver.malformed == 0


async def test_key_events_become_presses_and_timer_state() -> None:
    driver, recorder, client, _ = await started()
    client.notify(NEW_NOTIFY, h(A7))
    assert recorder.samples == [WeightSample(100.0, -0.09, False)]
    assert recorder.presses == [ButtonPress(ScaleButton.TIMER, PressKind.START)]
    assert driver.state.timer_running is True
    client.notify(NEW_NOTIFY, event(h("08 0A 05 00 1E 05")))
    assert driver.state.timer_running is False
    assert driver.state.timer == 30.5
    client.notify(NEW_NOTIFY, event(h("08 09 0C")))
    assert driver.state.timer == 0.0
    client.notify(NEW_NOTIFY, event(h("08 00 05 00 00 00 00 01 00")))
    assert recorder.presses[-1] == ButtonPress(ScaleButton.TARE)
    assert len(recorder.presses) == 4


async def test_timer_and_weight_events() -> None:
    driver, recorder, client, _ = await started()
    client.notify(NEW_NOTIFY, event(h("07 00 0A 03")))
    assert driver.state.timer == 10.3
    assert recorder.updates == 1
    client.notify(NEW_NOTIFY, event(h("05 2C 01 00 00 01 00 07 00 0B 00")))
    assert driver.state.timer == 11.0
    assert driver.state.weight == 30.0
    client.notify(NEW_NOTIFY, event(h("0B 05 41 07 00 00 00")))  # reset ack, no weight
    assert (driver.state.timer, driver.state.timer_running) == (0.0, False)
    assert recorder.updates == 3


async def test_other_frames_are_heard_but_change_nothing() -> None:
    driver, recorder, client, clock = await started()
    clock.advance(5)
    client.notify(NEW_NOTIFY, h("EF DD 20 08 08 00"))
    assert driver.last_heard == clock.now
    assert recorder.updates == 0


async def test_malformed_frames_and_garbage_are_counted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    driver, recorder, client, _ = await started()
    client.notify(NEW_NOTIFY, h("EF DD 0C 08 05 DF 06 00 00 07 03 E8 0E"))  # exponent 7
    client.notify(NEW_NOTIFY, h("01 02 03 04"))
    assert driver.malformed == 2
    assert recorder.received == []
    assert "malformed" in caplog.text


@fuzz_settings()
@given(st.lists(st.binary(max_size=40) | st.sampled_from(VECTORS), max_size=12))
def test_fuzz_notification_handler(chunks: list[bytes]) -> None:
    driver, recorder, _, _ = make_driver()
    for chunk in chunks:
        driver._on_notify(None, bytearray(chunk))
    assert all(-5000 <= s.grams <= 5000 for s in recorder.samples)
