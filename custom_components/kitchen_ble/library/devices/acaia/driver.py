"""Acaia driver: both transports, identify + notification request, heartbeat (fact sheet §2.3).

The transport comes from the GATT table (the Pyxis-style one wins when both
are present). Writes on the old IPS transport go without response, on the
Pyxis one with response (Decenza: "IPS and Pyxis require different write
types!").

Handshake: subscribe, wait (0.1 s old, 0.5 s new), identify, 0.2 s later ask
for notifications. Until a weight arrives every poll repeats the identify,
alternating its two known forms (both work on some models, §9.3), and gives up
with ``HandshakeError`` after ten, as reaprime and Decenza drop the link. A
scale that answers only with INFO frames is rejecting the identify (§2.3).

Heartbeat every 3 s (reaprime, Decenza) with a short settings request, which
keeps the battery fresh. Timer state follows the scale's acknowledgements and
key events, never our own commands: some Lunars ignore timer commands (§2.5).
"""

from __future__ import annotations

import logging
from typing import Any, Final, Unpack

from ..base import (
    GattClient,
    HandshakeError,
    UnsupportedDeviceError,
    has_characteristic,
)
from ..scale import (
    PressKind,
    ScaleDecodeError,
    ScaleDriverArgs,
    ScaleDriverBase,
    ScaleDriverOptions,
    WeightUnit,
    ounces_to_grams,
    timer_commands,
)
from . import codec
from .framing import AcaiaFramer
from .models import (
    NEW_CHAR_COMMAND,
    NEW_CHAR_NOTIFY,
    OLD_CHAR,
    AcaiaProtocol,
)

_LOGGER = logging.getLogger(__name__)

POLL_INTERVAL: Final = 3.0  # s between heartbeats
SETTLE_DELAY: Final = {AcaiaProtocol.OLD: 0.1, AcaiaProtocol.NEW: 0.5}  # s after subscribing
REQUEST_DELAY: Final = 0.2  # s between identify and notification request
MAX_IDENTIFY: Final = 10
TARE_REPEATS: Final = 3  # "Lunar is notoriously unreliable with single tare commands"
TARE_GAP: Final = 0.1  # s


