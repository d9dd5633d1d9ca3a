"""The guard that fails a test on a deprecation report must really catch one."""

from __future__ import annotations

import logging

from .conftest import deprecation_reports


def _record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("homeassistant.helpers.frame", level, __file__, 1, message, None, None)


def test_guard_catches_reports() -> None:
    records = [
        _record(logging.WARNING, "Detected that custom integration 'kitchen_ble' calls x"),
        _record(logging.WARNING, "X was used from kitchen_ble, this is a deprecated constant"),
        _record(logging.INFO, "nothing deprecated at info level counts"),
        _record(logging.WARNING, "an ordinary warning"),
    ]
    assert len(deprecation_reports(records)) == 2
