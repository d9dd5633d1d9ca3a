"""Bounded fuzzing shared by the fuzz tests, and the values YAML and templates can produce.

Each fuzz test runs a few dozen to a few hundred examples so the whole set
takes seconds; ``KITCHEN_BLE_FUZZ_EXAMPLES`` (read once, here) asks every one
of them for that many instead, for a long run.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

_ASKED: Final = os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES")


def examples(default: int) -> int:
    """How many examples a fuzz test runs: ``default``, or what a long run asks for."""
    return int(_ASKED) if _ASKED else default


def fuzz(default: int = 200) -> settings:
    """Settings of one bounded fuzz test."""
    return settings(max_examples=examples(default), deadline=None)


def drawn[T](strategy: st.SearchStrategy[T], default: int) -> list[T]:
    """Examples drawn up front, for tests that run them on Home Assistant's event loop.

    (``@given`` cannot drive a coroutine; the examples lose shrinking, so the
    tests name the failing one in their assertion message.)
    """
    found: list[T] = []

    @settings(
        max_examples=examples(default),
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: T) -> None:
        found.append(value)

    collect()
    return found


# --- what YAML and templates produce --------------------------------------------------


def _powers(*exponents: int) -> st.SearchStrategy[int]:
    # built by map: hypothesis labels strategies by their repr, and 10**5000 has none
    return st.tuples(st.sampled_from((1, -1)), st.sampled_from(exponents)).map(
        lambda power: power[0] * 10 ** power[1]
    )


huge = _powers(19, 400)  # beyond 64 bits, beyond a float
# Beyond what str() writes (4300 digits): no YAML file or template gives one (both
# go through text), but Python callers and readers of stored data may meet one.
unprintable = _powers(4400, 5000)
NUMBER_TEXT: Final = ("inf", "-inf", "nan", "1e400", "-0", " 5 ", "1_000", "0x10", "1" * 5000)

numbers: st.SearchStrategy[Any] = st.one_of(
    st.integers(),
    st.floats(),  # NaN and both infinities included
    st.floats(min_value=-1e-300, max_value=1e-300),  # tiny, subnormal
    huge,
    st.sampled_from(NUMBER_TEXT),
    st.booleans(),
)
scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(), numbers, st.text(max_size=12), st.binary(max_size=4)
)
yaml_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=6) | st.integers(), children, max_size=3),
    ),
    max_leaves=6,
)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), huge, unprintable, st.text()),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)

zones = st.builds(
    timezone,
    st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23)),
)
datetimes: st.SearchStrategy[datetime] = st.one_of(
    st.datetimes(timezones=st.none() | zones),
    st.datetimes(min_value=datetime(9999, 12, 29), timezones=st.none() | zones),
    st.datetimes(max_value=datetime(1, 1, 2), timezones=st.none() | zones),
    st.datetimes(min_value=datetime(2030, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda when: when.replace(tzinfo=UTC)
    ),
)
date_texts: st.SearchStrategy[Any] = st.one_of(
    datetimes.map(datetime.isoformat),
    st.sampled_from(
        (
            "9999-12-31T23:59:59-12:00",
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+12:00",
            "9999-12-30T00:00:01+00:00",
            "2020-13-45T00:00",
            "2020-01-01T00:00+99:00",
            "2099-01-01T12:00:00+00:00",
        )
    ),
)


# --- mutated stored data ---------------------------------------------------------------


def _paths(tree: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree: the root, each key of a dict, each item of a list."""
    found = [path]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _paths(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += _paths(value, (*path, index))
    return found


def _replaced(tree: Any, path: tuple[Any, ...], value: Any, *, drop: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        copy = dict(tree)
        if drop and not rest:
            del copy[head]
        else:
            copy[head] = _replaced(tree[head], rest, value, drop=drop)
        return copy
    items = list(tree)
    if drop and not rest:
        del items[head]
    else:
        items[head] = _replaced(tree[head], rest, value, drop=drop)
    return items


@st.composite
def mutated(draw: st.DrawFn, tree: Any, values: st.SearchStrategy[Any] = json_values) -> Any:
    """``tree`` (JSON-like) with one to three places replaced by ``values`` or dropped."""
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(tree)))
        drop = bool(path) and draw(st.booleans())
        tree = _replaced(tree, path, None if drop else draw(values), drop=drop)
    return tree


@st.composite
def mutated_frame(draw: st.DrawFn, frame: bytes) -> bytes:
    """``frame`` with a few bytes changed, inserted, dropped, or cut short or made longer."""
    data = bytearray(frame)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        how = draw(st.sampled_from(("set", "insert", "drop", "cut", "extend")))
        index = draw(st.integers(min_value=0, max_value=len(data)))
        if how == "set" and index < len(data):
            data[index] = draw(st.integers(0, 255))
        elif how == "insert":
            data.insert(index, draw(st.integers(0, 255)))
        elif how == "drop" and index < len(data):
            del data[index]
        elif how == "cut":
            del data[index:]
        else:
            data += draw(st.binary(min_size=1, max_size=4))
    return bytes(data)


def frames(*valid: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, the valid frames themselves, and mutations of them."""
    return st.one_of(
        st.binary(max_size=40),
        st.sampled_from(valid),
        st.sampled_from(valid).flatmap(mutated_frame),
    )
