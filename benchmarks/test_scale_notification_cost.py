"""Event-loop time per weight notification of a coffee scale, per family.

One scale of each family connected through the virtual proxy in Home
Assistant; the notifications of a 3 s, 2 g/s pour on it recorded once, then
handed to the connected client again and again, through the integration's
notification callback as subscribed on the emulated client. They go in groups
of half a second of the scale's frames (5 of a 10 Hz scale, 2 of an Acaia's
5 a second), the first finding the link's state notification due (the link
writes entities at most twice a second), so each group carries one pass over
the entities and the decodes, flow estimates and listeners of its frames.
Floor: an empty callback in the integration's place on the same client, fed
the same notifications (the transport's share).

Home Assistant core's own ``acaia`` integration is a second floor for the
Acaia: set up for a second emulated Lunar of the same model behind the same
proxy, its notification callback (aioacaia's, as subscribed on that scale's
client) is fed the same recorded frames, alternated with ours. Its library
``aioacaia`` is installed with the lanes' core integrations; where it is
missing that comparison is skipped.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import time
from collections.abc import Callable, Iterator

import pytest
from homeassistant.const import CONF_ADDRESS, EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import format_mac
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from benchmarks.common import alternate
from benchmarks.report import median, note, percentile, record
from benchmarks.scale_common import FAMILIES, weight_uuid, weights_in
from custom_components.kitchen_ble.coordinator import LinkCoordinator
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from emulator.client import EmulatedBleakClient
from emulator.proxy import VirtualProxy
from emulator.scales import create_scale, default_address
from tests.ha.scales import (
    connected_scale,
    entity_id,
    link_of,
    quick_skale,  # noqa: F401  (fixture)
    run,
    without_core_scales,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.usefixtures("without_core_scales", "quick_skale")

POUR_SECONDS = 3.0  # within the heartbeat timeouts (Decent 5 s, Acaia 8 s) of device time
RATE = 2.0  # g/s
STATE_INTERVAL = 0.5  # s between two state notifications of a scale's link
ROUNDS = 600  # groups per side


def _empty(_data: bytearray) -> None:
    """The floor's notification callback: nothing at all."""


def _groups(payloads: list[bytes], size: int) -> Iterator[list[bytes]]:
    """The pour's notifications half a second at a time, round and round."""
    return itertools.cycle(
        [payloads[start : start + size] for start in range(0, len(payloads) - size + 1, size)]
    )


def _state_due(link: LinkCoordinator) -> None:
    """As if half a second had passed since the last state notification."""
    _drop_held_state(link)
    link._next_state_at = 0.0


def _drop_held_state(link: LinkCoordinator) -> None:
    """Cancel the notification a throttled frame left waiting, so none fires between
    measurements (during a pour it fires twice a second, measured by ``_state_due``)."""
    if (held := link._held_state) is not None:
        held.cancel()
        link._held_state = None


def _cost_per_notification(
    client: EmulatedBleakClient,
    link: LinkCoordinator,
    uuid: str,
    handler: Callable[[bytearray], None],
    groups: Iterator[list[bytes]],
) -> Callable[[], float]:
    """µs per notification of half a second of the pour, with ``handler`` subscribed."""

    def measure() -> float:
        group = next(groups)
        client._callbacks[uuid] = handler
        _state_due(link)
        start = time.perf_counter_ns()
        for payload in group:
            client.on_notification(uuid, payload)
        elapsed = time.perf_counter_ns() - start
        _drop_held_state(link)
        return elapsed / len(group) / 1000

    return measure


