# mypy: disable-error-code="unreachable"
# (asserting a state field before and after a notification trips mypy's narrowing)
"""Decent Scale / Half Decent: model, codec against §4.5/§4.7 vectors, driver, fuzzing."""

from __future__ import annotations

import contextlib
import logging

import pytest
from bleak.exc import BleakError
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.base import (
    Capability,
    DeviceKind,
)
from custom_components.kitchen_ble.library.devices.decent_scale import (
    DECENT_SCALE,
    MODELS,
    DecentScaleDriver,
    codec,
    decode_notification,
    model_from_advertisement,
    model_from_name,
)
from custom_components.kitchen_ble.library.devices.decent_scale.codec import (
    DecentButton,
    DecentOther,
    DecentStatus,
    DecentWeight,
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
    NOTIFY,
    WRITE_NO_RESPONSE,
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

NOTIFY_CHAR = "0000fff4-0000-1000-8000-00805f9b34fb"
COMMAND = "000036f5-0000-1000-8000-00805f9b34fb"

LED_ON_HEARTBEAT = "03 0A 01 01 00 01 08"
LED_ON_NO_HEARTBEAT = "03 0A 01 01 00 00 09"
HEARTBEAT = "03 0A 03 FF FF 00 0A"
TARE = "03 0F 00 00 00 01 0D"
TIMER_START = "03 0B 03 00 00 00 0B"
TIMER_STOP = "03 0B 00 00 00 00 08"
TIMER_RESET = "03 0B 02 00 00 00 0A"
WEIGHT_BAD_CHECKSUM = "03 CE FF 9C 00 00 00"
WEIGHT_18 = "03 CE 00 B4 00 00 79"
WEIGHT_10_BYTES = "03 CA FF 4C 00 1E 05 00 00 61"
STATUS = "03 0A 00 00 4B 03 09"


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# Model ------------------------------------------------------------------------------


def test_model() -> None:
    assert MODELS == (DECENT_SCALE,)
    assert DECENT_SCALE.family == "decent_scale"
    assert DECENT_SCALE.kind is DeviceKind.SCALE
    assert DECENT_SCALE.capabilities == {Capability.BATTERY, Capability.TIMER, Capability.BUTTONS}


@pytest.mark.parametrize("name", ["Decent Scale", "Decent Scale 2", "ButtsHaus Scale"])
def test_names(name: str) -> None:
    assert model_from_name(name) is DECENT_SCALE
    assert model_from_advertisement(name) is DECENT_SCALE


def test_other_advertisements() -> None:
    assert model_from_name("decent scale") is None  # exact case, as reaprime matches
    assert model_from_advertisement(None, ["0000fff0-0000-1000-8000-00805f9b34fb"]) is None


# Commands (§4.5, §4.7) ----------------------------------------------------------------


def test_command_vectors() -> None:
    assert codec.encode_led_on() == h(LED_ON_HEARTBEAT)
    assert codec.encode_led_on(heartbeat=False) == h(LED_ON_NO_HEARTBEAT)
    assert codec.encode_led_on(unit="oz") == h("03 0A 01 01 01 01 09")
    assert codec.encode_led_on(heartbeat=False, unit="oz") == h("03 0A 01 01 01 00 08")
    assert h("03 0A 00 00 00 00 09") == codec.LED_OFF
    assert h("03 0A 02 00 00 00 0B") == codec.POWER_OFF
    assert h(HEARTBEAT) == codec.HEARTBEAT
    assert h(TIMER_START) == codec.TIMER_START
    assert h(TIMER_STOP) == codec.TIMER_STOP
    assert h(TIMER_RESET) == codec.TIMER_RESET
    assert codec.encode_tare() == h(TARE)
    assert codec.encode_tare(1) == h("03 0F 01 00 00 01 0C")  # HDS guide
    assert codec.encode_tare(0xFD, heartbeat=False) == h("03 0F FD 00 00 00 F1")  # de1app


def test_command_bytes_must_be_bytes() -> None:
    with pytest.raises(ScaleEncodeError):
        codec.encode_tare(256)
    with pytest.raises(ScaleEncodeError):
        codec.encode(0x0B, -1)


# Notifications (§4.4, §4.7) -------------------------------------------------------------


def test_weight_with_wrong_checksum_is_kept() -> None:
    assert decode_notification(h(WEIGHT_BAD_CHECKSUM)) == DecentWeight(
        -10.0, stable=True, timer=None, checksum_ok=False
    )


def test_weight_18_g() -> None:
    assert decode_notification(h(WEIGHT_18)) == DecentWeight(
        18.0, stable=True, timer=None, checksum_ok=True
    )


def test_weight_10_bytes_with_timer() -> None:
    assert decode_notification(h(WEIGHT_10_BYTES)) == DecentWeight(
        -18.0, stable=False, timer=30.5, checksum_ok=True
    )


def test_status() -> None:
    assert decode_notification(h(STATUS)) == DecentStatus(75, "3.0.9")
    assert decode_notification(h("03 0A 00 00 FF 12 34")) == DecentStatus(None, "12.3.4")


@pytest.mark.parametrize(
    ("frame", "press"),
    [
        ("03 AA 01 01 00 00 A9", ButtonPress(ScaleButton.CIRCLE, PressKind.SHORT)),
        ("03 AA 02 02 00 00 A9", ButtonPress(ScaleButton.SQUARE, PressKind.LONG)),
        ("03 AA 01 09 00 00 A1", ButtonPress(ScaleButton.CIRCLE, PressKind.PRESS)),
        ("03 AA 02", ButtonPress(ScaleButton.SQUARE, PressKind.PRESS)),
    ],
)
def test_buttons(frame: str, press: ButtonPress) -> None:
    assert decode_notification(h(frame)) == DecentButton(press)


def test_tare_ack_and_others() -> None:
    assert decode_notification(h("03 0F 00 00 00 FE F2")) == DecentOther(0x0F, tare_ack=True)
    assert decode_notification(h("03 0F 00 00 00 01 0D")) == DecentOther(0x0F, tare_ack=False)
    assert decode_notification(h("03 0F 00")) == DecentOther(0x0F, tare_ack=False)
    assert decode_notification(h("03 22 01 02")) == DecentOther(0x22)


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        ("03 CE", "too short"),
        ("03 CE 00 B4 00 00", "not 7 or 10"),
        ("03 CE 00 B4 00 00 79 00", "not 7 or 10"),
        ("03 AA 03 01", "unknown Decent button"),
        ("03 0A 00 00 4B 03", "status frame too short"),
    ],
)
def test_malformed(frame: str, match: str) -> None:
    with pytest.raises(ScaleDecodeError, match=match):
        decode_notification(h(frame))


