"""The brewing blueprints: a fermentation chamber on a program's setpoint, alarm notifications."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.const import EVENT_CALL_SERVICE, EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped,unused-ignore]
    AiohttpClientMocker,
)

from custom_components.kitchen_ble.library.brewing.alarms import BrewAlarmType
from emulator.proxy import VirtualProxy
from tests.ha.brewing import create, press, program_entity, program_state, thermometer
from tests.ha.common import entity_id
from tests.ha.cooking import advance, hold

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
    assert {t["trigger"] for t in data["triggers"]} <= {"event", "state", "homeassistant"}
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


HEATER = "switch.heater"
COOLER = "switch.fridge"


class Chamber:
    """A heater and a cooler as real template switches (on input_booleans), watched.

    ``calls`` are the switch actions sent, as (service, entity id); every
    state change of either switch is checked: never both on.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.calls: list[tuple[str, str]] = []
        self.both_on = False
        hass.bus.async_listen(EVENT_CALL_SERVICE, self._on_call)
        hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_state)

    @classmethod
    async def create(cls, hass: HomeAssistant) -> Chamber:
        power = {"heater_power": {}, "fridge_power": {}}
        assert await async_setup_component(hass, "input_boolean", {"input_boolean": power})
        switches = [
            {
                "name": name,
                "optimistic": True,
                "state": f"{{{{ is_state('input_boolean.{power}', 'on') }}}}",
                "turn_on": {
                    "action": "input_boolean.turn_on",
                    "target": {"entity_id": f"input_boolean.{power}"},
                },
                "turn_off": {
                    "action": "input_boolean.turn_off",
                    "target": {"entity_id": f"input_boolean.{power}"},
                },
            }
            for name, power in (("Heater", "heater_power"), ("Fridge", "fridge_power"))
        ]
        assert await async_setup_component(hass, "template", {"template": [{"switch": switches}]})
        await hass.async_block_till_done()
        chamber = cls(hass)
        assert chamber.on() == set()
        return chamber

    @callback
    def _on_call(self, event: Event) -> None:
        if event.data["domain"] == "switch":
            for entity in cv.ensure_list(event.data["service_data"]["entity_id"]):
                self.calls.append((event.data["service"], entity))

    @callback
    def _on_state(self, event: Event) -> None:
        if event.data["entity_id"] in (HEATER, COOLER) and self.on() == {HEATER, COOLER}:
            self.both_on = True

    def on(self) -> set[str]:
        return {e for e in (HEATER, COOLER) if (s := self.hass.states.get(e)) and s.state == "on"}

    def take(self) -> list[tuple[str, str]]:
        """The calls since the last ``take``."""
        calls, self.calls = self.calls, []
        return calls


def chamber_inputs(**changes: Any) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "setpoint_sensor": SETPOINT,
        "temperature_sensor": TEMPERATURE,
        "heater": HEATER,
        "cooler": COOLER,
        "hysteresis": 0.5,
    }
    inputs.update(changes)
    return inputs


@pytest.fixture
async def chamber(hass: HomeAssistant, brewing_folder: Path) -> Chamber:
    return await Chamber.create(hass)


async def test_fermentation_chamber_hysteresis(hass: HomeAssistant, chamber: Chamber) -> None:
    await _state(hass, SETPOINT, "unknown")
    await _state(hass, TEMPERATURE, "15.0")
    await use_blueprint(hass, CHAMBER, chamber_inputs())

    async def temperature(*values: float, calls: list[tuple[str, str]], on: set[str]) -> None:
        for value in values:
            await _state(hass, TEMPERATURE, str(value))
        assert chamber.take() == calls, values
        assert chamber.on() == on, values

    # no setpoint (no program running): nothing happens
    await temperature(15.0, 11.0, calls=[], on=set())

    # heating: on below 12 - 0.5, and on until the setpoint, however noisy in between
    await _state(hass, SETPOINT, "12.0")
    assert chamber.take() == [("turn_on", HEATER)]
    await temperature(11.6, 11.4, 11.55, 11.45, 11.6, 11.49, 11.9, 11.99, calls=[], on={HEATER})
    await temperature(12.0, calls=[("turn_off", HEATER)], on=set())
    # back below the setpoint but inside the band: it stays off
    await temperature(11.9, 11.6, 11.5, 11.7, calls=[], on=set())
    await temperature(11.4, calls=[("turn_on", HEATER)], on={HEATER})
    await temperature(12.3, calls=[("turn_off", HEATER)], on=set())

    # cooling, the mirror image: on above 12 + 0.5, and on until the setpoint
    await temperature(12.4, 12.5, 12.3, calls=[], on=set())
    await temperature(12.6, calls=[("turn_on", COOLER)], on={COOLER})
    await temperature(12.4, 12.55, 12.45, 12.51, 12.01, calls=[], on={COOLER})
    await temperature(12.0, calls=[("turn_off", COOLER)], on=set())
    await temperature(12.1, 12.5, 12.4, calls=[], on=set())

    # from one side to the other: the one goes off before the other goes on
    await temperature(11.0, calls=[("turn_on", HEATER)], on={HEATER})
    await temperature(13.0, calls=[("turn_off", HEATER), ("turn_on", COOLER)], on={COOLER})
    await temperature(11.0, calls=[("turn_off", COOLER), ("turn_on", HEATER)], on={HEATER})

    # a new setpoint (a ramp, the next step) moves the latch with it
    await _state(hass, SETPOINT, "11.5")
    assert chamber.take() == []  # 11.0 is inside the new band, and heating goes on to 11.5
    await _state(hass, SETPOINT, "10.9")
    assert (chamber.take(), chamber.on()) == ([("turn_off", HEATER)], set())

    # the program stops, or the temperature is gone: everything off, once
    await _state(hass, SETPOINT, "12.0")
    assert chamber.take() == [("turn_on", HEATER)]
    await _state(hass, SETPOINT, "unknown")
    assert (chamber.take(), chamber.on()) == ([("turn_off", HEATER)], set())
    await temperature(10.0, 14.0, calls=[], on=set())
    await _state(hass, SETPOINT, "12.0")
    assert (chamber.take(), chamber.on()) == ([("turn_on", COOLER)], {COOLER})
    await temperature(float("nan"), calls=[("turn_off", COOLER)], on=set())
    await _state(hass, TEMPERATURE, "unavailable")
    await _state(hass, TEMPERATURE, "10.0")
    assert (chamber.take(), chamber.on()) == ([("turn_on", HEATER)], {HEATER})
    await _state(hass, TEMPERATURE, "unavailable")
    assert (chamber.take(), chamber.on()) == ([("turn_off", HEATER)], set())

    assert not chamber.both_on


