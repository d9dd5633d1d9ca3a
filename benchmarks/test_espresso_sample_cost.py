"""Event-loop time per DE1 ShotSample, and a reading's latency to its entity state.

The DE1 notifies a 19-byte ShotSample four times a second (five on 60 Hz
mains), for as long as it is awake (de1.md §5.1). Each one runs on Home
Assistant's event loop: the driver decodes it, the sample listeners get it,
and at most once a second the link's state notification writes the entities.

Cost per sample. The samples are those of a real shot on the emulated machine
(recorded once, 30 s of it), handed to the connected client in groups of four,
one second of a shot: the first finds the state notification due (as the first
sample of each second of a shot does), so each group carries one pass over the
entities, one held timer, and four decodes, the work of one second of a shot.
Floor: an empty callback in the integration's place on the same client, fed
the same notifications (the transport's share: the client's lookup, the copy
to a bytearray, one call).

Latency. A new group pressure (8 ↔ 9 bar, a state notification due) from the
client's notification until Home Assistant fires ``state_changed`` for the
pressure sensor; floor: a plain ``SensorEntity`` of pressure writing its state,
observed by the same listener (as in ``test_notification_latency``).
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Iterator

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.const import EVENT_STATE_CHANGED, UnitOfPressure
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockEntityPlatform,
)

from benchmarks.common import StateChangeTimer, alternate
from benchmarks.espresso_shot import Machine, connected_machine, record_shot
from benchmarks.report import median, note, percentile, record
from custom_components.kitchen_ble.library.devices.de1.codec import decode_shot_sample
from custom_components.kitchen_ble.util import espresso_state
from emulator.de1 import codec
from emulator.proxy import VirtualProxy
from tests.ha.espresso import entity_id

SHOT_SECONDS = 30.0
PER_SECOND = 4  # samples per second of a shot on 50 Hz mains (de1.md §5.1)
ROUNDS = 3_000  # groups of PER_SECOND samples, per side
LATENCY_SAMPLES = 3_000  # per side
PRESSURES = (8.0, 9.0)  # bar; a step past any deadband, so every sample is a change

# Cost: against an empty callback (one Python call, ~0.3 µs) the handler is large
# by nature. Per sample it must decode 19 bytes into eleven fields, some 25 calls'
# worth (~25×), and carry a quarter of the once-a-second state pass over the
# machine's 43 state listeners (its entities; the pass took ~120 µs when this was
# written), ~10 calls' worth each (~100×): ~125×. The aim leaves a fifth on top for noise. It sits
# well below a pass per sample (the throttle gone: ~4 × 100 + 25 = ~425×), which is
# the regression that matters; at four samples a second it is ~0.02 % of the loop.
COST_AIM = 150.0
# Latency: the same bound as a probe's (test_notification_latency). The pressure
# sensor is written in the link's state pass after the machine's other listeners
# (29 of the 43 first when this was written), which a probe's single
# entity does not pay; a figure over it says how much that pass order costs.
LATENCY_AIM = 2.0

# A mid-shot sample with the pressure as given (the other fields a pour's).
_SAMPLE = codec.ShotSample(
    sample_time=0,
    pressure=8.0,
    flow=2.0,
    mix_temp=92.0,
    head_temp=93.0,
    set_mix_temp=92.0,
    set_head_temp=93.0,
    set_pressure=9.0,
    set_flow=0.0,
    frame=2,
    steam_temp=140.0,
)


class PlainPressureSensor(SensorEntity):
    """The least a pressure sensor entity can be."""

    _attr_should_poll = False
    _attr_name = "Plain pressure"
    _attr_device_class = SensorDeviceClass.PRESSURE
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = UnitOfPressure.BAR
    _attr_native_value: float = PRESSURES[0]


def _empty(_data: bytearray) -> None:
    """The floor's notification callback: nothing at all."""


def _seconds(payloads: list[bytes]) -> Iterator[list[bytes]]:
    """The shot's samples a second at a time, round and round."""
    groups = [
        payloads[start : start + PER_SECOND]
        for start in range(0, len(payloads) - PER_SECOND + 1, PER_SECOND)
    ]
    return itertools.cycle(groups)


