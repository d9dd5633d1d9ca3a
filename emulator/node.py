"""Emulated passive environment node (advertisers.md), written from the fact sheet.

A Thingy:52-style node broadcasts one 14-byte key/value frame under company id
0xFFFF and never accepts a connection. Every ``measurement_interval`` seconds of
device time it measures once and opens a short advertising window in which the
same frame goes out ``repeats`` times (one per advertising channel); outside the
window it is quiet. The proxy advertises a device at most once per tick, so with
a 1 s tick the repeats arrive on consecutive ticks; only their number and
identical payloads matter.

Physics (°C, %, ppm; seeded noise): the room drifts toward a set point, an open
window pulls temperature and humidity toward outdoors and flushes CO2, people
add CO2 while it is closed, the battery drains. The CO2 sensor sends
``FF FF FF FF`` while it warms up after power-on.

``create_foreign`` makes the other kind of 0xFFFF advertiser: same company id,
a different payload, which the integration must ignore.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from emulator.device import Advertisement, Central, EmulatedDevice, physics_steps
from emulator.igrill.physics import Supply, approach

COMPANY_ID: Final = 0xFFFF
PAYLOAD_SIZE: Final = 14
KEY_WINDOW: Final = 0x01
KEY_HUMIDITY: Final = 0x02
KEY_TEMPERATURE: Final = 0x03
KEY_CO2: Final = 0x04
KEY_BATTERY: Final = 0x05
UNKNOWN_KEY: Final = 0x06  # what the malformed fault puts in
CO2_NOT_READY: Final = 0xFFFFFFFF
KEY_ORDER: Final = (KEY_WINDOW, KEY_HUMIDITY, KEY_TEMPERATURE, KEY_CO2, KEY_BATTERY)

DEFAULT_ADDRESS: Final = "E4:0D:E0:00:00:01"  # a random static address, like Nordic's
FOREIGN_ADDRESS: Final = "E4:0D:F0:00:00:01"
MEASUREMENT_INTERVAL: Final = 60.0  # s of device time between measurements
REPEATS: Final = 3  # advertising channels 37, 38, 39
CO2_WARMUP: Final = 180.0  # s after power-on with the CO2 sentinel
PHYSICS_STEP: Final = 10.0  # s

ROOM_TIME_CONSTANT: Final = 3600.0  # s, a closed room toward its set point
OPEN_TIME_CONSTANT: Final = 600.0  # s, an open window toward outdoors
CO2_OUTDOOR: Final = 420.0  # ppm
CO2_OCCUPIED: Final = 1400.0  # ppm a closed, occupied room tends to
CO2_RISE_TIME_CONSTANT: Final = 7200.0  # s
CO2_FLUSH_TIME_CONSTANT: Final = 300.0  # s
MEAN_CLOSED: Final = 4 * 3600.0  # s a window stays closed on average
MEAN_OPEN: Final = 600.0  # s it stays open on average


def encode_frame(
    *,
    window_open: bool,
    humidity: int,
    temperature: float,
    co2: int | None,
    battery: int,
    order: tuple[int, ...] = KEY_ORDER,
) -> bytes:
    """The 14-byte frame: key/value records in ``order``; temperature in °C.

    Temperature goes as a signed big-endian int16 of tenths; ``co2`` None is the
    ``FF FF FF FF`` sentinel.
    """
    values = {
        KEY_WINDOW: bytes([int(window_open)]),
        KEY_HUMIDITY: bytes([max(0, min(100, humidity))]),
        KEY_TEMPERATURE: round(temperature * 10).to_bytes(2, "big", signed=True),
        KEY_CO2: (CO2_NOT_READY if co2 is None else co2).to_bytes(4, "big"),
        KEY_BATTERY: bytes([max(0, min(100, battery))]),
    }
    if sorted(order) != sorted(values):
        raise ValueError(f"order must name each key once, got {order}")
    return b"".join(bytes([key]) + values[key] for key in order)


@dataclass
class Room:
    """What the node measures; drifts with seeded noise."""

    temperature: float = 21.0  # °C
    humidity: float = 45.0  # %
    co2: float = 600.0  # ppm
    setpoint: float = 21.0  # °C the heating holds
    indoor_humidity: float = 45.0  # %
    outdoor_temperature: float = 8.0  # °C
    outdoor_humidity: float = 75.0  # %
    window_open: bool = False

    def step(self, seconds: float, noise: float) -> None:
        """Let ``seconds`` pass; ``noise`` is a standard normal draw."""
        if self.window_open:
            self.temperature = approach(
                self.temperature, self.outdoor_temperature, seconds, OPEN_TIME_CONSTANT
            )
            self.humidity = approach(
                self.humidity, self.outdoor_humidity, seconds, OPEN_TIME_CONSTANT
            )
            self.co2 = approach(self.co2, CO2_OUTDOOR, seconds, CO2_FLUSH_TIME_CONSTANT)
        else:
            self.temperature = approach(
                self.temperature, self.setpoint, seconds, ROOM_TIME_CONSTANT
            )
            self.humidity = approach(
                self.humidity, self.indoor_humidity, seconds, ROOM_TIME_CONSTANT
            )
            self.co2 = approach(self.co2, CO2_OCCUPIED, seconds, CO2_RISE_TIME_CONSTANT)
        drift = noise * math.sqrt(seconds / 3600.0)  # a random walk, about ±1 per hour
        self.temperature += 0.3 * drift
        self.humidity = max(0.0, min(100.0, self.humidity + drift))


class NodeDevice(EmulatedDevice):
    """One passive node: measures on a schedule, advertises each frame in a burst."""

    model = "thingy_node"

    def __init__(
        self,
        address: str = DEFAULT_ADDRESS,
        name: str | None = None,
        *,
        connectable: bool = False,
        measurement_interval: float = MEASUREMENT_INTERVAL,
        repeats: int = REPEATS,
        co2_warmup: float = CO2_WARMUP,
        room: Room | None = None,
        battery: float = 95.0,
        battery_drain_per_hour: float = 0.01,
        window_events: bool = True,
        rssi: int = -75,
        seed: int | None = None,
    ) -> None:
        super().__init__(address, name, rssi=rssi, seed=seed)
        self.connectable = connectable  # False: connection requests go unanswered
        self.measurement_interval = measurement_interval
        self.repeats = repeats
        self.co2_warmup = co2_warmup
        self.room = room or Room()
        self.battery = Supply(battery, battery_drain_per_hour)
        self.window_events = window_events  # the window opens and closes by itself
        self.measurements = 0
        self.frame = b""
        self.pending = 0  # repeats of ``frame`` still to send
        self._since_measurement = 0.0
        self.measure()  # power-on: the first frame goes out at once

    # Measuring -------------------------------------------------------

    @property
    def co2_ready(self) -> bool:
        """Whether the CO2 sensor finished warming up."""
        return self.elapsed >= self.co2_warmup

    def measure(self) -> bytes:
        """Take a measurement now and open an advertising window for it."""
        room = self.room
        self.frame = encode_frame(
            window_open=room.window_open,
            humidity=round(room.humidity),
            temperature=room.temperature + self.random.gauss(0.0, 0.05),
            co2=round(room.co2 + self.random.gauss(0.0, 15.0)) if self.co2_ready else None,
            battery=round(self.battery.level),
        )
        self.measurements += 1
        self.pending = self.repeats
        return self.frame

    def open_window(self) -> None:
        """Open the window (it also opens and closes by itself with ``window_events``)."""
        self.room.window_open = True

    def close_window(self) -> None:
        """Close the window."""
        self.room.window_open = False

    def step(self, seconds: float) -> None:
        """Drift, maybe move the window, drain; measure when an interval has passed."""
        for chunk in physics_steps(seconds, PHYSICS_STEP):
            if self.window_events:
                mean = MEAN_OPEN if self.room.window_open else MEAN_CLOSED
                if self.random.random() < chunk / mean:
                    self.room.window_open = not self.room.window_open
            self.room.step(chunk, self.random.gauss(0.0, 1.0))
        self.battery.step(seconds)
        self._since_measurement += seconds
        if self._since_measurement >= self.measurement_interval:
            self._since_measurement = 0.0
            self.measure()

    # Advertising -----------------------------------------------------

    @property
    def advertising(self) -> bool:
        """Only inside the window after a measurement (and not silent)."""
        return super().advertising and self.pending > 0

    def advertisement(self) -> Advertisement:
        """One repeat of the current frame; the window closes after the last."""
        adv = super().advertisement()
        self.pending = max(0, self.pending - 1)
        return adv

    def advertised_manufacturer_data(self) -> dict[int, bytes]:
        """The frame, or with the ``malformed`` fault a wrong size or an unknown key."""
        if not self.faults.malformed:
            return {COMPANY_ID: self.frame}
        kind = self.random.randrange(3)
        if kind == 0:
            garbled = self.frame[:-1]  # one byte short
        elif kind == 1:
            garbled = self.frame + b"\x00"  # one byte long
        else:
            garbled = bytes([UNKNOWN_KEY]) + self.frame[1:]  # right size, cannot be framed
        return {COMPANY_ID: garbled}

    # Connection ------------------------------------------------------

    def attach(self, central: Central) -> None:
        """A non-connectable node never answers a connection request."""
        if not self.connectable:
            raise TimeoutError(f"{self.address}: not connectable, no answer to the request")
        super().attach(central)


class ForeignDevice(EmulatedDevice):
    """Some other product using company id 0xFFFF, with a payload of another size."""

    model = "foreign_ffff"

    def __init__(
        self,
        address: str = FOREIGN_ADDRESS,
        name: str | None = None,
        *,
        payload_size: int = 8,
    ) -> None:
        super().__init__(address, name, rssi=-80)
        self.payload_size = payload_size
        self.counter = 0

    def step(self, seconds: float) -> None:
        """A beacon counter that changes the payload now and then."""
        self.counter = (self.counter + max(1, round(seconds))) % 256

    def advertised_manufacturer_data(self) -> dict[int, bytes]:
        """A payload that is not a node's: its size, and a first byte that is no key."""
        payload = bytes([0xAA, self.counter, *range(self.payload_size - 2)])
        return {COMPANY_ID: payload[: self.payload_size]}

    def attach(self, central: Central) -> None:
        """Not connectable either."""
        raise TimeoutError(f"{self.address}: not connectable, no answer to the request")


def create_node(
    address: str | None = None,
    name: str | None = None,
    *,
    connectable: bool = False,
    measurement_interval: float = MEASUREMENT_INTERVAL,
    repeats: int = REPEATS,
    co2_warmup: float = CO2_WARMUP,
    room: Room | None = None,
    battery: float = 95.0,
    window_events: bool = True,
    seed: int | None = None,
) -> NodeDevice:
    """An emulated environment node (address E4:0D:E0:00:00:01 unless given)."""
    return NodeDevice(
        address or DEFAULT_ADDRESS,
        name,
        connectable=connectable,
        measurement_interval=measurement_interval,
        repeats=repeats,
        co2_warmup=co2_warmup,
        room=room,
        battery=battery,
        window_events=window_events,
        seed=seed,
    )


def create_foreign(address: str | None = None, *, payload_size: int = 8) -> ForeignDevice:
    """Another product's 0xFFFF advertiser: 8 bytes by default; even at 14 its first
    byte is no known key, so it is never a node."""
    return ForeignDevice(address or FOREIGN_ADDRESS, payload_size=payload_size)
