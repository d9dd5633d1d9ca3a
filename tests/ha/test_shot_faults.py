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
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_capture_events,
    async_test_home_assistant,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.de1 import DE1Device, State
from emulator.ha import async_start_proxy
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, settle
from .espresso import advance, connected_de1, link_of
from .shots import SHOT_COMPLETED, action, pull, start, until_idle

STORE = "kitchen_ble.shot_recordings"


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
