"""Sensors: a device's readings, a probe's time to target, a node's measurements, programs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataProcessor,
    PassiveBluetoothEntityKey,
    PassiveBluetoothProcessorEntity,
)
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
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.unit_conversion import TemperatureConverter

from .brewing import BrewingRuntime
from .coordinator import LinkCoordinator
from .entity import (
    CookingEntity,
    EntityTable,
    KitchenBleEntity,
    KitchenBleEntityDescription,
    ProgramEntity,
    SourceDevice,
    async_setup_tables,
    device_entities,
    probe_entities,
    program_entities,
    program_naming,
)
from .library.brewing.program import Program
from .library.brewing.runner import ProgramRun, RunState
from .library.cooking.state import ProbeCook
from .library.devices.advertisers import NodeReading
from .library.devices.base import Capability
from .models import KitchenBleConfigEntry
from .passive import NodeCoordinator, NodeUpdates, node_key
from .runtime import now
from .util import thermometer_state

PARALLEL_UPDATES = 0

_UNITS = {"°C": UnitOfTemperature.CELSIUS, "°F": UnitOfTemperature.FAHRENHEIT}

# --- a connected device's readings --------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class KitchenBleSensorDescription(KitchenBleEntityDescription, SensorEntityDescription):
    """How to read one sensor from the device's link."""

    value_fn: Callable[[LinkCoordinator], float | int | None]
    # Temperatures follow the unit the device reports in.
    device_unit: bool = False
    # Stays available while the device is away (it is not read over the link).
    always_available: bool = False


def _probe_value(link: LinkCoordinator, index: int) -> float | None:
    probes = thermometer_state(link).probes
    # the device may turn out to have fewer probes than the configured model
    return probes[index] if index < len(probes) else None


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
        exists_fn=lambda model: model.probes > index,
        value_fn=lambda link: _probe_value(link, index),
    )


def _element(key: str, read: Callable[..., int | None], *, right: bool = False):  # type: ignore[no-untyped-def]
    # The Pulse element text carries no unit; every source labels it °C.
    return KitchenBleSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        exists_fn=(
            (lambda m: m.has(Capability.ELEMENTS) and not m.has(Capability.SINGLE_ELEMENT))
            if right
            else (lambda m: m.has(Capability.ELEMENTS))
        ),
        value_fn=lambda c: None if (e := thermometer_state(c).elements) is None else read(e),
    )


def _battery(link: LinkCoordinator) -> int | None:
    # every family's state has a battery field where its models have the capability
    battery: int | None = getattr(link.driver.state, "battery", None)
    return battery


MAX_PROBES = 4  # the most any thermometer family has

SENSORS: tuple[KitchenBleSensorDescription, ...] = (
    *(_probe(index) for index in range(MAX_PROBES)),
    KitchenBleSensorDescription(
        key="battery",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda m: m.has(Capability.BATTERY),
        value_fn=_battery,
    ),
    KitchenBleSensorDescription(
        key="propane",
        translation_key="propane",
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        exists_fn=lambda m: m.has(Capability.PROPANE),
        value_fn=lambda c: thermometer_state(c).propane,
    ),
    _element("left_element_temperature", lambda e: e.left_actual),
    _element("left_element_setpoint", lambda e: e.left_setpoint),
    _element("right_element_temperature", lambda e: e.right_actual, right=True),
    _element("right_element_setpoint", lambda e: e.right_setpoint, right=True),
    KitchenBleSensorDescription(
        key="signal_strength",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        # from advertisements, not from the link
        always_available=True,
        value_fn=lambda c: c.rssi,
    ),
)


class KitchenBleSensor(KitchenBleEntity, SensorEntity):
    """A sensor whose value comes from the device's link."""

    entity_description: KitchenBleSensorDescription

    def __init__(self, coordinator: LinkCoordinator, description: KitchenBleSensorDescription):
        super().__init__(coordinator, description)
        self.always_available = description.always_available

    @property
    def native_value(self) -> float | int | None:
        value = self.entity_description.value_fn(self.coordinator)
        if not self.entity_description.device_unit or value is None:
            return value
        device = _UNITS[thermometer_state(self.coordinator).unit]
        shown = self.hass.config.units.temperature_unit
        if device == shown:
            return value
        # converted here, to 0.1: Home Assistant's own conversion keeps the float noise
        return round(TemperatureConverter.convert(value, device, shown), 1)

    @property
    def native_unit_of_measurement(self) -> str | None:
        if self.entity_description.device_unit:
            return self.hass.config.units.temperature_unit  # see native_value
        return self.entity_description.native_unit_of_measurement

    def snapshot(self) -> object:
        return (self.native_value, self.native_unit_of_measurement)


# --- a probe's time to target ------------------------------------------------------------


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


# --- a sensor node's measurements ------------------------------------------------------

