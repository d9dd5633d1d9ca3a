# mypy: disable-error-code="unreachable"
"""The emulated DE1's states through a bleak client: wake, sleep, requests, telemetry (§4, §5)."""

from __future__ import annotations

import itertools

import pytest

from emulator.de1 import State, create_de1
from emulator.proxy import VirtualProxy

from .common import connect
from .test_de1_wire import (
    AIR_PURGE,
    CLEAN,
    DESCALE,
    ENDING,
    ESPRESSO,
    FINAL_HEATING,
    FLUSH,
    GOING_TO_SLEEP,
    HEATING,
    HOT_WATER,
    IDLE,
    NO_REQUEST,
    POUR,
    PREINFUSION,
    READY,
    REQUESTED_STATE,
    SCHED_IDLE,
    SHOT_SETTINGS,
    SKIP_TO_NEXT,
    SLEEP,
    STABILISING,
    STATE_INFO,
    STEAM,
    STEAMING,
    USER_NOT_PRESENT,
    WATER_LEVELS,
    WRITE_TO_MMR,
    awake,
    linked,
    mmr_write,
    read_levels,
    shot_settings,
)

# Wake and sleep -------------------------------------------------------------------


async def test_wake_heats_from_cold_then_sleeps(proxy: VirtualProxy) -> None:
    link = await linked(proxy, seed=3)
    device = link.device
    assert await link.client.read_gatt_char(STATE_INFO) == b"\x00\x00"
    await link.client.write_gatt_char(REQUESTED_STATE, b"\x02", response=True)
    assert link.states() == []  # the outcome shows only in a later StateInfo (§4.3)
    device.advance(0.25)
    assert link.states() == [(IDLE, HEATING)]
    heads: list[float] = []
    waited = 0.0
    while device.machine.substate != READY:
        device.advance(10.0)
        waited += 10.0
        heads.append(link.samples()[-1].head)
    # heating → final heating → stabilising → ready, from 20 °C in minutes, not seconds.
    assert link.states() == [
        (IDLE, HEATING),
        (IDLE, FINAL_HEATING),
        (IDLE, STABILISING),
        (IDLE, READY),
    ]
    assert 240 < waited < 600
    assert heads == sorted(heads)  # a plausible curve: rising all the way ...
    assert heads[len(heads) // 2] - heads[0] > heads[-1] - heads[len(heads) // 2]  # ... slowing
    assert heads[-1] == pytest.approx(94.0, abs=1.0)
    await link.request(SLEEP, 0.25)
    assert link.states()[-1] == (GOING_TO_SLEEP, READY)
    link.run_until(SLEEP)
    assert link.states()[-1] == (SLEEP, READY)
    device.advance(1800.0)
    assert link.samples()[-1].head < 60  # cooling while asleep


async def test_heating_speed(proxy: VirtualProxy) -> None:
    fast = await linked(proxy, heating_speed=10.0)
    await fast.request(IDLE)
    assert fast.run_until(IDLE, READY, step=1.0) < 60


async def test_a_setting_change_reheats(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await link.client.write_gatt_char(SHOT_SETTINGS, shot_settings(group=98.0), response=True)
    link.device.advance(0.5)
    assert link.states()[-1] == (IDLE, FINAL_HEATING)
    link.run_until(IDLE, READY)
    assert link.samples()[-1].set_head == 98.0
    assert link.samples()[-1].head == pytest.approx(98.0, abs=1.0)


async def test_sleep_only_from_idle(proxy: VirtualProxy) -> None:  # §4.3
    link = await awake(proxy)
    await link.request(FLUSH)
    await link.request(SLEEP)
    assert link.device.state == (FLUSH, POUR)  # pyDE1 sends Idle first for a reason
    await link.request(IDLE)
    await link.request(SLEEP)
    assert link.device.state[0] == GOING_TO_SLEEP
    await link.request(IDLE)  # woken while going to sleep
    assert link.device.state[0] == IDLE


async def test_sched_idle(proxy: VirtualProxy) -> None:  # §4.1, §9.1: from firmware 1293
    link = await linked(proxy, firmware=1293)
    await link.request(SCHED_IDLE)
    assert link.device.state == (SCHED_IDLE, HEATING)
    await link.request(ESPRESSO)
    assert link.device.state[0] == SCHED_IDLE  # flows start only from Idle
    await link.request(IDLE)
    assert link.device.state == (IDLE, HEATING)
    await link.request(SLEEP)
    link.run_until(SLEEP)
    old = await linked(VirtualProxy(suffix="old"), firmware=1292)
    await old.request(SCHED_IDLE)
    assert old.device.state == (SLEEP, READY)


# Every request ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        IDLE,
        0x03,
        0x07,
        0x08,
        0x09,
        0x0B,
        0x0C,
        NO_REQUEST,
        SKIP_TO_NEXT,
        0x10,
        0x11,
        0x13,
        0x16,
        0x7F,
        0xFF,
    ],
)
async def test_requests_that_leave_an_idle_machine_alone(proxy: VirtualProxy, value: int) -> None:
    link = await awake(proxy)
    await link.request(value, 1.0)
    assert link.device.state == (IDLE, READY)
    assert await link.client.read_gatt_char(REQUESTED_STATE) == bytes([value])


