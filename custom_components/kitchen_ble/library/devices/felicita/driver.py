"""Felicita driver: no handshake, no heartbeat; subscribe to FFE1 (fact sheet §3.3).

Never write anything but its commands: the scale takes every byte it receives
as a command (an Acaia identify switched its display mode, §3.3). It has no
stability flag (stable = four equal readings, as felicita-hacs does) and does
not report its timer.
"""

from __future__ import annotations

from typing import Any, Final

from ..base import GattClient
from ..scale import ScaleDriverBase, timer_commands
from . import codec
from .models import CHAR_DATA

POLL_INTERVAL: Final = 60.0  # s; nothing to poll, the scale pushes ~10 readings a second


class FelicitaDriver(ScaleDriverBase):
    """Talks to one Felicita scale over a connected GattClient."""

    poll_interval = POLL_INTERVAL
    _command_char = CHAR_DATA
    # The Felicita never reports its timer: the state follows the commands.
    _timer_commands = timer_commands(codec.TIMER_START, codec.TIMER_STOP, codec.TIMER_RESET)

    async def async_start(self, client: GattClient) -> None:
        """Subscribe to the data characteristic; nothing is written."""
        self._begin(client, CHAR_DATA, missing="Felicita data characteristic")
        await client.start_notify(CHAR_DATA, self._on_notify)

    async def async_poll(self, client: GattClient) -> None:
        """Nothing to do: no heartbeat, the battery comes with every reading."""

    async def async_tare(self, client: GattClient) -> None:
        """Zero the scale."""
        await self._write(client, codec.TARE)
        self._reset_readings()

    async def async_toggle_unit(self, client: GattClient) -> None:
        """Switch the display between grams and ounces; the next reading says which."""
        await self._write(client, codec.TOGGLE_UNIT)

    async def async_toggle_precision(self, client: GattClient) -> None:
        """Switch the display's precision."""
        await self._write(client, codec.TOGGLE_PRECISION)

    def _on_notify(self, _sender: Any, data: bytearray) -> None:
        reading = self._decode(codec.decode_reading, data)
        if reading is None:
            return
        changed = (self.state.unit, self.state.battery) != (reading.unit, reading.battery)
        self.state.unit = reading.unit
        self.state.battery = reading.battery
        if not self._publish_weight(reading.grams) and changed:
            self._on_update()  # the reading was impossible, its unit and battery are not
