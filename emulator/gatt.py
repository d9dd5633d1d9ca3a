"""A small GATT model: characteristics, services and ATT errors.

Device models describe their GATT table with these classes; the emulated
client (``emulator.client``) turns them into bleak objects. Nothing here knows
about connections or faults; that is the device's job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import bleak.exc
from bleak.exc import BleakError
from bleak.uuids import normalize_uuid_str

# ATT error codes (Bluetooth Core Specification, Vol 3, Part F, 3.4.1.1).
ATT_INVALID_HANDLE = 0x01
ATT_READ_NOT_PERMITTED = 0x02
ATT_WRITE_NOT_PERMITTED = 0x03
ATT_INSUFFICIENT_AUTHENTICATION = 0x05
ATT_REQUEST_NOT_SUPPORTED = 0x06
ATT_INVALID_ATTRIBUTE_VALUE_LENGTH = 0x0D
ATT_UNLIKELY_ERROR = 0x0E

_ATT_ERROR_NAMES = {
    ATT_INVALID_HANDLE: "Invalid Handle",
    ATT_READ_NOT_PERMITTED: "Read Not Permitted",
    ATT_WRITE_NOT_PERMITTED: "Write Not Permitted",
    ATT_INSUFFICIENT_AUTHENTICATION: "Insufficient Authentication",
    ATT_REQUEST_NOT_SUPPORTED: "Request Not Supported",
    ATT_INVALID_ATTRIBUTE_VALUE_LENGTH: "Invalid Attribute Value Length",
    ATT_UNLIKELY_ERROR: "Unlikely Error",
}

# bleak 3 raises ``BleakGATTProtocolError`` (a BleakError with ``.code``) for
# ATT errors; derive from it when it exists so code written for bleak 3 sees
# the same exception type from the emulator. bleak 2 has only BleakError.
if TYPE_CHECKING:
    _AttErrorBase = BleakError
else:
    _AttErrorBase = getattr(bleak.exc, "BleakGATTProtocolError", BleakError)


class AttError(_AttErrorBase):
    """A GATT operation answered with an ATT error code."""

    def __init__(self, code: int, detail: str = "") -> None:
        name = _ATT_ERROR_NAMES.get(code, "Unknown")
        message = f"ATT error 0x{code:02x} ({name})"
        if detail:
            message = f"{message}: {detail}"
        # args[0] is the code, as bleak 3's BleakGATTProtocolError keeps it.
        BleakError.__init__(self, code, message)
        self.message = message

    @property
    def code(self) -> int:
        """The ATT error code, e.g. 0x05 for insufficient authentication."""
        return int(self.args[0])

    def __str__(self) -> str:
        return self.message


ReadHandler = Callable[[], bytes]
WriteHandler = Callable[[bytes], None]

READ = "read"
WRITE = "write"
WRITE_WITHOUT_RESPONSE = "write-without-response"
NOTIFY = "notify"
INDICATE = "indicate"


def normalize_uuid(uuid: str) -> str:
    """The 128-bit lower-case form of a UUID (16-bit ones are expanded)."""
    return normalize_uuid_str(uuid)


@dataclass(eq=False)
class Characteristic:
    """One characteristic: its properties and how it reads and writes.

    A read returns ``on_read()`` when given, else the stored ``value``. A write
    calls ``on_write(data)`` when given, else stores the data as the value.
    """

    uuid: str
    properties: Sequence[str]
    value: bytes = b""
    on_read: ReadHandler | None = None
    on_write: WriteHandler | None = None

    def __post_init__(self) -> None:
        self.uuid = normalize_uuid(self.uuid)
        self.properties = tuple(self.properties)

    @property
    def can_notify(self) -> bool:
        """Whether a client may subscribe to this characteristic."""
        return NOTIFY in self.properties or INDICATE in self.properties

    def read(self) -> bytes:
        """Serve a read request."""
        if READ not in self.properties:
            raise AttError(ATT_READ_NOT_PERMITTED, self.uuid)
        if self.on_read is not None:
            return bytes(self.on_read())
        return self.value

    def write(self, data: bytes, response: bool) -> None:
        """Serve a write request (``response``) or command (not ``response``)."""
        needed = WRITE if response else WRITE_WITHOUT_RESPONSE
        if needed not in self.properties:
            raise AttError(ATT_WRITE_NOT_PERMITTED, f"{self.uuid} has no {needed!r}")
        if self.on_write is not None:
            self.on_write(bytes(data))
        else:
            self.value = bytes(data)


@dataclass(eq=False)
class Service:
    """A primary service and its characteristics."""

    uuid: str
    characteristics: list[Characteristic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.uuid = normalize_uuid(self.uuid)


def find_characteristic(services: Iterable[Service], uuid: str) -> Characteristic | None:
    """The first characteristic with this UUID in any of the services."""
    wanted = normalize_uuid(uuid)
    for service in services:
        for characteristic in service.characteristics:
            if characteristic.uuid == wanted:
                return characteristic
    return None
