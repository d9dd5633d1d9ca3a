"""Emulated Decent Scale / Half Decent Scale, written from the fact sheet (scales.md §4).

The scale weighs only after the central's first write on a link (Decent-API:
"will not weight until some sort write command is sent"); then 10 frames a
second on FFF4. Where the sheet leaves a point open, this model chooses and says so:

* the heartbeat (HDS): the last data byte of LED-on or tare switches the
  requirement on (01) or off (00), read literally from the HDS guide, so the
  vendor quick-start tare ``03 0F 00 00 00 01 0D`` switches it on too. Once on,
  the link is dropped when 5 s pass without ``03 0A 03 FF FF 00 0A``.
  ``heartbeat_capable=False`` is an older Decent Scale that ignores the byte;
* LED-on and the heartbeat are answered with the LED ACK
  ``03 0A <weight BE> <battery> <firmware>`` (battery FF while charging), a tare
  with ``03 0F <counter> 00 00 FE <xor>`` (the sheet names only byte 5);
* frames are 10 bytes (firmware 1.2 and later, with the timer) or, with
  ``frame_size=7``, 7 bytes with a "rate" field of 00 00 (its meaning is unknown);
  ``bad_checksums=True`` ends each weight frame in 00 as the v1 scale in
  reaprime's vector; commands are taken whatever their checksum;
* in ounces (LED-on with byte 4 = 01) the weight field carries hundredths of an
  ounce (the sheet does not say);
* buttons are reported as ``03 AA <button> 00 00 00 <xor>`` (1 = O, 2 = []) and
  act on the scale (tare, timer start / stop);
* ``command_drop_rate`` drops that share of commands (firmware v1.0, item 10);
* the writeback characteristic notifies nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from emulator.gatt import Characteristic, Service

from .base import EmulatedScale, ScaleCommandError, Unit, quantize, xor_of

SERVICE: Final = "0000fff0-0000-1000-8000-00805f9b34fb"
NOTIFY: Final = "0000fff4-0000-1000-8000-00805f9b34fb"
COMMAND: Final = "000036f5-0000-1000-8000-00805f9b34fb"
WRITEBACK: Final = "83cdc3d4-3ba2-13fc-cc5e-106c351a9352"

LOCAL_NAME: Final = "Decent Scale"

CMD_LED: Final = 0x0A
CMD_TIMER: Final = 0x0B
CMD_TARE: Final = 0x0F
LED_OFF: Final = 0x00
LED_ON: Final = 0x01
POWER_OFF: Final = 0x02
HEARTBEAT: Final = 0x03
TIMER_STOP: Final = 0x00
TIMER_RESET: Final = 0x02
TIMER_START: Final = 0x03
STABLE: Final = 0xCE
CHANGING: Final = 0xCA
BUTTON: Final = 0xAA
TARE_ACK: Final = 0xFE
CHARGING: Final = 0xFF
HEARTBEAT_PERIOD: Final = 5.0  # s (HDS guide)


def with_xor(data: bytes) -> bytes:
    """``data`` and its XOR."""
    return data + bytes([xor_of(data)])


@dataclass(frozen=True, slots=True)
class DecentCommand:
    """One 7-byte write to 36F5: ``03 <command> <d1> <d2> <d3> <d4> <xor>``."""

    command: int
    data: bytes  # d1..d4
    checksum_ok: bool


def decode_command(data: bytes) -> DecentCommand:
    """A write to 36F5."""
    if len(data) != 7 or data[0] != 0x03:
        raise ScaleCommandError(f"{data.hex(' ')}: not a 7-byte 03 command")
    return DecentCommand(data[1], data[2:6], xor_of(data[:6]) == data[6])


def encode_weight(
    tenths: int,
    *,
    stable: bool,
    time: tuple[int, int, int] | None = None,
    checksum: int | None = None,
) -> bytes:
    """A weight frame: 10 bytes with ``time`` (minutes, seconds, tenths), else 7.

    ``checksum`` overrides the XOR (the v1 scale's wrong ones).
    """
    head = bytes([0x03, STABLE if stable else CHANGING]) + tenths.to_bytes(2, "big", signed=True)
    body = head + (bytes([*time, 0, 0]) if time is not None else b"\x00\x00")
    return body + bytes([xor_of(body) if checksum is None else checksum])


def encode_led_ack(tenths: int, battery: int, firmware: tuple[int, int, int]) -> bytes:
    """The LED / heartbeat ACK: weight (BE, 0.1 g), battery, firmware; no checksum."""
    major, minor, patch = firmware
    bcd = (major // 10) << 4 | major % 10
    return (
        bytes([0x03, CMD_LED])
        + tenths.to_bytes(2, "big", signed=True)
        + bytes([battery, bcd, minor << 4 | patch])
    )


def encode_tare_ack(counter: int) -> bytes:
    """The tare ACK: command 0F with byte 5 = FE."""
    return with_xor(bytes([0x03, CMD_TARE, counter, 0, 0, TARE_ACK]))


def encode_button(button: int) -> bytes:
    """A button frame: 1 = O (tare), 2 = [] (timer)."""
    return with_xor(bytes([0x03, BUTTON, button, 0, 0, 0]))


class DecentDevice(EmulatedScale):
    """One Decent Scale (by default a Half Decent Scale with the heartbeat)."""

    model = "decent_scale"
    SENSOR_LAG = 0.33  # de1app's 0.38 less its 50 ms of BLE; nothing measured (§4.6)
    UPDATE_RATE = 10.0  # Decent-API: "10x per second"
    BUTTONS = ("circle", "square", "power")

    def __init__(
        self,
        address: str,
        name: str | None = LOCAL_NAME,
        *,
        frame_size: int = 10,
        heartbeat_capable: bool = True,
        bad_checksums: bool = False,
        command_drop_rate: float = 0.0,
        firmware: tuple[int, int, int] = (3, 0, 9),
        **options: Any,
    ) -> None:
        if frame_size not in (7, 10):
            raise ValueError("frame_size is 7 or 10")
        super().__init__(address, name, **options)
        self.frame_size = frame_size
        self.heartbeat_capable = heartbeat_capable
        self.bad_checksums = bad_checksums
        self.command_drop_rate = command_drop_rate
        self.firmware = firmware
        self.lcd_on = True
        self.weighing = False
        self.heartbeat_required = False
        self.heartbeats = 0
        self._last_heartbeat = 0.0

    # GATT ------------------------------------------------------------------

    def build_services(self) -> list[Service]:
        """FFF0 with FFF4 (notify), 36F5 (commands) and the writeback (§4.2)."""
        return [
            Service(
                SERVICE,
                [
                    Characteristic(NOTIFY, ["notify"]),
                    Characteristic(
                        COMMAND, ["write", "write-without-response"], on_write=self._write
                    ),
                    Characteristic(WRITEBACK, ["notify"]),
                ],
            )
        ]

    # Frames ----------------------------------------------------------------

    def tenths(self) -> int:
        """The weight field: tenths of a gram, or hundredths of an ounce."""
        if self.unit is Unit.OUNCES:
            value = round(quantize(self.reading(), 0.01) * 100)
        else:
            value = round(quantize(self.reading(), 0.1) * 10)
        return max(-32768, min(32767, value))

    def battery_byte(self) -> int:
        """0-100, or FF while charging."""
        return CHARGING if self.charging else round(self.battery.level)

    def send_update(self) -> None:
        """A weight frame, once the central has written something on this link."""
        if not self.weighing:
            return
        frame = encode_weight(
            self.tenths(),
            stable=self.settled,
            time=self.timer.parts() if self.frame_size == 10 else None,
            checksum=0 if self.bad_checksums else None,
        )
        if self.notify(NOTIFY, frame):
            self.frames_sent += 1

    def on_tick(self) -> None:
        """No heartbeat for 5 s while it is required: the scale drops the link."""
        if self.heartbeat_required and self.now - self._last_heartbeat > HEARTBEAT_PERIOD:
            self.heartbeat_required = False
            self.commands.append("heartbeat missed")
            self.drop_link()

    def on_connect(self) -> None:
        """Every link starts idle, without the heartbeat."""
        super().on_connect()
        self.weighing = False
        self.heartbeat_required = False

    def on_disconnect(self) -> None:
        """Nothing carries over to the next link."""
        self.weighing = False
        self.heartbeat_required = False

    def on_button(self, button: str) -> None:
        """O tares, [] starts or stops the timer; both are reported."""
        if button == "circle":
            self.tare()
            self.notify(NOTIFY, encode_button(1))
        else:
            self.timer.toggle()
            self.notify(NOTIFY, encode_button(2))

    # Commands --------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        self.weighing = True
        if self.command_drop_rate and self.random.random() < self.command_drop_rate:
            self.ignored.append(data)
            return
        try:
            command = decode_command(data)
        except ScaleCommandError:
            self.ignored.append(data)
            return
        if command.command == CMD_LED:
            self._led(command, data)
        elif command.command == CMD_TIMER:
            self._timer(command, data)
        elif command.command == CMD_TARE:
            self.tare()
            self._heartbeat_flag(command.data[3])
            self.commands.append("tare")
            self.notify(NOTIFY, encode_tare_ack(command.data[0]))
        else:
            self.ignored.append(data)

    def _led(self, command: DecentCommand, data: bytes) -> None:
        mode = command.data[0]
        if mode == HEARTBEAT:
            self.heartbeats += 1
            self._last_heartbeat = self.now
        elif mode == LED_ON:
            self.lcd_on = True
            self.set_unit(Unit.OUNCES if command.data[2] == 0x01 else Unit.GRAMS)
            self._heartbeat_flag(command.data[3])
            self.commands.append(f"led on {self.unit}")
        elif mode == LED_OFF:
            self.lcd_on = False
            self.commands.append("led off")
            return
        elif mode == POWER_OFF:
            self.commands.append("power off")
            self.sleep()
            return
        else:
            self.ignored.append(data)
            return
        self.notify(NOTIFY, encode_led_ack(self.tenths(), self.battery_byte(), self.firmware))

    def _timer(self, command: DecentCommand, data: bytes) -> None:
        operation = command.data[0]
        if operation == TIMER_START:
            self.timer.start()
        elif operation == TIMER_STOP:
            self.timer.stop()
        elif operation == TIMER_RESET:
            self.timer.reset()
        else:
            self.ignored.append(data)
            return
        self.touch()
        self.commands.append(
            {TIMER_START: "timer start", TIMER_STOP: "timer stop"}.get(operation, "timer reset")
        )

    def _heartbeat_flag(self, flag: int) -> None:
        if not self.heartbeat_capable:
            return
        if flag == 0x01 and not self.heartbeat_required:
            self._last_heartbeat = self.now
        self.heartbeat_required = flag == 0x01


def create_decent(address: str, name: str | None = None, **options: Any) -> DecentDevice:
    """An emulated Decent Scale advertising as ``Decent Scale`` unless named."""
    return DecentDevice(address, name or LOCAL_NAME, **options)
