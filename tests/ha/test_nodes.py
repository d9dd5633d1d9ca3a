"""Passive sensor nodes end to end: discovery, entities, repeats, availability, faults."""

from __future__ import annotations

import logging

import pytest
from bluetooth_data_tools import monotonic_time_coarse
from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_ADDRESS,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped,unused-ignore]
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    ClientSessionGenerator,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from custom_components.kitchen_ble.passive import NodeCoordinator
from emulator.faults import Fault
from emulator.node import COMPANY_ID, NodeDevice, Room, create_foreign, create_node
from emulator.passive_proxy import PassiveProxy
from emulator.proxy import VirtualProxy

from .common import add_igrill, settle
from .nodes import node_entity, node_state, past_availability_window, setup_node

pytestmark = pytest.mark.usefixtures("no_kegtron")


def _flows(hass: HomeAssistant) -> list[dict]:
    return list(hass.config_entries.flow.async_progress_by_handler(DOMAIN))


def _still_node(**options: object) -> dict[str, object]:
    """A node that only changes when a test says so."""
    return {"window_events": False, "seed": 1, "co2_warmup": 0.0, **options}


# Discovery and the config flow -------------------------------------------------


async def test_discovered_through_a_passive_proxy_and_added_without_connecting(
    hass: HomeAssistant, passive_proxy: PassiveProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.kitchen_ble")
    node = passive_proxy.add(create_node(**_still_node()))
    passive_proxy.advertise(node)
    await settle(hass)
    flows = _flows(hass)
    assert len(flows) == 1
    assert flows[0]["step_id"] == "passive_confirm"
    assert flows[0]["context"]["title_placeholders"]["name"] == "Environment node 0001"

    result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: node.address, CONF_MODEL: "thingy_node"}
    await settle(hass)
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert isinstance(entry.runtime_data.node, NodeCoordinator)
    assert not node.connected
    assert passive_proxy.connections == 0
    # The advertisement the flow came from already filled the entities.
    passive_proxy.advertise(node)
    await settle(hass)
    assert float(node_state(hass, node, "temperature")) == pytest.approx(21.0, abs=0.2)


async def test_foreign_ffff_device_is_not_supported_and_quiet(
    hass: HomeAssistant, passive_proxy: PassiveProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.kitchen_ble")
    node = passive_proxy.add(create_node(**_still_node()))
    await setup_node(hass, node)
    foreign = passive_proxy.add(create_foreign())
    same_size = passive_proxy.add(create_foreign("E4:0D:F0:00:00:02", payload_size=14))
    for _ in range(20):
        passive_proxy.tick(1.0)  # the foreign devices' payloads change every tick
        await settle(hass)
    assert _flows(hass) == []  # the discovery flows aborted (not_supported)
    info = bluetooth.async_last_service_info(hass, foreign.address, connectable=False)
    assert info is not None
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"
    ours = [r for r in caplog.records if r.name.startswith("custom_components.kitchen_ble")]
    assert not [r for r in ours if foreign.address in r.getMessage()]
    assert not [r for r in ours if same_size.address in r.getMessage()]
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_user_step_lists_nodes_heard_by_any_scanner(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, passive_proxy: PassiveProxy
) -> None:
    igrill = await add_igrill(hass, virtual_proxy, "igrill_v2")
    loud = virtual_proxy.add(create_node("E4:0D:E0:00:00:01", **_still_node()))
    quiet = passive_proxy.add(create_node("E4:0D:E0:00:00:02", **_still_node()))
    virtual_proxy.add(create_foreign())
    passive_proxy.add(create_foreign("E4:0D:F0:00:00:02"))
    virtual_proxy.advertise_all()
    passive_proxy.advertise_all()
    await settle(hass)

    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    choices = result["data_schema"].schema[CONF_ADDRESS].container
    assert set(choices) == {igrill.address, loud.address, quiet.address}
    assert "Environment node" in choices[quiet.address]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: quiet.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: quiet.address, CONF_MODEL: "thingy_node"}
    assert passive_proxy.connections == 0
    assert virtual_proxy.connections == 0  # nothing connected to check a node


