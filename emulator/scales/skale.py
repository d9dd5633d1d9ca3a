"""Emulated Atomax Skale II, written from the fact sheet (scales.md §1).

No handshake and no heartbeat: weight frames flow once the central subscribes
to EF81. Where the sheet leaves a point open, this model chooses and says so:

* EF81 is 4 bytes: byte 0 = 00, then a signed 24-bit LE value. Every reader in
  §1.4 gets the same weight from it (de1app's bytes 1-2, pyDE1's 24 bits,
  reaprime's int32 / 2560), as in reaprime's vector ``00 E8 03 00``;
* grams go as tenths; in ounces (command ``02``) the same field carries
  hundredths of an ounce (the sheet does not say what the wire carries);
* timer opcodes follow de1app / Decenza / reaprime (``DD`` start, ``D1`` stop,
  ``D0`` reset); ``timer_opcodes="pyde1"`` takes pyDE1's ``D1`` / ``D2`` / ``D0``;
* writes without response are dropped (pyDE1 had to force ``response=True``);
* ``EE`` (LCD off) loses the CCCD subscriptions (§1.6), so nothing arrives
  until the central subscribes again;
* reports are made every 100 ms and delivered on a 150 ms clock that
  "bulks up" two or more of them and now and then skips a slot (§1.4);
* the buttons are reported on EF82 (1 circle, 2 square) and do nothing on the
  scale itself: de1app and pyDE1 tare in answer to button 1;
* ``04`` saves the unit; an unsaved unit reverts to the saved one at power-on;
* ``command_spacing`` > 0 drops a command that comes sooner than that after
  the previous one ("back-to-back operations ... silent drops", reaprime).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from emulator.gatt import Characteristic, Service

from .base import EmulatedScale, ScaleCommandError, Unit, quantize

SERVICE: Final = "0000ff08-0000-1000-8000-00805f9b34fb"
COMMAND: Final = "0000ef80-0000-1000-8000-00805f9b34fb"
WEIGHT: Final = "0000ef81-0000-1000-8000-00805f9b34fb"
BUTTON: Final = "0000ef82-0000-1000-8000-00805f9b34fb"
UNKNOWN: Final = "0000ef83-0000-1000-8000-00805f9b34fb"  # "doesn't look like weight"
EXTRA_SERVICE: Final = "0f050001-3225-44b1-b97d-d3274acb29de"
EXTRA: Final = "0f050002-3225-44b1-b97d-d3274acb29de"
BATTERY_SERVICE: Final = "0000180f-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL: Final = "00002a19-0000-1000-8000-00805f9b34fb"
DEVICE_INFO: Final = "0000180a-0000-1000-8000-00805f9b34fb"
MODEL_NUMBER: Final = "00002a24-0000-1000-8000-00805f9b34fb"
MANUFACTURER_NAME: Final = "00002a29-0000-1000-8000-00805f9b34fb"

LOCAL_NAME: Final = "Skale"
# The captured advertisement "ef81000000ff", read as company id 0x81EF + payload (§1.1).
MANUFACTURER_ID: Final = 0x81EF
MANUFACTURER_PAYLOAD: Final = bytes.fromhex("000000ff")

TARE: Final = 0x10
GRAMS: Final = 0x03
OUNCES: Final = 0x02
SAVE_UNIT: Final = 0x04
DISPLAY_WEIGHT: Final = 0xEC
LCD_ON: Final = 0xED
LCD_OFF: Final = 0xEE
CALIBRATE: Final = 0xCA  # + 05 (500 g) or 0A (1000 g)
FILTER: Final = 0x09  # + 00..03
TIMER_OPCODES: Final = {
    "de1app": {"start": 0xDD, "stop": 0xD1, "reset": 0xD0},
    "pyde1": {"start": 0xD1, "stop": 0xD2, "reset": 0xD0},
}
_TWO_BYTE: Final = {CALIBRATE: (0x05, 0x0A), FILTER: (0x00, 0x01, 0x02, 0x03)}

BUTTON_CIRCLE: Final = 1
BUTTON_SQUARE: Final = 2
DELIVERY_TICKS: Final = 15  # the 150 ms clock reports are delivered on
SKIP_RATE: Final = 0.05  # a delivery slot is skipped now and then (300 ms gaps)


@dataclass(frozen=True, slots=True)
class SkaleCommand:
    """One decoded write to EF80."""

    opcode: int
    argument: int | None = None


def decode_command(data: bytes) -> SkaleCommand:
    """A write to EF80: one opcode, or ``CA`` / ``09`` with their argument byte."""
    if not data:
        raise ScaleCommandError("an empty command")
    opcode = data[0]
    if opcode in _TWO_BYTE:
        if len(data) != 2 or data[1] not in _TWO_BYTE[opcode]:
            raise ScaleCommandError(f"{data.hex(' ')}: bad argument for {opcode:02x}")
        return SkaleCommand(opcode, data[1])
    if len(data) != 1:
        raise ScaleCommandError(f"{data.hex(' ')}: the Skale takes one byte")
    return SkaleCommand(opcode)


def encode_weight(value: int, *, marker: int = 0x00, size: int = 4) -> bytes:
    """EF81: ``marker`` then ``value`` (tenths of a gram) as signed LE in ``size - 1`` bytes.

    ``size=3`` gives crema's 16-bit vectors (marker ``10``), the default
    reaprime's 4-byte one.
    """
    try:
        return bytes([marker]) + value.to_bytes(size - 1, "little", signed=True)
    except OverflowError as err:
        raise ValueError(f"{value} does not fit {size - 1} bytes") from err


class SkaleDevice(EmulatedScale):
    """One Skale II."""

    model = "skale2"
    SENSOR_LAG = 0.33  # Hoffmann (§1.6); de1app's 0.38 adds 50 ms of BLE
    UPDATE_RATE = 10.0  # pyDE1's nominal 0.1 s
    TARE_DELAY = 0.33  # de1app's median, "can be over 500 ms"
    BUTTONS = ("circle", "square", "power")

    def __init__(
        self,
        address: str,
        name: str | None = LOCAL_NAME,
        *,
        timer_opcodes: str = "de1app",
        bulk_reports: bool = True,
        drops_unacknowledged_writes: bool = True,
        command_spacing: float = 0.0,
        **options: Any,
    ) -> None:
        if timer_opcodes not in TIMER_OPCODES:
            raise ValueError(f"timer_opcodes must be one of {', '.join(TIMER_OPCODES)}")
        super().__init__(address, name, **options)
        self.timer_opcodes = timer_opcodes
        self.bulk_reports = bulk_reports
        self.drops_unacknowledged_writes = drops_unacknowledged_writes
        self.command_spacing = command_spacing
        self.saved_unit = self.unit
        self.lcd_on = True
        self.filter_level = 1
        self.calibrations: list[int] = []  # grams of each calibration asked for
        self._queue: list[bytes] = []
        self._last_command: float | None = None

    # Advertising and GATT --------------------------------------------------

    def family_manufacturer_data(self) -> dict[int, bytes]:
        """The captured manufacturer data (§1.1)."""
        return {MANUFACTURER_ID: MANUFACTURER_PAYLOAD}

    def build_services(self) -> list[Service]:
        """FF08 with EF80-EF83, battery, device information, the unknown 0f05 service."""
        return [
            Service(
                SERVICE,
                [
                    Characteristic(
                        COMMAND, ["write", "write-without-response"], on_write=self._write
                    ),
                    Characteristic(WEIGHT, ["notify"]),
                    Characteristic(BUTTON, ["notify"]),
                    Characteristic(UNKNOWN, ["read"], bytes(4)),
                ],
            ),
            Service(EXTRA_SERVICE, [Characteristic(EXTRA, ["read"], bytes(2))]),
            Service(
                BATTERY_SERVICE,
                [
                    Characteristic(
                        BATTERY_LEVEL, ["read"], on_read=lambda: bytes([round(self.battery.level)])
                    )
                ],
            ),
            Service(
                DEVICE_INFO,
                [
                    Characteristic(MODEL_NUMBER, ["read"], b"SkaleII"),
                    Characteristic(MANUFACTURER_NAME, ["read"], b"ATOMAX INC."),
                ],
            ),
        ]

    # Frames ----------------------------------------------------------------

    def weight_value(self) -> int:
        """The EF81 value now: tenths of a gram, or hundredths of an ounce."""
        if self.unit is Unit.OUNCES:
            return round(quantize(self.reading(), 0.01) * 100)
        return round(quantize(self.reading(), 0.1) * 10)

    def send_update(self) -> None:
        """Make a report; it goes out now or on the next delivery slot."""
        frame = encode_weight(max(-(2**23), min(2**23 - 1, self.weight_value())))
        if self.bulk_reports:
            self._queue.append(frame)
        else:
            self._send(frame)

    def on_tick(self) -> None:
        """The 150 ms delivery clock."""
        if not self._queue or self._ticks % DELIVERY_TICKS:
            return
        if self.random.random() < SKIP_RATE:
            return
        queue, self._queue = self._queue, []
        for frame in queue:
            self._send(frame)

    def _send(self, frame: bytes) -> None:
        if self.notify(WEIGHT, frame):
            self.frames_sent += 1

    def on_connect(self) -> None:
        """Reports made for an earlier link are not delivered."""
        super().on_connect()
        self._queue.clear()
        self._last_command = None

    def on_wake(self) -> None:
        """An unsaved unit is lost at power-off."""
        self.unit = self.saved_unit
        self.lcd_on = True

    def on_button(self, button: str) -> None:
        """EF82 carries the button; the scale itself does nothing."""
        self.notify(BUTTON, bytes([BUTTON_CIRCLE if button == "circle" else BUTTON_SQUARE]))

    # Commands --------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        if self.drops_unacknowledged_writes and not self.last_write_with_response:
            self.ignored.append(data)
            return
        if (
            self.command_spacing > 0
            and self._last_command is not None
            and self.now - self._last_command < self.command_spacing
        ):
            self.ignored.append(data)
            return
        self._last_command = self.now
        try:
            command = decode_command(data)
        except ScaleCommandError:
            self.ignored.append(data)
            return
        self._act(command)

    def _act(self, command: SkaleCommand) -> None:
        opcode = command.opcode
        timer = TIMER_OPCODES[self.timer_opcodes]
        if opcode == TARE:
            self.tare()
            self.commands.append("tare")
        elif opcode in (GRAMS, OUNCES):
            self.set_unit(Unit.GRAMS if opcode == GRAMS else Unit.OUNCES)
            self.commands.append(f"unit {self.unit}")
        elif opcode == SAVE_UNIT:
            self.saved_unit = self.unit
            self.commands.append("save unit")
        elif opcode == timer["start"]:
            self.timer.start()
            self.commands.append("timer start")
        elif opcode == timer["stop"]:
            self.timer.stop()
            self.commands.append("timer stop")
        elif opcode == timer["reset"]:
            self.timer.reset()
            self.commands.append("timer reset")
        elif opcode in (LCD_ON, LCD_OFF, DISPLAY_WEIGHT):
            self._display(opcode)
        elif opcode == CALIBRATE:
            self.calibrations.append(500 if command.argument == 0x05 else 1000)
            self.commands.append("calibrate")
        elif opcode == FILTER:
            self.filter_level = command.argument or 0
            self.commands.append(f"filter {self.filter_level}")
        else:
            self.ignored.append(bytes([opcode]))

    def _display(self, opcode: int) -> None:
        if opcode == LCD_OFF:
            self.lcd_on = False
            self.forget_subscriptions()  # §1.6: the CCCDs go while the display is off
            self.commands.append("lcd off")
        elif opcode == LCD_ON:
            self.lcd_on = True
            self.commands.append("lcd on")
        else:
            self.commands.append("display weight")


def create_skale(address: str, name: str | None = None, **options: Any) -> SkaleDevice:
    """An emulated Skale II advertising as ``Skale`` unless named."""
    return SkaleDevice(address, name or LOCAL_NAME, **options)
