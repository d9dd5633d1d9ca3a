"""Fuzzing the readers and the decoder: random and mutated input gives only ProfileError."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.espresso.profiles import (
    Profile,
    ProfileError,
    Step,
    decode_frames,
    encode_profile,
    read_profile,
)
from custom_components.kitchen_ble.library.espresso.profiles.errors import message_placeholders
from custom_components.kitchen_ble.library.espresso.profiles.json_v2 import profile_from_json
from custom_components.kitchen_ble.library.espresso.profiles.legacy import profile_from_legacy
from custom_components.kitchen_ble.library.espresso.profiles.tcl import split_dict

from .profile_strategies import FUZZ, profiles, steps

CORPUS = Path(__file__).parent / "profiles"
TEXTS = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.iterdir())]
JSON_FILES = [json.loads(text) for text in TEXTS if text.lstrip().startswith("{")]
TCL_FILES = [split_dict(text) for text in TEXTS if not text.lstrip().startswith("{")]
SPECIAL = '{}[]"\\ \n\t:,0123456789.-eE'

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["", "1", "-1", "99999", "nan", "pressure", "flow", "over", "fast"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _only_profile_errors(read: Any, *args: Any) -> None:
    """Call ``read``; a ProfileError must be well formed, anything else fails the test."""
    error: ProfileError | None = None
    try:
        read(*args)
    except ProfileError as err:
        error = err
    if error is not None:
        assert set(error.placeholders) == message_placeholders(error.key)
        assert str(error)


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 8)))
        insert = draw(st.text(alphabet=st.sampled_from(SPECIAL), max_size=3) | st.text(max_size=3))
        text = text[:start] + insert + text[end:]
    return text


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated_json(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(JSON_FILES))))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)))
        parent: Any = data
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()):
            parent[path[-1]] = draw(json_values)
        elif isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
    return data


@FUZZ
@given(st.text())
def test_random_text(text: str) -> None:
    _only_profile_errors(read_profile, text)


@FUZZ
@given(st.binary())
def test_random_bytes(data: bytes) -> None:
    _only_profile_errors(read_profile, data)


@FUZZ
@given(st.text(alphabet=st.sampled_from(SPECIAL + "abpx"), max_size=60).map(lambda t: "{" + t))
def test_random_json_like_text(text: str) -> None:
    _only_profile_errors(read_profile, text)


@FUZZ
@given(mutated_text())
def test_mutated_corpus_files(text: str) -> None:
    _only_profile_errors(read_profile, text)


@FUZZ
@given(mutated_json())
def test_mutated_json_structures(data: dict[str, Any]) -> None:
    _only_profile_errors(profile_from_json, data)
    _only_profile_errors(profile_from_legacy, data)


@FUZZ
@given(
    st.sampled_from(TCL_FILES),
    st.dictionaries(
        st.sampled_from(sorted({key for keys in TCL_FILES for key in keys})),
        st.text(alphabet=st.sampled_from(SPECIAL + "ab"), max_size=12) | json_values,
        max_size=4,
    ),
)
def test_mutated_legacy_keys(keys: dict[str, str], changes: dict[str, Any]) -> None:
    _only_profile_errors(profile_from_legacy, keys | changes)


@FUZZ
@given(st.dictionaries(st.text(max_size=30), json_values, max_size=8))
def test_random_legacy_dicts(keys: dict[str, Any]) -> None:
    _only_profile_errors(profile_from_legacy, {"profile_title": "x"} | keys)


@FUZZ
@given(st.binary(max_size=8), st.lists(st.binary(max_size=10), max_size=6))
def test_decode_random_bytes(header: bytes, frames: list[bytes]) -> None:
    _only_profile_errors(decode_frames, header, frames)


@FUZZ
@given(profiles, st.data())
def test_decode_mutated_uploads(profile: Profile, data: st.DataObject) -> None:
    upload = encode_profile(profile)
    frames = [upload.header, *upload.frames, *upload.extension_frames, upload.tail]
    index = data.draw(st.integers(0, len(frames) - 1))
    frame = bytearray(frames[index])
    position = data.draw(st.integers(0, len(frame) - 1))
    frame[position] = data.draw(st.integers(0, 255))
    frames[index] = bytes(frame)
    _only_profile_errors(decode_frames, frames[0], data.draw(st.permutations(frames[1:])))


any_floats = st.floats() | st.integers(-(10**6), 10**6).map(float)


@FUZZ
@given(steps, any_floats, st.sampled_from(["pressure", "flow", "temperature", "seconds", "volume"]))
def test_encoding_any_number_gives_only_profile_errors(
    step: Step, value: float, field: str
) -> None:
    profile = Profile(title="fuzz", steps=(replace(step, **{field: value}),))  # type: ignore[arg-type]
    _only_profile_errors(encode_profile, profile)