async def test_discovery_of_a_configured_node_aborts(
    hass: HomeAssistant, passive_proxy: PassiveProxy
) -> None:
    node = passive_proxy.add(create_node(**_still_node()))
    MockConfigEntry(domain=DOMAIN, unique_id=node.address, data={}).add_to_hass(hass)
    passive_proxy.advertise(node)
    await settle(hass)
    assert _flows(hass) == []


# Entities ------------------------------------------------------------------------


async def test_entities_and_values(hass: HomeAssistant, passive_proxy: PassiveProxy) -> None:
    node = passive_proxy.add(
        create_node(**_still_node(room=Room(temperature=22.4, humidity=51.0), battery=87.0))
    )
    entry = await setup_node(hass, node, title="Living room")
    passive_proxy.advertise(node)
    await settle(hass)

    assert float(node_state(hass, node, "temperature")) == pytest.approx(22.4, abs=0.2)
    assert node_state(hass, node, "humidity") == "51"
    assert 400 <= int(node_state(hass, node, "co2")) <= 800
    assert node_state(hass, node, "battery") == "87"
    assert node_state(hass, node, "window", "binary_sensor") == STATE_OFF

    registry = er.async_get(hass)
    expected = {
        ("sensor", "temperature"): ("temperature", "°C", None),
        ("sensor", "humidity"): ("humidity", "%", None),
        ("sensor", "co2"): ("carbon_dioxide", "ppm", None),
        ("sensor", "battery"): ("battery", "%", EntityCategory.DIAGNOSTIC),
        ("binary_sensor", "window"): ("window", None, None),
    }
    for (platform, key), (device_class, unit, category) in expected.items():
        entity = node_entity(hass, node, key, platform)
        state = hass.states.get(entity)
        assert state is not None
        assert state.attributes["device_class"] == device_class
        assert state.attributes.get("unit_of_measurement") == unit
        assert registry.async_get(entity).entity_category == category
    assert hass.states.get(node_entity(hass, node, "temperature")).attributes["friendly_name"] == (
        "Living room Temperature"
    )
    entities = er.async_entries_for_config_entry(registry, entry.entry_id)
    assert len(entities) == 5

    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 1
    assert devices[0].name == "Living room"
    assert devices[0].manufacturer == "Nordic Semiconductor"
    assert devices[0].model == "Environment node"
    assert (dr.CONNECTION_BLUETOOTH, node.address) in devices[0].connections

    node.open_window()
    node.measure()
    passive_proxy.advertise(node)
    await settle(hass)
    assert node_state(hass, node, "window", "binary_sensor") == STATE_ON


async def test_co2_not_ready_is_unknown_while_the_others_update(
    hass: HomeAssistant, passive_proxy: PassiveProxy
) -> None:
    node = passive_proxy.add(create_node(**_still_node(co2_warmup=180.0)))
    await setup_node(hass, node)
    passive_proxy.advertise(node)
    await settle(hass)
    assert node_state(hass, node, "co2") == STATE_UNKNOWN
    assert node_state(hass, node, "temperature") != STATE_UNKNOWN
    node.room.temperature = 25.0
    for _ in range(60):  # a measurement, still warming up
        passive_proxy.tick(1.0)
    await settle(hass)
    assert float(node_state(hass, node, "temperature")) == pytest.approx(25.0, abs=0.3)
    assert node_state(hass, node, "co2") == STATE_UNKNOWN
    for _ in range(120):  # warmed up
        passive_proxy.tick(1.0)
    await settle(hass)
    assert int(node_state(hass, node, "co2")) > 0


def _send(proxy: VirtualProxy, node: NodeDevice, payload: bytes, rssi: int) -> None:
    """One advertisement of ``node`` with this payload and signal, through ``proxy``."""
    proxy.scanner._async_on_advertisement(
        node.address, rssi, None, [], {}, {COMPANY_ID: payload}, None, {}, monotonic_time_coarse()
    )


