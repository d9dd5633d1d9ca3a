# mypy: disable-error-code="unreachable"
# (asserting a state field before and after a notification trips mypy's narrowing)
"""Skale II: models, codec against the fact sheet's §1.7 vectors, driver against a fake client."""

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
from custom_components.kitchen_ble.library.devices.scale import (
    ButtonPress,
    PressKind,
    ScaleButton,
    ScaleDecodeError,
    WeightSample,
)
from custom_components.kitchen_ble.library.devices.skale import (
    MODELS,
    SKALE,
    TIMER_PYDE1,
    SkaleDriver,
    codec,
    model_from_advertisement,
    model_from_name,
)
from tests.library.devices.scale_fakes import (
    BOTH_WRITES,
    NOTIFY,
    READ,
    WRITE_NO_RESPONSE,
    FakeClient,
    FakeClock,
    Recorder,
    Sleeps,
    assert_start_refused,
    fuzz_settings,
    make_scale_driver,
)

CMD = "0000ef80-0000-1000-8000-00805f9b34fb"
WEIGHT = "0000ef81-0000-1000-8000-00805f9b34fb"
BUTTONS = "0000ef82-0000-1000-8000-00805f9b34fb"
BATTERY = "00002a19-0000-1000-8000-00805f9b34fb"


def chars(overrides: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    return {CMD: BOTH_WRITES, WEIGHT: NOTIFY, BUTTONS: NOTIFY, BATTERY: READ, **(overrides or {})}


# Models ------------------------------------------------------------------------


def test_model() -> None:
    assert MODELS == (SKALE,)
    assert SKALE.family == "skale"
    assert SKALE.kind is DeviceKind.SCALE
    assert SKALE.capabilities == {Capability.BATTERY, Capability.TIMER, Capability.BUTTONS}


@pytest.mark.parametrize("name", ["Skale", "Skale2", "skale II", "SKALE"])
def test_names(name: str) -> None:
    assert model_from_name(name) is SKALE
    assert model_from_advertisement(name, [], []) is SKALE


@pytest.mark.parametrize("name", ["", "Skal", "MySkale", "LUNAR-1"])
def test_other_names(name: str) -> None:
    assert model_from_name(name) is None


def test_advertisement_without_name() -> None:
    """§1.7 captured advertisement: only the name identifies it, not the manufacturer data."""
    assert model_from_advertisement(None, [], [0x81EF]) is None


# Codec -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "grams"),
    [
        ("10 C8 00", 20.0),  # §1.7 crema
        ("10 38 FF", -20.0),  # §1.7 crema
        ("00 E8 03 00", 100.0),  # §1.7 reaprime
        ("10 FF 7F", 3276.7),  # §1.7 16-bit maximum
    ],
)
def test_weight_vectors(frame: str, grams: float) -> None:
    assert codec.decode_weight(bytes.fromhex(frame)) == grams


@pytest.mark.parametrize("frame", ["", "10", "10 C8"])
def test_weight_too_short(frame: str) -> None:
    with pytest.raises(ScaleDecodeError, match="at least 3"):
        codec.decode_weight(bytes.fromhex(frame))


def test_button_vectors() -> None:
    """§1.7: EF82 01 circle, 02 square."""
    assert codec.decode_button(b"\x01") == ButtonPress(ScaleButton.CIRCLE, PressKind.PRESS)
    assert codec.decode_button(b"\x02") == ButtonPress(ScaleButton.SQUARE, PressKind.PRESS)


@pytest.mark.parametrize("frame", [b"", b"\x00", b"\x03"])
def test_bad_buttons(frame: bytes) -> None:
    with pytest.raises(ScaleDecodeError):
        codec.decode_button(frame)


def test_battery() -> None:
    assert codec.decode_battery(b"\x64") == 100
    for bad in (b"", b"\x65", b"\x10\x00"):
        with pytest.raises(ScaleDecodeError):
            codec.decode_battery(bad)


