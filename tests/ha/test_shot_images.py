"""The Last shot image of a DE1 and the Last cook image of a thermometer, fetched through Home
Assistant's image proxy as a dashboard does: valid SVG with the series of what was recorded."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from datetime import datetime
from http import HTTPStatus
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    ClientSessionGenerator,
)

from emulator.proxy import VirtualProxy

from .common import add_igrill, assert_no_errors, settle, setup_device, warnings_logged
from .common import entity_id as thermometer_entity
from .cooking import call, hold, set_number
from .espresso import advance, connected_de1, entity_id
from .shots import action, pull

SVG = "{http://www.w3.org/2000/svg}"


async def _fetch(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, image: str
) -> tuple[int, str, str]:
    """Status, content type and body of the image as a dashboard fetches it (with the token)."""
    state = hass.states.get(image)
    assert state is not None
    client = await hass_client()
    response = await client.get(state.attributes["entity_picture"])
    return response.status, response.content_type, await response.text()


def _series(svg: str) -> dict[str, int]:
    """Each series of the chart with the number of points it draws."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return {
        line.attrib["id"].removeprefix("series-"): len(line.attrib["points"].split())
        for line in root.iter(f"{SVG}polyline")
    }


async def test_the_last_shot_image(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    config_dir: Path,
) -> None:
    # aiohttp's access log reads the local time zone, which the frozen clock of the
    # 2026.10 lane cannot give ("Error in logging"): the server's log, not the image
    monkeypatch.setattr(logging.getLogger("aiohttp.access"), "disabled", True)
    device, _entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    image = entity_id(hass, device, "image", "last_shot_chart")
    assert hass.states.get(image).state == STATE_UNKNOWN  # type: ignore[union-attr]
    status, _type, _body = await _fetch(hass, hass_client, image)
    assert status == HTTPStatus.INTERNAL_SERVER_ERROR, "no shot, no picture"

    await pull(hass, freezer, virtual_proxy, device)
    (shot,) = (await action(hass, "list_shots"))["shots"]
    state = hass.states.get(image)
    assert state is not None
    assert datetime.fromisoformat(state.state).timestamp() == pytest.approx(shot["ended_at"])

    status, content_type, body = await _fetch(hass, hass_client, image)
    assert status == HTTPStatus.OK
    assert content_type == "image/svg+xml"
    series = _series(body)
    for drawn in ("pressure", "flow", "pressure-goal", "flow-goal", "temperature-basket"):
        assert series[drawn] > 20, drawn
    assert series["weight"] == 0, "no scale took part: an empty weight series"

    # a flush after it leaves the Last shot (an espresso's) as it was
    await pull(hass, freezer, virtual_proxy, device, "flush")
    assert hass.states.get(image).state == state.state  # type: ignore[union-attr]
    assert_no_errors(caplog)


async def test_the_last_cook_image(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2", title="iGrill V2")
    image = thermometer_entity(hass, device, "last_cook_chart", "image")
    assert hass.states.get(image).state == STATE_UNKNOWN  # type: ignore[union-attr]
    assert (await _fetch(hass, hass_client, image))[0] == HTTPStatus.INTERNAL_SERVER_ERROR
    hold(device, 1, 40.0)
    virtual_proxy.tick(1)
    await settle(hass)
    await set_number(hass, device, "probe_1_target", 57)
    await call(hass, "start_session", {"name": "Sunday brisket"})
    for temperature in (45.0, 52.0, 57.5):
        hold(device, 1, temperature)
        virtual_proxy.tick(60)
        await settle(hass)
    await call(hass, "end_session")
    await settle(hass)
    (summary,) = (await call(hass, "list_sessions", {}, return_response=True))["sessions"]

    state = hass.states.get(image)
    assert state is not None
    assert state.state != STATE_UNKNOWN
    assert datetime.fromisoformat(state.state).timestamp() == pytest.approx(summary["ended_at"])
    status, content_type, body = await _fetch(hass, hass_client, image)
    assert status == HTTPStatus.OK
    assert content_type == "image/svg+xml"
    series = _series(body)
    record = await call(hass, "get_session", {"session_id": summary["id"]}, return_response=True)
    (probe,) = [probe for probe in record["probes"] if probe["probe"] == 1]
    assert series["probe-0"] == len(probe["curve"]) >= 2, "probe 1's curve as archived"
    assert series["target-0"] == 2, "its target across the cook"
    assert "Sunday brisket" in body

    # a session file damaged since: no picture, a warning, nothing else
    path = config_dir / "kitchen_ble" / "sessions" / f"{summary['id']}.json"
    path.write_text('{"name": "Sunday brisket", "probes": "damaged"}', encoding="utf-8")
    assert (await _fetch(hass, hass_client, image))[0] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert any("cannot be drawn" in line for line in warnings_logged(caplog))
    caplog.clear()
    assert_no_errors(caplog)
