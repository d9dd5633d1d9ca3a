"""Shot control through Home Assistant: the emulated DE1 pours into an emulated scale.

Both devices sit behind Home Assistant's Bluetooth stack (the virtual proxy).
The integration hears every weight and every ShotSample through the links'
sample listeners and stops the DE1 with a RequestedState write when the
weight, with what is still to fall, reaches the target (de1.md §9.3).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_capture_events,
)

from emulator.proxy import VirtualProxy

from .common import add_igrill, assert_no_errors, setup_device
from .control import FINE, de1_with_scale, pour
from .espresso import advance, attributes, call, entity_id, link_of, run, set_number, state
from .scales import link_of as scale_link
from .scales import state as scale_state
from .shots import SHOT_COMPLETED, action
from .test_espresso_profiles_machine import choose

GATES = [
    "sequence_start",
    "flow_begin",
    "expect_drops",
    "exit_preinfuse",
    "flow_end",
    "flow_state_exit",
    "last_drops",
    "sequence_complete",
]


def _stop(hass: HomeAssistant, device: Any) -> tuple[str, dict[str, Any]]:
    return state(hass, device, "sensor", "stop_reason"), attributes(
        hass, device, "sensor", "stop_reason"
    )


async def _empty_cup(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, proxy: VirtualProxy, scale: Any
) -> None:
    scale.remove()  # the last shot's cup taken away
    await advance(hass, freezer, proxy, 2.0, step=0.1)


async def test_an_espresso_stops_at_its_target_weight_and_learns_the_lead(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    completed = async_capture_events(hass, SHOT_COMPLETED)
    gates = async_capture_events(hass, "kitchen_ble_shot_gate")
    device, _entry, scale, _scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    # the profile's own target (Classic 9 bar: 36 g) until it is changed here
    assert state(hass, device, "number", "target_weight") == "36.0"
    await set_number(hass, freezer, virtual_proxy, device, "target_weight", 30.0)

    errors = []
    for _ in range(4):
        await _empty_cup(hass, freezer, virtual_proxy, scale)
        await pour(hass, freezer, virtual_proxy, device)
        reason, shown = _stop(hass, device)
        assert reason == "weight"
        assert shown["target_weight"] == 30.0
        errors.append(scale.weight - 30.0)  # what is in the cup
    # a new scale and profile: the first shot with the family's default lead, then learned
    assert abs(errors[0]) <= 2.0, errors
    assert all(abs(error) <= 0.4 for error in errors[2:]), errors

    summary = completed[-1].data["summary"]
    assert summary["stop_reason"] == "weight"
    assert summary["yield"] == pytest.approx(scale.weight, abs=0.3)
    assert summary["stop_error"] == pytest.approx(errors[-1], abs=0.3)
    assert summary["scale"] == "Scale"
    record = (await action(hass, "get_shot", shot_id=summary["id"]))["record"]
    assert len(record["weights"]["t"]) > 100, "every weight of the shot, ten a second"
    assert [gate for gate, _ in completed[-1].data["curves"]["gates"]] == GATES
    assert [event.data["gate"] for event in gates[-8:]] == GATES
    assert {event.data["mode"] for event in gates} == {"espresso"}
    assert_no_errors(caplog)


async def test_the_dose_is_what_stood_on_the_scale_before_the_auto_tare(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, _entry, scale, _scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    scale.place(18.0)
    await advance(hass, freezer, virtual_proxy, 2.0, step=0.1)
    await pour(hass, freezer, virtual_proxy, device)
    summary = completed[-1].data["summary"]
    assert summary["dose"] == pytest.approx(18.0, abs=0.2)
    assert summary["stop_reason"] == "weight"
    assert summary["yield"] == pytest.approx(36.0, abs=2.0), "the tare took the 18 g away"

    scale.place(150.0)  # a cup: weighed, tared, and no dose
    await advance(hass, freezer, virtual_proxy, 2.0, step=0.1)
    await pour(hass, freezer, virtual_proxy, device)
    assert completed[-1].data["summary"]["dose"] is None


async def test_a_tare_never_confirmed_leaves_the_weight_stop_unarmed(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """Auto-tare off and a cup on the scale: no zero reading, so the shot goes by volume."""
    device, _entry, scale, _scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    switch = entity_id(hass, device, "switch", "auto_tare")
    await run(hass, freezer, virtual_proxy, call(hass, "switch", "turn_off", switch))
    assert state(hass, device, "switch", "auto_tare") == "off"
    scale.place(120.0)
    await advance(hass, freezer, virtual_proxy, 2.0, step=0.1)
    await pour(hass, freezer, virtual_proxy, device)
    reason, shown = _stop(hass, device)
    assert reason == "volume"
    assert shown["fallback"] == "tare_not_confirmed"
    assert shown["final_weight"] is None
    assert shown["pour_volume"] == pytest.approx(36.0, abs=3.0), "36 g stopped as 36 mL"


async def test_a_scale_lost_mid_shot_ends_the_shot_by_volume(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, _entry, scale, scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    button = entity_id(hass, device, "button", "start_espresso")
    await run(hass, freezer, virtual_proxy, call(hass, "button", "press", button), step=FINE)
    await advance(hass, freezer, virtual_proxy, 10.0, step=FINE)
    assert 0 < scale.weight < 30
    scale.sleep()  # its battery: the link goes
    await advance(hass, freezer, virtual_proxy, 60.0, step=FINE)
    assert not scale_link(scale_entry).connected
    reason, shown = _stop(hass, device)
    assert reason == "volume"
    assert shown["fallback"] == "scale_lost"
    said = [r.getMessage() for r in caplog.records if "instead of weight" in r.getMessage()]
    assert said == ["DE1: espresso stopped by volume instead of weight (scale_lost)"]
    assert shown["pour_volume"] == pytest.approx(36.0, abs=3.0)


async def test_a_bump_on_the_scale_does_not_stop_the_shot_early(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry, scale, _scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    button = entity_id(hass, device, "button", "start_espresso")
    await run(hass, freezer, virtual_proxy, call(hass, "button", "press", button), step=FINE)
    while scale.weight < 20.0:
        await advance(hass, freezer, virtual_proxy, 0.5, step=FINE)
    scale.bump(40.0, 0.4)  # a finger on the cup: 40 g for 0.4 s, 16 g before the target
    await advance(hass, freezer, virtual_proxy, 60.0, step=FINE)
    reason, _shown = _stop(hass, device)
    assert reason == "weight"
    assert scale.weight == pytest.approx(36.0, abs=2.0), "not stopped by the bump"


async def test_a_shot_started_on_the_group_head_stops_at_weight(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """A group head controller takes the starts (§9.2); the stop is still the app's."""
    device, _entry, scale, _scale_entry = await de1_with_scale(
        hass, freezer, virtual_proxy, de1_options={"ghc_info": 7}
    )
    assert state(hass, device, "button", "start_espresso") == STATE_UNAVAILABLE
    device.press(4)  # Espresso, on the group head
    await advance(hass, freezer, virtual_proxy, 60.0, step=FINE)
    reason, _shown = _stop(hass, device)
    assert reason == "weight"
    assert scale.weight == pytest.approx(36.0, abs=2.0)


