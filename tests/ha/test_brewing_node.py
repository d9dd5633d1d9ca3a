"""Brewing programs on a passive sensor node's temperature, driven through a passive proxy."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from custom_components.kitchen_ble.brewing import get_brewing, source_id
from custom_components.kitchen_ble.const import DOMAIN
from emulator.faults import Fault
from emulator.node import NodeDevice, Room, create_node
from emulator.passive_proxy import PassiveProxy

from .brewing import AlarmRecorder, programs
from .common import settle
from .cooking import advance, call
from .nodes import node_entity, past_availability_window, setup_node

pytestmark = pytest.mark.usefixtures("no_kegtron")

FERMENT = "ferment"


def _node(proxy: PassiveProxy) -> NodeDevice:
    """A still node (no window, no drift towards another temperature) at 15 °C."""
    room = Room(temperature=15.0, setpoint=15.0)
    return proxy.add(
        create_node(
            window_events=False, seed=1, co2_warmup=0.0, measurement_interval=30.0, room=room
        )
    )


def _set_temperature(proxy: PassiveProxy, node: NodeDevice, celsius: float) -> None:
    """The room is at ``celsius`` and stays there; the node measures and advertises now."""
    node.room.temperature = node.room.setpoint = celsius
    node.measure()
    proxy.advertise(node)


def _device_id(hass: HomeAssistant, node: NodeDevice) -> str:
    entry = er.async_get(hass).async_get(node_entity(hass, node, "temperature"))
    assert entry is not None
    assert entry.device_id is not None
    return entry.device_id


def _program_entity(
    hass: HomeAssistant, node: NodeDevice, kind: str, platform: str
) -> er.RegistryEntry:
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(
        platform, DOMAIN, f"{node.address}_program_{FERMENT}_{kind}"
    )
    assert entity_id is not None, f"no {platform} {kind}"
    entry = registry.async_get(entity_id)
    assert entry is not None
    return entry


def _state(hass: HomeAssistant, node: NodeDevice, kind: str, platform: str = "sensor") -> str:
    state = hass.states.get(_program_entity(hass, node, kind, platform).entity_id)
    assert state is not None
    return state.state


async def _start(hass: HomeAssistant, node: NodeDevice) -> None:
    button = _program_entity(hass, node, "start", "button").entity_id
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await settle(hass)


async def _program_on_node(
    hass: HomeAssistant, proxy: PassiveProxy, **settings: Any
) -> tuple[NodeDevice, str]:
    node = _node(proxy)
    await setup_node(hass, node, title="Fermenter")
    proxy.advertise(node)
    await settle(hass)
    device_id = _device_id(hass, node)
    payload = {
        "name": "Ferment",
        "device_id": device_id,  # no probe: a node's temperature is probe 1
        "steps": [{"name": "Rest", "target": 20, "hold_minutes": 10}],
        **settings,
    }
    created = await call(hass, "create_program", payload, return_response=True)
    assert created["id"] == FERMENT
    assert created["device_id"] == device_id
    assert created["probe"] == 1
    return node, device_id


async def test_program_holds_and_finishes_on_a_node(
    hass: HomeAssistant, passive_proxy: PassiveProxy, freezer: FrozenDateTimeFactory
) -> None:
    node, device_id = await _program_on_node(
        hass, passive_proxy, tolerance=1.0, reach_timeout_minutes=0
    )
    for kind, platform in (
        ("setpoint", "sensor"),
        ("state", "sensor"),
        ("start", "button"),
        ("alarm", "event"),
    ):
        assert _program_entity(hass, node, kind, platform).device_id == device_id
    assert get_brewing(hass).sources.latest(source_id(node.address, 1)) == pytest.approx(
        15.0, abs=0.3
    )
    record = AlarmRecorder(hass)
    await _start(hass, node)
    assert _state(hass, node, "state") == "running"
    assert _state(hass, node, "setpoint") == "20.0"
    await advance(hass, freezer, passive_proxy, 60, step=30)  # still 15 °C: not reached
    assert _state(hass, node, "time_left") == "unknown"

    _set_temperature(passive_proxy, node, 20.0)
    await settle(hass)
    reached = dt_util.utcnow().timestamp()
    assert _state(hass, node, "time_left") == "10"
    [described] = await programs(hass)
    assert described["step"] == 1
    await advance(hass, freezer, passive_proxy, 9 * 60 + 30, step=30)
    assert _state(hass, node, "state") == "running"
    assert record.types() == []
    await advance(hass, freezer, passive_proxy, 30, step=30)
    assert _state(hass, node, "state") == "finished"
    assert record.types() == ["program_finished"]  # the last step ends with the program
    for alarm in record.alarms:
        assert dt_util.parse_datetime(alarm["raised_at"]).timestamp() == reached + 10 * 60  # type: ignore[union-attr]
        assert alarm["device_id"] == device_id
        assert alarm["name"] == "Fermenter"


async def test_node_going_silent_raises_sensor_lost(
    hass: HomeAssistant, passive_proxy: PassiveProxy, freezer: FrozenDateTimeFactory
) -> None:
    node, _ = await _program_on_node(
        hass, passive_proxy, reach_timeout_minutes=0, sensor_lost_minutes=3
    )
    source = source_id(node.address, 1)
    brewing = get_brewing(hass)
    record = AlarmRecorder(hass)
    await _start(hass, node)
    await advance(hass, freezer, passive_proxy, 60, step=30)
    assert brewing.sources.latest(source) is not None

    node.faults.set(Fault.SILENT)  # the battery went flat
    await past_availability_window(hass)
    assert brewing.sources.latest(source) is None
    await advance(hass, freezer, passive_proxy, 4 * 60, step=30)
    assert record.types() == ["sensor_lost"]
    assert _state(hass, node, "state") == "running"

    # the node's entry goes away: so does the source (the program stays)
    [entry] = hass.config_entries.async_entries(DOMAIN)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    assert source not in brewing.sources
    assert [p["id"] for p in await programs(hass)] == [FERMENT]
