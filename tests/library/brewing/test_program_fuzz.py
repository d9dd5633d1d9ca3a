"""Steps, programs, runs and alarms under random input: only ProgramError and ValueError.

Every rule a user can break is a ``ProgramError`` with a key the Home Assistant
layer translates; every store loader (``ProgramLibrary``, ``ProgramRun``,
``AlarmBook``) raises ValueError for a broken file, and what it accepts works on.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.brewing.alarms import AlarmBook, BrewAlarmType
from custom_components.kitchen_ble.library.brewing.program import (
    ERROR_KEYS,
    SETTINGS,
    Program,
    ProgramError,
    ProgramLibrary,
    Step,
    check_setting,
)
from custom_components.kitchen_ble.library.brewing.runner import ProgramRun
from tests.fuzz import fuzz, json_values, mutated, numbers

T0 = 1_700_000_000.0
DAY = 86400.0


def outcome[T](call: Callable[[], T]) -> T | ProgramError:
    """What ``call`` returns, or the ProgramError it raises."""
    try:
        return call()
    except ProgramError as err:
        return err


def error_of(call: Callable[[], object]) -> ProgramError:
    with pytest.raises(ProgramError) as info:
        call()
    assert info.value.key in ERROR_KEYS
    return info.value


# --- steps and settings ----------------------------------------------------------------

floats = st.floats() | st.sampled_from([1e300, -1e300, 9e15])


@fuzz(300)
@given(
    target=floats,
    hold=st.none() | floats,
    until=st.none() | floats,
    ramp=st.none() | floats,
    name=st.text(max_size=70),
)
# found by this test: a blank name came back from storage as "" (read back stripped)
@example(target=0.0, hold=0.0, until=None, ramp=None, name=" ")
def test_steps_raise_program_errors_only(
    target: float, hold: float | None, until: float | None, ramp: float | None, name: str
) -> None:
    step = outcome(lambda: Step(target, hold=hold, until=until, ramp=ramp, name=name))
    if isinstance(step, ProgramError):
        assert step.key in ERROR_KEYS
        assert all(isinstance(value, str) for value in step.placeholders.values())
        return
    assert Step.from_dict(json.loads(json.dumps(step.to_dict()))) == step
    assert math.isfinite(step.ramp_duration(20.0))


@pytest.mark.parametrize("until", [253_402_128_001.0, 1e300, 253_402_343_999.0])
def test_an_end_time_no_time_zone_can_show_is_too_late(until: float) -> None:
    """The last instant every zone can show is 9999-12-30T00:00:00Z (epoch 253402128000)."""
    err = error_of(lambda: Step(65.0, until=until))
    assert (err.key, err.placeholders) == (
        "step_until_too_late",
        {"max": "9999-12-30T00:00:00+00:00"},
    )
    assert Step(65.0, until=253_402_128_000.0).until == 253_402_128_000.0


@fuzz(200)
@given(name=st.sampled_from(SETTINGS), value=floats, tolerance=st.floats(0.1, 10.0))
def test_settings_raise_their_range_error_only(name: str, value: float, tolerance: float) -> None:
    err = outcome(lambda: check_setting(name, value, tolerance=tolerance))
    if isinstance(err, ProgramError):
        assert err.key == f"{name}_out_of_range"
        assert {"value", "max"} <= set(err.placeholders)
    else:
        assert math.isfinite(value)


@pytest.mark.parametrize("name", SETTINGS)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_no_setting_takes_a_non_finite_number(name: str, value: float) -> None:
    err = error_of(lambda: check_setting(name, value))
    assert err.key == f"{name}_out_of_range"


def test_check_setting_knows_only_the_settings() -> None:
    with pytest.raises(KeyError):
        check_setting("colour", 1.0)


def test_placeholders_of_huge_integers_are_short() -> None:
    err = ProgramError("too_many_steps", {"count": 10**5000, "max": 50})
    assert err.placeholders == {"count": "1.00000e+5000", "max": "50"}


# --- programs from service or stored data -----------------------------------------------


def mash_data() -> dict[str, Any]:
    return {
        "id": "mash",
        "name": "Mash",
        "source": "kettle:1",
        "steps": [
            {"target": 65, "hold": 3600, "name": "Saccharification", "ramp": 60},
            {"target": 76, "until": T0 + DAY},
        ],
        "tolerance": 0.5,
        "reach_timeout": 1800,
        "deviation_band": 2.0,
        "deviation_time": 600,
        "sensor_lost_after": 300,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("tolerance", 10**400), ("reach_timeout", -(10**400)), ("deviation_time", 10**5000)],
    ids=["tolerance", "reach_timeout", "deviation_time"],
)
def test_a_huge_stored_number_is_an_invalid_value(field: str, value: int) -> None:
    """These raised OverflowError: math.isfinite cannot take an integer beyond a float."""
    err = error_of(lambda: Program.from_dict(mash_data() | {field: value}))
    assert (err.key, err.placeholders) == ("invalid_value", {"field": field})


@fuzz(300)
@given(data=json_values | mutated(mash_data()) | mutated(mash_data(), numbers))
def test_program_from_dict_raises_program_errors_only(data: Any) -> None:
    program = outcome(lambda: Program.from_dict(data))
    if isinstance(program, ProgramError):
        assert program.key in ERROR_KEYS
        return
    assert Program.from_dict(json.loads(json.dumps(program.to_dict()))) == program


@fuzz(100)
@given(data=st.lists(mutated(mash_data()), max_size=3), now=st.floats(0.0, 3e9))
def test_library_changes_raise_program_errors_only(data: list[Any], now: float) -> None:
    library = ProgramLibrary()
    for item in data:
        for change in (library.create, lambda item, now: library.update("mash", item, now)):
            before = library.to_dict()
            result = outcome(lambda: change(item, now))  # noqa: B023 - called at once
            if isinstance(result, ProgramError):
                assert result.key in ERROR_KEYS
                assert library.to_dict() == before, "a refused change changes nothing"


# --- store loaders ---------------------------------------------------------------------


def _run_data() -> dict[str, Any]:
    program = Program.from_dict(mash_data() | {"reach_timeout": 60, "sensor_lost_after": 60})
    run = ProgramRun(program)
    run.start(T0, 50.0)
    for offset, temperature in ((600, 64.8), (900, None), (1000, 70.0), (5000, None), (5100, None)):
        run.update(temperature, T0 + offset)
    run.alarms.acknowledge(run.alarms.active[0].id, T0 + 5000, by="user")
    assert run.alarms.active
    assert run.alarms.history
    data: dict[str, Any] = json.loads(json.dumps(run.to_dict()))
    return data


def _library_data() -> dict[str, Any]:
    library = ProgramLibrary([Program.from_dict(mash_data())])
    library.create({**mash_data(), "id": "lager", "name": "Lager"}, T0)
    data: dict[str, Any] = json.loads(json.dumps(library.to_dict()))
    return data


RUN = _run_data()
LOADERS: list[tuple[str, Callable[[object], object], dict[str, Any]]] = [
    ("library", ProgramLibrary.from_dict, _library_data()),
    ("run", ProgramRun.from_dict, RUN),
    ("alarms", AlarmBook.from_dict, RUN["alarms"]),
]


def test_the_valid_stored_data_loads() -> None:
    for _name, load, data in LOADERS:
        load(data)
    assert {alarm.type for alarm in AlarmBook.from_dict(RUN["alarms"]).active} >= {
        BrewAlarmType.SENSOR_LOST
    }


@fuzz(300)
@given(data=st.data(), which=st.sampled_from(range(len(LOADERS))))
def test_store_loaders_raise_value_error_only(data: st.DataObject, which: int) -> None:
    name, load, valid = LOADERS[which]
    stored = data.draw(json_values | mutated(valid) | mutated(valid, numbers), label=name)
    with contextlib.suppress(ValueError):
        load(stored)


@pytest.mark.parametrize(
    ("field", "value"),
    [("elapsed", 1e308), ("since", -1.0), ("step_began", 3e11), ("reached_at", -5.0)],
)
def test_a_stored_clock_beyond_any_time_is_refused(field: str, value: float) -> None:
    """1e308 s of active time made every later sum inf and every difference NaN."""
    with pytest.raises(ValueError, match=f"{field}: .* is not a time"):
        ProgramRun.from_dict(RUN | {field: value})


@fuzz(150)
@given(
    stored=mutated(RUN, numbers | json_values),
    readings=st.lists(st.tuples(st.floats(0, 1e6), st.none() | st.floats(-50, 150)), max_size=4),
)
def test_a_loaded_run_works_on(stored: Any, readings: list[tuple[float, float | None]]) -> None:
    try:
        run = ProgramRun.from_dict(stored)
    except ValueError:
        return
    now = T0
    for pause, temperature in readings:
        now += pause
        run.update(temperature, now)
        run.setpoint(now)
        left = run.time_left(now)
        assert left is None or left >= 0.0
        ends = run.ends_at(now)
        assert ends is None or math.isfinite(ends)
    json.dumps(run.to_dict(), allow_nan=False)
