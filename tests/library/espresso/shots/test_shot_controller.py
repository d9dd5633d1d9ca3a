"""The shot controller: stop rules, arming, fallbacks, bumps, move on weight, results."""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.espresso.profiles import (
    Profile,
    Pump,
    Sensor,
    Step,
    Transition,
)
from custom_components.kitchen_ble.library.espresso.shots import (
    Fallback,
    LeadLearner,
    ScaleKey,
    SequenceEnd,
    ShotConfigError,
    ShotController,
    ShotPlan,
    SkipToNext,
    StartRefusal,
    StopFlow,
    StopReason,
    TareScale,
    espresso_start_refusal,
)

from .helpers import HW, IDLE, STEAM, E, Rig, pour

PRE, POUR, FLUSH = Substate.PRE_INFUSE, Substate.POUR, Substate.FLUSH


def begin_espresso(rig: Rig, *, tare: bool = True, until: float = 8.0) -> None:
    """Sequence start at 0 s (tare asked), pre-infusion at 1 s, drops expected at 1.25 s,
    pour at 6 s; the scale reads 0 g (0.3 g without a tare) every 0.1 s until ``until``."""
    rig.state(0.0, E, Substate.STABILIZE_MIX_TEMP)
    for k in range(1, round(until * 10) + 1):
        now = k / 10
        if now == 1.0:
            rig.state(1.0, E, PRE)
        if now == 6.0:
            rig.state(6.0, E, POUR)
        if k % 5 == 0:
            rig.sample(now + 0.05, pressure=1.0, flow=2.0)
        rig.weight(now, 0.0 if tare else 0.3)
        if rig.wake_at is not None and rig.wake_at <= now:
            rig.tick(now)


def finish(rig: Rig, now: float, final: float) -> None:
    rig.state(now, E, FLUSH)
    for k in range(1, 31):
        rig.weight(now + k * 0.1, final)
    rig.state(now + 2.5, IDLE, Substate.NO_STATE)
    rig.tick(now + 3.0)


def test_stop_at_weight_fires_at_the_predicted_moment() -> None:
    rig = Rig()
    rig.plan(target_weight=36.0, profile_key="p")
    rig.scale(lag=0.4)
    begin_espresso(rig)
    assert rig.kinds() == ["TareScale"]
    rig.state(6.0, E, POUR)
    # The cup fills at 2 g/s from 0 g at 8 s; the scale shows it 0.4 s late.
    stop = pour(rig, 8.0, 40.0, grams_at=0.0, flow=2.0)
    # The weight shown at t was in the cup at t - 0.4 s, so the cup holds 2 (t + 0.4 - 8) g.
    # Target 36 g, lead 0 g + 0.27 s × 2 g/s = 0.54 g: stop when the cup holds 35.46 g,
    # at 8 - 0.4 + 35.46 / 2 = 25.33 s, between two scale samples.
    assert stop == pytest.approx(25.33, abs=0.001)
    assert rig.commands[-1][1] == StopFlow(StopReason.WEIGHT)
    finish(rig, 27.0, 36.9)
    result = rig.results[-1]
    assert result.stop_reason is StopReason.WEIGHT
    assert result.fallback is None
    assert result.final_weight == 36.9
    assert result.stop_error == pytest.approx(0.9)
    assert result.learned
    assert result.end is SequenceEnd.COMPLETE
    # It learned: the next shot of this scale and profile leads by more.
    assert rig.controller.learner.lead(ScaleKey("skale", "AA:BB"), "p").after(2.0) > 0.54


def test_not_armed_without_a_confirmed_tare() -> None:
    rig = Rig()
    rig.plan(target_weight=20.0)
    rig.scale()
    begin_espresso(rig, tare=False)  # 0.3 g: no tare seen within its second
    assert rig.kinds() == ["TareScale"]  # drops were expected by then: no tare any more
    assert rig.controller._shot is not None
    assert rig.controller._shot.fallback is Fallback.TARE_NOT_CONFIRMED
    pour(rig, 8.0, 30.0, grams_at=0.3, flow=2.0, stop_on_command=False)
    stops = [c for _, c in rig.commands if isinstance(c, StopFlow)]
    assert all(stop.reason is not StopReason.WEIGHT for stop in stops)


