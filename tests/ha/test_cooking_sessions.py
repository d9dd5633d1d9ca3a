"""Cook sessions: buttons, services, events, archive, disconnects and restarts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped,unused-ignore]
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    ClientSessionGenerator,
)

from custom_components.kitchen_ble.const import (
    DOMAIN,
    EVENT_SESSION_ENDED,
    EVENT_SESSION_STARTED,
)
from custom_components.kitchen_ble.cooking import STORE_KEY
from emulator.faults import Fault
from emulator.igrill import IGrillDevice
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device, state_of
from .cooking import Recorder, advance, call, hold, set_number

RECORDER_EVENT_LIMIT = 32 * 1024

GRACE = 30  # s a device may be away before it counts as gone (README)
LEAVE_AFTER = 600  # s a lost device stays in the cook and may rejoin (README: 10 minutes)


def _device_id(hass: HomeAssistant, device: IGrillDevice) -> str:
    """The device registry id, found through one of the device's entities."""
    entry = er.async_get(hass).async_get(entity_id(hass, device, "probe_1"))
    assert entry is not None
    assert entry.device_id is not None
    return entry.device_id


async def _press(hass: HomeAssistant, device: IGrillDevice, key: str) -> None:
    button = entity_id(hass, device, key, "button")
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await settle(hass)


async def _cook_on_two_then_lose_one(
    hass: HomeAssistant, proxy: VirtualProxy
) -> tuple[IGrillDevice, IGrillDevice, Recorder]:
    """A cook on two thermometers; the small one goes silent and drops its link."""
    big, small = await _two_thermometers(hass, proxy)
    await call(
        hass, "start_session", {"device_id": [_device_id(hass, big), _device_id(hass, small)]}
    )
    record = Recorder(hass)
    small.faults.set(Fault.SILENT)
    small.faults.set(Fault.DROP_LINK)
    return big, small, record


async def _two_thermometers(hass: HomeAssistant, proxy: VirtualProxy) -> tuple[IGrillDevice, ...]:
    big = await add_igrill(hass, proxy, "igrill_v2")
    await setup_device(hass, big, "igrill_v2", title="iGrill V2")
    small = await add_igrill(hass, proxy, "igrill_mini")
    await setup_device(hass, small, "igrill_mini", title="iGrill mini")
    for device in (big, small):
        for number in range(1, len(device.probes) + 1):
            hold(device, number, 20.0)
    proxy.tick(1)  # every probe plugged in before any cook starts
    await settle(hass)
    return big, small


