"""Alerts and sessions reach the logbook as sentences, through the recorder."""

from __future__ import annotations

import re
from typing import Any

import pytest
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

from .common import add_igrill, settle, setup_device
from .cooking import call, hold, set_number


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder must exist before Home Assistant: it comes first here."""


async def test_alerts_in_the_logbook(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_ws_client: WebSocketGenerator,
    config_dir: Any,
) -> None:
    assert await async_setup_component(hass, "logbook", {})
    start = dt_util.utcnow()
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2", title="iGrill V2")
    hold(device, 1, 20.0)
    virtual_proxy.tick(1)
    await settle(hass)
    await set_number(hass, device, "probe_1_target", 57)
    await hass.services.async_call(
        "text",
        "set_value",
        {"entity_id": "text.igrill_v2_probe_1_label", "value": "Brisket"},
        blocking=True,
    )
    await call(hass, "start_session", {"name": "Sunday brisket"})
    hold(device, 1, 57.4)
    virtual_proxy.tick(1)
    await settle(hass)
    await call(hass, "end_session")
    await async_wait_recording_done(hass)

    client = await hass_ws_client()
    await client.send_json({"id": 1, "type": "logbook/get_events", "start_time": start.isoformat()})
    response = await client.receive_json()
    assert response["success"], response
    ours = [e for e in response["result"] if e.get("domain") == "kitchen_ble"]
    # one line per alert: the probe's alert event entity (disabled by default) adds none
    assert not [e for e in response["result"] if e.get("entity_id", "").startswith("event.")]
    assert [e["name"] for e in ours] == [
        "Sunday brisket",
        "iGrill V2 Probe 1 (Brisket)",
        "Sunday brisket",
    ]
    assert ours[0]["message"] == "cook session started"
    assert re.fullmatch(r"reached its target: 5[78] °C", ours[1]["message"])
    assert ours[2]["message"] == "cook session ended after 0 min"
