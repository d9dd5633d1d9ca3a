"""Why shot data or a user's shot notes are refused: a translation key and its placeholders.

The Home Assistant layer turns ``RECORD_ERROR_MESSAGES`` into translations; the
placeholder names are part of that contract (the same shape as the profile
package's errors). ``RecordError`` is a ValueError, so a damaged stored file
fails the way the cooking and brewing readers do.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from string import Formatter
from typing import Final

RECORD_ERROR_MESSAGES: Final[dict[str, str]] = {
    "stored_invalid": "Stored espresso data is damaged at {field}: {reason}.",
    "unknown_field": "{field} is not a shot note this integration keeps.",
    "value_not_text": "{field} must be text.",
    "text_too_long": "{field} is longer than {max} characters.",
    "value_not_number": "{field} must be a number.",
    "value_out_of_range": "{field} is {value}, outside {min} to {max}.",
    "value_not_date": "{field} ({value}) is not a date (YYYY-MM-DD).",
    "recording_closed": "The shot recording {record} is already closed.",
    "credentials_invalid": "The Visualizer credentials cannot be used: {reason}.",
}


def message_placeholders(key: str) -> frozenset[str]:
    """The placeholder names the English message of ``key`` uses."""
    return frozenset(
        name for _, name, _, _ in Formatter().parse(RECORD_ERROR_MESSAGES[key]) if name
    )


def placeholder_text(value: object) -> str:
    """A placeholder value as text: numbers with ``g``, never an error itself."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return format(Decimal(value).normalize(), ".6g")  # str() refuses 4300+ digits
    if isinstance(value, float):
        return format(value, "g")
    text = str(value)
    return text if len(text) <= 60 else f"{text[:60]}…"


class RecordError(ValueError):
    """Refused shot data: ``key`` is a translation key, ``placeholders`` its values (text).

    Construction checks that the placeholders are exactly the message's, so a
    mismatch shows in the first test that raises it, not in a user's log.
    """

    def __init__(self, key: str, placeholders: Mapping[str, object] | None = None) -> None:
        if key not in RECORD_ERROR_MESSAGES:
            raise TypeError(f"unknown record error key {key!r}")
        values = dict(placeholders or {})
        if frozenset(values) != message_placeholders(key):
            raise TypeError(f"record error {key!r} given placeholders {sorted(values)}")
        self.key = key
        self.placeholders: dict[str, str] = {
            name: placeholder_text(value) for name, value in values.items()
        }
        super().__init__(RECORD_ERROR_MESSAGES[key].format_map(self.placeholders))


def stored_invalid(field: str, reason: str) -> RecordError:
    """The error of a damaged stored record, queue or counter file."""
    return RecordError("stored_invalid", {"field": field, "reason": reason})
