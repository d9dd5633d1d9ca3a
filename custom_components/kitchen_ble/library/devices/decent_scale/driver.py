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

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Final

from ..base import GattClient, ModelInfo, UnsupportedDeviceError, has_characteristic
from ..scale import Clock, ScaleDecodeError, ScaleDriverBase, Sleep, WeightUnit, write_response
from . import codec
from .models import CHAR_COMMAND, CHAR_NOTIFY

_LOGGER = logging.getLogger(__name__)

HEARTBEAT_INTERVAL: Final = 4.0  # s; the Half Decent drops the link after 5 s without one
IDLE_POLL_INTERVAL: Final = 60.0  # s, with the heartbeat off
REPEAT_GAP: Final = 0.06  # s between a command and its repeat
WAKE_DELAY: Final = 0.1  # s between the wake-up's steps


class DecentScaleDriver(ScaleDriverBase):
    """Talks to one Decent Scale or Half Decent Scale over a connected GattClient."""

    def __init__(
        self,
        model: ModelInfo,
        on_update: Callable[[], None],
        on_sample: Callable[[object], None],
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        heartbeat: bool = True,
        repeats: int = 2,
    ) -> None:
        super().__init__(model, on_update, on_sample, clock=clock, sleep=sleep)
        self.heartbeat = heartbeat
        self.repeats = repeats
        self.poll_interval = HEARTBEAT_INTERVAL if heartbeat else IDLE_POLL_INTERVAL
        self.tare_acks = 0
        self._response = True

    async def async_start(self, client: GattClient) -> None:
        """Heartbeat, LED-on, subscribe, LED-on again; returns without waiting for a weight."""
        if not all(has_characteristic(client, uuid) for uuid in (CHAR_NOTIFY, CHAR_COMMAND)):
            raise UnsupportedDeviceError("no Decent Scale characteristics on this device")
        self._reset_readings()
        self._response = write_response(client, CHAR_COMMAND, prefer=True)
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
        await self._command(client, codec.encode_tare(heartbeat=self.heartbeat))
        self._reset_readings()

    async def async_timer_start(self, client: GattClient) -> None:
        """Start the scale's timer."""
        await self._timer(client, codec.TIMER_START, running=True)

    async def async_timer_stop(self, client: GattClient) -> None:
        """Pause the scale's timer."""
        await self._timer(client, codec.TIMER_STOP, running=False)

    async def async_timer_reset(self, client: GattClient) -> None:
        """Set the scale's timer back to zero."""
        await self._timer(client, codec.TIMER_RESET, running=False)

    async def async_set_unit(self, client: GattClient, unit: WeightUnit) -> None:
        """Display grams or ounces (readings stay in grams)."""
        await self._command(client, codec.encode_led_on(heartbeat=self.heartbeat, unit=unit))
        self.state.unit = unit
        self._on_update()

    async def async_display(self, client: GattClient, on: bool) -> None:
        """Display on (in the current unit) or off."""
        unit = self.state.unit or "g"
        command = codec.encode_led_on(heartbeat=self.heartbeat, unit=unit) if on else codec.LED_OFF
        await self._command(client, command)

    async def async_power_off(self, client: GattClient) -> None:
        """Switch the scale off; the link goes with it."""
        await self._write(client, codec.POWER_OFF)

    async def _timer(self, client: GattClient, command: bytes, *, running: bool) -> None:
        await self._command(client, command)
        self.state.timer_running = running
        self._on_update()

    async def _command(self, client: GattClient, data: bytes) -> None:
        for index in range(self.repeats):
            if index:
                await self._sleep(REPEAT_GAP)
            await self._write(client, data)

    async def _write(self, client: GattClient, data: bytes) -> None:
        await client.write_gatt_char(CHAR_COMMAND, data, response=self._response)

    def _on_notify(self, _sender: Any, data: bytearray) -> None:
        try:
            message = codec.decode_notification(data)
        except ScaleDecodeError as err:
            self._malformed(data, err)
            return
        match message:
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
            case _:  # a tare answer or a frame type nobody documents
                self._heard()
                self.tare_acks += message.tare_ack