VECTORS = [h(v) for v in (WEIGHT_BAD_CHECKSUM, WEIGHT_18, WEIGHT_10_BYTES, STATUS)]


@fuzz_settings()
@given(st.binary(max_size=24))
def test_fuzz_random(data: bytes) -> None:
    with contextlib.suppress(ScaleDecodeError):
        decode_notification(data)


@fuzz_settings()
@given(
    st.sampled_from(VECTORS),
    byte_changes(9),
)
def test_fuzz_mutated(vector: bytes, changes: list[tuple[int, int]]) -> None:
    with contextlib.suppress(ScaleDecodeError):
        decode_notification(mutated(vector, changes))


# Driver -------------------------------------------------------------------------------------


def make_driver(
    client: FakeClient | None = None, **kwargs: object
) -> tuple[DecentScaleDriver, Recorder, FakeClock, Sleeps]:
    return make_scale_driver(DecentScaleDriver, DECENT_SCALE, client, **kwargs)


def chars(write: list[str] = BOTH_WRITES) -> dict[str, list[str]]:
    return {NOTIFY_CHAR: NOTIFY, COMMAND: write}


async def started(**kwargs: object) -> tuple[DecentScaleDriver, Recorder, FakeClient, Sleeps]:
    client = FakeClient(chars())
    driver, recorder, _, sleeps = make_driver(client, **kwargs)
    await driver.async_start(client)
    client.writes.clear()
    client.log.clear()
    sleeps.delays.clear()
    recorder.updates = 0
    return driver, recorder, client, sleeps


async def test_start_wakes_the_scale_before_subscribing() -> None:
    client = FakeClient(chars())
    driver, recorder, _, _ = make_driver(client)
    assert driver.poll_interval == 4.0  # under the Half Decent's 5 s
    await driver.async_start(client)
    assert client.log == [
        f"write {h(HEARTBEAT).hex()}",
        f"write {h(LED_ON_HEARTBEAT).hex()}",
        "sleep 0.1",
        f"notify {NOTIFY_CHAR}",
        "sleep 0.1",
        f"write {h(LED_ON_HEARTBEAT).hex()}",
    ]
    assert {(uuid, response) for uuid, _, response in client.writes} == {(COMMAND, True)}
    assert driver.state.unit == "g"
    assert recorder.updates == 1


