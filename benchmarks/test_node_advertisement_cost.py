"""Event-loop time per advertisement of a passive sensor node, beside a core integration.

Ours: a configured environment node (company id 0xFFFF) heard through the
emulator's passive proxy, and a foreign device that shares 0xFFFF (its
advertisements match our manifest, but no entry is its). Floor, measured in
the same run through the same kind of proxy: Home Assistant's own
``thermopro`` integration with a configured TP357 thermo-hygrometer, and a
foreign device that shares thermopro's matcher (a "TP35..." name with no
entry).

Every advertisement differs from the one before (the node's temperature and
humidity move the way the TP357's do: temperature each time, humidity every
eighth time), so Home Assistant dispatches each one and both integrations
decode it and write their entities. A round is ``PER_ROUND`` advertisements
replayed into the proxy's scanner (built beforehand, as
``test_advertisement_cost`` does) and the loop then drained, so work an
integration defers to the loop is counted too.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterator
from unittest.mock import patch

from bluetooth_data_tools import monotonic_time_coarse
from homeassistant.components import bluetooth
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from benchmarks.report import median, note, record
from custom_components.kitchen_ble.passive import NodeCoordinator
from emulator.device import Advertisement, EmulatedDevice
from emulator.ha import async_start_proxy
from emulator.node import COMPANY_ID, create_foreign, create_node, encode_frame
from emulator.passive_proxy import PassiveProxy
from tests.ha.common import settle
from tests.ha.nodes import KEGTRON_FLOWS, node_entity, setup_node

ROUNDS = 25  # per case, for each of ours and the floor
PER_ROUND = 2_000  # advertisements timed together
AIM = 1.0  # no slower than the core integration
# For a foreign device neither integration runs any code (Home Assistant's
# manager and matchers do all the work on both sides), so the ratio is 1 give
# or take the machine's noise: the aim allows that much.
FOREIGN_AIM = 1.05
RING = 8 * 61  # distinct frames: every advertisement differs from the one before

TP357_ADDRESS = "C2:11:22:33:44:55"
TP357_NAME = "TP357 (4455)"
TP357_ID_LOW = 0xC2  # first byte of the TP357's data, carried in the company id


def _values(index: int) -> tuple[float, int]:
    """Temperature (°C) and humidity (%) of the ``index``-th measurement of either device."""
    return 20.0 + (index % 8) / 10, 30 + (index // 8) % 61


class ThermoProTP357(EmulatedDevice):
    """A ThermoPro TP357 as thermopro-ble reads it: data[0:2] is the company id,
    then int16 LE tenths of °C (its low byte in the id), humidity, battery bits."""

    model = "tp357"

    def __init__(self) -> None:
        super().__init__(TP357_ADDRESS, TP357_NAME, rssi=-70)
        self.index = 0

    def advertised_manufacturer_data(self) -> dict[int, bytes]:
        temperature, humidity = _values(self.index)
        tenths = round(temperature * 10).to_bytes(2, "little", signed=True)
        data = bytes([TP357_ID_LOW, tenths[0], tenths[1], humidity, 0x02, 0x00])
        return {int.from_bytes(data[:2], "little"): data[2:]}


class Replayer:
    """Advertisements built once, replayed into a proxy's scanner in a ring."""

    def __init__(self, proxy: PassiveProxy, address: str, ads: list[Advertisement]) -> None:
        self._on_advertisement = proxy.scanner._async_on_advertisement
        self._address = address
        self._ads = itertools.cycle(ads)

    def __call__(self) -> None:
        ad = next(self._ads)
        self._on_advertisement(
            self._address,
            ad.rssi,
            ad.local_name,
            ad.service_uuids,
            ad.service_data,
            ad.manufacturer_data,
            ad.tx_power,
            {},
            monotonic_time_coarse(),
        )


def _node_ads(name: str | None) -> list[Advertisement]:
    ads = []
    for index in range(RING):
        temperature, humidity = _values(index)
        frame = encode_frame(
            window_open=False, humidity=humidity, temperature=temperature, co2=600, battery=90
        )
        ads.append(Advertisement(name, -70, manufacturer_data={COMPANY_ID: frame}))
    return ads


def _tp357_ads(device: ThermoProTP357) -> list[Advertisement]:
    ads = []
    for index in range(RING):
        device.index = index
        ads.append(device.advertisement())
    return ads


