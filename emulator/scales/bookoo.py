"""Emulated Bookoo Themis, written from the fact sheet (scales.md §5).

No handshake and no heartbeat: 20-byte frames flow on FF11 once the central
subscribes, carrying the timer, the weight and the scale's own flow rate.
Where the sheet leaves a point open, this model chooses and says so:

* standby (bytes 14-15) goes in tenths of a minute, as crema's captures
  (``00 96`` for 15 min), not in minutes as the vendor document says;
* the rate is not documented anywhere: 10 frames a second;
* commands are taken whatever their checksum (unknown whether the firmware
  checks; the documented timer checksums are wrong); ``command_checksum="xor"``
  drops every command whose last byte is not the XOR of the others;
* the parameter of beep, auto-off and smoothing is read from byte 4, the
  position of the 2025-07-25 correction;
* flow is the change of the displayed weight over the last second (two
  seconds with flow smoothing on), in hundredths of a g/s;
* ``spike_rate``: the chance per frame that a run of 30-45 frames starts with
  the weight sign byte flipped on the same magnitude, as crema's capture of a
  steady 608.70 g showed ("-" for 42 frames, "+" for 34);
* there is no unit command; ``set_unit("oz")`` (the scale's own setting) makes
  byte 5 read 02 (grams read 01) and the weight field hundredths of an ounce;
* buttons act on the scale and are not reported;
* no sensor lag is published for the Bookoo; de1app's default less its 50 ms
  of BLE is used.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Final

from emulator.gatt import Characteristic, Service

from .base import EmulatedScale, ScaleCommandError, Unit, quantize, xor_of

SERVICE: Final = "00000ffe-0000-1000-8000-00805f9b34fb"
WEIGHT: Final = "0000ff11-0000-1000-8000-00805f9b34fb"
COMMAND: Final = "0000ff12-0000-1000-8000-00805f9b34fb"

LOCAL_NAME: Final = "BOOKOO_SC"

TARE: Final = 0x01
BEEP: Final = 0x02
AUTO_OFF: Final = 0x03
TIMER_START: Final = 0x04
TIMER_STOP: Final = 0x05
TIMER_RESET: Final = 0x06
TARE_AND_START: Final = 0x07
FLOW_SMOOTHING: Final = 0x08
UNIT_GRAMS: Final = 0x01
UNIT_OUNCES: Final = 0x02
PLUS: Final = ord("+")
MINUS: Final = ord("-")
FLIP_RUN: Final = (30, 45)  # frames a sign flip lasts


@dataclass(frozen=True, slots=True)
class BookooCommand:
    """One 6-byte write to FF12: ``03 0A <command> <p1> <p2> <xor>``."""

    command: int
    value: int  # byte 4
    checksum_ok: bool


def decode_command(data: bytes) -> BookooCommand:
    """A write to FF12."""
    if len(data) != 6 or data[:2] != b"\x03\x0a":
        raise ScaleCommandError(f"{data.hex(' ')}: not a 6-byte 03 0A command")
    return BookooCommand(data[2], data[4], xor_of(data[:5]) == data[5])


def encode_weight(
    *,
    milliseconds: int,
    hundredths: int,
    negative: bool,
    flow: int,
    flow_negative: bool,
    battery: int,
    standby: int,
    buzzer: int,
    smoothing: bool,
    auto_stop: int,
    unit: int = UNIT_GRAMS,
) -> bytes:
    """The 20-byte FF11 frame; ``hundredths`` and ``flow`` are magnitudes, ``standby`` 0.1 min."""
    body = (
        b"\x03\x0b"
        + milliseconds.to_bytes(3, "big")
        + bytes([unit, MINUS if negative else PLUS])
        + hundredths.to_bytes(3, "big")
        + bytes([MINUS if flow_negative else PLUS])
        + flow.to_bytes(2, "big")
        + bytes([battery])
        + standby.to_bytes(2, "big")
        + bytes([buzzer, int(smoothing), auto_stop])
    )
    return body + bytes([xor_of(body)])


class BookooDevice(EmulatedScale):
    """One Bookoo Themis (Mini or Ultra)."""

    model = "bookoo_themis"
    SENSOR_LAG = 0.33
    UPDATE_RATE = 10.0
    AUTO_OFF = 15.0  # minutes; the captured standby 0x96
    BUTTONS = ("tare", "timer", "power")

    def __init__(
        self,
        address: str,
        name: str | None = LOCAL_NAME,
        *,
        beep_level: int = 1,
        flow_smoothing: bool = False,
        auto_stop_mode: int = 0,
        spike_rate: float = 0.0,
        command_checksum: str = "any",
        **options: Any,
    ) -> None:
        if command_checksum not in ("any", "xor"):
            raise ValueError("command_checksum is 'any' or 'xor'")
        super().__init__(address, name, **options)
        self.beep_level = beep_level
        self.flow_smoothing = flow_smoothing
        self.auto_stop_mode = auto_stop_mode
        self.spike_rate = spike_rate
        self.command_checksum = command_checksum
        self.flipped = 0  # frames left in a sign flip
        self._history: deque[tuple[float, float]] = deque()

    # Advertising and GATT --------------------------------------------------

    def advertised_service_uuids(self) -> list[str]:
        """0FFE, as bookoo-hacs matches."""
        return [SERVICE]

    def build_services(self) -> list[Service]:
        """0FFE with FF11 (weight) and FF12 (commands, notify)."""
        return [
            Service(
                SERVICE,
                [
                    Characteristic(WEIGHT, ["notify"]),
                    Characteristic(COMMAND, ["write", "notify"], on_write=self._write),
                ],
            )
        ]

    # Frames ----------------------------------------------------------------

    def flow(self, grams: float) -> float:
        """The change of the displayed weight over the flow window (g/s), ``grams`` now."""
        window = 2.0 if self.flow_smoothing else 1.0
        self._history.append((self.now, grams))
        while self._history[0][0] < self.now - window - 1e-9:
            self._history.popleft()
        then, before = self._history[0]
        return (grams - before) / (self.now - then) if self.now > then else 0.0

    def frame(self) -> bytes:
        """The frame for one reading now."""
        value = self.reading()
        grams = self.displayed
        flow = round(self.flow(grams) * 100)
        negative = value < 0
        if self.flipped:
            self.flipped -= 1
            negative = not negative
        elif self.spike_rate and self.random.random() < self.spike_rate:
            self.flipped = self.random.randint(*FLIP_RUN) - 1
            negative = not negative
        return encode_weight(
            milliseconds=min(round(self.timer.seconds * 1000), 0xFFFFFF),
            hundredths=min(round(quantize(abs(value), 0.01) * 100), 0xFFFFFF),
            negative=negative,
            flow=min(abs(flow), 0xFFFF),
            flow_negative=flow < 0,
            battery=round(self.battery.level),
            standby=round(self.auto_off * 10),
            buzzer=self.beep_level,
            smoothing=self.flow_smoothing,
            auto_stop=self.auto_stop_mode,
            unit=UNIT_OUNCES if self.unit is Unit.OUNCES else UNIT_GRAMS,
        )

    def send_update(self) -> None:
        """One frame per update period."""
        if self.notify(WEIGHT, self.frame()):
            self.frames_sent += 1

    def on_connect(self) -> None:
        """The flow window starts afresh with each link."""
        super().on_connect()
        self._history.clear()

    def on_button(self, button: str) -> None:
        """Tare and timer (start / stop) act on the scale."""
        if button == "tare":
            self.tare()
        else:
            self.timer.toggle()

    # Commands --------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        try:
            command = decode_command(data)
        except ScaleCommandError:
            self.ignored.append(data)
            return
        if self.command_checksum == "xor" and not command.checksum_ok:
            self.ignored.append(data)
            return
        self._act(command, data)

    def _act(self, command: BookooCommand, data: bytes) -> None:
        code, value = command.command, command.value
        if code in (TARE, TARE_AND_START):
            self.tare()
            if code == TARE_AND_START:
                self.timer.start()
            self.commands.append("tare" if code == TARE else "tare and start")
        elif code in (TIMER_START, TIMER_STOP, TIMER_RESET):
            {TIMER_START: self.timer.start, TIMER_STOP: self.timer.stop}.get(
                code, self.timer.reset
            )()
            self.touch()
            self.commands.append(
                {TIMER_START: "timer start", TIMER_STOP: "timer stop"}.get(code, "timer reset")
            )
        elif code == BEEP and value <= 5:
            self.beep_level = value
            self.commands.append(f"beep {value}")
        elif code == AUTO_OFF and 5 <= value <= 30:
            self.auto_off = float(value)
            self.commands.append(f"auto-off {value}")
        elif code == FLOW_SMOOTHING and value in (0, 1):
            self.flow_smoothing = bool(value)
            self.commands.append(f"flow smoothing {value}")
        else:
            self.ignored.append(data)


def create_bookoo(address: str, name: str | None = None, **options: Any) -> BookooDevice:
    """An emulated Bookoo Themis advertising as ``BOOKOO_SC`` unless named."""
    return BookooDevice(address, name or LOCAL_NAME, **options)