def test_the_tare_is_asked_again_before_drops_then_gives_up() -> None:
    rig = Rig()
    rig.plan(target_weight=20.0)
    rig.scale()
    rig.state(0.0, E, Substate.HEAT_WATER_HEATER)
    for k in range(1, 40):
        rig.weight(k * 0.1, 5.0)  # never zero
    assert rig.kinds() == ["TareScale", "TareScale", "TareScale"]
    assert rig.controller._shot is not None
    assert rig.controller._shot.fallback is Fallback.TARE_NOT_CONFIRMED


def test_a_cup_put_on_before_the_drops_is_tared_again() -> None:
    rig = Rig()
    rig.plan(target_weight=20.0)
    rig.scale()
    rig.state(0.0, E, Substate.HEAT_WATER_HEATER)
    rig.weight(0.3, 0.0)
    rig.weight(0.4, 250.0)  # the cup
    assert rig.kinds() == ["TareScale", "TareScale"]


def test_no_scale_falls_back_to_volume_and_says_so() -> None:
    rig = Rig()
    rig.plan(target_weight=36.0, profile_key="p")
    rig.state(0.0, E, PRE)
    rig.sample(0.25, pressure=2.0, flow=4.0)
    rig.state(5.0, E, POUR)
    now = 5.0
    while not rig.commands and now < 60:
        now += 0.25
        rig.sample(now, flow=2.0)
    # 36 mL of pour volume at 1 g/mL; the lead is 2 mL/s × (0.1 + 0.125) s = 0.45 mL.
    assert rig.commands[0][1] == StopFlow(StopReason.VOLUME)
    assert rig.controller.volume.pour + 0.45 >= 36.0 > rig.controller.volume.pour - 0.5 + 0.45
    finish(rig, now + 0.5, 0.0)
    result = rig.results[-1]
    assert result.fallback is Fallback.NO_SCALE
    assert result.stop_reason is StopReason.VOLUME
    assert result.final_weight is None
    assert result.stop_error is None
    assert "36 mL" in result.notes[0]


def test_a_scale_lost_mid_shot_falls_back_to_the_learned_volume() -> None:
    learner = LeadLearner()
    learner.observe_volume("p", 36.0, 40.0)  # 0.9 g/mL: 36 g is 40 mL
    rig = Rig(controller=ShotController(learner))
    rig.plan(target_weight=36.0, profile_key="p")
    rig.scale()
    begin_espresso(rig)
    pour(rig, 8.0, 9.0, grams_at=0.0, flow=2.0)
    now = 9.0
    while now < 12.0:  # ShotSamples only: the scale went silent at 9 s
        now += 0.25
        rig.sample(now, flow=2.0)
    shot = rig.controller._shot
    assert shot is not None
    assert shot.fallback is Fallback.SCALE_LOST
    assert shot.volume_target == pytest.approx(40.0)


def test_a_scale_disconnect_falls_back_at_once() -> None:
    rig = Rig()
    rig.plan(target_weight=36.0, target_volume=30.0)
    rig.scale()
    begin_espresso(rig)
    rig._take(7.0, rig.controller.scale_disconnected(7.0))
    shot = rig.controller._shot
    assert shot is not None
    assert shot.fallback is Fallback.SCALE_LOST
    assert shot.volume_target == 30.0  # the plan's own volume wins
    assert rig.controller.scale_disconnected(8.0).commands == ()


def test_a_bump_on_the_scale_does_not_stop_the_shot() -> None:
    rig = Rig()
    rig.plan(target_weight=36.0)
    rig.scale()
    begin_espresso(rig)
    pour(rig, 8.0, 14.0, grams_at=0.0, flow=2.0)
    for k in range(1, 11):  # a finger: 30 g on the cup for a second, read through a filter
        now = 14.0 + k * 0.1
        if k % 2 == 0:
            rig.sample(now, flow=2.0)
        rig.weight(now, 12.0 + 2.0 * k * 0.1 + 30.0 * min(k, 11 - k) / 5)
    assert "StopFlow" not in rig.kinds()
    stop = pour(rig, 15.0, 40.0, grams_at=14.0, flow=2.0)
    assert stop is not None
    assert stop > 25.0
    finish(rig, 27.0, 36.0)
    assert not rig.results[-1].learned  # a bumped shot teaches nothing


