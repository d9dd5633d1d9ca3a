"""A shot cut short is kept up to that moment, marked incomplete, never lost, never counted twice.

The link drops mid-shot: the record closes as incomplete (``link_lost``), the
rest of that shot (after the reconnect) is no second record, and the next
shot is recorded normally. Home Assistant stops mid-shot: the running record
is in the store, and the next start turns it into an incomplete record
(``restart``), archived once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import loader
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_capture_events,
    async_test_home_assistant,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from custom_components.kitchen_ble.library.devices.de1 import MachineState, StateInfo, Substate
from custom_components.kitchen_ble.library.espresso.records import (
    ShotKind,
    ShotRecorder,
    record_to_dict,
)
from custom_components.kitchen_ble.shots import get_shots
from emulator.de1 import DE1Device, State
from emulator.ha import async_start_proxy
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, settle, warnings_logged
from .espresso import advance, connected_de1, link_of
from .shots import SHOT_COMPLETED, action, pull, start, until_idle

STORE = "kitchen_ble.shot_recordings"
INDEX = "kitchen_ble.shot_index"


async def test_a_link_dropped_mid_shot_keeps_an_incomplete_record(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    await start(hass, freezer, virtual_proxy, device)
    await advance(hass, freezer, virtual_proxy, 15)
    assert device.state[0] is State.ESPRESSO

    device.drop_link()
    await settle(hass)

    (cut,) = completed
    summary = cut.data["summary"]
    assert summary["status"] == "incomplete"
    assert summary["incomplete_reason"] == "link_lost"
    assert 12 < summary["ended_at"] - summary["started_at"] < 18, "kept up to the drop"
    assert summary["duration"] > 5, "the flow before the drop is in it"

    # the machine reconnects while the shot goes on: its rest is no second record
    await until_idle(hass, freezer, virtual_proxy, device)
    assert link_of(entry).connected
    assert len(completed) == 1

    await pull(hass, freezer, virtual_proxy, device)
    assert len(completed) == 2
    assert completed[1].data["summary"]["status"] == "complete"
    listed = await action(hass, "list_shots")
    assert listed["total"] == 2
    assert [item["status"] for item in listed["shots"]] == ["complete", "incomplete"]
    assert_no_errors(caplog)


@asynccontextmanager
async def _restarted(config: Path, device: DE1Device) -> AsyncIterator[HomeAssistant]:
    """A second Home Assistant on the same (mocked) storage, with the machine in range."""
    async with async_test_home_assistant(config_dir=str(config)) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # as enable_custom_integrations does
        bluetooth = MockConfigEntry(domain="bluetooth", unique_id="00:00:00:00:00:01")
        bluetooth.add_to_hass(hass)
        assert await hass.config_entries.async_setup(bluetooth.entry_id)
        proxy = VirtualProxy(suffix="restarted")
        proxy.add(device)
        stop = async_start_proxy(hass, proxy, interval=None)
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=device.address,
            title="DE1",
            data={CONF_ADDRESS: device.address, CONF_MODEL: "de1_plus"},
        )
        entry.add_to_hass(hass)
        hass.data["test_proxy"] = proxy
        hass.data["test_completed"] = async_capture_events(hass, SHOT_COMPLETED)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await settle(hass)
        try:
            yield hass
        finally:
            stop()
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.config_entries.async_unload(bluetooth.entry_id)
            await hass.async_stop(force=True)


async def test_a_restart_mid_shot_keeps_an_incomplete_record_counted_once(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    await start(hass, freezer, virtual_proxy, device)
    await advance(hass, freezer, virtual_proxy, 20)
    assert device.state[0] is State.ESPRESSO

    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_stop()
    assert completed == [], "nothing is announced while Home Assistant stops"
    (snapshot,) = hass_storage[STORE]["data"]["recording"]
    assert snapshot["record"]["status"] == "recording"
    kept = len(snapshot["record"]["samples"]["t"])
    assert kept >= 4 * 15, "the store holds the shot up to the last few seconds"
    shot_id = snapshot["record"]["id"]

    async with _restarted(config_dir, device) as restarted:
        proxy: VirtualProxy = restarted.data["test_proxy"]
        again = restarted.data["test_completed"]
        (event,) = again
        summary = event.data["summary"]
        assert summary["id"] == shot_id
        assert summary["status"] == "incomplete"
        assert summary["incomplete_reason"] == "restart"
        listed = await action(restarted, "list_shots")
        assert [item["id"] for item in listed["shots"]] == [shot_id]
        record = (await action(restarted, "get_shot", shot_id=shot_id))["record"]
        assert len(record["samples"]["t"]) == kept
        shown = restarted.states.get("sensor.de1_last_shot_duration")
        assert shown is not None
        assert float(shown.state) == summary["duration"], "the Last shot sensors show it"

        await until_idle(restarted, freezer, proxy, device)  # the rest of that shot
        assert (await action(restarted, "list_shots"))["total"] == 1, "counted once"
        await pull(restarted, freezer, proxy, device)
        listed = await action(restarted, "list_shots")
        assert listed["total"] == 2
        assert listed["shots"][0]["status"] == "complete"
        assert len(again) == 2
        assert restarted.data["kitchen_ble_shots"]._data() == {"recording": []}
    # (the second Home Assistant's own Bluetooth scanner complains as it stops: not ours)
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert [r.getMessage() for r in ours if r.levelname in ("WARNING", "ERROR")] == []


async def test_an_entry_reloaded_mid_shot_keeps_an_incomplete_record(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    await start(hass, freezer, virtual_proxy, device)
    await advance(hass, freezer, virtual_proxy, 10)

    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)

    (event,) = completed
    assert event.data["summary"]["status"] == "incomplete"
    assert event.data["summary"]["incomplete_reason"] == "restart"
    await until_idle(hass, freezer, virtual_proxy, device)
    await pull(hass, freezer, virtual_proxy, device)
    assert [e.data["summary"]["status"] for e in completed] == ["incomplete", "complete"]
    assert_no_errors(caplog)


def _stored(key: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "minor_version": 1, "key": key, "data": data}


def _snapshot(wall_time: float) -> dict[str, Any]:
    """What the store holds of a flush being recorded (three samples in)."""
    recorder = ShotRecorder(ShotKind.FLUSH, at=0.0, wall_time=wall_time)
    recorder.state_changed(StateInfo(MachineState.HOT_WATER_RINSE, Substate.POUR), 0.0)
    recorder.state_changed(StateInfo(MachineState.HOT_WATER_RINSE, Substate.FLUSH), 6.0)
    return {
        "machine": "D9:B2:48:DE:00:09",
        "device_id": "gone",
        "name": "Old DE1",
        "record": record_to_dict(recorder.snapshot()),
    }


async def test_snapshots_found_at_start_up_are_kept_once(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    """A leftover snapshot is archived as cut short; one archived already is not again."""
    left, archived = _snapshot(1_796_000_000.0), _snapshot(1_796_000_100.0)
    kept = {"id": archived["record"]["id"], "kind": "flush", "started_at": 1_796_000_100.0}
    hass_storage[INDEX] = _stored(INDEX, {"shots": [kept, "damaged", {"id": 5}]})
    hass_storage[STORE] = _stored(
        STORE, {"recording": [left, archived, {"record": {"id": 5}}, "damaged"]}
    )
    completed = async_capture_events(hass, SHOT_COMPLETED)

    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()

    (event,) = completed
    assert event.data["summary"]["id"] == left["record"]["id"]
    assert event.data["summary"]["incomplete_reason"] == "restart"
    assert event.data["name"] == "Old DE1"
    listed = await action(hass, "list_shots")
    assert sorted(item["id"] for item in listed["shots"]) == sorted(
        [left["record"]["id"], archived["record"]["id"]]
    )
    assert get_shots(hass)._data() == {"recording": []}
    ours = [line for line in warnings_logged(caplog) if "kitchen_ble.shots" in line]
    assert len(ours) == 1
    assert "A shot recorded before the restart is damaged" in ours[0]


@pytest.mark.parametrize("store", [INDEX, STORE])
async def test_a_store_of_the_wrong_shape_is_set_aside(
    hass: HomeAssistant, hass_storage: dict[str, Any], config_dir: Path, store: str
) -> None:
    hass_storage[store] = _stored(store, {"shots": {}, "recording": {}})
    assert await async_setup_component(hass, DOMAIN, {})
    issues = ir.async_get(hass).issues
    assert (DOMAIN, f"damaged_store_{store}") in issues
    assert (await action(hass, "list_shots"))["total"] == 0


async def test_a_shot_that_cannot_be_archived_stays_in_the_store(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    (config_dir / "kitchen_ble").mkdir(exist_ok=True)
    (config_dir / "kitchen_ble" / "shots").write_text("a file where the folder belongs")
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, _entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)

    await pull(hass, freezer, virtual_proxy, device, "flush")

    assert completed == []
    assert any("could not be archived" in line for line in warnings_logged(caplog))
    (kept,) = get_shots(hass)._data()["recording"]
    assert kept["record"]["status"] == "complete", "tried again at the next start"
    assert (await action(hass, "list_shots"))["total"] == 0
