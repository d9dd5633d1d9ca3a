"""What every emulated coffee scale shares (scales.md §0, §7).

A family module subclasses ``EmulatedScale``: it builds its GATT table,
decodes the central's commands and writes its own frames in ``send_update``.
The base class runs the physics on a fixed 10 ms grid (``physics.STEP``):

* the cup (``place``, ``remove``, ``pour``, ``pour_from``, ``bump``) and the
  load cell that shows it ``sensor_lag`` seconds late, with noise;
* tare after the family's delay (it zeroes the displayed weight), the timer,
  the unit (grams or ounces), the battery, buttons (``press_button``);
* auto-off: after ``auto_off`` minutes without activity the scale sleeps: the
  link drops and it stops advertising until ``wake()`` or a button press; at
  power-on it zeroes on whatever lies on it, as scales do;
* frames at the family's ``update_rate`` while a central listens;
* faults: the base device's (``drop_link`` also armed with
  ``drop_link_after``, ``read_timeout``, ``no_free_slot``, ``malformed``,
  ``silent``, ``slow``) and a scale held by another central
  (``hold_by_other_central``).
"""

from __future__ import annotations

import math
from enum import StrEnum
from functools import reduce
from operator import xor
from typing import ClassVar, Final

from emulator.device import Central, EmulatedDevice
from emulator.igrill.physics import Supply

from .physics import GRAMS_PER_OUNCE, STEP, Cup, LoadCell, RateSource, ScaleTimer

ACTIVITY_GRAMS: Final = 1.0  # a load change this large keeps the scale awake
SETTLED_GRAMS: Final = 0.1  # the filter is this close to the load: "stable"
CHARGE_PER_HOUR: Final = 50.0  # % a charging scale gains per hour
_EPSILON: Final = 1e-9


class Unit(StrEnum):
    """The scale's display unit."""

    GRAMS = "g"
    OUNCES = "oz"


class ScaleCommandError(ValueError):
    """A command from the central that the scale cannot decode."""


class _OtherCentral:
    """Another app holding the scale; it listens and never lets go."""

    def on_notification(self, uuid: str, data: bytes) -> None:
        """It reads the frames; nobody here sees them."""

    def on_link_lost(self) -> None:
        """It just goes away."""


