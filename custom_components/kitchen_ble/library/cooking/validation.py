"""Strict readers for stored data: ``from_dict`` raises ValueError, never TypeError."""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any


def as_mapping(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name}: expected an object, got {type(value).__name__}")
    return value


def as_float(value: object, name: str) -> float:
    # bool is an int subclass; True as a temperature is a corrupt file, not 1 °C
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return float(value)


def as_opt_float(value: object, name: str) -> float | None:
    return None if value is None else as_float(value, name)


def as_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    return value


def as_opt_int(value: object, name: str) -> int | None:
    return None if value is None else as_int(value, name)


def as_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name}: expected a string, got {value!r}")
    return value


def as_enum[E: StrEnum](kind: type[E], value: object, name: str) -> E:
    try:
        return kind(as_str(value, name))
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None


def as_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name}: expected true or false, got {value!r}")
    return value


def as_list(value: object, name: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{name}: expected a list, got {type(value).__name__}")
    return list(value)
