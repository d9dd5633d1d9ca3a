"""Stop at weight inside Home Assistant: the emulated DE1 pours into an emulated scale.

Both devices sit behind Home Assistant's Bluetooth stack (the virtual proxy);
the integration as a user runs it decides and writes the stop. Time is the
frozen clock, moved in 0.05 s steps together with the emulators, so every
scale frame and every ShotSample arrives at its own time.

Each shot: one of the fact sheet profiles of ``shot_stop_accuracy`` (flat
9 bar, flat flow, declining pressure, bloom) at a flow of 1–4 g/s, a target
of 18–60 g set on the DE1's Target weight, a cup on the scale tared by the
integration. The error is what the scale shows once everything has settled,
minus the target. A stop predicted between two frames fires here at the next
0.05 s step of the frozen clock (in Home Assistant, at its time): if anything,
the figures are pessimistic.

Alongside, the path from a scale notification to the DE1's stop write is timed
on the event loop, for the stops a notification decided: the write happens
inside the notification's call (no task switch lies between them), so the
loop thread's CPU time between the two is the path's time (the frozen clock
stops every wall clock the test harness lets through).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_fire_time_changed_exact,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.de1 import DE1Device, State
from emulator.de1.const import REQUESTED_STATE, Mmr
from emulator.gatt import normalize_uuid
from emulator.proxy import VirtualProxy
from emulator.scales import EmulatedScale, create_scale
from tests.ha.brewing import create, press, thermometer
from tests.ha.common import entity_id as tests_entity_id
from tests.ha.common import settle
from tests.ha.espresso import call, connected_de1, entity_id
from tests.ha.scales import SCALES

from .shot_stop_accuracy import FAMILIES, ShotSpec, emulator_profile

STEP: Final = 0.05  # s of time per turn of the loop
CUP: Final = 250.0  # g
SETTLE: Final = 4.0  # s after the machine is idle: the last drops, the scale at rest
SHOT_LIMIT: Final = 150.0  # s


@dataclass
class FamilyRun:
    """What the shots of one family gave."""

    errors: list[float] = field(default_factory=list)  # g, final − target
    latencies: list[float] = field(default_factory=list)  # µs, notification → stop write
    timed_stops: int = 0  # stops a predicted time decided between two notifications
    missed: int = 0  # shots not stopped at weight


@contextmanager
def no_handshake_waits() -> Iterator[None]:
    """The scales' handshake pauses wait on the frozen clock: none here (as in the tests)."""
    with (
        patch("custom_components.kitchen_ble.library.devices.skale.driver.STEP_DELAY", 0.0),
        patch("custom_components.kitchen_ble.library.devices.decent_scale.driver.WAKE_DELAY", 0.0),
        patch("custom_components.kitchen_ble.library.devices.decent_scale.driver.REPEAT_GAP", 0.0),
    ):
        yield


class StopTimer:
    """Times each Idle write from the scale notification whose call it happens in."""

    def __init__(self, de1: DE1Device, scale: EmulatedScale, run: FamilyRun) -> None:
        self.run = run
        self._notified_at: int | None = None
        notify = scale.notify
        write = de1.gatt_write
        requested = normalize_uuid(REQUESTED_STATE)

        def timed_notify(uuid: str, data: bytes) -> bool:
            self._notified_at = time.thread_time_ns()
            try:
                return notify(uuid, data)
            finally:
                self._notified_at = None

        async def timed_write(uuid: str, data: bytes, response: bool) -> None:
            if uuid == requested and data == bytes([State.IDLE]):
                if self._notified_at is None:
                    self.run.timed_stops += 1
                else:
                    self.run.latencies.append((time.thread_time_ns() - self._notified_at) / 1000)
            await write(uuid, data, response)

        scale.notify = timed_notify  # type: ignore[method-assign]
        de1.gatt_write = timed_write  # type: ignore[method-assign]


