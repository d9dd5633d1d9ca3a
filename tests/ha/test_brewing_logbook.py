"""Brewing alarms and their acknowledgement reach the logbook, through the recorder."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped,unused-ignore]
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    WebSocketGenerator,
)

from emulator.proxy import VirtualProxy

from .brewing import create, press, thermometer
from .cooking import advance, hold


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder must exist before Home Assistant: it comes first here."""


async def test_alarms_in_the_logbook(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_ws_client: WebSocketGenerator,
    freezer: FrozenDateTimeFactory,
    config_dir: Any,
) -> None:
    assert await async_setup_component(hass, "logbook", {})
    start = dt_util.utcnow()
    device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id, steps=[{"target": 20, "hold_minutes": 1}])
    hold(device, 1, 20.0)
    await press(hass, device, "marzen_mash", "start")
    await advance(hass, freezer, virtual_proxy, 90, step=30)
    await press(hass, device, "marzen_mash", "acknowledge")
    await async_wait_recording_done(hass)
    freezer.tick(timedelta(seconds=5))  # the query ends now: after the last entry

    client = await hass_ws_client()
    await client.send_json({"id": 1, "type": "logbook/get_events", "start_time": start.isoformat()})
    response = await client.receive_json()
    assert response["success"], response
    ours = [(e["name"], e["message"]) for e in response["result"] if e.get("domain")]
    assert ("Märzen mash", "finished") in ours
    assert ("Märzen mash", "1 alarm acknowledged") in ours
