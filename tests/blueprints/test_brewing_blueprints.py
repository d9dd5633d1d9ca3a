"""The brewing blueprints: a fermentation chamber on a program's setpoint, alarm notifications."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.core import HomeAssistant, ServiceCall
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_mock_service,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped,unused-ignore]
    AiohttpClientMocker,
)

from custom_components.kitchen_ble.brewing.alarms import BrewAlarmType

from .test_blueprints import SOURCE, inputs_of, keys_anywhere, load, phone, pushes, use_blueprint

CHAMBER = "fermentation_chamber.yaml"
NOTIFY = "notify_brew_alarm.yaml"
SETPOINT = "sensor.lager_setpoint"
TEMPERATURE = "sensor.igrill_probe_1"
__all__ = ["phone"]  # a fixture


@pytest.fixture
def brewing_folder(hass: HomeAssistant, tmp_path: Path) -> Iterator[Path]:
    original = hass.config.config_dir
    hass.config.config_dir = str(tmp_path)
    folder = Path(hass.config.path("blueprints", "automation", "kitchen_ble"))
    folder.mkdir(parents=True)
    for name in (CHAMBER, NOTIFY):
        shutil.copy(SOURCE / name, folder / name)
    yield folder
    hass.config.config_dir = original


@pytest.mark.parametrize("name", [CHAMBER, NOTIFY])
def test_blueprint_validates(name: str) -> None:
    data = load(name)
    blueprint = models.Blueprint(
        data, expected_domain="automation", path=name, schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.validate() is None
    assert blueprint.metadata["homeassistant"]["min_version"] == "2026.2.0"
    assert "visible" not in set(keys_anywhere(data))
    assert {t["trigger"] for t in data["triggers"]} <= {"event", "state", "time_pattern"}
    for key, spec in inputs_of(blueprint.metadata["input"]).items():
        assert spec.get("name"), key
        assert spec.get("description"), key


def test_notify_offers_every_alarm_type() -> None:
    spec = load(NOTIFY)["blueprint"]["input"]["alarm_types"]
    assert {o["value"] for o in spec["selector"]["select"]["options"]} == set(BrewAlarmType)
    assert set(spec["default"]) == set(BrewAlarmType)


async def _state(hass: HomeAssistant, entity_id: str, value: str) -> None:
    hass.states.async_set(entity_id, value, {"unit_of_measurement": "°C"})
    await hass.async_block_till_done()


def _switched(calls: tuple[list[ServiceCall], list[ServiceCall]]) -> dict[str, bool]:
    """The last command each switch got: on (True) or off (False)."""
    on, off = calls
    result: dict[str, bool] = {}
    for call in sorted([*on, *off], key=lambda c: c.context.id):
        for entity in call.data["entity_id"]:
            result[entity] = call in on
    return result


async def test_fermentation_chamber(hass: HomeAssistant, brewing_folder: Path) -> None:
    calls = (
        async_mock_service(hass, "switch", "turn_on"),
        async_mock_service(hass, "switch", "turn_off"),
    )
    await _state(hass, SETPOINT, "unknown")
    await _state(hass, TEMPERATURE, "15.0")
    await use_blueprint(
        hass,
        CHAMBER,
        {
            "setpoint_sensor": SETPOINT,
            "temperature_sensor": TEMPERATURE,
            "heater": "switch.heater",
            "cooler": "switch.fridge",
            "hysteresis": 0.5,
        },
    )
    on, off = calls

    async def expect(setpoint: str, temperature: str, heater: bool, cooler: bool) -> None:
        on.clear()
        off.clear()
        await _state(hass, SETPOINT, setpoint)
        await _state(hass, TEMPERATURE, temperature)
        switched = _switched(calls)
        assert switched == {"switch.heater": heater, "switch.fridge": cooler}, (
            setpoint,
            temperature,
        )

    await expect("12.0", "15.0", heater=False, cooler=True)
    await expect("12.0", "12.4", heater=False, cooler=False)
    await expect("12.0", "11.0", heater=True, cooler=False)
    await expect("18.0", "17.6", heater=False, cooler=False)
    await expect("unknown", "10.0", heater=False, cooler=False)  # the program stopped
    await expect("12.0", "unavailable", heater=False, cooler=False)
    # the time pattern re-checks every minute; switched off, it leaves no timer behind
    await hass.services.async_call(
        "automation", "turn_off", {"entity_id": "automation.automation_0"}, blocking=True
    )


def alarm(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "device_id": "abc",
        "name": "iGrill",
        "program_id": "lager",
        "program": "Lager",
        "alarm_id": "lager-1",
        "type": "deviation",
        "step": 1,
        "step_name": "Primary",
        "temperature": 14.5,
        "setpoint": 10.0,
        "unit": "°C",
    }
    data.update(changes)
    return data


async def _fire(hass: HomeAssistant, data: dict[str, Any]) -> None:
    hass.bus.async_fire("kitchen_ble_brew_alarm", data)
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "Primary is off the setpoint: 14.5 °C (setpoint 10.0 °C)"),
        (
            {"type": "setpoint_not_reached", "step_name": ""},
            "step 1 has not reached 10.0 °C in time: 14.5 °C",
        ),
        ({"type": "sensor_lost", "temperature": None}, "The temperature sensor is lost in Primary"),
        ({"type": "step_finished"}, "Primary finished"),
        ({"type": "program_finished"}, "The program finished"),
    ],
)
async def test_notify_brew_alarm(
    hass: HomeAssistant,
    brewing_folder: Path,
    phone: str,
    aioclient_mock: AiohttpClientMocker,
    changes: dict[str, Any],
    message: str,
) -> None:
    await use_blueprint(hass, NOTIFY, {"notify_device": phone})

    await _fire(hass, alarm(**changes))

    [push] = pushes(aioclient_mock)
    assert push["title"] == "Lager"
    assert push["message"] == message
    assert push["data"] == {"tag": "kitchen_ble_brew_lager-1"}


async def test_notify_filters_programs_and_types(
    hass: HomeAssistant, brewing_folder: Path, phone: str, aioclient_mock: AiohttpClientMocker
) -> None:
    await use_blueprint(
        hass,
        NOTIFY,
        {"notify_device": phone, "programs": ["Lager"], "alarm_types": ["program_finished"]},
    )

    await _fire(hass, alarm(program="Ale", program_id="ale", type="program_finished"))
    await _fire(hass, alarm())  # deviation: not chosen
    assert pushes(aioclient_mock) == []
    await _fire(hass, alarm(type="program_finished"))
    assert [push["message"] for push in pushes(aioclient_mock)] == ["The program finished"]
