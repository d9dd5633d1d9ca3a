"""Brewing programs through the services: create, list, update, delete, validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from custom_components.kitchen_ble.brewing import STORE_KEY
from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.library.brewing.program import ERROR_KEYS
from emulator.proxy import VirtualProxy

from .brewing import MASH_STEPS, create, press, program_entity, program_state, programs, thermometer
from .common import settle
from .cooking import call

TRANSLATIONS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components" / "kitchen_ble" / "translations" / "en.json"
    ).read_text(encoding="utf-8")
)


def test_every_program_error_is_translated() -> None:
    exceptions = TRANSLATIONS["exceptions"]
    assert ERROR_KEYS | {"unknown_source"} <= set(exceptions)


async def test_create_list_update_delete(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, hass_storage: dict[str, Any]
) -> None:
    device, device_id = await thermometer(hass, virtual_proxy)

    created = await create(hass, device_id, tolerance=1.0, reach_timeout_minutes=20)

    assert created["id"] == "marzen_mash"
    assert created["state"] == "idle"
    assert created["steps"][1] == {
        "name": "Saccharification",
        "target": 65.0,
        "hold_minutes": 60.0,
        "until": None,
        "ramp": None,
    }
    assert created["reach_timeout_minutes"] == 20.0
    state = program_state(hass, device, "marzen_mash", "state")
    assert state.state == "idle"
    assert state.attributes["friendly_name"] == "iGrill Märzen mash state"
    assert state.attributes["active_alarms"] == 0
    # the program's entities sit on the thermometer's own device
    entity = er.async_get(hass).async_get(state.entity_id)
    assert entity is not None
    assert entity.device_id == device_id
    setpoint = program_state(hass, device, "marzen_mash", "setpoint")
    assert setpoint.state == "unknown"
    assert setpoint.attributes["friendly_name"] == "iGrill Märzen mash setpoint"
    assert program_state(hass, device, "marzen_mash", "step").attributes["steps"] == 3
    start = program_state(hass, device, "marzen_mash", "start", "button")
    assert start.attributes["friendly_name"] == "iGrill Start Märzen mash"
    alarm = program_state(hass, device, "marzen_mash", "alarm", "event")
    assert "program_finished" in alarm.attributes["event_types"]
    assert [p["name"] for p in await programs(hass)] == ["Märzen mash"]

    # a second one with a ramp and an end time
    until = "2099-01-01T12:00:00+00:00"
    second = await create(
        hass,
        device_id,
        name="Lager",
        probe=2,
        steps=[{"target": 10, "ramp": 1.5, "until": until}, {"target": 2, "hold_minutes": 0}],
    )
    assert second["steps"][0]["until"] == until
    assert [p["name"] for p in await programs(hass)] == ["Lager", "Märzen mash"]

    # update: settings change in place, a new name makes new entities
    updated = await call(
        hass,
        "update_program",
        {"program": "marzen_mash", "tolerance": 0.8, "steps": MASH_STEPS[:2]},
        return_response=True,
    )
    assert updated["tolerance"] == 0.8
    assert len(updated["steps"]) == 2
    assert program_state(hass, device, "marzen_mash", "step").attributes["steps"] == 2
    await call(hass, "update_program", {"program": "Märzen Mash", "name": "Märzen mash 2"})
    renamed = program_state(hass, device, "marzen_mash", "setpoint")
    assert renamed.attributes["friendly_name"] == "iGrill Märzen mash 2 setpoint"

    # a running program can be neither changed nor deleted
    await press(hass, device, "marzen_mash", "start")
    for service, data in (
        ("update_program", {"program": "marzen_mash", "tolerance": 1.0}),
        ("delete_program", {"program": "marzen_mash"}),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, service, data)
        assert err.value.translation_key == "program_already_running"
    await press(hass, device, "marzen_mash", "stop")

    entity = program_entity(hass, device, "marzen_mash", "state")
    await call(hass, "delete_program", {"program": "marzen_mash"})
    assert hass.states.get(entity) is None
    assert er.async_get(hass).async_get(entity) is None
    assert [p["id"] for p in await programs(hass)] == ["lager"]
    await hass.async_block_till_done()
    await settle(hass)


BAD_STEPS: list[tuple[list[Any], str, dict[str, str]]] = [
    ([], "no_steps", {}),
    ([{"target": 65}], "step_needs_hold_or_until", {"step": "1"}),
    (
        [{"target": 65, "hold_minutes": 1}, {"target": 500, "hold_minutes": 1}],
        "step_target_out_of_range",
        {"step": "2", "target": "500"},
    ),
    (
        [{"target": 65, "hold_minutes": 5, "until": "2099-01-01T00:00:00"}],
        "step_hold_and_until",
        {"step": "1"},
    ),
    ([{"target": 65, "hold_minutes": "long"}], "step_invalid_value", {"field": "hold_minutes"}),
    ([{"target": "hot", "hold_minutes": 5}], "step_invalid_value", {"field": "target"}),
    ([{"target": 65, "hold_minutes": 5, "colour": 1}], "step_invalid_value", {"field": "colour"}),
    ([{"target": 65, "until": "soon"}], "step_until_invalid", {"step": "1"}),
    ([{"target": 65, "until": "2000-01-01T00:00:00+00:00"}], "until_in_the_past", {"step": "1"}),
    ([{"target": 65, "hold_minutes": 5, "ramp": 0}], "step_ramp_not_positive", {"step": "1"}),
    ([{"target": 65, "hold_minutes": 5, "ramp": 5000}], "step_ramp_too_fast", {"step": "1"}),
    (
        [{"target": 65, "hold_minutes": 200 * 86400}],
        "step_hold_out_of_range",
        {"step": "1"},
    ),
    (
        [
            {"target": 65, "until": "2099-01-02T00:00:00+00:00"},
            {"target": 60, "until": "2099-01-01T00:00:00+00:00"},
        ],
        "step_until_not_increasing",
        {"step": "2"},
    ),
    (["a step"], "step_invalid_value", {"step": "1"}),
]


@pytest.mark.parametrize(("steps", "key", "placeholders"), BAD_STEPS)
async def test_a_bad_step_is_refused_and_changes_nothing(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    steps: list[Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    before = await programs(hass)

    with pytest.raises(ServiceValidationError) as err:
        await create(hass, device_id, name="Other", steps=steps)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert placeholders.items() <= err.value.translation_placeholders.items()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "update_program", {"program": "marzen_mash", "steps": steps})
    assert err.value.translation_key == key

    assert await programs(hass) == before
    message = TRANSLATIONS["exceptions"][key]["message"]
    assert message.format(**err.value.translation_placeholders)  # every placeholder filled


BAD_SETTINGS: list[tuple[dict[str, Any], str, dict[str, str]]] = [
    ({"name": "  "}, "program_name_invalid", {"max": "64"}),
    ({"name": "x" * 65}, "program_name_invalid", {"max": "64"}),
    ({"name": "MÄRZEN  mash"}, "duplicate_program", {"program": "MÄRZEN  mash"}),
    ({"tolerance": 0}, "tolerance_out_of_range", {"value": "0", "max": "10"}),
    ({"tolerance": 3}, "deviation_band_out_of_range", {"value": "2", "min": "3", "max": "50"}),
    ({"deviation_band": 100}, "deviation_band_out_of_range", {"value": "100"}),
    # the alarm times in the minutes they were typed in
    ({"reach_timeout_minutes": -1}, "reach_timeout_out_of_range", {"value": "-1", "max": "10080"}),
    (
        {"reach_timeout_minutes": 10080.5},
        "reach_timeout_out_of_range",
        {"value": "10080.5", "max": "10080"},
    ),
    ({"deviation_minutes": 2000}, "deviation_time_out_of_range", {"value": "2000", "max": "1440"}),
    ({"deviation_minutes": -0.5}, "deviation_time_out_of_range", {"value": "-0.5", "max": "1440"}),
    ({"sensor_lost_minutes": 0}, "sensor_lost_after_out_of_range", {"value": "0", "max": "1440"}),
    ({"probe": 9}, "unknown_source", {"probe": "9"}),
    ({"device_id": "nope"}, "unknown_source", {"device_id": "nope"}),
]


@pytest.mark.parametrize(("data", "key", "placeholders"), BAD_SETTINGS)
async def test_bad_settings_are_refused(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    before = await programs(hass)

    with pytest.raises(ServiceValidationError) as err:
        await create(hass, device_id, **{"name": "Other", **data})
    assert err.value.translation_key == key
    assert placeholders.items() <= err.value.translation_placeholders.items()
    message = TRANSLATIONS["exceptions"][key]["message"]
    assert message.format(**err.value.translation_placeholders)  # every placeholder filled
    assert await programs(hass) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"reach_timeout_minutes": -1},
            "The time to reach the setpoint must be between 0 and 10080 minutes, not -1",
        ),
        (
            {"deviation_minutes": 2000},
            "The deviation time must be between 0 and 1440 minutes, not 2000",
        ),
        (
            {"sensor_lost_minutes": 0},
            "The time before a sensor counts as lost must be more than 0 and at most 1440 "
            "minutes, not 0",
        ),
    ],
)
async def test_alarm_time_errors_speak_minutes(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, data: dict[str, Any], message: str
) -> None:
    """The message the user reads, on create and on update (without the final full stop)."""
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    with pytest.raises(ServiceValidationError) as created:
        await create(hass, device_id, **{"name": "Other", **data})
    with pytest.raises(ServiceValidationError) as updated:
        await call(hass, "update_program", {"program": "marzen_mash", **data})
    for err in (created, updated):
        assert str(err.value) == message


async def test_unknown_program_and_alarm(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    for service, data, key in (
        ("delete_program", {"program": "nope"}, "unknown_program"),
        ("update_program", {"program": "nope", "tolerance": 1.0}, "unknown_program"),
        ("acknowledge_alarm", {"program": "nope"}, "unknown_program"),
        ("acknowledge_alarm", {"program": "marzen_mash", "alarm_id": "x-1"}, "unknown_alarm"),
        ("update_program", {"program": "marzen_mash", "name": ""}, "program_name_invalid"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, service, data)
        assert err.value.translation_key == key, service


async def test_programs_are_stored(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, hass_storage: dict[str, Any]
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    await hass.async_stop()
    stored = hass_storage[STORE_KEY]["data"]
    assert [p["id"] for p in stored["library"]["programs"]] == ["marzen_mash"]
    assert stored["runs"]["marzen_mash"]["state"] == "idle"


async def test_programs_in_device_diagnostics(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, hass_client: Any
) -> None:
    from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped,unused-ignore]
        get_diagnostics_for_config_entry,
    )

    device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["brewing"] == [
        {
            "id": "marzen_mash",
            "name": "Märzen mash",
            "probe": 1,
            "steps": len(MASH_STEPS),
            "state": "idle",
            "step_index": None,  # not started
            "active_alarms": [],
        }
    ]
    assert device.address not in str(diagnostics["brewing"])
