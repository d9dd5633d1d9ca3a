"""Targets, alert state and a running cook survive a Home Assistant restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from homeassistant import loader
from homeassistant.const import CONF_ADDRESS, STATE_ON
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from custom_components.kitchen_ble.cooking import STORE_KEY
from emulator.ha import async_start_proxy
from emulator.igrill import IGrillDevice
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device, state_of
from .cooking import Recorder, call, hold, set_number


@asynccontextmanager
async def _restarted(
    config: Path, device: IGrillDevice
) -> AsyncIterator[tuple[HomeAssistant, VirtualProxy, Recorder]]:
    """A second Home Assistant on the same (mocked) storage, with the device in range."""
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
            title="iGrill",
            data={CONF_ADDRESS: device.address, CONF_MODEL: "igrill_v2"},
        )
        entry.add_to_hass(hass)
        record = Recorder(hass)  # from the first reading on
        assert await hass.config_entries.async_setup(entry.entry_id)
        await settle(hass)
        try:
            yield hass, proxy, record
        finally:
            stop()
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.config_entries.async_unload(bluetooth.entry_id)
            await hass.async_stop(force=True)


async def test_targets_and_a_running_cook_survive_a_restart(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_storage: dict[str, Any],
    config_dir: Path,
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    await set_number(hass, device, "probe_1_target", 57)
    label = entity_id(hass, device, "probe_1_label", "text")
    await hass.services.async_call(
        "text", "set_value", {"entity_id": label, "value": "Brisket"}, blocking=True
    )
    await call(hass, "start_session", {"name": "Sunday", "ready_by": "2099-01-01T18:00:00+00:00"})
    session_id = hass.data[DOMAIN].session.id
    record = Recorder(hass)
    hold(device, 1, 58.5)
    virtual_proxy.tick(2)
    await settle(hass)
    assert record.types() == ["reached"]

    # Home Assistant stops (and with it every store is written)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_stop()
    assert hass_storage[STORE_KEY]["data"]["sessions"]["active"]["id"] == session_id

    async with _restarted(config_dir, device) as (restarted, proxy, again):
        assert device.connected
        proxy.tick(2)  # the cook goes on, still above the target
        await settle(restarted)
        assert state_of(restarted, device, "probe_1_target", "number") == "57.0"
        assert state_of(restarted, device, "probe_1_label", "text") == "Brisket"
        assert state_of(restarted, device, "cooking", "binary_sensor") == STATE_ON
        cooking = restarted.states.get(entity_id(restarted, device, "cooking", "binary_sensor"))
        assert cooking.attributes["session_id"] == session_id
        assert cooking.attributes["name"] == "Sunday"
        ready_by = state_of(restarted, device, "ready_by", "datetime")
        assert ready_by == "2099-01-01T18:00:00+00:00"
        assert device.probe(1).high_limit == 57, "the alarm is written on the new link"
        assert again.types() == [], "reached was stored as fired: no second alert"
        summary = await call(restarted, "end_session")
        assert summary is None
        listed = await call(restarted, "list_sessions", {}, return_response=True)
        assert listed["sessions"][0]["id"] == session_id
        assert listed["sessions"][0]["alert_counts"] == {"reached": 1}
