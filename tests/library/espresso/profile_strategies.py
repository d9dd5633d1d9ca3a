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
PROPERTY = settings(max_examples=fuzz_examples(200), deadline=None)

# The ranges a frame carries, written out here rather than imported (de1.md §2).
U8P4_MAX = 15.9375
TEMPERATURE_MAX = 127.5
SECONDS_MAX = 127.0
VOLUME_MAX = 1023.0


def decimal(low: float, high: float) -> st.SearchStrategy[float]:
    """A number in [low, high] with at most 4 decimals, as readers keep them."""
    return st.floats(low, high, allow_nan=False).map(lambda value: round(value, 4) + 0.0)


text = st.text(st.characters(codec="utf-8"), max_size=12)
names = st.sampled_from(["fill", "bloom {x}", 'a "b" \\c', "Sénac", " ", ""]) | text


# Strategies are built once: building them inside a composite costs a validation per draw.
setpoints = decimal(0, U8P4_MAX)
temperatures = decimal(0, TEMPERATURE_MAX)
durations = decimal(0, SECONDS_MAX)
volumes = decimal(0, VOLUME_MAX)
weights = st.just(0.0) | decimal(0.0001, 2000)
exits = st.none() | st.builds(
    StepExit, st.sampled_from(ExitType), st.sampled_from(ExitCondition), setpoints
)
limiters = st.none() | st.builds(Limiter, decimal(0.0001, U8P4_MAX), setpoints)
steps = st.builds(
    Step,
    name=names,
    pump=st.sampled_from(Pump),
    pressure=setpoints,
    flow=setpoints,
    transition=st.sampled_from(Transition),
    temperature=temperatures,
    sensor=st.sampled_from(Sensor),
    seconds=durations,
    volume=volumes,
    weight=weights,
    exit=exits,
    limiter=limiters,
)


non_blank = text.filter(lambda value: value.strip() != "")


profiles = st.builds(
    Profile,
    title=non_blank,
    steps=st.lists(steps, min_size=1, max_size=20).map(tuple),
    author=text,
    notes=text,
    beverage_type=st.sampled_from(BeverageType),
    target_weight=weights,
    target_volume=weights,
    target_volume_count_start=st.integers(0, 20),
    tank_temperature=decimal(0, 60),
    version=st.sampled_from(["2", "2.1", "2.0.1"]),
    legacy_profile_type=st.sampled_from(["settings_2a", "settings_2b", "settings_2c"]),
    editor_type=st.sampled_from(["pressure", "flow", "advanced"]),
    lang=non_blank,
    hidden=st.booleans(),
    reference_file=text,
)
"""Any profile a reader accepts."""
