"""A DE1's entities: each from a table, named by translation, in its category, with its unit.

Through Home Assistant and the emulated DE1 (de1.md): what every reading shows
(rounded to what a person reads), the machine's state and phase as translated
enums, the diagnostics (firmware build, group head controller, model, serial),
the Power switch and the Keep connected switch that lets the tablet have the
machine, and the diagnostics download with the serial redacted.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped,unused-ignore]
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    ClientSessionGenerator,
)

from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.sensor import Shown
from emulator.de1 import State, Substate
from emulator.proxy import VirtualProxy

from .common import add_igrill, assert_no_errors, settle, setup_device
from .espresso import (
    add_de1,
    advance,
    call,
    connected_de1,
    entity_id,
    link_of,
    run,
    setup_de1,
    state,
)

# key: (platform, translation key, entity category, device class, unit)
EXPECTED = {
    ("sensor", "machine_state"): ("machine_state", None, "enum", None),
    ("sensor", "substate"): ("substate", None, "enum", None),
    ("sensor", "remote_start"): ("remote_start", None, "enum", None),
    ("sensor", "group_temperature"): ("group_temperature", None, "temperature", "°C"),
    ("sensor", "mix_temperature"): ("mix_temperature", None, "temperature", "°C"),
    ("sensor", "steam_heater_temperature"): (
        "steam_heater_temperature",
        None,
        "temperature",
        "°C",
    ),
    ("sensor", "pressure"): ("pressure", None, "pressure", "bar"),
    ("sensor", "flow"): ("flow", None, "volume_flow_rate", "mL/s"),
    ("sensor", "group_temperature_setpoint"): (
        "group_temperature_setpoint",
        "diagnostic",
        "temperature",
        "°C",
    ),
    ("sensor", "mix_temperature_setpoint"): (
        "mix_temperature_setpoint",
        "diagnostic",
        "temperature",
        "°C",
    ),
    ("sensor", "pressure_setpoint"): ("pressure_setpoint", "diagnostic", "pressure", "bar"),
    ("sensor", "flow_setpoint"): ("flow_setpoint", "diagnostic", "volume_flow_rate", "mL/s"),
    ("sensor", "water_level"): ("water_level", None, "distance", "mm"),
    ("sensor", "water_volume"): ("water_volume", None, "volume_storage", "mL"),
    ("sensor", "firmware_build"): ("firmware_build", "diagnostic", None, None),
    ("sensor", "machine_model"): ("machine_model", "diagnostic", "enum", None),
    ("sensor", "serial_number"): ("serial_number", "diagnostic", None, None),
    ("binary_sensor", "ready"): ("ready", None, None, None),
    ("binary_sensor", "refill_needed"): ("refill_needed", None, "problem", None),
    ("binary_sensor", "ghc_present"): ("ghc_present", "diagnostic", None, None),
    ("binary_sensor", "ghc_active"): ("ghc_active", "diagnostic", None, None),
    ("switch", "power"): ("power", None, None, None),
    ("switch", "usb_charging"): ("usb_charging", "config", None, None),
    ("select", "steam_purge_mode"): ("steam_purge_mode", "config", None, None),
    ("select", "profile"): ("profile", None, None, None),
    ("button", "start_espresso"): ("start_espresso", None, None, None),
    ("button", "start_steam"): ("start_steam", None, None, None),
    ("button", "start_hot_water"): ("start_hot_water", None, None, None),
    ("button", "start_flush"): ("start_flush", None, None, None),
    ("button", "stop"): ("stop", None, None, None),
    ("button", "skip_to_next"): ("skip_to_next", None, None, None),
    ("number", "steam_temperature"): ("steam_temperature", "config", "temperature", "°C"),
    ("number", "steam_time"): ("steam_time", "config", "duration", "s"),
    ("number", "steam_flow"): ("steam_flow", "config", "volume_flow_rate", "mL/s"),
    ("number", "hot_water_temperature"): ("hot_water_temperature", "config", "temperature", "°C"),
    ("number", "hot_water_volume"): ("hot_water_volume", "config", "volume", "mL"),
    ("number", "hot_water_time"): ("hot_water_time", "config", "duration", "s"),
    ("number", "flush_time"): ("flush_time", "config", "duration", "s"),
    ("number", "flush_flow"): ("flush_flow", "config", "volume_flow_rate", "mL/s"),
    ("number", "flush_temperature"): ("flush_temperature", "config", "temperature", "°C"),
    ("number", "fan_threshold"): ("fan_threshold", "config", "temperature", "°C"),
    ("number", "flow_calibration"): ("flow_calibration", "config", None, None),
    ("number", "refill_threshold"): ("refill_threshold", "config", "distance", "mm"),
    # the last shot (shots.py): unknown until a shot is recorded
    ("sensor", "last_shot_yield"): ("last_shot_yield", None, "weight", "g"),
    ("sensor", "last_shot_duration"): ("last_shot_duration", None, "duration", "s"),
    ("sensor", "last_shot_ratio"): ("last_shot_ratio", None, None, None),
    ("sensor", "last_shot_stop_error"): ("last_shot_stop_error", None, "weight", "g"),
    ("image", "last_shot_chart"): ("last_shot_chart", None, None, None),
    # maintenance (maintenance.py): counters, their resets and reminders
    ("sensor", "shots_since_descale"): ("shots_since_descale", "diagnostic", None, None),
    ("sensor", "steam_since_descale"): ("steam_since_descale", "diagnostic", "duration", "min"),
    ("sensor", "shots_since_clean"): ("shots_since_clean", "diagnostic", None, None),
    ("sensor", "steam_since_clean"): ("steam_since_clean", "diagnostic", "duration", "min"),
    ("button", "descale_done"): ("descale_done", "config", None, None),
    ("button", "clean_done"): ("clean_done", "config", None, None),
    ("number", "descale_reminder"): ("descale_reminder", "config", None, None),
    ("number", "clean_reminder"): ("clean_reminder", "config", None, None),
    # shot control (control.py): kept by Home Assistant, so there while the machine is away
    ("select", "shot_scale"): ("shot_scale", "config", None, None),
    ("number", "target_weight"): ("target_weight", None, "weight", "g"),
    ("number", "target_volume"): ("target_volume", "config", "volume", "mL"),
    ("number", "time_limit"): ("time_limit", "config", "duration", "s"),
    ("number", "hot_water_weight"): ("hot_water_weight", "config", "weight", "g"),
    ("switch", "auto_tare"): ("auto_tare", "config", None, None),
    ("switch", "scale_required"): ("scale_required", "config", None, None),
    ("select", "milk_thermometer"): ("milk_thermometer", "config", None, None),
    ("number", "milk_target"): ("milk_target", "config", "temperature", "°C"),
    ("sensor", "stop_reason"): ("stop_reason", None, "enum", None),
    ("event", "shot_gate"): ("shot_gate", None, None, None),
}
# Off by default: a wrong multiplier spoils every shot; eight gates a shot would be eight
# logbook lines (the kitchen_ble_shot_gate event carries them).
DISABLED = {("number", "flow_calibration"), ("event", "shot_gate")}
# What every connected device has besides (the link's own entities).
LINK_ENTITIES = {
    ("binary_sensor", "connection"),
    ("sensor", "signal_strength"),
    ("switch", "hold_connection"),
}


def _registry_entries(hass: HomeAssistant, entry_id: str) -> dict[tuple[str, str], Any]:
    """The entry's entities by (platform, description key); unique ids are "address_key"."""
    entries = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    return {(item.domain, item.unique_id.split("_", 1)[1]): item for item in entries}