@pytest.mark.parametrize("model", list(FAMILIES))
async def test_scale_notification_cost(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, model: str
) -> None:
    device, entry = await connected_scale(hass, virtual_proxy, model, noise=0.02)
    link = link_of(entry)
    client = device._central
    assert isinstance(client, EmulatedBleakClient)
    uuid = weight_uuid(model)
    integration = client._callbacks[uuid]

    # A pour, its notifications recorded as they reach the integration.
    recorded: list[bytes] = []

    def keep(data: bytearray) -> None:
        recorded.append(bytes(data))
        integration(data)

    client._callbacks[uuid] = keep
    device.pour(RATE)
    await run(hass, virtual_proxy, POUR_SECONDS)
    device.pour(0)
    client._callbacks[uuid] = integration
    size = max(1, int(device.update_rate * STATE_INTERVAL))
    assert len(recorded) >= device.update_rate * POUR_SECONDS * 0.95

    weight = entity_id(hass, device, "sensor", "weight")
    writes = samples = 0

    @callback
    def count_write(event: Event[EventStateChangedData]) -> None:
        nonlocal writes
        writes += event.data["entity_id"] == weight

    @callback
    def count_sample(sample: object) -> None:
        nonlocal samples
        samples += isinstance(sample, WeightSample)

    cancel_writes = hass.bus.async_listen(EVENT_STATE_CHANGED, count_write)
    cancel_samples = link.async_add_sample_listener(count_sample)
    ours_groups, floor_groups = _groups(recorded, size), _groups(recorded, size)
    ours, floor = await alternate(
        _cost_per_notification(client, link, uuid, integration, ours_groups),
        _cost_per_notification(client, link, uuid, _empty, floor_groups),
        ROUNDS,
    )
    cancel_writes()
    cancel_samples()
    client._callbacks[uuid] = integration

    # The integration really handled them: every weight frame became a sample,
    # and the weight entity followed the pour.
    groups = list(itertools.islice(_groups(recorded, size), ROUNDS))
    expected = sum(weights_in(model, payload) for group in groups for payload in group)
    assert samples == expected
    assert writes >= ROUNDS // 2, f"the weight was written {writes} times in {ROUNDS} rounds"
    assert link.connected
    await hass.config_entries.async_unload(entry.entry_id)

    name = FAMILIES[model]
    record(
        f"{name} weight notification, median (vs empty callback)",
        "µs",
        median(ours),
        median(floor),
    )
    record(
        f"{name} weight notification, p95 (vs empty callback)",
        "µs",
        percentile(ours, 95),
        percentile(floor, 95),
    )
    per_second = median(ours) * device.update_rate
    note(
        f"{name} cost: {ROUNDS} rounds per side of {size} notifications from a "
        f"{POUR_SECONDS:.0f} s {RATE:g} g/s pour ({len(recorded)} notifications, "
        f"{device.update_rate:g} a second), one state pass a round; weight written {writes} "
        f"times; {per_second:.0f} µs of loop per second of pouring ({per_second / 1e4:.3f} %)"
    )
    if model.startswith("acaia") and importlib.util.find_spec("aioacaia") is None:
        note(
            "Acaia vs Home Assistant core's acaia integration: not measured, it needs "
            "its library aioacaia, which is not installed here (floor: empty callback only)"
        )


CORE_MODEL = "acaia_lunar_2021"
CORE_AIM = 2.0  # × core acaia's cost per notification
CORE_SETUP_TURNS = 300  # of 0.1 s: aioacaia's scan (10 s) and connection attempts fit


async def _turn(proxy: VirtualProxy) -> None:
    """0.1 s of device and wall time, without waiting for Home Assistant to settle:
    core acaia's heartbeat and send-queue tasks never end."""
    proxy.tick(0.1)
    await asyncio.sleep(0.1)


