"""Faults of the emulated DE1 end in a sane state, with nothing unhandled in the log.

At connection time (no free slot, reads that time out, garbled answers, a
silent or a slow machine) and while it runs (garbled ShotSamples):
the machine is connected or cleanly not, no stale value is shown, and once
the fault is gone it comes back by itself with its values. (The link dropped mid-shot, a
machine its tablet holds, a group head controller and an ignored start have
their own tests in test_espresso_starts.py and test_espresso_config_flow.py.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from emulator.de1 import DE1Device
from emulator.faults import Fault
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, settle
from .espresso import add_de1, advance, connected_de1, link_of, setup_de1, state

COORDINATOR = "custom_components.kitchen_ble.coordinator"


@pytest.fixture(autouse=True)
def quick_attempts() -> Iterator[None]:
    """No pause after a failed attempt, and a hung set-up given up after 3 s, not 30 s."""
    with (
        patch(f"{COORDINATOR}.CONNECT_BACKOFF_SECONDS", 0),
        patch(f"{COORDINATOR}.SETUP_TIMEOUT_SECONDS", 3),
    ):
        yield


async def _comes_back(hass: HomeAssistant, proxy: VirtualProxy, device: DE1Device) -> None:
    """The fault is gone: the machine's next advertisements bring it back.

    Real time, not a frozen clock: the emulator's read timeouts and the
    driver's answer timeouts run on the event loop's own clock.
    """
    device.faults.clear()
    for _ in range(10):
        proxy.tick(1)
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=5))  # presence check
        await settle(hass)


@pytest.fixture(autouse=True)
def no_pause_after_a_failed_attempt() -> Iterator[None]:
    with patch("custom_components.kitchen_ble.coordinator.CONNECT_BACKOFF_SECONDS", 0):
        yield


@pytest.mark.parametrize(
    "fault", [Fault.NO_FREE_SLOT, Fault.READ_TIMEOUT, Fault.MALFORMED, Fault.SILENT, Fault.SLOW]
)
async def test_a_fault_at_connection_and_back(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
) -> None:
    device = await add_de1(hass, virtual_proxy, awake=True)
    device.faults.set(fault)
    entry = await setup_de1(hass, device)
    assert entry.state is ConfigEntryState.LOADED
    link = link_of(entry)
    if not link.connected:  # refused or not answered: nothing stale is shown
        assert state(hass, device, "sensor", "machine_state") == "unavailable"
        assert state(hass, device, "binary_sensor", "connection") == "off"
    await _comes_back(hass, virtual_proxy, device)
    assert link.connected
    assert state(hass, device, "sensor", "machine_state") == "idle"
    assert state(hass, device, "binary_sensor", "connection") == "on"
    assert_no_errors(caplog)


async def test_garbled_shot_samples_are_ignored_and_the_link_stays(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 3, 0.25)
    before = state(hass, device, "sensor", "group_temperature")
    device.machine_faults.malformed_shot_sample = True
    await advance(hass, freezer, virtual_proxy, 5, 0.25)
    assert link_of(entry).connected
    assert state(hass, device, "sensor", "group_temperature") == before  # no garbage shown
    device.machine_faults.malformed_shot_sample = False
    await advance(hass, freezer, virtual_proxy, 3, 0.25)
    assert state(hass, device, "sensor", "group_temperature") not in ("unknown", "unavailable")
    assert_no_errors(caplog)