async def test_every_entity_of_the_table_with_its_name_category_class_and_unit(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    entries = _registry_entries(hass, entry.entry_id)
    assert set(entries) == set(EXPECTED) | LINK_ENTITIES
    for key, (translation_key, category, device_class, unit) in EXPECTED.items():
        item = entries[key]
        assert item.unique_id == f"{device.address}_{key[1]}"
        assert item.translation_key == translation_key, key
        assert (item.entity_category.value if item.entity_category else None) == category, key
        assert item.original_device_class == device_class, key
        assert item.unit_of_measurement == unit, key
        assert item.has_entity_name
        assert (item.disabled_by is not None) is (key in DISABLED), key
    assert_no_errors(caplog)


async def test_the_names_are_the_translated_ones(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    names = {
        ("sensor", "machine_state"): "DE1 State",
        ("sensor", "substate"): "DE1 Phase",
        ("sensor", "remote_start"): "DE1 Remote start",
        ("sensor", "water_volume"): "DE1 Water in tank",
        ("binary_sensor", "refill_needed"): "DE1 Refill needed",
        ("binary_sensor", "ghc_active"): "DE1 Group head controller active",
        ("switch", "power"): "DE1 Power",
        ("button", "skip_to_next"): "DE1 Skip to next step",
        ("select", "steam_purge_mode"): "DE1 Steam stop",
        ("select", "profile"): "DE1 Profile",
    }
    for (platform, key), name in names.items():
        found = hass.states.get(entity_id(hass, device, platform, key))
        assert found is not None
        assert found.attributes["friendly_name"] == name


async def test_a_thermometer_has_none_of_them(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    keys = {
        item.unique_id.split("_", 1)[1]
        for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    assert not keys & {key for _platform, key in EXPECTED}


async def test_readings_rounded_to_what_a_person_reads(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """An awake machine at rest (emulator: group 94 °C, steam 160 °C, 40 mm of water)."""
    device, _entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 3, 0.25)
    assert state(hass, device, "sensor", "machine_state") == "idle"
    assert state(hass, device, "sensor", "substate") == "no_state"  # "None"; see Ready
    # one decimal, within the sensor's noise of the emulator's 94 °C
    assert abs(float(state(hass, device, "sensor", "group_temperature")) - 94.0) <= 0.1
    assert abs(float(state(hass, device, "sensor", "mix_temperature")) - 94.0) <= 0.1
    assert len(state(hass, device, "sensor", "mix_temperature").split(".")[1]) == 1
    assert state(hass, device, "sensor", "steam_heater_temperature") == "160"
    assert state(hass, device, "sensor", "pressure") == "0.0"
    assert state(hass, device, "sensor", "flow") == "0.0"
    assert state(hass, device, "sensor", "group_temperature_setpoint") == "94.0"
    assert state(hass, device, "sensor", "water_level") == "40.0"
    assert state(hass, device, "sensor", "water_volume") == "1100"  # 1104 mL (§5.4), to 10 mL
    assert state(hass, device, "sensor", "firmware_build") == "1352"
    assert state(hass, device, "sensor", "machine_model") == "de1_plus"
    assert state(hass, device, "sensor", "serial_number") == "4242"
    assert state(hass, device, "binary_sensor", "ready") == "on"
    assert state(hass, device, "binary_sensor", "refill_needed") == "off"
    assert state(hass, device, "binary_sensor", "ghc_present") == "off"
    assert state(hass, device, "binary_sensor", "ghc_active") == "off"
    assert state(hass, device, "switch", "power") == "on"


def test_a_reading_at_rest_moves_only_past_the_deadband() -> None:
    shown = Shown()
    shown.update(93.96, 1, flowing=False)
    assert shown.value == 94.0  # the first reading: rounded
    for noise in (0.12, -0.1, 0.08, -0.12, 0.1):  # noise at rest: kept
        shown.update(93.96 + noise, 1, flowing=False)
        assert shown.value == 94.0
    shown.update(94.14, 1, flowing=False)  # a change of one and a half steps shows
    assert shown.value == 94.1
    shown.update(94.16, 1, flowing=True)  # while water flows the rounded value follows
    assert shown.value == 94.2
    shown.update(None, 1, flowing=False)  # gone: unknown
    assert shown.value is None
    shown.update(93.0, 1, flowing=False)
    assert shown.value == 93.0


def test_a_slow_drift_at_rest_shows_in_steps() -> None:
    """The average the deadband is measured from follows the readings while it holds."""
    shown = Shown()
    values = []
    for tenth in range(41):  # 94.0 to 98.0 °C, 0.1 °C per reading
        shown.update(94.0 + tenth / 10, 1, flowing=False)
        values.append(shown.value)
    assert values[0] == 94.0
    assert values[-1] is not None
    assert 97.7 <= values[-1] <= 98.0
    changes = [b for a, b in pairwise(values) if a != b]
    assert 10 <= len(changes) <= 40


@pytest.mark.parametrize(
    ("reading", "decimals", "expected"),
    [(1104.3, -1, 1100), (160.4, 0, 160), (93.96, 1, 94.0)],
)
def test_whole_units_are_whole_numbers(reading: float, decimals: int, expected: float) -> None:
    shown = Shown()
    shown.update(reading, decimals, flowing=False)
    assert shown.value == expected
    assert type(shown.value) is type(expected)


async def test_an_asleep_machine_and_the_power_switch(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_de1(hass, virtual_proxy)  # asleep, cold
    await setup_de1(hass, device)
    await advance(hass, freezer, virtual_proxy, 2, 0.25)
    assert state(hass, device, "sensor", "machine_state") == "sleep"
    assert state(hass, device, "switch", "power") == "off"
    assert state(hass, device, "binary_sensor", "ready") == "off"

    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "switch", "turn_on", entity_id(hass, device, "switch", "power")),
    )
    await advance(hass, freezer, virtual_proxy, 2, 0.25)
    assert device.state == (State.IDLE, Substate.HEATING)
    assert state(hass, device, "switch", "power") == "on"
    assert state(hass, device, "sensor", "substate") == "heat_water_tank"  # "Heating"
    assert state(hass, device, "binary_sensor", "ready") == "off", "awake is not heated"

    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "switch", "turn_off", entity_id(hass, device, "switch", "power")),
    )
    await advance(hass, freezer, virtual_proxy, 3, 0.25)  # going to sleep takes 2 s
    assert device.state == (State.SLEEP, Substate.READY)
    assert state(hass, device, "switch", "power") == "off"


async def test_power_on_never_stops_what_runs(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """Idle also means "stop": a machine that is awake is not sent it by the Power switch."""
    device, _entry = await connected_de1(hass, virtual_proxy)
    device.press(State.STEAM)  # on the machine
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert device.state == (State.STEAM, Substate.STEAMING)
    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "switch", "turn_on", entity_id(hass, device, "switch", "power")),
    )
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert device.state == (State.STEAM, Substate.STEAMING)
    assert device.requested == 0, "nothing was written"


