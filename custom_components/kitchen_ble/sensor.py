"""Sensors: probe temperatures, battery, propane, heating elements, signal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import KitchenBleConfigEntry, KitchenBleCoordinator
from .devices.thermometer import ThermometerState
from .entity import KitchenBleEntity

PARALLEL_UPDATES = 0

_UNITS = {"°C": UnitOfTemperature.CELSIUS, "°F": UnitOfTemperature.FAHRENHEIT}


@dataclass(frozen=True, kw_only=True)
class KitchenBleSensorDescription(SensorEntityDescription):
    """How to read one sensor from the coordinator."""

    value_fn: Callable[[KitchenBleCoordinator], float | int | None]
    # Temperatures follow the unit the device reports in.
    device_unit: bool = False


def _state(coordinator: KitchenBleCoordinator) -> ThermometerState:
    return coordinator.driver.state


def _probe(index: int) -> KitchenBleSensorDescription:
    return KitchenBleSensorDescription(
        key=f"probe_{index + 1}",
        translation_key="probe_temperature",
        translation_placeholders={"probe": str(index + 1)},
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        device_unit=True,
        value_fn=lambda c: _state(c).probes[index],
    )


def _element(key: str, read: Callable[..., int | None]) -> KitchenBleSensorDescription:
    # The Pulse element text carries no unit; every source labels it °C.
    return KitchenBleSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        value_fn=lambda c: None if (e := _state(c).elements) is None else read(e),
    )


BATTERY = KitchenBleSensorDescription(
    key="battery",
    device_class=SensorDeviceClass.BATTERY,
    state_class=SensorStateClass.MEASUREMENT,
    native_unit_of_measurement=PERCENTAGE,
    entity_category=EntityCategory.DIAGNOSTIC,
    value_fn=lambda c: _state(c).battery,
)
PROPANE = KitchenBleSensorDescription(
    key="propane",
    translation_key="propane",
    state_class=SensorStateClass.MEASUREMENT,
    native_unit_of_measurement=PERCENTAGE,
    value_fn=lambda c: _state(c).propane,
)
LEFT_ELEMENT = (
    _element("left_element_temperature", lambda e: e.left_actual),
    _element("left_element_setpoint", lambda e: e.left_setpoint),
)
RIGHT_ELEMENT = (
    _element("right_element_temperature", lambda e: e.right_actual),
    _element("right_element_setpoint", lambda e: e.right_setpoint),
)
SIGNAL_STRENGTH = KitchenBleSensorDescription(
    key="signal_strength",
    device_class=SensorDeviceClass.SIGNAL_STRENGTH,
    state_class=SensorStateClass.MEASUREMENT,
    native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    value_fn=lambda c: c.rssi,
)


def descriptions_for(coordinator: KitchenBleCoordinator) -> list[KitchenBleSensorDescription]:
    """The sensors this device's model has."""
    model = coordinator.model
    found = [_probe(index) for index in range(model.probes)]
    if "battery" in model.features:
        found.append(BATTERY)
    if "propane" in model.features:
        found.append(PROPANE)
    if "elements" in model.features:
        found.extend(LEFT_ELEMENT)
        if "single_element" not in model.features:
            found.extend(RIGHT_ELEMENT)
    found.append(SIGNAL_STRENGTH)
    return found


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of one device."""
    coordinator = entry.runtime_data
    async_add_entities(
        KitchenBleSensor(coordinator, description) for description in descriptions_for(coordinator)
    )


class KitchenBleSensor(KitchenBleEntity, SensorEntity):
    """A sensor whose value comes from the coordinator."""

    entity_description: KitchenBleSensorDescription

    def __init__(
        self, coordinator: KitchenBleCoordinator, description: KitchenBleSensorDescription
    ) -> None:
        super().__init__(coordinator, description)
        # Signal strength comes from advertisements, not from the link.
        self.always_available = description.key == SIGNAL_STRENGTH.key

    @property
    def native_value(self) -> float | int | None:
        return self.entity_description.value_fn(self.coordinator)

    @property
    def native_unit_of_measurement(self) -> str | None:
        if self.entity_description.device_unit:
            return _UNITS[_state(self.coordinator).unit]
        return self.entity_description.native_unit_of_measurement

    def snapshot(self) -> object:
        return (self.native_value, self.native_unit_of_measurement)