type SensorValue = float | int | None
type NodeProcessor = PassiveBluetoothDataProcessor[SensorValue, NodeReading]

# Plain strings where 2026.7+ adds enums (ha-compat rule 18).
PERCENT = "%"
PPM = "ppm"

TEMPERATURE = node_key("temperature")
HUMIDITY = node_key("humidity")
CO2 = node_key("co2")
BATTERY = node_key("battery")

NODE_SENSORS: dict[PassiveBluetoothEntityKey, EntityDescription] = {
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


def node_values(reading: NodeReading) -> dict[PassiveBluetoothEntityKey, SensorValue]:
    """The sensors' values of one reading (None: not sent usably, e.g. CO2 warming up)."""
    return {
        TEMPERATURE: reading.temperature,
        HUMIDITY: reading.humidity,
        CO2: reading.co2,
        BATTERY: reading.battery,
    }


def _add_node_sensors(
    node: NodeCoordinator, entry: KitchenBleConfigEntry, add: AddConfigEntryEntitiesCallback
) -> None:
    """Sensors of one node, added when its first reading (or restored data) names them."""
    processor: NodeProcessor = PassiveBluetoothDataProcessor(
        NodeUpdates(node, NODE_SENSORS, node_values)
    )
    entry.async_on_unload(processor.async_add_entities_listener(NodeSensor, add))
    entry.async_on_unload(node.async_register_processor(processor, SensorEntityDescription))


class NodeSensor(PassiveBluetoothProcessorEntity[NodeProcessor], SensorEntity):
    """One measurement of a node; unavailable once the node is no longer heard."""

    @property
    def native_value(self) -> SensorValue:
        return self.processor.entity_data.get(self.entity_key)


# --- brewing programs -------------------------------------------------------------------

STATES = [state.value for state in RunState]


@dataclass(frozen=True, kw_only=True)
class ProgramSensorDescription(SensorEntityDescription):
    value_fn: Callable[[ProgramRun, float], float | int | str | None]
    attributes_fn: Callable[[ProgramRun], dict[str, Any]] | None = None


def _state_attributes(run: ProgramRun) -> dict[str, Any]:
    return {
        "active_alarms": len(run.alarms.active),
        "alarm_ids": [alarm.id for alarm in run.alarms.active],
        "alarm_types": [alarm.type.value for alarm in run.alarms.active],
    }


def _step_attributes(run: ProgramRun) -> dict[str, Any]:
    step = run.step
    return {
        "step_name": None if step is None else step.name,
        "step_target": None if step is None else step.target,
        "steps": len(run.program.steps),
        "target_reached": run.reached,
    }


def _setpoint(run: ProgramRun, at: float) -> float | None:
    value = run.setpoint(at)
    return None if value is None else round(value, 1)


def _minutes_left(run: ProgramRun, at: float) -> int | None:
    left = run.time_left(at)
    return None if left is None else math.ceil(left / 60 - 1e-9)


def _step(run: ProgramRun, _at: float) -> int | None:
    return None if run.step_index is None else run.step_index + 1


def program_sensors(
    device: SourceDevice, runtime: BrewingRuntime, program: Program
) -> list[Entity]:
    descriptions = (
        ProgramSensorDescription(
            **program_naming(program, "state"),
            device_class=SensorDeviceClass.ENUM,
            options=STATES,
            value_fn=lambda run, _at: run.state.value,
            attributes_fn=_state_attributes,
        ),
        ProgramSensorDescription(
            **program_naming(program, "setpoint"),
            device_class=SensorDeviceClass.TEMPERATURE,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfTemperature.CELSIUS,
            value_fn=_setpoint,
        ),
        ProgramSensorDescription(
            **program_naming(program, "step"),
            value_fn=_step,
            attributes_fn=_step_attributes,
        ),
        ProgramSensorDescription(
            **program_naming(program, "time_left"),
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.MINUTES,
            value_fn=_minutes_left,
        ),
    )
    return [ProgramSensor(device, runtime, program, d) for d in descriptions]


class ProgramSensor(ProgramEntity, SensorEntity):
    entity_description: ProgramSensorDescription

    @property
    def native_value(self) -> float | int | str | None:
        return self.entity_description.value_fn(self.program_run, now())

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        attributes = self.entity_description.attributes_fn
        return None if attributes is None else attributes(self.program_run)

    def snapshot(self) -> object:
        return (self.native_value, self.extra_state_attributes)


# --- the platform ---------------------------------------------------------------------

TABLES = (
    device_entities(KitchenBleSensor, SENSORS),
    probe_entities(TimeToTargetSensor, time_to_target),
    EntityTable(lambda data: data.node, _add_node_sensors),
    program_entities(program_sensors),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of one entry."""
    await async_setup_tables(entry, async_add_entities, *TABLES)
