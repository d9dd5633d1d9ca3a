# mypy: disable-error-code="unreachable"
# (asserting a state field before and after a notification trips mypy's narrowing)
"""Bookoo Themis: model, codec against §5.5/§5.7 vectors, driver, fuzzing."""

from __future__ import annotations

import contextlib
import logging
from functools import reduce
from operator import xor

import pytest
from bleak.exc import BleakError
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.base import (
    Capability,
    DeviceKind,
)
from custom_components.kitchen_ble.library.devices.bookoo import (
    MODELS,
    THEMIS,
    BookooDriver,
    BookooReading,
    codec,
    decode_command_notification,
    decode_reading,
    model_from_advertisement,
    model_from_name,
)
from custom_components.kitchen_ble.library.devices.bookoo.codec import (
    BookooReply,
    BookooTimerEvent,
)
from custom_components.kitchen_ble.library.devices.scale import (
    ScaleDecodeError,
    ScaleEncodeError,
    WeightSample,
)
from tests.library.devices.scale_fakes import (
    BOTH_WRITES,
    NOTIFY,
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

SERVICE = "00000ffe-0000-1000-8000-00805f9b34fb"
WEIGHT = "0000ff11-0000-1000-8000-00805f9b34fb"
COMMAND = "0000ff12-0000-1000-8000-00805f9b34fb"

IDLE = "03 0B 00 00 00 01 2B 00 00 00 2B 00 00 64 00 96 01 00 00 FA"  # §5.7 captured
SIGN_FLIP = "03 0B 00 00 00 01 2D 00 ED C6 2B 00 00 64 00 96 01 00 00 D7"  # §5.7 captured
FLOW = "03 0B 00 00 00 01 2B 00 00 00 2B 00 02 64 01 2C 03 00 01 40"  # §5.7 captured
HEAVY = "03 0B 00 00 00 01 2B 01 11 70 2B 00 00 64 00 96 01 00 00 9A"  # §5.7 derived


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def weight_frame(
    grams: int, *, ms: int = 0, sign: str = "+", flow: int = 0, flow_sign: str = "+"
) -> bytes:
    """A weight frame (grams and flow in hundredths) with its XOR, per §5.4."""
    body = (
        b"\x03\x0b"
        + ms.to_bytes(3, "big")
        + b"\x01"
        + sign.encode()
        + grams.to_bytes(3, "big")
        + flow_sign.encode()
        + flow.to_bytes(2, "big")
        + bytes([0x64, 0x00, 0x96, 0x01, 0x00, 0x00])
    )
    return body + bytes([reduce(xor, body, 0)])


# Model ----------------------------------------------------------------------------------


def test_model() -> None:
    assert MODELS == (THEMIS,)
    assert THEMIS.family == "bookoo"
    assert THEMIS.kind is DeviceKind.SCALE
    assert THEMIS.capabilities == {
        Capability.BATTERY,
        Capability.TIMER,
        Capability.FLOW,
        Capability.BEEP,
        Capability.AUTO_OFF,
    }


@pytest.mark.parametrize("name", ["BOOKOO_SC", "BOOKOO_SC U 1234", "bookoo_sc", "bkscale-1"])
def test_names(name: str) -> None:
    assert model_from_name(name) is THEMIS
    assert model_from_advertisement(name) is THEMIS


def test_espresso_monitor_is_not_a_scale() -> None:
    assert model_from_name("BOOKOO_EM") is None
    assert model_from_advertisement("BOOKOO_EM 12", [SERVICE]) is None


def test_service_identifies_without_a_known_name() -> None:
    assert model_from_advertisement(None, [SERVICE.upper()]) is THEMIS
    assert model_from_advertisement("BOOKOO", [SERVICE]) is THEMIS
    assert model_from_advertisement("BOOKOO", []) is None
    assert model_from_advertisement(None, []) is None


# Codec (§5.7) -------------------------------------------------------------------------------


def test_idle_vector() -> None:
    assert decode_reading(h(IDLE)) == BookooReading(
        timer=0.0,
        grams=0.0,
        flow=0.0,
        battery=100,
        standby=15.0,
        beep=1,
        flow_smoothing=False,
        auto_stop=0,
        unit_code=1,
    )


def test_sign_flip_vector_decodes_as_sent() -> None:
    assert decode_reading(h(SIGN_FLIP)).grams == -608.70


def test_flow_vector() -> None:
    decoded = decode_reading(h(FLOW))
    assert (decoded.grams, decoded.flow, decoded.standby) == (0.0, 0.02, 30.0)
    assert (decoded.beep, decoded.auto_stop, decoded.flow_smoothing) == (3, 1, False)


def test_24_bit_weight_vector() -> None:
    assert decode_reading(h(HEAVY)).grams == 700.0


def test_wide_fields() -> None:
    decoded = decode_reading(weight_frame(1, ms=70000, flow=300, flow_sign="-"))
    assert (decoded.timer, decoded.grams, decoded.flow) == (70.0, 0.01, -3.0)


def test_battery_above_100_is_unknown() -> None:
    data = bytearray(h(IDLE))
    data[13] = 0xC8
    data[19] ^= 0x64 ^ 0xC8
    assert decode_reading(data).battery is None


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (h(IDLE)[:19], "not a Bookoo weight frame"),
        (h("03 0C") + h(IDLE)[2:], "not a Bookoo weight frame"),
        (h(IDLE)[:19] + b"\x00", "checksum mismatch"),
        (weight_frame(0, sign=" "), "weight sign"),
        (weight_frame(0, flow_sign="x"), "flow sign"),
    ],
)
def test_malformed(data: bytes, match: str) -> None:
    with pytest.raises(ScaleDecodeError, match=match):
        decode_reading(data)