async def test_hot_water_stops_at_its_weight(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry, scale, _scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    # the machine's own stops (150 mL, 255 s) stay as the safety
    await set_number(hass, freezer, virtual_proxy, device, "hot_water_volume", 150)
    await set_number(hass, freezer, virtual_proxy, device, "hot_water_time", 255)
    await set_number(hass, freezer, virtual_proxy, device, "hot_water_weight", 100)
    await pour(hass, freezer, virtual_proxy, device, "hot_water")
    reason, shown = _stop(hass, device)
    assert (reason, shown["mode"]) == ("weight", "hot_water")
    assert shown["target_weight"] == 100.0
    assert scale.weight == pytest.approx(100.0, abs=1.5)


async def test_steam_stops_when_the_milk_will_reach_its_target(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry, _scale, _scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    igrill = await add_igrill(hass, virtual_proxy)
    await setup_device(hass, igrill, title="iGrill")
    milk = igrill.probe(1)
    milk.temperature, milk.time_constant = 5.0, 60.0  # a pitcher of cold milk
    igrill.cooker_temperature = 5.0
    select = entity_id(hass, device, "select", "milk_thermometer")
    options = hass.states.get(select).attributes["options"]  # type: ignore[union-attr]
    assert options == ["no_probe", "iGrill #1", "iGrill #2", "iGrill #3", "iGrill #4"]
    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "select", "select_option", select, option="iGrill #1"),
    )
    await set_number(hass, freezer, virtual_proxy, device, "milk_target", 60)

    button = entity_id(hass, device, "button", "start_steam")
    await run(hass, freezer, virtual_proxy, call(hass, "button", "press", button), step=FINE)
    igrill.cooker_temperature = 95.0  # the steam heats the milk
    for _ in range(200):
        if device.state[0].name != "STEAM":
            break
        await advance(hass, freezer, virtual_proxy, 0.5, step=0.1)
    igrill.cooker_temperature = milk.temperature  # out of the steam
    await advance(hass, freezer, virtual_proxy, 4.0, step=0.1)  # the sequence completes
    reason, shown = _stop(hass, device)
    assert (reason, shown["mode"]) == ("steam_temperature", "steam")
    assert milk.temperature == pytest.approx(60.0, abs=2.5)


