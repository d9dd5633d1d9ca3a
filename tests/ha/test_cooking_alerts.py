"""Alerts: each crossing fires once, as event entity state, bus event and logbook entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import METRIC_SYSTEM, US_CUSTOMARY_SYSTEM

from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.library.cooking.alerts import AlertType
from custom_components.kitchen_ble.logbook import describe_alert
from emulator.faults import Fault
from emulator.igrill import IGrillDevice
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device
from .cooking import Recorder, advance, call, hold, set_number

# The probes' alert event entities are disabled by default (README); these tests follow them.
pytestmark = pytest.mark.usefixtures("all_entities_enabled")

GRACE = 30  # s a device may be away before it counts as gone (README)


async def _thermometer(
    hass: HomeAssistant, proxy: VirtualProxy, model: str = "igrill_v2", **options: object
) -> IGrillDevice:
    device = await add_igrill(hass, proxy, model, **options)
    await setup_device(hass, device, model, title="iGrill V2")
    for number in range(1, len(device.probes) + 1):
        hold(device, number, 20.0)
    proxy.tick(1)
    await settle(hass)
    return device


def _device_id(hass: HomeAssistant, device: IGrillDevice) -> str:
    """The device registry id, found through one of the device's entities."""
    entry = er.async_get(hass).async_get(entity_id(hass, device, "probe_1"))
    assert entry is not None
    assert entry.device_id is not None
    return entry.device_id


