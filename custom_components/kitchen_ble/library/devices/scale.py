"""What every coffee-scale driver shares: its state, what it passes on, its guards.

A scale driver keeps a ``ScaleState`` (always in grams, whatever the scale
displays) and hands every accepted weight to ``on_sample`` as a ``WeightSample``
at the scale's full rate, and every button press as a ``ButtonPress``; the
shot controller (stop at weight) listens there, the entities read the state.

Readings no scale can produce (outside its range, or a jump no cup can make)
are dropped and counted by ``ReadingFilter`` and never passed on: a stop at
weight must not fire on one garbled frame (fact sheet §2.4 tells of a shot that
stopped "at a projected 356.207 g for a 36.5 g target").
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from operator import xor
from typing import ClassVar, Final, Literal, TypedDict

from .base import DeviceError, GattClient, ModelInfo, UnsupportedDeviceError, has_characteristic

_LOGGER = logging.getLogger(__name__)

type WeightUnit = Literal["g", "oz"]
type Clock = Callable[[], float]
type Sleep = Callable[[float], Awaitable[None]]
type TimerAction = Literal["start", "stop", "reset"]
type Payload = bytes | bytearray

GRAMS_PER_OUNCE: Final = 28.349523125
# No coffee scale here weighs more than this either way (the fact sheet gives no
# capacities; the largest are 2-3 kg). Beyond it a reading is garbled.
WEIGHT_LIMIT: Final = 5000.0
# Between two consecutive readings (0.1-0.2 s apart) nothing a pour does moves
# this much; a cup or kettle put down can, so a jump is accepted once the next
# reading confirms the new level.
MAX_JUMP: Final = 100.0
STABLE_READINGS: Final = 4  # equal readings in a row = stable (felicita-hacs, §3.4)


class ScaleDecodeError(DeviceError):
    """A frame from a scale does not have the shape its protocol promises."""


class ScaleEncodeError(DeviceError, ValueError):
    """A command value cannot be put on the wire (out of its field's range)."""


class ScaleButton(StrEnum):
    """Which button: the physical one, or (Acaia) what the key did."""

    CIRCLE = "circle"  # the round "O" button (Skale 1, Decent 1)
    SQUARE = "square"  # the square button (Skale 2, Decent 2)
    TARE = "tare"  # Acaia reports the tare key's action, not its position
    TIMER = "timer"  # Acaia's timer key


class PressKind(StrEnum):
    """How the button was pressed, as far as the scale says."""

    PRESS = "press"  # a press; the scale tells no more
    SHORT = "short"
    LONG = "long"
    START = "start"  # Acaia timer key: what it did
    STOP = "stop"
    RESET = "reset"


@dataclass(slots=True)
class ScaleState:
    """One snapshot of a scale; ``None`` means unknown (not reported yet, or never)."""

    weight: float | None = None  # grams, whatever unit the scale displays
    stable: bool | None = None
    battery: int | None = None  # percent
    timer: float | None = None  # seconds on the scale's own timer
    timer_running: bool | None = None
    unit: WeightUnit | None = None  # what the scale displays
    firmware: str | None = None
    flow: float | None = None  # g/s, only from a scale that measures its own
    auto_off: float | None = None  # minutes, 0 = never
    beep: int | None = None  # 0 = off; a level on scales that have several


@dataclass(frozen=True, slots=True)
class WeightSample:
    """One accepted weight reading, stamped with the driver's clock at arrival."""

    time: float  # clock seconds (monotonic) when the notification arrived
    grams: float
    stable: bool | None  # None: the scale has no flag and too few readings to tell
    flow: float | None = None  # g/s as the scale computed it, if it does


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A button pressed on the scale."""

    button: ScaleButton
    how: PressKind = PressKind.PRESS


class ReadingFilter:
    """Drops readings no scale can produce and counts them.

    A reading outside ``low..high`` is always dropped. One that jumps more than
    ``max_jump`` from the last accepted reading is dropped unless the reading
    before it already stood at (within ``max_jump`` of) the new level: a cup put
    down costs one reading, a single garbled frame never gets through.
    """

    def __init__(
        self,
        *,
        low: float = -WEIGHT_LIMIT,
        high: float = WEIGHT_LIMIT,
        max_jump: float = MAX_JUMP,
    ) -> None:
        self.low = low
        self.high = high
        self.max_jump = max_jump
        self.rejected = 0
        self._last: float | None = None
        self._candidate: float | None = None

    def reset(self) -> None:
        """Forget the last reading (a tare, a new connection): the next one sets the level."""
        self._last = None
        self._candidate = None

    def accept(self, grams: float) -> bool:
        """Whether ``grams`` is a possible reading; remembers it if so, counts it if not."""
        if not self.low <= grams <= self.high:  # also refuses NaN
            self._candidate = None
            self.rejected += 1
            return False
        near = self._near
        if self._last is None or near(grams, self._last) or near(grams, self._candidate):
            self._last = grams
            self._candidate = None
            return True
        self._candidate = grams
        self.rejected += 1
        return False

    def _near(self, grams: float, other: float | None) -> bool:
        return other is not None and abs(grams - other) <= self.max_jump


class StabilityTracker:
    """Stable after ``count`` equal readings in a row, for scales without a flag."""

    def __init__(self, count: int = STABLE_READINGS) -> None:
        self._recent: deque[float] = deque(maxlen=count)

    def reset(self) -> None:
        """Forget the readings (a tare, a new connection)."""
        self._recent.clear()

    def add(self, grams: float) -> bool | None:
        """Whether the scale is stable now; None until ``count`` readings are in."""
        self._recent.append(grams)
        if len(self._recent) < (self._recent.maxlen or 0):
            return None
        return max(self._recent) - min(self._recent) < 0.005


def write_response(client: GattClient, uuid: str, prefer: bool) -> bool:
    """The ``response=`` to write ``uuid`` with: what the characteristic offers.

    When it offers both kinds (or its properties are unknown), ``prefer``.
    """
    char = client.services.get_characteristic(uuid)
    properties = set(getattr(char, "properties", None) or ())
    with_response = "write" in properties
    without_response = "write-without-response" in properties
    if with_response != without_response:
        return with_response
    return prefer


# What every scale driver is made with: its model, and what to call on news and on samples.
type ScaleDriverArgs = tuple[ModelInfo, Callable[[], None], Callable[[object], None]]


class ScaleDriverOptions(TypedDict, total=False):
    """The keyword options every scale driver takes besides its family's own."""

    clock: Clock
    sleep: Sleep
    reading_filter: ReadingFilter | None


class ScaleDriverBase:
    """State, guards and callbacks every family's driver shares.

    A family's notification handler decodes a frame (``_decode``) and calls
    ``_publish_weight`` or ``_publish_button``; a frame that does not decode
    goes to ``_malformed``. Commands go to ``_command_char``; the timer keys
    send what ``_timer_command`` gives.
    """

    poll_interval: float = 60.0
    _command_char: str = ""  # the characteristic commands are written to
    # Whether the scale reports its timer; if not, the state follows our commands.
    _reports_timer: ClassVar[bool] = False
    _timer_commands: ClassVar[Mapping[TimerAction, bytes]] = {}  # what the timer keys send

    def __init__(
        self,
        model: ModelInfo,
        on_update: Callable[[], None],
        on_sample: Callable[[object], None],
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        reading_filter: ReadingFilter | None = None,
    ) -> None:
        self.model = model
        self.state = ScaleState()
        self.filter = reading_filter or ReadingFilter()
        self.malformed = 0  # notifications that did not decode
        self.last_heard: float | None = None  # clock time of the last valid frame
        self._on_update = on_update
        self._on_sample = on_sample
        self._clock = clock
        self._sleep = sleep
        self._stability = StabilityTracker()
        self._response = True  # write with response (until the GATT table says otherwise)

    @property
    def rejected(self) -> int:
        """Readings dropped as impossible since the driver was made."""
        return self.filter.rejected

    def _reset_readings(self) -> None:
        """After a tare or on a new connection: the next reading sets the level."""
        self.filter.reset()
        self._stability.reset()

    def _begin(self, client: GattClient, *required: str, missing: str) -> None:
        """Refuse a device without the ``required`` characteristics; start afresh.

        ``missing`` names what is missing in the error. Commands then go with
        response where the command characteristic offers it.
        """
        if not all(has_characteristic(client, uuid) for uuid in required):
            raise UnsupportedDeviceError(f"no {missing} on this device")
        self._reset_readings()
        self._response = write_response(client, self._command_char, prefer=True)

    async def async_timer_start(self, client: GattClient) -> None:
        """Start the scale's timer."""
        await self._timer(client, "start", running=True)

    async def async_timer_stop(self, client: GattClient) -> None:
        """Stop the scale's timer."""
        await self._timer(client, "stop", running=False)

    async def async_timer_reset(self, client: GattClient) -> None:
        """Set the scale's timer back to zero."""
        await self._timer(client, "reset", running=False)

    def _timer_command(self, action: TimerAction) -> bytes:
        """The bytes that make the scale's timer do ``action``."""
        return self._timer_commands[action]

    async def _timer(self, client: GattClient, action: TimerAction, *, running: bool) -> None:
        await self._send(client, self._timer_command(action))
        if not self._reports_timer:
            self.state.timer_running = running
            self._on_update()

    async def _send(self, client: GattClient, data: bytes) -> None:
        """Send one command (a family whose scale drops commands repeats it here)."""
        await self._write(client, data)

    async def _write(self, client: GattClient, data: bytes) -> None:
        await client.write_gatt_char(self._command_char, data, response=self._response)

    def _decode[T](self, decode: Callable[[Payload], T], data: Payload) -> T | None:
        """``decode(data)``, or None (counted as malformed) when it does not decode."""
        try:
            return decode(data)
        except ScaleDecodeError as err:
            self._malformed(data, err)
            return None

    def _heard(self) -> float:
        now = self._clock()
        self.last_heard = now
        return now

    def _publish_weight(
        self, grams: float, stable: bool | None = None, flow: float | None = None
    ) -> bool:
        """Filter a decoded reading; if possible, store it and pass it on. Whether it was."""
        now = self._heard()
        if not self.filter.accept(grams):
            _LOGGER.debug("%s: dropping impossible reading %.2f g", self.model.name, grams)
            return False
        grams = grams + 0.0  # -0.0 (a "-" sign on zero digits) is plain 0 g
        tracked = self._stability.add(grams)
        stable = tracked if stable is None else stable
        self.state.weight = grams
        self.state.stable = stable
        if flow is not None:
            self.state.flow = flow
        self._on_sample(WeightSample(now, grams, stable, flow))
        self._on_update()
        return True

    def _publish_button(self, press: ButtonPress) -> None:
        self._heard()
        self._on_sample(press)
        self._on_update()

    def _malformed(self, data: Payload, err: Exception) -> None:
        self.malformed += 1
        _LOGGER.debug(
            "%s: ignoring malformed notification %s: %s", self.model.name, data.hex(), err
        )


def timer_commands(start: bytes, stop: bytes, reset: bytes) -> Mapping[TimerAction, bytes]:
    """What a driver's timer keys send, for ``ScaleDriverBase._timer_commands``."""
    return {"start": start, "stop": stop, "reset": reset}


def xor_checksum(data: Payload | list[int]) -> int:
    """XOR of all bytes (the Bookoo and Decent Scale frames' checksum)."""
    return reduce(xor, data, 0)


def ounces_to_grams(ounces: float) -> float:
    """An ounce reading in grams."""
    return ounces * GRAMS_PER_OUNCE
