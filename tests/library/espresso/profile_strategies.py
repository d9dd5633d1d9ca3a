"""Hypothesis strategies and settings shared by the DE1 profile tests."""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.espresso.profiles import (
    BeverageType,
    ExitCondition,
    ExitType,
    Limiter,
    Profile,
    Pump,
    Sensor,
    Step,
    StepExit,
    Transition,
)


def fuzz_examples(default: int = 200) -> int:
    """Examples per fuzz test; KITCHEN_BLE_FUZZ_EXAMPLES asks for more in a long run."""
    return int(os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES", default))


FUZZ = settings(max_examples=fuzz_examples(), deadline=None)
PROPERTY = settings(max_examples=fuzz_examples(150), deadline=None)

# The ranges a frame carries, written out here rather than imported (de1.md §2).
U8P4_MAX = 15.9375
TEMPERATURE_MAX = 127.5
SECONDS_MAX = 127.0
VOLUME_MAX = 1023.0


def decimal(low: float, high: float) -> st.SearchStrategy[float]:
    """A number in [low, high] with at most 4 decimals, as readers keep them."""
    return st.floats(low, high, allow_nan=False).map(lambda value: round(value, 4) + 0.0)


text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
names = st.one_of(text, st.sampled_from(["fill", "bloom {x}", 'a "b" \\c', "Sénac", ""]))


@st.composite
def steps(draw: st.DrawFn) -> Step:
    """Any step a reader accepts."""
    pump = draw(st.sampled_from(Pump))
    step_exit = draw(
        st.none()
        | st.builds(
            StepExit,
            st.sampled_from(ExitType),
            st.sampled_from(ExitCondition),
            decimal(0, U8P4_MAX),
        )
    )
    limiter = draw(st.none() | st.builds(Limiter, decimal(0.0001, U8P4_MAX), decimal(0, U8P4_MAX)))
    return Step(
        name=draw(names),
        pump=pump,
        pressure=draw(decimal(0, U8P4_MAX)),
        flow=draw(decimal(0, U8P4_MAX)),
        transition=draw(st.sampled_from(Transition)),
        temperature=draw(decimal(0, TEMPERATURE_MAX)),
        sensor=draw(st.sampled_from(Sensor)),
        seconds=draw(decimal(0, SECONDS_MAX)),
        volume=draw(decimal(0, VOLUME_MAX)),
        weight=draw(st.just(0.0) | decimal(0.0001, 2000)),
        exit=step_exit,
        limiter=limiter,
    )


non_blank = text.filter(lambda value: value.strip() != "")


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    """Any profile a reader accepts."""
    return Profile(
        title=draw(non_blank),
        steps=tuple(draw(st.lists(steps(), min_size=1, max_size=20))),
        author=draw(text),
        notes=draw(text),
        beverage_type=draw(st.sampled_from(BeverageType)),
        target_weight=draw(st.just(0.0) | decimal(0.0001, 2000)),
        target_volume=draw(st.just(0.0) | decimal(0.0001, 2000)),
        target_volume_count_start=draw(st.integers(0, 20)),
        tank_temperature=draw(decimal(0, 60)),
        version=draw(st.sampled_from(["2", "2.1", "2.0.1"])),
        legacy_profile_type=draw(st.sampled_from(["settings_2a", "settings_2b", "settings_2c"])),
        editor_type=draw(st.sampled_from(["pressure", "flow", "advanced"])),
        lang=draw(non_blank),
        hidden=draw(st.booleans()),
        reference_file=draw(text),
    )
