"""De1Driver.async_upload_profile against the emulated DE1 (de1.md §8.5).

The writes go out in the order given, each acknowledged before the next, the
header is read back, and two uploads never interleave. The emulator decodes
the frames with its own code, so what it holds is compared with the numbers
of the profile as written in its file.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from custom_components.kitchen_ble.library.devices.de1.driver import De1Driver
from custom_components.kitchen_ble.library.devices.de1.errors import De1CommandError
from custom_components.kitchen_ble.library.devices.de1.models import DE1
from custom_components.kitchen_ble.library.espresso.profiles import (
    builtin_profiles,
    encode_profile,
)
from emulator.de1 import DE1Device, create_de1
from emulator.proxy import VirtualProxy
from tests.emulator.common import connect

HEADER = "0000a00f-0000-1000-8000-00805f9b34fb"
FRAME = "0000a010-0000-1000-8000-00805f9b34fb"
MMR_WRITE = "0000a006-0000-1000-8000-00805f9b34fb"


@pytest.fixture
def proxy() -> VirtualProxy:
    return VirtualProxy(suffix="de1-upload")


async def emulated(proxy: VirtualProxy) -> tuple[DE1Device, Any, De1Driver]:
    device = proxy.add(create_de1(awake=True))
    client = await connect(proxy, device.address)
    driver = De1Driver(DE1, lambda: None, lambda _sample: None, mmr_timeout=1.0)
    await driver.async_start(client)
    return device, client, driver


def _profile(title: str) -> Any:
    return next(profile for profile in builtin_profiles() if profile.title == title)


async def test_blooming_espresso_reaches_the_machine_frame_for_frame(proxy: VirtualProxy) -> None:
    device, client, driver = await emulated(proxy)
    written: list[tuple[str, bytes]] = []
    real = device.gatt_write

    async def recording(uuid: str, data: bytes, response: bool) -> None:
        assert response, "every profile write is a write-with-response (§8.5)"
        written.append((uuid, bytes(data)))
        await real(uuid, data, response)

    device.gatt_write = recording  # type: ignore[method-assign]
    upload = encode_profile(_profile("Blooming espresso"))
    await driver.async_upload_profile(client, upload.writes)

    # header, frames 0-3, the ramp's and the extraction's limiters (32+2, 32+3), tail 4, tank
    assert [uuid for uuid, _ in written] == [HEADER] + [FRAME] * 7 + [MMR_WRITE]
    assert [data[0] for uuid, data in written if uuid == FRAME] == [0, 1, 2, 3, 34, 35, 4]
    assert device.profile_complete
    held = device.profile
    assert held.header.frames == 4
    assert held.header.preinfuse_frames == 2
    fill, bloom, ramp, _extract = held.frames
    assert fill.flow_control
    assert fill.goal == 6.0
    assert fill.temperature == 93.0
    assert fill.seconds == 15.0
    assert fill.exit is not None
    assert not fill.exit.on_flow
    assert fill.exit.over
    assert fill.exit.value == 3.5
    assert bloom.flow_control
    assert bloom.goal == 0.0
    assert bloom.seconds == 30.0
    assert ramp.smooth
    assert ramp.goal == pytest.approx(2.2, abs=1 / 32)
    assert held.limiters[2].value == 9.0
    assert held.limiters[2].range == pytest.approx(0.9, abs=1 / 32)
    await client.disconnect()


async def test_two_uploads_never_interleave(proxy: VirtualProxy) -> None:
    device, client, driver = await emulated(proxy)
    written: list[tuple[str, bytes]] = []
    real = device.gatt_write

    async def yielding(uuid: str, data: bytes, response: bool) -> None:
        written.append((uuid, bytes(data)))
        await asyncio.sleep(0)  # the other upload could go now, if it were let
        await real(uuid, data, response)

    device.gatt_write = yielding  # type: ignore[method-assign]
    first = encode_profile(_profile("Backflush clean"))  # 10 frames
    second = encode_profile(_profile("Classic 9 bar"))  # 2 frames
    await asyncio.gather(
        driver.async_upload_profile(client, first.writes),
        driver.async_upload_profile(client, second.writes),
    )
    assert written == [tuple(write) for write in first.writes + second.writes]
    assert device.profile.header.frames == 2
    assert device.profile_complete
    await client.disconnect()


async def test_a_header_the_machine_does_not_hold_is_an_error(proxy: VirtualProxy) -> None:
    device, client, driver = await emulated(proxy)
    device.characteristic(HEADER).on_read = lambda: bytes.fromhex("0103010060")
    upload = encode_profile(_profile("Classic 9 bar"))  # 2 frames: 01 02 01 00 60
    with pytest.raises(De1CommandError, match="0103010060"):
        await driver.async_upload_profile(client, upload.writes)
    await client.disconnect()


async def test_an_upload_starts_with_its_header(proxy: VirtualProxy) -> None:
    _device, client, driver = await emulated(proxy)
    upload = encode_profile(_profile("Classic 9 bar"))
    with pytest.raises(De1CommandError):
        await driver.async_upload_profile(client, upload.writes[1:])
    with pytest.raises(De1CommandError):
        await driver.async_upload_profile(client, [])
    await client.disconnect()


class _NoServices:
    def get_characteristic(self, _uuid: str) -> None:
        return None


class _NoProfileChars:
    """A client whose machine lacks the profile characteristics."""

    services = _NoServices()

    async def read_gatt_char(self, char_specifier: Any, **kwargs: Any) -> bytearray:
        raise AssertionError("nothing is read")

    async def write_gatt_char(self, char_specifier: Any, data: bytes, response: bool) -> None:
        raise AssertionError("nothing is written")


async def test_a_machine_without_profile_characteristics_is_refused() -> None:
    driver = De1Driver(DE1, lambda: None, lambda _sample: None)
    upload = encode_profile(_profile("Classic 9 bar"))
    client: Any = _NoProfileChars()
    with pytest.raises(De1CommandError):
        await driver.async_upload_profile(client, upload.writes)
    with pytest.raises(De1CommandError):
        await driver.async_read_profile_header(client)
