"""The error contract the Home Assistant layer translates."""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.espresso.profiles import (
    PROFILE_ERROR_MESSAGES,
    ProfileError,
    TclParseError,
)
from custom_components.kitchen_ble.library.espresso.profiles.errors import message_placeholders


def test_every_key_and_its_placeholders() -> None:
    assert {key: sorted(message_placeholders(key)) for key in PROFILE_ERROR_MESSAGES} == {
        "invalid_json": ["reason"],
        "invalid_tcl": ["line", "reason"],
        "not_a_profile": ["reason"],
        "profile_field_missing": ["field"],
        "profile_field_invalid": ["field", "reason", "value"],
        "profile_field_out_of_range": ["allowed", "field", "value"],
        "step_count_out_of_range": ["allowed", "field", "value"],
        "step_field_missing": ["field", "step"],
        "step_field_invalid": ["field", "reason", "step", "value"],
        "step_field_out_of_range": ["allowed", "field", "step", "value"],
        "frame_bytes_invalid": ["reason"],
    }


def test_english_message_and_string_placeholders() -> None:
    error = ProfileError(
        "step_field_out_of_range",
        {"step": 2, "field": "pressure", "value": "16", "allowed": "0–15.9375 bar"},
    )
    assert error.placeholders == {
        "step": "2",
        "field": "pressure",
        "value": "16",
        "allowed": "0–15.9375 bar",
    }
    assert str(error) == "Step 2's pressure is 16, outside 0–15.9375 bar."
    assert error.args == ("Step 2's pressure is 16, outside 0–15.9375 bar.",)


def test_tcl_parse_error_is_a_profile_error() -> None:
    error = TclParseError(3, "unmatched open brace")
    assert isinstance(error, ProfileError)
    assert (error.key, error.placeholders) == (
        "invalid_tcl",
        {"line": "3", "reason": "unmatched open brace"},
    )
    assert str(error) == "The Tcl profile cannot be read at line 3: unmatched open brace."


def test_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="unknown profile error key"):
        ProfileError("no_such_key", {})


def test_placeholders_must_match_the_message() -> None:
    with pytest.raises(TypeError, match="given placeholders"):
        ProfileError("profile_field_missing", {"field": "title", "step": 1})
