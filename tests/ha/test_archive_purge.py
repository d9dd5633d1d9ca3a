"""The cook archive outlives the recorder: a real purge removes the session's event from
the database, and the session is still listed and read from the archive."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.components.recorder.db_schema import Events, EventTypes
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance, session_scope
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped,unused-ignore]
    async_wait_purge_done,
    async_wait_recording_done,
)

from emulator.proxy import VirtualProxy

from .common import add_igrill, settle, setup_device
from .cooking import call, hold, set_number

SESSION_ENDED = "kitchen_ble_session_ended"  # the event the README names


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder must exist before Home Assistant: it comes first here."""


async def _recorded(hass: HomeAssistant, event_type: str) -> int:
    """How many events of this type the recorder's database holds."""

    def count() -> int:
        with session_scope(hass=hass, read_only=True) as session:
            return int(
                session.query(Events)
                .join(EventTypes, Events.event_type_id == EventTypes.event_type_id)
                .filter(EventTypes.event_type == event_type)
                .count()
            )

    return await get_instance(hass).async_add_executor_job(count)


async def test_the_archive_outlives_a_recorder_purge(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, config_dir: Any
) -> None:
    ended = async_capture_events(hass, SESSION_ENDED)
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2", title="iGrill V2")
    hold(device, 1, 40.0)
    virtual_proxy.tick(1)
    await settle(hass)
    await set_number(hass, device, "probe_1_target", 57)
    await call(hass, "start_session", {"name": "Sunday brisket"})
    for temperature in (45.0, 52.0, 57.5):
        hold(device, 1, temperature)
        virtual_proxy.tick(1)
        await settle(hass)
    await call(hass, "end_session")
    (event,) = ended
    session_id = event.data["id"]
    await async_wait_recording_done(hass)
    assert await _recorded(hass, SESSION_ENDED) == 1

    await hass.services.async_call("recorder", "purge", {"keep_days": 0, "repack": False})
    await async_wait_purge_done(hass)

    assert await _recorded(hass, SESSION_ENDED) == 0, "the recorder forgot the session"
    listed = await call(hass, "list_sessions", {}, return_response=True)
    assert listed["total"] == 1
    assert [summary["id"] for summary in listed["sessions"]] == [session_id]
    assert listed["sessions"][0]["name"] == "Sunday brisket"
    record = await call(hass, "get_session", {"session_id": session_id}, return_response=True)
    assert record["id"] == session_id
    assert record["active"] is False
    probe = next(probe for probe in record["probes"] if probe["probe"] == 1)
    assert probe["target"] == 57.0
    assert probe["curve"], "the archive keeps the curve the event never carried"
