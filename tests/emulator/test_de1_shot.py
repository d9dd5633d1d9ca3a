"""A whole espresso on the emulated DE1: substates, pressure and flow, the cup (§4, §5.1, §8)."""

from __future__ import annotations

import pytest

from emulator.de1 import create_de1
from emulator.proxy import VirtualProxy

from .test_de1_wire import (
    ENDING,
    ESPRESSO,
    FINAL_HEATING,
    IDLE,
    POUR,
    PREINFUSION,
    READY,
    STABILISING,
    Link,
    Sample,
    awake,
)


async def pull(link: Link, limit: float = 120.0) -> list[tuple[tuple[int, int], Sample]]:
    """Start an espresso and record (state, sample) until the machine is idle again."""
    await link.request(ESPRESSO, 0.0)
    record: list[tuple[tuple[int, int], Sample]] = []
    waited = 0.0
    while waited < limit:
        link.device.advance(0.25)
        waited += 0.25
        record.append((link.device.state, link.samples()[-1]))
        if link.device.state[0] == IDLE:
            return record
    raise AssertionError("the shot did not end")


def during(record: list[tuple[tuple[int, int], Sample]], substate: int) -> list[Sample]:
    return [s for state, s in record if state == (ESPRESSO, substate)]


async def test_default_profile_shot(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    level = link.device.water_level_mm
    record = await pull(link)
    assert link.states() == [
        (ESPRESSO, FINAL_HEATING),
        (ESPRESSO, STABILISING),
        (ESPRESSO, PREINFUSION),
        (ESPRESSO, POUR),
        (ESPRESSO, ENDING),
        (IDLE, READY),
    ]
    pre, pour = during(record, PREINFUSION), during(record, POUR)
    # Pre-infusion: 4 mL/s with the pressure building slowly until the 4-bar exit.
    assert {s.frame for s in pre} == {0}
    assert {(s.set_flow, s.set_pressure) for s in pre} == {(4.0, 0.0)}
    assert all(s.flow == pytest.approx(4.0, abs=0.1) for s in pre[4:])
    assert all(s.pressure < 4.5 for s in pre)
    assert pre[-1].pressure > 2.5
    assert 4.0 < len(pre) / 4 < 12.0  # seconds
    # Pour: 9 bar within a few seconds, then about 2 mL/s that creeps up as the puck erodes.
    assert {s.frame for s in pour} == {1}
    assert {(s.set_flow, s.set_pressure) for s in pour} == {(0.0, 9.0)}
    assert max(s.flow for s in pour) > 6.0  # IgnoreLimit: the header's 6 mL/s does not bind
    settled = pour[12:]
    assert all(s.pressure == pytest.approx(9.0, abs=0.15) for s in settled)
    assert 1.6 < settled[0].flow < 2.6
    assert settled[0].flow < settled[-1].flow < 3.5
    assert len(pour) / 4 == pytest.approx(30.0, abs=0.5)  # the frame's 30 s
    assert all(s.mix == pytest.approx(93.0, abs=1.0) for s in settled)
    assert all(s.set_mix == 93.0 and s.set_head == 93.0 for s in pre + pour)
    # Ending: the pump stops, the valve vents the group.
    ending = during(record, ENDING)
    assert ending[-1].flow == 0.0
    assert ending[-1].pressure < 0.5
    # The tank paid for everything pumped, the puck kept some of it.
    pumped = sum(s.flow for s in pre + pour) / 4
    assert link.device.water_level_mm < level
    assert 45 < link.device.cup_grams < pumped - 15


async def test_the_cup_fills_late_and_drips_after_the_pump(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    device = link.device
    poured: list[tuple[float, float]] = []
    device.on_pour.append(lambda grams, seconds: poured.append((grams, seconds)))
    assert device.pour_rate_g_per_s == 0.0
    await link.request(ESPRESSO, 0.0)
    link.run_until(ESPRESSO, PREINFUSION)
    device.advance(3.0)
    assert device.cup_grams < 0.05  # the dry puck soaks up the first water
    link.run_until(ESPRESSO, POUR)
    device.advance(10.0)
    assert 1.5 < device.pour_rate_g_per_s < 3.0
    link.run_until(ESPRESSO, ENDING, step=0.05)
    at_stop = device.cup_grams
    device.advance(0.25)
    assert device.pour_rate_g_per_s > 0.5  # still dripping just after the pump stopped
    device.advance(6.0)
    assert device.pour_rate_g_per_s < 0.01
    assert 0.5 < device.cup_grams - at_stop < 3.0  # the sheet's real drips: 0.5–3 g
    assert sum(g for g, _ in poured) == pytest.approx(device.cup_grams)


async def test_stopping_early_ends_with_a_drip(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await link.request(ESPRESSO, 0.0)
    link.run_until(ESPRESSO, POUR)
    link.device.advance(12.0)
    await link.request(IDLE, 0.0)  # the app's stop-at-weight
    link.device.advance(0.25)
    assert link.device.state == (ESPRESSO, ENDING)
    link.run_until(IDLE)
    assert 15 < link.device.cup_grams < 40


async def test_the_puck_wets_then_erodes(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    record = await pull(link)
    pour = [s for s in during(record, POUR) if s.pressure > 8.8]
    resistance = [s.pressure / s.flow for s in pour]
    peak = resistance.index(max(resistance))
    assert 0 < peak < len(resistance) // 3  # swells after wetting ...
    assert resistance[-1] < 0.85 * resistance[peak]  # ... then wears


async def test_a_finer_grind_flows_slower(proxy: VirtualProxy) -> None:
    coarse = await awake(proxy)
    coarse.device.load_puck(dose=18.0, resistance=3.5)
    fine = await awake(VirtualProxy(suffix="fine"))
    fine.device.load_puck(dose=18.0, resistance=7.0)
    flows = []
    for link in (coarse, fine):
        pour = during(await pull(link), POUR)
        flows.append(pour[len(pour) // 2].flow)
    assert flows[0] > 1.6 * flows[1]


async def test_no_portafilter(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.remove_portafilter()
    await link.request(ESPRESSO, 0.0)
    link.run_until(ESPRESSO, POUR, limit=30.0)
    link.device.advance(3.0)
    sample = link.samples()[-1]
    assert sample.flow > 7.5  # the pump at full speed into an open group
    assert sample.pressure < 1.0
    assert link.device.pour_rate_g_per_s > 7.5  # straight through


def test_same_seed_same_shot() -> None:
    def run(seed: int) -> list[float]:
        device = create_de1(awake=True, seed=seed)
        device.press(ESPRESSO)
        flows = []
        for _ in range(120):
            device.advance(0.25)
            flows.append(device.machine.group.pump_flow)
        return flows

    assert run(5) == run(5)
    assert run(5) != run(6)  # no two pucks alike