async def test_the_scale_is_let_go_while_the_machine_sleeps_and_taken_when_it_wakes(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry, scale, scale_entry = await de1_with_scale(
        hass, freezer, virtual_proxy, profile=None
    )
    power = entity_id(hass, device, "switch", "power")
    await run(hass, freezer, virtual_proxy, call(hass, "switch", "turn_off", power))
    await advance(hass, freezer, virtual_proxy, 5.0, step=0.1)
    assert not scale_link(scale_entry).connected, "released: it may sleep, a phone may take it"
    assert scale_state(hass, scale, "sensor", "weight") == STATE_UNAVAILABLE
    assert scale_state(hass, scale, "switch", "hold_connection") == "on", "the user's choice"
    await advance(hass, freezer, virtual_proxy, 30.0, step=1.0)
    assert not scale_link(scale_entry).connected, "not taken again while the machine sleeps"

    await run(hass, freezer, virtual_proxy, call(hass, "switch", "turn_on", power))
    await advance(hass, freezer, virtual_proxy, 10.0, step=0.1)
    assert scale_link(scale_entry).connected
    assert scale_state(hass, scale, "sensor", "weight") != STATE_UNAVAILABLE
    assert link_of(entry).connected
    assert_no_errors(caplog)


async def test_an_espresso_is_refused_without_a_scale_where_one_is_required(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry, scale, scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    switch = entity_id(hass, device, "switch", "scale_required")
    assert state(hass, device, "switch", "scale_required") == "off"
    await run(hass, freezer, virtual_proxy, call(hass, "switch", "turn_on", switch))
    scale.sleep()
    await advance(hass, freezer, virtual_proxy, 3.0, step=0.1)
    button = entity_id(hass, device, "button", "start_espresso")
    with pytest.raises(HomeAssistantError) as refused:
        await run(hass, freezer, virtual_proxy, call(hass, "button", "press", button))
    assert refused.value.translation_key == "start_scale_not_connected"
    assert device.state[0].name == "IDLE", "nothing was sent"

    await hass.config_entries.async_remove(scale_entry.entry_id)
    with pytest.raises(HomeAssistantError) as refused:
        await run(hass, freezer, virtual_proxy, call(hass, "button", "press", button))
    assert refused.value.translation_key == "start_no_scale"
    # hot water needs no scale
    hot_water = entity_id(hass, device, "button", "start_hot_water")
    await run(hass, freezer, virtual_proxy, call(hass, "button", "press", hot_water))
    assert device.state[0].name == "HOT_WATER"


async def test_the_scale_select_names_every_scale_and_keeps_the_choice(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry, _scale, _scale_entry = await de1_with_scale(
        hass, freezer, virtual_proxy, profile=None
    )
    select = entity_id(hass, device, "select", "shot_scale")
    shown = hass.states.get(select)
    assert shown is not None
    assert (shown.state, shown.attributes["options"]) == ("auto", ["auto", "Scale"])
    await run(
        hass, freezer, virtual_proxy, call(hass, "select", "select_option", select, option="Scale")
    )
    await set_number(hass, freezer, virtual_proxy, device, "time_limit", 25)
    await hass.config_entries.async_reload(entry.entry_id)
    await advance(hass, freezer, virtual_proxy, 2.0, step=0.1)
    assert state(hass, device, "select", "shot_scale") == "Scale"
    assert state(hass, device, "number", "time_limit") == "25.0"
    registry = er.async_get(hass)
    gate = registry.async_get(entity_id(hass, device, "event", "shot_gate"))
    assert gate is not None
    assert gate.disabled_by is er.RegistryEntryDisabler.INTEGRATION


MOVE_ON = {
    "title": "Move on at 15 g",
    "author": "Kitchen BLE tests",
    "notes": "",
    "beverage_type": "espresso",
    "steps": [
        {
            "name": "press",
            "temperature": 92,
            "sensor": "coffee",
            "pump": "pressure",
            "transition": "fast",
            "pressure": 9,
            "flow": 0,
            "seconds": 60,
            "volume": 0,
            "weight": 15,
        },
        {
            "name": "ease off",
            "temperature": 92,
            "sensor": "coffee",
            "pump": "pressure",
            "transition": "fast",
            "pressure": 6,
            "flow": 0,
            "seconds": 60,
            "volume": 0,
        },
    ],
    "tank_temperature": 0,
    "target_weight": 30,
    "target_volume": 0,
    "target_volume_count_start": 1,
    "legacy_profile_type": "settings_2c",
    "type": "advanced",
    "lang": "en",
    "hidden": "0",
    "reference_file": "",
    "changes_since_last_espresso": "",
    "version": "2.1",
}


async def test_a_step_moves_on_at_its_weight(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """The first step would press for 60 s; at 15 g in the cup the next one begins (§9.4)."""
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, _entry, scale, _scale_entry = await de1_with_scale(
        hass, freezer, virtual_proxy, profile=None
    )
    await action(hass, "import_profile", json=json.dumps(MOVE_ON))
    await choose(hass, freezer, virtual_proxy, device, "Move on at 15 g")
    await pour(hass, freezer, virtual_proxy, device)
    assert state(hass, device, "sensor", "stop_reason") == "weight"
    assert scale.weight == pytest.approx(30.0, abs=2.0)
    summary = completed[-1].data["summary"]
    record = (await action(hass, "get_shot", shot_id=summary["id"]))["record"]
    samples, weights = record["samples"], record["weights"]
    moved = samples["t"][samples["frame"].index(1)]
    assert moved - samples["t"][0] < 40, "long before the first step's 60 s"
    cup = [w for t, w in zip(weights["t"], weights["weight"], strict=True) if t <= moved][-1]
    assert cup == pytest.approx(15.0, abs=2.0), "the step ended at its weight"
