"""The archive form of a record: a faithful round trip and a strict reader."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.espresso.profiles import builtin_profiles
from custom_components.kitchen_ble.library.espresso.records import (
    IncompleteReason,
    ProfileRef,
    RecordError,
    parse_annotations,
    record_from_dict,
    record_to_dict,
)
from custom_components.kitchen_ble.library.espresso.records.errors import message_placeholders
from tests.fuzz import fuzz, json_values, mutated

from .shots import espresso


def _full() -> Any:
    blooming = next(p for p in builtin_profiles() if "loom" in p.title)
    return dataclasses.replace(
        espresso(28.0),
        profile=ProfileRef(blooming.title, "0123456789abcdef", blooming),
        incomplete_reason=IncompleteReason.LINK_LOST,
        machine_error="error_psensor",
        annotations=parse_annotations(
            {"bean": "Shantawene", "roast_date": "2026-05-01", "dose": 18, "enjoyment": 80}
        ),
    )


def test_round_trip_through_json() -> None:
    record = _full()
    data = json.loads(json.dumps(record_to_dict(record)))
    assert record_from_dict(data) == record
    assert data["format"] == 1
    assert data["samples"]["pressure"][60] == 9.0
    assert data["annotations"] == {
        "bean": "Shantawene",
        "roast_date": "2026-05-01",
        "dose": 18.0,
        "enjoyment": 80.0,
    }


def test_a_bare_record_round_trips() -> None:
    record = dataclasses.replace(espresso(28.0, with_scale=False), profile=None, stop=None)
    assert record_from_dict(record_to_dict(record)) == record


def _broken(change: Any) -> RecordError:
    data = record_to_dict(_full())
    change(data)
    with pytest.raises(RecordError) as err:
        record_from_dict(data)
    assert err.value.key == "stored_invalid"
    return err.value


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(format=2), "record"),
        (lambda d: d.update(id=""), "record"),
        (lambda d: d.update(kind="tea"), "record"),
        (lambda d: d.update(started_at=-1.0), "record"),
        (lambda d: d.update(ended_at=float("nan")), "record"),
        (lambda d: d.update(scale="x" * 201), "record"),
        (lambda d: d["samples"]["pressure"].pop(), "record"),
        (lambda d: d["samples"]["t"].reverse(), "record"),
        (lambda d: d["samples"]["frame"].__setitem__(0, 256), "record"),
        (lambda d: d["weights"]["t"].__setitem__(0, -0.5), "record"),
        (lambda d: d["states"].append([40.0, 2]), "record"),
        (lambda d: d["gates"].append(["y" * 41, 99.0]), "record"),
        (lambda d: d["stop"].update(reason="boredom"), "record"),
        (lambda d: d.update(states=[[0.0, 2, 0]] * 501), "record"),
        (lambda d: d["profile"]["json"].update(steps="none"), "profile"),
        (lambda d: d["annotations"].update(enjoyment=101), "annotations"),
        (lambda d: d["annotations"].update(colour="red"), "annotations"),
    ],
)
def test_damage_is_named(change: Any, field: str) -> None:
    err = _broken(change)
    assert err.placeholders["field"] == field
    assert err.placeholders["reason"]


def test_not_a_mapping() -> None:
    with pytest.raises(RecordError, match="record: expected an object"):
        record_from_dict([1, 2])


def _well_formed(data: object) -> None:
    error: RecordError | None = None
    try:
        record = record_from_dict(data)
    except RecordError as err:
        error = err
    if error is not None:
        assert set(error.placeholders) == message_placeholders(error.key)
    else:
        assert record_from_dict(record_to_dict(record)) == record


@fuzz(150)
@given(mutated(record_to_dict(espresso(3.0))))
def test_fuzz_mutated_records(data: object) -> None:
    _well_formed(data)


@fuzz(150)
@given(json_values)
def test_fuzz_random_values(data: object) -> None:
    _well_formed(data)


@fuzz(50)
@given(st.dictionaries(st.sampled_from(sorted(record_to_dict(espresso(1.0)))), json_values))
def test_fuzz_random_keys(data: dict[str, object]) -> None:
    _well_formed(data)
