"""Starting, stopping and skipping on a DE1, each confirmed by the machine or refused clearly.

A start is sent only from Idle and never to a machine whose group head
controller takes starts itself (de1.md §4.3, §9.2: GHC_INFO bit 0x04): its
start buttons are then unavailable, the Remote start sensor says why, and the
``kitchen_ble.start`` action raises a translated error; nothing is written. A start that is
sent is confirmed by StateInfo; one the machine acknowledges and ignores
raises a translated error within a few seconds. Stop and skip go through
whatever the GHC says. A link that drops mid-shot ends in a sane state.
"""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import patch

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.espresso import start_refusal
from custom_components.kitchen_ble.library.devices.de1 import De1State, StateInfo
from custom_components.kitchen_ble.services import ESPRESSO_START_SCHEMA
from emulator.de1 import GHC_PRESENT_ACTIVE, DE1Device, State, Substate
from emulator.proxy import VirtualProxy
from tests.fuzz import yaml_values

from .common import add_igrill, assert_no_errors, setup_device
from .espresso import (
    add_de1,
    advance,
    attributes,
    call,
    connected_de1,
    entity_id,
    link_of,
    run,
    setup_de1,
    state,
)

STARTS = [
    ("start_espresso", State.ESPRESSO, "espresso"),
    ("start_steam", State.STEAM, "steam"),
    ("start_hot_water", State.HOT_WATER, "hot_water"),
    ("start_flush", State.HOT_WATER_RINSE, "hot_water_rinse"),
]


async def _press(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    key: str,
) -> None:
    await run(
        hass, freezer, proxy, call(hass, "button", "press", entity_id(hass, device, "button", key))
    )


