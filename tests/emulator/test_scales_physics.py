# mypy: disable-error-code="unreachable"
# (asserting a property before and after a call trips mypy's narrowing)
"""What every emulated scale shares: cup, lag, tare, timer, units, sleep, battery."""

from __future__ import annotations

import pytest

from emulator.scales.base import EmulatedScale, Unit, quantize, to_unit
from emulator.scales.physics import STEP, Cup, LoadCell, ScaleTimer


def bare(**options: object) -> EmulatedScale:
    """The base class on its own: no frames, all the physics."""
    return EmulatedScale("AA:BB:CC:00:00:01", "Scale", noise=0.0, **options)  # type: ignore[arg-type]


# Cup -----------------------------------------------------------------------


def test_cup_place_remove_and_bump() -> None:
    cup = Cup()
    cup.place(250.0)
    cup.place(-300.0)  # cannot go below an empty platform
    assert cup.weight == 0.0
    cup.place(18.0)
    cup.bump(50.0, 0.5, now=0.0)
    assert cup.bumped
    assert cup.load == 68.0
    cup.step(0.5, 0.5)
    assert not cup.bumped
    assert cup.load == 18.0
    cup.clear()
    assert cup.load == 0.0


def test_poured_liquid_lands_after_the_drip_delay() -> None:
    cup = Cup(drip_delay=0.17)
    cup.source = lambda _t: 2.0
    now = 0.0
    for _ in range(16):  # 0.16 s: all of it still falling
        now += STEP
        cup.step(now, STEP)
    assert cup.weight == 0.0
    assert cup.dripping
    assert cup.pouring
    for _ in range(2):
        now += STEP
        cup.step(now, STEP)
    assert cup.weight == pytest.approx(0.02)  # the portion that left by 0.01 s, 0.17 s later
    cup.source = None
    for _ in range(20):
        now += STEP
        cup.step(now, STEP)
    assert not cup.dripping
    assert cup.weight == pytest.approx(2.0 * 0.18)


def test_a_negative_rate_pours_nothing() -> None:
    cup = Cup(drip_delay=0.0)
    cup.source = lambda _t: -5.0
    cup.step(STEP, STEP)
    assert cup.weight == 0.0
    assert not cup.dripping


def test_the_source_gets_the_device_time() -> None:
    seen: list[float] = []
    cup = Cup()
    cup.source = lambda t: seen.append(t) or 0.0  # type: ignore[func-returns-value]
    cup.step(1.0, STEP)
    assert seen == [pytest.approx(0.99)]  # the start of the 10 ms slice


# Load cell -----------------------------------------------------------------


def test_load_cell_reads_a_ramp_exactly_one_lag_late() -> None:
    cell = LoadCell(0.33)
    for tick in range(1, 301):  # 3 s of a 2 g/s ramp
        cell.sample(2.0 * tick * STEP)
    assert cell.value == pytest.approx(2.0 * (3.0 - 0.33))


def test_load_cell_step_ramps_in_over_twice_the_lag() -> None:
    cell = LoadCell(0.5)
    for _ in range(50):
        cell.sample(100.0)
    assert 40 < cell.value < 60  # half way through the window
    for _ in range(51):
        cell.sample(100.0)
    assert cell.value == 100.0
    cell.reset(7.0)
    assert cell.value == 7.0


def test_load_cell_without_lag_and_negative_lag() -> None:
    cell = LoadCell(0.0)
    cell.sample(5.0)
    assert cell.value == 5.0
    with pytest.raises(ValueError, match="negative"):
        LoadCell(-0.1)


# Timer ---------------------------------------------------------------------


def test_timer() -> None:
    timer = ScaleTimer()
    timer.step(1.0)
    assert timer.seconds == 0.0
    timer.toggle()
    timer.step(65.45)
    assert timer.parts() == (1, 5, 4)
    timer.stop()
    timer.step(1.0)
    assert timer.seconds == pytest.approx(65.45)
    timer.start()
    assert timer.running
    timer.toggle()
    assert not timer.running
    timer.start()
    timer.reset()
    assert (timer.running, timer.seconds, timer.parts()) == (False, 0.0, (0, 0, 0))


# Helpers -------------------------------------------------------------------