async def test_refill_needed_when_the_tank_runs_low(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy, water_level=4.0, refill_level=5.0)
    await advance(hass, freezer, virtual_proxy, 2, 0.25)
    assert device.state[0] is State.REFILL
    assert state(hass, device, "binary_sensor", "refill_needed") == "on"
    assert state(hass, device, "sensor", "machine_state") == "refill"
    device.fill_tank(50.0)
    await advance(hass, freezer, virtual_proxy, 2, 0.25)
    assert state(hass, device, "binary_sensor", "refill_needed") == "off"
    assert state(hass, device, "sensor", "machine_state") == "idle"


async def test_every_model_code_shows_its_model(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_de1(hass, virtual_proxy, model_code=6, awake=True)
    await setup_de1(hass, device, model="de1")  # an entry made before the model was known
    assert state(hass, device, "sensor", "machine_model") == "de1_xxl"


async def test_keep_connected_off_lets_the_tablet_have_the_machine(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    keep = entity_id(hass, device, "switch", "hold_connection")
    await hass.services.async_call("switch", "turn_off", {"entity_id": keep}, blocking=True)
    await settle(hass)
    assert not device.connected
    device.hold_by_other_central()  # the tablet app connects: it could not before
    assert device.held_by_other
    assert state(hass, device, "sensor", "machine_state") == "unavailable"

    # the backoff runs on the bluetooth stack's real clock: no waiting for it here
    with patch("custom_components.kitchen_ble.coordinator.CONNECT_BACKOFF_SECONDS", 0):
        await hass.services.async_call("switch", "turn_on", {"entity_id": keep}, blocking=True)
        await advance(hass, freezer, virtual_proxy, 10, 1.0)
        assert not link_of(entry).connected, "the tablet still has it"
        device.release_other_central()  # the tablet app is closed
        await advance(hass, freezer, virtual_proxy, 10, 1.0)
    assert link_of(entry).connected
    assert device.connected
    assert state(hass, device, "sensor", "machine_state") == "idle"
    assert_no_errors(caplog)


REDACTED = "**REDACTED**"


async def test_diagnostics_name_the_registers_and_hide_the_serial(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    device = await add_de1(hass, virtual_proxy, awake=True, serial=987654, ghc_info=7)
    entry = await setup_de1(hass, device)
    await advance(hass, freezer, virtual_proxy, 1, 0.25)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    found = diagnostics["state"]
    assert found["serial_number"] == REDACTED
    assert found["mmr"]["SERIAL_NUMBER"] == REDACTED
    assert "987654" not in json.dumps(diagnostics)
    assert found["firmware_build"] == 1352
    assert found["mmr"]["CPU_FIRMWARE_BUILD"] == 1352
    assert found["machine_model_code"] == 2
    assert found["ghc_info"] == 7
    assert found["mmr"]["GHC_INFO"] == 7
    assert found["state_info"] == {"state_code": 2, "substate_code": 0}
    assert diagnostics["model"]["model_id"] == "de1_plus"
    assert diagnostics["entry"]["data"]["address"] == REDACTED
    assert state(hass, device, "sensor", "serial_number") == "987654"  # the entity shows it


async def test_diagnostics_keep_an_unnamed_register_by_its_address(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, hass_client: ClientSessionGenerator
) -> None:
    _device, entry = await connected_de1(hass, virtual_proxy)
    link_of(entry).driver.state.mmr[0x803874] = 5  # type: ignore[attr-defined]  # a Bengle's
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["state"]["mmr"]["0x803874"] == 5
    assert DOMAIN
