"""A scale that sleeps is left alone, and taken back within seconds once it wakes.

A sleeping scale does not advertise (scales.md §2.6: auto-off ends the
session, every reference client treats the disconnect as routine). The link
tries again only on an advertisement newer than its last attempt, so ten
minutes of sleep cost no connection attempt at all; the first advertisement
after waking brings the scale back. Every fault of the emulator ends in a
sane state: unavailable after the grace period, back by itself once the
fault is gone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from custom_components.kitchen_ble import coordinator
from emulator.faults import Fault
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, settle
from .scales import (
    FAMILIES,
    add_scale,
    connected_scale,
    link_of,
    quick_skale,  # noqa: F401  (fixture)
    run,
    setup_scale,
    state,
    without_core_scales,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.usefixtures("without_core_scales", "quick_skale")


@pytest.fixture
def attempts() -> Iterator[list[str]]:
    """Every connection attempt of a link, by address."""
    made: list[str] = []
    real = coordinator.async_connect

    async def counted(hass: HomeAssistant, address: str, *args: Any) -> Any:
        made.append(address)
        return await real(hass, address, *args)

    with patch.object(coordinator, "async_connect", counted):
        yield made


@pytest.fixture
def no_backoff() -> Iterator[None]:
    """The pause after a failed try runs on the real monotonic clock, not the frozen one."""
    with patch.object(coordinator, "CONNECT_BACKOFF_SECONDS", 0):
        yield


async def _minutes_pass(
    hass: HomeAssistant, proxy: VirtualProxy, freezer: FrozenDateTimeFactory, minutes: int
) -> None:
    """Home Assistant's clock and the scale's move on together, 5 s at a time."""
    for _ in range(minutes * 12):
        freezer.tick(timedelta(seconds=5))
        proxy.tick(5)
        async_fire_time_changed(hass)
        await settle(hass)


# Families whose handshake never sleeps: under a frozen clock the others' would not end.
@pytest.mark.parametrize("model", ["felicita_arc", "bookoo_themis"])
async def test_a_sleeping_scale_costs_no_attempt_and_is_back_seconds_after_waking(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    attempts: list[str],
    model: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device = await add_scale(hass, virtual_proxy, model)
    entry = await setup_scale(hass, device, model)
    link = link_of(entry)
    assert link.connected
    assert attempts == [device.address]

    device.sleep()  # auto-off: the link drops, the scale stops advertising
    await settle(hass)
    await _minutes_pass(hass, virtual_proxy, freezer, 10)
    assert attempts == [device.address], "no attempt against a scale that is off"
    assert state(hass, device, "sensor", "weight") == STATE_UNAVAILABLE
    lost = [r for r in caplog.records if r.levelno == logging.INFO and "is unavailable" in r.msg]
    assert len(lost) == 1, "said once"

    device.wake()  # it advertises again
    for _ in range(6):  # within seconds: the next presence check (every 5 s) at the latest
        freezer.tick(timedelta(seconds=1))
        virtual_proxy.tick(1)
        async_fire_time_changed(hass)
        await settle(hass)
    assert link.connected, (attempts, link.last_error)
    assert len(attempts) == 2
    assert state(hass, device, "sensor", "weight") != STATE_UNAVAILABLE
    await hass.config_entries.async_unload(entry.entry_id)
    assert_no_errors(caplog)


async def test_a_scale_its_phone_holds_is_told_once_and_taken_when_let_go(
    no_backoff: None,
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    attempts: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # (a family whose handshake never sleeps: the frozen clock would stop it)
    device = await add_scale(hass, virtual_proxy, "felicita_arc")
    entry = await setup_scale(hass, device, "felicita_arc")
    link = link_of(entry)
    await link.async_set_hold_connection(False)  # released for the phone app
    assert device.hold_by_other_central()
    await link.async_set_hold_connection(True)  # and wanted back while the phone has it
    await settle(hass)
    await _minutes_pass(hass, virtual_proxy, freezer, 10)
    assert not link.connected
    assert len(attempts) <= 2, "one try at most against a held scale"
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.INFO and "is unavailable" in r.msg
    ]
    assert len(lines) == 1
    assert "connected to its phone app" in lines[0], "says why it may be away"

    device.release_other_central()  # the phone lets go: the scale advertises again
    for _ in range(3):
        freezer.tick(timedelta(seconds=5))
        virtual_proxy.tick(5)
        async_fire_time_changed(hass)
        await settle(hass)
    assert link.connected
    await hass.config_entries.async_unload(entry.entry_id)
    assert_no_errors(caplog)


FAULTS = [
    Fault.DROP_LINK,
    Fault.SILENT,
    Fault.NO_FREE_SLOT,
    Fault.MALFORMED,
    Fault.READ_TIMEOUT,
    Fault.SLOW,
]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("model", FAMILIES)
async def test_every_fault_ends_sane_and_the_scale_comes_back(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    model: str,
    fault: Fault,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Real time (emulator timeouts run on the loop's clock); grace skipped by firing timers."""
    device, entry = await connected_scale(hass, virtual_proxy, model)
    link = link_of(entry)
    device.place(50.0)
    await run(hass, virtual_proxy, 2.0, real=True)
    device.faults.set(fault)
    if fault in (Fault.DROP_LINK, Fault.SILENT, Fault.NO_FREE_SLOT):
        device.drop_link()
    await run(hass, virtual_proxy, 1.0, real=True)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))  # the grace
    await settle(hass)
    shown = state(hass, device, "sensor", "weight")
    if link.connected:
        assert float(shown) == pytest.approx(50.0, abs=0.3), "only good readings shown"
    else:
        assert shown == STATE_UNAVAILABLE, "no stale weight"

    device.faults.clear()
    with patch.object(coordinator, "CONNECT_BACKOFF_SECONDS", 0):
        for _ in range(10):
            await run(hass, virtual_proxy, 0.5, real=True)
            async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
            await settle(hass)
            if link.connected:
                break
    await run(hass, virtual_proxy, 1.0, real=True)
    assert link.connected
    assert float(state(hass, device, "sensor", "weight")) == pytest.approx(50.0, abs=0.3)
    await hass.config_entries.async_unload(entry.entry_id)
    assert_no_errors(caplog)
