"""Emulated Felicita Arc, written from the fact sheet (scales.md §3).

No handshake and no heartbeat: 18-byte ASCII frames flow on FFE1 once the
central subscribes. Every byte written to FFE1 is a command, so a stray Acaia
identify switches display modes (``0x31``-``0x35``), as AcaiaArduinoBLE#42 saw.
Where the sheet leaves a point open, this model chooses and says so:

* bytes 11-14 (meaning unknown) are ``53 4F 30 22``, as in Beanconqueror's
  captured sample;
* battery byte 15 = 129 + 29 × level / 100, rounded (Beanconqueror's scale);
* in ounces the unit bytes read ``oz`` and the digits are ounces × 10000
  (felicita-hacs' note, confirmed nowhere else), to the display's 0.001 oz;
* the sign comes from the unrounded reading, so a hair under zero shows
  ``-000000`` as the captured "-0 g"; ``space_for_plus`` sends a space for
  ``+`` as some firmware does (pyDE1#26);
* grams show to ``precision`` (0.1 g; ``D`` toggles 0.01 g), always as
  hundredths on the wire;
* the timer is on the display only: no frame carries it.
"""

from __future__ import annotations

from typing import Any, Final

from emulator.gatt import Characteristic, Service

from .base import EmulatedScale, Unit, quantize

SERVICE: Final = "0000ffe0-0000-1000-8000-00805f9b34fb"
DATA: Final = "0000ffe1-0000-1000-8000-00805f9b34fb"
ADVERTISED_SERVICES: Final = ("ffe0", "fee0")  # Beanconqueror's iOS discovery

LOCAL_NAME: Final = "FELICITA"
# The dump's manufacturer data [44 29 136 160 <MAC>]: company id 0x1D2C, then 88 A0 + MAC.
MANUFACTURER_ID: Final = 0x1D2C
MANUFACTURER_PREFIX: Final = bytes([136, 160])

TARE: Final = ord("T")
TIMER_START: Final = ord("R")
TIMER_STOP: Final = ord("S")
TIMER_RESET: Final = ord("C")
TIMER_TOGGLE: Final = ord("B")
PRECISION_TOGGLE: Final = ord("D")
UNIT_TOGGLE: Final = ord("U")
DISPLAY_MODES: Final = range(0x31, 0x36)

BATTERY_EMPTY: Final = 129
BATTERY_FULL: Final = 158
UNKNOWN_BYTES: Final = bytes.fromhex("534f3022")
FRAME_SIZE: Final = 18


def battery_raw(level: float) -> int:
    """Byte 15 for a battery level in %."""
    return BATTERY_EMPTY + round((BATTERY_FULL - BATTERY_EMPTY) * max(0.0, min(100.0, level)) / 100)


def encode_frame(
    *,
    digits: int,
    negative: bool,
    unit: Unit,
    battery: int,
    plus: bytes = b"+",
    unknown: bytes = UNKNOWN_BYTES,
) -> bytes:
    """The 18-byte notification: 01 02, sign, six ASCII digits, unit, 4 unknown, battery, CR LF."""
    if not 0 <= digits <= 999_999:
        raise ValueError(f"{digits} does not fit six digits")
    if len(unknown) != 4 or len(plus) != 1:
        raise ValueError("unknown takes 4 bytes and plus 1")
    sign = b"-" if negative else plus
    unit_bytes = b" g" if unit is Unit.GRAMS else b"oz"
    return (
        b"\x01\x02"
        + sign
        + f"{digits:06d}".encode()
        + unit_bytes
        + unknown
        + bytes([battery])
        + b"\r\n"
    )


class FelicitaDevice(EmulatedScale):
    """One Felicita Arc."""

    model = "felicita_arc"
    SENSOR_LAG = 0.45  # Hoffmann and pyDE1 (§3.6); de1app's 0.50 adds BLE
    UPDATE_RATE = 10.0  # pyDE1's nominal 0.1 s
    BUTTONS = ("tare", "timer", "unit", "power")

    def __init__(
        self,
        address: str,
        name: str | None = LOCAL_NAME,
        *,
        precision: float = 0.1,
        space_for_plus: bool = False,
        **options: Any,
    ) -> None:
        if precision not in (0.1, 0.01):
            raise ValueError("precision is 0.1 or 0.01 g")
        super().__init__(address, name, **options)
        self.precision = precision
        self.plus = b" " if space_for_plus else b"+"
        self.display_mode = 1

    # Advertising and GATT --------------------------------------------------

    def advertised_service_uuids(self) -> list[str]:
        """FFE0 and FEE0, as the iOS discovery showed."""
        return list(ADVERTISED_SERVICES)

    def family_manufacturer_data(self) -> dict[int, bytes]:
        """The dump's bytes: 88 A0 and the MAC."""
        return {MANUFACTURER_ID: MANUFACTURER_PREFIX + bytes.fromhex(self.address.replace(":", ""))}

    def build_services(self) -> list[Service]:
        """FFE0 with FFE1: notify and single-byte commands on one characteristic."""
        return [
            Service(
                SERVICE,
                [
                    Characteristic(
                        DATA, ["write", "write-without-response", "notify"], on_write=self._write
                    )
                ],
            )
        ]

    # Frames ----------------------------------------------------------------

    def frame(self) -> bytes:
        """The notification for one reading now."""
        value = self.reading()
        if self.unit is Unit.OUNCES:
            digits = round(quantize(abs(value), 0.001) * 10000)
        else:
            digits = round(quantize(abs(value), self.precision) * 100)
        return encode_frame(
            digits=min(digits, 999_999),
            negative=value < 0,
            unit=self.unit,
            battery=battery_raw(self.battery.level),
            plus=self.plus,
        )

    def send_update(self) -> None:
        """One frame per update period."""
        if self.notify(DATA, self.frame()):
            self.frames_sent += 1

    # Buttons and commands --------------------------------------------------

    def on_button(self, button: str) -> None:
        """Tare, timer (start / stop) and unit act on the scale; nothing is reported."""
        if button == "tare":
            self.tare()
        elif button == "timer":
            self.timer.toggle()
        else:
            self._toggle_unit()

    def _toggle_unit(self) -> None:
        self.set_unit(Unit.OUNCES if self.unit is Unit.GRAMS else Unit.GRAMS)

    def _write(self, data: bytes) -> None:
        for byte in data:
            self._act(byte)

    def _act(self, byte: int) -> None:
        if byte == TARE:
            self.tare()
            self.commands.append("tare")
        elif byte in (TIMER_START, TIMER_STOP, TIMER_RESET, TIMER_TOGGLE):
            {
                TIMER_START: self.timer.start,
                TIMER_STOP: self.timer.stop,
                TIMER_RESET: self.timer.reset,
                TIMER_TOGGLE: self.timer.toggle,
            }[byte]()
            self.touch()
            self.commands.append(f"timer {chr(byte)}")
        elif byte == PRECISION_TOGGLE:
            self.precision = 0.01 if self.precision == 0.1 else 0.1
            self.commands.append(f"precision {self.precision}")
        elif byte == UNIT_TOGGLE:
            self._toggle_unit()
            self.commands.append(f"unit {self.unit}")
        elif byte in DISPLAY_MODES:
            self.display_mode = byte - 0x30
            self.commands.append(f"display mode {self.display_mode}")
        else:
            self.ignored.append(bytes([byte]))


def create_felicita(address: str, name: str | None = None, **options: Any) -> FelicitaDevice:
    """An emulated Felicita Arc advertising as ``FELICITA`` unless named."""
    return FelicitaDevice(address, name or LOCAL_NAME, **options)
