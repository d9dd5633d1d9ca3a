"""read_profile: JSON or Tcl, from text or bytes (profiles fact sheet §2.4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.kitchen_ble.library.espresso.profiles import (
    ProfileError,
    export_json,
    read_profile,
    read_tcl_profile,
)

CORPUS = Path(__file__).parent / "profiles"
TCL = (CORPUS / "pressure_short_hold.tcl").read_text(encoding="utf-8")


def test_tcl_text_and_bytes() -> None:
    profile = read_tcl_profile(TCL)
    assert read_profile(TCL) == profile
    assert read_profile(TCL.encode()) == profile


def test_byte_order_mark_and_leading_blanks_are_skipped() -> None:
    profile = read_tcl_profile(TCL)
    text = export_json(profile)
    assert read_profile("\ufeff\n  " + text) == profile
    assert read_profile(b"\xef\xbb\xbf" + TCL.encode()) == profile


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (b"\xff\xfe", "not_a_profile", "the file is not UTF-8 text"),
        ("", "not_a_profile", "the text is empty"),
        (" \n ", "not_a_profile", "the text is empty"),
        (
            '{"title": "no steps"}',
            "not_a_profile",
            "the JSON has neither steps (JSON v2) nor de1app profile keys",
        ),
        ("[]", "not_a_profile", "the JSON is not an object"),
    ],
)
def test_what_is_not_a_profile(text: str | bytes, key: str, reason: str) -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile(text)
    assert (caught.value.key, caught.value.placeholders) == (key, {"reason": reason})


def test_invalid_json_says_why() -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile('{"steps": [}')
    assert caught.value.key == "invalid_json"
    assert caught.value.placeholders["reason"].startswith("Expecting value")


def test_flat_dump_with_only_a_title_is_read_as_legacy() -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile('{"profile_title": "x", "settings_profile_type": "settings_2c"}')
    assert caught.value.placeholders == {"field": "advanced_shot"}


def test_text_that_is_tcl_but_no_profile() -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile("hello world")
    assert (caught.value.key, caught.value.placeholders) == (
        "profile_field_missing",
        {"field": "profile_title"},
    )
