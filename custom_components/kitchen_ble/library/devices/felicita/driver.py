"""Felicita driver: no handshake, no heartbeat; subscribe to FFE1 (fact sheet §3.3).

Never write anything but its commands: the scale takes every byte it receives
as a command (an Acaia identify switched its display mode, §3.3). It has no
stability flag (stable = four equal readings, as felicita-hacs does) and does
not report its timer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Final

from ..base import GattClient, ModelInfo, UnsupportedDeviceError, has_characteristic
from ..scale import Clock, ScaleDecodeError, ScaleDriverBase, Sleep, write_response
from . import codec
from .models import CHAR_DATA

POLL_INTERVAL: Final = 60.0  # s; nothing to poll, the scale pushes ~10 readings a second


class FelicitaDriver(ScaleDriverBase):
    """Talks to one Felicita scale over a connected GattClient."""

    poll_interval = POLL_INTERVAL

    def __init__(
        self,
        model: ModelInfo,
        on_update: Callable[[], None],
        on_sample: Callable[[object], None],
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(model, on_update, on_sample, clock=clock, sleep=sleep)
        self._response = True

    async def async_start(self, client: GattClient) -> None:
        """Subscribe to the data characteristic; nothing is written."""
        if not has_characteristic(client, CHAR_DATA):
            raise UnsupportedDeviceError("no Felicita data characteristic on this device")
        self._reset_readings()
        self._response = write_response(client, CHAR_DATA, prefer=True)
        await client.start_notify(CHAR_DATA, self._on_notify)

    async def async_poll(self, client: GattClient) -> None:
        """Nothing to do: no heartbeat, the battery comes with every reading."""

    async def async_tare(self, client: GattClient) -> None:
        """Zero the scale."""
        await self._write(client, codec.TARE)
        self._reset_readings()

    async def async_timer_start(self, client: GattClient) -> None:
        """Start the scale's timer."""
        await self._timer(client, codec.TIMER_START, running=True)

    async def async_timer_stop(self, client: GattClient) -> None:
        """Stop the scale's timer."""
        await self._timer(client, codec.TIMER_STOP, running=False)

    async def async_timer_reset(self, client: GattClient) -> None:
        """Set the scale's timer back to zero."""
        await self._timer(client, codec.TIMER_RESET, running=False)

    async def async_toggle_unit(self, client: GattClient) -> None:
        """Switch the display between grams and ounces; the next reading says which."""
        await self._write(client, codec.TOGGLE_UNIT)

    async def async_toggle_precision(self, client: GattClient) -> None:
        """Switch the display's precision."""
        await self._write(client, codec.TOGGLE_PRECISION)

    async def _timer(self, client: GattClient, command: bytes, *, running: bool) -> None:
        await self._write(client, command)
        self.state.timer_running = running  # the Felicita never reports its timer
        self._on_update()

    async def _write(self, client: GattClient, data: bytes) -> None:
        await client.write_gatt_char(CHAR_DATA, data, response=self._response)

    def _on_notify(self, _sender: Any, data: bytearray) -> None:
        try:
            reading = codec.decode_reading(data)
        except ScaleDecodeError as err:
            self._malformed(data, err)
            return
        changed = (self.state.unit, self.state.battery) != (reading.unit, reading.battery)
        self.state.unit = reading.unit
        self.state.battery = reading.battery
        if not self._publish_weight(reading.grams) and changed:
            self._on_update()  # the reading was impossible, its unit and battery are not
