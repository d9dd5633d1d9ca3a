"""Readers, targets and stored cooking data under random input: only their typed errors.

The readers of ``validation.py`` raise ValueError for every input they refuse
(never OverflowError, TypeError or RecursionError); ``ProbeTarget`` refuses
what no person means (a reminder every 1e-310 minutes); every store loader of
the cooking core (``ProbeTarget``, the alert engine, ``CookDevice``,
``SessionManager``) raises ValueError, and what it accepts works on.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.cooking import validation as v
from custom_components.kitchen_ble.library.cooking.alerts import ProbeAlertEngine
from custom_components.kitchen_ble.library.cooking.manager import SessionManager
from custom_components.kitchen_ble.library.cooking.state import CookDevice, ProbeCook
from custom_components.kitchen_ble.library.cooking.targets import ProbeTarget, TargetError
from tests.fuzz import fuzz, json_values, mutated, numbers, unprintable, yaml_values

T0 = 1_780_000_000.0


class Colour(StrEnum):
    RED = "red"


anything = st.one_of(
    yaml_values,
    json_values,
    st.from_type(object),  # values of many types: Decimal, complex, bytes, dates, objects
    st.recursive(st.none(), lambda children: st.lists(children, min_size=1, max_size=1)),
)

READERS: list[tuple[Callable[[object, str], object], tuple[type, ...]]] = [
    (v.as_mapping, (dict,)),
    (v.as_number, (float,)),
    (v.as_float, (float,)),
    (v.as_opt_float, (float, type(None))),
    (v.as_int, (int,)),
    (v.as_opt_int, (int, type(None))),
    (v.as_str, (str,)),
    (v.as_bool, (bool,)),
    (v.as_list, (list,)),
    (lambda value, name: v.as_enum(Colour, value, name), (Colour,)),
]


@fuzz(300)
@given(value=anything, reader=st.sampled_from(READERS))
def test_every_reader_returns_its_type_or_raises_value_error(
    value: object, reader: tuple[Callable[[object, str], object], tuple[type, ...]]
) -> None:
    read, kinds = reader
    try:
        result = read(value, "field")
    except ValueError as err:
        result = err
    if isinstance(result, ValueError):
        assert str(result).startswith("field"), result
        assert len(str(result)) < 200, "a short message, whatever the value"
        return
    assert isinstance(result, kinds) or (dict in kinds and hasattr(result, "keys"))


@fuzz(200)
@given(numbers | unprintable)
def test_number_readers_never_overflow(value: object) -> None:
    for read in (v.as_float, v.as_opt_float, v.as_int, v.as_opt_int, v.as_number):
        with contextlib.suppress(ValueError):
            read(value, "n")


@pytest.mark.parametrize(
    "value",
    [10**400, -(10**400), 10**5000, math.inf, -math.inf, math.nan],
    ids=["1e400", "-1e400", "1e5000", "inf", "-inf", "nan"],
)
def test_a_huge_or_non_finite_number_is_a_value_error(value: float) -> None:
    """10**400 made math.isfinite raise OverflowError; 10**5000 made repr raise ValueError."""
    with pytest.raises(ValueError, match="expected a finite number") as err:
        v.as_float(value, "target")
    assert type(err.value) is ValueError
    assert len(str(err.value)) < 100


def test_huge_integers_are_infinite_numbers_and_no_stored_integers() -> None:
    assert v.as_number(10**400, "x") == math.inf
    assert v.as_number(-(10**400), "x") == -math.inf
    assert math.isnan(v.as_number(math.nan, "x"))
    assert v.to_float(3) == 3.0
    assert v.as_int(2**63 - 1, "count") == 2**63 - 1
    assert v.as_int(-(2**63), "count") == -(2**63)
    for value in (2**63, -(2**63) - 1, 10**5000):
        with pytest.raises(ValueError, match=r"count: .* is beyond a 64-bit integer"):
            v.as_int(value, "count")


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (v.as_number, "x" * 100, "n: expected a number, got '" + "x" * 40 + "'..."),
        (v.as_number, [[[]]], "n: expected a number, got a value of type list"),
        (v.as_number, None, "n: expected a number, got None"),
        (v.as_str, 10**20, "n: expected a string, got an integer of about 21 digits"),
        (v.as_int, 2.5, "n: expected an integer, got 2.5"),
    ],
)
def test_messages_show_values_briefly(
    read: Callable[[object, str], object], value: object, message: str
) -> None:
    with pytest.raises(ValueError, match=r"^n: expected") as err:
        read(value, "n")
    assert str(err.value) == message


# --- targets ---------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [1e-310, 1e-3, 0.5, 59 / 60, 241, 1e300])
def test_a_reminder_interval_no_person_means_is_refused(minutes: float) -> None:
    """1e-310 min used to pass and then overflow every 30-second evaluation."""
    with pytest.raises(TargetError, match="reminder_out_of_range"):
        ProbeTarget(reminder_interval=minutes * 60)


@pytest.mark.parametrize("seconds", [0.0, 60.0, 90.0, 14400.0])
def test_reminder_interval_off_or_one_minute_to_four_hours(seconds: float) -> None:
    assert ProbeTarget(reminder_interval=seconds).reminder_interval == seconds


@fuzz(200)
@given(
    target=numbers | st.none(),
    pre_alert=numbers,
    reminder=numbers,
    range_min=numbers | st.none(),
    range_max=numbers | st.none(),
)
def test_probe_target_refuses_with_value_error_only(
    target: Any, pre_alert: Any, reminder: Any, range_min: Any, range_max: Any
) -> None:
    data = {
        "target": target,
        "pre_alert_offset": pre_alert,
        "reminder_interval": reminder,
        "range_min": range_min,
        "range_max": range_max,
    }
    try:
        setting = ProbeTarget.from_dict(data)
    except ValueError:
        return
    assert ProbeTarget.from_dict(json.loads(json.dumps(setting.to_dict()))) == setting


@fuzz(100)
@given(
    interval=st.sampled_from([0.0, 60.0, 14400.0]) | st.floats(60.0, 14400.0),
    readings=st.lists(
        st.tuples(
            st.floats(0.0, v.MAX_TIMESTAMP),
            st.none() | st.floats(-50.0, 400.0),
        ),
        max_size=8,
    ),
    anchor=st.none() | st.floats(-1.7e308, 1.7e308),
)
def test_reminders_of_any_allowed_interval_never_overflow(
    interval: float, readings: list[tuple[float, float | None]], anchor: float | None
) -> None:
    target = ProbeTarget(target=60.0, reminder_interval=interval, range_min=20.0, range_max=80.0)
    engine = ProbeAlertEngine("grill", 1, target)
    stored = engine.to_dict() | {"fired": ["reached"], "last_above_at": anchor}
    engine = ProbeAlertEngine.from_dict(stored)
    for now, temperature in sorted(readings, key=lambda reading: reading[0]):
        for alert in engine.update(temperature, now, in_session=True):
            assert alert.at == now


# --- store loaders ---------------------------------------------------------------------


def _engine_data() -> dict[str, Any]:
    target = ProbeTarget(target=60.0, label="Steak", range_min=50.0, range_max=70.0)
    engine = ProbeAlertEngine("grill", 2, target)
    for now, temperature in ((T0, 40.0), (T0 + 1, 61.0), (T0 + 2, 75.0), (T0 + 3, 55.0)):
        engine.update(temperature, now, in_session=True)
    data: dict[str, Any] = json.loads(json.dumps(engine.to_dict()))
    return data


def _device_data() -> dict[str, Any]:
    device: CookDevice[None] = CookDevice("grill")
    probe = device.probe(2)
    probe.apply(ProbeTarget(target=60.0, range_min=50.0, range_max=70.0), True)
    probe.engine = ProbeAlertEngine.from_dict(_engine_data())
    device.probes[2] = probe
    device.probes[3] = ProbeCook("grill", 3)
    data: dict[str, Any] = json.loads(json.dumps(device.to_dict()))
    return data


def _manager_data() -> dict[str, Any]:
    manager = SessionManager()
    manager.start(T0, session_id="first", name="Ribs", devices=["grill"])
    manager.active.record_reading("grill", 1, 40.0, T0 + 60, target=60.0)  # type: ignore[union-attr]
    manager.end(T0 + 120)
    session = manager.start(T0 + 200, session_id="second", name="Brisket", devices=["grill"])
    session.ready_by = T0 + 9000
    session.record_reading("grill", 1, 45.0, T0 + 260, target=95.0, label="Point")
    session.device_lost("grill", T0 + 300)
    data: dict[str, Any] = json.loads(json.dumps(manager.to_dict()))
    return data


def _loaders() -> list[tuple[str, Callable[[object], object], dict[str, Any]]]:
    return [
        ("target", ProbeTarget.from_dict, ProbeTarget(target=60.0, label="x").to_dict()),
        ("engine", ProbeAlertEngine.from_dict, _engine_data()),
        ("device", lambda data: CookDevice.from_dict("grill", data), _device_data()),
        ("manager", SessionManager.from_dict, _manager_data()),
    ]


LOADERS = _loaders()


def test_the_valid_stored_data_loads() -> None:
    for _name, load, data in LOADERS:
        load(data)


@fuzz(200)
@given(data=st.data(), which=st.sampled_from(range(len(LOADERS))))
def test_store_loaders_raise_value_error_only(data: st.DataObject, which: int) -> None:
    name, load, valid = LOADERS[which]
    stored = data.draw(json_values | mutated(valid), label=name)
    with contextlib.suppress(ValueError):
        load(stored)


@fuzz(100)
@given(stored=mutated(_engine_data()), readings=st.lists(st.floats(-50.0, 400.0), max_size=4))
def test_a_loaded_alert_engine_works_on(stored: Any, readings: list[float]) -> None:
    try:
        engine = ProbeAlertEngine.from_dict(stored)
    except ValueError:
        return
    for offset, temperature in enumerate(readings):
        engine.update(temperature, T0 + 60 * offset, in_session=True)
