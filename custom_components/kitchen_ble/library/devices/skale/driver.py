"""Skale II driver: no authentication, no heartbeat; a spaced-out wake-up (fact sheet §1.3).

The Skale's command buffer is fragile (reaprime: back-to-back operations can be
dropped silently), so the handshake follows de1app's timing: display on, one
second later weight notifications, one later buttons, one later display on and
grams again. Writes go with response where offered (pyDE1 had to force it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Final

from bleak.exc import BleakError

from ..base import GattClient, ModelInfo, UnsupportedDeviceError, has_characteristic
from ..scale import (
    Clock,
    ScaleDecodeError,
    ScaleDriverBase,
    Sleep,
    WeightUnit,
    write_response,
)
from . import codec
from .models import CHAR_BATTERY, CHAR_BUTTONS, CHAR_COMMAND, CHAR_WEIGHT

_LOGGER = logging.getLogger(__name__)

STEP_DELAY: Final = 1.0  # s between the handshake's steps (de1app, Decenza, reaprime)
COMMAND_GAP: Final = 0.1  # s between two writes in a row
POLL_INTERVAL: Final = 60.0  # s; no heartbeat, a poll only reads the battery


class SkaleDriver(ScaleDriverBase):
    """Talks to one Atomax Skale II over a connected GattClient."""

    poll_interval = POLL_INTERVAL

    def __init__(
        self,
        model: ModelInfo,
        on_update: Callable[[], None],
        on_sample: Callable[[object], None],
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        timer_opcodes: codec.TimerOpcodes = codec.TIMER_MAJORITY,
    ) -> None:
        super().__init__(model, on_update, on_sample, clock=clock, sleep=sleep)
        self.timer_opcodes = timer_opcodes
        self._response = True

    async def async_start(self, client: GattClient) -> None:
        """Wake the display, subscribe weight and buttons, select grams, read the battery."""
        if not (
            has_characteristic(client, CHAR_WEIGHT) and has_characteristic(client, CHAR_COMMAND)
        ):
            raise UnsupportedDeviceError("no Skale weight or command characteristic on this device")
        self._reset_readings()
        self._response = write_response(client, CHAR_COMMAND, prefer=True)
        await self._write_all(client, codec.SCREEN_ON, codec.DISPLAY_WEIGHT)
        await self._sleep(STEP_DELAY)
        await client.start_notify(CHAR_WEIGHT, self._on_weight)
        await self._sleep(STEP_DELAY)
        if has_characteristic(client, CHAR_BUTTONS):
            await client.start_notify(CHAR_BUTTONS, self._on_button)
        await self._sleep(STEP_DELAY)
        await self._write_all(client, codec.SCREEN_ON, codec.DISPLAY_WEIGHT, codec.GRAMS)
        self.state.unit = "g"
        try:
            await self._read_battery(client)
        except BleakError as err:  # optional: Skale I has no real level anyway
            _LOGGER.debug("Could not read the Skale battery: %r", err)
        self._on_update()

    async def async_poll(self, client: GattClient) -> None:
        """Read the battery; a dead link fails here."""
        if await self._read_battery(client):
            self._on_update()

    async def async_tare(self, client: GattClient) -> None:
        """Zero the scale."""
        await self._write(client, codec.TARE)
        self._reset_readings()

    async def async_timer_start(self, client: GattClient) -> None:
        """Start the scale's timer (opcode per ``timer_opcodes``)."""
        await self._timer(client, self.timer_opcodes.start, running=True)

    async def async_timer_stop(self, client: GattClient) -> None:
        """Stop the scale's timer."""
        await self._timer(client, self.timer_opcodes.stop, running=False)

    async def async_timer_reset(self, client: GattClient) -> None:
        """Set the scale's timer back to zero."""
        await self._timer(client, self.timer_opcodes.reset, running=False)

    async def async_set_unit(self, client: GattClient, unit: WeightUnit) -> None:
        """Display grams or ounces (readings stay in grams)."""
        await self._write(client, codec.UNIT_COMMANDS[unit])
        self.state.unit = unit
        self._on_update()

    async def async_display(self, client: GattClient, on: bool) -> None:
        """Switch the display on (showing the weight) or off."""
        if on:
            await self._write_all(client, codec.SCREEN_ON, codec.DISPLAY_WEIGHT)
        else:
            await self._write(client, codec.SCREEN_OFF)

    async def _timer(self, client: GattClient, opcode: bytes, *, running: bool) -> None:
        await self._write(client, opcode)
        self.state.timer_running = running  # the Skale never reports its timer
        self._on_update()

    async def _read_battery(self, client: GattClient) -> bool:
        if not has_characteristic(client, CHAR_BATTERY):
            return False
        data = await client.read_gatt_char(CHAR_BATTERY)
        try:
            battery = codec.decode_battery(data)
        except ScaleDecodeError as err:
            self._malformed(data, err)
            return False
        changed = battery != self.state.battery
        self.state.battery = battery
        return changed

    async def _write(self, client: GattClient, data: bytes) -> None:
        await client.write_gatt_char(CHAR_COMMAND, data, response=self._response)

    async def _write_all(self, client: GattClient, *commands: bytes) -> None:
        for index, data in enumerate(commands):
            if index:
                await self._sleep(COMMAND_GAP)
            await self._write(client, data)

    def _on_weight(self, _sender: Any, data: bytearray) -> None:
        try:
            grams = codec.decode_weight(data)
        except ScaleDecodeError as err:
            self._malformed(data, err)
            return
        self._publish_weight(grams)

    def _on_button(self, _sender: Any, data: bytearray) -> None:
        try:
            press = codec.decode_button(data)
        except ScaleDecodeError as err:
            self._malformed(data, err)
            return
        self._publish_button(press)