async def test_repeats_are_not_new_measurements(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, passive_proxy: PassiveProxy
) -> None:
    """Each frame three times, copies through a second proxy, a late copy of the frame
    before: one measurement each, one state write each."""
    node = passive_proxy.add(create_node(**_still_node(measurement_interval=10.0)))
    entry = await setup_node(hass, node)
    passive_proxy.advertise(node)
    await settle(hass)
    coordinator: NodeCoordinator = entry.runtime_data.node
    readings: list[object] = []
    coordinator.async_add_listener(lambda: readings.append(coordinator.reading))
    dispatched: list[bytes] = []  # what Home Assistant hands to callbacks of the address

    @callback
    def heard(info: bluetooth.BluetoothServiceInfoBleak, _change: object) -> None:
        dispatched.append(info.manufacturer_data[COMPANY_ID])

    bluetooth.async_register_callback(
        hass,
        heard,
        bluetooth.BluetoothCallbackMatcher(address=node.address, connectable=False),
        bluetooth.BluetoothScanningMode.PASSIVE,
    )
    writes: list[str] = []
    temperature = node_entity(hass, node, "temperature")

    @callback
    def on_state(event: Event) -> None:
        if event.data["entity_id"] == temperature:
            writes.append(event.data["new_state"].state)

    hass.bus.async_listen("state_changed", on_state)
    measurements = node.measurements
    previous = node.frame
    loud = -75
    for tick in range(40):
        node.room.temperature = 20.0 + tick // 10  # a new value each measurement
        passive_proxy.tick(1.0)  # the node's own repeats
        await settle(hass)
        loud += 20  # each copy stronger than the last: Home Assistant takes it
        _send(virtual_proxy, node, node.frame, loud)  # the copy a second proxy heard
        if node.frame != previous:
            _send(virtual_proxy, node, previous, loud + 20)  # ... and a late one of the last
            loud += 20
            previous = node.frame
        await settle(hass)
    new = node.measurements - measurements
    assert new == 4
    assert len(dispatched) > new + 1, "the copies never reached a callback"
    assert len(writes) == new
    assert len(readings) == new
    assert coordinator.reading is not None
    assert coordinator.reading.temperature == pytest.approx(23.0, abs=0.2)


async def test_a_late_copy_of_the_frame_before_counts_again_only_after_10_s(
    hass: HomeAssistant, passive_proxy: PassiveProxy
) -> None:
    """A late copy of the previous frame within 10 s of the current one is a repeat (the
    gateway's window in the fact sheet); the same bytes after 10 s are a measurement."""
    node = passive_proxy.add(create_node(**_still_node()))
    entry = await setup_node(hass, node)
    coordinator: NodeCoordinator = entry.runtime_data.node
    readings: list[float | None] = []
    coordinator.async_add_listener(
        lambda: readings.append(coordinator.reading and coordinator.reading.temperature)
    )
    node.room.temperature = 20.0
    first = node.measure()
    node.room.temperature = 22.0
    second = node.measure()
    start = monotonic_time_coarse()

    async def heard(payload: bytes, after: float) -> None:
        """One advertisement, ``after`` seconds after the first frame."""
        passive_proxy.scanner._async_on_advertisement(
            node.address, -60, None, [], {}, {COMPANY_ID: payload}, None, {}, start + after
        )
        await settle(hass)

    await heard(first, 0.0)
    await heard(second, 1.0)
    assert readings == [pytest.approx(20.0, abs=0.2), pytest.approx(22.0, abs=0.2)]
    await heard(first, 1.5)  # a slow proxy's copy, half a second late
    await heard(b"\x00\x01", 1.6)  # not a node's frame: only so that the next is a change
    await heard(first, 10.5)  # 9.5 s after the current frame
    assert len(readings) == 2, "a copy of the frame before, within 10 s, is a repeat"
    await heard(b"\x00\x01", 10.6)
    await heard(first, 11.5)  # 10.5 s after the current frame: the room went back
    assert readings[2:] == [pytest.approx(20.0, abs=0.2)]
    assert float(node_state(hass, node, "temperature")) == pytest.approx(20.0, abs=0.2)


