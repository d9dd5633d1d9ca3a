"""The user's shot notes: what is kept, and translated refusals for the rest."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.espresso.records import (
    RECORD_ERROR_MESSAGES,
    RecordError,
    ShotAnnotations,
    parse_annotations,
)
from custom_components.kitchen_ble.library.espresso.records.annotations import FIELDS
from custom_components.kitchen_ble.library.espresso.records.errors import message_placeholders
from tests.fuzz import fuzz, json_values, numbers, yaml_values


def test_every_note() -> None:
    notes = parse_annotations(
        {
            "bean": "  Ethiopia Shantawene ",
            "roaster": "Banibeans",
            "roast_date": "2026-05-01",
            "grinder": "EK43",
            "grinder_setting": 2.1,
            "dose": 18,
            "tds": 9.5,
            "extraction_yield": 21.3,
            "enjoyment": 70,
            "notes": "Juicy.",
        }
    )
    assert notes.bean == "Ethiopia Shantawene"
    assert notes.roast_date == date(2026, 5, 1)
    assert notes.grinder_setting == "2.1"
    assert notes.dose == 18.0
    assert isinstance(notes.dose, float)
    assert notes.to_dict()["roast_date"] == "2026-05-01"
    assert not notes.is_empty
    assert ShotAnnotations().is_empty


def test_update_sets_and_clears() -> None:
    notes = parse_annotations({"bean": "A", "dose": 18.0})
    changed = notes.updated({"bean": None, "grinder_setting": 12, "notes": "   "})
    assert changed == ShotAnnotations(dose=18.0, grinder_setting="12")
    assert parse_annotations({"roast_date": datetime(2026, 5, 1, 8, 30)}).roast_date == date(
        2026, 5, 1
    )


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({"colour": "red"}, "unknown_field", {"field": "colour"}),
        ({"bean": 5}, "value_not_text", {"field": "bean"}),
        ({"notes": "x" * 2001}, "text_too_long", {"field": "notes", "max": "2000"}),
        ({"grinder_setting": "x" * 33}, "text_too_long", {"field": "grinder_setting", "max": "32"}),
        ({"grinder_setting": 10**40}, "text_too_long", {"field": "grinder_setting", "max": "32"}),
        ({"grinder_setting": float("nan")}, "value_not_text", {"field": "grinder_setting"}),
        ({"dose": "18"}, "value_not_number", {"field": "dose"}),
        ({"dose": True}, "value_not_number", {"field": "dose"}),
        (
            {"dose": 0.5},
            "value_out_of_range",
            {"field": "dose", "value": "0.5", "min": "1", "max": "100"},
        ),
        (
            {"tds": float("nan")},
            "value_out_of_range",
            {"field": "tds", "value": "nan", "min": "0", "max": "30"},
        ),
        (
            {"enjoyment": 10**30},
            "value_out_of_range",
            {"field": "enjoyment", "value": "1e+30", "min": "0", "max": "100"},
        ),
        (
            {"extraction_yield": 41},
            "value_out_of_range",
            {"field": "extraction_yield", "value": "41", "min": "0", "max": "40"},
        ),
        (
            {"roast_date": "yesterday"},
            "value_not_date",
            {"field": "roast_date", "value": "yesterday"},
        ),
        (
            {"roast_date": "1899-12-31"},
            "value_not_date",
            {"field": "roast_date", "value": "1899-12-31"},
        ),
        ({"roast_date": 20260501}, "value_not_date", {"field": "roast_date", "value": "int"}),
    ],
)
def test_refusals_are_translated(
    data: dict[str, Any], key: str, placeholders: dict[str, str]
) -> None:
    with pytest.raises(RecordError) as err:
        parse_annotations(data)
    assert err.value.key == key
    assert err.value.placeholders == placeholders
    assert str(err.value) == RECORD_ERROR_MESSAGES[key].format_map(placeholders)


def test_not_a_mapping() -> None:
    with pytest.raises(RecordError) as err:
        parse_annotations(["bean"])  # type: ignore[arg-type]
    assert err.value.placeholders == {"field": "annotations"}


def test_error_construction_is_checked() -> None:
    with pytest.raises(TypeError, match="unknown record error key"):
        RecordError("no_such_key")
    with pytest.raises(TypeError, match="given placeholders"):
        RecordError("unknown_field", {"name": "x"})
    long = RecordError("unknown_field", {"field": "y" * 100})
    assert long.placeholders["field"] == "y" * 60 + "…"
    huge = RecordError("value_out_of_range", {"field": "f", "value": 10**5000, "min": 0, "max": 1})
    assert huge.placeholders["value"] == "1e+5000"


def test_every_message_has_its_placeholders_listed() -> None:
    for key in RECORD_ERROR_MESSAGES:
        assert message_placeholders(key) <= {"field", "reason", "max", "min", "value", "record"}


notes = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=5),
    st.one_of(numbers, yaml_values, json_values, st.dates(), st.text(max_size=40)),
    max_size=4,
)


@fuzz(300)
@given(notes)
def test_fuzz_only_record_errors(data: dict[str, Any]) -> None:
    error: RecordError | None = None
    try:
        parsed = parse_annotations(data)
    except RecordError as err:
        error = err
    if error is not None:
        assert set(error.placeholders) == message_placeholders(error.key)
    else:
        assert parse_annotations(parsed.to_dict()) == parsed
