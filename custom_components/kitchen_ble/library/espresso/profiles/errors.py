"""Why a profile cannot be read or uploaded, as a translation key and its placeholders.

The Home Assistant layer turns ``PROFILE_ERROR_MESSAGES`` into translations; the
placeholder names are part of that contract. Steps are numbered from 1, as a
user counts them; ``field`` names the key of the file that was read (a JSON
path such as ``exit.value`` or a Tcl key such as ``exit_pressure_over``).
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Final

PROFILE_ERROR_MESSAGES: Final[dict[str, str]] = {
    "invalid_json": "The profile is not valid JSON: {reason}.",
    "invalid_tcl": "The Tcl profile cannot be read at line {line}: {reason}.",
    "not_a_profile": "This is not a DE1 profile: {reason}.",
    "profile_field_missing": "The profile has no {field}.",
    "profile_field_invalid": "The profile's {field} ({value}) is invalid: {reason}.",
    "profile_field_out_of_range": "The profile's {field} is {value}, outside {allowed}.",
    "step_count_out_of_range": (
        "The profile's {field} holds {value} steps; a DE1 profile holds {allowed}."
    ),
    "step_field_missing": "Step {step} has no {field}.",
    "step_field_invalid": "Step {step}'s {field} ({value}) is invalid: {reason}.",
    "step_field_out_of_range": "Step {step}'s {field} is {value}, outside {allowed}.",
    "frame_bytes_invalid": "The profile bytes cannot be decoded: {reason}.",
}


def message_placeholders(key: str) -> frozenset[str]:
    """The placeholder names the English message of ``key`` uses."""
    return frozenset(
        name for _, name, _, _ in Formatter().parse(PROFILE_ERROR_MESSAGES[key]) if name
    )


class ProfileError(Exception):
    """A profile that cannot be read, converted or encoded; says where and why.

    Construction checks that the placeholders are exactly the message's, so a
    mismatch shows up in the first test that raises it, not in a user's log.
    """

    def __init__(self, key: str, placeholders: Mapping[str, object]) -> None:
        if key not in PROFILE_ERROR_MESSAGES:
            raise TypeError(f"unknown profile error key {key!r}")
        names = frozenset(placeholders)
        if names != message_placeholders(key):
            raise TypeError(f"profile error {key!r} given placeholders {sorted(names)}")
        self.key = key
        self.placeholders: dict[str, str] = {
            name: str(value) for name, value in placeholders.items()
        }
        super().__init__(str(self))

    def __str__(self) -> str:
        return PROFILE_ERROR_MESSAGES[self.key].format_map(self.placeholders)


class TclParseError(ProfileError):
    """The text is not a well-formed Tcl list (unbalanced braces, quotes, …)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__("invalid_tcl", {"line": line, "reason": reason})
