"""Connection lifecycle: drops, grace period, reconnects, release, faults, unload."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from unittest.mock import patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from custom_components.kitchen_ble.const import DOMAIN, PRESENCE_CHECK_SECONDS
from custom_components.kitchen_ble.coordinator import LinkCoordinator
from emulator.faults import Fault
from emulator.igrill import IGrillDevice
from emulator.igrill.codec import UNIT_FAHRENHEIT
from emulator.proxy import VirtualProxy

from .common import add_igrill, assert_no_errors, entity_id, settle, setup_device, state_of

COORDINATOR = "custom_components.kitchen_ble.coordinator"


@pytest.fixture(autouse=True)
def fast_retries() -> Iterator[None]:
    """No pause between attempts: each test drives advertisements itself."""
    with (
        patch(f"{COORDINATOR}.CONNECT_BACKOFF_SECONDS", 0),
        patch(
            "custom_components.kitchen_ble.library.devices.igrill.driver.HANDSHAKE_RETRY_DELAY", 0
        ),
    ):
        yield


async def _pass_time(hass: HomeAssistant, seconds: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await settle(hass)


async def _comes_back(
    hass: HomeAssistant,
    proxy: VirtualProxy,
    device: IGrillDevice,
    coordinator: LinkCoordinator,
) -> None:
    """The fault is gone: the next advertisement brings the device back, values and all."""
    device.faults.clear()
    await _advertise(hass, proxy)
    assert coordinator.connected
    _assert_connected_with_values(hass, device)


async def _advertise(hass: HomeAssistant, proxy: VirtualProxy) -> None:
    """The device advertises; the presence check notices within its interval."""
    proxy.tick(1)
    await _pass_time(hass, PRESENCE_CHECK_SECONDS)


async def _drop(hass: HomeAssistant, device: IGrillDevice) -> None:
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)


def _assert_connected_with_values(hass: HomeAssistant, device: IGrillDevice) -> None:
    """Connected, and the entities show the device's values (not unavailable or unknown)."""
    assert state_of(hass, device, "connection", "binary_sensor") == STATE_ON
    # Shown in °C (the test's unit system), whatever the device's unit.
    assert abs(float(state_of(hass, device, "probe_1")) - device.probe(1).temperature) <= 2
    assert state_of(hass, device, "battery") == str(round(device.battery.level))


def _assert_gone(hass: HomeAssistant, device: IGrillDevice) -> None:
    """Not connected, and no stale value is shown."""
    assert state_of(hass, device, "connection", "binary_sensor") == STATE_OFF
    assert state_of(hass, device, "probe_1") == STATE_UNAVAILABLE
    assert state_of(hass, device, "battery") == STATE_UNAVAILABLE


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
    assert not entry.runtime_data.link.connected
    assert state_of(hass, device, "connection", "binary_sensor") == STATE_OFF
    # A blip is not an outage: values stay for the README's 30 s, then go.
    assert hass.states.get(probe).state != STATE_UNAVAILABLE
    await _pass_time(hass, 29)
    assert hass.states.get(probe).state != STATE_UNAVAILABLE
    assert state_of(hass, device, "battery") != STATE_UNAVAILABLE
    await _pass_time(hass, 31)
    assert hass.states.get(probe).state == STATE_UNAVAILABLE
    assert state_of(hass, device, "connection", "binary_sensor") == STATE_OFF
    assert state_of(hass, device, "hold_connection", "switch") == STATE_ON

    device.faults.clear()  # switched on again: the next advertisement brings it back
    await _advertise(hass, virtual_proxy)
    assert entry.runtime_data.link.connected
    assert hass.states.get(probe).state not in (STATE_UNAVAILABLE, "unknown")
    entities_after = len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id))
    assert entities_after == entities_before
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("custom_components")]
    assert sum("is unavailable" in m for m in messages) == 1
    assert sum("is available again" in m for m in messages) == 1
    _assert_connected_with_values(hass, device)
    assert_no_errors(caplog)