def device_id_of(hass: HomeAssistant, entry: ConfigEntry) -> str:
    (device,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return device.id


async def _start(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device_id: str,
    what: str,
) -> None:
    """The ``kitchen_ble.start`` action, with time passing for the machine while it waits."""
    coroutine = hass.services.async_call(
        DOMAIN, "start", {"device_id": device_id, "what": what}, blocking=True
    )
    await run(hass, freezer, proxy, asyncio.ensure_future(coroutine))


async def _refused(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    key: str,
) -> HomeAssistantError:
    with pytest.raises(HomeAssistantError) as caught:
        await _press(hass, freezer, proxy, device, key)
    return caught.value


@pytest.mark.parametrize(("key", "machine_state", "shown"), STARTS)
async def test_every_start_is_sent_and_confirmed(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    key: str,
    machine_state: State,
    shown: str,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    assert attributes(hass, device, "button", key)["start_blocked"] is None
    await _press(hass, freezer, virtual_proxy, device, key)  # returns once the machine shows it
    assert device.requested == machine_state  # §10.9: 04, 05, 06, 0f
    assert device.state[0] is machine_state
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert state(hass, device, "sensor", "machine_state") == shown
    assert attributes(hass, device, "button", key)["start_blocked"] == "busy"
    assert_no_errors(caplog)


@pytest.mark.parametrize("ghc_info", [GHC_PRESENT_ACTIVE, 0x4])
async def test_a_group_head_controller_takes_the_starts(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    ghc_info: int,
) -> None:
    """GHC_INFO 7 (pyDE1's example) and 4 (the machine Decenza saw refuse starts)."""
    device, entry = await connected_de1(hass, virtual_proxy, ghc_info=ghc_info)
    assert state(hass, device, "binary_sensor", "ghc_active") == "on"
    assert state(hass, device, "binary_sensor", "ghc_present") == (
        "on" if ghc_info & 0x3 else "off"
    )
    assert state(hass, device, "sensor", "remote_start") == "ghc_active"  # the reason, readable
    for key, _machine_state, _shown in STARTS:
        assert state(hass, device, "button", key) == "unavailable"
    for what in ("espresso", "steam", "hot_water", "flush"):
        with pytest.raises(HomeAssistantError) as caught:
            await _start(hass, freezer, virtual_proxy, device_id_of(hass, entry), what)
        assert caught.value.translation_key == "start_on_group_head"
        assert caught.value.translation_placeholders == {"name": "DE1"}
    assert device.requested == 0, "nothing was sent"
    assert state(hass, device, "button", "stop") != "unavailable"
    assert device.state == (State.IDLE, Substate.READY)

    # started on the group head, the app may still stop it (§9.2)
    device.press(State.ESPRESSO)
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert state(hass, device, "sensor", "machine_state") == "espresso"
    await _press(hass, freezer, virtual_proxy, device, "stop")
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert device.requested == State.IDLE
    assert device.state[0] is State.IDLE  # nothing poured yet: straight back to Idle
    assert_no_errors(caplog)


@pytest.mark.parametrize(
    ("what", "machine_state"),
    [
        ("espresso", State.ESPRESSO),
        ("steam", State.STEAM),
        ("hot_water", State.HOT_WATER),
        ("flush", State.HOT_WATER_RINSE),
    ],
)
async def test_the_start_action_starts_and_waits_for_the_machine(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    what: str,
    machine_state: State,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    assert state(hass, device, "sensor", "remote_start") == "allowed"
    await _start(hass, freezer, virtual_proxy, device_id_of(hass, entry), what)
    assert device.requested == machine_state
    assert device.state[0] is machine_state  # it returned once the machine showed it
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert state(hass, device, "sensor", "remote_start") == "busy"


async def test_the_start_action_refuses_what_is_no_espresso_machine(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    thermometer = await add_igrill(hass, virtual_proxy, "igrill_v2")
    igrill_entry = await setup_device(hass, thermometer, "igrill_v2")
    for device_id in (device_id_of(hass, igrill_entry), "no-such-device"):
        with pytest.raises(ServiceValidationError) as caught:
            await _start(hass, freezer, virtual_proxy, device_id, "espresso")
        assert caught.value.translation_key == "not_an_espresso_machine"
        assert caught.value.translation_placeholders == {"device_id": device_id}
    assert device.requested == 0


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.dictionaries(st.sampled_from(["device_id", "what", "entity_id", "extra"]), yaml_values)
)
def test_start_action_data_is_taken_or_refused_by_the_schema(data: dict[str, Any]) -> None:
    """Any data a YAML file or a template gives: valid, or ``vol.Invalid``, nothing else."""
    try:
        checked = ESPRESSO_START_SCHEMA(data)
    except vol.Invalid:
        return
    assert checked["what"] in {"espresso", "steam", "hot_water", "flush"}
    assert isinstance(checked["device_id"], str)


async def test_a_group_head_controller_that_is_only_present_leaves_the_starts_to_the_app(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy, ghc_info=0x3)
    assert state(hass, device, "binary_sensor", "ghc_present") == "on"
    assert state(hass, device, "binary_sensor", "ghc_active") == "off"
    await _press(hass, freezer, virtual_proxy, device, "start_steam")
    assert device.state[0] is State.STEAM


async def test_a_start_the_machine_ignores_is_an_error_within_seconds(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    device.machine_faults.ignore_start = True
    began = device.elapsed
    error = await _refused(hass, freezer, virtual_proxy, device, "start_espresso")
    assert error.translation_key == "start_ignored"
    assert device.requested == State.ESPRESSO, "it was sent"
    assert device.state[0] is State.IDLE
    assert device.elapsed - began <= 5.5, "the answer comes within a few seconds"
    assert_no_errors(caplog)


async def test_a_link_lost_while_waiting_is_not_called_ignored(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    device.machine_faults.ignore_start = True
    press = call(hass, "button", "press", entity_id(hass, device, "button", "start_steam"))
    for _ in range(500):  # the loop turns (no time passes) until the request is written
        if device.requested:
            break
        await asyncio.sleep(0)
    assert device.requested == State.STEAM
    device.drop_link()  # while the press waits for the machine to show it
    with pytest.raises(HomeAssistantError) as caught:
        await run(hass, freezer, virtual_proxy, press)
    assert caught.value.translation_key == "command_failed"
    assert not link_of(entry).connected


async def test_an_asleep_machine_is_woken_first(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device = await add_de1(hass, virtual_proxy)  # asleep
    entry = await setup_de1(hass, device)
    assert attributes(hass, device, "button", "start_espresso")["start_blocked"] == "asleep"
    assert state(hass, device, "sensor", "remote_start") == "asleep"
    with pytest.raises(HomeAssistantError) as caught:
        await _start(hass, freezer, virtual_proxy, device_id_of(hass, entry), "espresso")
    assert caught.value.translation_key == "start_asleep"
    error = await _refused(hass, freezer, virtual_proxy, device, "start_espresso")
    assert error.translation_key == "start_asleep"
    assert device.requested == 0
    assert device.state[0] is State.SLEEP


async def test_a_busy_machine_finishes_first(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    await _press(hass, freezer, virtual_proxy, device, "start_hot_water")
    error = await _refused(hass, freezer, virtual_proxy, device, "start_espresso")
    assert error.translation_key == "start_busy"
    assert device.state[0] is State.HOT_WATER


async def test_a_machine_that_has_not_said_its_state_is_not_started(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    link_of(entry).driver.state.state_info = None  # type: ignore[attr-defined]
    error = await _refused(hass, freezer, virtual_proxy, device, "start_flush")
    assert error.translation_key == "start_state_unknown"
    assert device.requested == 0


@pytest.mark.parametrize(
    ("state_info", "ghc_info", "expected"),
    [
        (None, None, "state_unknown"),
        (StateInfo(0x02, 0), None, None),  # Idle: may start (GHC unknown does not block)
        (StateInfo(0x02, 0), 0x4, "ghc_active"),
        (StateInfo(0x02, 0), 0x3, None),
        (StateInfo(0x00, 0), None, "asleep"),
        (StateInfo(0x01, 0), None, "asleep"),  # going to sleep
        (StateInfo(0x04, 5), None, "busy"),
        (StateInfo(0x11, 0), None, "busy"),  # refill
    ],
)
def test_why_a_start_would_be_refused(
    state_info: StateInfo | None, ghc_info: int | None, expected: str | None
) -> None:
    machine = De1State(state_info=state_info)
    if ghc_info is not None:
        machine.mmr[0x80381C] = ghc_info
    assert start_refusal(machine) == expected


async def test_stop_ends_a_flow_and_never_wakes_a_sleeper(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    await _press(hass, freezer, virtual_proxy, device, "start_steam")
    await _press(hass, freezer, virtual_proxy, device, "stop")
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert device.requested == State.IDLE
    assert device.state[0] is State.IDLE

    device.press(State.SLEEP)
    await advance(hass, freezer, virtual_proxy, 3, 0.25)
    assert device.state[0] is State.SLEEP
    device.requested = 0xFF
    await _press(hass, freezer, virtual_proxy, device, "stop")
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert device.requested == 0xFF, "nothing written: Idle would wake it"
    assert device.state[0] is State.SLEEP


async def test_skip_moves_the_shot_to_its_next_step(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    error = await _refused(hass, freezer, virtual_proxy, device, "skip_to_next")
    assert error.translation_key == "skip_not_pouring"
    await _press(hass, freezer, virtual_proxy, device, "start_espresso")
    await advance(hass, freezer, virtual_proxy, 3, 0.25)
    assert device.state == (State.ESPRESSO, Substate.PREINFUSION)
    runner = device.machine.runner
    assert runner is not None
    assert runner.index == 0
    await _press(hass, freezer, virtual_proxy, device, "skip_to_next")
    assert device.requested == State.SKIP_TO_NEXT  # §10.9: 0e
    await advance(hass, freezer, virtual_proxy, 0.25, 0.25)  # taken at the next control step
    assert runner.index == 1
    assert device.state == (State.ESPRESSO, Substate.POUR)


@pytest.mark.parametrize(("firmware", "available"), [(1259, False), (1260, True)])
async def test_skip_needs_firmware_1260(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, firmware: int, available: bool
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy, firmware=firmware)
    assert (state(hass, device, "button", "skip_to_next") != "unavailable") is available
    assert state(hass, device, "button", "stop") != "unavailable"


async def test_a_link_dropped_mid_shot_ends_in_a_sane_state(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    link = link_of(entry)
    device.machine_faults.drop_link_mid_shot = True
    await _press(hass, freezer, virtual_proxy, device, "start_espresso")
    await advance(hass, freezer, virtual_proxy, 8, 0.25)  # preinfusion, then the pour
    assert device.state == (State.ESPRESSO, Substate.POUR)
    assert not device.connected
    assert not link.connected
    # within the grace the entities keep their last values rather than flapping
    assert state(hass, device, "sensor", "machine_state") == "espresso"
    with patch("custom_components.kitchen_ble.coordinator.CONNECT_BACKOFF_SECONDS", 0):
        await advance(hass, freezer, virtual_proxy, 10, 0.5)  # it advertises; back it comes
    assert link.connected
    assert state(hass, device, "sensor", "machine_state") == "espresso"
    assert state(hass, device, "sensor", "substate") == "pour"
    assert float(state(hass, device, "sensor", "pressure")) > 5
    await advance(hass, freezer, virtual_proxy, 40, 0.5)  # the shot ends on the machine
    assert device.state[0] is State.IDLE
    assert state(hass, device, "sensor", "machine_state") == "idle"
    assert state(hass, device, "binary_sensor", "ready") == "on"
    await _press(hass, freezer, virtual_proxy, device, "start_flush")  # commands work again
    assert device.state[0] is State.HOT_WATER_RINSE
    assert_no_errors(caplog)