def test_stop_at_time() -> None:
    rig = Rig()
    rig.plan(time_limit=25.0)
    rig.state(0.0, E, PRE)
    assert rig.wake_at == 25.0
    rig.tick(24.9)
    assert rig.commands == []
    rig.tick(25.0)
    assert rig.commands == [(25.0, StopFlow(StopReason.TIME))]
    rig.tick(26.0)
    assert len(rig.commands) == 1  # one stop per sequence


def test_stop_at_volume_is_armed_after_preinfusion() -> None:
    rig = Rig()
    rig.plan(target_volume=10.0)
    rig.state(0.0, E, PRE)
    for k in range(1, 40):  # 4 mL/s of pre-infusion: 10 s × 4 = 40 mL, not counted
        rig.sample(k * 0.25, flow=4.0)
    assert rig.commands == []
    rig.state(10.0, E, POUR)
    now = 10.0
    while not rig.commands:
        now += 0.25
        rig.sample(now, flow=2.0)
    assert rig.commands[0][1] == StopFlow(StopReason.VOLUME)
    # Pour volume from 10 s: 1.5 mL by 10.25 s (the trapezoid from the last 4 mL/s
    # sample), then 0.5 mL a sample: 9.5 + 0.45 mL of lead < 10 at 14.25 s, 10.45 at 14.5 s.
    assert now == pytest.approx(14.5)


def test_hot_water_stops_at_weight() -> None:
    rig = Rig()
    rig.plan(hot_water_weight=100.0)
    rig.scale()
    rig.state(0.0, HW, POUR)
    assert rig.kinds() == ["TareScale"]
    rig.weight(0.3, 0.0)
    stop = pour(rig, 0.3, 60.0, grams_at=0.0, flow=5.0)
    # 100 - 5 × 0.27 = 98.65 g in the cup at 0.3 - 0.4 + 98.65 / 5 = 19.63 s.
    assert stop == pytest.approx(19.63, abs=0.01)
    rig.state(20.0, IDLE, Substate.NO_STATE)
    for k in range(1, 35):
        rig.weight(20.0 + k * 0.1, 100.2)
    assert rig.results[-1].mode is MachineState.HOT_WATER
    assert rig.results[-1].stop_error == pytest.approx(0.2)


def profile_with_step_weights() -> Profile:
    def step(name: str, weight: float) -> Step:
        return Step(
            name=name,
            pump=Pump.PRESSURE,
            pressure=9.0,
            flow=2.0,
            transition=Transition.FAST,
            temperature=93.0,
            sensor=Sensor.COFFEE,
            seconds=60.0,
            weight=weight,
        )

    return Profile(title="steps", steps=(step("a", 0.0), step("b", 10.0), step("c", 0.0)))


@pytest.mark.parametrize(("build", "skips"), [(1260, [SkipToNext(1)]), (1259, []), (None, [])])
def test_move_on_weight_once_per_frame_from_firmware_1260(
    build: int | None, skips: list[SkipToNext]
) -> None:
    rig = Rig()
    rig.controller.set_plan(
        ShotPlan.from_profile(profile_with_step_weights(), firmware_build=build)
    )
    rig.scale()
    begin_espresso(rig)
    pour(rig, 8.0, 16.0, grams_at=0.0, flow=2.0, stop_on_command=False)
    assert [c for _, c in rig.commands if isinstance(c, SkipToNext)] == skips
    if build is not None and build >= 1260:
        skip_at = next(t for t, c in rig.commands if isinstance(c, SkipToNext))
        # 10 g in the cup at 8 - 0.4 + 5 = 12.6 s, asked 0.1 s before (the DE1's stop lag).
        assert skip_at == pytest.approx(12.5, abs=0.001)
    else:
        assert rig.controller._shot is not None
        assert "1260" in rig.controller._shot.notes[0]


