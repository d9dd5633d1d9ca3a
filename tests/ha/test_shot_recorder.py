"""A 90-second shot through the real recorder: its event fits, its logbook line reads, and the
archive keeps the shot after a purge has removed the event."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.db_schema import EventData, Events, EventTypes
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance, session_scope
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped,unused-ignore]
    async_wait_purge_done,
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    WebSocketGenerator,
)

from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.shots import get_shots
from emulator.de1 import State
from emulator.proxy import VirtualProxy

from .common import assert_no_errors
from .espresso import advance, connected_de1, link_of
from .shots import SHOT_COMPLETED, action, start
from .test_espresso_profiles_machine import choose

RECORDER_LIMIT = 32 * 1024  # bytes of event data the recorder keeps (design §6)

# A flow profile whose pour lasts 85 s: a long shot, as a slow turbo or a lungo runs.
LONG_PROFILE = {
    "title": "Long flat flow",
    "author": "Kitchen BLE tests",
    "notes": "",
    "beverage_type": "espresso",
    "steps": [
        {
            "name": "fill",
            "temperature": 92,
            "sensor": "coffee",
            "pump": "flow",
            "transition": "fast",
            "pressure": 0,
            "flow": 4,
            "seconds": 10,
            "volume": 0,
            "exit": {"type": "pressure", "condition": "over", "value": 4},
        },
        {
            "name": "pour",
            "temperature": 92,
            "sensor": "coffee",
            "pump": "flow",
            "transition": "smooth",
            "pressure": 0,
            "flow": 1.5,
            "seconds": 85,
            "volume": 0,
        },
    ],
    "tank_temperature": 0,
    "target_weight": 0,
    "target_volume": 0,
    "target_volume_count_start": 1,
    "legacy_profile_type": "settings_2c",
    "type": "advanced",
    "lang": "en",
    "hidden": "0",
    "reference_file": "",
    "changes_since_last_espresso": "",
    "version": "2",
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder must exist before Home Assistant: it comes first here."""


async def _stored_event_data(hass: HomeAssistant) -> list[str]:
    """The data of every shot event as the recorder's database holds it."""

    def read() -> list[str]:
        with session_scope(hass=hass, read_only=True) as session:
            rows = (
                session.query(EventData.shared_data)
                .join(Events, Events.data_id == EventData.data_id)
                .join(EventTypes, Events.event_type_id == EventTypes.event_type_id)
                .filter(EventTypes.event_type == SHOT_COMPLETED)
                .all()
            )
            return [str(row[0]) for row in rows]

    return await get_instance(hass).async_add_executor_job(read)


async def test_a_90_second_shot_fits_the_recorder_and_outlives_its_purge(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    assert await async_setup_component(hass, "logbook", {})
    begin = dt_util.utcnow()
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, entry = await connected_de1(hass, virtual_proxy)
    await hass.services.async_call(
        DOMAIN,
        "import_profile",
        {"json": json.dumps(LONG_PROFILE)},
        blocking=True,
        return_response=True,
    )
    await choose(hass, freezer, virtual_proxy, device, "Long flat flow")
    await advance(hass, freezer, virtual_proxy, 2)
    await start(hass, freezer, virtual_proxy, device)
    recorder = get_shots(hass).recording(link_of(entry))
    assert recorder is not None
    recorder.set_dose(18.0)
    # a scale reporting ten times a second, as the shot controller will feed it
    grams = 0.0
    while device.state[0] is not State.IDLE:
        clock = hass.loop.time()
        for tenth in range(10):
            grams += device.pour_rate_g_per_s / 10
            recorder.add_weight(WeightSample(clock + tenth / 10, round(grams, 1), None))
        await advance(hass, freezer, virtual_proxy, 1.0)
    await advance(hass, freezer, virtual_proxy, 1.0)

    (event,) = completed
    summary = event.data["summary"]
    assert summary["duration"] >= 90, "a 90-second shot"
    assert summary["yield"] > 100
    await async_wait_recording_done(hass)
    (stored,) = await _stored_event_data(hass)
    assert len(stored.encode()) < RECORDER_LIMIT
    kept = json.loads(stored)
    assert kept["summary"]["id"] == summary["id"], "the recorder kept the data, not {}"
    assert len(kept["curves"]["weight"]) == 32, "a preview a chart can draw (the archive has all)"

    client = await hass_ws_client()
    await client.send_json({"id": 1, "type": "logbook/get_events", "start_time": begin.isoformat()})
    response = await client.receive_json()
    assert response["success"], response
    (line,) = [e for e in response["result"] if e.get("domain") == DOMAIN]
    assert line["name"] == "DE1"
    found = re.fullmatch(
        r"Espresso: (\d+\.\d) g in (\d+) s from 18\.0 g \(1:(\d+\.\d)\), Long flat flow",
        line["message"],
    )
    assert found, line["message"]
    assert float(found[1]) == pytest.approx(summary["yield"], abs=0.05)
    assert int(found[2]) == round(summary["duration"])

    await hass.services.async_call("recorder", "purge", {"keep_days": 0, "repack": False})
    await async_wait_purge_done(hass)
    assert await _stored_event_data(hass) == [], "the recorder forgot the shot"
    listed = await action(hass, "list_shots")
    assert [item["id"] for item in listed["shots"]] == [summary["id"]]
    record = (await action(hass, "get_shot", shot_id=summary["id"]))["record"]
    assert len(record["weights"]["t"]) > 900, "every weight at full rate"
    assert_no_errors(caplog)