def _core_weight_entity(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Core acaia's weight sensor."""
    found = [
        item.entity_id
        for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if item.domain == "sensor" and item.unique_id.endswith("_weight")
    ]
    assert len(found) == 1, f"core acaia's weight sensor: {found}"
    return found[0]


async def test_acaia_notification_cost_vs_core(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    pytest.importorskip("aioacaia")
    device, entry = await connected_scale(hass, virtual_proxy, CORE_MODEL, noise=0.02)
    link = link_of(entry)
    client = device._central
    assert isinstance(client, EmulatedBleakClient)
    uuid = weight_uuid(CORE_MODEL)
    integration = client._callbacks[uuid]

    # A pour on our scale, its notifications recorded as they reach us.
    recorded: list[bytes] = []

    def keep(data: bytearray) -> None:
        recorded.append(bytes(data))
        integration(data)

    client._callbacks[uuid] = keep
    device.pour(RATE)
    await run(hass, virtual_proxy, POUR_SECONDS)
    device.pour(0)
    client._callbacks[uuid] = integration
    size = max(1, int(device.update_rate * STATE_INTERVAL))
    assert len(recorded) >= device.update_rate * POUR_SECONDS * 0.95

    # Core acaia on a second Lunar of the same model, as its config flow stores it.
    twin = virtual_proxy.add(
        create_scale(CORE_MODEL, default_address(CORE_MODEL, 2), noise=0.02, seed=2)
    )
    virtual_proxy.advertise(twin)
    await run(hass, virtual_proxy, 0.1)
    core_entry = MockConfigEntry(
        domain="acaia",
        unique_id=format_mac(twin.address),
        title=twin.name,
        data={CONF_ADDRESS: twin.address, "is_new_style_scale": True},
    )
    core_entry.add_to_hass(hass)
    # aioacaia looks the scale up by its advertisements, then connects and handshakes.
    setup = hass.async_create_task(hass.config_entries.async_setup(core_entry.entry_id))
    for _ in range(CORE_SETUP_TURNS):
        if setup.done():
            break
        await _turn(virtual_proxy)
    assert setup.done(), "core acaia's entry did not set up in 30 s"
    assert setup.result(), "core acaia's entry did not set up"
    for _ in range(20):
        await _turn(virtual_proxy)
    core_client = twin._central
    assert isinstance(core_client, EmulatedBleakClient), "core acaia did not connect"
    assert twin.streaming, f"core acaia's handshake did not complete: {twin.commands}"
    core = core_client._callbacks[uuid]
    core_scale = core_entry.runtime_data.scale
    debouncer = core_scale._notify_callback.__self__

    loop = asyncio.get_running_loop()

    def core_cost(groups: Iterator[list[bytes]]) -> Callable[[], float]:
        """µs per notification of half a second of the pour, through core acaia.

        aioacaia's callback is a coroutine: bleak's wrapper, the subscribed
        callback, starts a task per notification. Tasks start eagerly while
        measured, so each one's work (the decode, the debouncer, the entity
        writes) falls inside the window; only the loop's turn to start it does
        not. The debouncer (0.2 s) is let through, so each group writes the
        entities once, as ours does.
        """

        def measure() -> float:
            group = next(groups)
            debouncer.async_cancel()
            factory = loop.get_task_factory()
            loop.set_task_factory(asyncio.eager_task_factory)
            start = time.perf_counter_ns()
            for payload in group:
                core_client.on_notification(uuid, payload)
            elapsed = time.perf_counter_ns() - start
            loop.set_task_factory(factory)
            debouncer.async_cancel()
            return elapsed / len(group) / 1000

        return measure

    weights = {entity_id(hass, device, "sensor", "weight"), _core_weight_entity(hass, core_entry)}
    writes: dict[str, int] = dict.fromkeys(weights, 0)

    @callback
    def count_write(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] in writes:
            writes[event.data["entity_id"]] += 1

    cancel_writes = hass.bus.async_listen(EVENT_STATE_CHANGED, count_write)
    ours, theirs = await alternate(
        _cost_per_notification(client, link, uuid, integration, _groups(recorded, size)),
        core_cost(_groups(recorded, size)),
        ROUNDS,
    )
    cancel_writes()
    client._callbacks[uuid] = integration

    # Both really handled them: each weight entity followed the pour, and core's
    # scale holds the pour's last weight.
    for weight, count in writes.items():
        assert count >= ROUNDS // 2, f"{weight} was written {count} times in {ROUNDS} rounds"
    assert core_scale.weight is not None
    assert core_scale.weight > 1.0
    assert link.connected
    assert core_client._callbacks.get(uuid) is core
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.config_entries.async_unload(core_entry.entry_id)

    record(
        "Acaia Lunar weight notification, median (vs core acaia)",
        "µs",
        median(ours),
        median(theirs),
        aim=CORE_AIM,
    )
    note(
        f"Acaia vs core acaia: {ROUNDS} rounds per side of {size} notifications of the same "
        f"{len(recorded)} recorded frames; core acaia on a second emulated Lunar "
        f"({twin.name}) behind the same proxy; weight writes {sorted(writes.values())}"
    )
