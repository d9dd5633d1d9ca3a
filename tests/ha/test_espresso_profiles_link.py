"""A profile write the link cuts off, and what a restart of Home Assistant may still claim.

A write cut off part-way leaves the machine with a mix of frames: the Profile
select says unknown, an espresso start is refused, and the next connection
writes the whole profile again (a choice that saw the drop waits once for
that). After a restart the integration claims the profile it wrote only once
it has looked at the machine: the header it wrote is still there, and the
same bytes are written again; a machine another app gave a profile in
between shows unknown and is left alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import loader
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_fire_time_changed_exact,
    async_test_home_assistant,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from custom_components.kitchen_ble.diagnostics import async_get_config_entry_diagnostics
from custom_components.kitchen_ble.library.espresso.profiles import (
    builtin_profiles,
    encode_profile,
)
from custom_components.kitchen_ble.profiles import STORE_KEY, get_profiles
from emulator.de1 import DE1Device, State
from emulator.ha import async_start_proxy
from emulator.proxy import VirtualProxy
from tests.emulator.common import connect

from .common import assert_no_errors, settle
from .espresso import advance, call, connected_de1, entity_id, link_of, run, state
from .test_espresso_profiles_machine import choose

HEADER = "0000a00f-0000-1000-8000-00805f9b34fb"
FRAME = "0000a010-0000-1000-8000-00805f9b34fb"
BLOOMING_HEADER = bytes.fromhex("0104020060")  # 4 frames, 2 preinfusing


@pytest.fixture(autouse=True)
def quick_reconnect() -> Iterator[None]:
    with patch("custom_components.kitchen_ble.coordinator.CONNECT_BACKOFF_SECONDS", 0):
        yield


class Wire:
    """The machine's profile writes, with a drop after the n-th frame or a held header."""

    def __init__(self, device: DE1Device) -> None:
        self.device = device
        self.writes: list[tuple[str, bytes]] = []
        self.drop_after_frames: int | None = None
        self.gate: asyncio.Event | None = None
        self._real = device.gatt_write
        device.gatt_write = self._write  # type: ignore[method-assign]

    async def _write(self, uuid: str, data: bytes, response: bool) -> None:
        if uuid == HEADER and self.gate is not None:
            await self.gate.wait()
        if uuid in (HEADER, FRAME):
            self.writes.append((uuid, bytes(data)))
        frames = sum(1 for written, _ in self.writes if written == FRAME)
        if uuid == FRAME and self.drop_after_frames is not None and frames > self.drop_after_frames:
            self.drop_after_frames = None
            self.device.drop_link()  # the write in flight fails: not connected
        await self._real(uuid, data, response)

    def headers(self) -> list[bytes]:
        return [data for uuid, data in self.writes if uuid == HEADER]


async def _turns(hass: HomeAssistant, count: int = 50) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def _unsettled(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    seconds: float,
    until: asyncio.Future[Any] | None = None,
) -> None:
    """Let time pass without waiting for Home Assistant's tasks (one of them is held)."""
    waited = 0.0
    while waited < seconds and not (until is not None and until.done()):
        freezer.tick(timedelta(seconds=0.25))
        proxy.tick(0.25)
        async_fire_time_changed_exact(hass)
        await _turns(hass)
        waited += 0.25


