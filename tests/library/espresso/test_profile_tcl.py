"""The Tcl list splitter against Tcl's list rules (profiles fact sheet §1.1)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.espresso.profiles import ProfileError, TclParseError
from custom_components.kitchen_ble.library.espresso.profiles.tcl import split_dict, split_list

from .profile_strategies import FUZZ

_ESCAPED = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\v": "\\v", "\f": "\\f"}


def tcl_quote(word: str) -> str:
    """How Tcl's ``list`` would write a word: braced when that is safe, else escaped."""
    if word == "":
        return "{}"
    depth = 0
    for char in word:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth == 0 and "\\" not in word:
        return "{" + word + "}"
    return "".join(
        _ESCAPED.get(char, "\\" + char if char in ' {}[]$;"\\' else char) for char in word
    )


def test_bare_and_braced_words() -> None:
    assert split_list("a {b c} {} d") == ["a", "b c", "", "d"]


def test_nested_braces_stay_literal() -> None:
    assert split_list("{exit_if 1 name {temp comp}} x") == ["exit_if 1 name {temp comp}", "x"]


def test_multi_line_braced_value() -> None:
    text = "profile_notes {line one\n  line {two}\nline three}\nprofile_title x"
    assert split_dict(text) == {
        "profile_notes": "line one\n  line {two}\nline three",
        "profile_title": "x",
    }


def test_backslash_hides_a_brace_from_the_count_but_stays_in_the_word() -> None:
    assert split_list(r"{a \} b} c") == [r"a \} b", "c"]


def test_quoted_words_are_substituted() -> None:
    assert split_list(r'"a b\tc" "x{y" "S\u00e9nac"') == ["a b\tc", "x{y", "Sénac"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (r"a\ b", "a b"),
        (r"\n\t\a\b\f\r\v", "\n\t\a\b\f\r\v"),
        (r"\x41\x4a4", "AJ4"),
        (r"\u00e9\U0001F600", "é😀"),
        (r"\101\7\400", "A\x07 0"),
        (r"\q\$\[", "q$["),
        (r"\xg", "xg"),
        ("\\U110000", "\U00011000" + "0"),
        ("a\\\n   b", "a b"),
        ("end\\", "end\\"),
        ("é…–°", "é…–°"),
    ],
)
def test_backslash_substitutions(text: str, word: str) -> None:
    assert split_list(text) == [word]


def test_float_noise_is_kept_as_text() -> None:
    assert split_dict("flow 6.000000000000007 x 6.9999999999999964") == {
        "flow": "6.000000000000007",
        "x": "6.9999999999999964",
    }


def test_no_evaluation_of_commands_or_variables() -> None:
    assert split_list("[exec rm] $HOME") == ["[exec", "rm]", "$HOME"]


def test_repeated_key_keeps_the_last_as_array_set() -> None:
    assert split_dict("a 1 a 2") == {"a": "2"}


def test_empty_text_is_an_empty_list() -> None:
    assert split_list(" \n\t ") == []


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("a {b c", "1", "unmatched open brace"),
        ('a\n"b c', "2", "unmatched open quote"),
        ("a\nb\n{c}d", "3", "list element in braces followed by 'd' instead of space"),
        ('"c"d', "1", "list element in quotes followed by 'd' instead of space"),
        ("a b c", "1", "3 words: a key/value list needs pairs"),
    ],
)
def test_malformed_lists(text: str, line: str, reason: str) -> None:
    with pytest.raises(TclParseError) as caught:
        split_dict(text)
    assert isinstance(caught.value, ProfileError)
    assert caught.value.key == "invalid_tcl"
    assert caught.value.placeholders == {"line": line, "reason": reason}


@FUZZ
@given(st.lists(st.text()))
def test_any_list_written_as_tcl_splits_back(words: list[str]) -> None:
    assert split_list(" ".join(tcl_quote(word) for word in words)) == words


@FUZZ
@given(st.lists(st.text(), max_size=6), st.sampled_from([" ", "\n", " \t "]))
def test_braced_lists_nest(words: list[str], separator: str) -> None:
    inner = separator.join(tcl_quote(word) for word in words)
    assert split_list(split_list("{" + inner + "}")[0]) == words


@FUZZ
@given(st.text(alphabet=st.sampled_from('ab {}"\\\n\tx0u\u00e9$[]')) | st.text())
def test_fuzz_only_tcl_parse_errors(text: str) -> None:
    with contextlib.suppress(TclParseError):  # anything else fails the test
        split_dict(text)
