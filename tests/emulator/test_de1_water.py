# mypy: disable-error-code="unreachable"
"""Steam, hot water, flush, the tank and refill on the emulated DE1 (§4, §5.4, §6)."""

from __future__ import annotations

import pytest

from emulator.proxy import VirtualProxy

from .test_de1_wire import (
    ENDING,
    ESPRESSO,
    FLUSH,
    GOING_TO_SLEEP,
    HOT_WATER,
    IDLE,
    PAUSED_REFILL,
    POUR,
    READY,
    REFILL,
    SHOT_SETTINGS,
    SLEEP,
    STEAM,
    STEAM_PUFF,
    STEAMING,
    WATER_LEVELS,
    WRITE_TO_MMR,
    Link,
    awake,
    mmr_write,
    read_levels,
    shot_settings,
)


async def set_settings(link: Link, **values: float) -> None:
    data = shot_settings(**values)  # type: ignore[arg-type]
    await link.client.write_gatt_char(SHOT_SETTINGS, data, response=True)


async def set_register(link: Link, address: int, value: int) -> None:
    await link.client.write_gatt_char(WRITE_TO_MMR, mmr_write(address, value), response=True)


# Steam (§6.1, §7.2) -------------------------------------------------------------


async def test_steam_stops_on_its_time(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await set_settings(link, steam_length=20)
    await set_register(link, 0x803828, 120)  # TARGET_STEAM_FLOW 1.2 mL/s
    await set_register(link, 0x80382C, 200)  # STEAM_START_SECS 2.0 s of high flow
    await link.request(STEAM, 0.0)
    link.device.advance(1.0)
    assert link.device.state == (STEAM, STEAMING)
    start_flow = link.samples()[-1].flow
    link.device.advance(5.0)
    steady = link.samples()[-1]
    assert start_flow > steady.flow == pytest.approx(1.2, abs=0.05)
    assert steady.pressure == pytest.approx(1.5, abs=0.1)
    assert steady.steam == 160
    assert link.device.cup_grams == 0.0  # steam goes into the milk, not onto the scale
    waited = link.run_until(IDLE, limit=60.0)
    assert 6 + waited == pytest.approx(20.0, abs=0.5)
    assert link.states()[-1] == (IDLE, READY)


async def test_steam_length_zero_ends_it_at_once(proxy: VirtualProxy) -> None:  # pyDE1 end_steam
    link = await awake(proxy)
    await link.request(STEAM, 3.0)
    await set_settings(link, steam_length=0)
    await set_settings(link, steam_length=120)  # the original written straight back
    link.device.advance(0.25)
    assert link.device.state == (IDLE, READY)


async def test_steam_purge_mode_puffs_until_a_second_tap(proxy: VirtualProxy) -> None:  # §7.2
    link = await awake(proxy, firmware=1320)
    await set_register(link, 0x803850, 1)  # STEAM_PURGE_MODE
    await link.request(STEAM, 3.0)
    await link.request(IDLE)  # first tap: puffs
    assert link.device.state == (STEAM, STEAM_PUFF)
    link.device.advance(10.0)
    assert link.device.state == (STEAM, STEAM_PUFF)
    await link.request(IDLE)  # second tap: purge, done
    assert link.device.state == (IDLE, READY)
    # The time limit leads to puffs too, which give up after a minute.
    await set_settings(link, steam_length=5)
    await link.request(STEAM, 6.0)
    assert link.device.state == (STEAM, STEAM_PUFF)
    link.run_until(IDLE, limit=61.0)


async def test_purge_mode_needs_firmware_1320(proxy: VirtualProxy) -> None:
    link = await awake(proxy, firmware=1319)
    await set_register(link, 0x803850, 1)
    await link.request(STEAM, 3.0)
    await link.request(IDLE)
    assert link.device.state == (IDLE, READY)


async def test_steam_heater_off(proxy: VirtualProxy) -> None:  # §6.1: 0 switches it off
    link = await awake(proxy)
    await set_settings(link, steam_temp=0)
    link.device.advance(600.0)
    assert link.samples()[-1].steam < 100


# Hot water (§6.1, §6.2) -----------------------------------------------------------


async def test_hot_water_stops_on_volume(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await set_settings(link, water_temp=85, water_volume=60, water_length=120)
    await set_register(link, 0x80384C, 40)  # HOT_WATER_FLOW_RATE 4.0 mL/s
    await link.request(HOT_WATER, 0.0)
    link.device.advance(5.0)
    sample = link.samples()[-1]
    assert sample.flow == pytest.approx(4.0, abs=0.05)
    assert sample.set_mix == 85.0
    assert sample.mix == pytest.approx(85.0, abs=1.0)
    assert link.device.pour_rate_g_per_s == pytest.approx(4.0, abs=0.2)
    waited = 5.0 + link.run_until(IDLE)
    assert waited == pytest.approx(15.0, abs=0.5)  # 60 mL at 4 mL/s
    link.device.advance(3.0)
    assert link.device.cup_grams == pytest.approx(60.0, abs=1.0)


async def test_hot_water_stops_on_time(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await set_settings(link, water_volume=250, water_length=10)  # de1app's "let the scale decide"
    await set_register(link, 0x80384C, 50)
    await link.request(HOT_WATER, 0.05)
    assert 0.05 + link.run_until(IDLE, step=0.05) == pytest.approx(10.0, abs=0.1)
    link.device.advance(3.0)
    assert link.device.cup_grams == pytest.approx(50.0, abs=1.5)


async def test_hot_water_stops_on_request(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await link.request(HOT_WATER, 4.0)
    await link.request(IDLE)
    assert link.device.state == (IDLE, READY)
    assert link.device.cup_grams < 6.0


# Flush (§6.2) --------------------------------------------------------------------------


async def test_flush_stops_on_its_timeout(proxy: VirtualProxy) -> None:
    link = await awake(proxy, firmware=1283)
    await set_register(link, 0x803848, 50)  # FLUSH_TIMEOUT 5.0 s
    await set_register(link, 0x803840, 40)  # FLUSH_FLOW_RATE 4.0 mL/s
    await set_register(link, 0x803844, 880)  # FLUSH_TEMP 88.0 °C
    await link.request(FLUSH, 2.0)
    sample = link.samples()[-1]
    assert link.device.state == (FLUSH, POUR)  # §10.2: 0f 05
    assert sample.flow == pytest.approx(4.0, abs=0.05)
    assert sample.set_mix == 88.0
    assert sample.pressure < 1.0  # no portafilter
    assert 2.0 + link.run_until(IDLE) == pytest.approx(5.0, abs=0.5)


async def test_flush_before_1283_runs_until_stopped(proxy: VirtualProxy) -> None:
    link = await awake(proxy, firmware=1282)
    await link.request(FLUSH, 60.0)
    assert link.device.state == (FLUSH, POUR)
    assert link.samples()[-1].flow == pytest.approx(6.0, abs=0.05)  # the factory rate
    await link.request(IDLE)
    assert link.device.state == (IDLE, READY)


# The tank (§5.4) --------------------------------------------------------------------------


async def test_the_tank_drains_by_what_is_pumped(proxy: VirtualProxy) -> None:
    link = await awake(proxy, water_level=30.0)  # 816 mL on the CAD table
    await set_settings(link, water_volume=250, water_length=255)
    await set_register(link, 0x80384C, 100)  # 10 mL/s
    await link.request(HOT_WATER, 0.05)
    link.run_until(IDLE)
    link.device.advance(1.0)
    level, refill = read_levels(link.received[WATER_LEVELS][-1])
    # 816 − 250 = 566 mL: between 20 mm (537 mL) and 30 mm (816 mL) on the table.
    assert level == pytest.approx(20 + 29 / 279 * 10, abs=0.05)
    assert refill == 5.0


async def test_refill_when_the_tank_is_low(proxy: VirtualProxy) -> None:
    link = await awake(proxy, water_level=6.0)
    await set_settings(link, water_volume=250, water_length=255)
    await set_register(link, 0x80384C, 50)
    await link.request(HOT_WATER, 0.0)
    link.run_until(HOT_WATER, PAUSED_REFILL, step=0.05)  # below 5 mm while pouring: paused
    assert link.device.water_level_mm < 5.0
    link.device.advance(5.0)
    assert link.samples()[-1].flow == 0.0
    link.device.fill_tank(50.0)
    link.device.advance(0.5)
    assert link.device.state == (HOT_WATER, POUR)  # on it goes
    await link.request(IDLE)
    # Below the threshold while idle: Refill, and nothing starts.
    link.device.machine.tank.ml = 100.0  # about 3.8 mm
    link.device.advance(0.5)
    assert link.device.state == (REFILL, READY)
    await link.request(ESPRESSO)
    assert link.device.state == (REFILL, READY)
    await link.request(SLEEP)  # not from Refill before firmware 1357
    assert link.device.state == (REFILL, READY)
    link.device.fill_tank(40.0)
    link.device.advance(0.5)
    assert link.device.state == (IDLE, READY)


async def test_threshold_write_moves_the_refill_point(proxy: VirtualProxy) -> None:  # §10.3
    link = await awake(proxy, water_level=8.0)
    await link.client.write_gatt_char(WATER_LEVELS, bytes.fromhex("00000a00"), response=True)
    link.device.advance(0.5)
    assert link.device.state == (REFILL, READY)
    await link.client.write_gatt_char(WATER_LEVELS, bytes.fromhex("00000500"), response=True)
    link.device.advance(0.5)
    assert link.device.state == (IDLE, READY)


async def test_sleep_from_refill_on_firmware_1357(proxy: VirtualProxy) -> None:  # §9.1
    link = await awake(proxy, firmware=1357, water_level=3.0)
    link.device.advance(0.5)
    assert link.device.state == (REFILL, READY)
    await link.request(SLEEP)
    assert link.device.state == (GOING_TO_SLEEP, READY)


async def test_stop_while_paused_for_water(proxy: VirtualProxy) -> None:
    link = await awake(proxy, water_level=5.2)
    await link.request(ESPRESSO, 0.0)
    link.run_until(ESPRESSO, PAUSED_REFILL, step=0.05)
    await link.request(IDLE)
    assert link.device.state == (ESPRESSO, ENDING)  # water had reached the puck
    link.run_until(REFILL)
    link.device.fill_tank()
    link.device.advance(0.5)
    assert link.device.state == (IDLE, READY)
