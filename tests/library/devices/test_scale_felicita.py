# mypy: disable-error-code="unreachable"
# (asserting a state field before and after a notification trips mypy's narrowing)
"""Felicita: model, codec against the §3.7 vectors, driver against a fake client, fuzzing."""

from __future__ import annotations

import contextlib
import logging
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.base import (
    Capability,
    DeviceKind,
)
from custom_components.kitchen_ble.library.devices.felicita import (
    ARC,
    MODELS,
    FelicitaDriver,
    FelicitaReading,
    codec,
    decode_reading,
    model_from_advertisement,
    model_from_name,
)
from custom_components.kitchen_ble.library.devices.scale import ScaleDecodeError, WeightSample
from tests.library.devices.scale_fakes import (
    NOTIFY,
    FakeClient,
    FakeClock,
    Recorder,
    assert_start_refused,
    byte_changes,
    fuzz_settings,
    make_scale_driver,
    mutated,
)

DATA = "0000ffe1-0000-1000-8000-00805f9b34fb"
ZERO_MINUS = "01 02 2D 30 30 30 30 30 30 20 67 43 E3 4F 22 96 0D 0A"  # §3.7 captured
ZERO_PLUS = "01 02 2B 30 30 30 30 30 30 20 67 53 4F 30 22 89 0D 0A"  # §3.7 captured


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def reading(sign: str, digits: str, unit: str = " g", battery: int = 0x96) -> bytes:
    return (
        b"\x01\x02"
        + sign.encode()
        + digits.encode()
        + unit.encode()
        + bytes(4)
        + bytes([battery])
        + b"\r\n"
    )


# Model ---------------------------------------------------------------------------


def test_model() -> None:
    assert MODELS == (ARC,)
    assert ARC.family == "felicita"
    assert ARC.kind is DeviceKind.SCALE
    assert ARC.capabilities == {Capability.BATTERY, Capability.TIMER}


@pytest.mark.parametrize("name", ["FELICITA", "FELICITA-ARC", "felicita", "ecompass"])
def test_names(name: str) -> None:
    assert model_from_name(name) is ARC
    assert model_from_advertisement(name) is ARC


def test_other_advertisements() -> None:
    assert model_from_name("FelicitaArc2") is ARC  # pyDE1's prefix, any case
    assert model_from_name("HMSoft") is None
    assert model_from_advertisement(None, ["0000ffe0-0000-1000-8000-00805f9b34fb"]) is None


# Codec -----------------------------------------------------------------------------


def test_vector_minus_zero_is_zero() -> None:
    decoded = decode_reading(h(ZERO_MINUS))
    assert decoded == FelicitaReading(0.0, "g", 72, 150)
    assert math.copysign(1.0, decoded.grams) == 1.0


def test_vector_plus_zero_battery_137() -> None:
    assert decode_reading(h(ZERO_PLUS)) == FelicitaReading(0.0, "g", 28, 137)


@pytest.mark.parametrize(
    ("sign", "digits", "grams"),
    [("+", "001823", 18.23), ("-", "012345", -123.45), (" ", "200000", 2000.0)],
)
def test_weights(sign: str, digits: str, grams: float) -> None:
    assert decode_reading(reading(sign, digits)).grams == grams


def test_ounces_are_grams() -> None:
    decoded = decode_reading(reading("+", "012345", "oz"))  # 1.2345 oz (felicita-hacs scaling)
    assert decoded.unit == "oz"
    assert decoded.grams == pytest.approx(34.99748)


def test_short_frame_without_cr_lf_is_enough() -> None:
    assert decode_reading(h(ZERO_PLUS)[:16]).battery == 28


@pytest.mark.parametrize(("raw", "percent"), [(129, 0), (158, 100), (120, 0), (200, 100)])
def test_battery_is_clamped(raw: int, percent: int) -> None:
    assert codec.battery_percent(raw) == percent


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (h(ZERO_PLUS)[:15], "not a Felicita"),
        (b"\x01\x03" + h(ZERO_PLUS)[2:], "not a Felicita"),
        (reading("x", "000000"), "sign byte"),
        (reading("+", "00a000"), "six ASCII digits"),
        (reading("+", "000000", "kg"), "unknown Felicita unit"),
    ],
)
def test_malformed(data: bytes, match: str) -> None:
    with pytest.raises(ScaleDecodeError, match=match):
        decode_reading(data)


def test_command_bytes() -> None:
    """§3.5: one ASCII byte each; 54 = tare (§3.7)."""
    assert codec.TARE == b"\x54"
    assert (codec.TIMER_START, codec.TIMER_STOP, codec.TIMER_RESET) == (b"R", b"S", b"C")
    assert (codec.TOGGLE_TIMER, codec.TOGGLE_PRECISION, codec.TOGGLE_UNIT) == (b"B", b"D", b"U")