async def test_a_drop_part_way_is_written_again_on_the_next_connection(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar")
    wire = Wire(device)
    wire.drop_after_frames = 2
    select = entity_id(hass, device, "select", "profile")
    chosen = call(hass, "select", "select_option", select, option="Blooming espresso")
    await _turns(hass)
    assert not device.connected, "the link dropped after two frames"
    assert not device.profile_complete  # a mix: new frames 0-1, no tail
    assert state(hass, device, "select", "profile") == "unknown"
    await run(hass, freezer, virtual_proxy, chosen, seconds=20)  # back it comes, retried once
    assert link_of(entry).connected
    assert wire.headers() == [BLOOMING_HEADER, BLOOMING_HEADER]
    assert device.profile_complete
    assert device.profile.header.frames == 4
    assert state(hass, device, "select", "profile") == "Blooming espresso"
    assert_no_errors(caplog)


async def test_a_cut_off_profile_stays_unknown_and_blocks_espresso_until_written_whole(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    wire = Wire(device)
    wire.drop_after_frames = 1
    device.faults.silent = True  # gone for longer than a choice waits
    with pytest.raises(HomeAssistantError) as caught:
        await choose(hass, freezer, virtual_proxy, device, "Blooming espresso", seconds=40)
    assert caught.value.translation_key == "profile_upload_failed"
    assert caught.value.translation_placeholders == {"name": "DE1", "profile": "Blooming espresso"}
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["profile"]["shown"] is None
    assert diagnostics["profile"]["last_choice"]["complete"] is False

    # back, but the rewrite is held at its header: the link is up, the profile is not whole
    wire.gate = asyncio.Event()
    device.faults.silent = False
    await _unsettled(hass, freezer, virtual_proxy, 10)
    assert link_of(entry).connected
    assert wire.gate is not None
    assert state(hass, device, "select", "profile") == "unknown"
    start = entity_id(hass, device, "button", "start_espresso")
    press = call(hass, "button", "press", start)
    await _unsettled(hass, freezer, virtual_proxy, 5, until=press)
    with pytest.raises(HomeAssistantError) as refused:
        await press
    assert refused.value.translation_key == "start_profile_incomplete"
    assert refused.value.translation_placeholders == {"name": "DE1"}
    assert device.state[0] is State.IDLE

    wire.gate.set()
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert device.profile_complete
    assert device.profile.header.frames == 4
    assert state(hass, device, "select", "profile") == "Blooming espresso"
    await run(hass, freezer, virtual_proxy, call(hass, "button", "press", start))
    assert device.state[0] is State.ESPRESSO
    assert_no_errors(caplog)


@asynccontextmanager
async def _restarted(config: Path, device: DE1Device) -> AsyncIterator[tuple[HomeAssistant, Any]]:
    """A second Home Assistant on the same (mocked) storage, with the machine in range."""
    async with async_test_home_assistant(config_dir=str(config)) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # as enable_custom_integrations does
        bluetooth = MockConfigEntry(domain="bluetooth", unique_id="00:00:00:00:00:01")
        bluetooth.add_to_hass(hass)
        assert await hass.config_entries.async_setup(bluetooth.entry_id)
        proxy = VirtualProxy(suffix="restarted")
        proxy.add(device)
        stop = async_start_proxy(hass, proxy, interval=None)
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=device.address,
            title="DE1",
            data={CONF_ADDRESS: device.address, CONF_MODEL: "de1_plus"},
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await settle(hass)
        try:
            yield hass, entry
        finally:
            stop()
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.config_entries.async_unload(bluetooth.entry_id)
            await hass.async_stop(force=True)


async def _stop(hass: HomeAssistant, entry: Any) -> None:
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_stop()  # every store is written


@pytest.mark.usefixtures("config_dir")
async def test_a_restart_keeps_the_profile_once_the_machine_shows_it_still_holds_it(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    config_dir: Path,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    await choose(hass, freezer, virtual_proxy, device, "Blooming espresso")
    await _stop(hass, entry)
    machines = hass_storage[STORE_KEY]["data"]["machines"]
    assert machines[device.address]["complete"] is True
    assert machines[device.address]["title"] == "Blooming espresso"

    wire = Wire(device)
    async with _restarted(config_dir, device) as (restarted, entry):
        assert link_of(entry).connected
        await settle(restarted)
        assert wire.headers() == [BLOOMING_HEADER], "looked at, then written again"
        assert state(restarted, device, "select", "profile") == "Blooming espresso"
        diagnostics = await async_get_config_entry_diagnostics(restarted, entry)
        assert diagnostics["profile"]["shown"] == "Blooming espresso"


@pytest.mark.usefixtures("config_dir")
async def test_a_restart_after_another_app_changed_the_profile_claims_nothing(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    config_dir: Path,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    await choose(hass, freezer, virtual_proxy, device, "Blooming espresso")
    await _stop(hass, entry)

    # the tablet connects while Home Assistant is down and writes its own profile
    tablet_proxy = VirtualProxy(suffix="tablet")
    tablet_proxy.add(device)
    tablet = await connect(tablet_proxy, device.address)
    classic = next(p for p in builtin_profiles() if p.title == "Classic 9 bar")
    for uuid, data in encode_profile(classic).writes:
        await tablet.write_gatt_char(uuid, data, response=True)
    await tablet.disconnect()
    assert device.profile.header.frames == 2

    wire = Wire(device)
    async with _restarted(config_dir, device) as (restarted, entry):
        assert link_of(entry).connected
        await settle(restarted)
        assert wire.headers() == [], "another app's profile is left alone"
        assert device.profile.header.frames == 2
        assert state(restarted, device, "select", "profile") == "unknown"
        diagnostics = await async_get_config_entry_diagnostics(restarted, entry)
        assert diagnostics["profile"] == {"shown": None, "last_choice": None}


@pytest.mark.usefixtures("config_dir")
async def test_a_restart_after_a_cut_off_write_writes_it_whole(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    config_dir: Path,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    wire = Wire(device)
    wire.drop_after_frames = 1
    device.faults.silent = True
    with pytest.raises(HomeAssistantError):
        await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar", seconds=40)
    await _stop(hass, entry)
    assert hass_storage[STORE_KEY]["data"]["machines"][device.address]["complete"] is False
    assert not device.profile_complete

    device.faults.silent = False
    async with _restarted(config_dir, device) as (restarted, entry):
        assert link_of(entry).connected
        await settle(restarted)
        assert device.profile_complete
        assert device.profile.header == device.profile.header.__class__(
            frames=2, preinfuse_frames=1, max_flow=6.0
        )
        assert state(restarted, device, "select", "profile") == "Classic 9 bar"


async def test_a_retry_that_drops_again_fails_and_the_next_connection_writes_it_whole(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    wire = Wire(device)
    wire.drop_after_frames = 2
    select = entity_id(hass, device, "select", "profile")
    chosen = call(hass, "select", "select_option", select, option="Blooming espresso")
    await _turns(hass)
    assert not device.connected
    wire.drop_after_frames = 1  # the rewrite on the next connection drops too
    await _unsettled(hass, freezer, virtual_proxy, 20, until=chosen)
    with pytest.raises(HomeAssistantError) as caught:
        await chosen
    assert caught.value.translation_key == "profile_upload_failed"
    assert state(hass, device, "select", "profile") == "unknown"
    await _unsettled(hass, freezer, virtual_proxy, 10)
    assert link_of(entry).connected
    assert device.profile_complete
    assert state(hass, device, "select", "profile") == "Blooming espresso"
    assert_no_errors(caplog)


async def test_choosing_while_the_machine_is_away_is_refused(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    device.faults.silent = True
    device.drop_link()
    await settle(hass)
    assert not link_of(entry).connected
    with pytest.raises(HomeAssistantError) as caught:
        await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar")
    assert caught.value.translation_key == "not_connected"
    assert get_profiles(hass).diagnostics(link_of(entry))["last_choice"] is None
