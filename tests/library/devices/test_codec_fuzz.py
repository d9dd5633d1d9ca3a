"""Thermometer and node decoders and drivers under random and mutated frames.

Each codec documents that it raises ValueError on input it cannot handle (the
node codec: returns None, quietly, since it sees every 0xFFFF advertisement);
the drivers skip a malformed notification and keep their typed state, and a
start fails only with a ``DeviceError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.advertisers import node
from custom_components.kitchen_ble.library.devices.base import DeviceError, NotifyCallback
from custom_components.kitchen_ble.library.devices.bluedot import codec as bluedot
from custom_components.kitchen_ble.library.devices.bluedot.driver import BlueDotDriver
from custom_components.kitchen_ble.library.devices.bluedot.models import (
    BLUEDOT,
    CHAR_INTERVAL,
    CHAR_UPDATES,
    SERVICE_UUID,
)
from custom_components.kitchen_ble.library.devices.igrill import codec as igrill
from custom_components.kitchen_ble.library.devices.igrill import models as m
from custom_components.kitchen_ble.library.devices.igrill.driver import IGrillDriver
from custom_components.kitchen_ble.library.devices.thermometer import (
    HeatingElements,
    ThermometerState,
)
from tests.fuzz import frames, fuzz

# Valid frames, written out (fact sheet thermometers §1.5, §2.2; advertisers.md).
PROBE_20 = b"\x14\x00"  # 20 in the device unit
PROBE_V2 = b"\x14\x00\x00"  # V2 notifications add a third byte
UNPLUGGED = b"\x30\xf8"
ELEMENTS = b" 200 210 225 230"
FIRMWARE = b"1.5\x00\x00\x00"
CHALLENGE = bytes(range(0xA0, 0xB0))
BLUEDOT_72F = bytes.fromhex("00480000009600000000000100aabbccddeeff00")
BLUEDOT_25C = bytes.fromhex("00190000009600000000000000aabbccddeeff01")
NODE = bytes.fromhex("0100022d0300d20400000190" + "0564")  # closed, 45 %, 21.0 °C, 400 ppm, 100 %


def _outcome(decode: Callable[[bytes], object], data: bytes) -> object:
    try:
        return decode(data)
    except ValueError as err:
        return err


# --- iGrill codec ----------------------------------------------------------------------


@fuzz(300)
@given(data=frames(PROBE_20, PROBE_V2, UNPLUGGED, b"\x01", b"\x46", ELEMENTS, FIRMWARE))
def test_igrill_decoders_raise_value_error_only(data: bytes) -> None:
    probe = _outcome(igrill.decode_probe, data)
    assert probe is None or isinstance(probe, int | ValueError)
    assert isinstance(_outcome(igrill.decode_unit, data), str | ValueError)
    battery = _outcome(igrill.decode_battery, data)
    assert isinstance(battery, ValueError) or 0 <= battery <= 100  # type: ignore[operator]
    propane = _outcome(igrill.decode_propane, data)
    assert isinstance(propane, ValueError) or 0 <= propane <= 100  # type: ignore[operator]
    assert isinstance(_outcome(igrill.decode_elements, data), HeatingElements | ValueError)
    assert isinstance(_outcome(igrill.decode_firmware, data), str | ValueError)
    response = _outcome(igrill.device_response, data)
    assert isinstance(response, ValueError) or response == data


def test_igrill_valid_frames_decode() -> None:
    assert (igrill.decode_probe(PROBE_V2), igrill.decode_probe(UNPLUGGED)) == (20, None)
    assert igrill.decode_elements(ELEMENTS) == HeatingElements(200, 210, 225, 230)
    assert igrill.decode_firmware(FIRMWARE) == "1.5"


@fuzz(200)
@given(low=st.none() | st.integers(), high=st.none() | st.integers())
def test_igrill_threshold_encoder_raises_value_error_only(
    low: int | None, high: int | None
) -> None:
    encoded = _outcome(lambda _: igrill.encode_threshold(low, high), b"")
    assert isinstance(encoded, ValueError) or len(encoded) == 4  # type: ignore[arg-type]


# --- a GATT client for the drivers ------------------------------------------------------


@dataclass
class Characteristic:
    uuid: str


@dataclass
class Service:
    uuid: str
    characteristics: list[Characteristic]


class Services:
    def __init__(self, layout: dict[str, list[str]]) -> None:
        self._services = [
            Service(uuid, [Characteristic(char) for char in chars])
            for uuid, chars in layout.items()
        ]

    def __iter__(self) -> Iterator[Service]:
        return iter(self._services)

    def get_characteristic(self, uuid: str) -> Characteristic | None:
        chars = (char for service in self._services for char in service.characteristics)
        return next((char for char in chars if char.uuid == uuid.lower()), None)


@dataclass
class Client:
    """Answers reads from ``values``; keeps the notification callbacks."""

    layout: dict[str, list[str]]
    values: dict[str, bytes]
    callbacks: dict[str, NotifyCallback] = field(default_factory=dict)

    @property
    def is_connected(self) -> bool:
        return True

    @property
    def services(self) -> Services:
        return Services(self.layout)

    async def read_gatt_char(self, char_specifier: Any, **kwargs: Any) -> bytearray:
        return bytearray(self.values[char_specifier])

    async def write_gatt_char(
        self, char_specifier: Any, data: bytes | bytearray, response: bool
    ) -> None:
        pass

    async def start_notify(
        self, char_specifier: Any, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self.callbacks[char_specifier] = callback


def _run(coroutine: Any) -> None:
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(coroutine)
    finally:
        loop.close()


def _assert_typed(state: ThermometerState) -> None:
    assert all(probe is None or isinstance(probe, int) for probe in state.probes)
    assert state.battery is None or 0 <= state.battery <= 100
    assert state.propane is None or 0 <= state.propane <= 100
    assert state.unit in ("°C", "°F")
    assert state.elements is None or isinstance(state.elements, HeatingElements)


# --- iGrill driver ---------------------------------------------------------------------

PULSE_SERVICE = "6c910000-58dc-41c7-943f-518b278ceaaa"
IGRILL_LAYOUT = {
    "64ac0000-4a4b-4b58-9f37-94d3c52ffdf7": [
        m.CHAR_FIRMWARE,
        m.CHAR_APP_CHALLENGE,
        m.CHAR_DEVICE_CHALLENGE,
        m.CHAR_DEVICE_RESPONSE,
    ],
    "7e920000-68dc-41c7-943f-518b278cea88": [m.CHAR_UNIT, *m.CHAR_PROBES, *m.CHAR_THRESHOLDS],
    "0000180f-0000-1000-8000-00805f9b34fb": [m.CHAR_BATTERY],
    "f5d40000-3548-4c22-9947-f3673fce3cd9": [m.CHAR_PROPANE],
    PULSE_SERVICE: [m.CHAR_ELEMENTS],
}
IGRILL_VALUES = {
    m.CHAR_FIRMWARE: FIRMWARE,
    m.CHAR_UNIT: b"\x01",
    m.CHAR_DEVICE_CHALLENGE: CHALLENGE,
    m.CHAR_BATTERY: b"\x46",
    m.CHAR_PROPANE: b"\x02",
    m.CHAR_ELEMENTS: ELEMENTS,
    **dict.fromkeys(m.CHAR_PROBES, PROBE_20),
}
IGRILL_NOTIFIED = (*m.CHAR_PROBES, m.CHAR_BATTERY, m.CHAR_ELEMENTS)


def started_igrill(values: dict[str, bytes] | None = None) -> tuple[IGrillDriver, Client]:
    """A Pulse 2000 (four probes, elements, battery) after its start."""
    client = Client(IGRILL_LAYOUT, IGRILL_VALUES | (values or {}))
    driver = IGrillDriver(m.PULSE_2000, lambda: None, handshake_retry_delay=0)
    _run(driver.async_start(client))
    return driver, client


@fuzz(200)
@given(
    notifications=st.lists(
        st.tuples(
            st.sampled_from(IGRILL_NOTIFIED),
            frames(PROBE_20, PROBE_V2, UNPLUGGED, b"\x46", ELEMENTS),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_igrill_notifications_keep_the_state_typed(notifications: list[tuple[str, bytes]]) -> None:
    driver, client = started_igrill()
    for uuid, data in notifications:
        client.callbacks[uuid](object(), bytearray(data))
        _assert_typed(driver.state)


@fuzz(150)
@given(
    reads=st.dictionaries(
        st.sampled_from([m.CHAR_UNIT, m.CHAR_FIRMWARE, m.CHAR_DEVICE_CHALLENGE, *IGRILL_NOTIFIED]),
        frames(PROBE_20, b"\x01", CHALLENGE, FIRMWARE, ELEMENTS),
        max_size=4,
    )
)
def test_igrill_start_and_poll_fail_only_as_device_errors(reads: dict[str, bytes]) -> None:
    client = Client(IGRILL_LAYOUT, IGRILL_VALUES | reads)
    driver = IGrillDriver(m.PULSE_2000, lambda: None, handshake_retry_delay=0)
    try:
        _run(driver.async_start(client))
    except DeviceError:
        return
    _assert_typed(driver.state)
    _run(driver.async_poll(client))  # a malformed value is skipped, never raised
    _assert_typed(driver.state)


# --- BlueDOT codec and driver ----------------------------------------------------------


@fuzz(300)
@given(data=frames(BLUEDOT_72F, BLUEDOT_25C))
def test_bluedot_decoder_raises_value_error_only(data: bytes) -> None:
    update = _outcome(bluedot.decode_update, data)
    if isinstance(update, ValueError):
        return
    assert isinstance(update, bluedot.BlueDotUpdate)
    assert len(data) == 20
    assert update.unit in ("°C", "°F")
    assert len(update.mac) == 6


def test_bluedot_valid_frames_decode() -> None:
    hot = bluedot.decode_update(BLUEDOT_72F)
    assert (hot.temperature, hot.alarm_high, hot.unit, hot.probe_connected) == (72, 150, "°F", True)
    assert bluedot.decode_update(BLUEDOT_25C).alarm_active


@fuzz(200)
@given(value=st.integers())
def test_bluedot_encoders_raise_value_error_only(value: int) -> None:
    for encode in (bluedot.encode_interval, bluedot.encode_high_alarm):
        encoded = _outcome(lambda _: encode(value), b"")  # noqa: B023 - called at once
        assert isinstance(encoded, ValueError) or encoded == bytes([value])
    assert bluedot.high_alarm_value(value) <= 255
    assert isinstance(bluedot.means_no_alarm(value, "°C"), bool)


@fuzz(200)
@given(packets=st.lists(frames(BLUEDOT_72F, BLUEDOT_25C), min_size=1, max_size=6))
def test_bluedot_notifications_keep_the_state_typed(packets: list[bytes]) -> None:
    client = Client({SERVICE_UUID: [CHAR_UPDATES, CHAR_INTERVAL]}, {})
    driver = BlueDotDriver(BLUEDOT, lambda: None)
    _run(driver.async_start(client))
    for data in packets:
        client.callbacks[CHAR_UPDATES](object(), bytearray(data))
        _assert_typed(driver.state)
        alarm = driver.state.alarm
        assert alarm is None or isinstance(alarm.high, int)
    _run(driver.async_poll(client))


# --- node ------------------------------------------------------------------------------


@fuzz(300)
@given(data=frames(NODE))
def test_node_decoder_never_raises(data: bytes) -> None:
    reading = node.decode_node(data)
    if reading is None:
        return
    assert len(data) == 14
    assert reading.humidity is None or 0 <= reading.humidity <= 100
    assert reading.battery is None or 0 <= reading.battery <= 100
    assert reading.temperature is not None
    assert -3276.8 <= reading.temperature <= 3276.7
    assert node.is_node({0xFFFF: data})


def test_node_valid_payload_decodes() -> None:
    assert node.decode_node(NODE) == node.NodeReading(False, 45, 21.0, 400, 100)


@fuzz(200)
@given(data=st.dictionaries(st.integers(0, 0xFFFF), frames(NODE), max_size=3))
def test_node_manufacturer_data_never_raises(data: dict[int, bytes]) -> None:
    reading = node.decode_manufacturer_data(data)
    assert (reading is not None) == (0xFFFF in data and node.decode_node(data[0xFFFF]) is not None)