@fuzz_settings()
@given(st.binary(max_size=30))
def test_fuzz_random(data: bytes) -> None:
    with contextlib.suppress(ScaleDecodeError):
        decode_reading(data)


@fuzz_settings()
@given(
    st.sampled_from([h(ZERO_MINUS), h(ZERO_PLUS)]),
    byte_changes(17, max_size=4),
)
def test_fuzz_mutated(vector: bytes, changes: list[tuple[int, int]]) -> None:
    with contextlib.suppress(ScaleDecodeError):
        decoded = decode_reading(mutated(vector, changes))
        assert -9999.99 * 28.35 <= decoded.grams <= 9999.99 * 28.35
        assert 0 <= decoded.battery <= 100


# Driver ------------------------------------------------------------------------------


def make_driver(client: FakeClient | None = None) -> tuple[FelicitaDriver, Recorder, FakeClock]:
    driver, recorder, clock, _ = make_scale_driver(FelicitaDriver, ARC)
    return driver, recorder, clock


async def started(
    properties: list[str] | None = None,
) -> tuple[FelicitaDriver, Recorder, FakeClient, FakeClock]:
    client = FakeClient({DATA: properties or ["write", "write-without-response", "notify"]})
    driver, recorder, clock = make_driver(client)
    await driver.async_start(client)
    return driver, recorder, client, clock


async def test_start_only_subscribes() -> None:
    driver, recorder, client, _ = await started()
    assert driver.poll_interval == 60.0
    assert client.log == [f"notify {DATA}"]  # never a byte written: every byte is a command
    await driver.async_poll(client)
    assert client.log == [f"notify {DATA}"]
    assert recorder.updates == 0


async def test_start_unsupported() -> None:
    await assert_start_refused(make_driver, {"0000ffe0-0000-1000-8000-00805f9b34fb": NOTIFY})


async def test_readings_become_samples() -> None:
    driver, recorder, client, clock = await started()
    client.notify(DATA, h(ZERO_PLUS))
    clock.advance(0.1)
    client.notify(DATA, reading("+", "001823"))
    assert recorder.samples == [WeightSample(100.0, 0.0, None), WeightSample(100.1, 18.23, None)]
    assert (driver.state.unit, driver.state.battery) == ("g", 72)
    assert recorder.updates == 2
    for _ in range(3):
        client.notify(DATA, reading("+", "001823"))
    assert driver.state.stable is True


async def test_ounce_display_still_reports_grams() -> None:
    driver, recorder, client, _ = await started()
    client.notify(DATA, reading("+", "006350", "oz"))
    assert driver.state.unit == "oz"
    assert recorder.samples[0].grams == pytest.approx(18.00195, abs=1e-5)


async def test_impossible_reading_still_updates_unit_and_battery() -> None:
    driver, recorder, client, _ = await started()
    client.notify(DATA, reading("+", "001823"))
    client.notify(DATA, reading("+", "900000", battery=0x89))  # 9000 g: out of range
    assert driver.rejected == 1
    assert driver.state.weight == 18.23
    assert driver.state.battery == 28
    assert len(recorder.samples) == 1
    assert recorder.updates == 2
    client.notify(DATA, reading("+", "900000", battery=0x89))  # nothing new at all
    assert recorder.updates == 2


async def test_malformed_ignored(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    driver, recorder, client, _ = await started()
    client.notify(DATA, b"\x01\x02+")
    assert driver.malformed == 1
    assert recorder.updates == 0
    assert "malformed" in caplog.text


async def test_driver_commands() -> None:
    driver, recorder, client, _ = await started(["write-without-response", "notify"])
    client.notify(DATA, reading("+", "030000"))
    await driver.async_tare(client)
    client.notify(DATA, reading("+", "000000"))
    assert [s.grams for s in recorder.samples] == [300.0, 0.0]  # tare: no jump dropped
    await driver.async_timer_start(client)
    assert driver.state.timer_running is True
    await driver.async_timer_stop(client)
    assert driver.state.timer_running is False
    await driver.async_timer_reset(client)
    await driver.async_toggle_unit(client)
    await driver.async_toggle_precision(client)
    assert client.writes == [(DATA, data, False) for data in (b"T", b"R", b"S", b"C", b"U", b"D")]


@fuzz_settings()
@given(st.lists(st.binary(max_size=20) | st.sampled_from([h(ZERO_PLUS)]), max_size=10))
def test_fuzz_handler(frames: list[bytes]) -> None:
    driver, recorder, _ = make_driver()
    for data in frames:
        driver._on_notify(None, bytearray(data))
    assert len(recorder.samples) + driver.malformed + driver.rejected == len(frames)
