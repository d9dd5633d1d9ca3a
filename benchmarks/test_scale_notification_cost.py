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

Home Assistant core's own ``acaia`` integration would be a second floor for
the Acaia; it needs its library ``aioacaia``, which is measured only where it
is installed (it is not in the test environment).
"""

from __future__ import annotations

import importlib.util
import itertools
import time
from collections.abc import Callable, Iterator

import pytest
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback

from benchmarks.common import alternate
from benchmarks.report import median, note, percentile, record
from benchmarks.scale_common import FAMILIES, weight_uuid, weights_in
from custom_components.kitchen_ble.coordinator import LinkCoordinator
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from emulator.client import EmulatedBleakClient
from emulator.proxy import VirtualProxy
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
    if model.startswith("acaia"):
        if importlib.util.find_spec("aioacaia") is None:
            note(
                "Acaia vs Home Assistant core's acaia integration: not measured, it needs "
                "its library aioacaia, which is not installed here (floor: empty callback only)"
            )
        else:
            note(
                "Acaia vs Home Assistant core's acaia integration: aioacaia is installed, "
                "but this run has no such comparison yet (floor: empty callback only)"
            )
