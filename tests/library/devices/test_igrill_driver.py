"""IGrillDriver against an in-test fake GATT client."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from bleak.exc import BleakDBusError, BleakError

from custom_components.kitchen_ble.library.devices.base import (
    DeviceError,
    HandshakeError,
    ModelInfo,
    NotifyCallback,
    ProbeAlarmDriver,
    UnsupportedDeviceError,
)
from custom_components.kitchen_ble.library.devices.igrill import driver as driver_module
from custom_components.kitchen_ble.library.devices.igrill import models as m
from custom_components.kitchen_ble.library.devices.igrill.driver import (
    IGrillDriver,
    is_unlikely_error,
)
from custom_components.kitchen_ble.library.devices.thermometer import HeatingElements

SERVICE_OF = {model.model_id: uuid for uuid, model in m.MODEL_BY_SERVICE.items()}
AUTH_SERVICE = "64ac0000-4a4b-4b58-9f37-94d3c52ffdf7"
BATTERY_SERVICE = "0000180f-0000-1000-8000-00805f9b34fb"
PROPANE_SERVICE = "f5d40000-3548-4c22-9947-f3673fce3cd9"
PULSE_SERVICE = "6c910000-58dc-41c7-943f-518b278ceaaa"
CHALLENGE = bytes(range(0xA0, 0xB0))
UNPLUGGED = b"\x30\xf8"
ATT_0E_TEXT = "Operation failed with ATT error: 0x0e"


class AttError(BleakError):
    """Like bleak 3's BleakGATTProtocolError: carries the ATT code."""

    def __init__(self, code: int) -> None:
        super().__init__(f"ATT error {code}")
        self.code = code


@dataclass
class FakeCharacteristic:
    uuid: str


@dataclass
class FakeService:
    uuid: str
    characteristics: list[FakeCharacteristic]


class FakeServices:
    def __init__(self, layout: dict[str, list[str]]) -> None:
        self._services = [
            FakeService(uuid, [FakeCharacteristic(c) for c in chars])
            for uuid, chars in layout.items()
        ]

    def __iter__(self) -> Iterator[FakeService]:
        return iter(self._services)

    def get_characteristic(self, uuid: str) -> FakeCharacteristic | None:
        chars = (c for s in self._services for c in s.characteristics)
        return next((c for c in chars if c.uuid == uuid.lower()), None)


type Outcome = bytes | BaseException


