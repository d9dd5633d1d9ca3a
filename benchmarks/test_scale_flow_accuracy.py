"""Flow estimate error on emulated pours, per family (no Home Assistant).

Each family's emulated scale (its sensor lag and noise, its frame rate) is
driven directly by the library's driver, stamped with the scale's own clock,
while the cup receives a pour that steps through 1, 2, 3, 4, 2.5 and 1.5 g/s
(5 s each). Every weight the driver accepts goes to ``FlowEstimator`` as the
Home Assistant layer makes it (the family's sensor lag). The error of an
estimate is |estimated − true flow|, the true flow being the rate landing in
the cup at the time the estimate speaks of (lag-corrected). Floor: a plain
two-point difference of consecutive readings, at the mean of their arrival
times less the same lag. Counted from one estimator window (11 readings)
after the pour first reaches the cup until it stops.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from benchmarks.report import Compare, median, note, percentile, record
from benchmarks.scale_common import FAMILIES
from custom_components.kitchen_ble.library.devices import model_by_id
from custom_components.kitchen_ble.library.devices.acaia import AcaiaDriver
from custom_components.kitchen_ble.library.devices.bookoo import BookooDriver
from custom_components.kitchen_ble.library.devices.decent_scale import DecentScaleDriver
from custom_components.kitchen_ble.library.devices.felicita import FelicitaDriver
from custom_components.kitchen_ble.library.devices.scale import ScaleDriverBase, WeightSample
from custom_components.kitchen_ble.library.devices.scale_flow import FlowEstimator, sensor_lag
from custom_components.kitchen_ble.library.devices.skale import SkaleDriver
from emulator.proxy import VirtualProxy
from emulator.scales import create_scale
from tests.emulator.common import connect
from tests.ha.scales import SCALES

DRIVERS: dict[str, type[ScaleDriverBase]] = {
    "skale2": SkaleDriver,
    "acaia_lunar_2021": AcaiaDriver,
    "felicita_arc": FelicitaDriver,
    "decent_scale": DecentScaleDriver,
    "bookoo_themis": BookooDriver,
}
RATES = (1.0, 2.0, 3.0, 4.0, 2.5, 1.5)  # g/s, one after the other
SEGMENT = 5.0  # s of each
STEP = 0.1  # s of device time per turn
WINDOW = 11  # readings in the estimator's window
AIM = 0.0  # g/s over the floor: the estimator no worse than two readings' difference


async def _no_sleep(_seconds: float) -> None:
    """The handshake's pauses cost nothing on the scale's clock."""


def _schedule(seconds: float) -> float:
    """g/s leaving the spout ``seconds`` after the pour began."""
    index = int(seconds // SEGMENT)
    return RATES[index] if seconds >= 0 and index < len(RATES) else 0.0


async def _pour(model: str) -> tuple[list[float], list[float], int, int]:
    """Errors (g/s) of the estimator and of the two-point floor; readings; skipped pairs."""
    proxy = VirtualProxy(suffix="flow")
    device = create_scale(model, seed=7)
    proxy.add(device)
    client: Any = await connect(proxy, device.address)
    info = model_by_id(SCALES[model][0])
    assert info is not None
    lag = sensor_lag(info.family)
    readings: list[WeightSample] = []

    def on_sample(sample: object) -> None:
        if isinstance(sample, WeightSample):
            readings.append(sample)

    driver = DRIVERS[model](
        info, lambda: None, on_sample, clock=lambda: device.now, sleep=_no_sleep
    )
    await driver.async_start(client)

    polled = device.now

    async def turn(seconds: float) -> None:
        nonlocal polled
        for _ in range(round(seconds / STEP)):
            proxy.tick(STEP)
            if device.now - polled >= driver.poll_interval:  # heartbeats, where needed
                await driver.async_poll(client)
                polled = device.now

    await turn(2.0)  # settled, empty cup
    start = device.now
    device.pour_from(lambda t: _schedule(t - start))
    readings.clear()
    await turn(SEGMENT * len(RATES))
    end = start + SEGMENT * len(RATES)
    device.pour(0)
    await client.disconnect()

    drip = device.cup.drip_delay

    def truth(at: float) -> float:  # g/s landing in the cup at device time ``at``
        return _schedule(at - drip - start)

    first = start + drip + lag + WINDOW * device.update_rate**-1  # a window in

    estimator = FlowEstimator(lag=lag)
    ours: list[float] = []
    for sample in readings:
        estimate = estimator.add_sample(sample)
        if estimate is not None and first <= sample.time <= end:
            ours.append(abs(estimate.flow - truth(estimate.flow_time)))

    floor: list[float] = []
    skipped = 0
    for one, two in itertools.pairwise(readings):
        if not first <= two.time <= end:
            continue
        if two.time <= one.time:  # delivered together: no interval to divide by
            skipped += 1
            continue
        flow = (two.grams - one.grams) / (two.time - one.time)
        floor.append(abs(flow - truth((one.time + two.time) / 2 - lag)))
    assert driver.malformed == 0
    assert len(readings) >= device.update_rate * SEGMENT * len(RATES) * 0.95
    assert ours
    assert floor
    return ours, floor, len(readings), skipped


@pytest.mark.parametrize("model", list(FAMILIES))
async def test_scale_flow_accuracy(model: str) -> None:
    ours, floor, count, skipped = await _pour(model)
    name = FAMILIES[model]
    record(
        f"{name} flow error, median (vs two-point difference)",
        "g/s",
        median(ours),
        median(floor),
        compare=Compare.DIFFERENCE,  # an error may be 0: no ratio
        aim=AIM,
    )
    record(
        f"{name} flow error, p95 (vs two-point difference)",
        "g/s",
        percentile(ours, 95),
        percentile(floor, 95),
        compare=Compare.DIFFERENCE,
        aim=AIM,
    )
    note(
        f"{name} flow: {len(ours)} estimates from {count} readings of a pour stepping "
        f"{', '.join(f'{rate:g}' for rate in RATES)} g/s ({SEGMENT:g} s each), family lag "
        f"and noise; floor {len(floor)} two-point differences ({skipped} pairs delivered "
        "together skipped)"
    )