async def test_start_without_heartbeat() -> None:
    client = FakeClient(chars(WRITE_NO_RESPONSE))
    driver, _, _, _ = make_driver(client, heartbeat=False)
    assert driver.poll_interval == 60.0
    await driver.async_start(client)
    assert client.written() == [h(LED_ON_NO_HEARTBEAT)] * 2
    assert {response for _, _, response in client.writes} == {False}
    await driver.async_poll(client)
    assert len(client.writes) == 2
    await driver.async_tare(client)
    assert client.written()[-1] == h("03 0F 00 00 00 00 0C")


async def test_start_unsupported() -> None:
    await assert_start_refused(make_driver, {NOTIFY_CHAR: NOTIFY})


async def test_poll_sends_the_heartbeat() -> None:
    driver, _, client, _ = await started()
    await driver.async_poll(client)
    assert client.writes == [(COMMAND, h(HEARTBEAT), True)]


async def test_poll_failure_propagates() -> None:
    driver, _, client, _ = await started()
    client.write_errors.append(BleakError("gone"))
    with pytest.raises(BleakError):
        await driver.async_poll(client)


async def test_commands_are_sent_twice() -> None:
    driver, recorder, client, sleeps = await started()
    await driver.async_tare(client)
    await driver.async_timer_start(client)
    assert driver.state.timer_running is True
    await driver.async_timer_stop(client)
    assert driver.state.timer_running is False
    await driver.async_timer_reset(client)
    assert (
        client.written()
        == [h(v) for v in (TARE, TARE, TIMER_START, TIMER_START, TIMER_STOP, TIMER_STOP)]
        + [h(TIMER_RESET)] * 2
    )
    assert sleeps.delays == [0.06] * 4
    assert recorder.updates == 3


async def test_single_send_when_asked() -> None:
    driver, _, client, sleeps = await started(repeats=1)
    await driver.async_tare(client)
    assert client.written() == [h(TARE)]
    assert sleeps.delays == []


async def test_unit_display_power() -> None:
    driver, recorder, client, _ = await started(repeats=1)
    await driver.async_set_unit(client, "oz")
    assert driver.state.unit == "oz"
    await driver.async_display(client, False)
    await driver.async_display(client, True)
    driver.state.unit = None
    await driver.async_display(client, True)
    await driver.async_power_off(client)
    assert client.written() == [
        h("03 0A 01 01 01 01 09"),
        h("03 0A 00 00 00 00 09"),
        h("03 0A 01 01 01 01 09"),
        h(LED_ON_HEARTBEAT),
        h("03 0A 02 00 00 00 0B"),
    ]
    assert recorder.updates == 1


async def test_notifications_update_state_and_samples(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    driver, recorder, client, _ = await started()
    client.notify(NOTIFY_CHAR, h(WEIGHT_18))
    client.notify(NOTIFY_CHAR, h("03 CA 00 B5 00 1E 05 00 00 00"))  # bad checksum: kept
    assert recorder.samples == [
        WeightSample(100.0, 18.0, True),
        WeightSample(100.0, 18.1, False),
    ]
    assert driver.state.timer == 30.5
    assert "checksum off, kept" in caplog.text
    client.notify(NOTIFY_CHAR, h(STATUS))
    assert (driver.state.battery, driver.state.firmware) == (75, "3.0.9")
    client.notify(NOTIFY_CHAR, h("03 AA 02 01 00 00 AA"))
    assert recorder.presses == [ButtonPress(ScaleButton.SQUARE, PressKind.SHORT)]
    client.notify(NOTIFY_CHAR, h("03 0F 00 00 00 FE F2"))
    assert driver.tare_acks == 1
    assert recorder.updates == 4


async def test_impossible_and_malformed_dropped() -> None:
    driver, recorder, client, _ = await started()
    client.notify(NOTIFY_CHAR, h(WEIGHT_18))
    client.notify(NOTIFY_CHAR, h("03 CE 7F FF 00 00 00"))  # 3276.7 g after 18 g
    client.notify(NOTIFY_CHAR, h("03 CE 00"))
    assert [s.grams for s in recorder.samples] == [18.0]
    assert (driver.rejected, driver.malformed) == (1, 1)


@fuzz_settings()
@given(st.lists(st.binary(max_size=12) | st.sampled_from(VECTORS), max_size=10))
def test_fuzz_handler(frames: list[bytes]) -> None:
    driver, recorder, _, _ = make_driver()
    for data in frames:
        driver._on_notify(None, bytearray(data))
    assert all(-5000 <= s.grams <= 5000 for s in recorder.samples)