@pytest.mark.usefixtures("config_dir")
async def test_a_cook_from_start_to_archive(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    big, small = await _two_thermometers(hass, virtual_proxy)
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await set_number(hass, big, "probe_1_target", 57)

    await _press(hass, big, "start_cook")
    assert state_of(hass, big, "cooking", "binary_sensor") == STATE_ON
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_OFF
    cooking = hass.states.get(entity_id(hass, big, "cooking", "binary_sensor"))
    assert set(cooking.attributes) >= {"session_id", "name", "started_at"}
    assert cooking.attributes["name"].startswith("Cook ")
    assert len(started) == 1
    assert started[0].data["devices"] == [_device_id(hass, big)]
    await _press(hass, small, "start_cook")  # joins the running cook
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_ON
    assert len(started) == 1

    hold(big, 1, 45.0)
    hold(small, 1, 30.0)
    await advance(hass, freezer, virtual_proxy, 120, step=5)
    hold(big, 1, 58.5)
    await advance(hass, freezer, virtual_proxy, 60, step=5)
    await _press(hass, small, "end_cook")

    assert state_of(hass, big, "cooking", "binary_sensor") == STATE_OFF
    assert len(ended) == 1
    summary = ended[0].data
    assert summary["id"] == cooking.attributes["session_id"]
    assert sorted(summary["devices"]) == sorted([_device_id(hass, big), _device_id(hass, small)])
    assert 175 <= summary["duration"] <= 190
    probe = next(p for p in summary["probes"] if p["device_id"] == _device_id(hass, big))
    assert probe["probe"] == 1
    assert probe["target"] == 57.0
    assert probe["reached_at"] is not None
    assert 44 <= probe["min"] <= 46
    assert 57 <= probe["max"] <= 60
    assert "curve" not in probe, "the event carries no curves"
    assert summary["alert_counts"] == {"reached": 1}  # from 45 °C straight past 52 and 57
    assert summary["alerts"][0]["device_id"] == _device_id(hass, big)

    listed = await call(hass, "list_sessions", {}, return_response=True)
    assert listed["total"] == 1
    assert listed["sessions"][0]["id"] == summary["id"]
    record = await call(hass, "get_session", {"session_id": summary["id"]}, return_response=True)
    assert record["active"] is False
    curves = {(p["device_id"], p["probe"]): p["curve"] for p in record["probes"]}
    assert len(curves[_device_id(hass, big), 1]) >= 5
    path = Path(hass.config.path("kitchen_ble", "sessions", f"{summary['id']}.json"))
    text = await hass.async_add_executor_job(path.read_text)
    assert json.loads(text)["id"] == summary["id"]


@pytest.mark.usefixtures("all_entities_enabled")
async def test_session_event_stays_far_below_the_recorder_limit(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    config_dir: Path,
) -> None:
    """Four probes, twelve hours, hundreds of alerts: still a few KiB."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2", plugged=[True] * 4)
    await setup_device(hass, device, "igrill_v2")
    for number in range(1, 5):
        await set_number(hass, device, f"probe_{number}_target", 50 + number)
        await set_number(hass, device, f"probe_{number}_reminder", 1)
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await call(hass, "start_session", {"name": "Long " * 20})
    for hour in range(12):
        for number in range(1, 5):  # up and down through every level, every hour
            hold(device, number, 40.0 + (hour % 2) * 20 + number)
        await advance(hass, freezer, virtual_proxy, 3600, step=300)
    await call(hass, "end_session")
    data = ended[0].data
    size = len(json.dumps(data))
    assert size < RECORDER_EVENT_LIMIT / 4, size
    assert sum(data["alert_counts"].values()) > 100
    assert data["alerts_not_listed"] > 0
    archived = (config_dir / "kitchen_ble" / "sessions" / f"{data['id']}.json").stat().st_size
    assert archived < 64 * 1024


@pytest.mark.usefixtures("config_dir")
async def test_listing_pages_and_errors(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    await setup_device(hass, device, "igrill_mini")
    ids = []
    for n in range(3):
        await call(hass, "start_session", {"name": f"Cook {n}"})
        ids.append(hass.data[DOMAIN].session.id)
        await advance(hass, freezer, virtual_proxy, 60, step=30)
        await call(hass, "end_session")
    first = await call(hass, "list_sessions", {"page_size": 2}, return_response=True)
    assert [s["name"] for s in first["sessions"]] == ["Cook 2", "Cook 1"]
    assert (first["total"], first["page"], first["page_size"]) == (3, 1, 2)
    second = await call(hass, "list_sessions", {"page": 2, "page_size": 2}, return_response=True)
    assert [s["id"] for s in second["sessions"]] == [ids[0]]
    third = await call(hass, "list_sessions", {"page": 3, "page_size": 2}, return_response=True)
    assert third["sessions"] == []

    bad: list[tuple[str, dict[str, Any], str]] = [
        ("list_sessions", {"page": 0}, "invalid_page"),
        ("list_sessions", {"page_size": 101}, "invalid_page_size"),
        ("list_sessions", {"page_size": 0}, "invalid_page_size"),
        ("get_session", {"session_id": "../../secrets"}, "unknown_session"),
    ]
    for service, data, key in bad:
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, service, data, return_response=True)
        assert (err.value.translation_domain, err.value.translation_key) == (DOMAIN, key)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "get_session", {"session_id": "nope"}, return_response=True)
    assert str(err.value).startswith("There is no cook session with the id nope")


async def test_session_commands_that_do_not_fit(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    await setup_device(hass, device, "igrill_mini")
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    stranger = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}, name="Toaster"
    )
    started = async_capture_events(hass, EVENT_SESSION_STARTED)

    async def refused(service: str, data: dict[str, Any], key: str) -> None:
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, service, data)
        assert (err.value.translation_domain, err.value.translation_key) == (DOMAIN, key)

    await refused("end_session", {}, "no_active_session")
    await refused(
        "add_device_to_session", {"device_id": _device_id(hass, device)}, "no_active_session"
    )
    await refused("start_session", {"device_id": [stranger.id]}, "not_a_thermometer")
    await refused(
        "start_session",
        {"device_id": [_device_id(hass, device)], "ready_by": "2000-01-01T18:00:00+00:00"},
        "ready_by_in_the_past",
    )
    assert hass.data[DOMAIN].session is None, "nothing started"
    assert started == []
    with pytest.raises(ServiceValidationError):
        await _press(hass, device, "end_cook")
    ready_by = entity_id(hass, device, "ready_by", "datetime")
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            "datetime",
            "set_value",
            {"entity_id": ready_by, "datetime": "2030-01-01 18:00"},
            blocking=True,
        )

    await call(hass, "start_session", {"name": "Ribs"})
    assert started[0].data["devices"] == [_device_id(hass, device)], "every connected thermometer"
    await refused("start_session", {}, "session_running")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "datetime",
            "set_value",
            {"entity_id": ready_by, "datetime": "2000-01-01 18:00"},
            blocking=True,
        )
    assert err.value.translation_key == "ready_by_in_the_past"
    assert hass.data[DOMAIN].session.ready_by is None, "nothing changed"
    for value, key in (  # dates at the ends of the calendar, in zones far from UTC
        ("9999-12-31T23:59:59-12:00", "ready_by_too_late"),
        ("0001-01-01T00:00:00+12:00", "ready_by_in_the_past"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                "datetime", "set_value", {"entity_id": ready_by, "datetime": value}, blocking=True
            )
        assert err.value.translation_key == key
        assert hass.data[DOMAIN].session.ready_by is None, "nothing changed"
    await refused("add_device_to_session", {"device_id": stranger.id}, "not_a_thermometer")
    await call(hass, "add_device_to_session", {"device_id": _device_id(hass, device)})
    assert hass.data[DOMAIN].session.name == "Ribs"
    record = await call(
        hass, "get_session", {"session_id": hass.data[DOMAIN].session.id}, return_response=True
    )
    assert record["active"] is True
    assert record["devices"] == [_device_id(hass, device)]


async def test_no_session_without_a_thermometer(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    device.faults.set(Fault.SILENT)  # configured, but switched off
    device.faults.set(Fault.DROP_LINK)
    await setup_device(hass, device, "igrill_mini")
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "start_session", {"name": "Ribs"})
    assert (err.value.translation_domain, err.value.translation_key) == (DOMAIN, "no_thermometer")
    assert hass.data[DOMAIN].session is None


@pytest.mark.usefixtures("config_dir")
async def test_a_device_drops_and_rejoins_within_grace(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    big, small, record = await _cook_on_two_then_lose_one(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, GRACE + 10, step=5)
    assert record.types() == ["device_disconnected"]
    assert record.bus[0]["device_id"] == _device_id(hass, small)
    session = hass.data[DOMAIN].session
    assert session.members[small.address].status == "lost"
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_ON, "lost, not gone"

    small.faults.clear()  # back within the grace period
    hold(small, 1, 33.0)
    await advance(hass, freezer, virtual_proxy, 60, step=5)
    assert small.connected
    assert session.members[small.address].status == "active"
    assert session.probes[small.address, 1].final == pytest.approx(33, abs=1.5)
    assert record.types() == ["device_disconnected"]
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_ON
    assert state_of(hass, big, "cooking", "binary_sensor") == STATE_ON


@pytest.mark.usefixtures("config_dir")
async def test_a_device_gone_beyond_grace_leaves_the_cook(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    _big, small, record = await _cook_on_two_then_lose_one(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, GRACE + 10, step=5)
    assert record.types() == ["device_disconnected"]
    await advance(hass, freezer, virtual_proxy, LEAVE_AFTER, step=30)
    session = hass.data[DOMAIN].session
    assert session.members[small.address].status == "left"
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_OFF
    small.faults.clear()
    await advance(hass, freezer, virtual_proxy, 30, step=5)
    assert small.connected
    assert session.members[small.address].status == "left", "only a user brings it back"
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_OFF
    assert record.types() == ["device_disconnected"]
    await _press(hass, small, "start_cook")
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_ON
    await call(hass, "end_session")
    summary = (await call(hass, "list_sessions", {}, return_response=True))["sessions"][0]
    assert summary["alert_counts"] == {"device_disconnected": 1}


@pytest.mark.usefixtures("config_dir")
async def test_a_device_that_stays_away_after_a_reload_is_reported(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    big, small, record = await _cook_on_two_then_lose_one(hass, virtual_proxy)
    # reloaded (as at a restart) before the grace is over: it starts unavailable
    entry = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, small.address)
    assert entry is not None
    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)
    assert record.types() == []
    await advance(hass, freezer, virtual_proxy, GRACE + 10, step=5)
    assert record.types() == ["device_disconnected"]
    session = hass.data[DOMAIN].session
    assert session.members[small.address].status == "lost"
    await advance(hass, freezer, virtual_proxy, LEAVE_AFTER, step=30)
    assert session.members[small.address].status == "left"
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_OFF
    assert state_of(hass, big, "cooking", "binary_sensor") == STATE_ON
    assert record.types() == ["device_disconnected"], "reported once"


async def test_diagnostics_include_cooking(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, hass_client: ClientSessionGenerator
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    entry = await setup_device(hass, device, "igrill_mini")
    await set_number(hass, device, "probe_1_target", 63)
    await call(hass, "start_session", {"name": "Fish"})
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    cooking = diagnostics["cooking"]
    assert cooking["probes"]["1"]["setting"]["target"] == 63.0
    assert "device_id" not in cooking["probes"]["1"]["alert_state"]
    assert cooking["session"]["status"] == "active"
    assert device.address not in json.dumps(diagnostics)


async def test_removing_a_device_forgets_its_settings(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    entry = await setup_device(hass, device, "igrill_mini")
    await set_number(hass, device, "probe_1_target", 63)
    await advance(hass, freezer, virtual_proxy, 2)
    assert device.address in hass_storage[STORE_KEY]["data"]["devices"]
    await hass.config_entries.async_remove(entry.entry_id)
    await advance(hass, freezer, virtual_proxy, 2)
    assert device.address not in hass_storage[STORE_KEY]["data"]["devices"]


async def test_broken_stored_data_starts_afresh(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    good = {"setting": {"target": 61.0, "label": "Ribs"}}
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {
            "devices": {
                "AA:BB:CC:DD:EE:FF": "not an object",
                device.address: {
                    "probes": {
                        "1": {"setting": {"target": "hot"}},
                        "2": {"setting": {}, "alerts": {"device_id": "other", "probe": 2}},
                        "3": good,
                    }
                },
            },
            "sessions": {"active": {"id": 5}},
        },
    }
    await setup_device(hass, device, "igrill_v2")
    assert state_of(hass, device, "probe_3_target", "number") == "61.0"
    assert state_of(hass, device, "probe_3_label", "text") == "Ribs"
    assert state_of(hass, device, "probe_1_target", "number") == STATE_UNKNOWN
    assert hass.data[DOMAIN].session is None
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("ignored" in message for message in warnings) == 4, warnings


@pytest.mark.usefixtures("config_dir")
async def test_an_unreadable_archive_file_still_gives_the_summary(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    await setup_device(hass, device, "igrill_mini")
    await call(hass, "start_session", {"name": "Eggs"})
    session_id = hass.data[DOMAIN].session.id
    await call(hass, "end_session")
    path = Path(hass.config.path("kitchen_ble", "sessions", f"{session_id}.json"))
    await hass.async_add_executor_job(path.write_text, "{not json")
    record = await call(hass, "get_session", {"session_id": session_id}, return_response=True)
    assert record["name"] == "Eggs"
    assert record["curves_missing"] is True


async def test_a_device_outside_the_cook_may_drop_quietly(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    big, small = await _two_thermometers(hass, virtual_proxy)
    await call(hass, "start_session", {"device_id": [_device_id(hass, big)]})
    record = Recorder(hass)
    small.faults.set(Fault.SILENT)
    small.faults.set(Fault.DROP_LINK)
    await advance(hass, freezer, virtual_proxy, GRACE + 10, step=5)
    assert record.types() == []
    assert state_of(hass, small, "cooking", "binary_sensor") == STATE_OFF
