"""Test doubles shared by the scale tests: a fake GATT client, clock, sleep and recorders."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.base import (
    ModelInfo,
    NotifyCallback,
    UnsupportedDeviceError,
)
from custom_components.kitchen_ble.library.devices.scale import (
    ButtonPress,
    ScaleDriverBase,
    WeightSample,
)

WRITE = ["write"]
WRITE_NO_RESPONSE = ["write-without-response"]
BOTH_WRITES = ["write", "write-without-response"]
NOTIFY = ["notify"]
READ = ["read"]


@cache
def fuzz_examples() -> int:
    """How many examples a fuzz test runs: KITCHEN_BLE_FUZZ_EXAMPLES for a long run."""
    return int(os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES", "200"))


def fuzz_settings() -> settings:
    """Bounded fuzzing: a few seconds per test unless asked for more."""
    return settings(max_examples=fuzz_examples(), deadline=None)


def byte_changes(last_index: int, max_size: int = 3) -> st.SearchStrategy[list[tuple[int, int]]]:
    """Up to ``max_size`` changes (index 0..``last_index``, new byte) for ``mutated``."""
    return st.lists(st.tuples(st.integers(0, last_index), st.integers(0, 255)), max_size=max_size)


def mutated(vector: bytes, changes: list[tuple[int, int]]) -> bytearray:
    """``vector`` with ``changes`` applied; an index past its end changes nothing."""
    data = bytearray(vector)
    for index, value in changes:
        if index < len(data):
            data[index] = value
    return data


@dataclass
class FakeCharacteristic:
    uuid: str
    properties: list[str]


@dataclass
class FakeService:
    uuid: str
    characteristics: list[FakeCharacteristic]


class FakeServices:
    def __init__(self, chars: dict[str, list[str]]) -> None:
        characteristics = [FakeCharacteristic(uuid, props) for uuid, props in chars.items()]
        self._services = [FakeService("0000ffff-0000-1000-8000-00805f9b34fb", characteristics)]

    def __iter__(self) -> Iterator[FakeService]:
        return iter(self._services)

    def get_characteristic(self, uuid: str) -> FakeCharacteristic | None:
        chars = (c for s in self._services for c in s.characteristics)
        return next((c for c in chars if c.uuid == uuid.lower()), None)


@dataclass
class FakeClient:
    """Records writes and subscriptions; reads answer from ``values``."""

    chars: dict[str, list[str]]
    values: dict[str, bytes] = field(default_factory=dict)
    read_errors: list[BaseException] = field(default_factory=list)
    write_errors: list[BaseException] = field(default_factory=list)
    notify_errors: list[BaseException] = field(default_factory=list)
    writes: list[tuple[str, bytes, bool]] = field(default_factory=list)
    callbacks: dict[str, NotifyCallback] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # "write", "notify", "read", "sleep" in order

    @property
    def is_connected(self) -> bool:
        return True

    @property
    def services(self) -> FakeServices:
        return FakeServices(self.chars)

    async def read_gatt_char(self, char_specifier: Any, **kwargs: Any) -> bytearray:
        self.log.append(f"read {char_specifier}")
        if self.read_errors:
            raise self.read_errors.pop(0)
        return bytearray(self.values[char_specifier])

    async def write_gatt_char(
        self, char_specifier: Any, data: bytes | bytearray, response: bool
    ) -> None:
        self.log.append(f"write {bytes(data).hex()}")
        self.writes.append((char_specifier, bytes(data), response))
        if self.write_errors:
            raise self.write_errors.pop(0)

    async def start_notify(
        self, char_specifier: Any, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self.log.append(f"notify {char_specifier}")
        if self.notify_errors:
            raise self.notify_errors.pop(0)
        self.callbacks[char_specifier] = callback

    def notify(self, uuid: str, data: bytes) -> None:
        self.callbacks[uuid](object(), bytearray(data))

    def written(self) -> list[bytes]:
        return [data for _, data, _ in self.writes]


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Sleeps:
    """An ``asyncio.sleep`` stand-in that records the delays (and the client's order)."""

    def __init__(self, client: FakeClient | None = None) -> None:
        self.delays: list[float] = []
        self.client = client

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.client is not None:
            self.client.log.append(f"sleep {seconds}")


class Recorder:
    """Counts ``on_update`` calls and keeps what ``on_sample`` got."""

    def __init__(self) -> None:
        self.updates = 0
        self.received: list[object] = []

    def update(self) -> None:
        self.updates += 1

    def sample(self, item: object) -> None:
        self.received.append(item)

    @property
    def samples(self) -> list[WeightSample]:
        return [item for item in self.received if isinstance(item, WeightSample)]

    @property
    def presses(self) -> list[ButtonPress]:
        return [item for item in self.received if isinstance(item, ButtonPress)]


def make_scale_driver[D: ScaleDriverBase](
    factory: Callable[..., D], model: ModelInfo, client: FakeClient | None = None, **kwargs: object
) -> tuple[D, Recorder, FakeClock, Sleeps]:
    """A ``factory`` driver for ``model`` on a fake clock; its sleeps go to ``client``'s log."""
    recorder, clock, sleeps = Recorder(), FakeClock(), Sleeps(client)
    driver = factory(model, recorder.update, recorder.sample, clock=clock, sleep=sleeps, **kwargs)
    return driver, recorder, clock, sleeps


async def assert_start_refused(
    make_driver: Callable[[FakeClient], tuple[Any, ...]], chars: dict[str, list[str]]
) -> None:
    """A device with only ``chars`` is refused as unsupported before anything is written."""
    client = FakeClient(chars)
    driver = make_driver(client)[0]
    with pytest.raises(UnsupportedDeviceError):
        await driver.async_start(client)
    assert client.writes == []
