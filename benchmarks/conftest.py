"""Fixtures of the benchmarks (the tests' own) and the table printed at the end."""

from __future__ import annotations

import logging
import platform
from collections.abc import Iterator

import pytest
from homeassistant.const import __version__ as HA_VERSION

from benchmarks import report

# The tests' fixtures: custom integrations enabled, no connect back-off sleeps,
# and ``virtual_proxy`` (a proxy with 3 slots whose time the benchmark drives).
from tests.conftest import (  # noqa: F401
    auto_enable_custom_integrations,
    no_connect_backoff,
    virtual_proxy,
)


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """Replaces the plugin's fixture of that name: asyncio debug mode stays off.

    It is on in tests (slow-callback checks, coroutine origins), which would
    make every figure larger than in a production Home Assistant. The plugin's
    fixture is the only thing that turns it on, so this one does nothing and
    the loop keeps asyncio's default (off, unless PYTHONASYNCIODEBUG or
    ``-X dev`` asks for it). It does not touch the loop: there is none running
    yet (``asyncio.get_event_loop()`` here is deprecated), and an async fixture
    would run before the stable harness's ``verify_cleanup`` and point it at
    the test's loop, where the harness's own mocked adapter leaves a timer.
    """


@pytest.fixture(autouse=True)
def production_log_level() -> Iterator[None]:
    """Log at WARNING, not the plugin's INFO.

    pytest keeps every captured record in memory for its report, which a
    production Home Assistant does not: at INFO, set-up messages alone (one
    per entity registered) would count as memory of the integration.
    """
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    yield
    root.setLevel(level)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One table of every figure recorded, in the order they were measured."""
    if not report.FIGURES and not report.NOTES:
        return
    terminalreporter.write_sep(
        "=",
        f"Kitchen BLE benchmarks (Home Assistant {HA_VERSION}, Python {platform.python_version()})",
    )
    for line in report.table(report.FIGURES):
        terminalreporter.write_line(line)
    if report.NOTES:
        terminalreporter.write_line("")
        for text in report.NOTES:
            terminalreporter.write_line(text)
    missed = [figure.name for figure in report.FIGURES if figure.meets_aim is False]
    if missed:
        terminalreporter.write_line("")
        terminalreporter.write_line(f"over aim: {len(missed)} of {len(report.FIGURES)} figures")
