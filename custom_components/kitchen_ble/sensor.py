"""Sensors: probe temperatures, battery, propane, heating elements, signal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

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
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import brewing_entities, node_entities
from .brewing_entities import async_setup_program_entities
from .cooking_entity import CookingEntity, probe_numbers
from .cooking_state import ProbeCook
from .coordinator import KitchenBleConfigEntry, KitchenBleCoordinator
from .devices.thermometer import ThermometerState
from .entity import KitchenBleEntity
from .node_coordinator import is_node_entry

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


@cache  # one per probe number, shared by every device (descriptions are frozen)
def _probe(index: int) -> KitchenBleSensorDescription:
    return KitchenBleSensorDescription(
        key=f"probe_{index + 1}",
        translation_key="probe_temperature",
        translation_placeholders={"probe": str(index + 1)},
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        device_unit=True,
        # whole degrees on the device; one decimal once converted (°F shown as °C)
        suggested_display_precision=1,
        # the device may turn out to have fewer probes than the configured model
        value_fn=lambda c: p[index] if index < len(p := _state(c).probes) else None,
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
    if is_node_entry(entry):  # a passive sensor node: node_entities.py
        await node_entities.async_setup_sensors(hass, entry, async_add_entities)
        async_setup_program_entities(hass, entry, async_add_entities, brewing_entities.sensors)
        return
    coordinator = entry.runtime_data
    entities: list[KitchenBleEntity] = [
        KitchenBleSensor(coordinator, description) for description in descriptions_for(coordinator)
    ]
    entities.extend(
        TimeToTargetSensor(coordinator, description, n)
        for n in probe_numbers(coordinator)
        for description in time_to_target(n)
    )
    async_add_entities(entities)
    async_setup_program_entities(hass, entry, async_add_entities, brewing_entities.sensors)


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


@dataclass(frozen=True, kw_only=True)
class TimeToTargetDescription(SensorEntityDescription):
    """A view of a probe's time to target, as the cooking runtime shows it."""

    value_fn: Callable[[ProbeCook], datetime | int | None]


@cache  # one per probe number, shared by every device
def time_to_target(n: int) -> tuple[TimeToTargetDescription, ...]:
    """When probe ``n`` reaches its target; unknown without a target or a rise."""
    return (
        TimeToTargetDescription(
            key=f"probe_{n}_ready_at",
            translation_key="probe_ready_at",
            translation_placeholders={"probe": str(n)},
            device_class=SensorDeviceClass.TIMESTAMP,
            value_fn=lambda p: p.ready_at,
        ),
        TimeToTargetDescription(
            key=f"probe_{n}_time_remaining",
            translation_key="probe_time_remaining",
            translation_placeholders={"probe": str(n)},
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.MINUTES,
            # the frontend shows "ready at" as "in 25 minutes" already
            entity_registry_enabled_default=False,
            value_fn=lambda p: p.remaining,
        ),
    )


class TimeToTargetSensor(CookingEntity, SensorEntity):
    """Written only when the shown minute changes; unavailable with the device."""

    entity_description: TimeToTargetDescription
    always_available = False

    @property
    def native_value(self) -> datetime | int | None:
        return self.entity_description.value_fn(self.probe)

    def snapshot(self) -> object:
        return self.native_value
