# mypy: disable-error-code="comparison-overlap, unreachable"
# (asserting a state field before and after a tick trips mypy's narrowing)
"""De1Driver against the emulated DE1 through a real bleak front-end (de1.md §3-§9).

The emulator writes its own bytes from the fact sheet, so these tests catch a
misunderstanding on either side. Only what the tests set (firmware, model,
serial, GHC) and what the sheet states (25 half-cycles between samples) is
asserted, not the emulator's physics.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from custom_components.kitchen_ble.library.devices.de1 import registers
from custom_components.kitchen_ble.library.devices.de1.codec import ShotSample
from custom_components.kitchen_ble.library.devices.de1.driver import De1Driver
from custom_components.kitchen_ble.library.devices.de1.errors import (
    De1StartRefusedError,
    De1StateTimeoutError,
)
from custom_components.kitchen_ble.library.devices.de1.models import DE1, DE1_PRO
from custom_components.kitchen_ble.library.devices.de1.state import StartBlock
from custom_components.kitchen_ble.library.devices.de1.states import MachineState
from emulator.de1 import DE1Device, create_de1
from emulator.proxy import VirtualProxy
from tests.emulator.common import connect


class Events:
    def __init__(self) -> None:
        self.samples: list[ShotSample] = []
        self.updates = 0

    def update(self) -> None:
        self.updates += 1

    def sample(self, sample: ShotSample) -> None:
        self.samples.append(sample)


@pytest.fixture
def proxy() -> VirtualProxy:
    """A proxy no Home Assistant knows about; tests tick it by hand."""
    return VirtualProxy(suffix="de1-driver")


async def emulated(proxy: VirtualProxy, **options: Any) -> tuple[DE1Device, Any, De1Driver, Events]:
    device = proxy.add(create_de1(**{"awake": True, **options}))
    client = await connect(proxy, device.address)
    events = Events()
    driver = De1Driver(DE1, events.update, events.sample, mmr_timeout=1.0)
    await driver.async_start(client)
    return device, client, driver, events


async def test_emulated_start_reads_identity_and_settings(proxy: VirtualProxy) -> None:
    _, client, driver, events = await emulated(proxy, firmware=1352, model_code=3, serial=4242)
    assert driver.model is DE1_PRO
    assert driver.state.firmware_build == 1352
    assert driver.state.serial_number == 4242
    assert driver.state.ghc_active is False
    assert driver.state.features is not None
    assert driver.state.features.flush_control
    assert driver.state.register(registers.FLUSH_TEMP) is not None
    assert driver.state.shot_settings is not None
    assert driver.state.water_level_mm is not None
    assert driver.state.versions is not None
    assert driver.state.versions.mmr_available
    assert driver.state.machine_state is not None
    assert events.updates >= 1
    await client.disconnect()


async def test_emulated_samples_every_25_half_cycles(proxy: VirtualProxy) -> None:
    _, client, _, events = await emulated(proxy, mains_hz=50)
    proxy.tick(5.0)
    assert len(events.samples) == 20  # 4 per second on 50 Hz mains (§5.1)
    times = [sample.sample_time for sample in events.samples]
    assert {(b - a) % 65536 for a, b in itertools.pairwise(times)} == {25}
    await client.disconnect()


async def test_emulated_mmr_write_reads_back(proxy: VirtualProxy) -> None:
    _device, client, driver, _ = await emulated(proxy, firmware=1352)
    await driver.async_mmr_write(client, registers.FLUSH_TIMEOUT, 5.0)
    assert driver.state.register(registers.FLUSH_TIMEOUT) == 5.0
    assert await driver.async_mmr_read(client, registers.FLUSH_TIMEOUT) == 5.0
    await client.disconnect()


async def test_emulated_start_confirmed_by_state_info(proxy: VirtualProxy) -> None:
    _device, client, driver, _ = await emulated(proxy)
    proxy.tick(600.0)  # warm up
    assert driver.state.machine_state is MachineState.IDLE
    await driver.async_request_state(client, MachineState.HOT_WATER_RINSE)
    proxy.tick(1.0)
    info = await driver.async_wait_for_state(
        lambda info: info.state is MachineState.HOT_WATER_RINSE, 1.0
    )
    assert info.state is MachineState.HOT_WATER_RINSE
    await driver.async_request_state(client, MachineState.IDLE)
    proxy.tick(5.0)
    assert driver.state.machine_state is MachineState.IDLE
    await client.disconnect()


async def test_emulated_start_ignored_by_the_machine(proxy: VirtualProxy) -> None:
    device, client, driver, _ = await emulated(proxy)
    proxy.tick(600.0)
    device.machine_faults.ignore_start = True
    await driver.async_request_state(client, MachineState.HOT_WATER_RINSE)
    proxy.tick(1.0)
    with pytest.raises(De1StateTimeoutError):
        await driver.async_wait_for_state(
            lambda info: info.state is MachineState.HOT_WATER_RINSE, 0.1
        )
    await client.disconnect()


async def test_emulated_ghc_machine_refuses_remote_starts(proxy: VirtualProxy) -> None:
    device, client, driver, _ = await emulated(proxy, ghc_info=7)
    proxy.tick(600.0)
    assert driver.state.remote_start_block is StartBlock.GHC_ACTIVE
    with pytest.raises(De1StartRefusedError):
        await driver.async_request_state(client, MachineState.HOT_WATER_RINSE)
    device.press(MachineState.HOT_WATER_RINSE)  # on the group head: the DE1 takes it
    proxy.tick(1.0)
    assert driver.state.machine_state is MachineState.HOT_WATER_RINSE
    assert await driver.async_stop_flow(client) is True  # stopping is still the app's
    proxy.tick(5.0)
    assert driver.state.machine_state is MachineState.IDLE
    await client.disconnect()


async def test_emulated_malformed_samples_are_ignored(proxy: VirtualProxy) -> None:
    device, client, driver, events = await emulated(proxy)
    device.machine_faults.malformed_shot_sample = True
    proxy.tick(5.0)
    assert events.samples == []
    device.machine_faults.malformed_shot_sample = False
    proxy.tick(1.0)
    assert events.samples
    await driver.async_poll(client)  # the link stayed
    await client.disconnect()
