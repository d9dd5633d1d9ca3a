"""Recorder rows of a coffee scale: a minute of pouring, per family.

A row is a ``state_changed`` event of one of the scale's entities, what the
recorder writes. The scale runs on the test clock (accelerated), its frames
on the family's grid (10 a second, an Acaia 5), the cup receiving a steady
2 g/s for 60 s. Floor: the naive integration, which writes every accepted
weight to the weight and the flow entities (samples × 2).

Aim: a fifth of the naive rows at most (the link writes entities at most
twice a second, and only what changed).
"""

from __future__ import annotations

from collections import Counter

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from benchmarks.report import note, record
from benchmarks.scale_common import FAMILIES, STEP, family_scale, set_up_on_test_clock
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from emulator.proxy import VirtualProxy
from tests.ha.espresso import advance
from tests.ha.scales import (
    link_of,
    quick_skale,  # noqa: F401  (fixture)
    state,
    without_core_scales,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.usefixtures("without_core_scales", "quick_skale")

POUR_SECONDS = 60
RATE = 2.0  # g/s
AIM = 0.2  # of the naive rows
NAIVE_ENTITIES = 2  # weight and flow


@pytest.mark.parametrize("model", list(FAMILIES))
async def test_scale_recorder_rows(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory, model: str
) -> None:
    device = family_scale(virtual_proxy, model)
    entry = await set_up_on_test_clock(hass, virtual_proxy, freezer, device, model)
    link = link_of(entry)
    assert link.connected
    await advance(hass, freezer, virtual_proxy, 2, STEP)  # the first readings arrive

    prefix = f"{device.address}_"
    ours = {  # entity id -> description key
        item.entity_id: item.unique_id.removeprefix(prefix)
        for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    by_entity: Counter[str] = Counter()
    samples = 0

    @callback
    def on_changed(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] in ours:
            by_entity[ours[event.data["entity_id"]]] += 1

    @callback
    def on_sample(sample: object) -> None:
        nonlocal samples
        samples += isinstance(sample, WeightSample)

    cancel_rows = hass.bus.async_listen(EVENT_STATE_CHANGED, on_changed)
    cancel_samples = link.async_add_sample_listener(on_sample)
    device.pour(RATE)
    await advance(hass, freezer, virtual_proxy, POUR_SECONDS, STEP)
    device.pour(0)
    cancel_rows()
    cancel_samples()

    assert link.connected
    poured = float(state(hass, device, "sensor", "weight"))
    # the cup got its 2 g/s but the last drip delay and sensor lag's worth
    assert RATE * POUR_SECONDS - 3 < poured <= RATE * POUR_SECONDS
    flow = float(state(hass, device, "sensor", "weight_flow"))
    assert abs(flow - RATE) < 0.5, f"flow {flow} g/s during a {RATE} g/s pour"
    rate = device.update_rate
    assert samples >= rate * POUR_SECONDS * 0.95, f"{samples} samples in {POUR_SECONDS} s"
    rows = sum(by_entity.values())
    await hass.config_entries.async_unload(entry.entry_id)

    name = FAMILIES[model]
    record(
        f"{name} recorder rows, 60 s pour (vs every sample × weight, flow)",
        "rows",
        rows,
        samples * NAIVE_ENTITIES,
        aim=AIM,
    )
    note(
        f"{name} rows: {rows} from {samples} weights ({rate:g} a second) during {RATE:g} g/s "
        f"for {POUR_SECONDS} s on the test clock, by entity {dict(sorted(by_entity.items()))}"
    )
