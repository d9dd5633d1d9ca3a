"""What every scale driver shares: state, samples, the impossible-reading filter."""

from __future__ import annotations

import dataclasses
import logging
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices import scale as scale_module
from custom_components.kitchen_ble.library.devices.base import (
    Capability,
    DeviceError,
    DeviceKind,
    ModelInfo,
)
from custom_components.kitchen_ble.library.devices.scale import (
    ButtonPress,
    PressKind,
    ReadingFilter,
    ScaleButton,
    ScaleDecodeError,
    ScaleDriverBase,
    ScaleEncodeError,
    ScaleState,
    StabilityTracker,
    WeightSample,
    ounces_to_grams,
    write_response,
)
from tests.library.devices.scale_fakes import (
    BOTH_WRITES,
    NOTIFY,
    WRITE,
    WRITE_NO_RESPONSE,
    FakeClient,
    FakeClock,
    Recorder,
    fuzz_settings,
)

MODEL = ModelInfo(
    "test_scale", "Test scale", "Test", "test", capabilities=frozenset(), kind=DeviceKind.SCALE
)
UUID = "0000aaaa-0000-1000-8000-00805f9b34fb"


def test_state_starts_unknown() -> None:
    state = ScaleState()
    assert dataclasses.astuple(state) == (None,) * 10


