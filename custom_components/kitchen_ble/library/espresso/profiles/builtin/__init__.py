"""Profiles shipped with the integration, written for it as JSON v2.1 files beside this one."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from ..json_v2 import read_json_profile
from ..model import Profile


@cache
def _load() -> tuple[Profile, ...]:
    entries = sorted(
        (entry for entry in files(__name__).iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )
    return tuple(read_json_profile(entry.read_text(encoding="utf-8")) for entry in entries)


def builtin_profiles() -> list[Profile]:
    """The built-in profiles, in file-name order."""
    return list(_load())