def test_units_and_quantize() -> None:
    assert to_unit(28.349523125, Unit.OUNCES) == pytest.approx(1.0)
    assert to_unit(10.0, Unit.GRAMS) == 10.0
    assert quantize(12.345, 0.1) == 12.3
    assert quantize(-0.04, 0.1) == 0.0
    assert quantize(1.005, 0.01) == pytest.approx(1.0, abs=0.011)


# The scale's physics grid --------------------------------------------------


def test_steps_run_on_a_10_ms_grid_with_a_carry() -> None:
    scale = bare()
    scale.advance(0.004)
    assert scale.now == 0.0
    scale.advance(0.007)  # 11 ms in all: one tick, 1 ms carried
    assert scale.now == pytest.approx(0.01)
    scale.advance(0.989)
    assert scale.now == pytest.approx(1.0)


def test_place_pour_bump_and_what_the_display_shows() -> None:
    scale = bare(sensor_lag=0.0, drip_delay=0.0)
    scale.place(300.0)
    scale.advance(0.1)
    assert scale.weight == 300.0
    assert scale.displayed == 300.0
    assert scale.settled
    scale.pour(2.0)
    scale.advance(1.0)
    assert scale.weight == pytest.approx(302.0)
    assert not scale.settled
    scale.pour(0.0)
    scale.bump(40.0, 0.3)
    scale.advance(0.1)
    assert scale.weight == pytest.approx(342.0)
    assert not scale.settled
    scale.advance(0.3)
    assert scale.weight == pytest.approx(302.0)
    scale.remove(2.0)
    assert scale.weight == pytest.approx(300.0)
    scale.remove()
    assert scale.weight == 0.0


def test_pour_from_follows_a_changing_flow() -> None:
    scale = bare(sensor_lag=0.0, drip_delay=0.0)
    scale.pour_from(lambda t: 1.0 if t < 2.0 else 3.0)
    scale.advance(4.0)
    assert scale.weight == pytest.approx(2.0 + 6.0)
    scale.pour_from(None)
    scale.advance(1.0)
    assert scale.weight == pytest.approx(8.0)


def test_display_lags_a_steady_pour_by_the_sensor_lag() -> None:
    scale = bare(sensor_lag=0.64, drip_delay=0.17)
    scale.pour(2.0)
    scale.advance(5.0)
    # Liquid reaches the cup 0.17 s after it leaves; the display is 0.64 s later still.
    assert scale.weight == pytest.approx(2.0 * (5.0 - 0.17), abs=0.02)
    assert scale.displayed == pytest.approx(2.0 * (5.0 - 0.17 - 0.64), abs=0.02)


def test_noise_is_seeded_and_the_reading_in_ounces() -> None:
    def readings(seed: int) -> list[float]:
        scale = EmulatedScale("AA:BB:CC:00:00:01", "Scale", noise=0.05, seed=seed)
        scale.place(100.0)
        scale.advance(2.0)
        return [scale.reading() for _ in range(50)]

    values = readings(1)
    assert values == readings(1)
    assert values != readings(2)
    assert 0.01 < max(values) - min(values) < 0.5
    assert sum(values) / 50 == pytest.approx(100.0, abs=0.03)
    scale = bare()
    scale.place(28.349523125)
    scale.advance(2.0)
    scale.set_unit("oz")
    assert scale.unit is Unit.OUNCES
    assert scale.reading() == pytest.approx(1.0)


def test_tare_zeroes_the_display_after_the_delay() -> None:
    scale = bare(tare_delay=0.3, sensor_lag=0.33)
    scale.place(250.0)
    scale.advance(2.0)
    scale.tare()
    assert scale.taring
    scale.advance(0.29)
    assert scale.displayed == pytest.approx(250.0)
    scale.advance(0.01)
    assert not scale.taring
    assert scale.displayed == pytest.approx(0.0)
    scale.place(18.0)
    scale.advance(2.0)
    assert scale.displayed == pytest.approx(18.0)


def test_update_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        bare(update_rate=0)


def test_unknown_button_is_refused() -> None:
    with pytest.raises(ValueError, match="no button 'tare'"):
        bare().press_button("tare")


# Sleep, wake, battery --------------------------------------------------------