@dataclass
class FakeClient:
    """Serves reads from `values` (or `queued` first) and records everything."""

    layout: dict[str, list[str]]
    values: dict[str, Outcome]
    queued: dict[str, list[Outcome]] = field(default_factory=dict)
    write_errors: dict[str, list[BaseException]] = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)
    writes: list[tuple[str, bytes, bool]] = field(default_factory=list)
    callbacks: dict[str, NotifyCallback] = field(default_factory=dict)
    connected: bool = True

    @property
    def is_connected(self) -> bool:
        return self.connected

    @property
    def services(self) -> FakeServices:
        return FakeServices(self.layout)

    async def read_gatt_char(self, char_specifier: Any, **kwargs: Any) -> bytearray:
        self.reads.append(char_specifier)
        queue = self.queued.get(char_specifier)
        outcome = queue.pop(0) if queue else self.values[char_specifier]
        if isinstance(outcome, BaseException):
            raise outcome
        return bytearray(outcome)

    async def write_gatt_char(
        self, char_specifier: Any, data: bytes | bytearray, response: bool
    ) -> None:
        self.writes.append((char_specifier, bytes(data), response))
        if errors := self.write_errors.get(char_specifier):
            raise errors.pop(0)

    async def start_notify(
        self, char_specifier: Any, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self.callbacks[char_specifier] = callback

    def notify(self, uuid: str, data: bytes) -> None:
        self.callbacks[uuid](object(), bytearray(data))

    def probe_reads(self) -> list[int]:
        return [m.CHAR_PROBES.index(uuid) + 1 for uuid in self.reads if uuid in m.CHAR_PROBES]


@dataclass
class PairingClient(FakeClient):
    pair_error: BaseException | None = None
    pairs: int = 0

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        self.pairs += 1
        if self.pair_error is not None:
            raise self.pair_error


def make_layout(model: ModelInfo, *, battery: bool = True) -> dict[str, list[str]]:
    auth = [
        m.CHAR_FIRMWARE,
        m.CHAR_APP_CHALLENGE,
        m.CHAR_DEVICE_CHALLENGE,
        m.CHAR_DEVICE_RESPONSE,
    ]
    probes = [*m.CHAR_PROBES[: model.probes], *m.CHAR_THRESHOLDS[: model.probes]]
    layout = {AUTH_SERVICE: auth, SERVICE_OF[model.model_id]: [m.CHAR_UNIT, *probes]}
    if battery:
        layout[BATTERY_SERVICE] = [m.CHAR_BATTERY]
    if "propane" in model.capabilities:
        layout[PROPANE_SERVICE] = [m.CHAR_PROPANE]
    if "elements" in model.capabilities:
        layout[PULSE_SERVICE] = [m.CHAR_ELEMENTS]
    return layout


def make_values(model: ModelInfo) -> dict[str, Outcome]:
    values: dict[str, Outcome] = {
        m.CHAR_FIRMWARE: b"1.5\x00\x00\x00",
        m.CHAR_UNIT: b"\x01",
        m.CHAR_DEVICE_CHALLENGE: CHALLENGE,
        m.CHAR_BATTERY: b"\x46",
        m.CHAR_PROPANE: b"\x02",
        m.CHAR_ELEMENTS: b" 200 210 225 230",
    }
    for index, uuid in enumerate(m.CHAR_PROBES[: model.probes]):
        values[uuid] = (20 + index).to_bytes(2, "little")
    return values


def make_client(model: ModelInfo, **kwargs: Any) -> FakeClient:
    return FakeClient(make_layout(model), make_values(model), **kwargs)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Handshake retry delays, recorded instead of slept."""
    delays: list[float] = []

    async def fake_sleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    return delays


class Updates:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def make_driver(model: ModelInfo = m.IGRILL_V2) -> tuple[IGrillDriver, Updates]:
    updates = Updates()
    return IGrillDriver(model, updates, handshake_retry_delay=0), updates


async def test_start_handshake_reads_and_subscribes() -> None:
    driver, updates = make_driver()
    assert driver.state.probes == [None] * 4
    assert driver.poll_interval == 30.0
    client = make_client(m.IGRILL_V2)

    await driver.async_start(client)

    assert client.writes == [
        (m.CHAR_APP_CHALLENGE, bytes(16), True),
        (m.CHAR_DEVICE_RESPONSE, CHALLENGE, True),
    ]
    assert client.reads[0] == m.CHAR_DEVICE_CHALLENGE  # nothing is read before the handshake
    state = driver.state
    assert (state.firmware, state.unit, state.battery) == ("1.5", "°C", 70)
    assert state.probes == [20, 21, 22, 23]
    assert (state.propane, state.elements) == (None, None)
    assert set(client.callbacks) == {*m.CHAR_PROBES, m.CHAR_BATTERY}
    assert updates.count == 1


async def test_handshake_retries_then_succeeds() -> None:
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    client.queued[m.CHAR_DEVICE_CHALLENGE] = [CHALLENGE[:8]]
    client.write_errors[m.CHAR_APP_CHALLENGE] = [TimeoutError()]

    await driver.async_start(client)

    app_writes = [w for w in client.writes if w[0] == m.CHAR_APP_CHALLENGE]
    assert len(app_writes) == 3  # write timeout, short challenge, success
    assert client.writes[-1] == (m.CHAR_DEVICE_RESPONSE, CHALLENGE, True)
    assert updates.count == 1


async def test_handshake_gives_up_after_three_attempts(sleeps: list[float]) -> None:
    updates = Updates()
    driver = IGrillDriver(m.IGRILL_V2, updates, handshake_retry_delay=0.5)
    client = make_client(m.IGRILL_V2)
    client.values[m.CHAR_DEVICE_CHALLENGE] = BleakError("Insufficient authentication")

    with pytest.raises(HandshakeError) as info:
        await driver.async_start(client)

    assert isinstance(info.value.__cause__, BleakError)
    assert client.reads == [m.CHAR_DEVICE_CHALLENGE] * 3
    assert sleeps == [0.5, 0.5]
    assert updates.count == 0


async def test_default_retry_delay_is_one_second(sleeps: list[float]) -> None:
    driver = IGrillDriver(m.IGRILL_V2, Updates())
    client = make_client(m.IGRILL_V2)
    client.queued[m.CHAR_DEVICE_CHALLENGE] = [BleakError("busy")]
    await driver.async_start(client)
    assert sleeps == [1.0]


@pytest.mark.parametrize(
    "error",
    [None, NotImplementedError(), BleakError("no agent"), TimeoutError(), EOFError()],
)
async def test_pairing_is_tried_and_failure_tolerated(error: BaseException | None) -> None:
    driver, updates = make_driver()
    client = PairingClient(make_layout(m.IGRILL_V2), make_values(m.IGRILL_V2), pair_error=error)

    await driver.async_start(client)

    assert client.pairs == 1
    assert updates.count == 1


async def test_other_pairing_errors_propagate() -> None:
    driver, _ = make_driver()
    client = PairingClient(
        make_layout(m.IGRILL_V2), make_values(m.IGRILL_V2), pair_error=RuntimeError("boom")
    )
    with pytest.raises(RuntimeError):
        await driver.async_start(client)


@pytest.mark.parametrize(
    ("given", "actual"),
    [(m.IGRILL_V2, m.IGRILL_V202), (m.IGRILL_V2, m.IGRILL_MINI), (m.IGRILL_MINI, m.PULSE_2000)],
)
async def test_model_refined_from_services(given: ModelInfo, actual: ModelInfo) -> None:
    driver, _ = make_driver(given)
    client = make_client(actual)

    await driver.async_start(client)

    assert driver.model == actual
    assert len(driver.state.probes) == actual.probes
    assert driver.state.probes[0] == 20
    assert set(m.CHAR_PROBES[: actual.probes]) <= set(client.callbacks)


async def test_services_in_upper_case_are_recognised() -> None:
    driver, _ = make_driver(m.IGRILL_MINI)
    client = make_client(m.IGRILL_V3)
    client.layout = {uuid.upper(): chars for uuid, chars in client.layout.items()}
    await driver.async_start(client)
    assert driver.model == m.IGRILL_V3


async def test_unsupported_services() -> None:
    driver, updates = make_driver()
    client = FakeClient({AUTH_SERVICE: [], BATTERY_SERVICE: [m.CHAR_BATTERY]}, {})

    with pytest.raises(UnsupportedDeviceError):
        await driver.async_start(client)

    assert client.writes == []
    assert updates.count == 0


async def test_unplugged_sentinel() -> None:
    driver, _ = make_driver()
    client = make_client(m.IGRILL_V2)
    client.values[m.CHAR_PROBES[1]] = UNPLUGGED
    client.values[m.CHAR_PROBES[3]] = UNPLUGGED + b"\x00"

    await driver.async_start(client)

    assert driver.state.probes == [20, None, 22, None]


@pytest.mark.parametrize(
    "error",
    [
        BleakDBusError("org.bluez.Error.Failed", [ATT_0E_TEXT]),
        AttError(0x0E),
        BleakError("ATT ERROR 0X0E"),
    ],
)
async def test_att_unlikely_error_means_unplugged_then_plugged_in(error: BleakError) -> None:
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    client.values[m.CHAR_PROBES[2]] = error

    await driver.async_start(client)
    assert driver.state.probes == [20, 21, None, 23]

    await driver.async_poll(client)  # still empty: read again, nothing changed
    assert client.probe_reads().count(3) == 2
    assert updates.count == 1

    client.values[m.CHAR_PROBES[2]] = b"\x41\x00"  # probe plugged in
    await driver.async_poll(client)
    assert driver.state.probes == [20, 21, 65, 23]
    assert updates.count == 2


async def test_other_probe_read_errors_propagate() -> None:
    driver, _ = make_driver()
    client = make_client(m.IGRILL_V2)
    client.values[m.CHAR_PROBES[0]] = AttError(0x05)
    with pytest.raises(BleakError):
        await driver.async_start(client)


@pytest.mark.parametrize("data", [b"", b"\x01\x00"])
async def test_malformed_unit_fails_the_start(data: bytes) -> None:
    """Every probe value depends on the unit, so a start without it is no start."""
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    client.values[m.CHAR_UNIT] = data
    with pytest.raises(DeviceError, match="malformed"):
        await driver.async_start(client)
    assert updates.count == 0


async def test_malformed_values_at_start_are_skipped() -> None:
    driver, updates = make_driver(m.PULSE_2000)
    driver.state.probes = [99, 99, 99, 99]  # from an earlier link: never kept
    driver.state.battery = 55
    client = make_client(m.PULSE_2000)
    client.values[m.CHAR_PROBES[1]] = b"\x01"
    client.values[m.CHAR_BATTERY] = b"\x46\x00"
    client.values[m.CHAR_FIRMWARE] = b"1.\xe95"
    client.values[m.CHAR_ELEMENTS] = b" 200"

    await driver.async_start(client)

    state = driver.state
    assert state.probes == [20, None, 22, 23]
    assert (state.battery, state.firmware, state.elements) == (55, None, None)
    assert state.unit == "°C"
    assert set(client.callbacks) == {*m.CHAR_PROBES, m.CHAR_BATTERY, m.CHAR_ELEMENTS}
    assert updates.count == 1


@pytest.mark.parametrize("error", [EOFError(), BrokenPipeError(), TimeoutError(), BleakError()])
async def test_dying_link_errors_fail_the_handshake(
    sleeps: list[float], error: BaseException
) -> None:
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    client.values[m.CHAR_DEVICE_CHALLENGE] = error

    with pytest.raises(HandshakeError, match="after 3 attempt") as info:
        await driver.async_start(client)

    assert info.value.__cause__ is error
    assert client.reads == [m.CHAR_DEVICE_CHALLENGE] * 3
    assert updates.count == 0


async def test_handshake_stops_retrying_once_the_link_is_gone(sleeps: list[float]) -> None:
    driver, _ = make_driver()
    client = make_client(m.IGRILL_V2)

    async def link_drops(char_specifier: Any, **kwargs: Any) -> bytearray:
        client.connected = False
        raise EOFError

    client.read_gatt_char = link_drops  # type: ignore[method-assign]

    with pytest.raises(HandshakeError, match="after 1 attempt") as info:
        await driver.async_start(client)

    assert isinstance(info.value.__cause__, EOFError)
    assert [w[0] for w in client.writes] == [m.CHAR_APP_CHALLENGE]
    assert sleeps == []


def test_is_unlikely_error() -> None:
    assert is_unlikely_error(AttError(0x0E))
    assert is_unlikely_error(BleakDBusError("org.bluez.Error.Failed", [ATT_0E_TEXT]))
    assert not is_unlikely_error(AttError(0x0F))
    assert not is_unlikely_error(TimeoutError())


async def test_notifications_update_state_once_per_change() -> None:
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    await driver.async_start(client)

    client.notify(m.CHAR_PROBES[0], b"\x96\x00\x00")
    assert driver.state.probes[0] == 150
    assert updates.count == 2
    client.notify(m.CHAR_PROBES[0], b"\x96\x00\x00")  # same value: no update
    assert updates.count == 2
    client.notify(m.CHAR_PROBES[1], UNPLUGGED + b"\x00")
    client.notify(m.CHAR_BATTERY, b"\x45")
    assert driver.state.probes[1] is None
    assert driver.state.battery == 69
    assert updates.count == 4


async def test_malformed_notification_ignored(caplog: pytest.LogCaptureFixture) -> None:
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    await driver.async_start(client)
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)

    client.notify(m.CHAR_PROBES[0], b"\x01")
    client.notify(m.CHAR_BATTERY, b"\xff")

    assert driver.state.probes[0] == 20
    assert driver.state.battery == 70
    assert updates.count == 1
    malformed = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert len(malformed) == 2


async def test_poll_rereads_only_silent_probes() -> None:
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    await driver.async_start(client)
    client.notify(m.CHAR_PROBES[0], b"\x20\x00")  # 32, was 20
    client.notify(m.CHAR_PROBES[2], b"\x16\x00")  # 22, unchanged
    assert updates.count == 2
    client.reads.clear()

    await driver.async_poll(client)
    assert client.probe_reads() == [2, 4]
    assert {m.CHAR_UNIT, m.CHAR_BATTERY} <= set(client.reads)
    assert updates.count == 2  # nothing changed

    client.reads.clear()
    client.values[m.CHAR_BATTERY] = b"\x44"
    await driver.async_poll(client)  # no notifications since the last poll: read all
    assert client.probe_reads() == [1, 2, 3, 4]
    assert driver.state.battery == 68
    assert updates.count == 3


async def test_poll_skips_malformed_values_and_reads_the_rest() -> None:
    driver, updates = make_driver(m.IGRILL_V3)
    client = make_client(m.IGRILL_V3)
    await driver.async_start(client)
    client.values[m.CHAR_UNIT] = b"\x00\x00"
    client.values[m.CHAR_BATTERY] = b"\x20\x41\x9c"
    client.values[m.CHAR_PROPANE] = b"\x04"
    client.values[m.CHAR_PROBES[0]] = b"\x7f"
    client.values[m.CHAR_PROBES[1]] = b"\x30\x00"
    client.reads.clear()

    await driver.async_poll(client)

    state = driver.state
    assert (state.unit, state.battery, state.propane) == ("°C", 70, 100)
    assert state.probes == [20, 48, 22, 23]
    assert client.probe_reads() == [1, 2, 3, 4]
    assert updates.count == 2


async def test_poll_skips_malformed_values_without_an_update() -> None:
    driver, updates = make_driver(m.IGRILL_V3)
    client = make_client(m.IGRILL_V3)
    await driver.async_start(client)
    for uuid in (m.CHAR_UNIT, m.CHAR_BATTERY, m.CHAR_PROPANE):
        client.values[uuid] = b""
    await driver.async_poll(client)
    assert (driver.state.unit, driver.state.battery, driver.state.propane) == ("°C", 70, 50)
    assert updates.count == 1


@pytest.mark.parametrize("error", [TimeoutError(), EOFError(), BleakError("not connected")])
async def test_failed_poll_still_announces_what_it_stored(error: BaseException) -> None:
    driver, updates = make_driver(m.IGRILL_V3)
    client = make_client(m.IGRILL_V3)
    await driver.async_start(client)
    client.values[m.CHAR_BATTERY] = b"\x45"
    client.values[m.CHAR_PROPANE] = error

    with pytest.raises(type(error)):
        await driver.async_poll(client)

    assert driver.state.battery == 69
    assert driver.state.propane == 50
    assert updates.count == 2  # the entities see the battery the driver holds


async def test_failed_poll_without_changes_does_not_announce() -> None:
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    await driver.async_start(client)
    client.values[m.CHAR_UNIT] = TimeoutError()
    with pytest.raises(TimeoutError):
        await driver.async_poll(client)
    assert updates.count == 1


async def test_poll_reads_the_unit() -> None:
    driver, updates = make_driver()
    client = make_client(m.IGRILL_V2)
    await driver.async_start(client)
    client.values[m.CHAR_UNIT] = b"\x00"
    await driver.async_poll(client)
    assert driver.state.unit == "°F"
    assert updates.count == 2


async def test_pulse_2000_elements() -> None:
    driver, updates = make_driver(m.PULSE_2000)
    client = make_client(m.PULSE_2000)
    await driver.async_start(client)

    assert driver.state.elements == HeatingElements(200, 210, 225, 230)
    assert m.CHAR_ELEMENTS in client.callbacks
    assert driver.state.battery == 70  # a Battery Service is present even on mains power

    client.notify(m.CHAR_ELEMENTS, b" 205 210 225 230")
    assert driver.state.elements == HeatingElements(205, 210, 225, 230)
    assert updates.count == 2

    client.values[m.CHAR_ELEMENTS] = b" 210 215 225 230"
    await driver.async_poll(client)
    assert driver.state.elements == HeatingElements(210, 215, 225, 230)
    assert updates.count == 3


async def test_pulse_1000_has_only_left_values() -> None:
    driver, _ = make_driver(m.PULSE_1000)
    client = make_client(m.PULSE_1000)
    await driver.async_start(client)
    assert driver.state.elements == HeatingElements(200, None, 225, None)
    assert driver.state.probes == [20, 21]


async def test_v3_propane() -> None:
    driver, updates = make_driver(m.IGRILL_V3)
    client = make_client(m.IGRILL_V3)
    await driver.async_start(client)

    assert driver.state.propane == 50
    client.notify(m.CHAR_PROPANE, b"\x04")
    assert driver.state.propane == 100
    assert updates.count == 2


async def test_optional_characteristics_missing() -> None:
    driver, _ = make_driver(m.IGRILL_V3)
    client = FakeClient(make_layout(m.IGRILL_V3, battery=False), make_values(m.IGRILL_V3))
    client.layout[PROPANE_SERVICE] = []
    client.layout[AUTH_SERVICE].remove(m.CHAR_FIRMWARE)

    await driver.async_start(client)

    assert (driver.state.battery, driver.state.propane, driver.state.firmware) == (None, None, None)
    assert set(client.callbacks) == set(m.CHAR_PROBES)
    client.reads.clear()
    await driver.async_poll(client)
    assert not {m.CHAR_BATTERY, m.CHAR_PROPANE, m.CHAR_FIRMWARE} & set(client.reads)


@pytest.mark.parametrize(
    ("probe", "low", "high", "uuid", "data"),
    [
        (1, None, None, m.CHAR_THRESHOLDS[0], "0080ff7f"),
        (2, None, 203, m.CHAR_THRESHOLDS[1], "0080cb00"),
        (4, -20, 300, m.CHAR_THRESHOLDS[3], "ecff2c01"),
    ],
)
async def test_set_threshold(
    probe: int, low: int | None, high: int | None, uuid: str, data: str
) -> None:
    driver, _ = make_driver()
    client = make_client(m.IGRILL_V2)
    await driver.async_set_threshold(client, probe, low, high)
    assert client.writes == [(uuid, bytes.fromhex(data), True)]


@pytest.mark.parametrize("probe", [0, 2])
async def test_set_threshold_unknown_probe(probe: int) -> None:
    driver, _ = make_driver(m.IGRILL_MINI)
    client = make_client(m.IGRILL_MINI)
    with pytest.raises(ValueError, match="no probe"):
        await driver.async_set_threshold(client, probe, None, 100)
    assert client.writes == []


async def test_probe_alarm_capability_sets_the_high_limit_only() -> None:
    driver, _ = make_driver()
    assert isinstance(driver, ProbeAlarmDriver)
    client = make_client(m.IGRILL_V2)
    await driver.async_set_probe_alarm(client, 2, 57)
    await driver.async_set_probe_alarm(client, 3, None)
    assert client.writes == [
        (m.CHAR_THRESHOLDS[1], bytes.fromhex("00803900"), True),
        (m.CHAR_THRESHOLDS[2], bytes.fromhex("0080ff7f"), True),
    ]
