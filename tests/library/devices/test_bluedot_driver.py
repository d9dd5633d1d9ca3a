# mypy: disable-error-code="unreachable"
# (asserting a state field before and after a notification trips mypy's narrowing)
"""BlueDotDriver against an in-test fake GATT client and against the emulator."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from bleak.exc import BleakError

from custom_components.kitchen_ble.library.devices import Driver
from custom_components.kitchen_ble.library.devices.base import (
    NotifyCallback,
    ProbeAlarmDriver,
    UnsupportedDeviceError,
)
from custom_components.kitchen_ble.library.devices.bluedot import driver as driver_module
from custom_components.kitchen_ble.library.devices.bluedot.driver import BlueDotDriver
from custom_components.kitchen_ble.library.devices.bluedot.models import (
    BLUEDOT,
    CHAR_HIGH_ALARM,
    CHAR_INTERVAL,
    CHAR_LOW_ALARM,
    CHAR_UNITS,
    CHAR_UPDATES,
    SERVICE_UUID,
)
from custom_components.kitchen_ble.library.devices.thermometer import DeviceAlarm, TemperatureUnit
from emulator.bluedot import BlueDotDevice, create_bluedot
from emulator.proxy import VirtualProxy
from tests.emulator.common import connect

B1 = bytes.fromhex("00480000009600000000000100aabbccddeeff00")  # 72 °F, alarm 150
B2 = bytes.fromhex("00190000009600000000000000aabbccddeeff00")  # 25 °C
B6 = bytes.fromhex("03480000009600000000000100aabbccddeeff00")  # unplugged
B7 = bytes.fromhex("00480000009600000000000100aabbccddeeff01")  # alarm sounding
B9 = bytes.fromhex("00480000009600000001000100aabbccddeeff00")  # silenced
B10 = bytes.fromhex("00480000009600000000010100aabbccddeeff00")  # disabled
ALL_CHARS = [CHAR_UPDATES, CHAR_INTERVAL, CHAR_HIGH_ALARM, CHAR_LOW_ALARM, CHAR_UNITS]


@dataclass
class FakeCharacteristic:
    uuid: str


@dataclass
class FakeService:
    uuid: str
    characteristics: list[FakeCharacteristic]


class FakeServices:
    def __init__(self, chars: list[str]) -> None:
        self._services = [FakeService(SERVICE_UUID, [FakeCharacteristic(c) for c in chars])]

    def __iter__(self) -> Iterator[FakeService]:
        return iter(self._services)

    def get_characteristic(self, uuid: str) -> FakeCharacteristic | None:
        chars = (c for s in self._services for c in s.characteristics)
        return next((c for c in chars if c.uuid == uuid.lower()), None)


@dataclass
class FakeClient:
    """Records writes and subscriptions; nothing is readable on a BlueDOT."""

    chars: list[str] = field(default_factory=lambda: list(ALL_CHARS))
    write_errors: list[BaseException] = field(default_factory=list)
    writes: list[tuple[str, bytes, bool]] = field(default_factory=list)
    callbacks: dict[str, NotifyCallback] = field(default_factory=dict)

    @property
    def is_connected(self) -> bool:
        return True

    @property
    def services(self) -> FakeServices:
        return FakeServices(self.chars)

    async def read_gatt_char(self, char_specifier: Any, **kwargs: Any) -> bytearray:
        raise AssertionError(f"the driver read {char_specifier}")

    async def write_gatt_char(
        self, char_specifier: Any, data: bytes | bytearray, response: bool
    ) -> None:
        self.writes.append((char_specifier, bytes(data), response))
        if self.write_errors:
            raise self.write_errors.pop(0)

    async def start_notify(
        self, char_specifier: Any, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self.callbacks[char_specifier] = callback

    def notify(self, data: bytes) -> None:
        self.callbacks[CHAR_UPDATES](object(), bytearray(data))


class Updates:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def make_driver(**kwargs: Any) -> tuple[BlueDotDriver, Updates]:
    updates = Updates()
    return BlueDotDriver(BLUEDOT, updates, **kwargs), updates


async def started(**kwargs: Any) -> tuple[BlueDotDriver, Updates, FakeClient]:
    driver, updates = make_driver()
    client = FakeClient(**kwargs)
    await driver.async_start(client)
    client.writes.clear()
    return driver, updates, client


# Start ----------------------------------------------------------------------


async def test_start_sets_interval_and_subscribes_without_waiting() -> None:
    driver, updates = make_driver()
    protocol: Driver = driver  # satisfies the registry's Driver protocol
    assert isinstance(driver, ProbeAlarmDriver)  # and the optional alarm capability
    assert protocol.poll_interval == 60.0
    assert driver.state.probes == [None]
    assert driver.state.alarm is None
    assert driver.state.probe_connected is None
    client = FakeClient()

    await driver.async_start(client)

    assert client.writes == [(CHAR_INTERVAL, b"\x02", True)]
    assert list(client.callbacks) == [CHAR_UPDATES]
    assert updates.count == 0  # nothing known until the first packet
    assert driver.state.probes == [None]


async def test_custom_update_interval() -> None:
    driver, _ = make_driver(update_interval=5)
    client = FakeClient()
    await driver.async_start(client)
    assert client.writes == [(CHAR_INTERVAL, b"\x05", True)]


@pytest.mark.parametrize("seconds", [0, 256])
def test_bad_update_interval_refused_at_once(seconds: int) -> None:
    with pytest.raises(ValueError, match="update interval"):
        make_driver(update_interval=seconds)


async def test_no_updates_characteristic_is_unsupported() -> None:
    driver, _ = make_driver()
    client = FakeClient(chars=[CHAR_INTERVAL, CHAR_HIGH_ALARM])
    with pytest.raises(UnsupportedDeviceError, match="update characteristic"):
        await driver.async_start(client)
    assert client.writes == []
    assert client.callbacks == {}


async def test_no_interval_characteristic_still_subscribes() -> None:
    driver, _ = make_driver()
    client = FakeClient(chars=[CHAR_UPDATES])
    await driver.async_start(client)
    assert client.writes == []
    assert list(client.callbacks) == [CHAR_UPDATES]


async def test_interval_write_refused_still_subscribes() -> None:
    driver, _ = make_driver()
    client = FakeClient(write_errors=[BleakError("ATT error 0x03")])
    await driver.async_start(client)
    assert len(client.writes) == 1
    assert list(client.callbacks) == [CHAR_UPDATES]


async def test_interval_write_timeout_propagates() -> None:
    driver, _ = make_driver()
    client = FakeClient(write_errors=[TimeoutError()])
    with pytest.raises(TimeoutError):
        await driver.async_start(client)


# Packets ----------------------------------------------------------------------


async def test_packets_update_state_once_per_change() -> None:
    driver, updates, client = await started()

    client.notify(B1)
    assert driver.state.probes == [72]
    assert driver.state.unit == "°F"
    assert driver.state.alarm == DeviceAlarm(high=150, active=False, silenced=False, disabled=False)
    assert driver.state.probe_connected is True
    assert updates.count == 1

    client.notify(B1)  # same again: no update
    assert updates.count == 1

    client.notify(B7)
    assert driver.state.alarm == DeviceAlarm(150, active=True, silenced=False, disabled=False)
    client.notify(B9)
    assert driver.state.alarm == DeviceAlarm(150, active=False, silenced=True, disabled=False)
    client.notify(B10)
    assert driver.state.alarm == DeviceAlarm(150, active=False, silenced=False, disabled=True)
    assert updates.count == 4

    client.notify(B6)
    assert driver.state.probes == [None]
    assert driver.state.probe_connected is False
    assert updates.count == 5

    client.notify(B2)
    assert driver.state.probes == [25]
    assert driver.state.unit == "°C"
    assert updates.count == 6
    assert client.writes == []


async def test_unit_change_alone_is_an_update() -> None:
    driver, updates, client = await started()
    client.notify(B1)
    client.notify(B1[:11] + b"\x00" + B1[12:])  # same numbers, now °C
    assert driver.state.unit == "°C"
    assert updates.count == 2


@pytest.mark.parametrize(
    "data",
    [b"", bytes(10), B1 + b"\x00", B1[:11] + b"\x07" + B1[12:]],
    ids=["empty", "short", "long", "unknown-unit"],
)
async def test_malformed_packet_ignored(caplog: pytest.LogCaptureFixture, data: bytes) -> None:
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)
    driver, updates, client = await started()
    client.notify(B1)
    client.notify(data)  # must not raise
    assert updates.count == 1
    assert driver.state.probes == [72]
    malformed = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert len(malformed) == 1
    assert malformed[0].levelno == logging.DEBUG


# Poll, alarm, stop -------------------------------------------------------------


async def test_poll_writes_the_interval_only_after_silence() -> None:
    driver, updates, client = await started()
    client.notify(B1)
    await driver.async_poll(client)  # heard since start: nothing to do
    assert client.writes == []
    await driver.async_poll(client)  # silent since the last poll
    assert client.writes == [(CHAR_INTERVAL, b"\x02", True)]
    client.notify(B1)
    await driver.async_poll(client)
    assert len(client.writes) == 1
    assert updates.count == 1


async def test_poll_write_errors_propagate() -> None:
    driver, _, client = await started()
    client.write_errors.append(BleakError("not connected"))
    with pytest.raises(BleakError):
        await driver.async_poll(client)


async def test_set_probe_alarm() -> None:
    driver, updates, client = await started()
    await driver.async_set_probe_alarm(client, 1, 203)
    assert client.writes == [(CHAR_HIGH_ALARM, bytes([203]), True)]
    assert updates.count == 0  # the next packet confirms it


async def test_clearing_the_probe_alarm_writes_the_highest_value() -> None:
    driver, _, client = await started()
    await driver.async_set_probe_alarm(client, 1, None)
    assert client.writes == [(CHAR_HIGH_ALARM, b"\xff", True)]


@pytest.mark.parametrize("high", [256, 302, 572])
async def test_a_probe_alarm_above_one_byte_is_capped(
    caplog: pytest.LogCaptureFixture, high: int
) -> None:
    """More than the device holds (150 °C is 302 °F): 255 goes out, not nothing."""
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)
    driver, _, client = await started()
    await driver.async_set_probe_alarm(client, 1, high)
    assert client.writes == [(CHAR_HIGH_ALARM, b"\xff", True)]
    assert f"High alarm {high} is more than the device holds; writing 255" in caplog.text


@pytest.mark.parametrize(("probe", "high"), [(2, 100), (0, 100), (2, 302), (1, -1)])
async def test_set_probe_alarm_refused(probe: int, high: int) -> None:
    driver, _, client = await started()
    with pytest.raises(ValueError, match=r"no probe|one unsigned byte"):
        await driver.async_set_probe_alarm(client, probe, high)
    assert client.writes == []


async def test_stop_restores_the_idle_interval() -> None:
    driver, _, client = await started()
    await driver.async_stop(client)
    assert client.writes == [(CHAR_INTERVAL, b"\x3c", True)]


@pytest.mark.parametrize("error", [BleakError("gone"), TimeoutError()])
async def test_stop_never_raises(caplog: pytest.LogCaptureFixture, error: BaseException) -> None:
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)
    driver, _, client = await started()
    client.write_errors.append(error)
    await driver.async_stop(client)  # the error of the write is not raised here ...
    assert client.writes == [(CHAR_INTERVAL, b"\x3c", True)]  # ... though the write was tried
    assert client.write_errors == [], "the error was raised by the write"
    assert f"Could not restore the idle interval: {error!r}" in caplog.text


# What the device reports for its alarm (AlarmReporting) ------------------------------


@pytest.mark.parametrize(
    ("written", "reported"), [(None, 255), (0, 0), (135, 135), (255, 255), (256, 255), (302, 255)]
)
def test_reported_alarm_is_what_the_device_holds(written: int | None, reported: int) -> None:
    driver, _ = make_driver()
    assert driver.reported_alarm(written) == reported


@pytest.mark.parametrize(
    ("reported", "unit", "target"),
    [
        (150, "°F", 150),
        (254, "°F", 254),
        (255, "°F", None),
        (491, "°F", None),  # 255 °C shown in °F
        (124, "°F", 124),
        (65, "°C", 65),
        (124, "°C", None),  # 255 °F shown in °C
        (123, "°C", None),
        (180, "°C", 180),
        (255, "°C", None),
    ],
)
def test_alarm_target_knows_no_alarm_in_each_unit(
    reported: int, unit: TemperatureUnit, target: int | None
) -> None:
    driver, _ = make_driver()
    assert driver.alarm_target(reported, unit) == target


# Against the emulator ------------------------------------------------------------


@pytest.fixture
def proxy() -> VirtualProxy:
    """A proxy no Home Assistant knows about; tests tick it by hand."""
    return VirtualProxy(suffix="bluedot-driver")


async def emulated(proxy: VirtualProxy, **options: Any) -> tuple[BlueDotDevice, Any]:
    device = proxy.add(create_bluedot(**options))
    return device, await connect(proxy, device.address)


async def test_emulated_bluedot_end_to_end(proxy: VirtualProxy) -> None:
    device, client = await emulated(proxy, high_alarm=200, seed=7)
    driver, updates = make_driver()
    await driver.async_start(client)
    assert device.interval == 2

    proxy.tick(1.0)
    assert updates.count == 0  # the first packet comes after one interval
    proxy.tick(1.0)
    assert updates.count == 1
    assert driver.state.unit == "°F"
    assert driver.state.probes == [device.reading]
    assert driver.state.alarm == DeviceAlarm(200, active=False, silenced=False, disabled=False)

    await driver.async_set_probe_alarm(client, 1, 40)
    assert device.high_alarm == 40
    proxy.tick(2.0)
    assert driver.state.alarm is not None
    assert driver.state.alarm.high == 40
    assert driver.state.alarm.active == (device.reading >= 40)

    device.unplug()
    proxy.tick(2.0)
    assert driver.state.probes == [None]
    assert driver.state.probe_connected is False

    await driver.async_poll(client)  # packets keep coming: nothing written
    await driver.async_stop(client)
    assert device.interval == 60
    await client.disconnect()


async def test_emulated_alarm_above_one_byte_is_capped(proxy: VirtualProxy) -> None:
    """150 °C on a °F device: 255 °F is written, so 70 °C (158 °F) does not sound it."""
    device, client = await emulated(proxy, unit=1, high_alarm=150, seed=5)
    device.plug(70.0)
    driver, _ = make_driver()
    await driver.async_start(client)
    await driver.async_set_probe_alarm(client, 1, 302)
    proxy.tick(2.0)
    assert device.high_alarm == 255
    assert driver.state.alarm == DeviceAlarm(255, active=False, silenced=False, disabled=False)
    assert driver.state.probes[0] is not None
    assert driver.state.probes[0] > 150  # past the old alarm
    await client.disconnect()


async def test_emulated_cooking_reaches_the_driver(proxy: VirtualProxy) -> None:
    _device, client = await emulated(proxy, unit=0, temperature=5.0, seed=3)
    driver, _ = make_driver()
    await driver.async_start(client)
    readings: list[float] = []
    for _ in range(30):
        proxy.tick(60.0)
        assert driver.state.probes[0] is not None
        readings.append(driver.state.probes[0])
    assert driver.state.unit == "°C"
    assert readings[-1] > readings[0] + 30  # half an hour in a 120 °C cooker


async def test_emulated_malformed_fault_is_ignored(proxy: VirtualProxy) -> None:
    device, client = await emulated(proxy, seed=1)
    driver, updates = make_driver()
    await driver.async_start(client)
    proxy.tick(2.0)
    before = (updates.count, list(driver.state.probes), driver.state.alarm)
    device.faults.malformed = True
    for _ in range(5):
        proxy.tick(2.0)
    assert (updates.count, driver.state.probes, driver.state.alarm) == before
    device.faults.malformed = False
    device.plug(90.0)
    proxy.tick(2.0)
    assert driver.state.probes[0] is not None
    assert driver.state.probes[0] > 150  # °F


async def test_emulated_drop_link_then_poll_fails(proxy: VirtualProxy) -> None:
    device, client = await emulated(proxy)
    driver, _ = make_driver()
    await driver.async_start(client)
    device.drop_link()
    assert not client.is_connected
    with pytest.raises(BleakError):
        await driver.async_poll(client)  # silent since start: tries to write