def _cost_per_sample(
    machine: Machine, handler: Callable[[bytearray], None], payloads: list[bytes]
) -> Callable[[], float]:
    """µs per sample of one second of the shot, with ``handler`` subscribed."""
    seconds = _seconds(payloads)

    def measure() -> float:
        group = next(seconds)
        machine.set_shot_sample_callback(handler)
        machine.state_due()
        start = time.perf_counter_ns()
        for payload in group:
            machine.notify(payload)
        elapsed = time.perf_counter_ns() - start
        machine.drop_held_state()
        return elapsed / len(group) / 1000

    return measure


async def test_espresso_sample_cost(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    machine = await connected_machine(hass, virtual_proxy)
    payloads = await record_shot(hass, virtual_proxy, machine, SHOT_SECONDS)
    assert len(payloads) == SHOT_SECONDS * PER_SECOND
    integration = machine.on_shot_sample
    pressure = entity_id(hass, machine.device, "sensor", "pressure")
    writes = 0

    @callback
    def count(event: Event[EventStateChangedData]) -> None:
        nonlocal writes
        writes += event.data["entity_id"] == pressure

    cancel = hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    ours, floor = await alternate(
        _cost_per_sample(machine, integration, payloads),
        _cost_per_sample(machine, _empty, payloads),
        ROUNDS,
    )
    cancel()
    machine.set_shot_sample_callback(integration)

    # The integration really handled them: the last sample is the driver's, and the
    # pressure sensor followed the shot.
    assert espresso_state(machine.link).sample == decode_shot_sample(payloads[-1])
    # (it changes, to a tenth of a bar, in some of the shot's seconds: heating has none)
    assert writes >= ROUNDS // 30, f"the pressure was written {writes} times in {ROUNDS} seconds"
    assert machine.link.connected

    record(
        "DE1 ShotSample handling, median per sample (vs empty callback)",
        "µs",
        median(ours),
        median(floor),
        aim=COST_AIM,
    )
    record(
        "DE1 ShotSample handling, p95 per sample (vs empty callback)",
        "µs",
        percentile(ours, 95),
        percentile(floor, 95),
        aim=COST_AIM,
    )
    note(
        f"DE1 sample cost: {ROUNDS} rounds per side of {PER_SECOND} samples from a "
        f"{SHOT_SECONDS:.0f} s emulated shot ({len(payloads)} samples), one state pass a "
        f"round; the integration registers no sample listener of its own; pressure "
        f"written {writes} times; {median(ours) * PER_SECOND:.0f} µs of loop per shot second "
        f"({median(ours) * PER_SECOND / 1e4:.3f} %)"
    )


async def test_espresso_notification_latency(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    machine = await connected_machine(hass, virtual_proxy)
    await record_shot(hass, virtual_proxy, machine, 5.0)  # flowing: readings follow each sample
    pressure = entity_id(hass, machine.device, "sensor", "pressure")
    payloads = [
        codec.encode_shot_sample(dataclasses.replace(_SAMPLE, pressure=value))
        for value in PRESSURES
    ]

    plain = PlainPressureSensor()
    platform = MockEntityPlatform(hass, domain="sensor", platform_name="bench")
    await platform.async_add_entities([plain])
    assert plain.entity_id is not None

    timer = StateChangeTimer(hass)
    sample = timer.sample

    def notify(index: int) -> None:
        machine.state_due()
        machine.notify(payloads[index])

    def write_plain(index: int) -> None:
        plain._attr_native_value = PRESSURES[index]
        plain.async_write_ha_state()

    notify(0)
    ours, floor = await alternate(
        sample(pressure, notify), sample(plain.entity_id, write_plain), LATENCY_SAMPLES
    )
    timer.cancel()

    state = hass.states.get(pressure)
    assert state is not None
    assert float(state.state) == PRESSURES[0]  # an even number of flips after the first
    assert machine.link.connected

    record(
        "DE1 sample → pressure state, median (vs SensorEntity)",
        "µs",
        median(ours),
        median(floor),
        aim=LATENCY_AIM,
    )
    record(
        "DE1 sample → pressure state, p95 (vs SensorEntity)",
        "µs",
        percentile(ours, 95),
        percentile(floor, 95),
        aim=LATENCY_AIM,
    )
    note(
        f"DE1 latency: {LATENCY_SAMPLES} samples per side, interleaved, pressure "
        f"{PRESSURES[0]} ↔ {PRESSURES[1]} bar mid-shot with the state notification due; "
        "floor = a plain SensorEntity's write"
    )
