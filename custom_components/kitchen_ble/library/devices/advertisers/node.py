"""Passive environment node: Thingy:52-style key/value records in manufacturer data.

Fact sheet: advertisers.md. The node never accepts a connection; each
advertisement carries one complete measurement under company id 0xFFFF, the
Bluetooth SIG's value for testing, which other devices use too. So a payload is
a node's only if it has exactly 14 bytes *and* frames completely into known
records; anything else returns None, quietly, because this runs for every
advertisement of every 0xFFFF device.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ..base import DeviceKind, ModelInfo

type Payload = bytes | bytearray

COMPANY_ID: Final = 0xFFFF
PAYLOAD_SIZE: Final = 14  # company id already stripped

KEY_WINDOW: Final = 0x01  # 1 byte: 0 closed, 1 open
KEY_HUMIDITY: Final = 0x02  # 1 byte: % relative humidity
KEY_TEMPERATURE: Final = 0x03  # 2 bytes big-endian: tenths of °C
KEY_CO2: Final = 0x04  # 4 bytes big-endian: ppm; FF FF FF FF = failed or warming up
KEY_BATTERY: Final = 0x05  # 1 byte: %
VALUE_SIZES: Final[Mapping[int, int]] = {
    KEY_WINDOW: 1,
    KEY_HUMIDITY: 1,
    KEY_TEMPERATURE: 2,
    KEY_CO2: 4,
    KEY_BATTERY: 1,
}
CO2_NOT_READY: Final = 0xFFFFFFFF

FAMILY: Final = "node"
NODE: Final = ModelInfo(
    "thingy_node",
    "Environment node",
    "Nordic Semiconductor",  # Thingy:52 hardware; the firmware is a third party's
    FAMILY,
    kind=DeviceKind.SENSOR_NODE,
)
MODELS: Final = (NODE,)


@dataclass(frozen=True, slots=True)
class NodeReading:
    """One measurement; None where the node sent no usable value."""

    window_open: bool | None = None
    humidity: int | None = None  # %
    temperature: float | None = None  # °C
    co2: int | None = None  # ppm; None while the sensor warms up or has failed
    battery: int | None = None  # %


def _records(payload: Payload) -> dict[int, int] | None:
    """Key -> unsigned big-endian value, if the payload frames exactly into known keys."""
    values: dict[int, int] = {}
    index = 0
    while index < PAYLOAD_SIZE:
        key = payload[index]
        size = VALUE_SIZES.get(key)
        # An unknown key ends decoding (the rest cannot be framed) and a repeated
        # one is no node's: not a node. Distinct keys add up to at most 14 bytes,
        # so no value can run past the end.
        if size is None or key in values:
            return None
        values[key] = int.from_bytes(payload[index + 1 : index + 1 + size], "big")
        index += 1 + size
    return values


def decode_node(payload: Payload) -> NodeReading | None:
    """The measurement in a node's payload, or None if the payload is not a node's.

    Records may come in any order. The sizes add up to exactly 14 bytes, so a
    framed payload without repeated keys holds all five. Temperature is read as
    a signed int16 (the sheet only says "integer"; signed keeps sub-zero rooms
    right and loses nothing plausible). Out-of-range window, humidity and battery
    values drop that value only, like the CO2 sentinel.
    """
    if len(payload) != PAYLOAD_SIZE:
        return None
    values = _records(payload)
    if values is None:
        return None
    window = values[KEY_WINDOW]
    humidity = values[KEY_HUMIDITY]
    temperature = values[KEY_TEMPERATURE]
    co2 = values[KEY_CO2]
    battery = values[KEY_BATTERY]
    if temperature >= 0x8000:
        temperature -= 0x10000
    return NodeReading(
        window_open=bool(window) if window <= 1 else None,
        humidity=humidity if humidity <= 100 else None,
        temperature=temperature / 10,
        co2=None if co2 == CO2_NOT_READY else co2,
        battery=battery if battery <= 100 else None,
    )


def decode_manufacturer_data(manufacturer_data: Mapping[int, bytes]) -> NodeReading | None:
    """The node measurement in an advertisement's manufacturer data, if there is one."""
    payload = manufacturer_data.get(COMPANY_ID)
    return None if payload is None else decode_node(payload)


def is_node(manufacturer_data: Mapping[int, bytes]) -> bool:
    """Whether an advertisement's manufacturer data is a node's."""
    return decode_manufacturer_data(manufacturer_data) is not None
