"""What every device driver shares: the client it talks to, models, errors.

Nothing here imports Home Assistant. A driver talks to a bleak-like client
(``GattClient``) and reports typed state through a callback, so the same code
runs against a real ``BleakClient`` and against the emulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Protocol, runtime_checkable

from bleak.exc import BleakError

# What a link that is going away raises besides BleakError: TimeoutError from
# bleak and the proxies, EOFError and BrokenPipeError from BlueZ's D-Bus
# connection (bleak-retry-connector retries on the same set).
LINK_ERRORS: Final = (BleakError, TimeoutError, EOFError, BrokenPipeError)

NotifyCallback = Callable[[Any, bytearray], None]


class GattClient(Protocol):
    """The part of ``bleak.BleakClient`` a driver uses."""

    @property
    def is_connected(self) -> bool: ...

    @property
    def services(self) -> Any: ...

    async def read_gatt_char(self, char_specifier: Any, **kwargs: Any) -> bytearray: ...

    async def write_gatt_char(
        self, char_specifier: Any, data: bytes | bytearray, response: bool
    ) -> None: ...

    async def start_notify(
        self, char_specifier: Any, callback: NotifyCallback, **kwargs: Any
    ) -> None: ...


class SerialGattClient:
    """A ``GattClient`` that runs one GATT operation at a time on its link.

    The lock is held per operation, never across a driver's sequence of them,
    so a single urgent write (stop a shot) goes through between the writes of
    a long sequence (a profile upload) instead of waiting for all of it.
    """

    __slots__ = ("_client", "_lock")

    def __init__(self, client: GattClient, lock: asyncio.Lock) -> None:
        self._client = client
        self._lock = lock

    @property
    def is_connected(self) -> bool:
        return self._client.is_connected

    @property
    def services(self) -> Any:
        return self._client.services

    async def read_gatt_char(self, char_specifier: Any, **kwargs: Any) -> bytearray:
        async with self._lock:
            return await self._client.read_gatt_char(char_specifier, **kwargs)

    async def write_gatt_char(
        self, char_specifier: Any, data: bytes | bytearray, response: bool
    ) -> None:
        async with self._lock:
            await self._client.write_gatt_char(char_specifier, data, response=response)

    async def start_notify(
        self, char_specifier: Any, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        async with self._lock:
            await self._client.start_notify(char_specifier, callback, **kwargs)


@runtime_checkable
class ProbeAlarmDriver(Protocol):
    """Optional driver capability: the device keeps an alarm threshold per probe.

    ``high`` and ``low`` are in the device's own unit (``state.unit``); None
    clears one. A device with no low alarm ignores ``low``. Drivers without
    device-side alarms simply do not have this method.
    """

    async def async_set_probe_alarm(
        self, client: GattClient, probe: int, high: int | None, low: int | None = None
    ) -> None: ...


@runtime_checkable
class StoppableDriver(Protocol):
    """Optional driver capability: something to do before a deliberate disconnect.

    Best effort (it must not raise for a link that is already going), e.g. the
    BlueDOT's slow update interval so the device saves power for the next app.
    """

    async def async_stop(self, client: GattClient) -> None: ...


class DeviceError(Exception):
    """A device did not behave as its protocol says."""


class HandshakeError(DeviceError):
    """The device refused or garbled the handshake."""


class UnsupportedDeviceError(DeviceError):
    """The connected device is not a model this driver knows."""


class DeviceKind(StrEnum):
    """What a device is to the user; decides its platforms and features."""

    THERMOMETER = "thermometer"
    SENSOR_NODE = "sensor_node"  # advertisements only: no driver, no connection
    ESPRESSO_MACHINE = "espresso_machine"
    SCALE = "scale"


class Capability(StrEnum):
    """Something a model has or can do; entity descriptions exist by them."""

    BATTERY = "battery"
    PROPANE = "propane"
    ELEMENTS = "elements"  # Weber Pulse heating elements
    SINGLE_ELEMENT = "single_element"  # Pulse 1000: only the left values mean something
    PROBE_ALARM = "probe_alarm"  # keeps alarm thresholds per probe that we can write
    REPORTS_ALARM = "reports_alarm"  # reports its own alarm back (a change on the device)
    # scales
    TIMER = "timer"
    FLOW = "flow"  # the scale reports a flow of its own
    BUTTONS = "buttons"  # physical buttons reported to the central
    AUTO_OFF = "auto_off"
    BEEP = "beep"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A device model as the integration knows it."""

    model_id: str  # stable key stored in the config entry
    name: str  # shown to the user, e.g. "iGrill V2"
    manufacturer: str
    family: str  # driver family, e.g. "igrill"
    probes: int = 0
    capabilities: frozenset[Capability] = field(default_factory=frozenset)
    kind: DeviceKind = field(kw_only=True)

    def has(self, capability: Capability) -> bool:
        """Whether the model has ``capability``."""
        return capability in self.capabilities


def service_uuids_of(client: GattClient) -> set[str]:
    """Lower-case UUIDs of all services the connected client discovered."""
    return {str(service.uuid).lower() for service in client.services}


def has_characteristic(client: GattClient, uuid: str) -> bool:
    """Whether any service of the client has this characteristic (by UUID)."""
    return client.services.get_characteristic(uuid) is not None
