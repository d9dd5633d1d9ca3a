"""Commands on a device's link: one GATT operation at a time, never a sequence at a time.

A long sequence of writes (a profile upload, four probe alarms) must not keep
a single urgent write (stop a shot) waiting until the whole sequence is done:
the link's lock is held per GATT operation, so the urgent write goes through
between two writes of the sequence. Shown on the emulator's slow fault, where
every GATT operation takes 50 ms.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from custom_components.kitchen_ble.library.devices import create_driver
from custom_components.kitchen_ble.library.devices.base import (
    DeviceKind,
    ModelInfo,
    SerialGattClient,
)
from custom_components.kitchen_ble.library.devices.igrill.codec import encode_threshold
from custom_components.kitchen_ble.library.devices.igrill.models import CHAR_THRESHOLDS
from custom_components.kitchen_ble.models import KIND_STATE_INTERVAL
from emulator.faults import Fault
from emulator.igrill import IGrillDevice
from emulator.proxy import VirtualProxy

from .common import add_igrill, settle, setup_device


def _record_writes(device: IGrillDevice) -> list[tuple[str, bytes]]:
    """Every write the emulated device takes, in the order it takes them."""
    taken: list[tuple[str, bytes]] = []
    write = device.gatt_write

    async def recorded(uuid: str, data: bytes, response: bool) -> None:
        await write(uuid, data, response)
        taken.append((uuid, bytes(data)))

    device.gatt_write = recorded  # type: ignore[method-assign]
    return taken


async def test_an_urgent_write_goes_between_the_writes_of_a_long_sequence(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")
    link = entry.runtime_data.link
    assert link is not None
    assert link.connected
    taken = _record_writes(device)
    device.faults.set(Fault.SLOW)
    sequence_value, urgent_value = encode_threshold(60, None), encode_threshold(99, None)
    first_write_started = asyncio.Event()

    async def long_sequence(gatt: SerialGattClient) -> None:
        for uuid in CHAR_THRESHOLDS:  # four writes of 50 ms each
            first_write_started.set()
            await gatt.write_gatt_char(uuid, sequence_value, response=True)

    async def urgent(gatt: SerialGattClient) -> None:
        await gatt.write_gatt_char(CHAR_THRESHOLDS[0], urgent_value, response=True)

    sequence = hass.async_create_task(link.async_command(long_sequence, name="sequence"))
    await first_write_started.wait()
    await link.async_command(urgent, name="urgent")
    await sequence

    values = [data for _uuid, data in taken]
    assert values.count(sequence_value) == 4
    urgent_at = values.index(urgent_value)
    assert urgent_at < 4, f"the urgent write waited for the whole sequence: {values}"
    assert urgent_at >= 1, "it goes after the write already under way, not before it"


async def test_commands_need_the_link_and_failures_are_translated(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2", title="Smoker")
    link = entry.runtime_data.link
    assert link is not None

    async def write(gatt: SerialGattClient) -> None:
        await gatt.write_gatt_char(CHAR_THRESHOLDS[0], encode_threshold(60, None), response=True)

    async def write_what_it_lacks(gatt: SerialGattClient) -> None:
        await gatt.write_gatt_char("0000fff0-0000-1000-8000-00805f9b34fb", b"\x01", response=True)

    with pytest.raises(HomeAssistantError) as failed:  # the device answers with an error
        await link.async_command(write_what_it_lacks, name="probe alarm")
    assert failed.value.translation_key == "command_failed"
    assert failed.value.translation_placeholders == {"name": "Smoker", "command": "probe alarm"}
    await link.async_command(write, name="probe alarm")  # the link is still up for the next
    assert link.connected

    device.drop_link()
    await settle(hass)
    assert not link.connected
    with pytest.raises(HomeAssistantError) as not_connected:
        await link.async_command(write, name="probe alarm")
    assert not_connected.value.translation_key == "not_connected"
    assert not_connected.value.translation_placeholders == {"name": "Smoker"}


async def test_samples_reach_sample_listeners_at_full_rate_and_no_entity(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """What a driver passes as samples goes to sample listeners only, every one, in order."""
    given: dict[str, Callable[[object], None]] = {}

    def create(
        model: ModelInfo, on_update: Callable[[], None], on_sample: Callable[[object], None]
    ):  # type: ignore[no-untyped-def]
        given["on_sample"] = on_sample
        return create_driver(model, on_update, on_sample)

    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    with patch("custom_components.kitchen_ble.coordinator.create_driver", create):
        entry = await setup_device(hass, device, "igrill_v2")
    link = entry.runtime_data.link
    assert link is not None
    samples: list[object] = []
    states: list[None] = []
    unsubscribe = link.async_add_sample_listener(samples.append)
    link.async_add_listener(lambda: states.append(None))
    writes: list[str] = []
    hass.bus.async_listen("state_changed", lambda event: writes.append(event.data["entity_id"]))

    for n in range(50):  # 10 s of a 5 Hz stream
        given["on_sample"](("sample", n))
    await hass.async_block_till_done()
    assert samples == [("sample", n) for n in range(50)]
    assert states == []
    assert writes == []

    unsubscribe()
    given["on_sample"](("sample", 50))
    assert len(samples) == 50


async def test_state_listeners_of_a_fast_device_hear_at_most_once_per_interval(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """An espresso machine's 5 Hz telemetry reaches entities at most once a second."""
    given: dict[str, Callable[[], None]] = {}

    def create(
        model: ModelInfo, on_update: Callable[[], None], on_sample: Callable[[object], None]
    ):  # type: ignore[no-untyped-def]
        given["on_update"] = on_update
        return create_driver(model, on_update, on_sample)

    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    with (
        patch.dict(KIND_STATE_INTERVAL, {DeviceKind.THERMOMETER: 1.0}),  # as an espresso machine
        patch("custom_components.kitchen_ble.coordinator.create_driver", create),
    ):
        entry = await setup_device(hass, device, "igrill_v2")
    link = entry.runtime_data.link
    assert link is not None
    await asyncio.sleep(1.2)  # what connecting reported has gone out
    heard: list[float] = []
    link.async_add_listener(lambda: heard.append(hass.loop.time()))

    start = hass.loop.time()
    for _ in range(5):  # a second of 5 Hz samples, all at once
        given["on_update"]()
    assert len(heard) == 1, "the first change goes out at once"
    await asyncio.sleep(1.2)
    assert len(heard) == 2, "the others are carried by one more, an interval later"
    assert heard[1] - heard[0] >= 1.0
    assert heard[1] - start < 1.2
    await asyncio.sleep(1.2)
    assert len(heard) == 2, "nothing more without a change"


async def test_state_listeners_of_a_thermometer_hear_every_change(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    given: dict[str, Callable[[], None]] = {}

    def create(
        model: ModelInfo, on_update: Callable[[], None], on_sample: Callable[[object], None]
    ):  # type: ignore[no-untyped-def]
        given["on_update"] = on_update
        return create_driver(model, on_update, on_sample)

    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    with patch("custom_components.kitchen_ble.coordinator.create_driver", create):
        entry = await setup_device(hass, device, "igrill_v2")
    heard: list[None] = []
    entry.runtime_data.link.async_add_listener(lambda: heard.append(None))
    for _ in range(5):
        given["on_update"]()
    assert len(heard) == 5
