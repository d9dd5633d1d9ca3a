"""Decent Scale / Half Decent driver: a write wakes it, a heartbeat keeps it (fact sheet §4.3).

The scale weighs only after some write, so the handshake sends LED-on before
subscribing and again after. The Half Decent drops the link without a
heartbeat at least every 5 s once LED-on or tare asked for it; the vendor
recommends using it (it drops zombie links), so by default the driver asks for
it and sends one every 4 s (the fact sheet's "≤ 4 s", a margin under 5 s).
Older Decent Scales ignore both. Firmware 1.0 drops an occasional command, so
each command goes twice, 60 ms apart (vendor advice: ≥ 50 ms).
"""

from __future__ import annotations

import logging
from typing import Any, Final, Unpack

from ..base import GattClient
from ..scale import (
    ScaleDriverArgs,
    ScaleDriverBase,
    ScaleDriverOptions,
    WeightUnit,
    timer_commands,
)
from . import codec
from .models import CHAR_COMMAND, CHAR_NOTIFY

_LOGGER = logging.getLogger(__name__)

HEARTBEAT_INTERVAL: Final = 4.0  # s; the Half Decent drops the link after 5 s without one
IDLE_POLL_INTERVAL: Final = 60.0  # s, with the heartbeat off
REPEAT_GAP: Final = 0.06  # s between a command and its repeat
WAKE_DELAY: Final = 0.1  # s between the wake-up's steps


class DecentScaleDriver(ScaleDriverBase):
    """Talks to one Decent Scale or Half Decent Scale over a connected GattClient."""

    _command_char = CHAR_COMMAND
    _timer_commands = timer_commands(codec.TIMER_START, codec.TIMER_STOP, codec.TIMER_RESET)

    def __init__(
        self,
        *args: *ScaleDriverArgs,
        heartbeat: bool = True,
        repeats: int = 2,
        **options: Unpack[ScaleDriverOptions],
    ) -> None:
        super().__init__(*args, **options)
        self.heartbeat = heartbeat
        self.repeats = repeats
        self.poll_interval = HEARTBEAT_INTERVAL if heartbeat else IDLE_POLL_INTERVAL
        self.tare_acks = 0

    async def async_start(self, client: GattClient) -> None:
        """Heartbeat, LED-on, subscribe, LED-on again; returns without waiting for a weight."""
        self._begin(client, CHAR_NOTIFY, CHAR_COMMAND, missing="Decent Scale characteristics")
        if self.heartbeat:
            await self._write(client, codec.HEARTBEAT)
        led_on = codec.encode_led_on(heartbeat=self.heartbeat)
        await self._write(client, led_on)
        await self._sleep(WAKE_DELAY)
        await client.start_notify(CHAR_NOTIFY, self._on_notify)
        await self._sleep(WAKE_DELAY)
        await self._write(client, led_on)
        self.state.unit = "g"
        self._on_update()

    async def async_poll(self, client: GattClient) -> None:
        """The heartbeat (its answer carries the battery); nothing when it is off."""
        if self.heartbeat:
            await self._write(client, codec.HEARTBEAT)

    async def async_tare(self, client: GattClient) -> None:
        """Zero the scale."""
        await self._send(client, codec.encode_tare(heartbeat=self.heartbeat))
        self._reset_readings()

    async def async_set_unit(self, client: GattClient, unit: WeightUnit) -> None:
        """Display grams or ounces (readings stay in grams)."""
        await self._send(client, codec.encode_led_on(heartbeat=self.heartbeat, unit=unit))
        self.state.unit = unit
        self._on_update()

    async def async_display(self, client: GattClient, on: bool) -> None:
        """Display on (in the current unit) or off."""
        unit = self.state.unit or "g"
        command = codec.encode_led_on(heartbeat=self.heartbeat, unit=unit) if on else codec.LED_OFF
        await self._send(client, command)

    async def async_power_off(self, client: GattClient) -> None:
        """Switch the scale off; the link goes with it."""
        await self._write(client, codec.POWER_OFF)

    async def _send(self, client: GattClient, data: bytes) -> None:
        """Each command ``repeats`` times (firmware 1.0 drops one now and then)."""
        for index in range(self.repeats):
            if index:
                await self._sleep(REPEAT_GAP)
            await self._write(client, data)

    def _on_notify(self, _sender: Any, data: bytearray) -> None:
        match self._decode(codec.decode_notification, data):
            case codec.DecentWeight(grams, stable, timer, checksum_ok):
                if not checksum_ok:
                    _LOGGER.debug("Decent weight frame %s: checksum off, kept", data.hex())
                if timer is not None:
                    self.state.timer = timer
                self._publish_weight(grams, stable)
            case codec.DecentButton(press):
                self._publish_button(press)
            case codec.DecentStatus(battery, firmware):
                self._heard()
                self.state.battery = battery
                self.state.firmware = firmware
                self._on_update()
            case codec.DecentOther(tare_ack=tare_ack):  # a tare answer or an undocumented type
                self._heard()
                self.tare_acks += tare_ack
