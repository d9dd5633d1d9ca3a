"""Reading one profile or step field, shared by the JSON and the legacy readers.

Values come as JSON numbers or strings (de1app writes every number as a
string, profiles fact sheet §2.1) or as Tcl words. ``""`` and null mean absent
(§2.5). Numbers are kept to 4 decimals, which removes Tcl float noise such as
``6.000000000000007`` (pyDE1 does the same) and is far finer than any frame.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from .errors import ProfileError
from .limits import FieldRange, format_number

DECIMALS: Final = 4
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SHOWN_CHARACTERS: Final = 40


def is_absent(raw: object) -> bool:
    """Whether a value means "not given": missing, null or blank."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def show(raw: object) -> str:
    """A value as an error message quotes it, shortened."""
    if isinstance(raw, str):
        text = raw.strip()
    elif isinstance(raw, bool):
        text = "true" if raw else "false"
    elif isinstance(raw, int | float):
        text = format_number(float(raw)) if _finite(raw) else str(raw)
    else:
        text = "a list" if isinstance(raw, list) else "an object"
    return text if len(text) <= _SHOWN_CHARACTERS else text[: _SHOWN_CHARACTERS - 1] + "…"


def _finite(raw: float) -> bool:
    try:
        return math.isfinite(raw)
    except OverflowError:  # an int too large for a float
        return False


def to_number(raw: object) -> float | None:
    """A finite number from a JSON number or a decimal string; None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if not _NUMBER.fullmatch(text):
            return None
        raw = float(text)
    if not isinstance(raw, int | float) or not _finite(raw):
        return None
    return round(float(raw), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


class Fields:
    """The fields of one JSON object or Tcl key/value list, with errors that name them.

    ``step`` is the 1-based step number, or None for profile-level fields;
    ``prefix`` is put before the key in messages (``exit.``).
    """

    def __init__(self, source: Mapping[str, object], step: int | None, prefix: str = "") -> None:
        self.source = source
        self.step = step
        self.prefix = prefix

    def nested(self, key: str, source: Mapping[str, object]) -> Fields:
        """The fields of an object inside this one, e.g. a step's ``exit``."""
        return Fields(source, self.step, f"{self.prefix}{key}.")

    def name(self, key: str) -> str:
        """The field name as messages show it."""
        return self.prefix + key

    def _placeholders(self, key: str, **extra: object) -> dict[str, object]:
        where: dict[str, object] = {"field": self.name(key), **extra}
        if self.step is not None:
            where["step"] = self.step
        return where

    def _scope(self) -> str:
        return "profile" if self.step is None else "step"

    def missing(self, key: str) -> ProfileError:
        """The error for a required field that is absent."""
        return ProfileError(f"{self._scope()}_field_missing", self._placeholders(key))

    def invalid(self, key: str, raw: object, reason: str) -> ProfileError:
        """The error for a field whose value has the wrong form."""
        return ProfileError(
            f"{self._scope()}_field_invalid",
            self._placeholders(key, value=show(raw), reason=reason),
        )

    def out_of_range(self, key: str, value: float, allowed: FieldRange) -> ProfileError:
        """The error for a number outside what the field allows."""
        return ProfileError(
            f"{self._scope()}_field_out_of_range",
            self._placeholders(key, value=format_number(value), allowed=allowed.describe()),
        )

    def has(self, key: str) -> bool:
        """Whether the field is given (present and not blank)."""
        return not is_absent(self.source.get(key))

    def raw(self, key: str) -> object:
        """The value as read, or raise ``missing`` if it is absent."""
        raw = self.source.get(key)
        if is_absent(raw):
            raise self.missing(key)
        return raw

    def text(self, key: str, default: str | None = None) -> str:
        """A text field; ``default`` when absent, required (and not blank) when no default.

        Optional text keeps blanks as written (a step named with a space stays so);
        only a missing key, null or ``""`` take the default.
        """
        raw = self.source.get(key)
        if default is None:
            if is_absent(raw):
                raise self.missing(key)
        elif raw is None or raw == "":
            return default
        if not isinstance(raw, str):
            raise self.invalid(key, raw, "it must be text")
        return raw

    def number(
        self,
        key: str,
        allowed: FieldRange,
        default: float | None = None,
        *,
        zero_is_off: bool = False,
    ) -> float:
        """A number inside ``allowed``; with ``zero_is_off`` a value ≤ 0 reads as 0."""
        if not self.has(key):
            if default is None:
                raise self.missing(key)
            return default
        raw = self.source[key]
        value = to_number(raw)
        if value is None:
            raise self.invalid(key, raw, "it is not a number")
        if zero_is_off and value <= 0:
            return 0.0
        if not allowed.contains(value):
            raise self.out_of_range(key, value, allowed)
        return value

    def integer(self, key: str, allowed: FieldRange, default: int) -> int:
        """A whole number inside ``allowed`` (``"2"`` and ``2.0`` both read as 2)."""
        value = self.number(key, allowed, float(default))
        if value != int(value):
            raise self.invalid(key, self.source[key], "it must be a whole number")
        return int(value)

    def flag(self, key: str, default: bool) -> bool:
        """A 0/1 flag, also accepted as JSON true/false."""
        if not self.has(key):
            return default
        raw = self.source[key]
        if isinstance(raw, bool):
            return raw
        value = to_number(raw)
        if value not in (0.0, 1.0):
            raise self.invalid(key, raw, "it must be 0 or 1")
        return value == 1.0

    def choice[E: StrEnum](self, key: str, kind: type[E], default: E | None = None) -> E:
        """One of an enumeration's values, e.g. ``pump``; case and blanks are ignored."""
        text = self.text(key, None if default is None else default.value)
        try:
            return kind(text.strip().lower())
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise self.invalid(key, text, f"it must be one of {allowed}") from None