async def rig(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, proxy: VirtualProxy, family: str
) -> tuple[DE1Device, EmulatedScale, FamilyRun]:
    """A DE1 and a scale of ``family``, both set up in Home Assistant, the cup on the scale."""
    model = FAMILIES[family][0]
    de1, _entry = await connected_de1(hass, proxy)
    de1.machine.write_register(Mmr.HEATER_UP2_TIMEOUT, 0)  # no wait for the water heater
    scale = proxy.add(create_scale(model, seed=11))  # the family's own noise and lag
    proxy.advertise(scale)
    await connect_scale(hass, freezer, proxy, scale, model)
    de1.on_pour.append(scale.receive_pour)
    results = FamilyRun()
    StopTimer(de1, scale, results)
    return de1, scale, results


async def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    seconds: float,
    step: float = STEP,
) -> None:
    """Move Home Assistant's clock and the devices' together, ``step`` by ``step``.

    Unlike the tests' helper it never waits for background tasks: a scale's
    handshake or heartbeat may wait for the scale's next frame, which only
    this loop brings.
    """
    done = 0.0
    while done < seconds - 1e-9:
        freezer.tick(timedelta(seconds=step))
        proxy.tick(step)
        async_fire_time_changed_exact(hass)
        await hass.async_block_till_done(wait_background_tasks=False)
        done += step


async def connect_scale(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    scale: EmulatedScale,
    model: str,
) -> None:
    """Set the scale up and let its handshake run with time moving.

    Some handshakes wait for the scale's next frames: the tests' ``settle``,
    which waits for the connection task, would wait for ever on a frozen clock.
    """
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=scale.address,
        title="Scale",
        data={CONF_ADDRESS: scale.address, CONF_MODEL: SCALES[model][0]},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    link = entry.runtime_data.link
    for _ in range(200):
        if link.connected:
            break
        await advance(hass, freezer, proxy, 0.1, step=0.1)
    assert link.connected, link.last_error
    await advance(hass, freezer, proxy, 2.0, step=0.1)


async def shot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    de1: DE1Device,
    scale: EmulatedScale,
    spec: ShotSpec,
    results: FamilyRun,
) -> None:
    """One espresso by ``spec``, started with the machine's button; its error recorded."""
    profile, resistance = emulator_profile(spec.profile, spec.flow)
    de1.machine.profiles = type(de1.machine.profiles)(profile)
    de1.load_puck(dose=18.0, resistance=resistance)
    de1.fill_tank()
    scale.remove()
    scale.place(CUP)
    await hass.services.async_call(
        "number",
        "set_value",
        {
            "entity_id": entity_id(hass, de1, "number", "target_weight"),
            "value": round(spec.target, 1),
        },
        blocking=True,
    )
    await advance(hass, freezer, proxy, 1.0, step=0.1)
    while de1.state[0] is not State.IDLE:  # a refill, say
        await advance(hass, freezer, proxy, 1.0, step=0.1)
    button = entity_id(hass, de1, "button", "start_espresso")
    pressed = call(hass, "button", "press", button)  # done once the machine shows it
    while not pressed.done():  # the press waits for the machine: turn the loop, no more
        freezer.tick(timedelta(seconds=STEP))
        proxy.tick(STEP)
        async_fire_time_changed_exact(hass)
        for _ in range(50):
            await asyncio.sleep(0)
    await pressed
    waited = 0.0
    while de1.state[0] is not State.IDLE and waited < SHOT_LIMIT:
        await advance(hass, freezer, proxy, 1.0, step=STEP)
        waited += 1.0
    await advance(hass, freezer, proxy, SETTLE, step=STEP)
    stopped = hass.states.get(entity_id(hass, de1, "sensor", "stop_reason"))
    if stopped is None or stopped.state != "weight" or waited >= SHOT_LIMIT:
        results.missed += 1
        return
    results.errors.append(scale.displayed - round(spec.target, 1))


async def busy_kitchen(hass: HomeAssistant, proxy: VirtualProxy) -> None:
    """An iGrill beside the machine with a cook and a mash program running on its probes."""
    device, device_id = await thermometer(hass, proxy)
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": tests_entity_id(hass, device, "start_cook", "button")},
        blocking=True,
    )
    created = await create(hass, device_id)
    await press(hass, device, created["id"], "start")
    await settle(hass)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    """Mean and p95 of |values|, median and p99 of the values."""
    absolute = [abs(value) for value in values]
    ordered = sorted(values)
    return {
        "mean_abs": statistics.fmean(absolute),
        "p95_abs": p95(absolute),
        "median": statistics.median(values),
        "p99": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))],
    }
