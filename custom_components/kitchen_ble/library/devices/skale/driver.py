"""Skale II driver: no authentication, no heartbeat; a spaced-out wake-up (fact sheet §1.3).

The Skale's command buffer is fragile (reaprime: back-to-back operations can be
dropped silently), so the handshake follows de1app's timing: display on, one
second later weight notifications, one later buttons, one later display on and
grams again. Writes go with response where offered (pyDE1 had to force it).
"""

from __future__ import annotations

import logging
from typing import Any, Final, Unpack

from bleak.exc import BleakError

from ..base import GattClient, has_characteristic
from ..scale import (
    ScaleDriverArgs,
    ScaleDriverBase,
    ScaleDriverOptions,
    TimerAction,
    WeightUnit,
    timer_commands,
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
    _command_char = CHAR_COMMAND

    def __init__(
        self,
        *args: *ScaleDriverArgs,
        timer_opcodes: codec.TimerOpcodes = codec.TIMER_MAJORITY,
        **options: Unpack[ScaleDriverOptions],
    ) -> None:
        super().__init__(*args, **options)
        self.timer_opcodes = timer_opcodes

    async def async_start(self, client: GattClient) -> None:
        """Wake the display, subscribe weight and buttons, select grams, read the battery."""
        self._begin(
            client, CHAR_WEIGHT, CHAR_COMMAND, missing="Skale weight or command characteristic"
        )
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

    def _timer_command(self, action: TimerAction) -> bytes:
        """The opcode per ``timer_opcodes`` (the Skale never reports its timer)."""
        opcodes = self.timer_opcodes
        return timer_commands(opcodes.start, opcodes.stop, opcodes.reset)[action]

    async def _read_battery(self, client: GattClient) -> bool:
        if not has_characteristic(client, CHAR_BATTERY):
            return False
        data = await client.read_gatt_char(CHAR_BATTERY)
        battery = self._decode(codec.decode_battery, data)
        if battery is None:
            return False
        changed = battery != self.state.battery
        self.state.battery = battery
        return changed

    async def _write_all(self, client: GattClient, *commands: bytes) -> None:
        for index, data in enumerate(commands):
            if index:
                await self._sleep(COMMAND_GAP)
            await self._write(client, data)

    def _on_weight(self, _sender: Any, data: bytearray) -> None:
        grams = self._decode(codec.decode_weight, data)
        if grams is not None:
            self._publish_weight(grams)

    def _on_button(self, _sender: Any, data: bytearray) -> None:
        press = self._decode(codec.decode_button, data)
        if press is not None:
            self._publish_button(press)
