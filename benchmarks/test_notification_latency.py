"""Latency from a probe notification to the probe sensor's new state.

Ours: a new probe 1 temperature arrives at the connected client, the way the
emulated iGrill notifies it; the time runs until Home Assistant fires
``state_changed`` for the probe sensor. The path is synchronous end to end
(bleak callback, driver, coordinator, entities, state machine, event bus), so
one listener's ``perf_counter_ns`` closes it. The notification is handed to
the client directly, not through ``device.notify``: that normalizes the UUID
twice, about 5 µs of emulator work a real proxy does not do.

Floors, observed by the same listener:

* a bare ``hass.states.async_set`` of an entity with the same attributes;
* a plain ``SensorEntity`` on an entity platform writing its state, which is
  what any integration's entity costs at the least.
"""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockEntityPlatform,
)

from benchmarks.common import StateChangeTimer, alternate
from benchmarks.report import median, note, percentile, record
from emulator.client import EmulatedBleakClient
from emulator.gatt import normalize_uuid
from emulator.igrill import codec
from emulator.igrill.const import probe_value_uuid
from emulator.proxy import VirtualProxy
from tests.ha.common import add_igrill, entity_id, setup_device

SAMPLES = 5_000  # per side and floor
AIM = 2.0
TEMPERATURES = (61, 62)  # °C; the probe flips between them so every sample is a change


class PlainProbeSensor(SensorEntity):
    """The least a temperature sensor entity can be."""

    _attr_should_poll = False
    _attr_name = "Plain probe"
    _attr_device_class = SensorDeviceClass.TEMPERATURE
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = UnitOfTemperature.CELSIUS
    _attr_native_value: int = TEMPERATURES[0]


async def test_notification_latency(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2", plugged=[True] * 4)
    entry = await setup_device(hass, device, "igrill_v2")
    assert entry.runtime_data.link.connected, "the iGrill never connected"
    probe = entity_id(hass, device, "probe_1")
    probe_uuid = normalize_uuid(probe_value_uuid(1))
    payloads = [
        codec.encode_probe(value, three_bytes=device.igrill.three_byte_notify)
        for value in TEMPERATURES
    ]
    # The real path once, through the device.
    assert device.notify(probe_uuid, payloads[0]), "no subscription to probe 1"
    state = hass.states.get(probe)
    assert state is not None
    assert state.state == str(TEMPERATURES[0])
    client = device._central  # the emulated bleak client Home Assistant connected with
    assert isinstance(client, EmulatedBleakClient)

    bare = "sensor.bench_bare_probe"
    bare_attributes = dict(state.attributes)

    plain = PlainProbeSensor()
    platform = MockEntityPlatform(hass, domain="sensor", platform_name="bench")
    await platform.async_add_entities([plain])
    assert plain.entity_id is not None

    timer = StateChangeTimer(hass)
    sample = timer.sample

    def notify(index: int) -> None:
        client.on_notification(probe_uuid, payloads[index])

    def set_bare(index: int) -> None:
        hass.states.async_set(bare, str(TEMPERATURES[index]), bare_attributes)

    def write_plain(index: int) -> None:
        plain._attr_native_value = TEMPERATURES[index]
        plain.async_write_ha_state()

    ours_sample = sample(probe, notify)
    ours_vs_bare, bare_samples = await alternate(ours_sample, sample(bare, set_bare), SAMPLES)
    ours_vs_plain, plain_samples = await alternate(
        ours_sample, sample(plain.entity_id, write_plain), SAMPLES
    )
    timer.cancel()

    # The state really followed the device.
    state = hass.states.get(probe)
    assert state is not None
    assert state.state == str(TEMPERATURES[0])  # 2 × SAMPLES flips, an even number
    assert entry.runtime_data.link.connected

    record(
        "notification → state, median (vs async_set)",
        "µs",
        median(ours_vs_bare),
        median(bare_samples),
        aim=AIM,
    )
    record(
        "notification → state, p95 (vs async_set)",
        "µs",
        percentile(ours_vs_bare, 95),
        percentile(bare_samples, 95),
        aim=AIM,
    )
    record(
        "notification → state, median (vs SensorEntity)",
        "µs",
        median(ours_vs_plain),
        median(plain_samples),
        aim=AIM,
    )
    record(
        "notification → state, p95 (vs SensorEntity)",
        "µs",
        percentile(ours_vs_plain, 95),
        percentile(plain_samples, 95),
        aim=AIM,
    )
    note(
        f"notification latency: {SAMPLES} samples per pair, interleaved; floors = "
        "hass.states.async_set of the same attributes, and a plain SensorEntity's write"
    )