def test_commands() -> None:
    """§1.5 single bytes; timer opcodes in both sources' sets."""
    assert codec.TARE == b"\x10"
    assert (codec.GRAMS, codec.OUNCES, codec.SAVE_SETTINGS) == (b"\x03", b"\x02", b"\x04")
    assert (codec.DISPLAY_WEIGHT, codec.SCREEN_ON, codec.SCREEN_OFF) == (b"\xec", b"\xed", b"\xee")
    majority = codec.TIMER_MAJORITY
    assert (majority.start, majority.stop, majority.reset) == (b"\xdd", b"\xd1", b"\xd0")
    assert (TIMER_PYDE1.start, TIMER_PYDE1.stop, TIMER_PYDE1.reset) == (b"\xd1", b"\xd2", b"\xd0")


@fuzz_settings()
@given(st.binary(max_size=40))
def test_fuzz_codec(data: bytes) -> None:
    for decoder in (codec.decode_weight, codec.decode_button, codec.decode_battery):
        with contextlib.suppress(ScaleDecodeError):
            decoder(data)


# Driver ------------------------------------------------------------------------


def make_driver(
    client: FakeClient | None = None, **kwargs: object
) -> tuple[SkaleDriver, Recorder, FakeClock, Sleeps]:
    return make_scale_driver(SkaleDriver, SKALE, client, **kwargs)


async def started(**kwargs: object) -> tuple[SkaleDriver, Recorder, FakeClient, FakeClock]:
    client = FakeClient(chars(), values={BATTERY: b"\x57"})
    driver, recorder, clock, _ = make_driver(client, **kwargs)
    await driver.async_start(client)
    client.writes.clear()
    recorder.updates = 0
    return driver, recorder, client, clock


async def test_start_follows_the_spaced_handshake() -> None:
    client = FakeClient(chars(), values={BATTERY: b"\x57"})
    driver, recorder, _, _ = make_driver(client)
    assert driver.poll_interval == 60.0
    await driver.async_start(client)
    assert client.log == [
        "write ed",
        "sleep 0.1",
        "write ec",
        "sleep 1.0",
        f"notify {WEIGHT}",
        "sleep 1.0",
        f"notify {BUTTONS}",
        "sleep 1.0",
        "write ed",
        "sleep 0.1",
        "write ec",
        "sleep 0.1",
        "write 03",
        f"read {BATTERY}",
    ]
    assert all(response is True for _, _, response in client.writes)  # pyDE1: with response
    assert {uuid for uuid, _, _ in client.writes} == {CMD}
    assert driver.state.unit == "g"
    assert driver.state.battery == 0x57
    assert recorder.updates == 1


async def test_start_writes_without_response_if_that_is_all_offered() -> None:
    client = FakeClient(chars({CMD: WRITE_NO_RESPONSE}), values={BATTERY: b"\x57"})
    driver, _, _, _ = make_driver(client)
    await driver.async_start(client)
    assert {response for _, _, response in client.writes} == {False}


async def test_start_without_buttons_or_battery() -> None:
    client = FakeClient({CMD: BOTH_WRITES, WEIGHT: NOTIFY})
    driver, _, _, _ = make_driver(client)
    await driver.async_start(client)
    assert list(client.callbacks) == [WEIGHT]
    assert driver.state.battery is None


async def test_start_battery_read_refused_is_not_fatal() -> None:
    client = FakeClient(chars(), read_errors=[BleakError("not permitted")])
    driver, _, _, _ = make_driver(client)
    await driver.async_start(client)
    assert driver.state.battery is None


@pytest.mark.parametrize("missing", [CMD, WEIGHT])
async def test_start_unsupported(missing: str) -> None:
    table = chars()
    del table[missing]
    await assert_start_refused(make_driver, table)


async def test_weights_become_samples() -> None:
    driver, recorder, client, clock = await started()
    client.notify(WEIGHT, bytes.fromhex("10 C8 00"))
    clock.advance(0.1)
    client.notify(WEIGHT, bytes.fromhex("10 D2 00"))
    assert recorder.samples == [WeightSample(100.0, 20.0, None), WeightSample(100.1, 21.0, None)]
    assert driver.state.weight == 21.0
    assert recorder.updates == 2
    for _ in range(3):
        client.notify(WEIGHT, bytes.fromhex("10 D2 00"))
    assert recorder.samples[-1].stable is True  # four equal readings
    assert driver.state.stable is True