async def test_unavailable_when_the_node_stops_advertising(
    hass: HomeAssistant, passive_proxy: PassiveProxy
) -> None:
    node = passive_proxy.add(create_node(**_still_node()))
    entry = await setup_node(hass, node)
    passive_proxy.advertise(node)
    await settle(hass)
    coordinator: NodeCoordinator = entry.runtime_data.node
    changes: list[bool] = []
    coordinator.async_add_listener(lambda: changes.append(coordinator.available))
    temperature = node_entity(hass, node, "temperature")
    assert hass.states.get(temperature).state != STATE_UNAVAILABLE

    node.faults.set(Fault.SILENT)  # the battery went flat
    await past_availability_window(hass)
    for key, platform in (("temperature", "sensor"), ("window", "binary_sensor")):
        assert node_state(hass, node, key, platform) == STATE_UNAVAILABLE
    assert changes == [False]

    node.faults.clear()  # a new battery
    passive_proxy.advertise(node)
    await settle(hass)
    assert hass.states.get(temperature).state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
    assert changes == [False, True]


async def test_garbled_frames_are_ignored_quietly(
    hass: HomeAssistant, passive_proxy: PassiveProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.kitchen_ble")
    node = passive_proxy.add(create_node(**_still_node(measurement_interval=5.0)))
    entry = await setup_node(hass, node)
    passive_proxy.advertise(node)
    await settle(hass)
    coordinator: NodeCoordinator = entry.runtime_data.node
    before = coordinator.reading
    temperature = node_state(hass, node, "temperature")
    node.faults.set(Fault.MALFORMED)
    node.room.temperature = 30.0
    for _ in range(30):
        passive_proxy.tick(1.0)
        await settle(hass)
    assert coordinator.reading is before
    assert node_state(hass, node, "temperature") == temperature
    assert not [r for r in caplog.records if r.name.startswith("custom_components.kitchen_ble")]

    # Gone, then only garbage: that is no sign of a working node.
    node.faults.set(Fault.SILENT)
    await past_availability_window(hass)
    node.faults.clear(Fault.SILENT)
    passive_proxy.tick(5.0)
    await settle(hass)
    assert node_state(hass, node, "temperature") == STATE_UNAVAILABLE
    node.faults.clear()
    passive_proxy.tick(5.0)
    await settle(hass)
    assert float(node_state(hass, node, "temperature")) == pytest.approx(30.0, abs=0.3)


async def test_unload_reload_and_diagnostics(
    hass: HomeAssistant, passive_proxy: PassiveProxy, hass_client: ClientSessionGenerator
) -> None:
    node = passive_proxy.add(create_node(**_still_node()))
    entry = await setup_node(hass, node)
    passive_proxy.advertise(node)
    await settle(hass)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entry"]["data"]["address"] == "**REDACTED**"
    assert diagnostics["model"] == "thingy_node"
    assert diagnostics["available"] is True
    assert diagnostics["reading"]["humidity"] == 45
    assert diagnostics["payload"] == node.frame.hex()

    assert await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(node_entity(hass, node, "temperature")).state == STATE_UNAVAILABLE
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    # Restored at once from what the bluetooth integration kept, then live again.
    assert hass.states.get(node_entity(hass, node, "humidity")).state == "45"
    node.room.humidity = 60.0
    node.measure()
    passive_proxy.advertise(node)
    await settle(hass)
    assert node_state(hass, node, "humidity") == "60"


async def test_cook_session_ignores_nodes(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, passive_proxy: PassiveProxy
) -> None:
    """A session started for "every thermometer that is there" leaves nodes out."""
    igrill = await add_igrill(hass, virtual_proxy, "igrill_mini")
    from .common import setup_device

    await setup_device(hass, igrill, "igrill_mini")
    node = passive_proxy.add(create_node(**_still_node()))
    await setup_node(hass, node)
    passive_proxy.advertise(node)
    await settle(hass)
    await hass.services.async_call(DOMAIN, "start_session", {}, blocking=True)
    session = hass.data[DOMAIN].session
    assert session is not None
    assert set(session.members) == {igrill.address}
