"""Problems the user can fix are shown as repair issues; every device logs going and coming.

* No adapter or proxy that can connect: an issue at once.
* Every connection slot taken for five minutes: an issue.
* The handshake refused three times in a row (an old proxy): an issue.
Each goes away by itself once the device is connected (or released on purpose).
* A device going away and coming back is logged once each (INFO), also a
  thermometer that never connects after a restart (after the 30 s grace) and a
  sensor node (after Home Assistant's availability window, 15 minutes without
  a learned interval).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from custom_components.kitchen_ble.const import DOMAIN
from emulator.faults import Fault
from emulator.node import create_node
from emulator.passive_proxy import PassiveProxy
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device, state_of
from .nodes import past_availability_window, setup_node

CONNECTION = "custom_components.kitchen_ble.connection"


@pytest.fixture(autouse=True)
def no_backoff() -> Iterator[None]:
    """Every advertisement may bring an attempt: the tests count attempts and minutes."""
    with patch("custom_components.kitchen_ble.coordinator.CONNECT_BACKOFF_SECONDS", 0):
        yield


async def _advertise(
    hass: HomeAssistant, proxy: VirtualProxy, freezer: FrozenDateTimeFactory, seconds: float = 5
) -> None:
    freezer.tick(timedelta(seconds=seconds))
    proxy.tick(1)
    async_fire_time_changed(hass)
    await settle(hass)


def _issue(hass: HomeAssistant, problem: str, entry_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{problem}_{entry_id}")


async def test_connection_slots_taken_for_five_minutes(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.faults.set(Fault.NO_FREE_SLOT)
    entry = await setup_device(hass, device, "igrill_v2", title="Smoker")
    for _ in range(5):  # 4 minutes 10 s of refused attempts: not yet
        await _advertise(hass, virtual_proxy, freezer, 50)
    assert entry.runtime_data.link.last_error == "no_free_slot"
    assert _issue(hass, "no_free_slot", entry.entry_id) is None
    await _advertise(hass, virtual_proxy, freezer, 55)  # past five minutes
    issue = _issue(hass, "no_free_slot", entry.entry_id)
    assert issue is not None
    assert issue.translation_key == "no_free_slot"
    assert issue.translation_placeholders == {"name": "Smoker"}
    assert issue.severity is ir.IssueSeverity.WARNING

    device.faults.clear()  # a slot is free again
    await _advertise(hass, virtual_proxy, freezer)
    assert entry.runtime_data.link.connected
    assert _issue(hass, "no_free_slot", entry.entry_id) is None


async def test_a_handshake_refused_three_times_in_a_row(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.faults.set(Fault.REFUSE_HANDSHAKE)
    with patch(
        "custom_components.kitchen_ble.library.devices.igrill.driver.HANDSHAKE_RETRY_DELAY", 0
    ):
        entry = await setup_device(hass, device, "igrill_v2")  # the first time
        await _advertise(hass, virtual_proxy, freezer)  # the second
        assert _issue(hass, "handshake_refused", entry.entry_id) is None
        await _advertise(hass, virtual_proxy, freezer)  # the third
        assert _issue(hass, "handshake_refused", entry.entry_id) is not None
        device.faults.clear()
        await _advertise(hass, virtual_proxy, freezer)
    assert entry.runtime_data.link.connected
    assert _issue(hass, "handshake_refused", entry.entry_id) is None


async def test_no_adapter_that_can_connect_and_releasing_clears_it(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    with (
        patch(f"{CONNECTION}.bluetooth.async_ble_device_from_address", return_value=None),
        patch(f"{CONNECTION}.bluetooth.async_scanner_count", return_value=0),
    ):
        entry = await setup_device(hass, device, "igrill_v2")
    assert entry.runtime_data.link.last_error == "no_connectable_adapter"
    assert _issue(hass, "no_connectable_adapter", entry.entry_id) is not None
    # released on purpose (Keep connected off): nothing to fix any more
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": entity_id(hass, device, "hold_connection", "switch")},
        blocking=True,
    )
    assert _issue(hass, "no_connectable_adapter", entry.entry_id) is None


async def test_a_thermometer_that_never_comes_is_logged_after_30_seconds(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.kitchen_ble")
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.faults.set(Fault.NO_FREE_SLOT)
    await setup_device(hass, device, "igrill_v2", title="Smoker")
    lines = lambda: [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]  # noqa: E731
    freezer.tick(timedelta(seconds=29))
    async_fire_time_changed(hass)
    await settle(hass)
    assert not [line for line in lines() if "is unavailable" in line]
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await settle(hass)
    assert [line for line in lines() if "is unavailable" in line] == [
        f"Smoker ({device.address}) is unavailable"
    ]
    device.faults.clear()
    await _advertise(hass, virtual_proxy, freezer)
    assert [line for line in lines() if "available again" in line] == [
        f"Smoker ({device.address}) is available again"
    ]


async def test_a_sensor_node_logs_going_and_coming(
    hass: HomeAssistant, passive_proxy: PassiveProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.kitchen_ble")
    node = passive_proxy.add(create_node("E4:0D:E0:00:00:07", None, measurement_interval=60))
    await setup_node(hass, node, "Cellar")
    passive_proxy.advertise(node)
    await settle(hass)
    node.faults.set(Fault.SILENT)
    await past_availability_window(hass)
    node.faults.clear()
    passive_proxy.advertise(node)
    await settle(hass)
    ours = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.INFO and r.name.startswith("custom_components.kitchen_ble")
    ]
    assert ours == [
        f"Cellar ({node.address}) is unavailable",
        f"Cellar ({node.address}) is available again",
    ]


async def test_a_sensor_node_never_heard_is_logged_after_15_minutes(
    hass: HomeAssistant, passive_proxy: PassiveProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.kitchen_ble")
    node = passive_proxy.add(create_node("E4:0D:E0:00:00:08", None))
    node.faults.set(Fault.SILENT)
    await setup_node(hass, node, "Attic")
    lost = f"Attic ({node.address}) is unavailable"
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=14))
    await settle(hass)
    assert lost not in caplog.text
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=16))
    await settle(hass)
    assert caplog.text.count(lost) == 1


async def test_signal_strength_is_not_kept_while_the_device_is_away(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini", rssi=-71)
    entry = await setup_device(hass, device, "igrill_mini")
    registry = er.async_get(hass)
    registry.async_update_entity(entity_id(hass, device, "signal_strength"), disabled_by=None)
    await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)
    assert state_of(hass, device, "signal_strength") == "-71"
    device.faults.set(Fault.SILENT)  # switched off: no link, no advertisements
    device.drop_link()
    await settle(hass)
    freezer.tick(timedelta(seconds=31))  # past the 30 s grace
    async_fire_time_changed(hass)
    await settle(hass)
    assert state_of(hass, device, "signal_strength") == STATE_UNKNOWN
