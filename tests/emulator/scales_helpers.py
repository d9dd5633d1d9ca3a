"""Helpers for the scale emulator tests: a reference reading of each family's frames.

The readers here are written from the fact sheet (scales.md), apart from the
emulator's encoders, so a test compares the emulator with the sheet.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from bleak import BleakClient
from hypothesis import settings

from emulator.proxy import VirtualProxy
from emulator.scales import EmulatedScale, create_scale

from .common import connect

SKALE_WEIGHT = "0000ef81-0000-1000-8000-00805f9b34fb"
SKALE_BUTTON = "0000ef82-0000-1000-8000-00805f9b34fb"
SKALE_COMMAND = "0000ef80-0000-1000-8000-00805f9b34fb"
ACAIA_OLD = "00002a80-0000-1000-8000-00805f9b34fb"
ACAIA_NEW_COMMAND = "49535343-8841-43f4-a8d4-ecbe34729bb3"
ACAIA_NEW_NOTIFY = "49535343-1e4d-4bd9-ba61-23c647249616"
FELICITA = "0000ffe1-0000-1000-8000-00805f9b34fb"
DECENT_NOTIFY = "0000fff4-0000-1000-8000-00805f9b34fb"
DECENT_COMMAND = "000036f5-0000-1000-8000-00805f9b34fb"
BOOKOO_WEIGHT = "0000ff11-0000-1000-8000-00805f9b34fb"
BOOKOO_COMMAND = "0000ff12-0000-1000-8000-00805f9b34fb"

# §2.5 bytes, as the sheet writes them.
ACAIA_IDENTIFY = bytes.fromhex("EF DD 0B 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 9A 6D")
ACAIA_NOTIFICATION_REQUEST = bytes.fromhex("EF DD 0C 09 00 01 01 02 02 05 03 04 15 06")
ACAIA_HEARTBEAT = bytes.fromhex("EF DD 00 02 00 02 00")
DECENT_LED_ON_NO_HEARTBEAT = bytes.fromhex("03 0A 01 01 00 00 09")
DECENT_HEARTBEAT = bytes.fromhex("03 0A 03 FF FF 00 0A")

WEIGHT_UUID = {
    "skale2": SKALE_WEIGHT,
    "acaia_lunar_old": ACAIA_OLD,
    "acaia_lunar_2021": ACAIA_NEW_NOTIFY,
    "felicita_arc": FELICITA,
    "decent_scale": DECENT_NOTIFY,
    "bookoo_themis": BOOKOO_WEIGHT,
}


def fuzz_examples(default: int = 200) -> int:
    """How many hypothesis examples a fuzz test runs (KITCHEN_BLE_FUZZ_EXAMPLES for more)."""
    return int(os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES", default))


def fuzz_settings() -> settings:
    """Bounded fuzzing: a few seconds per test unless KITCHEN_BLE_FUZZ_EXAMPLES asks for more."""
    return settings(max_examples=fuzz_examples(), deadline=None)


def acaia_frames(stream: bytes) -> tuple[list[bytes], bytes]:
    """Whole ``EF DD`` frames (len + 5 bytes each) in ``stream``, and the unfinished rest."""
    frames = []
    while len(stream) >= 4 and stream[:2] == b"\xef\xdd":
        size = stream[3] + 5
        if len(stream) < size:
            break
        frames.append(stream[:size])
        stream = stream[size:]
    return frames, stream


def acaia_weight(body: bytes) -> float:
    """§2.4: 24-bit LE magnitude / 10^byte 4, negative when byte 5 has bit 1."""
    value = int.from_bytes(body[0:3], "little") / 10.0 ** body[4]
    return -value if body[5] & 0x02 else value


class Stream:
    """Collects a scale's notifications and reads the weight in them, per the sheet."""

    def __init__(self, model: str, clock: Callable[[], float] | None = None) -> None:
        self.model = model
        self.clock = clock
        self.raw: list[bytes] = []
        self.frames: list[bytes] = []
        self.times: list[float] = []  # the clock when each frame arrived
        self._acaia = b""

    def __call__(self, _char: Any, data: bytearray) -> None:
        self.raw.append(bytes(data))
        if self.model.startswith("acaia"):
            frames, self._acaia = acaia_frames(self._acaia + bytes(data))
        else:
            frames = [bytes(data)]
        self.frames.extend(frames)
        self.times.extend([self.clock() if self.clock else 0.0] * len(frames))

    def timed_weights(self) -> list[tuple[float, float]]:
        """(arrival time, grams) of every weight frame."""
        pairs = [
            (t, weight_of(self.model, f)) for t, f in zip(self.times, self.frames, strict=True)
        ]
        return [(t, w) for t, w in pairs if w is not None]

    def weights(self) -> list[float]:
        """Every weight frame so far, in grams (or the wire's unit)."""
        return [w for w in (weight_of(self.model, f) for f in self.frames) if w is not None]


def weight_of(model: str, frame: bytes) -> float | None:
    """The weight in one frame, read as the fact sheet says; None for other frames."""
    if model == "skale2":
        return int.from_bytes(frame[1:3], "little", signed=True) / 10
    if model.startswith("acaia"):
        if frame[2] == 0x0C and frame[4] == 5:
            return acaia_weight(frame[5:11])
        return None
    if model == "felicita_arc":
        value = int(frame[3:9]) / 100
        return -value if frame[2:3] == b"-" else value
    if model == "decent_scale":
        if frame[1] in (0xCE, 0xCA):
            return int.from_bytes(frame[2:4], "big", signed=True) / 10
        return None
    value = int.from_bytes(frame[7:10], "big") / 100
    return -value if frame[6:7] == b"-" else value


async def open_stream(
    proxy: VirtualProxy, model: str, **options: Any
) -> tuple[EmulatedScale, BleakClient, Stream]:
    """A scale in range, connected, subscribed and (Acaia, Decent) started as the sheet says."""
    scale = proxy.add(create_scale(model, **options))
    client = await connect(proxy, scale.address)
    stream = Stream(model, lambda: scale.now)
    await client.start_notify(WEIGHT_UUID[model], stream)
    await start(client, model)
    return scale, client, stream


async def start(client: BleakClient, model: str) -> None:
    """The family's start-up writes: Acaia identify + request, Decent LED on (§2.3, §4.3)."""
    if model == "acaia_lunar_old":
        await client.write_gatt_char(ACAIA_OLD, ACAIA_IDENTIFY, response=False)
        await client.write_gatt_char(ACAIA_OLD, ACAIA_NOTIFICATION_REQUEST, response=False)
    elif model == "acaia_lunar_2021":
        await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_IDENTIFY, response=True)
        await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_NOTIFICATION_REQUEST, response=True)
    elif model == "decent_scale":
        await client.write_gatt_char(DECENT_COMMAND, DECENT_LED_ON_NO_HEARTBEAT, response=True)


async def heartbeat(client: BleakClient, model: str) -> None:
    """One keep-alive where the family wants one."""
    if model == "acaia_lunar_2021":
        await client.write_gatt_char(ACAIA_NEW_COMMAND, ACAIA_HEARTBEAT, response=True)
    elif model == "acaia_lunar_old":
        await client.write_gatt_char(ACAIA_OLD, ACAIA_HEARTBEAT, response=False)
