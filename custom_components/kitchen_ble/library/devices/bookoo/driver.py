"""Bookoo Themis driver: subscribe and listen, no handshake, no heartbeat (fact sheet §5.3).

Bookoo may refuse the notification subscription and still work (Decenza), so a
refused subscription is tried once more and then let be; ``last_heard`` tells
the caller whether frames come. The scale's own flow goes along with every
sample. Its timer runs when the timer value grows between frames.

Sign flips: crema captured a steady 608.70 g object reported with a "-" sign
for a run of frames with identical weight bytes (§5.4). A reading that is
exactly the last one with the other sign cannot be real (it would be a jump of
twice the weight in one frame), so the last sign is kept and the flip counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Final, Unpack

from bleak.exc import BleakError

from ..base import GattClient
from ..scale import (
    ScaleDriverArgs,
    ScaleDriverBase,
    ScaleDriverOptions,
    TimerAction,
)
from . import codec
from .models import CHAR_COMMAND, CHAR_WEIGHT

_LOGGER = logging.getLogger(__name__)

POLL_INTERVAL: Final = 60.0  # s; nothing to poll
SUBSCRIBE_RETRY_DELAY: Final = 0.2  # s (Decenza subscribes at 300 and 500 ms)
TIMER_CODES: Final[Mapping[TimerAction, int]] = {
    "start": codec.CMD_TIMER_START,
    "stop": codec.CMD_TIMER_STOP,
    "reset": codec.CMD_TIMER_RESET,
}


class BookooDriver(ScaleDriverBase):
    """Talks to one Bookoo Themis scale over a connected GattClient."""

    poll_interval = POLL_INTERVAL
    _command_char = CHAR_COMMAND
    _reports_timer = True  # the frames carry the timer; the state follows them

    def __init__(
        self,
        *args: *ScaleDriverArgs,
        timer_checksum: codec.TimerChecksum = "documented",
        **options: Unpack[ScaleDriverOptions],
    ) -> None:
        super().__init__(*args, **options)
        self.timer_checksum: codec.TimerChecksum = timer_checksum
        self.sign_flips = 0

    async def async_start(self, client: GattClient) -> None:
        """Subscribe to weights (and, if offered, the auto-timer events)."""
        self._begin(client, CHAR_WEIGHT, CHAR_COMMAND, missing="Bookoo characteristics")
        await self._subscribe(client, CHAR_WEIGHT, self._on_weight, retry=True)
        await self._subscribe(client, CHAR_COMMAND, self._on_command, retry=False)

    async def async_poll(self, client: GattClient) -> None:
        """Nothing to do: no heartbeat, everything comes with each frame."""

    async def async_tare(self, client: GattClient) -> None:
        """Zero the scale."""
        await self._write(client, codec.TARE)
        self._reset_readings()

    async def async_tare_and_start(self, client: GattClient) -> None:
        """Tare and start the timer in one command (the vendor's "recommend")."""
        command = codec.timer_command(codec.CMD_TARE_AND_START, self.timer_checksum)
        await self._write(client, command)
        self._reset_readings()

    async def async_set_beep(self, client: GattClient, level: int) -> None:
        """Buzzer level 0 (off) to 5; the next frame confirms it."""
        await self._write(client, codec.encode_beep(level))

    async def async_set_auto_off(self, client: GattClient, minutes: int) -> None:
        """Switch off after 5..30 idle minutes; the next frame confirms it."""
        await self._write(client, codec.encode_auto_off(minutes))

    async def async_set_flow_smoothing(self, client: GattClient, on: bool) -> None:
        """The scale's own flow smoothing on or off."""
        await self._write(client, codec.encode_flow_smoothing(on))

    async def _subscribe(
        self,
        client: GattClient,
        uuid: str,
        callback: Callable[[Any, bytearray], None],
        *,
        retry: bool,
    ) -> None:
        for attempt in range(2 if retry else 1):
            if attempt:
                await self._sleep(SUBSCRIBE_RETRY_DELAY)
            try:
                await client.start_notify(uuid, callback)
            except BleakError as err:  # Bookoo may refuse the CCCD write and still notify
                _LOGGER.debug("Bookoo refused notifications on %s: %r", uuid, err)
            else:
                return

    def _timer_command(self, action: TimerAction) -> bytes:
        """The timer command, with the checksum ``timer_checksum`` says."""
        command = TIMER_CODES[action]
        return codec.timer_command(command, self.timer_checksum)

    def _on_weight(self, _sender: Any, data: bytearray) -> None:
        reading = self._decode(codec.decode_reading, data)
        if reading is None:
            return
        grams = reading.grams
        last = self.state.weight
        if last is not None and grams != 0 and grams == -last:
            self.sign_flips += 1
            grams = last
        state = self.state
        if state.timer is not None:
            state.timer_running = reading.timer > state.timer
        state.timer = reading.timer
        state.battery = reading.battery
        state.auto_off = reading.standby
        state.beep = reading.beep
        state.unit = "g" if reading.unit_code == codec.UNIT_GRAMS else None
        if not self._publish_weight(grams, flow=reading.flow):
            self._on_update()  # the weight was impossible; the rest of the frame is news

    def _on_command(self, _sender: Any, data: bytearray) -> None:
        message = self._decode(codec.decode_command_notification, data)
        if message is None:
            return
        self._heard()
        if isinstance(message, codec.BookooTimerEvent):
            self.state.timer_running = message.running
            self._on_update()