def test_sample_and_press_are_frozen_values() -> None:
    sample = WeightSample(1.5, 18.2, True)
    assert sample.flow is None
    assert sample == WeightSample(1.5, 18.2, True, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.grams = 0.0  # type: ignore[misc]
    press = ButtonPress(ScaleButton.CIRCLE)
    assert press.how is PressKind.PRESS
    with pytest.raises(dataclasses.FrozenInstanceError):
        press.how = PressKind.LONG  # type: ignore[misc]


def test_errors_are_typed() -> None:
    assert issubclass(ScaleDecodeError, DeviceError)
    assert issubclass(ScaleEncodeError, DeviceError)
    assert issubclass(ScaleEncodeError, ValueError)  # a bad argument is also a ValueError


def test_capabilities_scales_need_exist() -> None:
    names = {"battery", "timer", "flow", "buttons", "auto_off", "beep"}
    assert names <= {capability.value for capability in Capability}


def test_ounces_to_grams() -> None:
    assert ounces_to_grams(1.0) == pytest.approx(28.349523125)


# ReadingFilter ---------------------------------------------------------------


def test_filter_accepts_a_pour() -> None:
    readings = ReadingFilter()
    assert all(readings.accept(grams / 10) for grams in range(0, 400, 3))
    assert readings.rejected == 0


@pytest.mark.parametrize("grams", [5000.1, -5000.1, 65535.0, math.nan, math.inf, -math.inf])
def test_filter_drops_out_of_range(grams: float) -> None:
    readings = ReadingFilter()
    assert readings.accept(10.0)
    assert not readings.accept(grams)
    assert readings.rejected == 1
    assert readings.accept(10.1)  # the level is still 10 g


def test_filter_range_is_inclusive() -> None:
    readings = ReadingFilter()
    assert readings.accept(5000.0)
    readings.reset()
    assert readings.accept(-5000.0)


def test_filter_drops_a_single_spike() -> None:
    """Vector of §2.4: 36.5 g, one frame read across boundaries says 356.207 g."""
    readings = ReadingFilter()
    assert readings.accept(36.4)
    assert not readings.accept(356.207)
    assert readings.accept(36.5)
    assert readings.rejected == 1


def test_filter_accepts_a_new_level_once_confirmed() -> None:
    """A cup put down: one reading is dropped, the next at the same level passes."""
    readings = ReadingFilter()
    assert readings.accept(0.0)
    assert not readings.accept(300.0)
    assert readings.accept(300.2)
    assert readings.accept(300.1)
    assert readings.rejected == 1


def test_filter_keeps_dropping_while_readings_wander() -> None:
    readings = ReadingFilter()
    assert readings.accept(0.0)
    assert not readings.accept(300.0)
    assert not readings.accept(1000.0)  # not near the candidate either
    assert readings.accept(1050.0)  # near the last candidate
    assert readings.rejected == 2


def test_filter_out_of_range_clears_the_candidate() -> None:
    readings = ReadingFilter()
    assert readings.accept(0.0)
    assert not readings.accept(300.0)
    assert not readings.accept(9000.0)
    assert not readings.accept(300.0)  # the candidate was forgotten
    assert readings.rejected == 3


def test_filter_reset_takes_the_next_reading_as_level() -> None:
    readings = ReadingFilter()
    assert readings.accept(250.0)
    readings.reset()
    assert readings.accept(0.0)
    assert readings.rejected == 0


def test_filter_custom_limits() -> None:
    readings = ReadingFilter(low=-10.0, high=10.0, max_jump=1.0)
    assert readings.accept(0.0)
    assert not readings.accept(1.5)
    assert not readings.accept(11.0)
    assert (readings.low, readings.high, readings.max_jump) == (-10.0, 10.0, 1.0)


@fuzz_settings()
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
def test_filter_never_passes_out_of_range(values: list[float]) -> None:
    readings = ReadingFilter()
    accepted = [value for value in values if readings.accept(value)]
    assert all(-5000.0 <= value <= 5000.0 for value in accepted)
    assert readings.rejected == len(values) - len(accepted)


# StabilityTracker ------------------------------------------------------------


def test_stability_needs_four_equal_readings() -> None:
    tracker = StabilityTracker()
    assert [tracker.add(18.0) for _ in range(3)] == [None, None, None]
    assert tracker.add(18.0) is True
    assert tracker.add(18.1) is False
    tracker.reset()
    assert tracker.add(18.1) is None


def test_stability_custom_count() -> None:
    tracker = StabilityTracker(2)
    assert tracker.add(1.0) is None
    assert tracker.add(1.0) is True


# write_response --------------------------------------------------------------


@pytest.mark.parametrize(
    ("properties", "prefer", "expected"),
    [
        (WRITE, False, True),
        (WRITE_NO_RESPONSE, True, False),
        (BOTH_WRITES, True, True),
        (BOTH_WRITES, False, False),
        (NOTIFY, False, False),
    ],
)
def test_write_response_follows_the_properties(
    properties: list[str], prefer: bool, expected: bool
) -> None:
    client = FakeClient({UUID: properties})
    assert write_response(client, UUID, prefer) is expected


@pytest.mark.parametrize("prefer", [True, False])
def test_write_response_unknown_characteristic_uses_preference(prefer: bool) -> None:
    assert write_response(FakeClient({}), UUID, prefer) is prefer


# ScaleDriverBase -------------------------------------------------------------


def make_base(**kwargs: object) -> tuple[ScaleDriverBase, Recorder, FakeClock]:
    recorder, clock = Recorder(), FakeClock()
    driver = ScaleDriverBase(MODEL, recorder.update, recorder.sample, clock=clock, **kwargs)  # type: ignore[arg-type]
    return driver, recorder, clock


def test_base_publishes_accepted_weights() -> None:
    driver, recorder, clock = make_base()
    assert driver.poll_interval == 60.0
    assert driver._publish_weight(18.0, True, flow=1.5)
    assert recorder.samples == [WeightSample(100.0, 18.0, True, 1.5)]
    assert (driver.state.weight, driver.state.stable, driver.state.flow) == (18.0, True, 1.5)
    assert driver.last_heard == 100.0
    assert recorder.updates == 1
    clock.advance(0.1)
    assert driver._publish_weight(18.1)  # no flag, no flow: stability tracked, flow kept
    assert recorder.samples[-1] == WeightSample(100.1, 18.1, None, None)
    assert driver.state.flow == 1.5


def test_base_negative_zero_is_zero() -> None:
    driver, recorder, _ = make_base()
    driver._publish_weight(-0.0)
    assert math.copysign(1.0, recorder.samples[0].grams) == 1.0


def test_base_drops_and_counts_impossible_weights(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=scale_module.__name__)
    driver, recorder, clock = make_base()
    driver._publish_weight(18.0)
    clock.advance(0.1)
    assert not driver._publish_weight(9000.0)
    assert driver.rejected == 1
    assert driver.state.weight == 18.0
    assert len(recorder.samples) == 1
    assert recorder.updates == 1
    assert driver.last_heard == 100.1  # the frame itself was valid
    assert "dropping impossible reading 9000.00 g" in caplog.text


def test_base_custom_filter() -> None:
    driver, _, _ = make_base(reading_filter=ReadingFilter(high=10.0))
    assert not driver._publish_weight(11.0)
    assert driver.rejected == 1


def test_base_reset_readings_accepts_a_new_level() -> None:
    driver, _, _ = make_base()
    driver._publish_weight(300.0)
    driver._reset_readings()
    assert driver._publish_weight(0.0)


def test_base_button_and_malformed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=scale_module.__name__)
    driver, recorder, _ = make_base()
    driver._publish_button(ButtonPress(ScaleButton.SQUARE))
    assert recorder.presses == [ButtonPress(ScaleButton.SQUARE, PressKind.PRESS)]
    assert recorder.updates == 1
    driver._malformed(b"\x01\x02", ScaleDecodeError("bad"))
    assert driver.malformed == 1
    record = next(r for r in caplog.records if "malformed" in r.getMessage())
    assert record.levelno == logging.DEBUG
    assert "0102" in record.getMessage()
