"""iGrill driver: pairing, handshake, reads, notifications and polling."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Final

from ..base import (
    LINK_ERRORS,
    Capability,
    DeviceError,
    GattClient,
    HandshakeError,
    ModelInfo,
    NotifyCallback,
    UnsupportedDeviceError,
    has_characteristic,
    service_uuids_of,
)
from ..thermometer import HeatingElements, ThermometerState
from . import codec
from .models import (
    CHAR_APP_CHALLENGE,
    CHAR_BATTERY,
    CHAR_DEVICE_CHALLENGE,
    CHAR_DEVICE_RESPONSE,
    CHAR_ELEMENTS,
    CHAR_FIRMWARE,
    CHAR_PROBES,
    CHAR_PROPANE,
    CHAR_THRESHOLDS,
    CHAR_UNIT,
    model_from_services,
)

_LOGGER = logging.getLogger(__name__)

HANDSHAKE_ATTEMPTS: Final = 3
HANDSHAKE_RETRY_DELAY = 1.0  # seconds between attempts; tests shorten it
ATT_UNLIKELY_ERROR: Final = 0x0E

type Decoder[T] = Callable[[codec.Payload], T]


class MalformedValueError(DeviceError):
    """A read returned a value its codec rejects."""


def is_unlikely_error(err: BaseException) -> bool:
    """Whether err is ATT error 0x0E, which V2/V202 send when reading an empty probe socket."""
    return getattr(err, "code", None) == ATT_UNLIKELY_ERROR or "0x0e" in str(err).lower()


def _decode[T](uuid: str, data: bytearray, decode: Decoder[T]) -> T:
    try:
        return decode(data)
    except ValueError as err:
        raise MalformedValueError(
            f"malformed value {bytes(data).hex()} from {uuid}: {err}"
        ) from err


class IGrillDriver:
    """Talks to one iGrill-family device over a connected GattClient."""

    def __init__(
        self,
        model: ModelInfo,
        on_update: Callable[[], None],
        *,
        handshake_retry_delay: float | None = None,
    ) -> None:
        self.model = model
        self.state = ThermometerState(probes=[None] * model.probes)
        self.poll_interval: float = 30.0
        self._on_update = on_update
        self._retry_delay = handshake_retry_delay
        self._extras: list[tuple[str, str, Decoder[object]]] = []  # (uuid, state field, decoder)
        self._notified: set[int] = set()  # probes heard from since the last poll

    async def async_start(self, client: GattClient) -> None:
        """Identify, authenticate, read everything once, then subscribe.

        A malformed unit fails the start: every probe value depends on it. Any
        other malformed value is skipped (a probe is then unknown, never a value
        from an earlier link) until the next notification or poll.
        """
        self._refine_model(client)
        await self._pair(client)
        await self._handshake(client)
        self._extras = [
            extra for extra in self._wanted_extras() if has_characteristic(client, extra[0])
        ]
        self._notified.clear()

        if has_characteristic(client, CHAR_FIRMWARE):
            await self._refresh(
                self._read(client, CHAR_FIRMWARE, codec.decode_firmware),
                partial(self._store, "firmware"),
            )
        self.state.unit = await self._read(client, CHAR_UNIT, codec.decode_unit)
        for index in range(self.model.probes):
            self.state.probes[index] = None
            await self._refresh(self._read_probe(client, index), partial(self._store_probe, index))
        for uuid, field, decode in self._extras:
            await self._refresh(self._read(client, uuid, decode), partial(self._store, field))

        for index in range(self.model.probes):
            callback = self._callback("probe", codec.decode_probe, partial(self._on_probe, index))
            await client.start_notify(CHAR_PROBES[index], callback)
        for uuid, field, decode in self._extras:
            await client.start_notify(
                uuid, self._callback(field, decode, partial(self._store, field))
            )
        self._on_update()

    async def async_poll(self, client: GattClient) -> None:
        """Read what may not be notified; re-read probes that stayed silent.

        Each value is stored as soon as it is read; a malformed one is skipped.
        When a read fails the error propagates, but whatever was stored before
        it has been announced: state and entities never drift apart.
        """
        silent = [index for index in range(self.model.probes) if index not in self._notified]
        self._notified.clear()
        changed = False
        try:
            changed |= await self._refresh(
                self._read(client, CHAR_UNIT, codec.decode_unit), partial(self._store, "unit")
            )
            for uuid, field, decode in self._extras:
                changed |= await self._refresh(
                    self._read(client, uuid, decode), partial(self._store, field)
                )
            # Some V2 firmware only notifies once an alarm is set (fact sheet §5.2).
            for index in silent:
                changed |= await self._refresh(
                    self._read_probe(client, index), partial(self._store_probe, index)
                )
        finally:
            if changed:
                self._on_update()

    async def async_set_threshold(
        self, client: GattClient, probe: int, low: int | None, high: int | None
    ) -> None:
        """Set the device alarm limits of probe number `probe` (1 = left-most socket)."""
        if not 1 <= probe <= self.model.probes:
            raise ValueError(f"{self.model.name} has no probe {probe}")
        data = codec.encode_threshold(low, high)
        await client.write_gatt_char(CHAR_THRESHOLDS[probe - 1], data, response=True)

    async def async_set_probe_alarm(
        self, client: GattClient, probe: int, high: int | None, low: int | None = None
    ) -> None:
        """The ProbeAlarmDriver capability: both limits (None clears one)."""
        await self.async_set_threshold(client, probe, low, high)

    def _refine_model(self, client: GattClient) -> None:
        model = model_from_services(service_uuids_of(client))
        if model is None:
            raise UnsupportedDeviceError("no iGrill temperature service on this device")
        if model != self.model:
            _LOGGER.debug("Services say %s, not %s", model.name, self.model.name)
            self.model = model
            self.state.probes = [None] * model.probes

    async def _pair(self, client: GattClient) -> None:
        # The handshake needs an encrypted link; proxies and emulators may not pair.
        pair = getattr(client, "pair", None)
        if pair is None:
            return
        try:
            await pair()
        except (NotImplementedError, *LINK_ERRORS) as err:
            # A link that died here fails the handshake next, which reports it.
            _LOGGER.debug("Pairing not possible, trying the handshake anyway: %r", err)

    async def _handshake(self, client: GattClient) -> None:
        """Zero-challenge handshake, retried; any failure ends as HandshakeError."""
        last_error: Exception | None = None
        attempts = 0
        for attempt in range(1, HANDSHAKE_ATTEMPTS + 1):
            attempts = attempt
            try:
                await client.write_gatt_char(CHAR_APP_CHALLENGE, codec.APP_CHALLENGE, response=True)
                challenge = await client.read_gatt_char(CHAR_DEVICE_CHALLENGE)
                response = codec.device_response(challenge)
                await client.write_gatt_char(CHAR_DEVICE_RESPONSE, response, response=True)
            except (*LINK_ERRORS, ValueError) as err:
                last_error = err
                _LOGGER.debug("Handshake attempt %d failed: %r", attempt, err)
                if not client.is_connected:
                    break  # the link is gone: another attempt cannot be answered
                if attempt < HANDSHAKE_ATTEMPTS:
                    await asyncio.sleep(
                        HANDSHAKE_RETRY_DELAY if self._retry_delay is None else self._retry_delay
                    )
            else:
                return
        raise HandshakeError(f"handshake failed after {attempts} attempt(s)") from last_error

    def _wanted_extras(self) -> list[tuple[str, str, Decoder[object]]]:
        # A mains-powered Pulse still has a Battery Service, so battery goes by presence.
        extras: list[tuple[str, str, Decoder[object]]] = [
            (CHAR_BATTERY, "battery", codec.decode_battery)
        ]
        if self.model.has(Capability.PROPANE):
            extras.append((CHAR_PROPANE, "propane", codec.decode_propane))
        if self.model.has(Capability.ELEMENTS):
            extras.append((CHAR_ELEMENTS, "elements", self._decode_elements))
        return extras

    def _decode_elements(self, data: codec.Payload) -> HeatingElements:
        elements = codec.decode_elements(data)
        if self.model.has(Capability.SINGLE_ELEMENT):
            return dataclasses.replace(elements, right_actual=None, right_setpoint=None)
        return elements

    async def _read[T](self, client: GattClient, uuid: str, decode: Decoder[T]) -> T:
        return _decode(uuid, await client.read_gatt_char(uuid), decode)

    async def _refresh[T](self, read: Awaitable[T], store: Callable[[T], bool]) -> bool:
        """Store what ``read`` returns; skip a malformed value. True when state changed."""
        try:
            value = await read
        except MalformedValueError as err:
            _LOGGER.debug("Skipping %s", err)
            return False
        return store(value)

    async def _read_probe(self, client: GattClient, index: int) -> int | None:
        uuid = CHAR_PROBES[index]
        try:
            data = await client.read_gatt_char(uuid)
        except Exception as err:
            if is_unlikely_error(err):  # empty socket; read it again next poll
                return None
            raise
        return _decode(uuid, data, codec.decode_probe)

    def _callback[T](
        self, what: str, decode: Decoder[T], store: Callable[[T], bool]
    ) -> NotifyCallback:
        def on_notify(_sender: Any, data: bytearray) -> None:
            try:
                value = decode(data)
            except ValueError as err:
                _LOGGER.debug("Ignoring malformed %s notification %s: %s", what, data.hex(), err)
                return
            if store(value):
                self._on_update()

        return on_notify

    def _on_probe(self, index: int, value: int | None) -> bool:
        self._notified.add(index)
        return self._store_probe(index, value)

    def _store_probe(self, index: int, value: int | None) -> bool:
        if self.state.probes[index] == value:
            return False
        self.state.probes[index] = value
        return True

    def _store(self, field: str, value: object) -> bool:
        if getattr(self.state, field) == value:
            return False
        setattr(self.state, field, value)
        return True
