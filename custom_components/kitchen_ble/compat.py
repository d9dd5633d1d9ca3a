"""Every difference between the Home Assistant releases we support, in one place.

Tested on 2026.2.3 (Python 3.13) and 2026.10.4 (Python 3.14); users run 2026.11.
Feature detection, never version numbers.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components import binary_sensor as _binary_sensor
from homeassistant.helpers import entity_registry as er

# 2026.10 moved the enum to binary_sensor.const and re-exports it implicitly
# only; the attribute exists in both releases.
BinarySensorDeviceClass = _binary_sensor.BinarySensorDeviceClass  # type: ignore[attr-defined,unused-ignore]


def entity_aliases(entry: er.RegistryEntry) -> list[Any]:
    """An entity's voice aliases as a list.

    2026.2 keeps them as a set of strings; 2026.10 as an ordered list in which
    a marker (``er.COMPUTED_NAME``, not a string) stands for the entity's own
    name. Anything that is not a string must be written back untouched.
    """
    return list(entry.aliases)


def aliases_to_store(entry: er.RegistryEntry, aliases: list[Any]) -> Any:
    """``aliases`` in the type this release's entity registry keeps them in."""
    current: object = entry.aliases
    return set(aliases) if isinstance(current, set) else aliases


__all__ = ["BinarySensorDeviceClass", "aliases_to_store", "entity_aliases"]
