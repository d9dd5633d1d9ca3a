"""The DE1 sheet's layouts read back on the test side, and helpers for the DE1 tests.

The readers here are written from de1.md on their own, not with
``emulator.de1.codec``, so the emulator's bytes are checked against the sheet.
The few tests in this module check the readers on the sheet's vectors.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bleak import BleakClient

from emulator.de1 import DE1Device, create_de1
from emulator.proxy import VirtualProxy

from .common import connect


def uuid(short: int) -> str:
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


VERSIONS = uuid(0xA001)
REQUESTED_STATE = uuid(0xA002)
SET_TIME = uuid(0xA003)
SHOT_DIRECTORY = uuid(0xA004)
READ_FROM_MMR = uuid(0xA005)
WRITE_TO_MMR = uuid(0xA006)
SHOT_MAP_REQUEST = uuid(0xA007)
DELETE_SHOT_RANGE = uuid(0xA008)
FW_MAP_REQUEST = uuid(0xA009)
TEMPERATURES = uuid(0xA00A)
SHOT_SETTINGS = uuid(0xA00B)
DEPRECATED = uuid(0xA00C)
SHOT_SAMPLE = uuid(0xA00D)
STATE_INFO = uuid(0xA00E)
HEADER_WRITE = uuid(0xA00F)
FRAME_WRITE = uuid(0xA010)
WATER_LEVELS = uuid(0xA011)
CALIBRATION = uuid(0xA012)

# States and substates (§4), as the sheet numbers them.
SLEEP, GOING_TO_SLEEP, IDLE, ESPRESSO, STEAM, HOT_WATER = 0x00, 0x01, 0x02, 0x04, 0x05, 0x06
DESCALE, NO_REQUEST, SKIP_TO_NEXT, FLUSH, REFILL, CLEAN = 0x0A, 0x0D, 0x0E, 0x0F, 0x11, 0x12
AIR_PURGE, SCHED_IDLE = 0x14, 0x15
READY, HEATING, FINAL_HEATING, STABILISING, PREINFUSION, POUR, ENDING = 0, 1, 2, 3, 4, 5, 6
STEAMING, PAUSED_REFILL, USER_NOT_PRESENT, STEAM_PUFF = 7, 17, 19, 20


@dataclass(frozen=True)
class Sample:
    """A ShotSample as §5.1 lays it out."""

    time: int
    pressure: float
    flow: float
    mix: float
    head: float
    set_mix: float
    set_head: float
    set_pressure: float
    set_flow: float
    frame: int
    steam: int


def read_sample(data: bytes | bytearray) -> Sample:
    assert len(data) == 19
    return Sample(
        time=int.from_bytes(data[0:2], "big"),
        pressure=int.from_bytes(data[2:4], "big") / 4096,
        flow=int.from_bytes(data[4:6], "big") / 4096,
        mix=int.from_bytes(data[6:8], "big") / 256,
        head=data[8] + int.from_bytes(data[9:11], "big") / 65536,
        set_mix=int.from_bytes(data[11:13], "big") / 256,
        set_head=int.from_bytes(data[13:15], "big") / 256,
        set_pressure=data[15] / 16,
        set_flow=data[16] / 16,
        frame=data[17],
        steam=data[18],
    )


def read_levels(data: bytes | bytearray) -> tuple[float, float]:
    """WaterLevels: level and refill threshold in mm (§5.4)."""
    assert len(data) == 4
    return int.from_bytes(data[0:2], "big") / 256, int.from_bytes(data[2:4], "big") / 256


def mmr_read(address: int, words: int = 1) -> bytes:
    """A read request (§7.1): Len = words − 1, the address, 16 zeros."""
    return bytes([words - 1]) + address.to_bytes(3, "big") + bytes(16)


def mmr_write(address: int, value: int) -> bytes:
    """A one-register write: Len 4, the address, the value little-endian, zero-padded."""
    return (bytes([4]) + address.to_bytes(3, "big") + value.to_bytes(4, "little")).ljust(20, b"\0")


def read_mmr_answer(data: bytes) -> tuple[int, list[int]]:
    """(address, little-endian words) of a read answer."""
    assert len(data) == 20
    length = data[0]
    words = [int.from_bytes(data[4 + i : 8 + i], "little") for i in range(0, length, 4)]
    return int.from_bytes(data[1:4], "big"), words


def frame(
    index: int,
    flags: int,
    setval: int,
    temp: int,
    length: int,
    trigger: int = 0,
    max_vol: int = 0x0400,
) -> bytes:
    """A FrameWrite from its raw fields (§8.2)."""
    return bytes([index, flags, setval, temp, length, trigger]) + max_vol.to_bytes(2, "big")


def shot_settings(
    steam_temp: int = 160,
    steam_length: int = 120,
    water_temp: int = 80,
    water_volume: int = 50,
    water_length: int = 60,
    group: float = 94.0,
) -> bytes:
    """ShotSettings (§6.1) with steam flags 0 and espresso volume 200."""
    return bytes([0, steam_temp, steam_length, water_temp, water_volume, water_length, 200]) + (
        round(group * 256).to_bytes(2, "big")
    )


@dataclass
class Link:
    """A device, a bleak client connected to it, and what it notified."""

    device: DE1Device
    client: BleakClient
    received: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))

    def states(self) -> list[tuple[int, int]]:
        return [(d[0], d[1]) for d in self.received[STATE_INFO]]

    def samples(self) -> list[Sample]:
        return [read_sample(d) for d in self.received[SHOT_SAMPLE]]

    async def request(self, state: int, seconds: float = 0.25) -> None:
        """Write RequestedState and let the machine act on it."""
        await self.client.write_gatt_char(REQUESTED_STATE, bytes([state]), response=True)
        self.device.advance(seconds)

    async def mmr(self, address: int, words: int = 1) -> list[tuple[int, list[int]]]:
        """Read registers; the answers arrive as notifications just after the write."""
        before = len(self.received[READ_FROM_MMR])
        await self.client.write_gatt_char(READ_FROM_MMR, mmr_read(address, words), response=True)
        await asyncio.sleep(0)
        return [read_mmr_answer(d) for d in self.received[READ_FROM_MMR][before:]]

    def run_until(
        self, state: int, substate: int | None = None, limit: float = 600.0, step: float = 0.25
    ) -> float:
        """Advance until the machine reaches a state; the seconds it took."""
        waited = 0.0
        while waited < limit:
            machine = self.device.machine
            if machine.state == state and substate in (None, machine.substate):
                return waited
            self.device.advance(step)
            waited += step
        raise AssertionError(f"not in {state}/{substate} after {limit} s: {self.device.state}")


async def upload(
    client: BleakClient,
    header: bytes,
    frames: list[bytes],
    extensions: list[bytes] | None = None,
    tail: bytes | None = None,
    tank_temperature: int | None = 0,
) -> None:
    """§8.5's order: header, frames, extension frames, tail, then MMR TANK_TEMP.

    Each write is with response and awaited: that acknowledgement is what
    de1app checks.
    """
    await client.write_gatt_char(HEADER_WRITE, header, response=True)
    for data in [*frames, *(extensions or [])]:
        await client.write_gatt_char(FRAME_WRITE, data, response=True)
    tail = tail if tail is not None else bytes([header[1]]) + bytes(7)
    await client.write_gatt_char(FRAME_WRITE, tail, response=True)
    if tank_temperature is not None:
        await client.write_gatt_char(
            WRITE_TO_MMR, mmr_write(0x80380C, tank_temperature), response=True
        )


SUBSCRIBED = (STATE_INFO, SHOT_SAMPLE, WATER_LEVELS, READ_FROM_MMR, CALIBRATION, FW_MAP_REQUEST)


async def relink(proxy: VirtualProxy, device: DE1Device) -> Link:
    """Connect to a DE1 already in the proxy and subscribe to what it notifies."""
    client = await connect(proxy, device.address)
    link = Link(device, client)
    for char in SUBSCRIBED:
        await client.start_notify(char, lambda c, d: link.received[c.uuid].append(bytes(d)))
    return link


async def linked(proxy: VirtualProxy, **options: Any) -> Link:
    """A DE1 in the proxy, connected and subscribed to what it notifies."""
    return await relink(proxy, proxy.add(create_de1(**options)))


async def awake(proxy: VirtualProxy, **options: Any) -> Link:
    """A warm DE1, idle and ready, linked."""
    return await linked(proxy, awake=True, seed=7, **options)


# The readers on the sheet's own vectors -------------------------------------


def test_reader_on_the_real_idle_sample() -> None:  # §10.1, LB data.js
    s = read_sample(bytes.fromhex("025c0044000021ea221eda5a005e000000024d"))
    assert s.time == 604
    assert round(s.pressure, 4) == 0.0166
    assert s.flow == 0
    assert round(s.mix, 3) == 33.914
    assert round(s.head, 4) == 34.1205
    assert (s.set_mix, s.set_head, s.set_pressure, s.set_flow) == (90.0, 94.0, 0, 0)
    assert (s.frame, s.steam) == (2, 77)


def test_reader_on_the_derived_sample() -> None:  # §10.1, derived
    s = read_sample(bytes.fromhex("1234900020005c805d40005d005d0090000296"))
    assert (s.time, s.pressure, s.flow, s.mix, s.head) == (4660, 9.0, 2.0, 92.5, 93.25)
    assert (s.set_mix, s.set_head, s.set_pressure, s.set_flow, s.frame, s.steam) == (
        93.0,
        93.0,
        9.0,
        0,
        2,
        150,
    )


def test_other_readers() -> None:
    assert read_levels(bytes.fromhex("198b0500")) == (6539 / 256, 5.0)  # §10.3
    assert mmr_read(0x800010) == bytes.fromhex("00800010") + bytes(16)  # §10.8
    assert mmr_write(0x803848, 50) == bytes.fromhex("04803848 32000000") + bytes(12)
    assert read_mmr_answer(bytes.fromhex("04800010 35050000") + bytes(12)) == (0x800010, [1333])
    assert frame(2, 0x60, 0x16, 0xBC, 0xB2) == bytes.fromhex("026016bcb2000400")  # §10.6
    assert shot_settings(160, 120, 80, 50, 60) == bytes.fromhex("00a07850323cc85e00")