def test_command_channel() -> None:
    assert decode_command_notification(h("03 0D 01")) == BookooTimerEvent(running=True)
    assert decode_command_notification(h("03 0D 00 00")) == BookooTimerEvent(running=False)
    assert decode_command_notification(h("03 0C 01 02")) == BookooReply(h("03 0C 01 02"))
    for bad in ("", "03", "04 0D 01", "03 0D", "03 0D 02"):
        with pytest.raises(ScaleDecodeError):
            decode_command_notification(h(bad))


def test_command_vectors() -> None:
    """§5.5 and §5.7: tare, beep, auto-off, smoothing; timer in both checksum forms."""
    assert h("03 0A 01 00 00 08") == codec.TARE
    assert codec.encode_beep(3) == h("03 0A 02 00 03 08")
    assert codec.encode_auto_off(15) == h("03 0A 03 00 0F 05")
    assert codec.encode_flow_smoothing(True) == h("03 0A 08 00 01 00")
    assert codec.encode_flow_smoothing(False) == h("03 0A 08 00 00 01")
    documented = [codec.timer_command(c) for c in (4, 5, 6, 7)]
    assert documented == [
        h("03 0A 04 00 00 0A"),
        h("03 0A 05 00 00 0D"),
        h("03 0A 06 00 00 0C"),
        h("03 0A 07 00 00 00"),
    ]
    true_xor = [codec.timer_command(c, "xor") for c in (4, 5, 6, 7)]
    assert true_xor == [
        h("03 0A 04 00 00 0D"),
        h("03 0A 05 00 00 0C"),
        h("03 0A 06 00 00 0F"),
        h("03 0A 07 00 00 0E"),
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda: codec.encode_beep(6),
        lambda: codec.encode_beep(-1),
        lambda: codec.encode_auto_off(4),
        lambda: codec.encode_auto_off(31),
        lambda: codec.encode_command(0x100),
        lambda: codec.timer_command(0x01),
    ],
)
def test_commands_refuse_bad_values(call: object) -> None:
    with pytest.raises(ScaleEncodeError):
        call()  # type: ignore[operator]


VECTORS = [h(v) for v in (IDLE, SIGN_FLIP, FLOW, HEAVY)]


@fuzz_settings()
@given(st.binary(max_size=24))
def test_fuzz_random(data: bytes) -> None:
    with contextlib.suppress(ScaleDecodeError):
        decode_reading(data)
    with contextlib.suppress(ScaleDecodeError):
        decode_command_notification(data)


@fuzz_settings()
@given(
    st.sampled_from(VECTORS),
    byte_changes(19),
    st.booleans(),
)
def test_fuzz_mutated(vector: bytes, changes: list[tuple[int, int]], fix_xor: bool) -> None:
    data = mutated(vector, changes)
    if fix_xor:
        data[19] = reduce(xor, data[:19], 0)
    with contextlib.suppress(ScaleDecodeError):
        decoded = decode_reading(data)
        assert abs(decoded.grams) <= 167772.15
        assert abs(decoded.flow) <= 655.35


# Driver -----------------------------------------------------------------------------------


def make_driver(
    client: FakeClient | None = None, **kwargs: object
) -> tuple[BookooDriver, Recorder, FakeClock, Sleeps]:
    return make_scale_driver(BookooDriver, THEMIS, client, **kwargs)


def chars() -> dict[str, list[str]]:
    return {WEIGHT: NOTIFY, COMMAND: [*BOTH_WRITES, "notify"]}


async def started(**kwargs: object) -> tuple[BookooDriver, Recorder, FakeClient, FakeClock]:
    client = FakeClient(chars())
    driver, recorder, clock, _ = make_driver(client, **kwargs)
    await driver.async_start(client)
    client.log.clear()
    return driver, recorder, client, clock


async def test_start_subscribes_without_writing() -> None:
    driver, recorder, client, _ = await started()
    assert driver.poll_interval == 60.0
    assert list(client.callbacks) == [WEIGHT, COMMAND]
    assert client.writes == []
    await driver.async_poll(client)
    assert client.log == []
    assert recorder.updates == 0