class EmulatedScale(EmulatedDevice):
    """A coffee scale: a cup, a load cell, a timer, a battery and buttons."""

    model = "scale"
    # Family defaults; each module sets its own from the fact sheet.
    SENSOR_LAG: ClassVar[float] = 0.33  # s (Hoffmann's figures, scales.md §7.1)
    UPDATE_RATE: ClassVar[float] = 10.0  # frames per second
    TARE_DELAY: ClassVar[float] = 0.3  # s from request to zero
    AUTO_OFF: ClassVar[float] = 0.0  # minutes; 0 never sleeps by itself
    BUTTONS: ClassVar[tuple[str, ...]] = ("power",)

    def __init__(
        self,
        address: str,
        name: str | None,
        *,
        unit: Unit | str = Unit.GRAMS,
        battery: float = 80.0,
        battery_drain_per_hour: float = 5.0,
        charging: bool = False,
        auto_off: float | None = None,
        sensor_lag: float | None = None,
        noise: float = 0.02,
        drip_delay: float | None = None,
        tare_delay: float | None = None,
        update_rate: float | None = None,
        manufacturer_data: dict[int, bytes] | None = None,
        rssi: int = -60,
        seed: int | None = None,
    ) -> None:
        super().__init__(address, name, rssi=rssi, seed=seed)
        self.unit = Unit(unit)
        self.battery = Supply(battery, battery_drain_per_hour)
        self.charging = charging
        self.auto_off = self.AUTO_OFF if auto_off is None else auto_off
        self.noise = noise
        self.tare_delay = self.TARE_DELAY if tare_delay is None else tare_delay
        rate = self.UPDATE_RATE if update_rate is None else update_rate
        if rate <= 0:
            raise ValueError(f"an update rate must be positive, got {rate}")
        self.update_rate = rate
        self.cup = Cup() if drip_delay is None else Cup(drip_delay=drip_delay)
        self.cell = LoadCell(self.SENSOR_LAG if sensor_lag is None else sensor_lag)
        self.timer = ScaleTimer()
        self.offset = 0.0  # grams the last tare took off
        self.asleep = False
        self.frames_sent = 0  # update frames that reached a central
        self.commands: list[str] = []  # what the scale understood and did, in order
        self.ignored: list[bytes] = []  # writes it could not decode or dropped
        self.last_write_with_response: bool | None = None
        self._manufacturer_data = manufacturer_data
        self._ticks = 0
        self._carry = 0.0
        self._period = max(1, round(1 / (rate * STEP)))
        self._next_frame = self._period
        self._tare_due: int | None = None
        self._idle_since = 0
        self._activity_load = 0.0
        self._other: _OtherCentral | None = None

    # Time ---------------------------------------------------------------

    @property
    def now(self) -> float:
        """Device time on the physics grid (s)."""
        return self._ticks * STEP

    def step(self, seconds: float) -> None:
        """Advance the physics on the 10 ms grid (a remainder carries over)."""
        self._carry += seconds
        ticks = int((self._carry + _EPSILON) / STEP)
        self._carry = max(0.0, self._carry - ticks * STEP)
        while ticks > 0:
            skip = self._quiet_ticks(ticks)
            if skip > 0:
                self._skip(skip)
                ticks -= skip
            else:
                self._tick()
                ticks -= 1

    def _quiet_ticks(self, limit: int) -> int:
        """How many of the next ``limit`` ticks change nothing but the clock and the battery.

        Nobody connected, nothing moving, nothing pending: those ticks are
        skipped in one go, up to (not including) an auto-off or an empty battery.
        """
        cup = self.cup
        if self.connected or cup.pouring or cup.dripping or cup.bumped:
            return 0
        if self.asleep:
            return limit
        if self._tare_due is not None or self.timer.running:
            return 0
        if (
            not self.cell.settled_on(cup.load)
            or abs(cup.load - self._activity_load) >= ACTIVITY_GRAMS
        ):
            return 0
        if self.auto_off > 0:
            sleep_at = self._idle_since + math.ceil(self.auto_off * 60 / STEP - _EPSILON)
            limit = min(limit, sleep_at - self._ticks - 1)
        drain = self.battery.drain_per_hour * STEP / 3600
        if drain > 0 and not self.charging:
            limit = min(limit, math.floor(self.battery.level / drain) - 1)
        return max(0, limit)

    def _skip(self, ticks: int) -> None:
        self._ticks += ticks
        seconds = ticks * STEP
        if self.charging:
            self.battery.level = min(100.0, self.battery.level + CHARGE_PER_HOUR * seconds / 3600)
        elif not self.asleep:
            self.battery.step(seconds)
        self._next_frame = self._ticks + self._period

    def _tick(self) -> None:
        self._ticks += 1
        self._step_battery()
        self.cup.step(self.now, STEP)
        if self.asleep:
            return
        self.cell.sample(self.cup.load)
        self.timer.step(STEP)
        if self._tare_due is not None and self._ticks >= self._tare_due:
            self._tare_due = None
            self.offset = self.cell.value
            self.on_tared()
        self._watch_activity()
        self.on_tick()
        if self.asleep or not self.connected:
            self._next_frame = self._ticks + self._period
            return
        if self._ticks >= self._next_frame:
            self._next_frame += self._period
            self.send_update()

    def _step_battery(self) -> None:
        if self.charging:
            self.battery.level = min(100.0, self.battery.level + CHARGE_PER_HOUR * STEP / 3600)
            return
        if self.asleep:
            return
        self.battery.step(STEP)
        if self.battery.level <= 0:
            self.sleep()

    def _watch_activity(self) -> None:
        load = self.cup.load
        if (
            self.cup.pouring
            or self.timer.running
            or abs(load - self._activity_load) >= ACTIVITY_GRAMS
        ):
            self.touch()
            self._activity_load = load
        elif self.auto_off > 0 and self._ticks - self._idle_since >= self.auto_off * 60 / STEP:
            self.sleep()

    def touch(self) -> None:
        """Something happened: the auto-off countdown starts again."""
        self._idle_since = self._ticks

    # The cup ------------------------------------------------------------

    def place(self, grams: float) -> None:
        """Put a cup or a dose (``grams``) on the platform."""
        self.cup.place(grams)

    def remove(self, grams: float | None = None) -> None:
        """Take ``grams`` off the platform, or everything."""
        if grams is None:
            self.cup.clear()
        else:
            self.cup.place(-grams)

    def pour(self, grams_per_second: float) -> None:
        """Pour at a steady rate (0 stops); it reaches the cup after the drip delay."""
        if grams_per_second <= 0:
            self.cup.source = None
            return
        self.pour_from(lambda _t: grams_per_second)

    def pour_from(self, rate: RateSource | None) -> None:
        """Pour what ``rate(device_time)`` gives in g/s (None stops), e.g. a DE1's flow."""
        self.cup.source = rate

    def receive_pour(self, grams: float, seconds: float) -> None:
        """``grams`` poured over the last ``seconds`` by a pushing source (a DE1 pour listener)."""
        if grams > 0:
            self.cup.receive(grams, seconds, self.now)

    def bump(self, grams: float, seconds: float) -> None:
        """A finger presses ``grams`` onto the cup for ``seconds``."""
        self.cup.bump(grams, seconds, self.now)

    # What the scale shows -----------------------------------------------

    @property
    def weight(self) -> float:
        """The true load on the platform (grams), no lag, no tare."""
        return self.cup.load

    @property
    def displayed(self) -> float:
        """The lagged, tared weight in grams, without noise."""
        return self.cell.value - self.offset

    @property
    def settled(self) -> bool:
        """Nothing moves: no pour, no drip, no finger, and the filter caught up."""
        return (
            not self.cup.pouring
            and not self.cup.dripping
            and not self.cup.bumped
            and abs(self.cell.value - self.cup.load) < SETTLED_GRAMS
        )

    def reading(self) -> float:
        """One noisy reading in the display unit (unrounded); each call draws new noise."""
        grams = self.displayed
        if self.noise:
            grams += self.random.gauss(0.0, self.noise)
        return to_unit(grams, self.unit)

    # Commands a central or a button gives -------------------------------

    def tare(self) -> None:
        """Zero the display after the family's tare delay."""
        self.touch()
        self._tare_due = self._ticks + max(1, round(self.tare_delay / STEP))

    @property
    def taring(self) -> bool:
        """A tare was asked for and has not happened yet."""
        return self._tare_due is not None

    def set_unit(self, unit: Unit | str) -> None:
        """Switch the display unit (the device's buttons or a command)."""
        self.unit = Unit(unit)

    def press_button(self, button: str) -> None:
        """Press a physical button; any button wakes a sleeping scale, ``power`` sleeps it."""
        if button not in self.BUTTONS:
            raise ValueError(f"{self.model} has no button {button!r}; it has {self.BUTTONS}")
        if self.asleep:
            self.wake()
            return
        self.touch()
        if button == "power":
            self.sleep()
            return
        self.on_button(button)

    # Sleep and power ----------------------------------------------------

    def sleep(self) -> None:
        """Switch off: the link drops, advertising stops, the timer resets."""
        if self.asleep:
            return
        self.asleep = True
        self._tare_due = None
        self.timer.reset()
        self.release_other_central()
        self.drop_link()
        self.on_sleep()

    def wake(self) -> bool:
        """Switch on and zero on what lies there; False when the battery is empty."""
        if not self.asleep:
            return True
        if self.battery.level <= 0 and not self.charging:
            return False
        self.asleep = False
        self.cell.reset(self.cup.load)
        self.offset = self.cup.load
        self._activity_load = self.cup.load
        self.touch()
        self._next_frame = self._ticks + self._period
        self.on_wake()
        return True

    @property
    def advertising(self) -> bool:
        """A sleeping scale is off the air."""
        return super().advertising and not self.asleep

    def attach(self, central: Central) -> None:
        """A sleeping scale does not answer a connection request."""
        if self.asleep:
            raise TimeoutError(f"{self.address}: the scale is switched off")
        super().attach(central)

    # Another central ----------------------------------------------------

    @property
    def held_by_other_central(self) -> bool:
        """Whether another app (a phone) holds the scale."""
        return self._other is not None and self._central is self._other

    def hold_by_other_central(self) -> bool:
        """Another app connects (we then cannot); False if the scale is taken or off."""
        if self.connected or self.asleep or self.faults.silent:
            return False
        self._other = _OtherCentral()
        super().attach(self._other)
        return True

    def release_other_central(self) -> None:
        """The other app lets go."""
        other, self._other = self._other, None
        if other is not None:
            self.detach(other)

    # Connection and GATT (an armed DROP_LINK counts operations) ----------

    def on_connect(self) -> None:
        """Every link starts the armed DROP_LINK count from zero."""
        self.faults.link_up()
        self._next_frame = self._ticks + self._period

    async def gatt_read(self, uuid: str) -> bytes:
        """Serve a read, unless the armed DROP_LINK drops the link first."""
        self._count_operation()
        return await super().gatt_read(uuid)

    async def gatt_write(self, uuid: str, data: bytes, response: bool) -> None:
        """Serve a write; families that care look at ``last_write_with_response``."""
        self._count_operation()
        self.last_write_with_response = response
        await super().gatt_write(uuid, data, response)

    async def gatt_subscribe(self, uuid: str) -> None:
        """Enable notifications, unless the armed DROP_LINK drops the link first."""
        self._count_operation()
        await super().gatt_subscribe(uuid)

    def _count_operation(self) -> None:
        if self.connected and self.faults.operation():
            self.drop_link()

    def forget_subscriptions(self) -> None:
        """The scale loses its CCCD state (a Skale quirk)."""
        self._subscribed.clear()

    def advertised_manufacturer_data(self) -> dict[int, bytes]:
        """The family's manufacturer data, or the ``manufacturer_data`` option."""
        if self._manufacturer_data is not None:
            return dict(self._manufacturer_data)
        return self.family_manufacturer_data()

    # Hooks for the families ---------------------------------------------

    def family_manufacturer_data(self) -> dict[int, bytes]:
        """Manufacturer data the family advertises."""
        return {}

    def send_update(self) -> None:
        """One update frame is due (the family writes and notifies it)."""

    def on_tick(self) -> None:
        """Every 10 ms while awake (heartbeat watchdogs live here)."""

    def on_tared(self) -> None:
        """A tare just zeroed the display."""

    def on_button(self, button: str) -> None:
        """A button other than power was pressed on an awake scale."""

    def on_sleep(self) -> None:
        """The scale just switched off."""

    def on_wake(self) -> None:
        """The scale just switched on."""


def to_unit(grams: float, unit: Unit) -> float:
    """Grams in the display unit."""
    return grams / GRAMS_PER_OUNCE if unit is Unit.OUNCES else grams


def quantize(value: float, resolution: float) -> float:
    """``value`` rounded to the display's resolution."""
    return round(round(value / resolution) * resolution, 6)


def xor_of(data: bytes) -> int:
    """The XOR of every byte (the Bookoo and Decent checksums)."""
    return reduce(xor, data, 0)
