"""BlueDOT payloads: pure functions between bytes and values (fact sheet §2.2 and §2.4).

Values stay in the device's display unit; converting is the caller's job
(``devices.thermometer.to_celsius``). Every decoder and encoder raises ValueError
on input it cannot handle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..thermometer import TemperatureUnit

type Payload = bytes | bytearray

PACKET_SIZE: Final = 20
PROBE_CONNECTED: Final = 0x00
PROBE_DISCONNECTED: Final = 0x03  # any status but 0x00 counts as disconnected
UNITS: Final[dict[int, TemperatureUnit]] = {0: "°C", 1: "°F"}  # packet byte 11

INTERVAL_MIN: Final = 1  # seconds; one unsigned byte
INTERVAL_MAX: Final = 255
HIGH_ALARM_MIN: Final = 0  # display unit; one unsigned byte
HIGH_ALARM_MAX: Final = 255
NO_ALARM: Final = HIGH_ALARM_MAX  # what "no alarm" is written as, in either unit
# 255 °F is 123.9 °C: what "no alarm" written in °F reads as once the device's
# buttons switch it to °C. Whether the device rounds or cuts is unknown.
NO_ALARM_FAHRENHEIT_IN_CELSIUS: Final = frozenset({123, 124})


@dataclass(frozen=True, slots=True)
class BlueDotUpdate:
    """One 20-byte update packet from the notify characteristic."""

    probe_connected: bool  # byte 0 == 0x00
    temperature: int  # whole degrees in `unit`; unknown meaning while unplugged (§5.10)
    alarm_high: int  # high-alarm temperature in `unit`
    alarm_silenced: bool
    alarm_disabled: bool
    unit: TemperatureUnit
    alarm_active: bool  # byte 19 != 0: the alarm is sounding
    mac: bytes  # 6 bytes as sent; byte order not verified
    status: int  # byte 0 as sent


def _int32(data: Payload, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "little", signed=True)


def decode_update(data: Payload) -> BlueDotUpdate:
    """The fields of an update packet; byte 12 is unknown and ignored."""
    if len(data) != PACKET_SIZE:
        raise ValueError(f"update packet is {len(data)} bytes, not {PACKET_SIZE}")
    unit = UNITS.get(data[11])
    if unit is None:
        raise ValueError(f"unknown unit byte 0x{data[11]:02x}")
    return BlueDotUpdate(
        probe_connected=data[0] == PROBE_CONNECTED,
        temperature=_int32(data, 1),
        alarm_high=_int32(data, 5),
        alarm_silenced=data[9] != 0,
        alarm_disabled=data[10] != 0,
        unit=unit,
        alarm_active=data[19] != 0,
        mac=bytes(data[13:19]),
        status=data[0],
    )


def encode_interval(seconds: int) -> bytes:
    """The update interval: one unsigned byte of seconds, 1..255."""
    if not INTERVAL_MIN <= seconds <= INTERVAL_MAX:
        raise ValueError(
            f"update interval {seconds} s outside {INTERVAL_MIN}..{INTERVAL_MAX} s (one byte)"
        )
    return bytes([seconds])


def high_alarm_value(wanted: int | None) -> int:
    """The high alarm the device is given for a wanted one (display unit; None: no alarm).

    The device holds one unsigned byte, and no write is known to switch its alarm
    off (the packet's disabled flag is only read, fact sheet §2.4 and §5.10). So
    "no alarm" and anything above 255 become 255, the latest the device can sound;
    it cannot wait any longer. Values up to 255 stay as they are (a negative one
    is left for ``encode_high_alarm`` to refuse).
    """
    return HIGH_ALARM_MAX if wanted is None else min(wanted, HIGH_ALARM_MAX)


def means_no_alarm(value: int, unit: TemperatureUnit) -> bool:
    """Whether a reported high alarm only stands for "no alarm" in the display unit ``unit``.

    "No alarm" is written as 255 in the unit of the moment, and the device
    converts its alarm when its unit is switched: 255 °F becomes 123.9 °C (124
    or 123 whole degrees), 255 °C becomes 491 °F. So in °F, 255 and above
    (nothing above 255 °F is ever written); in °C, 255 and above and the two
    readings of 255 °F.
    """
    if value >= NO_ALARM:
        return True
    return unit == "°C" and value in NO_ALARM_FAHRENHEIT_IN_CELSIUS


def encode_high_alarm(value: int) -> bytes:
    """The high alarm in the display unit: one unsigned byte, 0..255.

    Whether the device takes a wider value (needed above 255 °F) or a negative
    one is unknown (fact sheet §5.10), so those are refused rather than guessed.
    """
    if not HIGH_ALARM_MIN <= value <= HIGH_ALARM_MAX:
        raise ValueError(
            f"BlueDOT high alarm {value} outside {HIGH_ALARM_MIN}..{HIGH_ALARM_MAX}: "
            "the device is only known to accept one unsigned byte"
        )
    return bytes([value])
