"""The espresso blueprints: ready after waking, the tank to refill, waking on a schedule."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped,unused-ignore]
    AiohttpClientMocker,
)

from .test_blueprints import SOURCE, inputs_of, keys_anywhere, load, phone, pushes, use_blueprint

READY = "espresso_ready.yaml"
REFILL = "espresso_refill.yaml"
WAKE = "espresso_wake_schedule.yaml"
ESPRESSO = (READY, REFILL, WAKE)
__all__ = ["phone"]  # a fixture


@pytest.fixture
def espresso_folder(hass: HomeAssistant, tmp_path: Path) -> Iterator[Path]:
    original = hass.config.config_dir
    hass.config.config_dir = str(tmp_path)
    folder = Path(hass.config.path("blueprints", "automation", "kitchen_ble"))
    folder.mkdir(parents=True)
    for name in ESPRESSO:
        shutil.copy(SOURCE / name, folder / name)
    yield folder
    hass.config.config_dir = original


@pytest.mark.parametrize("name", ESPRESSO)
def test_blueprint_validates(name: str) -> None:
    data = load(name)
    blueprint = models.Blueprint(
        data, expected_domain="automation", path=name, schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.validate() is None
    assert blueprint.metadata["homeassistant"]["min_version"] == "2026.2.0"
    assert "visible" not in set(keys_anywhere(data))  # new after 2026.2
    for key, spec in inputs_of(blueprint.metadata["input"]).items():
        assert spec.get("name"), key
        assert spec.get("description"), key
        assert spec.get("selector"), key


async def _set(hass: HomeAssistant, entity_id: str, state: str, **attributes: Any) -> None:
    hass.states.async_set(entity_id, state, attributes)
    await hass.async_block_till_done()


async def test_ready_after_waking(
    hass: HomeAssistant, espresso_folder: Path, phone: str, aioclient_mock: AiohttpClientMocker
) -> None:
    await _set(hass, "binary_sensor.de1_ready", "off")
    await use_blueprint(
        hass, READY, {"ready_sensor": "binary_sensor.de1_ready", "notify_device": phone}
    )

    await _set(hass, "binary_sensor.de1_ready", "on")  # heated after waking
    [push] = pushes(aioclient_mock)
    assert push["title"] == "Espresso machine"
    assert push["message"] == "The espresso machine is hot and ready."
    assert push["data"] == {"tag": "kitchen_ble_espresso_ready"}

    await _set(hass, "binary_sensor.de1_ready", "unavailable")  # the link dropped
    await _set(hass, "binary_sensor.de1_ready", "on")  # and came back: not a new wake-up
    assert len(pushes(aioclient_mock)) == 1
    await _set(hass, "binary_sensor.de1_ready", "off")  # asleep, then woken again
    await _set(hass, "binary_sensor.de1_ready", "on")
    assert len(pushes(aioclient_mock)) == 2


@pytest.mark.parametrize(
    ("water", "message"),
    [
        (
            {"state": "250", "unit_of_measurement": "mL"},
            "The water tank needs refilling: 250 mL left.",
        ),
        ({"state": "unavailable"}, "The water tank needs refilling."),
        (None, "The water tank needs refilling."),
    ],
)
async def test_refill(
    hass: HomeAssistant,
    espresso_folder: Path,
    phone: str,
    aioclient_mock: AiohttpClientMocker,
    water: dict[str, str] | None,
    message: str,
) -> None:
    inputs = {"refill_sensor": "binary_sensor.de1_refill_needed", "notify_device": phone}
    if water is not None:
        attributes = {k: v for k, v in water.items() if k != "state"}
        await _set(hass, "sensor.de1_water_volume", water["state"], **attributes)
        inputs["water_sensor"] = "sensor.de1_water_volume"
    await _set(hass, "binary_sensor.de1_refill_needed", "off")
    await use_blueprint(hass, REFILL, inputs)

    await _set(hass, "binary_sensor.de1_refill_needed", "on")
    [push] = pushes(aioclient_mock)
    assert push["message"] == message
    assert push["title"] == "Espresso machine"


async def _at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: str) -> None:
    moment = dt_util.as_utc(
        datetime.fromisoformat(when).replace(tzinfo=dt_util.get_default_time_zone())
    )
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done()


async def test_wake_on_weekdays_unless_awake(
    hass: HomeAssistant, espresso_folder: Path, freezer: FrozenDateTimeFactory
) -> None:
    calls: list[ServiceCall] = async_mock_service(hass, "switch", "turn_on")
    await _at(hass, freezer, "2026-12-07T06:00:00")  # a Monday
    await _set(hass, "switch.de1_power", "off")
    await use_blueprint(hass, WAKE, {"power_switch": "switch.de1_power", "wake_time": "06:30:00"})

    await _at(hass, freezer, "2026-12-07T06:30:00")
    assert [call.data["entity_id"] for call in calls] == [["switch.de1_power"]]

    await _set(hass, "switch.de1_power", "on")  # already awake on Tuesday
    await _at(hass, freezer, "2026-12-08T06:30:00")
    assert len(calls) == 1

    await _set(hass, "switch.de1_power", "off")
    await _at(hass, freezer, "2026-12-12T06:30:00")  # a Saturday: not a chosen day
    assert len(calls) == 1
    await _at(hass, freezer, "2026-12-14T06:30:00")  # Monday again
    assert len(calls) == 2
    # switched off, the automation leaves no timer behind
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)