@pytest.mark.parametrize(
    ("value", "first"),
    [(ESPRESSO, FINAL_HEATING), (STEAM, STEAMING), (HOT_WATER, POUR), (FLUSH, POUR)],
)
async def test_starts_and_stops(proxy: VirtualProxy, value: int, first: int) -> None:  # §10.9
    link = await awake(proxy)
    await link.request(value)
    assert link.device.state == (value, first)
    link.device.advance(3.0)
    await link.request(IDLE)
    if value == ESPRESSO:  # the pour was under way: the flush valve opens first
        assert link.device.state == (ESPRESSO, ENDING)
        await link.request(IDLE)  # a second stop changes nothing
        assert link.device.state == (ESPRESSO, ENDING)
        link.run_until(IDLE)
    assert link.device.state == (IDLE, READY)


async def test_stop_before_the_pour_goes_straight_to_idle(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await link.request(ESPRESSO)
    await link.request(IDLE)
    assert link.states() == [(ESPRESSO, FINAL_HEATING), (IDLE, READY)]


async def test_starts_only_from_idle(proxy: VirtualProxy) -> None:
    link = await linked(proxy)
    await link.request(ESPRESSO)
    assert link.device.state == (SLEEP, READY)
    link2 = await awake(VirtualProxy(suffix="two"))
    await link2.request(FLUSH)
    await link2.request(STEAM)
    assert link2.device.state == (FLUSH, POUR)


@pytest.mark.parametrize(
    ("value", "substates", "end"),
    [
        (CLEAN, [13, 14, 15, 16], IDLE),
        (DESCALE, [8, 9, 10, 11, 12], IDLE),
        (AIR_PURGE, [0], SLEEP),
    ],
)
async def test_maintenance_runs(
    proxy: VirtualProxy, value: int, substates: list[int], end: int
) -> None:
    link = await awake(proxy)
    before = link.device.water_level_mm
    await link.request(value)
    link.run_until(end, step=1.0)
    seen = [s for state, s in link.states() if state == value]
    assert seen == substates
    if value != AIR_PURGE:
        assert link.device.water_level_mm < before


async def test_maintenance_only_from_idle_and_stoppable(proxy: VirtualProxy) -> None:
    link = await linked(proxy)
    await link.request(CLEAN)
    assert link.device.state == (SLEEP, READY)
    link = await awake(VirtualProxy(suffix="two"))
    await link.request(DESCALE)
    await link.request(IDLE)
    assert link.device.state == (IDLE, READY)


async def test_skip_to_next(proxy: VirtualProxy) -> None:  # §9.4, firmware ≥ 1260
    link = await awake(proxy, firmware=1260)
    await link.request(SKIP_TO_NEXT)  # not in a shot: nothing
    await link.request(ESPRESSO)
    link.run_until(ESPRESSO, PREINFUSION)
    link.device.advance(1.0)
    assert link.samples()[-1].frame == 0
    await link.request(SKIP_TO_NEXT)
    assert link.device.state == (ESPRESSO, POUR)
    link.device.advance(0.5)
    assert link.samples()[-1].frame == 1
    await link.request(SKIP_TO_NEXT)  # past the last frame: the shot ends
    assert link.device.state == (ESPRESSO, ENDING)
    old = await awake(VirtualProxy(suffix="old"), firmware=1259)
    await old.request(ESPRESSO)
    old.run_until(ESPRESSO, PREINFUSION)
    await old.request(SKIP_TO_NEXT)
    assert old.device.state == (ESPRESSO, PREINFUSION)


# GHC (§9.2) ---------------------------------------------------------------------------


@pytest.mark.parametrize("start", [ESPRESSO, STEAM, HOT_WATER, FLUSH])
async def test_active_ghc_ignores_app_starts(proxy: VirtualProxy, start: int) -> None:
    link = await awake(proxy, ghc_info=7)
    await link.request(start, 2.0)  # acknowledged: no error
    assert link.device.state == (IDLE, READY)  # Decenza's field report: stays 02 00
    link.device.press(start)  # the group head's own button works
    link.device.advance(0.25)
    assert link.device.state[0] == start
    await link.request(IDLE, 0.25)  # stop is still the app's
    link.run_until(IDLE)


@pytest.mark.parametrize("ghc_info", [0, 1, 2, 3])
async def test_starts_allowed_without_the_active_bit(proxy: VirtualProxy, ghc_info: int) -> None:
    link = await awake(proxy, ghc_info=ghc_info)
    await link.request(HOT_WATER)
    assert link.device.state == (HOT_WATER, POUR)


async def test_ghc_allows_sleep_and_skip(proxy: VirtualProxy) -> None:
    link = await awake(proxy, ghc_info=4)
    link.device.press(ESPRESSO)
    link.run_until(ESPRESSO, PREINFUSION)
    await link.request(SKIP_TO_NEXT)
    assert link.device.state == (ESPRESSO, POUR)
    await link.request(IDLE)
    link.run_until(IDLE)
    await link.request(SLEEP)
    assert link.device.state[0] == GOING_TO_SLEEP


# Presence (§7.3) -----------------------------------------------------------------------


async def test_user_present_heartbeat(proxy: VirtualProxy) -> None:
    link = await awake(proxy, firmware=1320)
    write = link.client.write_gatt_char
    link.device.advance(120.0)
    assert link.device.state == (IDLE, READY)  # no promise, no substate 0x13
    await write(WRITE_TO_MMR, mmr_write(0x803858, 1), response=True)  # APP_FEATURE_FLAGS
    for _ in range(4):
        await write(WRITE_TO_MMR, mmr_write(0x803860, 1), response=True)  # heartbeat
        link.device.advance(30.0)
    assert link.device.state == (IDLE, READY)
    link.device.advance(40.0)
    assert link.device.state == (IDLE, USER_NOT_PRESENT)
    await write(WRITE_TO_MMR, mmr_write(0x803860, 1), response=True)
    link.device.advance(0.5)
    assert link.device.state == (IDLE, READY)


async def test_presence_needs_firmware_1320(proxy: VirtualProxy) -> None:
    link = await awake(proxy, firmware=1319)
    await link.client.write_gatt_char(WRITE_TO_MMR, mmr_write(0x803858, 1), response=True)
    link.device.advance(200.0)
    assert link.device.state == (IDLE, READY)


# Telemetry cadence (§5.1, §5.4) -------------------------------------------------------


async def test_samples_every_25_half_cycles_even_idle(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.advance(10.0)
    samples = link.samples()
    assert len(samples) == 40  # 4 Hz on 50 Hz mains
    times = [s.time for s in samples]
    assert {b - a for a, b in itertools.pairwise(times)} == {25}
    assert len(link.received[WATER_LEVELS]) == 20  # with every other sample
    assert read_levels(link.received[WATER_LEVELS][-1]) == pytest.approx((40.0, 5.0), abs=0.01)


async def test_sixty_hertz_and_sleep_rates(proxy: VirtualProxy) -> None:
    link = await linked(proxy, mains_hz=60)
    link.device.advance(30.0)
    asleep = len(link.samples())
    assert asleep == 48  # 75 half-cycles: a third of the awake rate
    assert link.samples()[-1].time - link.samples()[-2].time == 75
    await link.request(IDLE, 0.0)
    link.device.advance(30.0)
    assert len(link.samples()) - asleep == pytest.approx(144, abs=1)  # 4.8 Hz


async def test_sample_time_wraps(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    link.device.sample_time = 65530
    link.device.advance(0.25)
    assert link.samples()[-1].time == (65530 + 25) % 65536


async def test_nothing_sent_without_a_subscriber() -> None:
    device = create_de1(awake=True)
    device.advance(10.0)
    assert device.samples_sent == 0
    assert device.machine.state is State.IDLE


async def test_water_levels_without_shot_samples(proxy: VirtualProxy) -> None:
    device = proxy.add(create_de1(awake=True))
    client = await connect(proxy, device.address)
    levels: list[bytes] = []
    await client.start_notify(WATER_LEVELS, lambda _c, data: levels.append(bytes(data)))
    device.advance(5.0)
    assert len(levels) == 10
    assert device.samples_sent == 0


async def test_reboot_in_the_middle_of_a_shot(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await link.request(ESPRESSO, 0.0)
    link.run_until(ESPRESSO, POUR)
    await link.client.write_gatt_char(REQUESTED_STATE, bytes([IDLE]), response=True)
    link.device.reboot()  # the pending stop goes with the power
    assert link.states()[-1] == (SLEEP, READY)
    link.device.advance(1.0)
    assert link.device.state == (SLEEP, READY)
    assert link.samples()[-1].pressure < 0.05


async def test_the_proxy_clock_drives_it(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    proxy.speed = 2.0
    proxy.tick(1.0)  # two device seconds, and an advertisement round
    assert len(link.samples()) == 8
