"""Strict readers for stored data: ``from_dict`` raises ValueError, never TypeError.

Every reader raises ValueError (and nothing else) for any input: a huge integer
or a non-finite float is a broken file too, not an OverflowError later on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final

# Stored integers are counts, indices and probe numbers: JSON's 64-bit range is
# plenty, and anything beyond it would break later (formatting, JSON writers).
INT_MIN: Final = -(2**63)
INT_MAX: Final = 2**63 - 1

# The latest time the library keeps (epoch seconds, 9999-12-30T00:00:00Z): every
# time zone can still show it as a date, which a later instant may not be.
MAX_TIMESTAMP: Final = 253_402_128_000.0
MAX_TIMESTAMP_TEXT: Final = "9999-12-30T00:00:00+00:00"  # the same, for messages


def as_mapping(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name}: expected an object, got {type(value).__name__}")
    return value


def to_float(value: int | float) -> float:
    """A float for any int or float; integers beyond a float's range become ±inf."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def as_number(value: object, name: str) -> float:
    """Any number as a float, inf and NaN included, for a range check to judge."""
    # bool is an int subclass; True as a temperature is a corrupt file, not 1 °C
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: expected a number, got {_shown(value)}")
    return to_float(value)


def as_float(value: object, name: str) -> float:
    number = as_number(value, name)
    if not math.isfinite(number):
        raise ValueError(f"{name}: expected a finite number, got {_shown(value)}")
    return number


def as_opt_float(value: object, name: str) -> float | None:
    return None if value is None else as_float(value, name)


def as_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: expected an integer, got {_shown(value)}")
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(f"{name}: {_shown(value)} is beyond a 64-bit integer")
    return value


def as_opt_int(value: object, name: str) -> int | None:
    return None if value is None else as_int(value, name)


def as_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name}: expected a string, got {_shown(value)}")
    return value


def as_enum[E: StrEnum](kind: type[E], value: object, name: str) -> E:
    try:
        return kind(as_str(value, name))
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None


def as_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name}: expected true or false, got {_shown(value)}")
    return value


def as_list(value: object, name: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{name}: expected a list, got {type(value).__name__}")
    return list(value)


def _shown(value: object) -> str:
    """A value for an error message: short, and never an error itself.

    (The repr of an integer of thousands of digits raises ValueError, that of a
    deeply nested list RecursionError, and a long text makes a long message.)
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return f"an integer of about {int(math.log10(abs(value))) + 1} digits"
    if isinstance(value, str) and len(value) > 40:
        return f"{value[:40]!r}..."
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    return f"a value of type {type(value).__name__}"