def test_steam_stops_when_the_milk_gets_there() -> None:
    rig = Rig()
    rig.plan(steam_temperature=60.0, probe_lag=2.0)
    rig.state(0.0, STEAM, Substate.STEAMING)
    now = 0.0
    while not rig.commands and now < 60:
        now += 1.0
        if rig.wake_at is not None and rig.wake_at <= now:
            rig.tick(rig.wake_at)
        rig.milk(now, 20.0 + 1.0 * (now - 2.0))  # 1 °C/s, read 2 s late
    # The milk is at reading + 2 °C and gains 0.1 °C in the stop lag: stop at 57.9 °C read.
    assert rig.commands[0][1] == StopFlow(StopReason.STEAM_TEMPERATURE)
    assert rig.commands[0][0] == pytest.approx(39.9, abs=0.01)


def test_the_machine_ending_a_flow_is_its_own_stop_reason() -> None:
    rig = Rig()
    rig.state(0.0, E, POUR)
    rig.state(20.0, E, FLUSH)
    rig.state(22.0, IDLE, Substate.NO_STATE)
    rig.tick(23.0)
    result = rig.results[-1]
    assert result.stop_reason is StopReason.MACHINE
    assert result.target_weight is None


def test_a_sequence_that_never_flowed_has_no_stop_reason() -> None:
    rig = Rig()
    rig.state(0.0, E, Substate.HEAT_WATER_TANK)
    rig.state(1.0, IDLE, Substate.NO_STATE)
    assert rig.results[-1].stop_reason is None


def test_a_tare_the_caller_sends_counts() -> None:
    rig = Rig()
    rig.plan(target_weight=36.0)
    rig.scale()
    rig.state(0.0, E, Substate.HEAT_WATER_HEATER)
    rig.controller.tare_sent(0.8)
    rig.weight(0.5, 0.0)  # before the caller's tare: not a confirmation
    assert rig.controller._shot is not None
    assert not rig.controller._shot.tared
    rig.weight(0.9, 0.02)
    assert rig.controller._shot.tared


def test_weights_without_a_scale_or_outside_a_shot_do_nothing() -> None:
    rig = Rig()
    assert rig.weight(1.0, 5.0).commands == ()
    rig.scale()
    assert rig.weight(1.1, float("nan")).commands == ()
    assert rig.weight(1.2, 5.0).commands == ()
    assert rig.milk(1.3, 50.0).commands == ()
    assert rig.sample(1.4).commands == ()


def test_the_start_policy() -> None:
    assert (
        espresso_start_refusal(require_scale=False, scale_paired=False, scale_connected=False)
        is None
    )
    assert (
        espresso_start_refusal(require_scale=True, scale_paired=False, scale_connected=False)
        is StartRefusal.NO_SCALE
    )
    assert (
        espresso_start_refusal(require_scale=True, scale_paired=True, scale_connected=False)
        is StartRefusal.SCALE_NOT_CONNECTED
    )
    assert (
        espresso_start_refusal(require_scale=True, scale_paired=True, scale_connected=True) is None
    )


@pytest.mark.parametrize(
    "targets",
    [{"target_weight": -1.0}, {"time_limit": float("nan")}, {"step_weights": (1.0, float("inf"))}],
)
def test_a_plan_refuses_nonsense(targets: dict[str, object]) -> None:
    with pytest.raises(ShotConfigError):
        ShotPlan(**targets)  # type: ignore[arg-type]


def test_a_plan_from_a_profile() -> None:
    plan = ShotPlan.from_profile(profile_with_step_weights(), time_limit=90.0)
    assert plan.profile_key == "steps"
    assert plan.step_weights == (0.0, 10.0, 0.0)
    assert plan.time_limit == 90.0
    plain = Profile(title="x", steps=(), target_weight=36.0, target_volume=40.0)
    assert ShotPlan.from_profile(plain, key="k") == ShotPlan(
        profile_key="k", target_weight=36.0, target_volume=40.0
    )


def test_tare_command_is_a_value() -> None:
    assert TareScale() == TareScale()
