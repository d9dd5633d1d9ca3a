"""What the user notes about a shot: bean, roaster, grinder, dose, TDS, taste.

``parse_annotations`` reads a whole set (stored data, or a service call) and
``ShotAnnotations.updated`` applies a partial change (``None`` clears a note);
both refuse what no person means with a ``RecordError`` whose key and
placeholders (``field``, ``max``, ``value``, ``min``) the translations use.
Text is stripped and an empty text is no note; numbers are finite and in range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, Final

from .errors import RecordError

MAX_NAME_LENGTH: Final = 100  # bean, roaster, grinder
MAX_SETTING_LENGTH: Final = 32  # "2.1", "12 clicks", "3 rotations + 4"
MAX_NOTES_LENGTH: Final = 2000

# field → (min, max); dose in g, TDS and extraction yield in %, enjoyment de1app's 0-100
NUMBER_RANGES: Final[dict[str, tuple[float, float]]] = {
    "dose": (1.0, 100.0),
    "tds": (0.0, 30.0),
    "extraction_yield": (0.0, 40.0),
    "enjoyment": (0.0, 100.0),
}
TEXT_LIMITS: Final[dict[str, int]] = {
    "bean": MAX_NAME_LENGTH,
    "roaster": MAX_NAME_LENGTH,
    "grinder": MAX_NAME_LENGTH,
    "grinder_setting": MAX_SETTING_LENGTH,
    "notes": MAX_NOTES_LENGTH,
}
FIRST_ROAST_DATE: Final = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class ShotAnnotations:
    """Every note is optional; frozen so every instance has passed the validator."""

    bean: str | None = None
    roaster: str | None = None
    roast_date: date | None = None
    grinder: str | None = None
    grinder_setting: str | None = None
    dose: float | None = None  # g, as the user weighed it
    tds: float | None = None  # %
    extraction_yield: float | None = None  # %
    enjoyment: float | None = None  # 0-100
    notes: str | None = None

    def updated(self, changes: Mapping[str, object]) -> ShotAnnotations:
        """These notes with ``changes`` applied; a ``None`` value clears that note."""
        return replace(self, **_checked(changes))

    def to_dict(self) -> dict[str, Any]:
        """Only the notes that are set; the date as ISO text."""
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is not None:
                data[item.name] = value.isoformat() if isinstance(value, date) else value
        return data

    @property
    def is_empty(self) -> bool:
        return not self.to_dict()


FIELDS: Final = tuple(item.name for item in fields(ShotAnnotations))


def parse_annotations(data: Mapping[str, object]) -> ShotAnnotations:
    """A whole set of notes; missing ones are unset."""
    return ShotAnnotations(**_checked(data))


def _checked(data: Mapping[str, object]) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise RecordError("value_not_text", {"field": "annotations"})
    checked: dict[str, Any] = {}
    for name, value in data.items():
        if name not in FIELDS:
            raise RecordError("unknown_field", {"field": name})
        checked[name] = None if value is None else _value(name, value)
    return checked


def _value(name: str, value: object) -> object:
    if name in NUMBER_RANGES:
        return _number(name, value)
    if name == "roast_date":
        return _date(value)
    if name == "grinder_setting" and isinstance(value, int | float) and not isinstance(value, bool):
        value = _setting_text(name, value)  # "2.1" sent as a number by a service call
    return _text(name, value)


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError("value_not_number", {"field": name})
    low, high = NUMBER_RANGES[name]
    # the negated form rejects NaN too; huge integers compare without overflow
    if not low <= value <= high:
        raise RecordError(
            "value_out_of_range", {"field": name, "value": value, "min": low, "max": high}
        )
    return float(value)


def _setting_text(name: str, value: float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise RecordError("value_not_text", {"field": name})
    if isinstance(value, int) and abs(value) >= 10**MAX_SETTING_LENGTH:
        raise RecordError("text_too_long", {"field": name, "max": MAX_SETTING_LENGTH})
    return format(value, "g") if isinstance(value, float) else str(value)


def _text(name: str, value: object) -> str | None:
    if not isinstance(value, str):
        raise RecordError("value_not_text", {"field": name})
    text = value.strip()
    if len(text) > TEXT_LIMITS[name]:
        raise RecordError("text_too_long", {"field": name, "max": TEXT_LIMITS[name]})
    return text or None


def _date(value: object) -> date:
    if isinstance(value, date):  # a datetime is a date too: keep its day
        day = date(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise RecordError("value_not_date", {"field": "roast_date", "value": value}) from None
    else:
        raise RecordError("value_not_date", {"field": "roast_date", "value": type(value).__name__})
    if day < FIRST_ROAST_DATE:
        raise RecordError("value_not_date", {"field": "roast_date", "value": day.isoformat()})
    return day
