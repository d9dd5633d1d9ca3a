"""Emulated Acaia Lunar, old (IPS) and new (Pyxis-style) protocol (scales.md §2).

The scale streams nothing until the central writes an identify (type 0B) and
then a notification request (type 0C); the weight then comes as event frames at
the update rate (5 per second, the Acaia SDK's figure). Where the sheet leaves a
point open, this model chooses and says so:

* the heartbeat: the new protocol (and ``heartbeat_required=True``) stops
  streaming after ``heartbeat_timeout`` s (8) without a heartbeat (type 00); no
  source states the scale-side timeout, but pyacaia's Pyxis "works just fine"
  with one every 5 s and de1app forces heartbeats for every Pyxis-variant scale.
  The old Lunar needs none (pyDE1 and de1app send none to it). After a timeout
  the central must identify and request notifications again (or reconnect);
* either identify payload is accepted. An identify refused (the
  ``refuse_handshake`` fault) or written to a characteristic other than the
  command one makes the scale send the INFO frame of vector A6 at the update
  rate instead of weights: pyDE1's "NOT_REALLY_CONNECTED";
* ``handshakes_ignored=N`` ignores the first N identify + request rounds, as
  the scales that make reaprime and Decenza retry up to 10 times;
* write types (§2.3): the old 2A80 takes only writes without response (pyDE1's
  dump); the new command characteristic accepts both, but commands written
  without response are dropped (Decenza: "IPS and Pyxis require different
  write types");
* tare, timer and config need an identified link; timer commands are answered
  with the ACK event (code 01 start, 21 stop, 41 reset, with the weight, as
  vectors A3 / A4); config changes and get-settings with the settings frame;
* while the timer runs, a timer event follows every N-th weight frame, N from
  the notification request ("number heartbeats between timer messages");
* the old Lunar sends the ``EF DD 0C`` header of each event in a notification
  of its own (pyDE1 and ArduinoBLE saw it); ``fragment_rate`` holds the end of
  a frame back into the next notification, so a reader that does not reassemble
  reads across frames (the Lunar's "356 g" of §2.4);
* grams go with ``decimals`` digits (1 on the old Lunar, 2 on the 2021 one, as
  the captures); ounces with 3 (unknown); byte 5 of the settings says 05;
* auto-off minutes follow pyDE1's table (1 = 5, 2 = 10, 3 = 20, 4 = 30, 5 = 60).
"""

from __future__ import annotations

from typing import Any, Final

from emulator.gatt import Characteristic, Service

from . import acaia_codec as codec
from .base import EmulatedScale, ScaleCommandError, Unit

OLD_SERVICE: Final = "00001820-0000-1000-8000-00805f9b34fb"
OLD_CHARACTERISTIC: Final = "00002a80-0000-1000-8000-00805f9b34fb"
NEW_SERVICE: Final = "49535343-fe7d-4ae5-8fa9-9fafd205e455"
NEW_COMMAND: Final = "49535343-8841-43f4-a8d4-ecbe34729bb3"
NEW_NOTIFY: Final = "49535343-1e4d-4bd9-ba61-23c647249616"
NEW_UNUSED: Final = "49535343-4c8a-39b3-2f49-511cff073b7e"
MODULE_SERVICE: Final = "49535343-c9d0-cc83-a44a-6fe238d06d33"
MODULE_CHARACTERISTIC: Final = "49535343-aca3-481c-91ec-d85e28a60318"
BATTERY_SERVICE: Final = "0000180f-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL: Final = "00002a19-0000-1000-8000-00805f9b34fb"
DEVICE_INFO: Final = "0000180a-0000-1000-8000-00805f9b34fb"
MODEL_NUMBER: Final = "00002a24-0000-1000-8000-00805f9b34fb"
MANUFACTURER_NAME: Final = "00002a29-0000-1000-8000-00805f9b34fb"