async def test_impossible_and_malformed_weights_dropped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    driver, recorder, client, _ = await started()
    client.notify(WEIGHT, bytes.fromhex("10 C8 00"))
    client.notify(WEIGHT, bytes.fromhex("10 FF 7F"))  # 3276.7 g from 20 g: a jump
    client.notify(WEIGHT, bytes.fromhex("10"))  # malformed
    client.notify(WEIGHT, bytes.fromhex("10 C9 00"))
    assert [s.grams for s in recorder.samples] == [20.0, 20.1]
    assert driver.rejected == 1
    assert driver.malformed == 1
    assert "malformed" in caplog.text


async def test_button_presses() -> None:
    driver, recorder, client, _ = await started()
    client.notify(BUTTONS, b"\x01")
    client.notify(BUTTONS, b"\x02")
    client.notify(BUTTONS, b"\x07")  # unknown: malformed
    assert recorder.presses == [ButtonPress(ScaleButton.CIRCLE), ButtonPress(ScaleButton.SQUARE)]
    assert recorder.updates == 2
    assert driver.malformed == 1


async def test_tare_resets_the_level() -> None:
    driver, recorder, client, _ = await started()
    client.notify(WEIGHT, bytes.fromhex("10 B8 0B"))  # 300.0 g
    await driver.async_tare(client)
    assert client.writes == [(CMD, b"\x10", True)]
    client.notify(WEIGHT, bytes.fromhex("10 00 00"))  # 0 g: accepted at once after a tare
    assert [s.grams for s in recorder.samples] == [300.0, 0.0]
    assert driver.rejected == 0


async def test_timer_commands_majority_opcodes() -> None:
    driver, recorder, client, _ = await started()
    await driver.async_timer_start(client)
    assert driver.state.timer_running is True
    await driver.async_timer_stop(client)
    assert driver.state.timer_running is False
    await driver.async_timer_reset(client)
    assert client.written() == [b"\xdd", b"\xd1", b"\xd0"]
    assert recorder.updates == 3


async def test_timer_commands_pyde1_opcodes() -> None:
    driver, _, client, _ = await started(timer_opcodes=TIMER_PYDE1)
    await driver.async_timer_start(client)
    await driver.async_timer_stop(client)
    await driver.async_timer_reset(client)
    assert client.written() == [b"\xd1", b"\xd2", b"\xd0"]


async def test_unit_and_display() -> None:
    driver, _, client, _ = await started()
    await driver.async_set_unit(client, "oz")
    assert driver.state.unit == "oz"
    await driver.async_set_unit(client, "g")
    await driver.async_display(client, False)
    await driver.async_display(client, True)
    assert client.written() == [b"\x02", b"\x03", b"\xee", b"\xed", b"\xec"]


async def test_poll_reads_the_battery() -> None:
    driver, recorder, client, _ = await started()
    await driver.async_poll(client)
    assert recorder.updates == 0  # unchanged
    client.values[BATTERY] = b"\x50"
    await driver.async_poll(client)
    assert driver.state.battery == 80
    assert recorder.updates == 1
    client.values[BATTERY] = b"\xff"
    await driver.async_poll(client)
    assert driver.malformed == 1
    assert driver.state.battery == 80
    assert client.writes == []


async def test_poll_errors_propagate() -> None:
    driver, _, client, _ = await started()
    client.read_errors.append(BleakError("gone"))
    with pytest.raises(BleakError):
        await driver.async_poll(client)


async def test_poll_without_battery_does_nothing() -> None:
    client = FakeClient({CMD: BOTH_WRITES, WEIGHT: NOTIFY})
    driver, recorder, _, _ = make_driver(client)
    await driver.async_poll(client)
    assert client.log == []
    assert recorder.updates == 0


@fuzz_settings()
@given(st.lists(st.tuples(st.booleans(), st.binary(max_size=12)), max_size=20))
def test_fuzz_notification_handlers(frames: list[tuple[bool, bytes]]) -> None:
    driver, recorder, _, _ = make_driver()
    for is_button, data in frames:
        handler = driver._on_button if is_button else driver._on_weight
        handler(None, bytearray(data))
    assert all(-5000 <= s.grams <= 5000 for s in recorder.samples)
    assert len(recorder.received) + driver.malformed + driver.rejected == len(frames)