async def test_refused_subscription_is_retried_once_then_let_be(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = FakeClient(chars(), notify_errors=[BleakError("CCCD"), BleakError("CCCD")])
    driver, _, _, _ = make_driver(client)
    await driver.async_start(client)  # no error
    assert client.log == [f"notify {WEIGHT}", "sleep 0.2", f"notify {WEIGHT}", f"notify {COMMAND}"]
    assert list(client.callbacks) == [COMMAND]
    assert "refused notifications" in caplog.text


async def test_refused_then_accepted_subscription() -> None:
    client = FakeClient(chars(), notify_errors=[BleakError("CCCD")])
    driver, _, _, _ = make_driver(client)
    await driver.async_start(client)
    assert list(client.callbacks) == [WEIGHT, COMMAND]


async def test_start_unsupported() -> None:
    await assert_start_refused(make_driver, {WEIGHT: NOTIFY})


async def test_frames_become_samples_with_the_scales_flow() -> None:
    driver, recorder, client, clock = await started()
    client.notify(WEIGHT, h(IDLE))
    clock.advance(0.1)
    client.notify(WEIGHT, weight_frame(1823, ms=100, flow=215))
    assert recorder.samples == [
        WeightSample(100.0, 0.0, None, 0.0),
        WeightSample(100.1, 18.23, None, 2.15),
    ]
    state = driver.state
    assert (state.weight, state.flow, state.battery, state.unit) == (18.23, 2.15, 100, "g")
    assert (state.timer, state.timer_running, state.auto_off, state.beep) == (0.1, True, 15.0, 1)
    client.notify(WEIGHT, weight_frame(1823, ms=100, flow=0))
    assert state.timer_running is False
    assert recorder.updates == 3


async def test_unknown_unit_byte() -> None:
    driver, _, client, _ = await started()
    data = bytearray(weight_frame(100))
    data[5] = 0x02
    data[19] ^= 0x01 ^ 0x02
    client.notify(WEIGHT, bytes(data))
    assert driver.state.unit is None


async def test_sign_flip_on_a_steady_weight_keeps_the_sign() -> None:
    """§5.4 crema capture: the same 608.70 g magnitude arrives with '-' for a run."""
    driver, recorder, client, _ = await started()
    client.notify(WEIGHT, weight_frame(60870))
    for _ in range(3):
        client.notify(WEIGHT, h(SIGN_FLIP))
    assert [s.grams for s in recorder.samples] == [608.70] * 4
    assert driver.sign_flips == 3
    assert driver.rejected == 0


async def test_impossible_and_malformed_frames_dropped() -> None:
    driver, recorder, client, _ = await started()
    client.notify(WEIGHT, weight_frame(1800))
    client.notify(WEIGHT, h(HEAVY))  # 700 g straight after 18 g
    client.notify(WEIGHT, h(IDLE)[:10])
    assert [s.grams for s in recorder.samples] == [18.0]
    assert (driver.rejected, driver.malformed) == (1, 1)
    assert driver.state.weight == 18.0
    assert recorder.updates == 2  # the impossible frame's other fields still count


async def test_auto_timer_events() -> None:
    driver, recorder, client, _ = await started()
    client.notify(COMMAND, h("03 0D 01"))
    assert driver.state.timer_running is True
    client.notify(COMMAND, h("03 0D 00"))
    assert driver.state.timer_running is False
    client.notify(COMMAND, h("03 0C 00 01"))  # a reply: heard, nothing to show
    client.notify(COMMAND, h("05"))
    assert driver.malformed == 1
    assert recorder.updates == 2


async def test_commands_documented_checksums() -> None:
    driver, recorder, client, _ = await started()
    client.notify(WEIGHT, weight_frame(30000))
    await driver.async_tare(client)
    client.notify(WEIGHT, weight_frame(0))
    assert [s.grams for s in recorder.samples] == [300.0, 0.0]
    await driver.async_timer_start(client)
    await driver.async_timer_stop(client)
    await driver.async_timer_reset(client)
    await driver.async_tare_and_start(client)
    await driver.async_set_beep(client, 3)
    await driver.async_set_auto_off(client, 15)
    await driver.async_set_flow_smoothing(client, True)
    assert client.writes == [
        (COMMAND, h(v), True)
        for v in (
            "03 0A 01 00 00 08",
            "03 0A 04 00 00 0A",
            "03 0A 05 00 00 0D",
            "03 0A 06 00 00 0C",
            "03 0A 07 00 00 00",
            "03 0A 02 00 03 08",
            "03 0A 03 00 0F 05",
            "03 0A 08 00 01 00",
        )
    ]


async def test_commands_true_xor() -> None:
    driver, _, client, _ = await started(timer_checksum="xor")
    await driver.async_timer_start(client)
    await driver.async_timer_stop(client)
    await driver.async_timer_reset(client)
    await driver.async_tare_and_start(client)
    assert client.written() == [
        h("03 0A 04 00 00 0D"),
        h("03 0A 05 00 00 0C"),
        h("03 0A 06 00 00 0F"),
        h("03 0A 07 00 00 0E"),
    ]


@fuzz_settings()
@given(st.lists(st.tuples(st.booleans(), st.binary(max_size=22) | st.sampled_from(VECTORS))))
def test_fuzz_handlers(frames: list[tuple[bool, bytes]]) -> None:
    driver, recorder, _, _ = make_driver()
    for on_command, data in frames:
        handler = driver._on_command if on_command else driver._on_weight
        handler(None, bytearray(data))
    assert all(-5000 <= s.grams <= 5000 for s in recorder.samples)