def _foreign_ads(name: str | None, company_id: int, head: bytes) -> list[Advertisement]:
    """A beacon counter after ``head``: a different payload every time, no node's size."""
    return [
        Advertisement(name, -80, manufacturer_data={company_id: head + bytes([i % 256, i // 256])})
        for i in range(RING)
    ]


async def _round_us(hass: HomeAssistant, advertise: Callable[[], None]) -> float:
    """µs per advertisement: ``PER_ROUND`` of them, then the loop drained."""
    start = time.perf_counter_ns()
    for _ in range(PER_ROUND):
        advertise()
    await hass.async_block_till_done()
    return (time.perf_counter_ns() - start) / PER_ROUND / 1000


async def _alternate(
    hass: HomeAssistant, ours: Callable[[], None], floor: Callable[[], None]
) -> tuple[list[float], list[float]]:
    """``ROUNDS`` rounds of each, interleaved, which goes first alternating."""
    ours_samples: list[float] = []
    floor_samples: list[float] = []
    pairs = ((ours, ours_samples), (floor, floor_samples))
    for index in range(ROUNDS):
        for advertise, samples in pairs if index % 2 == 0 else pairs[::-1]:
            samples.append(await _round_us(hass, advertise))
        await asyncio.sleep(0)
    return ours_samples, floor_samples


def _dispatches(hass: HomeAssistant, address: str, advertise: Callable[[], None]) -> int:
    """How many of ``PER_ROUND`` advertisements Home Assistant hands to callbacks."""
    calls: list[None] = []

    @callback
    def counting(_info: bluetooth.BluetoothServiceInfoBleak, _change: object) -> None:
        calls.append(None)

    cancel = bluetooth.async_register_callback(
        hass,
        counting,
        bluetooth.BluetoothCallbackMatcher(address=address, connectable=False),
        bluetooth.BluetoothScanningMode.PASSIVE,
    )
    replayed = len(calls)
    try:
        for _ in range(PER_ROUND):
            advertise()
    finally:
        cancel()
    return len(calls) - replayed


def _state_writes(hass: HomeAssistant, entity_ids: set[str]) -> Iterator[int]:
    """A running count of state changes of these entities."""
    count = 0

    @callback
    def on_state(event: Event) -> None:
        nonlocal count
        if event.data["entity_id"] in entity_ids:
            count += 1

    hass.bus.async_listen("state_changed", on_state)
    while True:
        yield count


async def test_node_advertisement_cost(hass: HomeAssistant, enable_bluetooth: None) -> None:
    proxy = PassiveProxy(suffix="bench-passive")
    stop = async_start_proxy(hass, proxy, interval=None)
    create_flow = discovery_flow.async_create_flow

    def no_kegtron(hass: HomeAssistant, domain: str, *args: object, **kwargs: object) -> None:
        if domain != "kegtron":  # Kegtron matches 0xFFFF too; its library is optional here
            create_flow(hass, domain, *args, **kwargs)  # type: ignore[arg-type]

    with patch(KEGTRON_FLOWS, no_kegtron):
        # Ours: a node with its entry; a foreign 0xFFFF device without one.
        node = proxy.add(create_node(window_events=False, co2_warmup=0.0))
        node_entry = await setup_node(hass, node, title="Bench node")
        advertise_node = Replayer(proxy, node.address, _node_ads(None))
        advertise_node()
        await settle(hass)
        coordinator: NodeCoordinator = node_entry.runtime_data.node
        assert coordinator.available
        foreign = proxy.add(create_foreign())
        advertise_foreign = Replayer(
            proxy, foreign.address, _foreign_ads(None, COMPANY_ID, b"\xaa")
        )

        # Floor: core thermopro with a TP357; a foreign "TP35..." device without an entry.
        tp357 = proxy.add(ThermoProTP357())
        tp_entry = MockConfigEntry(domain="thermopro", unique_id=TP357_ADDRESS)
        tp_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(tp_entry.entry_id)
        advertise_tp357 = Replayer(proxy, TP357_ADDRESS, _tp357_ads(tp357))
        for _ in range(3):
            advertise_tp357()
        await settle(hass)
        assert tp_entry.state is ConfigEntryState.LOADED
        # As thermopro-ble reads it: the "no reading" marker FF FF FF, so it stays quiet.
        advertise_tp_foreign = Replayer(
            proxy, "C2:11:22:33:44:66", _foreign_ads("TP357 (4466)", 0xFF00, b"\xff\xff")
        )
        for advertise in (advertise_foreign, advertise_tp_foreign):
            advertise()
        await settle(hass)

        # Both sides really dispatch every advertisement and write their entities.
        registry = er.async_get(hass)
        tp_entities = {
            e.entity_id
            for e in er.async_entries_for_config_entry(registry, tp_entry.entry_id)
            if e.domain == "sensor" and not e.disabled
        }
        assert tp_entities, "thermopro made no entities"
        node_entities = {
            node_entity(hass, node, "temperature"),
            node_entity(hass, node, "humidity"),
        }
        for address, advertise, entities in (
            (node.address, advertise_node, node_entities),
            (TP357_ADDRESS, advertise_tp357, tp_entities),
        ):
            writes = _state_writes(hass, entities)
            before = next(writes)
            assert _dispatches(hass, address, advertise) == PER_ROUND, "changes were dropped"
            await settle(hass)
            assert next(writes) - before >= PER_ROUND, f"{address}: not every one was written"
        for address, advertise in (
            (foreign.address, advertise_foreign),
            ("C2:11:22:33:44:66", advertise_tp_foreign),
        ):
            assert _dispatches(hass, address, advertise) == PER_ROUND

        ours, floor = await _alternate(hass, advertise_node, advertise_tp357)
        record(
            "node advertisement, changed (vs core thermopro)",
            "µs",
            median(ours),
            median(floor),
            aim=AIM,
        )
        ours, floor = await _alternate(hass, advertise_foreign, advertise_tp_foreign)
        record(
            "foreign 0xFFFF advertisement, changed (vs core)",
            "µs",
            median(ours),
            median(floor),
            aim=FOREIGN_AIM,
        )
        assert coordinator.available
        assert not [
            f for f in hass.config_entries.flow.async_progress() if f["handler"] == "kitchen_ble"
        ]
    stop()
    note(
        f"passive nodes: median of {ROUNDS} rounds of {PER_ROUND} advertisements per side, "
        "each one different, loop drained per round; floor = core thermopro (TP357) "
        "through the same passive proxy"
    )
