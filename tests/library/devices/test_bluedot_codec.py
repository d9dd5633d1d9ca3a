"""BlueDOT codec against the fact sheet's vectors B-1..B-14 and malformed input."""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.devices.bluedot import codec
from custom_components.kitchen_ble.library.devices.bluedot.codec import BlueDotUpdate
from custom_components.kitchen_ble.library.devices.bluedot.models import (
    BLUEDOT,
    CHAR_HIGH_ALARM,
    CHAR_INTERVAL,
    CHAR_LOW_ALARM,
    CHAR_UNITS,
    CHAR_UPDATES,
    MODELS,
    model_from_name,
)
from custom_components.kitchen_ble.library.devices.thermometer import TemperatureUnit, to_celsius

MAC = bytes.fromhex("aabbccddeeff")


def celsius(value: int, unit: TemperatureUnit) -> float:
    """The integration's conversion, rounded as the fact sheet states its values."""
    return round(to_celsius(value, unit), 1)


def packet(spaced_hex: str) -> bytes:
    data = bytes.fromhex(spaced_hex.replace(" ", ""))
    assert len(data) == 20
    return data


def update(**changes: object) -> BlueDotUpdate:
    """The defaults of the fact sheet's helper: 72 °F, alarm 150, connected."""
    fields: dict[str, object] = {
        "probe_connected": True,
        "temperature": 72,
        "alarm_high": 150,
        "alarm_silenced": False,
        "alarm_disabled": False,
        "unit": "°F",
        "alarm_active": False,
        "mac": MAC,
        "status": 0,
    }
    fields.update(changes)
    return BlueDotUpdate(**fields)  # type: ignore[arg-type]


def test_b1_fahrenheit_reading() -> None:
    decoded = codec.decode_update(packet("00 48000000 96000000 00 00 01 00 aabbccddeeff 00"))
    assert decoded == update()
    assert celsius(decoded.temperature, decoded.unit) == 22.2
    assert celsius(decoded.alarm_high, decoded.unit) == 65.6


def test_b2_celsius_reading() -> None:
    decoded = codec.decode_update(packet("00 19000000 96000000 00 00 00 00 aabbccddeeff 00"))
    assert decoded == update(temperature=25, unit="°C")
    assert celsius(decoded.temperature, decoded.unit) == 25.0


def test_b3_freezing_fahrenheit() -> None:
    decoded = codec.decode_update(packet("00 20000000 96000000 00 00 01 00 aabbccddeeff 00"))
    assert decoded == update(temperature=32)
    assert celsius(decoded.temperature, decoded.unit) == 0.0


def test_b5_negative_fahrenheit() -> None:
    decoded = codec.decode_update(packet("00 fcffffff 96000000 00 00 01 00 aabbccddeeff 00"))
    assert decoded == update(temperature=-4)
    assert celsius(decoded.temperature, decoded.unit) == -20.0


def test_b6_probe_disconnected() -> None:
    decoded = codec.decode_update(packet("03 48000000 96000000 00 00 01 00 aabbccddeeff 00"))
    assert decoded == update(probe_connected=False, status=3)


def test_b7_alarm_active() -> None:
    decoded = codec.decode_update(packet("00 48000000 96000000 00 00 01 00 aabbccddeeff 01"))
    assert decoded == update(alarm_active=True)


def test_b9_alarm_silenced() -> None:
    decoded = codec.decode_update(packet("00 48000000 96000000 01 00 01 00 aabbccddeeff 00"))
    assert decoded == update(alarm_silenced=True)


def test_b10_alarm_disabled() -> None:
    decoded = codec.decode_update(packet("00 48000000 96000000 00 01 01 00 aabbccddeeff 00"))
    assert decoded == update(alarm_disabled=True)


@pytest.mark.parametrize("unknown", [0x00, 0x01, 0xFF])
def test_b11_partial_known_fields(unknown: int) -> None:
    """`?? 42000000 8c000000 ?? ?? 01 ?? ???????????? 00`: the ?? bytes are not recorded."""
    u = f"{unknown:02x}"
    data = packet(f"{u} 42000000 8c000000 {u} {u} 01 {u} {u * 6} 00")
    decoded = codec.decode_update(data)
    assert decoded.temperature == 66
    assert decoded.alarm_high == 140
    assert decoded.unit == "°F"
    assert decoded.alarm_active is False


@pytest.mark.parametrize("data", [bytes(10), bytes(21), b"", bytes(19)])
def test_b12_wrong_length_raises(data: bytes) -> None:
    with pytest.raises(ValueError, match=f"{len(data)} bytes, not 20"):
        codec.decode_update(data)


def test_b13_interval_write() -> None:
    assert codec.encode_interval(1) == bytes.fromhex("01")
    assert codec.encode_interval(60) == bytes.fromhex("3c")
    assert codec.encode_interval(255) == bytes.fromhex("ff")


