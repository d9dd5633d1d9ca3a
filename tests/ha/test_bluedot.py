"""ThermoWorks BlueDOT end to end through the emulator: flow, entities, the device alarm as
the probe target, the cooking features, and every fault."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import (
    CONF_ADDRESS,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.kitchen_ble.const import (
    CONF_MODEL,
    DOMAIN,
    EVENT_ALERT,
    EVENT_SESSION_ENDED,
    PRESENCE_CHECK_SECONDS,
)
from custom_components.kitchen_ble.library.devices.bluedot import BlueDotDriver
from emulator.bluedot import HIGH_ALARM, INTERVAL, BlueDotDevice, create_bluedot
from emulator.faults import Fault
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, entity_id, settle, setup_device, state_of, warnings_logged
from .cooking import STILL, advance, call, set_number

COORDINATOR = "custom_components.kitchen_ble.coordinator"
F = 1  # the emulator's unit byte for °F
C = 0


@pytest.fixture(autouse=True)
def fast_retries() -> Iterator[None]:
    with patch(f"{COORDINATOR}.CONNECT_BACKOFF_SECONDS", 0):
        yield


class Writes:
    """Every GATT write the emulated device gets, in order."""

    def __init__(self, device: BlueDotDevice) -> None:
        self.all: list[tuple[str, bytes]] = []
        write = device.gatt_write

        async def recorded(uuid: str, data: bytes, response: bool) -> None:
            await write(uuid, data, response)
            self.all.append((uuid, bytes(data)))

        device.gatt_write = recorded  # type: ignore[method-assign]

    def to(self, uuid: str) -> list[int]:
        return [data[0] for written, data in self.all if written == uuid]


class Reads:
    """Every GATT read the emulated device gets, in order."""

    def __init__(self, device: BlueDotDevice) -> None:
        self.all: list[str] = []
        read = device.gatt_read

        async def recorded(uuid: str) -> bytes:
            self.all.append(uuid)
            return await read(uuid)

        device.gatt_read = recorded  # type: ignore[method-assign]


async def _bluedot(
    hass: HomeAssistant, proxy: VirtualProxy, **options: Any
) -> tuple[BlueDotDevice, MockConfigEntry]:
    """An emulated BlueDOT, configured, connected, one packet received."""
    device = proxy.add(create_bluedot(**options))
    proxy.advertise(device)
    await settle(hass)
    entry = await setup_device(hass, device, "bluedot", title="BlueDOT")
    assert entry.runtime_data.link.connected
    proxy.tick(2)  # the driver asked for a packet every 2 s
    await settle(hass)
    return device, entry


def _hold(device: BlueDotDevice, celsius: float) -> None:
    """The probe at ``celsius`` and staying there (plus the reading noise)."""
    device.probe.plugged = True
    device.probe.time_constant = STILL
    device.probe.stall = False
    device.probe.temperature = celsius


async def _tick(hass: HomeAssistant, proxy: VirtualProxy, seconds: float = 2) -> None:
    proxy.tick(seconds)
    await settle(hass)


async def _pass_time(hass: HomeAssistant, seconds: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await settle(hass)


async def _come_back(hass: HomeAssistant, proxy: VirtualProxy) -> None:
    """The device advertises; the presence check notices within its interval."""
    proxy.tick(1)
    await _pass_time(hass, PRESENCE_CHECK_SECONDS)


def _target(hass: HomeAssistant, device: BlueDotDevice) -> str:
    return state_of(hass, device, "probe_1_target", "number")


# Discovery and set-up ------------------------------------------------------------


async def test_discovery_checks_the_device_and_says_goodbye(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = virtual_proxy.add(create_bluedot())
    writes = Writes(device)
    virtual_proxy.advertise(device)
    await settle(hass)
    flows = list(hass.config_entries.flow.async_progress_by_handler(DOMAIN))
    assert len(flows) == 1
    assert flows[0]["step_id"] == "bluetooth_confirm"
    assert flows[0]["context"]["title_placeholders"]["name"] == "BlueDOT 0001"

    result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: "bluedot"}
    # The check asked for fast updates, then set the idle interval back before letting go.
    assert writes.to(INTERVAL)[:2] == [2, 60]
    await settle(hass)
    assert result["result"].runtime_data.link.connected
    assert device.interval == 2


async def test_user_step_and_a_busy_proxy(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = virtual_proxy.add(create_bluedot())
    virtual_proxy.advertise(device)
    await settle(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["data_schema"].schema[CONF_ADDRESS].container == {
        device.address: f"BlueDOT 0001 ({device.address})"
    }
    device.faults.set(Fault.NO_FREE_SLOT)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: device.address}
    )
    assert result["errors"] == {"base": "no_free_slot"}
    device.faults.clear()
    virtual_proxy.advertise(device)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: device.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


# Entities ----------------------------------------------------------------------------


async def test_fahrenheit_device_values_and_flags(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, entry = await _bluedot(hass, virtual_proxy, unit=F, high_alarm=200)
    _hold(device, 60.0)
    await _tick(hass, virtual_proxy)
    probe = entity_id(hass, device, "probe_1")
    sensor = hass.data["entity_components"]["sensor"].get_entity(probe)
    reading = entry.runtime_data.link.driver.state.probes[0]  # the device's own, in °F
    assert abs(reading - 140) <= 1
    # shown in the user's unit (metric), converted to one decimal: no float noise
    assert sensor.native_unit_of_measurement == UnitOfTemperature.CELSIUS
    assert hass.states.get(probe).state == str(round((reading - 32) * 5 / 9, 1))
    flags = {
        key: state_of(hass, device, key, "binary_sensor")
        for key in ("probe_connected", "alarm", "alarm_silenced", "alarm_disabled")
    }
    assert flags == dict.fromkeys(flags, STATE_OFF) | {"probe_connected": STATE_ON}
    registry = er.async_get(hass)
    for key, device_class, category in (
        ("probe_connected", "plug", None),
        ("alarm", "sound", None),
        ("alarm_silenced", None, EntityCategory.DIAGNOSTIC),
        ("alarm_disabled", None, EntityCategory.DIAGNOSTIC),
    ):
        entity = entity_id(hass, device, key, "binary_sensor")
        assert hass.states.get(entity).attributes.get("device_class") == device_class
        assert registry.async_get(entity).entity_category == category
    assert hass.states.get(entity_id(hass, device, "alarm", "binary_sensor")).attributes[
        "friendly_name"
    ] == ("BlueDOT Alarm")

    _hold(device, 95.0)  # 203 °F: past the device's own alarm
    await _tick(hass, virtual_proxy)
    assert state_of(hass, device, "alarm", "binary_sensor") == STATE_ON
    device.silence()
    await _tick(hass, virtual_proxy)
    assert state_of(hass, device, "alarm", "binary_sensor") == STATE_OFF
    assert state_of(hass, device, "alarm_silenced", "binary_sensor") == STATE_ON

    device.unplug()
    await _tick(hass, virtual_proxy)
    assert state_of(hass, device, "probe_1") == STATE_UNKNOWN
    assert state_of(hass, device, "probe_connected", "binary_sensor") == STATE_OFF
    assert entry.runtime_data.link.connected


async def test_celsius_device_with_its_alarm_disabled(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, _entry = await _bluedot(hass, virtual_proxy, unit=C, alarm_disabled=True)
    _hold(device, 71.0)
    await _tick(hass, virtual_proxy)
    probe = entity_id(hass, device, "probe_1")
    sensor = hass.data["entity_components"]["sensor"].get_entity(probe)
    assert sensor.native_unit_of_measurement == UnitOfTemperature.CELSIUS
    assert abs(float(hass.states.get(probe).state) - 71) <= 1
    assert state_of(hass, device, "alarm_disabled", "binary_sensor") == STATE_ON
    assert state_of(hass, device, "alarm", "binary_sensor") == STATE_OFF  # 71 > 65, but off
    assert _target(hass, device) == "65.0"  # the device's alarm, as the target


async def test_entities_are_unknown_before_the_first_packet(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = virtual_proxy.add(create_bluedot())
    virtual_proxy.advertise(device)
    await settle(hass)
    await setup_device(hass, device, "bluedot", title="BlueDOT")
    for key in ("probe_connected", "alarm", "alarm_disabled"):
        assert state_of(hass, device, key, "binary_sensor") == STATE_UNKNOWN
    assert state_of(hass, device, "probe_1") == STATE_UNKNOWN
    assert _target(hass, device) == STATE_UNKNOWN


# The device's alarm is the probe's target --------------------------------------------------


async def test_target_and_device_alarm_follow_each_other_without_looping(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, _entry = await _bluedot(hass, virtual_proxy, unit=F)
    assert _target(hass, device) == "65.6"  # 150 °F, the alarm the device came with
    writes = Writes(device)

    await set_number(hass, device, "probe_1_target", 57)  # in Home Assistant
    assert device.high_alarm == 135
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "57.0"
    assert writes.to(HIGH_ALARM) == [135]

    device.set_high_alarm(140)  # the buttons on the device
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "60.0"
    assert device.high_alarm == 140
    assert writes.to(HIGH_ALARM) == [135, 140]  # written back once, the same value

    await set_number(hass, device, "probe_1_target", 0)  # off: the highest value goes out
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert device.high_alarm == 255
    assert _target(hass, device) == STATE_UNKNOWN

    device.set_high_alarm(150)
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "65.6"
    assert writes.to(HIGH_ALARM) == [135, 140, 255, 150]
    for _ in range(20):
        await _tick(hass, virtual_proxy)
    assert len(writes.to(HIGH_ALARM)) == 4, "no more writes: nothing loops"


async def test_a_target_above_what_the_device_holds_is_capped_not_adopted(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """150 °C is 302 °F: more than the alarm's one byte. The device gets 255 °F, the
    latest it can sound, instead of keeping its old 150 °F; the target stays 150 °C."""
    device, entry = await _bluedot(hass, virtual_proxy, unit=F)
    assert device.high_alarm == 150  # the old alarm: 65.6 °C
    writes = Writes(device)

    await set_number(hass, device, "probe_1_target", 150)
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert device.high_alarm == 255
    assert _target(hass, device) == "150.0"  # the capped value is not taken as "no target"
    assert writes.to(HIGH_ALARM) == [255]
    assert hass.data[DOMAIN].alarm_writes(device.address).of(1) == []  # confirmed as our own write

    _hold(device, 70.0)  # 158 °F: past the old alarm, far below the target
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert state_of(hass, device, "alarm", "binary_sensor") == STATE_OFF
    assert not device.alarm_active

    # A reconnect writes the target again, capped again; still no loop.
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)
    await _come_back(hass, virtual_proxy)
    assert entry.runtime_data.link.connected
    for _ in range(20):
        await _tick(hass, virtual_proxy)
    assert writes.to(HIGH_ALARM) == [255, 255]
    assert device.high_alarm == 255
    assert _target(hass, device) == "150.0"

    # Switched to °C, the device converts 255 °F to 124 °C: not taken as the target
    # either; the target is rewritten in °C, where it fits.
    device.set_unit(C)
    for _ in range(10):
        await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "150.0"
    assert device.high_alarm == 150
    assert writes.to(HIGH_ALARM) == [255, 255, 150]


async def test_quick_changes_in_home_assistant_are_not_taken_back(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """Two targets in a row: the device confirming the first one is no change by the user."""
    device, _entry = await _bluedot(hass, virtual_proxy, unit=C)
    runtime = hass.data[DOMAIN]
    runtime.async_change_probe(device.address, 1, lambda t: t.with_target(50.0))
    runtime.async_change_probe(device.address, 1, lambda t: t.with_target(55.0))
    await settle(hass)
    assert hass.data[DOMAIN].alarm_writes(device.address).of(1)[-2:] == [(50, "°C"), (55, "°C")]
    device.high_alarm = 50  # a packet with the first write only (the second is late)
    await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "55.0"
    device.high_alarm = 55
    await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "55.0"
    assert hass.data[DOMAIN].alarm_writes(device.address).of(1) == []


async def test_after_a_reconnect_the_target_wins(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, entry = await _bluedot(hass, virtual_proxy, unit=F)
    await set_number(hass, device, "probe_1_target", 57)
    assert device.high_alarm == 135
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)
    device.set_high_alarm(200)  # the vendor's app, while Home Assistant was away
    await _come_back(hass, virtual_proxy)
    assert entry.runtime_data.link.connected
    for _ in range(3):
        await _tick(hass, virtual_proxy)
    assert device.high_alarm == 135
    assert _target(hass, device) == "57.0"

    # The device's old value may arrive before the rewrite lands: it is not taken either.
    coordinator = entry.runtime_data.link
    runtime = hass.data[DOMAIN]
    gate = asyncio.Event()
    write = runtime.async_write_probe_alarm

    async def held_back(link: Any, probe: int, high: float | None, low: float | None) -> bool:
        await gate.wait()
        return await write(link, probe, high, low)

    device.faults.set(Fault.DROP_LINK)
    await settle(hass)
    device.set_high_alarm(210)
    connected = asyncio.Event()
    coordinator.async_add_listener(lambda: connected.set() if coordinator.connected else None)
    with patch.object(runtime, "async_write_probe_alarm", held_back):
        virtual_proxy.tick(1)
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=PRESENCE_CHECK_SECONDS))
        async with asyncio.timeout(5):
            await connected.wait()
        virtual_proxy.tick(2)  # a packet with 210 °F, the rewrite still waiting
        await hass.async_block_till_done()
        assert _target(hass, device) == "57.0"
        gate.set()
        await settle(hass)
    await _tick(hass, virtual_proxy)
    assert device.high_alarm == 135
    assert _target(hass, device) == "57.0"

    # Without a target, what the device has is taken.
    await set_number(hass, device, "probe_1_target", 0)
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)
    device.set_high_alarm(170)
    await _come_back(hass, virtual_proxy)
    await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "76.7"
    assert device.high_alarm == 170


async def test_no_target_and_the_device_agrees_after_a_restart(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, entry = await _bluedot(hass, virtual_proxy, unit=F)
    await set_number(hass, device, "probe_1_target", 0)
    assert device.high_alarm == 255
    writes = Writes(device)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)
    for _ in range(3):
        await _tick(hass, virtual_proxy)
    assert _target(hass, device) == STATE_UNKNOWN
    assert writes.to(HIGH_ALARM) == []


async def test_unit_switched_on_the_device(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, entry = await _bluedot(hass, virtual_proxy, unit=F)
    await set_number(hass, device, "probe_1_target", 57)
    writes = Writes(device)
    device.set_unit(C)  # the device converts its own alarm: 135 °F -> 57 °C
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert entry.runtime_data.link.driver.state.unit == "°C"
    assert device.high_alarm == 57
    assert _target(hass, device) == "57.0"
    assert writes.to(HIGH_ALARM) == [57]  # rewritten once in the new unit, as for the iGrill
    reading = entry.runtime_data.link.driver.state.probes[0]  # now in °C, shown as it is
    assert state_of(hass, device, "probe_1") == str(reading)


async def test_no_alarm_never_becomes_a_target_in_either_unit(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """No target, and the unit switched on the device's buttons: the device converts its
    255 °F "no alarm" into 124 °C (and 255 °C into 491 °F). Neither is a target."""
    device, _entry = await _bluedot(hass, virtual_proxy, unit=F, high_alarm=255)
    assert _target(hass, device) == STATE_UNKNOWN
    writes = Writes(device)

    device.set_unit(C)
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert device.high_alarm == 124  # 255 °F = 123.9 °C
    assert _target(hass, device) == STATE_UNKNOWN
    assert writes.to(HIGH_ALARM) == []  # nothing to write back: the device agrees

    device.set_unit(F)  # and back: 124 °C is 255 °F again
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert device.high_alarm == 255
    assert _target(hass, device) == STATE_UNKNOWN

    # "No alarm" written in °C is 255 °C; in °F that is 491 °F.
    device.set_unit(C)
    await _tick(hass, virtual_proxy)
    device.set_high_alarm(255)
    for _ in range(3):
        await _tick(hass, virtual_proxy)
    assert _target(hass, device) == STATE_UNKNOWN
    device.set_unit(F)
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    assert device.high_alarm == 491
    assert _target(hass, device) == STATE_UNKNOWN
    assert writes.to(HIGH_ALARM) == []  # the buttons are no GATT write; nothing went back

    # A real alarm set on the device is still taken, in °C as in °F.
    device.set_unit(C)
    await _tick(hass, virtual_proxy)
    device.set_high_alarm(70)
    for _ in range(3):
        await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "70.0"
    assert device.high_alarm == 70
    assert writes.to(HIGH_ALARM) == [70]  # written back once, the value it has


async def test_impossible_device_values_are_not_adopted(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.kitchen_ble")
    device, _entry = await _bluedot(hass, virtual_proxy, unit=C)
    device.high_alarm = -60  # below any target (-50 °C)
    await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "65.0"
    assert "device alarm not adopted" in caplog.text
    assert not warnings_logged(caplog)


# Cooking features, unchanged ------------------------------------------------------------------


@pytest.mark.usefixtures("all_entities_enabled")
async def test_alerts_and_time_to_target(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await _bluedot(hass, virtual_proxy, unit=F, cooker_temperature=150.0)
    device.probe.temperature = 5.0
    alerts = async_capture_events(hass, EVENT_ALERT)
    await set_number(hass, device, "probe_1_target", 60)
    assert device.high_alarm == 140
    await advance(hass, freezer, virtual_proxy, 600, step=5)
    remaining = state_of(hass, device, "probe_1_time_remaining")
    assert remaining not in (STATE_UNKNOWN, STATE_UNAVAILABLE)
    assert int(remaining) >= 1
    assert state_of(hass, device, "probe_1_ready_at") not in (STATE_UNKNOWN, STATE_UNAVAILABLE)
    for _ in range(12):
        await advance(hass, freezer, virtual_proxy, 300, step=10)
        if any(e.data["type"] == "reached" for e in alerts):
            break
    types = [e.data["type"] for e in alerts]
    assert types[:2] == ["approaching", "reached"]
    reached = next(e.data for e in alerts if e.data["type"] == "reached")
    assert reached["target"] == 60.0
    assert reached["name"] == "BlueDOT"
    assert 59 <= reached["temperature"] <= 62
    assert state_of(hass, device, "alarm", "binary_sensor") == STATE_ON  # the device beeps too
    event = hass.states.get(entity_id(hass, device, "probe_1_alert", "event"))
    assert event.attributes["event_type"] in ("reached", "exceeded")


@pytest.mark.usefixtures("config_dir")
async def test_cook_session(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    config_dir: Path,
) -> None:
    device, _entry = await _bluedot(hass, virtual_proxy, unit=C)
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await set_number(hass, device, "probe_1_target", 57)
    _hold(device, 40.0)
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": entity_id(hass, device, "start_cook", "button")},
        blocking=True,
    )
    await settle(hass)
    assert state_of(hass, device, "cooking", "binary_sensor") == STATE_ON
    await advance(hass, freezer, virtual_proxy, 60, step=5)
    _hold(device, 58.0)
    await advance(hass, freezer, virtual_proxy, 60, step=5)
    await call(hass, "end_session")
    summary = ended[0].data
    (probe,) = summary["probes"]
    assert probe["probe"] == 1
    assert probe["target"] == 57.0
    assert probe["reached_at"] is not None
    assert 39 <= probe["min"] <= 41
    assert summary["alert_counts"] == {"reached": 1}


# Faults ------------------------------------------------------------------------------------


async def test_drop_link_reconnects(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device, entry = await _bluedot(hass, virtual_proxy)
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)
    assert not entry.runtime_data.link.connected
    assert state_of(hass, device, "probe_1") != STATE_UNAVAILABLE  # within the grace period
    await _come_back(hass, virtual_proxy)
    assert entry.runtime_data.link.connected
    assert entry.runtime_data.link.connect_count == 2
    _hold(device, 30.0)
    await _tick(hass, virtual_proxy)
    assert abs(float(state_of(hass, device, "probe_1")) - 30) <= 1


async def test_silent_device_goes_unavailable_and_comes_back(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, entry = await _bluedot(hass, virtual_proxy)
    device.faults.set(Fault.SILENT)  # switched off
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)
    await _pass_time(hass, 29)  # the README's grace: values stay for 30 s
    for key in ("probe_connected", "alarm"):
        assert state_of(hass, device, key, "binary_sensor") != STATE_UNAVAILABLE
    assert state_of(hass, device, "probe_1") != STATE_UNAVAILABLE
    await _pass_time(hass, 31)
    for key in ("probe_connected", "alarm"):
        assert state_of(hass, device, key, "binary_sensor") == STATE_UNAVAILABLE
    assert state_of(hass, device, "probe_1") == STATE_UNAVAILABLE
    with patch(f"{COORDINATOR}.async_connect") as connect:
        await _pass_time(hass, 120)
        connect.assert_not_called()  # no blind retries while it is off
    device.faults.clear()
    await _come_back(hass, virtual_proxy)
    await _tick(hass, virtual_proxy)
    assert entry.runtime_data.link.connected
    assert state_of(hass, device, "probe_connected", "binary_sensor") == STATE_ON


async def test_nothing_is_ever_read(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    """The BlueDOT pushes everything: the flow's check, the link, its polls, an alarm, a
    reconnect make no read at all (so reads that hang, fault ``read_timeout``, change
    nothing)."""
    device = virtual_proxy.add(create_bluedot(unit=C))
    reads = Reads(device)
    device.faults.set(Fault.READ_TIMEOUT)
    virtual_proxy.advertise(device)
    await settle(hass)
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass)
    link = result["result"].runtime_data.link
    assert link.connected
    _hold(device, 44.0)
    await _tick(hass, virtual_proxy)
    await link._async_poll()  # a packet came since the start: nothing to do
    await link._async_poll()  # none since the last poll: the interval is written again
    await set_number(hass, device, "probe_1_target", 57)
    assert device.high_alarm == 57
    device.faults.set(Fault.DROP_LINK)
    await settle(hass)
    await _come_back(hass, virtual_proxy)
    await _tick(hass, virtual_proxy)
    assert link.connected
    assert link.connect_count == 2
    assert abs(float(state_of(hass, device, "probe_1")) - 44) <= 1
    assert reads.all == []


async def test_no_free_slot_then_connects(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = virtual_proxy.add(create_bluedot())
    virtual_proxy.advertise(device)
    await settle(hass)
    device.faults.set(Fault.NO_FREE_SLOT)
    entry = await setup_device(hass, device, "bluedot", title="BlueDOT")
    assert not entry.runtime_data.link.connected
    assert entry.runtime_data.link.last_error == "no_free_slot"
    assert state_of(hass, device, "probe_connected", "binary_sensor") == STATE_UNAVAILABLE
    device.faults.clear()
    await _come_back(hass, virtual_proxy)
    await _tick(hass, virtual_proxy)
    assert entry.runtime_data.link.connected
    assert state_of(hass, device, "probe_connected", "binary_sensor") == STATE_ON


async def test_malformed_packets_keep_the_link(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device, entry = await _bluedot(hass, virtual_proxy, unit=C)
    _hold(device, 50.0)
    await _tick(hass, virtual_proxy)
    before = state_of(hass, device, "probe_1")
    writes = Writes(device)
    device.faults.set(Fault.MALFORMED)
    _hold(device, 80.0)
    for _ in range(5):
        await _tick(hass, virtual_proxy)
    await entry.runtime_data.link._async_poll()  # a packet came since the last poll
    await entry.runtime_data.link._async_poll()  # nothing since: it asks for updates again
    await _tick(hass, virtual_proxy)
    assert entry.runtime_data.link.connected
    assert state_of(hass, device, "probe_1") == before
    assert writes.to(INTERVAL) == [2]
    assert _target(hass, device) == "65.0"
    ours = [r for r in caplog.records if r.name.startswith("custom_components.kitchen_ble")]
    assert not [r for r in ours if r.levelno >= logging.WARNING]
    device.faults.clear()
    await _tick(hass, virtual_proxy)
    assert abs(float(state_of(hass, device, "probe_1")) - 80) <= 1.5
    assert entry.runtime_data.link.connect_count == 1


async def test_a_slow_link_connects_reports_writes_its_alarm_and_releases(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    """Fault ``slow``: each GATT operation takes 0.2 s (a far proxy). Everything still fits
    in the timeouts: the link comes up, packets arrive, the alarm is written and
    confirmed, and the goodbye lands before the device is let go."""
    caplog.set_level(logging.DEBUG, logger="custom_components.kitchen_ble")
    device = virtual_proxy.add(create_bluedot(unit=F))
    device.faults.slow_latency = 0.2
    device.faults.set(Fault.SLOW)
    writes = Writes(device)
    virtual_proxy.advertise(device)
    await settle(hass)
    started = asyncio.get_running_loop().time()
    entry = await setup_device(hass, device, "bluedot", title="BlueDOT")
    link = entry.runtime_data.link
    assert link.connected
    assert link.connect_count == 1
    assert link.last_error is None
    assert device.interval == 2

    _hold(device, 50.0)
    await _tick(hass, virtual_proxy)
    assert abs(float(state_of(hass, device, "probe_1")) - 50) <= 1
    await set_number(hass, device, "probe_1_target", 57)
    assert device.high_alarm == 135
    for _ in range(3):
        await _tick(hass, virtual_proxy)
    assert _target(hass, device) == "57.0"
    assert hass.data[DOMAIN].alarm_writes(device.address).of(1) == []  # confirmed

    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": entity_id(hass, device, "hold_connection", "switch")},
        blocking=True,
    )
    await settle(hass)
    assert not device.connected
    assert device.interval == 60, "the goodbye got through"
    assert writes.to(INTERVAL) == [2, 60]
    assert writes.to(HIGH_ALARM) == [150, 135]  # its own 150 °F adopted and written back once
    assert "goodbye to the device failed" not in caplog.text
    assert link.connect_count == 1, "no retry: nothing timed out"
    assert asyncio.get_running_loop().time() - started < 10  # a few operations of 0.2 s
    assert_no_errors(caplog)


async def test_a_hanging_goodbye_does_not_hold_the_release(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.kitchen_ble")
    device, entry = await _bluedot(hass, virtual_proxy)
    device.faults.slow_latency = 1.0
    device.faults.set(Fault.SLOW)
    with patch("custom_components.kitchen_ble.connection.STOP_TIMEOUT_SECONDS", 0.05):
        await entry.runtime_data.link.async_set_hold_connection(False)
    await settle(hass)
    assert not device.connected
    assert "goodbye to the device failed" in caplog.text


async def test_release_says_goodbye(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device, entry = await _bluedot(hass, virtual_proxy)
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": entity_id(hass, device, "hold_connection", "switch")},
        blocking=True,
    )
    await settle(hass)
    assert not device.connected
    assert device.interval == 60  # the slow interval, for the next app
    assert isinstance(entry.runtime_data.link.driver, BlueDotDriver)
    assert bluetooth.async_last_service_info(hass, device.address, connectable=True) is not None
