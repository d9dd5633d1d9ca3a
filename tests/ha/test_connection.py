"""Connection lifecycle: drops, grace period, reconnects, release, faults, unload."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from unittest.mock import patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from custom_components.kitchen_ble.const import (
    DOMAIN,
    PRESENCE_CHECK_SECONDS,
    UNAVAILABLE_GRACE_SECONDS,
)
from emulator.faults import Fault
from emulator.igrill import IGrillDevice
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device, state_of

COORDINATOR = "custom_components.kitchen_ble.coordinator"


@pytest.fixture(autouse=True)
def fast_retries() -> Iterator[None]:
    """No pause between attempts: each test drives advertisements itself."""
    with (
        patch(f"{COORDINATOR}.CONNECT_BACKOFF_SECONDS", 0),
        patch("custom_components.kitchen_ble.devices.igrill.driver.HANDSHAKE_RETRY_DELAY", 0),
    ):
        yield


async def _pass_time(hass: HomeAssistant, seconds: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await settle(hass)


async def _advertise(hass: HomeAssistant, proxy: VirtualProxy) -> None:
    """The device advertises; the presence check notices within its interval."""
    proxy.tick(1)
    await _pass_time(hass, PRESENCE_CHECK_SECONDS)


async def _drop(hass: HomeAssistant, device: IGrillDevice) -> None:
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)


async def test_drop_grace_unavailable_and_back(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.kitchen_ble")
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    entities_before = len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id))
    probe = entity_id(hass, device, "probe_1")

    device.faults.set(Fault.SILENT)  # switched off: drops and stops advertising
    await _drop(hass, device)
    assert not entry.runtime_data.connected
    assert state_of(hass, device, "connection", "binary_sensor") == STATE_OFF
    # A blip is not an outage: values stay until the grace period is over.
    assert hass.states.get(probe).state != STATE_UNAVAILABLE
    await _pass_time(hass, UNAVAILABLE_GRACE_SECONDS + 1)
    assert hass.states.get(probe).state == STATE_UNAVAILABLE
    assert state_of(hass, device, "connection", "binary_sensor") == STATE_OFF
    assert state_of(hass, device, "hold_connection", "switch") == STATE_ON

    device.faults.clear()  # switched on again: the next advertisement brings it back
    await _advertise(hass, virtual_proxy)
    assert entry.runtime_data.connected
    assert hass.states.get(probe).state not in (STATE_UNAVAILABLE, "unknown")
    entities_after = len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id))
    assert entities_after == entities_before
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("custom_components")]
    assert sum("is unavailable" in m for m in messages) == 1
    assert sum("is available again" in m for m in messages) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_reconnect_within_grace_keeps_entities_available(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.kitchen_ble")
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    entry = await setup_device(hass, device, "igrill_mini")
    probe = entity_id(hass, device, "probe_1")
    await _drop(hass, device)
    await _advertise(hass, virtual_proxy)  # the device advertises again at once
    assert entry.runtime_data.connected
    await _pass_time(hass, UNAVAILABLE_GRACE_SECONDS + 1)
    assert hass.states.get(probe).state != STATE_UNAVAILABLE
    assert entry.runtime_data.connect_count == 2
    assert not any("unavailable" in r.getMessage() for r in caplog.records)


async def test_no_blind_retry_without_advertisements(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    device.faults.set(Fault.SILENT)
    await _drop(hass, device)
    with patch(f"{COORDINATOR}.async_connect") as connect:
        for _ in range(5):
            await _pass_time(hass, 60)
        connect.assert_not_called()
    assert not entry.runtime_data.connected


async def test_backoff_after_failed_attempt(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """A device that refuses us is not hammered on every advertisement."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.faults.set(Fault.REFUSE_HANDSHAKE)
    with patch(f"{COORDINATOR}.CONNECT_BACKOFF_SECONDS", 3600):
        entry = await setup_device(hass, device, "igrill_v2")
        coordinator = entry.runtime_data
        assert not coordinator.connected
        assert coordinator.last_error == "setup_failed"
        assert not device.connected, "a failed handshake must not keep the link"
        device.faults.clear()
        with patch(f"{COORDINATOR}.async_connect") as connect:
            await _advertise(hass, virtual_proxy)
            connect.assert_not_called()
    assert hass.states.get(entity_id(hass, device, "probe_1")).state == STATE_UNAVAILABLE


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault.NO_FREE_SLOT, "no_free_slot"),
        (Fault.REFUSE_HANDSHAKE, "setup_failed"),
        (Fault.READ_TIMEOUT, "setup_failed"),
    ],
)
async def test_connect_faults_end_in_a_sane_state(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    reason: str,
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v3")
    device.faults.set(fault)
    entry = await setup_device(hass, device, "igrill_v3")
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.last_error == reason
    assert not device.connected
    assert hass.states.get(entity_id(hass, device, "probe_1")).state == STATE_UNAVAILABLE
    device.faults.clear()
    await _advertise(hass, virtual_proxy)
    assert entry.runtime_data.connected
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and "kitchen" in r.name]


async def test_malformed_notifications_are_ignored(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    before = state_of(hass, device, "probe_1")
    device.faults.set(Fault.MALFORMED)
    virtual_proxy.tick(5)
    await settle(hass)
    assert entry.runtime_data.connected
    assert state_of(hass, device, "probe_1") == before
    device.faults.clear()
    virtual_proxy.tick(600)
    await settle(hass)
    assert state_of(hass, device, "probe_1") != before
    assert "Traceback" not in caplog.text


async def test_poll_timeout_keeps_the_link(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v3", battery=80)
    entry = await setup_device(hass, device, "igrill_v3")
    device.faults.set(Fault.READ_TIMEOUT)
    await _pass_time(hass, entry.runtime_data.driver.poll_interval + 1)
    assert entry.runtime_data.connected
    device.faults.clear()
    await _pass_time(hass, entry.runtime_data.driver.poll_interval + 1)
    assert state_of(hass, device, "battery") in {"79", "80"}


async def test_release_and_take_back(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    switch = entity_id(hass, device, "hold_connection", "switch")

    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    await settle(hass)
    assert not device.connected, "the device is free for the phone app"
    assert hass.states.get(switch).state == STATE_OFF
    assert hass.states.get(entity_id(hass, device, "probe_1")).state == STATE_UNAVAILABLE
    await _advertise(hass, virtual_proxy)  # it advertises, but we stay away
    assert not device.connected

    # The choice survives a reload.
    await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)
    await _advertise(hass, virtual_proxy)
    assert not device.connected

    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    await settle(hass)
    assert device.connected
    assert hass.states.get(switch).state == STATE_ON
    assert hass.states.get(entity_id(hass, device, "probe_1")).state != STATE_UNAVAILABLE


async def test_unload_disconnects_and_cancels(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    assert device.connected
    assert await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not device.connected
    await _advertise(hass, virtual_proxy)  # no listener is left to reconnect
    assert not device.connected
    assert hass.states.get(entity_id(hass, device, "probe_1")).state == STATE_UNAVAILABLE


async def test_unload_during_connect(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    """Unloading while a slow connection is under way cancels it cleanly."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.faults.set(Fault.SLOW)
    device.faults.slow_latency = 0.2
    entry = await setup_device_nowait(hass, device)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    assert not device.connected


async def setup_device_nowait(hass: HomeAssistant, device: IGrillDevice):  # type: ignore[no-untyped-def]
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.address,
        data={"address": device.address, "model": "igrill_v2"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert not entry.runtime_data.connected
    return entry
