"""Entities of a passive sensor node: processors turn each reading into entity data.

Temperature, humidity, CO2 and battery (diagnostic) sensors and a window
binary sensor, one processor per platform as in the core passive
integrations. A value the node did not send usably (CO2 while its sensor
warms up) is unknown while the others update. The platform files call
``async_setup_sensors`` / ``async_setup_binary_sensors`` for node entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataProcessor,
    PassiveBluetoothDataUpdate,
    PassiveBluetoothEntityKey,
    PassiveBluetoothProcessorEntity,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .compat import BinarySensorDeviceClass
from .devices.advertisers import NodeReading
from .node_coordinator import NodeCoordinator

type SensorValue = float | int | None
type SensorProcessor = PassiveBluetoothDataProcessor[SensorValue, NodeReading]
type BinaryProcessor = PassiveBluetoothDataProcessor[bool | None, NodeReading]

# Plain strings where 2026.7+ adds enums (ha-compat rule 18).
PERCENT: Final = "%"
PPM: Final = "ppm"


def _key(name: str) -> PassiveBluetoothEntityKey:
    return PassiveBluetoothEntityKey(name, None)


TEMPERATURE: Final = _key("temperature")
HUMIDITY: Final = _key("humidity")
CO2: Final = _key("co2")
BATTERY: Final = _key("battery")
WINDOW: Final = _key("window")

SENSORS: Final[dict[PassiveBluetoothEntityKey, EntityDescription]] = {
    TEMPERATURE: SensorEntityDescription(
        key=TEMPERATURE.key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        suggested_display_precision=1,
    ),
    HUMIDITY: SensorEntityDescription(
        key=HUMIDITY.key,
        device_class=SensorDeviceClass.HUMIDITY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENT,
    ),
    CO2: SensorEntityDescription(
        key=CO2.key,
        device_class=SensorDeviceClass.CO2,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PPM,
    ),
    BATTERY: SensorEntityDescription(
        key=BATTERY.key,
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENT,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
}
BINARY_SENSORS: Final[dict[PassiveBluetoothEntityKey, EntityDescription]] = {
    WINDOW: BinarySensorEntityDescription(
        key=WINDOW.key, device_class=BinarySensorDeviceClass.WINDOW
    ),
}


class DataUpdates[T]:
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


def sensor_values(reading: NodeReading) -> dict[PassiveBluetoothEntityKey, SensorValue]:
    """The sensors' values of one reading (None: not sent usably, e.g. CO2 warming up)."""
    return {
        TEMPERATURE: reading.temperature,
        HUMIDITY: reading.humidity,
        CO2: reading.co2,
        BATTERY: reading.battery,
    }


def binary_sensor_values(reading: NodeReading) -> dict[PassiveBluetoothEntityKey, bool | None]:
    """The binary sensors' values of one reading."""
    return {WINDOW: reading.window_open}


async def async_setup_sensors(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Sensors of one node, added when its first reading (or restored data) names them."""
    coordinator: NodeCoordinator = entry.runtime_data
    processor: SensorProcessor = PassiveBluetoothDataProcessor(
        DataUpdates(coordinator, SENSORS, sensor_values)
    )
    entry.async_on_unload(processor.async_add_entities_listener(NodeSensor, async_add_entities))
    entry.async_on_unload(coordinator.async_register_processor(processor, SensorEntityDescription))


async def async_setup_binary_sensors(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """The window sensor of one node."""
    coordinator: NodeCoordinator = entry.runtime_data
    processor: BinaryProcessor = PassiveBluetoothDataProcessor(
        DataUpdates(coordinator, BINARY_SENSORS, binary_sensor_values)
    )
    entry.async_on_unload(
        processor.async_add_entities_listener(NodeBinarySensor, async_add_entities)
    )
    entry.async_on_unload(
        coordinator.async_register_processor(processor, BinarySensorEntityDescription)
    )


class NodeSensor(PassiveBluetoothProcessorEntity[SensorProcessor], SensorEntity):
    """One measurement of a node; unavailable once the node is no longer heard."""

    @property
    def native_value(self) -> SensorValue:
        return self.processor.entity_data.get(self.entity_key)


class NodeBinarySensor(PassiveBluetoothProcessorEntity[BinaryProcessor], BinarySensorEntity):
    """The node's window contact."""

    @property
    def is_on(self) -> bool | None:
        return self.processor.entity_data.get(self.entity_key)