def test_auto_off_after_idle_minutes_and_activity_keeps_it_awake() -> None:
    scale = bare(auto_off=1.0)
    scale.advance(50.0)
    scale.place(100.0)  # activity: the minute starts again
    scale.advance(50.0)
    assert not scale.asleep
    scale.timer.start()
    scale.advance(120.0)  # a running timer is activity
    assert not scale.asleep
    scale.timer.stop()
    scale.advance(59.0)
    assert not scale.asleep
    scale.advance(1.0)
    assert scale.asleep
    assert not scale.advertising


def test_no_auto_off_when_zero() -> None:
    scale = bare(auto_off=0.0)
    scale.advance(3600.0)
    assert not scale.asleep


def test_wake_zeroes_on_what_lies_there_and_resets_the_timer() -> None:
    scale = bare()
    scale.place(300.0)
    scale.timer.start()
    scale.advance(5.0)
    scale.tare()
    scale.press_button("power")
    assert scale.asleep
    assert not scale.taring
    assert scale.timer.seconds == 0.0
    scale.sleep()  # already asleep: nothing changes
    scale.place(50.0)  # while off
    scale.advance(10.0)
    assert scale.wake()
    assert scale.wake()  # already awake
    assert scale.displayed == pytest.approx(0.0)
    assert scale.advertising
    scale.press_button("power")
    scale.press_button("power")  # any button wakes a sleeping scale
    assert not scale.asleep


def test_battery_drains_while_awake_and_an_empty_scale_stays_off() -> None:
    scale = bare(battery=1.0, battery_drain_per_hour=36.0)  # 1 % per 100 s
    scale.advance(50.0)
    assert scale.battery.level == pytest.approx(0.5)
    scale.advance(60.0)
    assert scale.battery.level == 0.0
    assert scale.asleep
    assert not scale.wake()
    scale.charging = True
    scale.advance(72.0)  # 50 %/h
    assert scale.battery.level == pytest.approx(1.0)
    assert scale.wake()
    scale.advance(72.0)
    assert scale.battery.level == pytest.approx(2.0)


def test_asleep_drains_nothing() -> None:
    scale = bare(battery=50.0, battery_drain_per_hour=10.0, drip_delay=0.0)
    scale.sleep()
    scale.advance(3600.0)
    assert scale.battery.level == 50.0
    scale.pour(1.0)  # liquid still lands on a switched-off scale
    scale.advance(10.0)
    assert scale.battery.level == 50.0
    assert scale.weight == pytest.approx(10.0)


def test_quiet_stretches_are_skipped_exactly_as_ticked() -> None:
    """A scale nobody listens to skips idle ticks in one go; one held by a central ticks each."""
    skipping, ticking = bare(auto_off=1.0, battery=30.0), bare(auto_off=1.0, battery=30.0)
    assert ticking.hold_by_other_central()
    for scale in (skipping, ticking):
        scale.place(100.0)  # seen at the first tick: the minute runs from 0.01 s
        scale.advance(60.0)
    assert not skipping.asleep
    assert not ticking.asleep
    assert skipping.battery.level == pytest.approx(ticking.battery.level)
    skipping.advance(0.01)
    ticking.advance(0.01)
    assert skipping.asleep
    assert ticking.asleep
    assert skipping.now == ticking.now


def test_a_charging_scale_asleep_skips_and_charges() -> None:
    scale = bare(battery=10.0, charging=True)
    scale.sleep()
    scale.advance(3600.0)
    assert scale.battery.level == pytest.approx(60.0)
    scale.advance(7200.0)
    assert scale.battery.level == 100.0


def test_a_pushed_pour_is_spread_and_lands_after_the_drip_delay() -> None:
    scale = bare(drip_delay=0.17, sensor_lag=0.0)
    scale.receive_pour(0.5, 0.05)  # as a DE1's pour listener hands it over
    scale.receive_pour(0.0, 0.05)  # nothing poured: nothing queued
    scale.advance(0.17)
    assert scale.weight == pytest.approx(0.1)  # the first of five 10 ms portions
    scale.advance(0.04)
    assert scale.weight == pytest.approx(0.5)
    assert not scale.cup.dripping
