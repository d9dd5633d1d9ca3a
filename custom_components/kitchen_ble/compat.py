"""Every difference between the Home Assistant releases we support, in one place.

Tested on 2026.2.3 (Python 3.13) and 2026.10.4 (Python 3.14); users run 2026.11.
Feature detection, never version numbers.
"""

from __future__ import annotations

from homeassistant.components import binary_sensor as _binary_sensor

# 2026.10 moved the enum to binary_sensor.const and re-exports it implicitly
# only; the attribute exists in both releases.
BinarySensorDeviceClass = _binary_sensor.BinarySensorDeviceClass  # type: ignore[attr-defined,unused-ignore]

__all__ = ["BinarySensorDeviceClass"]