OLD_MODEL: Final = "acaia_lunar_old"
NEW_MODEL: Final = "acaia_lunar_2021"
OLD_NAME: Final = "ACAIAL1"  # pyDE1's prefix for the pre-2021 Lunar
HEARTBEAT_TIMEOUT: Final = 8.0  # s; a choice, see above
OUNCE_DECIMALS: Final = 3


def auto_off_byte(minutes: float) -> int:
    """The settings byte for ``minutes``: the longest table entry not above it."""
    return max(
        (key for key, value in codec.AUTO_OFF_MINUTES.items() if value <= minutes),
        key=codec.AUTO_OFF_MINUTES.__getitem__,
    )


class AcaiaDevice(EmulatedScale):
    """One Acaia Lunar speaking the old or the new transport."""

    SENSOR_LAG = 0.64  # Hoffmann (§7.1); pyDE1's 0.38 is the Lunar on "fast" filtering
    UPDATE_RATE = 5.0  # the Acaia SDK: "stream updated 5 pr sec"
    TARE_DELAY = 0.3  # not measured in any source
    AUTO_OFF = 5.0  # minutes; the captured settings byte 01
    BUTTONS = ("tare", "timer", "reset", "power")

    def __init__(
        self,
        address: str,
        name: str | None = None,
        *,
        new_protocol: bool,
        heartbeat_required: bool | None = None,
        heartbeat_timeout: float = HEARTBEAT_TIMEOUT,
        split_header: bool | None = None,
        fragment_rate: float = 0.0,
        decimals: int | None = None,
        handshakes_ignored: int = 0,
        beep: bool = True,
        capacity: int = 0,
        **options: Any,
    ) -> None:
        self.new_protocol = new_protocol  # build_services (called by the base) needs it
        if name is None:
            name = f"LUNAR-{address.replace(':', '')[-6:].upper()}" if new_protocol else OLD_NAME
        super().__init__(address, name, **options)
        self.model = NEW_MODEL if new_protocol else OLD_MODEL
        self.heartbeat_required = new_protocol if heartbeat_required is None else heartbeat_required
        self.heartbeat_timeout = heartbeat_timeout
        self.split_header = (not new_protocol) if split_header is None else split_header
        self.fragment_rate = fragment_rate
        self.decimals = (2 if new_protocol else 1) if decimals is None else decimals
        self.handshakes_ignored = handshakes_ignored
        self.beep = beep
        self.capacity = capacity
        self.touchpad = 0
        self.heartbeats = 0
        self.identified = False
        self.streaming = False
        self.rejecting = False
        self._rounds = 0
        self._last_heartbeat = 0.0
        self._timer_every = 5
        self._frames = 0
        self._tail = b""

    @property
    def notify_uuid(self) -> str:
        """Where the scale's frames go."""
        return NEW_NOTIFY if self.new_protocol else OLD_CHARACTERISTIC

    # GATT ----------------------------------------------------------------

    def build_services(self) -> list[Service]:
        """1820 / 2A80 with a battery service, or the Microchip services with DIS (§2.2)."""
        if not self.new_protocol:
            return [
                Service(
                    OLD_SERVICE,
                    [
                        Characteristic(
                            OLD_CHARACTERISTIC,
                            ["write-without-response", "notify"],
                            on_write=self._receive,
                        )
                    ],
                ),
                Service(
                    BATTERY_SERVICE,
                    [
                        Characteristic(
                            BATTERY_LEVEL,
                            ["read"],
                            on_read=lambda: bytes([round(self.battery.level)]),
                        )
                    ],
                ),
            ]
        return [
            Service(
                NEW_SERVICE,
                [
                    Characteristic(
                        NEW_COMMAND, ["write", "write-without-response"], on_write=self._command
                    ),
                    Characteristic(NEW_NOTIFY, ["write", "notify"], on_write=self._wrong_place),
                    Characteristic(
                        NEW_UNUSED,
                        ["write", "write-without-response", "notify"],
                        on_write=self._wrong_place,
                    ),
                ],
            ),
            Service(
                MODULE_SERVICE,
                [
                    Characteristic(
                        MODULE_CHARACTERISTIC, ["write", "notify"], on_write=self._wrong_place
                    )
                ],
            ),
            Service(
                DEVICE_INFO,
                [
                    Characteristic(MODEL_NUMBER, ["read"], b"BM70"),
                    Characteristic(MANUFACTURER_NAME, ["read"], b"MCHP"),
                ],
            ),
        ]

    # Frames ----------------------------------------------------------------

    def weight_body(self) -> bytes:
        """The weight now, in the display unit."""
        decimals = OUNCE_DECIMALS if self.unit is Unit.OUNCES else self.decimals
        return codec.weight_body(self.reading(), decimals, unsettled=not self.settled)

    def settings_frame(self) -> bytes:
        """The settings frame for the current state."""
        return codec.encode_settings(
            battery=round(self.battery.level),
            ounces=self.unit is Unit.OUNCES,
            auto_off=auto_off_byte(self.auto_off),
            beep=self.beep,
            capacity=self.capacity,
        )

    def send_update(self) -> None:
        """A weight event (and now and then the time), or INFO while rejecting."""
        if self.rejecting:
            self._send(codec.encode_frame(codec.INFO, codec.INFO_REJECTED))
            return
        if not self.streaming:
            return
        self._send(codec.encode_event(codec.EVENT_WEIGHT, self.weight_body()), count=True)
        self._frames += 1
        if self.timer.running and self._frames % max(1, self._timer_every) == 0:
            self._send(codec.encode_event(codec.EVENT_TIMER, codec.timer_body(*self.timer.parts())))

    def _send(self, frame: bytes, *, count: bool = False) -> None:
        data, self._tail = self._tail + frame, b""
        if self.fragment_rate and len(data) > 4 and self.random.random() < self.fragment_rate:
            cut = self.random.randrange(3, len(data))
            data, self._tail = data[:cut], data[cut:]
        parts = [data]
        if self.split_header and data.startswith(codec.HEADER + bytes([codec.EVENT])):
            parts = [data[:3], data[3:]]
        sent = [self.notify(self.notify_uuid, part) for part in parts]
        if count and all(sent):
            self.frames_sent += 1

    def on_tick(self) -> None:
        """Without heartbeats the stream stops (new protocol)."""
        if (
            self.streaming
            and self.heartbeat_required
            and self.now - self._last_heartbeat > self.heartbeat_timeout
        ):
            self.streaming = False
            self.identified = False

    # Connection ------------------------------------------------------------

    def on_connect(self) -> None:
        """Every link starts unidentified."""
        super().on_connect()
        self.identified = self.streaming = self.rejecting = False
        self._rounds = 0
        self._frames = 0
        self._tail = b""

    # Buttons ---------------------------------------------------------------

    def on_button(self, button: str) -> None:
        """The buttons act on the scale and are reported as key events (§2.4)."""
        weight = self.weight_body()
        time = codec.timer_body(*self.timer.parts())
        if button == "tare":
            self.tare()
            key = codec.KEY_TARE + weight
        elif button == "reset":
            self.timer.reset()
            key = codec.KEY_TIMER_RESET + time + weight
        elif self.timer.running:
            self.timer.stop()
            key = codec.KEY_TIMER_STOP + time + weight
        else:
            self.timer.start()
            key = codec.KEY_TIMER_START + weight
        if self.streaming:
            self._send(codec.encode_event(codec.EVENT_KEY, key))

    # Commands --------------------------------------------------------------

    def _command(self, data: bytes) -> None:
        if not self.last_write_with_response:
            self.ignored.append(data)  # the Pyxis-style scale wants write requests
            return
        self._receive(data)

    def _wrong_place(self, data: bytes) -> None:
        try:
            command = codec.decode_command(data)
        except ScaleCommandError:
            command = None
        if command is not None and command.message_type == codec.IDENTIFY:
            self.rejecting = True
        self.ignored.append(data)

    def _receive(self, data: bytes) -> None:
        try:
            command = codec.decode_command(data)
        except ScaleCommandError:
            self.ignored.append(data)
            return
        kind = command.message_type
        if kind == codec.HEARTBEAT:
            self.heartbeats += 1
            self._last_heartbeat = self.now
        elif kind == codec.IDENTIFY:
            self._identify()
        elif kind == codec.NOTIFICATION_REQUEST:
            self._request_notifications(command)
        elif kind == codec.GET_SETTINGS:
            self._send(self.settings_frame())
        elif not self.identified or self.rejecting:
            self.ignored.append(data)
        elif kind == codec.TARE:
            self.tare()
            self.commands.append("tare")
        elif kind == codec.TIMER:
            self._timer(command, data)
        elif kind == codec.CONFIG:
            self._config(command, data)
        else:
            self.ignored.append(data)

    def _identify(self) -> None:
        if self.faults.refuse_handshake:
            self.rejecting = True
            return
        self.identified = True
        self.commands.append("identify")

    def _request_notifications(self, command: codec.AcaiaCommand) -> None:
        if not self.identified or self.rejecting:
            return
        if self._rounds < self.handshakes_ignored:
            self._rounds += 1
            self.identified = False
            return
        payload = command.payload
        if len(payload) >= 7 and payload[5] == 0x02:  # pairs: 00 weight, 01 battery, 02 timer
            self._timer_every = payload[6]
        self.streaming = True
        self._last_heartbeat = self.now
        self.commands.append("notification request")

    def _timer(self, command: codec.AcaiaCommand, data: bytes) -> None:
        if len(command.payload) < 2 or command.payload[1] not in codec.ACK_CODES:
            self.ignored.append(data)
            return
        sequence, operation = command.payload[0], command.payload[1]
        if operation == codec.TIMER_START:
            self.timer.start()
            self.commands.append("timer start")
        elif operation == codec.TIMER_STOP:
            self.timer.stop()
            self.commands.append("timer stop")
        else:
            self.timer.reset()
            self.commands.append("timer reset")
        self.touch()
        ack = bytes([sequence, codec.ACK_CODES[operation], codec.EVENT_WEIGHT])
        self._send(codec.encode_event(codec.EVENT_ACK, ack + self.weight_body()))

    def _config(self, command: codec.AcaiaCommand, data: bytes) -> None:
        if len(command.payload) < 3:
            self.ignored.append(data)
            return
        setting, value = command.payload[1], command.payload[2]
        if setting == codec.CONFIG_UNITS and value in (codec.UNITS_GRAMS, codec.UNITS_OUNCES):
            self.set_unit(Unit.OUNCES if value == codec.UNITS_OUNCES else Unit.GRAMS)
        elif setting == codec.CONFIG_AUTO_OFF and value in codec.AUTO_OFF_MINUTES:
            self.auto_off = codec.AUTO_OFF_MINUTES[value]
        elif setting == codec.CONFIG_BEEP:
            self.beep = bool(value)
        elif setting == codec.CONFIG_CAPACITY:
            self.capacity = value
        elif setting == codec.CONFIG_TOUCHPAD:
            self.touchpad = value
        else:
            self.ignored.append(data)
            return
        self.commands.append(f"config {setting}={value}")
        self._send(self.settings_frame())


def create_acaia(model: str, address: str, name: str | None = None, **options: Any) -> AcaiaDevice:
    """An emulated Lunar: ``acaia_lunar_old`` (``ACAIAL1``) or ``acaia_lunar_2021``."""
    if model not in (OLD_MODEL, NEW_MODEL):
        raise ValueError(f"unknown Acaia model {model!r}")
    return AcaiaDevice(address, name, new_protocol=model == NEW_MODEL, **options)
