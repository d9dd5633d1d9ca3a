"""Random input streams into the controller: typed answers only, never a weight stop unarmed."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.espresso.shots import (
    Gate,
    Reaction,
    SkipToNext,
    StopFlow,
    StopReason,
    TareScale,
)

from .helpers import Rig, fuzz_settings

numbers = st.floats(allow_nan=True, allow_infinity=True, width=32) | st.floats(-5, 80)
states = st.sampled_from([*MachineState, None])
substates = st.sampled_from([*Substate, None])
step = st.one_of(
    st.tuples(st.just("state"), states, substates),
    st.tuples(st.just("sample"), numbers, numbers, st.integers(0, 25)),
    st.tuples(st.just("weight"), numbers),
    st.tuples(st.just("milk"), numbers),
    st.tuples(st.just("tick"), st.just(0)),
    st.tuples(st.just("lost"), st.just(0)),
    st.tuples(st.just("found"), st.just(0)),
    st.tuples(st.just("tare"), st.just(0)),
)


@fuzz_settings()
@given(
    st.lists(st.tuples(st.floats(0.0, 2.0), step), max_size=80),
    st.floats(0, 60),
    st.booleans(),
)
def test_fuzz_the_controller(
    stream: list[tuple[float, tuple[object, ...]]], target: float, scale: bool
) -> None:
    rig = Rig()
    rig.plan(
        target_weight=target,
        hot_water_weight=target,
        target_volume=target / 2,
        step_weights=(0.0, target / 3),
        steam_temperature=target,
        time_limit=30.0,
        firmware_build=1300,
    )
    if scale:
        rig.scale()
    now = 0.0
    for gap, (kind, *args) in stream:
        now += gap
        controller = rig.controller
        shot = controller._shot
        armed = shot is not None and controller._weight_armed(shot)
        before = len(rig.commands)
        if kind == "state":
            reaction = rig.state(now, args[0], args[1])  # type: ignore[arg-type]
        elif kind == "sample":
            reaction = rig.sample(now, args[0], args[1], args[2])  # type: ignore[arg-type]
        elif kind == "weight":
            reaction = rig.weight(now, args[0])  # type: ignore[arg-type]
        elif kind == "milk":
            reaction = rig.milk(now, args[0])  # type: ignore[arg-type]
        elif kind == "tick":
            reaction = rig.tick(now)
        elif kind == "lost":
            reaction = rig._take(now, controller.scale_disconnected(now))
        elif kind == "found":
            rig.scale()
            continue
        else:
            controller.tare_sent(now)
            continue
        assert isinstance(reaction, Reaction)
        assert all(isinstance(c, StopFlow | SkipToNext | TareScale) for c in reaction.commands)
        assert reaction.wake_at is None or math.isfinite(reaction.wake_at)
        for _, command in rig.commands[before:]:
            if isinstance(command, StopFlow) and command.reason is StopReason.WEIGHT:
                # Armed before this input, or armed by it: a tare seen and drops expected.
                assert armed or (
                    shot is not None and shot.tared and shot.sequence.has(Gate.EXPECT_DROPS)
                )
    stops = [c for _, c in rig.commands if isinstance(c, StopFlow)]
    assert len(stops) <= len(rig.results) + 1  # at most one stop per sequence