def _by_hand(chamber: Chamber) -> list[tuple[str, str]]:
    """The calls since the last take, a command repeated at once counted once.

    A switch switched by hand reports twice on 2026.10 (its optimistic state,
    then its template's), so the blueprint may send the same "off" twice in a
    row: harmless, and not the chatter the other tests rule out.
    """
    taken = chamber.take()
    return [call for i, call in enumerate(taken) if i == 0 or call != taken[i - 1]]


async def test_fermentation_chamber_never_switches_both_on(
    hass: HomeAssistant, chamber: Chamber
) -> None:
    """A switch turned on by hand against the temperature goes off again at once."""
    await _state(hass, SETPOINT, "12.0")
    await _state(hass, TEMPERATURE, "12.2")
    await use_blueprint(hass, CHAMBER, chamber_inputs(hysteresis=1.0))
    assert chamber.take() == []
    for entity in (HEATER, COOLER):
        await hass.services.async_call("switch", "turn_on", {"entity_id": entity}, blocking=True)
        await hass.async_block_till_done()
    assert chamber.on() == {COOLER}  # 12.2 is above the setpoint: cooling may go on
    assert _by_hand(chamber) == [("turn_on", HEATER), ("turn_off", HEATER), ("turn_on", COOLER)]
    await _state(hass, TEMPERATURE, "10.5")  # below 12 - 1
    assert chamber.take() == [("turn_off", COOLER), ("turn_on", HEATER)]
    assert chamber.on() == {HEATER}
    await hass.services.async_call("switch", "turn_on", {"entity_id": COOLER}, blocking=True)
    await hass.async_block_till_done()
    assert _by_hand(chamber) == [("turn_on", COOLER), ("turn_off", COOLER)]
    assert chamber.on() == {HEATER}


async def test_fermentation_chamber_on_a_real_program(
    hass: HomeAssistant,
    brewing_folder: Path,
    chamber: Chamber,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The setpoint sensor of a program of the integration and the probe it follows."""
    device, device_id = await thermometer(hass, virtual_proxy)
    await create(
        hass,
        device_id,
        name="Lager",
        steps=[{"name": "Primary", "target": 17.5, "hold_minutes": 7 * 24 * 60}],
        reach_timeout_minutes=0,
        deviation_band=10,
    )
    setpoint = program_entity(hass, device, "lager", "setpoint")
    probe = entity_id(hass, device, "probe_1")
    hold(device, 1, 23.0)
    await advance(hass, freezer, virtual_proxy, 30, step=10)
    await use_blueprint(
        hass,
        CHAMBER,
        chamber_inputs(setpoint_sensor=setpoint, temperature_sensor=probe, hysteresis=2.0),
    )
    await advance(hass, freezer, virtual_proxy, 60, step=10)
    assert (chamber.take(), chamber.on()) == ([], set()), "no program running"

    await press(hass, device, "lager", "start")
    assert program_state(hass, device, "lager", "setpoint").state == "17.5"
    assert (chamber.take(), chamber.on()) == ([("turn_on", COOLER)], {COOLER})
    # the probe reads whole degrees with noise: 18 to 20 is inside the band (15.5 to
    # 19.5) and above the setpoint, so the cooler stays on
    hold(device, 1, 19.0)
    readings: list[float] = []

    @callback
    def reading(event: Event[EventStateChangedData]) -> None:
        if (new := event.data["new_state"]) is not None:
            readings.append(float(new.state))

    unsub = async_track_state_change_event(hass, probe, reading)
    await advance(hass, freezer, virtual_proxy, 5 * 60, step=10)
    unsub()
    assert readings
    assert all(17.5 < reading <= 20 for reading in readings)
    assert min(readings) < 19.5, "the readings were inside the band"
    assert (chamber.take(), chamber.on()) == ([], {COOLER})
    hold(device, 1, 16.5)  # 16 or 17: past the setpoint, not below the band
    await advance(hass, freezer, virtual_proxy, 60, step=10)
    assert (chamber.take(), chamber.on()) == ([("turn_off", COOLER)], set())
    await advance(hass, freezer, virtual_proxy, 5 * 60, step=10)
    assert chamber.take() == []
    hold(device, 1, 14.0)  # below the band
    await advance(hass, freezer, virtual_proxy, 60, step=10)
    assert (chamber.take(), chamber.on()) == ([("turn_on", HEATER)], {HEATER})

    await press(hass, device, "lager", "stop")
    assert program_state(hass, device, "lager", "setpoint").state == "unknown"
    assert (chamber.take(), chamber.on()) == ([("turn_off", HEATER)], set())
    assert not chamber.both_on


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
