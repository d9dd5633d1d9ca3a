"""Emulated ThermoWorks BlueDOT, written from the fact sheet (thermometers.md §2).

Kept apart from the integration on purpose: it encodes its own packets, so a
misunderstanding on either side fails a test. Faults come from the base class:
``malformed`` sends packets of a wrong length, ``drop_link``, ``silent``,
``read_timeout``, ``no_free_slot`` and ``slow`` act as for every device;
``refuse_handshake`` does nothing (the BlueDOT has no handshake).

Where the fact sheet says "unknown", this model makes a choice and says so:

* it advertises its name only, no service UUID (§5.10);
* the update characteristic notifies and cannot be read;
* the interval and high alarm take exactly one byte; other lengths, an interval
  of 0 and a unit byte other than 0/1 are refused with an ATT error;
* the interval outlives the connection, like a device setting;
* while the probe is unplugged the packet keeps the last temperature;
* the units characteristic holds packet byte 11, and changing it converts the
  high alarm; the low alarm stores whatever is written (format unknown);
* the MAC in the packet is the address in written order.
"""

from __future__ import annotations

from typing import Final

from emulator.device import EmulatedDevice, physics_steps
from emulator.gatt import ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, AttError, Characteristic, Service
from emulator.igrill.physics import Probe

# One source only, possibly a BLE module vendor's default profile (§2.1).
SERVICE: Final = "bb56aab0-4111-40cf-963b-4a4450ea0822"
UPDATES: Final = "783f2991-23e0-4bdc-ac16-78601bd84b39"
INTERVAL: Final = "60721d99-6698-4eec-8e0a-50d0c37f17b9"
HIGH_ALARM: Final = "de0415cf-d54a-4ea4-a58f-c7aa07f79baa"
LOW_ALARM: Final = "bfdbeb45-11a3-4406-bcb4-ed7c6f939fbc"
UNITS: Final = "c86cf012-5c33-48aa-82d1-84a57c908ca0"

LOCAL_NAME: Final = "BlueDOT"
OUI: Final = "00:A0:50"  # every example address in the sources
DEFAULT_ADDRESS: Final = f"{OUI}:00:00:01"

UNIT_CELSIUS: Final = 0
UNIT_FAHRENHEIT: Final = 1
STATUS_CONNECTED: Final = 0x00
STATUS_DISCONNECTED: Final = 0x03
PACKET_SIZE: Final = 20
ATT_VALUE_NOT_ALLOWED: Final = 0x13

DEFAULT_INTERVAL: Final = 1  # s; the real default is unknown (one source: about 0.5 s)
DEFAULT_HIGH_ALARM: Final = {UNIT_CELSIUS: 65, UNIT_FAHRENHEIT: 150}
PHYSICS_STEP: Final = 5.0  # s; long advances are cut into steps
ROOM: Final = 20.0  # °C


def to_unit(celsius: float, unit: int) -> float:
    """Degrees in the display unit (0 = °C, 1 = °F)."""
    return celsius * 9 / 5 + 32 if unit == UNIT_FAHRENHEIT else celsius


def convert(value: int, from_unit: int, to: int) -> int:
    """A whole-degree value from one display unit into another."""
    if from_unit == to:
        return value
    celsius = (value - 32) * 5 / 9 if from_unit == UNIT_FAHRENHEIT else float(value)
    return round(to_unit(celsius, to))


def encode_packet(
    *,
    status: int,
    temperature: int,
    high_alarm: int,
    silenced: bool,
    disabled: bool,
    unit: int,
    mac: bytes,
    alarm: bool,
) -> bytes:
    """The 20-byte update packet of §2.4 (byte 12, meaning unknown, is 0)."""
    if len(mac) != 6:
        raise ValueError(f"a MAC is 6 bytes, got {len(mac)}")
    return b"".join(
        (
            bytes([status]),
            temperature.to_bytes(4, "little", signed=True),
            high_alarm.to_bytes(4, "little", signed=True),
            bytes([int(silenced), int(disabled), unit, 0]),
            mac,
            bytes([int(alarm)]),
        )
    )


