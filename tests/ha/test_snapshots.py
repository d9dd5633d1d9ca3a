"""What a user has must not change: entity registry entries, states and devices, per kind.

Each test sets up one kind of device (or feature) through the emulator and
compares every entity of its config entry with a stored snapshot: unique id,
entity id, name, translation key, category, enabled or not, device class,
unit, the state and its attributes, and the device's registry entry. A
change to any of them fails here before it reaches a user's installation
(renamed entities lose their history and break automations).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.amber import AmberSnapshotExtension

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.bluedot import create_bluedot
from emulator.node import create_node
from emulator.passive_proxy import PassiveProxy
from emulator.proxy import VirtualProxy

from .brewing import create, thermometer
from .common import add_igrill, settle, setup_device
from .cooking import advance, call, hold, set_number
from .nodes import setup_node

START = "2026-06-01 12:00:00+00:00"

# Attributes that differ from run to run: a new session's random id, an image's token.
RANDOM_ATTRIBUTES = frozenset({"session_id", "access_token", "entity_picture"})


def _device(hass: HomeAssistant, device_id: str | None) -> dict[str, Any] | None:
    if device_id is None:
        return None
    device = dr.async_get(hass).async_get(device_id)
    assert device is not None
    return {
        "name": device.name,
        "manufacturer": device.manufacturer,
        "model": device.model,
        "model_id": device.model_id,
        "sw_version": device.sw_version,
        "identifiers": sorted(device.identifiers),
        "connections": sorted(device.connections),
    }


def _plain(value: Any) -> Any:
    """Plain JSON values: releases differ in how they type the same (enums, tuples)."""
    return json.loads(json.dumps(value, default=str))


def _entities(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Every entity of the entry: its registry entry, its state, its device."""
    registry = er.async_get(hass)
    found = []
    for item in sorted(
        er.async_entries_for_config_entry(registry, entry.entry_id), key=lambda e: e.unique_id
    ):
        state = hass.states.get(item.entity_id)
        found.append(
            {
                "unique_id": item.unique_id,
                "entity_id": item.entity_id,
                "platform": item.platform,
                "translation_key": item.translation_key,
                "original_name": item.original_name,
                "has_entity_name": item.has_entity_name,
                "entity_category": None
                if item.entity_category is None
                else item.entity_category.value,
                "disabled_by": None if item.disabled_by is None else item.disabled_by.value,
                "original_device_class": item.original_device_class,
                "unit_of_measurement": item.unit_of_measurement,
                "capabilities": item.capabilities,
                "device": _device(hass, item.device_id),
                "state": None
                if state is None
                else {
                    "state": state.state,
                    "attributes": {
                        key: "<random>" if key in RANDOM_ATTRIBUTES else value
                        for key, value in sorted(state.attributes.items())
                    },
                },
            }
        )
    return _plain(found)


class _Snapshots(AmberSnapshotExtension):
    """One place for the snapshots in both lanes (their harnesses default to different ones)."""

    snapshot_dirname = "snapshots"


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(_Snapshots)


@pytest.fixture(autouse=True)
def _frozen_start(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(START)


@pytest.mark.parametrize("model", ["igrill_v2", "igrill_v3", "pulse_2000"])
async def test_igrill(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, snapshot: SnapshotAssertion, model: str
) -> None:
    device = await add_igrill(hass, virtual_proxy, model)
    entry = await setup_device(hass, device, model, title="Grill")
    virtual_proxy.tick(60)
    await settle(hass)
    assert _entities(hass, entry) == snapshot


async def test_bluedot(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, snapshot: SnapshotAssertion
) -> None:
    device = virtual_proxy.add(create_bluedot("00:0B:57:00:00:01", "BlueDOT"))
    virtual_proxy.advertise(device)
    await settle(hass)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.address,
        title="BlueDOT",
        data={CONF_ADDRESS: device.address, CONF_MODEL: "bluedot"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    virtual_proxy.tick(10)
    await settle(hass)
    assert _entities(hass, entry) == snapshot


async def test_sensor_node(
    hass: HomeAssistant, passive_proxy: PassiveProxy, snapshot: SnapshotAssertion
) -> None:
    node = passive_proxy.add(create_node("E4:0D:E0:00:00:01", None))
    passive_proxy.advertise(node)
    await settle(hass)
    entry = await setup_node(hass, node, "Hall")
    passive_proxy.tick(120)
    await settle(hass)
    assert _entities(hass, entry) == snapshot


async def test_brewing_program(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, snapshot: SnapshotAssertion
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert _entities(hass, entry) == snapshot


async def test_running_cook(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    config_dir: Any,
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2", title="Smoker")
    hold(device, 1, 40.0)
    await set_number(hass, device, "probe_1_target", 60)
    await call(hass, "start_session", {"name": "Brisket night"})
    await advance(hass, freezer, virtual_proxy, 30, step=5)
    assert _entities(hass, entry) == snapshot