async def test_reconnect_within_grace_keeps_entities_available(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.kitchen_ble")
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    entry = await setup_device(hass, device, "igrill_mini")
    probe = entity_id(hass, device, "probe_1")
    await _drop(hass, device)
    await _advertise(hass, virtual_proxy)  # the device advertises again at once
    assert entry.runtime_data.link.connected
    await _pass_time(hass, 31)  # past the 30 s grace of the drop
    assert hass.states.get(probe).state != STATE_UNAVAILABLE
    assert entry.runtime_data.link.connect_count == 2
    assert not any("unavailable" in r.getMessage() for r in caplog.records)
    _assert_connected_with_values(hass, device)
    assert_no_errors(caplog)


async def test_link_dropped_during_setup_then_recovered(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """DROP_LINK right after the handshake, on every link until the fault is cleared."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v3")
    device.faults.drop_link_after = 3  # the handshake's write, read and write
    entry = await setup_device(hass, device, "igrill_v3")
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.link.last_error == "setup_failed"
    assert not entry.runtime_data.link.connected
    assert not device.connected
    assert virtual_proxy.connections == 0, "the dropped link must give its slot back"
    _assert_gone(hass, device)
    await _advertise(hass, virtual_proxy)  # still armed: fails the same way
    assert not entry.runtime_data.link.connected
    _assert_gone(hass, device)

    await _comes_back(hass, virtual_proxy, device, entry.runtime_data.link)
    assert_no_errors(caplog)


async def test_link_dropped_during_poll(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """The link goes while a poll is under way: no error, and the next link is whole."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v3", battery=80)
    entry = await setup_device(hass, device, "igrill_v3")
    coordinator = entry.runtime_data.link
    device.battery.level = 70
    device.faults.link_up()
    device.faults.drop_link_after = 2  # the poll reads unit and battery, then the link goes
    await _pass_time(hass, coordinator.driver.poll_interval + 1)
    assert not coordinator.connected
    assert not device.connected
    assert state_of(hass, device, "connection", "binary_sensor") == STATE_OFF
    assert coordinator.driver.state.battery == 70
    assert state_of(hass, device, "battery") == "70"  # within the grace period

    await _comes_back(hass, virtual_proxy, device, coordinator)
    assert coordinator.connect_count == 2
    assert_no_errors(caplog)


async def test_no_blind_retry_without_advertisements(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """SILENT: the device is switched off; nothing hammers it, and it comes back."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    device.faults.set(Fault.SILENT)
    await _drop(hass, device)
    with patch(f"{COORDINATOR}.async_connect") as connect:
        for _ in range(5):
            await _pass_time(hass, 60)
        virtual_proxy.tick(1)  # a silent device sends nothing
        await _pass_time(hass, PRESENCE_CHECK_SECONDS)
        connect.assert_not_called()
    assert not entry.runtime_data.link.connected
    _assert_gone(hass, device)

    await _comes_back(hass, virtual_proxy, device, entry.runtime_data.link)
    assert_no_errors(caplog)


async def test_backoff_after_failed_attempt(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """A device that refuses us is not hammered on every advertisement."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.faults.set(Fault.REFUSE_HANDSHAKE)
    with patch(f"{COORDINATOR}.CONNECT_BACKOFF_SECONDS", 3600):
        entry = await setup_device(hass, device, "igrill_v2")
        coordinator = entry.runtime_data.link
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
    assert entry.runtime_data.link.last_error == reason
    assert not device.connected
    _assert_gone(hass, device)
    await _comes_back(hass, virtual_proxy, device, entry.runtime_data.link)
    assert state_of(hass, device, "propane") == "100"
    assert_no_errors(caplog)


async def test_malformed_notifications_are_ignored(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    before = state_of(hass, device, "probe_1")
    device.faults.set(Fault.MALFORMED)
    virtual_proxy.tick(5)
    await settle(hass)
    assert entry.runtime_data.link.connected
    assert state_of(hass, device, "probe_1") == before
    device.faults.clear()
    virtual_proxy.tick(600)
    await settle(hass)
    assert state_of(hass, device, "probe_1") != before
    _assert_connected_with_values(hass, device)
    assert_no_errors(caplog)


async def test_malformed_reads_are_skipped(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """Polls under MALFORMED: battery, propane and the probe unit stay right."""
    device = await add_igrill(
        hass, virtual_proxy, "igrill_v3", battery=64, propane=0.75, unit=UNIT_FAHRENHEIT
    )
    entry = await setup_device(hass, device, "igrill_v3")
    coordinator = entry.runtime_data.link
    probe = entity_id(hass, device, "probe_1")
    sensor = hass.data["entity_components"]["sensor"].get_entity(probe)
    before = state_of(hass, device, "probe_1")
    assert before == _fahrenheit_shown_in_celsius(coordinator)

    device.faults.set(Fault.MALFORMED)
    for _ in range(8):  # eight polls, each reading unit, battery, propane and probes
        await _pass_time(hass, coordinator.driver.poll_interval + 1)
        assert coordinator.connected
        assert coordinator.driver.state.unit == "°F"
        assert state_of(hass, device, "probe_1") == before
        assert state_of(hass, device, "battery") == "64"
        assert state_of(hass, device, "propane") == "75"
    assert device.connected, "a garbled value must not cost the link"

    device.faults.clear()
    device.battery.level = 61
    virtual_proxy.tick(1)
    await _pass_time(hass, coordinator.driver.poll_interval + 1)
    _assert_connected_with_values(hass, device)
    assert state_of(hass, device, "battery") == "61"
    assert state_of(hass, device, "propane") == "75"
    assert coordinator.driver.state.unit == "°F"
    assert state_of(hass, device, "probe_1") == _fahrenheit_shown_in_celsius(coordinator)
    assert sensor.native_unit_of_measurement == UnitOfTemperature.CELSIUS  # the user's
    assert_no_errors(caplog)


def _fahrenheit_shown_in_celsius(coordinator: LinkCoordinator) -> str:
    """Probe 1 of a °F device as a metric household sees it: °C to one decimal."""
    reading = coordinator.driver.state.probes[0]
    return str(round((reading - 32) * 5 / 9, 1))


async def test_poll_timeout_keeps_the_link(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """READ_TIMEOUT while polling: values stay, the link stays, the next poll catches up."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v3", battery=80)
    entry = await setup_device(hass, device, "igrill_v3")
    device.faults.set(Fault.READ_TIMEOUT)
    device.battery.level = 70
    await _pass_time(hass, entry.runtime_data.link.driver.poll_interval + 1)
    assert entry.runtime_data.link.connected
    assert state_of(hass, device, "connection", "binary_sensor") == STATE_ON
    assert state_of(hass, device, "battery") == "80"
    assert state_of(hass, device, "probe_1") not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
    device.faults.clear()
    await _pass_time(hass, entry.runtime_data.link.driver.poll_interval + 1)
    _assert_connected_with_values(hass, device)
    assert state_of(hass, device, "battery") == "70"
    assert_no_errors(caplog)


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


async def test_slow_device_connects_and_polls(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """SLOW: every GATT operation takes longer; everything still arrives."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v3", battery=80)
    device.faults.set(Fault.SLOW)
    device.faults.slow_latency = 0.02
    entry = await setup_device(hass, device, "igrill_v3")
    assert entry.runtime_data.link.connected
    _assert_connected_with_values(hass, device)
    device.battery.level = 75
    await _pass_time(hass, entry.runtime_data.link.driver.poll_interval + 1)
    assert state_of(hass, device, "battery") == "75"
    device.faults.clear()
    _assert_connected_with_values(hass, device)
    assert_no_errors(caplog)


async def test_unload_during_connect(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """Unloading while a slow connection is under way cancels it cleanly."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.faults.set(Fault.SLOW)
    device.faults.slow_latency = 0.2
    entry = await setup_device_nowait(hass, device)
    await _until_the_device_is_connected(device)
    assert not entry.runtime_data.link.connected, "the handshake is still under way"
    assert virtual_proxy.connections == 1
    assert await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    assert not device.connected
    assert virtual_proxy.connections == 0
    assert hass.states.get(entity_id(hass, device, "probe_1")).state == STATE_UNAVAILABLE
    assert_no_errors(caplog)


async def test_release_while_connecting_lets_the_device_go(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.faults.set(Fault.SLOW)  # the handshake takes a while
    device.faults.slow_latency = 0.2
    entry = await setup_device_nowait(hass, device)
    await _until_the_device_is_connected(device)
    assert not entry.runtime_data.link.connected, "the handshake is still under way"
    assert virtual_proxy.connections == 1

    switch = entity_id(hass, device, "hold_connection", "switch")
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    await settle(hass)
    await asyncio.sleep(0.5)  # longer than the rest of the handshake would take
    await settle(hass)

    assert not device.connected, "the phone app can have it"
    assert virtual_proxy.connections == 0
    assert not entry.runtime_data.link.connected
    assert hass.states.get(switch).state == STATE_OFF
    assert hass.states.get(entity_id(hass, device, "probe_1")).state == STATE_UNAVAILABLE
    assert_no_errors(caplog)


async def _until_the_device_is_connected(device: IGrillDevice) -> None:
    """Wait (2 s at most) until the device has a link: the handshake starts on it."""
    for _ in range(200):
        if device.connected:
            return
        await asyncio.sleep(0.01)
    pytest.fail("the link never came up")


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
    assert not entry.runtime_data.link.connected
    return entry