async def test_thresholds_fire_once_each_three_ways(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await _thermometer(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    await set_number(hass, device, "probe_1_target", 57)
    label = entity_id(hass, device, "probe_1_label", "text")
    await hass.services.async_call(
        "text", "set_value", {"entity_id": label, "value": "Brisket"}, blocking=True
    )
    record = Recorder(hass)
    event_entity = entity_id(hass, device, "probe_1_alert", "event")

    hold(device, 1, 54.0)  # past the pre-alert level (57 - 5)
    await advance(hass, freezer, virtual_proxy, 10)
    hold(device, 1, 58.5)  # reached, and noise does not fire it again
    await advance(hass, freezer, virtual_proxy, 30)
    hold(device, 1, 62.0)  # beyond the margin
    await advance(hass, freezer, virtual_proxy, 10)
    assert record.types(1) == ["approaching", "reached", "exceeded"]
    assert record.states[event_entity] == ["approaching", "reached", "exceeded"]

    reached = record.bus[1]
    assert reached["device_id"] == _device_id(hass, device)
    assert reached["probe"] == 1
    assert reached["label"] == "Brisket"
    assert reached["target"] == 57.0
    assert reached["unit"] == "°C"
    assert reached["name"] == "iGrill V2"
    assert 57 <= reached["temperature"] <= 60
    state = hass.states.get(event_entity)
    assert state.attributes["label"] == "Brisket"
    assert state.attributes["target"] == 57.0
    assert state.attributes["event_type"] == "exceeded"
    assert "reminder" in state.attributes["event_types"]

    # above the target, a reminder comes every 5 minutes (the default)
    await advance(hass, freezer, virtual_proxy, 300, step=5)
    assert record.types(1)[3:] == ["reminder"]
    assert record.states[event_entity][3:] == ["reminder"]
    # the other probes said nothing
    assert set(record.states) == {event_entity}


async def test_alerts_speak_the_users_unit(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    hass.config.units = US_CUSTOMARY_SYSTEM  # a °C device, a °F household
    device = await _thermometer(hass, virtual_proxy)
    await set_number(hass, device, "probe_1_target", 135)  # °F, as the number shows it
    record = Recorder(hass)
    event_entity = entity_id(hass, device, "probe_1_alert", "event")
    hold(device, 1, 58.0)  # 136.4 °F
    await advance(hass, freezer, virtual_proxy, 10)
    assert "reached" in record.types(1)
    reached = record.bus[record.types(1).index("reached")]
    assert reached["unit"] == "°F"
    assert reached["target"] == 135.0
    assert 135 <= reached["temperature"] <= 138
    state = hass.states.get(event_entity)
    assert state.attributes["unit"] == "°F"
    assert state.attributes["target"] == 135.0
    assert (
        describe_alert(hass, reached)["message"]
        == f"reached its target: {reached['temperature']:g} °F"
    )


async def test_noise_around_the_target_fires_once(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await _thermometer(hass, virtual_proxy, "igrill_mini")
    await set_number(hass, device, "probe_1_target", 57)
    record = Recorder(hass)
    hold(device, 1, 54.0)
    await advance(hass, freezer, virtual_proxy, 5)
    for _ in range(20):  # readings jump between 56 and 58
        hold(device, 1, 56.6)
        await advance(hass, freezer, virtual_proxy, 3)
        hold(device, 1, 57.4)
        await advance(hass, freezer, virtual_proxy, 3)
    assert record.types() == ["approaching", "reached"]
    # a real dip below the target (longer than a minute) re-arms it
    hold(device, 1, 48.0)
    await advance(hass, freezer, virtual_proxy, 70, step=5)
    hold(device, 1, 58.5)
    await advance(hass, freezer, virtual_proxy, 5)
    assert record.types() == ["approaching", "reached", "reached"]


@pytest.mark.usefixtures("all_entities_enabled")
async def test_range_left_and_back(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await _thermometer(hass, virtual_proxy)
    await set_number(hass, device, "probe_3_range_min", 100)
    await set_number(hass, device, "probe_3_range_max", 120)
    switch = entity_id(hass, device, "probe_3_range_alarm", "switch")
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    record = Recorder(hass)
    hold(device, 3, 80.0)  # warming up below the range is no alert
    await advance(hass, freezer, virtual_proxy, 10)
    hold(device, 3, 110.0)
    await advance(hass, freezer, virtual_proxy, 10)
    assert record.types() == []
    hold(device, 3, 126.0)
    await advance(hass, freezer, virtual_proxy, 10)
    hold(device, 3, 110.0)
    await advance(hass, freezer, virtual_proxy, 50, step=5)
    assert record.types(3) == ["range_left"], "back only after a minute inside"
    await advance(hass, freezer, virtual_proxy, 50, step=5)
    assert record.types(3) == ["range_left", "range_back"]
    assert record.bus[0]["target"] == 120.0
    event_entity = entity_id(hass, device, "probe_3_alert", "event")
    assert record.states[event_entity] == ["range_left", "range_back"]
    # switched off: no more range alerts
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    hold(device, 3, 130.0)
    await advance(hass, freezer, virtual_proxy, 10)
    assert record.types(3) == ["range_left", "range_back"]


async def test_probe_unplugged_and_inserted_only_during_a_session(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await _thermometer(hass, virtual_proxy)
    record = Recorder(hass)
    device.unplug(2)
    await advance(hass, freezer, virtual_proxy, 3)
    device.plug(2, 20.0)
    await advance(hass, freezer, virtual_proxy, 3)
    assert record.types() == [], "an empty socket outside a cook is normal"

    await call(hass, "start_session", {"device_id": [_device_id(hass, device)]})
    device.unplug(2)
    await advance(hass, freezer, virtual_proxy, 3)
    runtime = hass.data[DOMAIN]
    assert runtime.probe(device.address, 2).temperature is None
    device.plug(2, 30.0)
    await advance(hass, freezer, virtual_proxy, 3)
    assert record.types(2) == ["probe_unplugged", "probe_inserted"]
    assert runtime.probe(device.address, 2).eta.fit is None, "estimator reset on insertion"
    event_entity = entity_id(hass, device, "probe_2_alert", "event")
    assert record.states[event_entity] == ["probe_unplugged", "probe_inserted"]
    session = await call(
        hass, "get_session", {"session_id": runtime.session.id}, return_response=True
    )
    assert session["alert_counts"] == {"probe_inserted": 1, "probe_unplugged": 1}


async def test_a_probe_put_in_just_after_connecting_is_an_insertion(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """An empty socket at connection time is known at once, not after the 30 s re-check."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    device.unplug(2)
    await setup_device(hass, device, "igrill_v2", title="iGrill V2")
    await call(hass, "start_session", {"device_id": [_device_id(hass, device)]})
    record = Recorder(hass)
    device.plug(2, 30.0)  # a few seconds after connecting
    await advance(hass, freezer, virtual_proxy, 3)
    assert record.types(2) == ["probe_inserted"]


async def test_behind_schedule(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini", cooker_temperature=160.0)
    await setup_device(hass, device, "igrill_mini")
    device.probe(1).temperature = 5.0
    await set_number(hass, device, "probe_1_target", 120)
    record = Recorder(hass)
    ready_by = dt_util.utcnow() + timedelta(minutes=5)
    await call(hass, "start_session", {"name": "Roast", "ready_by": ready_by.isoformat()})
    assert hass.states.get(entity_id(hass, device, "ready_by", "datetime")).state == (
        ready_by.replace(microsecond=0).isoformat()
    )
    await advance(hass, freezer, virtual_proxy, 1200, step=10)
    assert record.types() == ["behind_schedule"]
    # a later deadline is a new question: not behind any more, nothing fires
    later = dt_util.utcnow() + timedelta(hours=3)
    ready_by_entity = entity_id(hass, device, "ready_by", "datetime")
    await hass.services.async_call(
        "datetime", "set_value", {"entity_id": ready_by_entity, "datetime": later}, blocking=True
    )
    await advance(hass, freezer, virtual_proxy, 120, step=10)
    assert record.types() == ["behind_schedule"]


async def test_device_disconnected_during_a_session(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await _thermometer(hass, virtual_proxy)
    record = Recorder(hass)
    # outside a session a drop is no alert
    device.faults.set(Fault.SILENT)
    device.faults.set(Fault.DROP_LINK)
    await advance(hass, freezer, virtual_proxy, GRACE + 5, step=5)
    assert record.types() == []
    ready_at = entity_id(hass, device, "probe_1_ready_at")
    assert hass.states.get(ready_at).state == "unavailable", "no stale time to target"
    assert hass.states.get(entity_id(hass, device, "probe_1_target", "number")).state != (
        "unavailable"
    ), "settings stay usable"
    device.faults.clear()
    await advance(hass, freezer, virtual_proxy, 10, step=5)
    assert device.connected
    assert hass.states.get(ready_at).state == "unknown"

    await call(hass, "start_session", {"device_id": [_device_id(hass, device)]})
    device.faults.set(Fault.SILENT)
    device.faults.set(Fault.DROP_LINK)
    await advance(hass, freezer, virtual_proxy, 10, step=5)
    assert record.types() == [], "a blip is not a disconnect"
    await advance(hass, freezer, virtual_proxy, GRACE, step=5)
    assert record.types() == ["device_disconnected"]
    assert record.bus[0]["probe"] is None
    assert record.bus[0]["device_id"] == _device_id(hass, device)
    # every probe's event entity shows it
    assert len(record.states) == 4
    assert all(types == ["device_disconnected"] for types in record.states.values())


def test_logbook_sentences(hass: HomeAssistant) -> None:
    data = {
        "name": "iGrill V2",
        "probe": 1,
        "label": "Brisket",
        "type": "reached",
        "temperature": 57.0,
        "target": 57.0,
    }
    assert describe_alert(hass, data) == {
        "name": "iGrill V2 Probe 1 (Brisket)",
        "message": "reached its target: 57 °C",
    }
    hass.config.units = US_CUSTOMARY_SYSTEM
    exceeded = describe_alert(hass, {**data, "type": "exceeded", "temperature": 61.0})
    assert exceeded["message"] == "is above its target: 141.8 °F (target 134.6 °F)"
    device_wide = describe_alert(
        hass, {**data, "probe": None, "type": "device_disconnected", "temperature": None}
    )
    assert device_wide == {"name": "iGrill V2", "message": "disconnected during the cook"}
    in_fahrenheit = describe_alert(hass, {**data, "temperature": 135.5, "unit": "°F"})
    assert in_fahrenheit["message"] == "reached its target: 135.5 °F"
    hass.config.units = METRIC_SYSTEM  # an event recorded in °F, read in a °C household
    assert describe_alert(hass, {**data, "temperature": 140.0, "unit": "°F"})["message"] == (
        "reached its target: 60 °C"
    )
    unknown = describe_alert(hass, {"type": "future_type", "temperature": None, "probe": 2})
    assert unknown == {"name": "Kitchen BLE Probe 2", "message": "alert: unknown"}


def test_every_alert_type_has_a_sentence(hass: HomeAssistant) -> None:
    for kind in AlertType:
        described = describe_alert(
            hass,
            {"name": "iGrill", "probe": 1, "type": kind.value, "temperature": 50.0, "target": 57.0},
        )
        assert not described["message"].startswith("alert:"), kind