class BlueDotDevice(EmulatedDevice):
    """One BlueDOT: a probe in a cooker, pushing a packet every interval."""

    model = "bluedot"

    def __init__(
        self,
        address: str = DEFAULT_ADDRESS,
        name: str | None = LOCAL_NAME,
        *,
        unit: int = UNIT_FAHRENHEIT,
        probe_connected: bool = True,
        temperature: float = 5.0,
        cooker_temperature: float = 120.0,
        time_constant: float = 1500.0,
        high_alarm: int | None = None,
        alarm_disabled: bool = False,
        interval: int = DEFAULT_INTERVAL,
        rssi: int = -60,
        seed: int | None = None,
    ) -> None:
        """``temperature`` and ``cooker_temperature`` are °C; ``high_alarm`` is in ``unit``."""
        super().__init__(address, name, rssi=rssi, seed=seed)
        self.unit = unit
        self.probe = Probe(
            1, plugged=probe_connected, temperature=temperature, time_constant=time_constant
        )
        self.cooker_temperature = cooker_temperature
        self.high_alarm = DEFAULT_HIGH_ALARM[unit] if high_alarm is None else high_alarm
        self.low_alarm = b""  # format unknown: stored as written
        self.alarm_disabled = alarm_disabled
        self.alarm_silenced = False
        self.interval = interval
        self.reading = round(to_unit(temperature, unit))  # the temperature field
        self.packets_sent = 0
        self._since_send = 0.0

    # State a test or demo changes --------------------------------------

    @property
    def probe_connected(self) -> bool:
        """Whether the probe is plugged in."""
        return self.probe.plugged

    @property
    def alarm_active(self) -> bool:
        """The alarm sounds: at or above the high alarm, unless disabled or silenced."""
        return (
            self.probe.plugged
            and not self.alarm_disabled
            and not self.alarm_silenced
            and self.reading >= self.high_alarm
        )

    def unplug(self) -> None:
        """Pull the probe out; the packet keeps the last temperature (real value unknown)."""
        self.probe.plugged = False

    def plug(self, temperature: float = ROOM) -> None:
        """Plug the probe in; it starts at ``temperature`` °C."""
        self.probe.plugged = True
        self.probe.temperature = temperature
        self.reading = round(to_unit(temperature, self.unit))

    def silence(self) -> None:
        """Press the button: a sounding alarm goes quiet until it stops or changes."""
        if self.alarm_active:
            self.alarm_silenced = True

    def set_high_alarm(self, value: int) -> None:
        """Set the high alarm with the device's buttons (or the vendor's app), in ``unit``."""
        self._write_high_alarm(bytes([value]))

    def set_unit(self, unit: int) -> None:
        """Switch the display unit on the device (0 = °C, 1 = °F); the alarm is converted."""
        self._write_units(bytes([unit]))

    def packet(self) -> bytes:
        """The update packet for the current state."""
        return encode_packet(
            status=STATUS_CONNECTED if self.probe.plugged else STATUS_DISCONNECTED,
            temperature=self.reading,
            high_alarm=self.high_alarm,
            silenced=self.alarm_silenced,
            disabled=self.alarm_disabled,
            unit=self.unit,
            mac=bytes.fromhex(self.address.replace(":", "")),
            alarm=self.alarm_active,
        )

    # Physics -----------------------------------------------------------

    def step(self, seconds: float) -> None:
        """Cook, then send one packet if an interval has passed."""
        elapsed = self.elapsed - seconds
        for chunk in physics_steps(seconds, PHYSICS_STEP):
            elapsed += chunk
            if self.probe.plugged:
                self.probe.step(chunk, self.cooker_temperature, elapsed)
        if self.probe.plugged:
            self.reading = round(to_unit(self.probe.reading(self.random), self.unit))
            if self.reading < self.high_alarm:
                self.alarm_silenced = False  # the next crossing sounds again
        self._since_send += seconds
        if self._since_send >= self.interval:
            self._since_send = 0.0
            if self.notify(UPDATES, self.packet()):
                self.packets_sent += 1

    # GATT table --------------------------------------------------------

    def build_services(self) -> list[Service]:
        """One service with the five characteristics of §2.2."""
        return [
            Service(
                SERVICE,
                [
                    Characteristic(UPDATES, ["notify"]),
                    Characteristic(INTERVAL, ["write"], on_write=self._write_interval),
                    Characteristic(HIGH_ALARM, ["write"], on_write=self._write_high_alarm),
                    Characteristic(LOW_ALARM, ["write"], on_write=self._write_low_alarm),
                    Characteristic(
                        UNITS,
                        ["read", "write"],
                        on_read=lambda: bytes([self.unit]),
                        on_write=self._write_units,
                    ),
                ],
            )
        ]

    def _write_interval(self, data: bytes) -> None:
        value = _one_byte(data, "the interval")
        if value == 0:
            raise AttError(ATT_VALUE_NOT_ALLOWED, "an interval of 0 s")
        self.interval = value

    def _write_high_alarm(self, data: bytes) -> None:
        self.high_alarm = _one_byte(data, "the high alarm")
        self.alarm_silenced = False

    def _write_low_alarm(self, data: bytes) -> None:
        self.low_alarm = data

    def _write_units(self, data: bytes) -> None:
        unit = _one_byte(data, "the unit")
        if unit not in (UNIT_CELSIUS, UNIT_FAHRENHEIT):
            raise AttError(ATT_VALUE_NOT_ALLOWED, f"unit {unit}")
        self.high_alarm = convert(self.high_alarm, self.unit, unit)
        self.reading = convert(self.reading, self.unit, unit)
        self.unit = unit


def _one_byte(data: bytes, what: str) -> int:
    if len(data) != 1:
        raise AttError(ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, f"{what} is 1 byte, got {len(data)}")
    return data[0]


def create_bluedot(
    address: str | None = None,
    name: str | None = LOCAL_NAME,
    *,
    unit: int = UNIT_FAHRENHEIT,
    probe_connected: bool = True,
    temperature: float = 5.0,
    cooker_temperature: float = 120.0,
    high_alarm: int | None = None,
    alarm_disabled: bool = False,
    interval: int = DEFAULT_INTERVAL,
    seed: int | None = None,
) -> BlueDotDevice:
    """An emulated BlueDOT (address 00:A0:50:00:00:01 unless given).

    ``unit`` 1 is °F (the default), 0 °C; ``temperature`` and
    ``cooker_temperature`` are °C; ``high_alarm`` is in ``unit`` (default
    150 °F or 65 °C).
    """
    if unit not in (UNIT_CELSIUS, UNIT_FAHRENHEIT):
        raise ValueError(f"unit must be 0 (°C) or 1 (°F), not {unit}")
    return BlueDotDevice(
        address or DEFAULT_ADDRESS,
        name,
        unit=unit,
        probe_connected=probe_connected,
        temperature=temperature,
        cooker_temperature=cooker_temperature,
        high_alarm=high_alarm,
        alarm_disabled=alarm_disabled,
        interval=interval,
        seed=seed,
    )