def test_b14_high_alarm_write() -> None:
    assert codec.encode_high_alarm(32) == bytes.fromhex("20")  # beep in °F mode
    assert codec.encode_high_alarm(0) == bytes.fromhex("00")  # beep in °C mode
    assert codec.encode_high_alarm(255) == bytes.fromhex("ff")


def test_bytearray_and_byte_12_ignored() -> None:
    data = bytearray(packet("00 48000000 96000000 00 00 01 7f aabbccddeeff 00"))
    assert codec.decode_update(data) == update()


def test_large_values_are_signed_int32() -> None:
    data = packet("00 ffffff7f 00000080 00 00 00 00 aabbccddeeff 00")
    decoded = codec.decode_update(data)
    assert decoded.temperature == 2**31 - 1
    assert decoded.alarm_high == -(2**31)


@pytest.mark.parametrize("status", [0x01, 0x02, 0x03, 0xFF])
def test_any_nonzero_status_is_disconnected(status: int) -> None:
    data = bytes([status]) + packet("00 48000000 96000000 00 00 01 00 aabbccddeeff 00")[1:]
    decoded = codec.decode_update(data)
    assert decoded.probe_connected is False
    assert decoded.status == status


@pytest.mark.parametrize("unit", [0x02, 0xFF])
def test_unknown_unit_raises(unit: int) -> None:
    data = bytearray(packet("00 48000000 96000000 00 00 01 00 aabbccddeeff 00"))
    data[11] = unit
    with pytest.raises(ValueError, match=f"unknown unit byte 0x{unit:02x}"):
        codec.decode_update(data)


@pytest.mark.parametrize("seconds", [0, 256, -1])
def test_interval_out_of_range(seconds: int) -> None:
    with pytest.raises(ValueError, match=r"outside 1\.\.255 s"):
        codec.encode_interval(seconds)


@pytest.mark.parametrize("value", [256, 300, 500, -1])
def test_high_alarm_out_of_range(value: int) -> None:
    with pytest.raises(ValueError, match="only known to accept one unsigned byte"):
        codec.encode_high_alarm(value)


@pytest.mark.parametrize(
    ("wanted", "value"),
    [
        (None, 255),  # no alarm: the latest the device can sound
        (0, 0),
        (135, 135),
        (255, 255),
        (256, 255),
        (302, 255),  # 150 °C on a °F device: capped, never an old lower alarm
        (572, 255),  # 300 °C in °F
        (-1, -1),  # left for encode_high_alarm to refuse
    ],
)
def test_high_alarm_value_caps_at_one_byte(wanted: int | None, value: int) -> None:
    assert codec.high_alarm_value(wanted) == value
    if value >= 0:
        assert codec.encode_high_alarm(codec.high_alarm_value(wanted)) == bytes([value])


@pytest.mark.parametrize(
    ("value", "unit", "no_alarm"),
    [
        (255, "°F", True),  # what "no alarm" is written as
        (256, "°F", True),
        (491, "°F", True),  # 255 °C shown in °F
        (254, "°F", False),
        (124, "°F", False),  # 51 °C: an alarm
        (150, "°F", False),
        (255, "°C", True),
        (124, "°C", True),  # 255 °F shown in °C: 123.9, rounded
        (123, "°C", True),  # ... or cut
        (122, "°C", False),
        (125, "°C", False),
        (180, "°C", False),  # frying oil: an alarm in °C
        (0, "°C", False),
    ],
)
def test_means_no_alarm_in_each_unit(value: int, unit: TemperatureUnit, no_alarm: bool) -> None:
    assert codec.means_no_alarm(value, unit) is no_alarm


def test_conversion_helper() -> None:
    assert celsius(212, "°F") == 100.0
    assert celsius(-40, "°F") == -40.0
    assert celsius(25, "°C") == 25.0


def test_model() -> None:
    assert MODELS == (BLUEDOT,)
    assert (BLUEDOT.model_id, BLUEDOT.name, BLUEDOT.manufacturer) == (
        "bluedot",
        "BlueDOT",
        "ThermoWorks",
    )
    assert (BLUEDOT.family, BLUEDOT.probes, BLUEDOT.capabilities, BLUEDOT.kind) == (
        "bluedot",
        1,
        frozenset({"probe_alarm", "reports_alarm"}),
        "thermometer",
    )
    uuids = [CHAR_UPDATES, CHAR_INTERVAL, CHAR_HIGH_ALARM, CHAR_LOW_ALARM, CHAR_UNITS]
    assert all(uuid == uuid.lower() for uuid in uuids)
    assert CHAR_UPDATES.startswith("783f2991")
    assert CHAR_INTERVAL.startswith("60721d99")
    assert CHAR_HIGH_ALARM.startswith("de0415cf")


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("BlueDOT", True),
        ("BlueDOT_e2:f6:49", True),
        ("BlueDOT2", True),
        ("bluedot", False),
        ("BLUEDOT", False),
        ("My BlueDOT", False),
        ("", False),
        ("iGrill_mini", False),
    ],
)
def test_model_from_name(name: str, found: bool) -> None:
    assert (model_from_name(name) is BLUEDOT) is found