class AcaiaDriver(ScaleDriverBase):
    """Talks to one Acaia scale (either transport) over a connected GattClient."""

    poll_interval = POLL_INTERVAL
    # Timer state follows the scale's acknowledgements and key events, not our commands.
    _reports_timer = True
    _timer_commands = timer_commands(codec.TIMER_START, codec.TIMER_STOP, codec.TIMER_RESET)

    def __init__(
        self,
        *args: *ScaleDriverArgs,
        identify_forms: tuple[bytes, ...] = (codec.IDENTIFY_DIGITS, codec.IDENTIFY_DASHES),
        **options: Unpack[ScaleDriverOptions],
    ) -> None:
        super().__init__(*args, **options)
        self.protocol: AcaiaProtocol | None = None
        self.identify_forms = identify_forms
        self.info_frames = 0  # INFO frames since start: a sign of a refused identify
        self._framer = AcaiaFramer()
        self._command_char = NEW_CHAR_COMMAND
        self._weighed = False
        self._identifies = 0
        self._seq = 0

    async def async_start(self, client: GattClient) -> None:
        """Pick the transport, subscribe, identify; returns without waiting for a weight."""
        if has_characteristic(client, NEW_CHAR_COMMAND) and has_characteristic(
            client, NEW_CHAR_NOTIFY
        ):
            protocol, notify_char = AcaiaProtocol.NEW, NEW_CHAR_NOTIFY
            self._command_char, self._response = NEW_CHAR_COMMAND, True
        elif has_characteristic(client, OLD_CHAR):
            protocol, notify_char = AcaiaProtocol.OLD, OLD_CHAR
            self._command_char, self._response = OLD_CHAR, False
        else:
            raise UnsupportedDeviceError("no Acaia characteristics on this device")
        self.protocol = protocol
        self._framer.reset()
        self._reset_readings()
        self._weighed = False
        self._identifies = 0
        self.info_frames = 0
        await client.start_notify(notify_char, self._on_notify)
        await self._sleep(SETTLE_DELAY[protocol])
        await self._identify(client)

    async def async_poll(self, client: GattClient) -> None:
        """Heartbeat; identify again until weights come, then ask for the settings."""
        await self._write(client, codec.HEARTBEAT)
        if self._weighed:
            await self._write(client, codec.encode_get_settings(self._next_seq()))
            return
        if self._identifies >= MAX_IDENTIFY:
            hint = f" and sent {self.info_frames} INFO frames" if self.info_frames else ""
            raise HandshakeError(
                f"{self.model.name} sent no weight after {self._identifies} identifies{hint}"
            )
        await self._identify(client)

    async def async_tare(self, client: GattClient) -> None:
        """Zero the scale: the long tare, three times 0.1 s apart."""
        for index in range(TARE_REPEATS):
            if index:
                await self._sleep(TARE_GAP)
            await self._write(client, codec.TARE_LONG)
            if not index:
                self._reset_readings()

    async def async_set_unit(self, client: GattClient, unit: WeightUnit) -> None:
        """Display grams or ounces (readings stay in grams)."""
        await self._write(client, codec.encode_unit(self._next_seq(), unit))
        self._set(unit=unit)

    async def async_set_auto_off(self, client: GattClient, minutes: int) -> None:
        """Switch off after 5, 10, 20, 30 or 60 idle minutes; 0 = never."""
        await self._write(client, codec.encode_auto_off(self._next_seq(), minutes))
        self._set(auto_off=minutes)

    async def async_set_beep(self, client: GattClient, on: bool) -> None:
        """Key beeps on or off."""
        await self._write(client, codec.encode_beep(self._next_seq(), on))
        self._set(beep=int(on))

    async def _identify(self, client: GattClient) -> None:
        form = self.identify_forms[self._identifies % len(self.identify_forms)]
        self._identifies += 1
        await self._write(client, form)
        await self._sleep(REQUEST_DELAY)
        await self._write(client, codec.NOTIFICATION_REQUEST)

    def _next_seq(self) -> int:
        seq = self._seq
        self._seq = (seq + 1) & 0xFF
        return seq

    def _set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.state, name, value)
        self._on_update()

    def _on_notify(self, _sender: Any, data: bytearray) -> None:
        skipped = self._framer.skipped
        for frame in self._framer.feed(data):
            message = self._decode(codec.decode_frame, frame)
            if message is not None:
                self._handle(message)
        if self._framer.skipped != skipped:
            self._malformed(data, ScaleDecodeError("bytes outside any Acaia frame"))

    def _handle(self, message: codec.AcaiaMessage) -> None:
        match message:
            case codec.AcaiaWeightEvent(weight, timer):
                self._timer_state(timer=timer)
                self._weight(weight)
            case codec.AcaiaTimerEvent(seconds):
                self._heard()
                self._timer_state(timer=seconds)
                self._on_update()
            case codec.AcaiaKeyEvent(press, weight, timer):
                running = {PressKind.START: True, PressKind.STOP: False}.get(press.how)
                if press.how is PressKind.RESET:
                    running, timer = False, 0.0 if timer is None else timer
                self._timer_state(timer=timer, running=running)
                if weight is not None:
                    self._weight(weight)
                self._publish_button(press)
            case codec.AcaiaAck():
                self._heard()
                timer = message.timer
                if timer is None and message.code == codec.ACK_TIMER_RESET:
                    timer = 0.0  # a reset timer reads zero (the ack carries no time)
                self._timer_state(timer=timer, running=message.timer_running)
                if message.weight is not None:
                    self._weight(message.weight)
                else:
                    self._on_update()
            case codec.AcaiaSettings(battery, unit, auto_off, beep):
                self._heard()
                self.state.battery = battery
                self.state.unit = unit
                self.state.auto_off = auto_off
                self.state.beep = int(beep)
                self._on_update()
            case codec.AcaiaInfo(payload):
                self._heard()
                self.info_frames += 1
                _LOGGER.debug("%s: INFO frame %s", self.model.name, payload.hex())
            case _:
                self._heard()

    def _timer_state(self, *, timer: float | None, running: bool | None = None) -> None:
        if timer is not None:
            self.state.timer = timer
        if running is not None:
            self.state.timer_running = running

    def _weight(self, weight: codec.AcaiaWeight) -> None:
        self._weighed = True
        # The body carries the display unit's value (§2.4); the settings say which unit.
        value = weight.grams
        grams = ounces_to_grams(value) if self.state.unit == "oz" else value
        self._publish_weight(grams, weight.stable)
