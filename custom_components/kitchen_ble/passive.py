"""Passive sensor nodes: a processor coordinator fed by advertisements, no connection ever.

A node broadcasts one complete measurement per advertisement under company id
0xFFFF (advertisers.md). Home Assistant's passive processor coordinator (as in
the core ``bthome`` and ``inkbird`` integrations) hands each changed
advertisement of the node's address to ``_async_handle_bluetooth_event``; the
processors of the sensor and binary sensor platforms turn the reading into
entity data, and Home Assistant's own availability
tracking makes the entities unavailable when the node stops advertising.

Registered PASSIVE and not connectable: everything is in the advertisement
itself (no scan response), so every scanner works, passive-only ones included.

Repeats: a node sends each frame 3-4 times and two proxies may deliver the
same frame. Home Assistant drops a payload equal to the last one it saw of
the address, but not always (the first advertisement through a connectable
scanner after passive ones passes, and a late copy of the previous frame
from a slower proxy differs from the current one). So a frame with the
payload bytes of the current reading, or of the one before it within
``REPEAT_WINDOW_SECONDS``, is dropped here before any processing: a repeat
is never a new measurement. An advertisement that is not a node's (another
0xFFFF user at this address, a garbled frame) is ignored without a log line
and does not count as a sign of life.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

from habluetooth import FALLBACK_MAXIMUM_STALE_ADVERTISEMENT_SECONDS
from homeassistant.components.bluetooth import (
    BluetoothChange,
    BluetoothScanningMode,
    BluetoothServiceInfoBleak,
)
from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataUpdate,
    PassiveBluetoothEntityKey,
    PassiveBluetoothProcessorCoordinator,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.event import async_call_later

from .library.devices.advertisers import COMPANY_ID, NodeReading, decode_node
from .library.devices.base import ModelInfo
from .library.listeners import Unsubscribe

_LOGGER = logging.getLogger(__name__)

# A node repeats a frame within its advertising window (500 ms); the gateway
# the fact sheet describes drops repeats within 10 s, and so does this.
REPEAT_WINDOW_SECONDS: Final = 10.0


def _replaced(service_info: BluetoothServiceInfoBleak) -> NodeReading:
    """Only the base class's event handler calls this, and the coordinator replaces that."""
    raise NotImplementedError


class NodeCoordinator(PassiveBluetoothProcessorCoordinator[NodeReading]):
    """One node: the latest reading, for the entities and for anyone else (brewing)."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], model: ModelInfo) -> None:
        super().__init__(
            hass,
            _LOGGER,
            address=entry.data[CONF_ADDRESS],
            mode=BluetoothScanningMode.PASSIVE,
            update_method=_replaced,
            connectable=False,
        )
        self.entry = entry
        self.model = model
        self.reading: NodeReading | None = None  # the latest measurement, None before the first
        self.payload: bytes | None = None  # the bytes ``reading`` was decoded from
        self._previous: tuple[bytes | None, float] = (None, 0.0)  # the payload before, until
        self._listeners: list[CALLBACK_TYPE] = []
        self._reported_lost = False
        self.device_info = DeviceInfo(
            name=entry.title, manufacturer=model.manufacturer, model=model.name
        )

    @callback
    def async_add_listener(self, update_callback: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update_callback`` after each new reading and when availability changes."""
        self._listeners.append(update_callback)
        return Unsubscribe(self._listeners, update_callback)

    @callback
    def _async_handle_bluetooth_event(
        self, service_info: BluetoothServiceInfoBleak, change: BluetoothChange
    ) -> None:
        """Hot path: every changed advertisement of the node's address."""
        payload = service_info.manufacturer_data.get(COMPANY_ID)
        if payload is None or (
            self._available
            and (
                payload == self.payload  # a repeat of the current frame
                or (payload == self._previous[0] and service_info.time < self._previous[1])
            )
        ):
            return  # not a node's, or a repeat (a late copy of the frame before)
        reading = decode_node(payload)
        if reading is None:
            return  # another 0xFFFF user, or a garbled frame: quietly not a measurement
        if self._reported_lost:
            _LOGGER.info("%s (%s) is available again", self.entry.title, self.address)
            self._reported_lost = False
        self._previous = (self.payload, service_info.time + REPEAT_WINDOW_SECONDS)
        self.reading = reading
        self.payload = bytes(payload)
        self.async_set_updated_data(reading)  # marks available and runs the processors
        for listener in list(self._listeners):
            listener()

    @callback
    def _async_handle_unavailable(self, service_info: BluetoothServiceInfoBleak) -> None:
        """The node has not been heard for Home Assistant's availability window."""
        super()._async_handle_unavailable(service_info)
        self._async_report_lost()
        for listener in list(self._listeners):
            listener()

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Listen for the node; say once if it is not heard within the availability window."""
        stop_listening = super().async_start()
        # a node not heard since Home Assistant started shows no change to log
        cancel_check = async_call_later(
            self.hass, FALLBACK_MAXIMUM_STALE_ADVERTISEMENT_SECONDS, self._async_check_heard
        )

        @callback
        def stop() -> None:
            cancel_check()
            stop_listening()

        return stop

    @callback
    def _async_check_heard(self, _now: Any) -> None:
        if self.reading is None:
            self._async_report_lost()

    @callback
    def _async_report_lost(self) -> None:
        if not self._reported_lost:
            _LOGGER.info("%s (%s) is unavailable", self.entry.title, self.address)
            self._reported_lost = True


def node_key(name: str) -> PassiveBluetoothEntityKey:
    """The key of a node's entity (unique id ``<address>-<name>``)."""
    return PassiveBluetoothEntityKey(name, None)


class NodeUpdates[T]:
    """Readings into processor data; the device and the descriptions go with the first.

    They never change, and comparing them again with every advertisement would
    be most of the processor's work (entities read only the data).
    """

    def __init__(
        self,
        coordinator: NodeCoordinator,
        descriptions: dict[PassiveBluetoothEntityKey, EntityDescription],
        values: Callable[[NodeReading], dict[PassiveBluetoothEntityKey, T]],
    ) -> None:
        self._coordinator = coordinator
        self._descriptions = descriptions
        self._values = values
        self._described = False

    def __call__(self, reading: NodeReading) -> PassiveBluetoothDataUpdate[T]:
        data = self._values(reading)
        if self._described:
            return PassiveBluetoothDataUpdate(entity_data=data)
        self._described = True
        return PassiveBluetoothDataUpdate(
            devices={None: self._coordinator.device_info},
            entity_descriptions=self._descriptions,
            entity_data=data,
        )


def node_diagnostics(coordinator: NodeCoordinator) -> dict[str, Any]:
    """What a bug report needs of a node (the caller redacts the entry)."""
    reading = coordinator.reading
    return {
        "model": coordinator.model.model_id,
        "available": coordinator.available,
        "reading": None
        if reading is None
        else {
            "window_open": reading.window_open,
            "humidity": reading.humidity,
            "temperature": reading.temperature,
            "co2": reading.co2,
            "battery": reading.battery,
        },
        "payload": None if coordinator.payload is None else coordinator.payload.hex(),
    }
