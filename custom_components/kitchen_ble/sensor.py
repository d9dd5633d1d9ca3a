"""Sensors: a device's readings, an espresso machine's, a probe's time to target, a node's
measurements, programs."""

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
    UnitOfLength,
    UnitOfMass,
    UnitOfPressure,
    UnitOfTemperature,
    UnitOfTime,
    UnitOfVolume,
    UnitOfVolumeFlowRate,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.unit_conversion import TemperatureConverter

from .brewing import BrewingRuntime
from .control import STOP_REASONS, ControlEntity, control_entities
from .coordinator import LinkCoordinator
from .entity import (
    CookingEntity,
    KitchenBleEntity,
    KitchenBleEntityDescription,
    ProgramEntity,
    SourceDevice,
    async_setup_tables,
    device_entities,
    node_entities,
    probe_entities,
    program_entities,
    program_naming,
)
from .espresso import REMOTE_START, is_espresso_machine, remote_start
from .library.brewing.program import Program
from .library.brewing.runner import ProgramRun, RunState
from .library.cooking.state import ProbeCook
from .library.devices.advertisers import NodeReading
from .library.devices.base import Capability, ModelInfo
from .library.devices.de1 import MODELS as ESPRESSO_MODELS
from .library.devices.de1 import MachineState, ShotSample, Substate
from .library.espresso.records import MaintenanceCounters
from .maintenance import MaintenanceEntity, maintenance_entities
from .models import KitchenBleConfigEntry
from .passive import node_key
from .runtime import now
from .scale import is_scale, reports_timer, scale_driver, scale_of, scale_state
from .shots import ShotEntity, shot_entities
from .util import espresso_state, thermometer_state

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


# --- an espresso machine's readings ----------------------------------------------------

type EspressoValue = float | int | str | None

# States StateInfo reports (NoRequest and SkipToNext are requests only), substates.
MACHINE_STATES = [
    state.name.lower()
    for state in MachineState
    if state not in (MachineState.NO_REQUEST, MachineState.SKIP_TO_NEXT)
]
SUBSTATES = [substate.name.lower() for substate in Substate]
MACHINE_MODELS = [model.model_id for model in ESPRESSO_MODELS]
# Telemetry at rest (four samples a second, each with its noise) shows a new value
# only once a reading is this many display steps away from the readings the
# shown value stands for (averaged while it holds): an idle machine writes no
# rows. While water flows the rounded value follows every notification.
DEADBAND_STEPS = 1.5
SMOOTHING = 8  # readings the average at rest follows over


@dataclass(frozen=True, kw_only=True)
class EspressoSensorDescription(KitchenBleEntityDescription, SensorEntityDescription):
    """How to read one sensor of an espresso machine."""

    value_fn: Callable[[LinkCoordinator], EspressoValue]
    # Telemetry: rounded to this many decimals (what a person reads), with a deadband.
    decimals: int | None = None
    # A level, not shot telemetry: the deadband holds while water flows too (the tank's
    # surface ripples with the pump; a shot draws it down by a millimetre or two).
    level: bool = False
    exists_fn: Callable[[ModelInfo], bool] = is_espresso_machine


def _sample(read: Callable[[ShotSample], float]) -> Callable[[LinkCoordinator], float | None]:
    def value(link: LinkCoordinator) -> float | None:
        sample = espresso_state(link).sample
        return None if sample is None else read(sample)

    return value


def _machine_state(link: LinkCoordinator) -> str | None:
    state = espresso_state(link).machine_state
    name = None if state is None else state.name.lower()
    return name if name in MACHINE_STATES else None


def _substate(link: LinkCoordinator) -> str | None:
    substate = espresso_state(link).substate
    return None if substate is None else substate.name.lower()


def _temperature(key: str, read: Callable[[ShotSample], float], **extra: Any):  # type: ignore[no-untyped-def]
    return EspressoSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        decimals=1,
        value_fn=_sample(read),
        **extra,
    )


def _pressure(key: str, read: Callable[[ShotSample], float], **extra: Any):  # type: ignore[no-untyped-def]
    return EspressoSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.PRESSURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPressure.BAR,
        decimals=1,
        value_fn=_sample(read),
        **extra,
    )


def _flow(key: str, read: Callable[[ShotSample], float], **extra: Any):  # type: ignore[no-untyped-def]
    return EspressoSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.VOLUME_FLOW_RATE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfVolumeFlowRate.MILLILITERS_PER_SECOND,
        decimals=1,
        value_fn=_sample(read),
        **extra,
    )


_SETPOINT = {"entity_category": EntityCategory.DIAGNOSTIC}

ESPRESSO_SENSORS: tuple[EspressoSensorDescription, ...] = (
    EspressoSensorDescription(
        key="machine_state",
        translation_key="machine_state",
        device_class=SensorDeviceClass.ENUM,
        options=MACHINE_STATES,
        value_fn=_machine_state,
    ),
    EspressoSensorDescription(
        key="substate",
        translation_key="substate",
        device_class=SensorDeviceClass.ENUM,
        options=SUBSTATES,
        value_fn=_substate,
    ),
    EspressoSensorDescription(  # why the start buttons are unavailable, or that they work
        key="remote_start",
        translation_key="remote_start",
        device_class=SensorDeviceClass.ENUM,
        options=REMOTE_START,
        value_fn=remote_start,
    ),
    _temperature("group_temperature", lambda s: s.head_temp),
    _temperature("mix_temperature", lambda s: s.mix_temp),
    EspressoSensorDescription(  # whole degrees on the wire
        key="steam_heater_temperature",
        translation_key="steam_heater_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        decimals=0,
        value_fn=_sample(lambda s: s.steam_temp),
    ),
    _pressure("pressure", lambda s: s.group_pressure),
    _flow("flow", lambda s: s.group_flow),
    _temperature("group_temperature_setpoint", lambda s: s.set_head_temp, **_SETPOINT),
    _temperature("mix_temperature_setpoint", lambda s: s.set_mix_temp, **_SETPOINT),
    _pressure("pressure_setpoint", lambda s: s.set_group_pressure, **_SETPOINT),
    _flow("flow_setpoint", lambda s: s.set_group_flow, **_SETPOINT),
    EspressoSensorDescription(
        key="water_level",
        translation_key="water_level",
        device_class=SensorDeviceClass.DISTANCE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfLength.MILLIMETERS,
        decimals=1,
        level=True,
        value_fn=lambda link: espresso_state(link).water_level_mm,
    ),
    EspressoSensorDescription(  # the tank's table (de1.md §5.4), to 10 mL
        key="water_volume",
        translation_key="water_volume",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfVolume.MILLILITERS,
        decimals=-1,
        level=True,
        value_fn=lambda link: espresso_state(link).water_level_ml,
    ),
    EspressoSensorDescription(
        key="firmware_build",
        translation_key="firmware_build",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda link: espresso_state(link).firmware_build,
    ),
    EspressoSensorDescription(
        key="machine_model",
        translation_key="machine_model",
        device_class=SensorDeviceClass.ENUM,
        options=MACHINE_MODELS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda link: link.model.model_id,
    ),
    EspressoSensorDescription(
        key="serial_number",
        translation_key="serial_number",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda link: espresso_state(link).serial_number,
    ),
)


@dataclass(slots=True)
class Shown:
    """What a telemetry sensor shows, and the (averaged) reading it stands for."""

    value: float | int | None = None
    reading: float | None = None

    def update(self, reading: float | int | None, decimals: int, flowing: bool) -> None:
        """Take a new reading: rounded, and at rest only once it moved past the deadband."""
        if reading is None:
            self.value = self.reading = None
            return
        step = 10.0**-decimals
        if flowing or self.reading is None or abs(reading - self.reading) >= DEADBAND_STEPS * step:
            # whole units (or tens) as an int: "1100", not "1100.0"
            self.value = (
                int(round(reading, decimals)) if decimals <= 0 else round(reading, decimals)
            )
            self.reading = float(reading)
        else:
            self.reading += (reading - self.reading) / SMOOTHING


class EspressoSensor(KitchenBleEntity, SensorEntity):
    """A reading of an espresso machine, written only when what a person reads changes."""

    entity_description: EspressoSensorDescription

    def __init__(self, coordinator: LinkCoordinator, description: EspressoSensorDescription):
        super().__init__(coordinator, description)
        self._shown = Shown()
        self._value: EspressoValue = None

    @property
    def native_value(self) -> EspressoValue:
        return self._value

    def snapshot(self) -> object:
        """Read once per state notification (the shown value keeps its history)."""
        description = self.entity_description
        reading = description.value_fn(self.coordinator)
        if description.decimals is None or isinstance(reading, str):
            self._value = reading
        else:
            flowing = espresso_state(self.coordinator).is_flowing_state and not description.level
            self._shown.update(reading, description.decimals, flowing)
            self._value = self._shown.value
        return self._value


# --- an espresso machine's last shot (shots.py) --------------------------------------


@dataclass(frozen=True, kw_only=True)
class LastShotSensorDescription(SensorEntityDescription):
    """A figure of the machine's last espresso: its key in the shot's summary."""

    field: str
    weighed_only: bool = False  # only when the shot was stopped by weight (else mL, or none)


def _last_shot(key: str, field: str, **extra: Any) -> LastShotSensorDescription:
    return LastShotSensorDescription(key=key, translation_key=key, field=field, **extra)


_GRAMS: dict[str, Any] = {
    "device_class": SensorDeviceClass.WEIGHT,
    "native_unit_of_measurement": UnitOfMass.GRAMS,
    "suggested_display_precision": 1,
}
LAST_SHOT_SENSORS: tuple[LastShotSensorDescription, ...] = (
    _last_shot("last_shot_yield", "yield", **_GRAMS),
    _last_shot(
        "last_shot_duration",
        "duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
    ),
    _last_shot("last_shot_ratio", "ratio", suggested_display_precision=1),
    _last_shot("last_shot_stop_error", "stop_error", weighed_only=True, **_GRAMS),
)


class LastShotSensor(ShotEntity, SensorEntity):
    """A figure of the last espresso; unknown when the shot did not tell it (no scale)."""

    entity_description: LastShotSensorDescription

    @property
    def native_value(self) -> float | None:
        shot, description = self.last_shot, self.entity_description
        if shot is None or (description.weighed_only and shot.get("stop_reason") != "weight"):
            return None
        value = shot.get(description.field)
        return value if isinstance(value, int | float) else None

    def snapshot(self) -> object:
        return self.native_value


# --- an espresso machine's maintenance (maintenance.py) -----------------------------


@dataclass(frozen=True, kw_only=True)
class MaintenanceSensorDescription(SensorEntityDescription):
    """A counter since the machine's last descale or clean."""

    value_fn: Callable[[MaintenanceCounters], float]
    entity_category: EntityCategory | None = EntityCategory.DIAGNOSTIC
    state_class: SensorStateClass | None = SensorStateClass.TOTAL_INCREASING


_STEAM_TIME: dict[str, Any] = {
    "device_class": SensorDeviceClass.DURATION,
    "native_unit_of_measurement": UnitOfTime.SECONDS,
    "suggested_unit_of_measurement": UnitOfTime.MINUTES,
    "suggested_display_precision": 0,
}
MAINTENANCE_SENSORS: tuple[MaintenanceSensorDescription, ...] = (
    MaintenanceSensorDescription(
        key="shots_since_descale",
        translation_key="shots_since_descale",
        value_fn=lambda counters: counters.shots_since_descale,
    ),
    MaintenanceSensorDescription(
        key="steam_since_descale",
        translation_key="steam_since_descale",
        value_fn=lambda counters: counters.steam_since_descale,
        **_STEAM_TIME,
    ),
    MaintenanceSensorDescription(
        key="shots_since_clean",
        translation_key="shots_since_clean",
        value_fn=lambda counters: counters.shots_since_clean,
    ),
    MaintenanceSensorDescription(
        key="steam_since_clean",
        translation_key="steam_since_clean",
        value_fn=lambda counters: counters.steam_since_clean,
        **_STEAM_TIME,
    ),
)


class MaintenanceSensor(MaintenanceEntity, SensorEntity):
    entity_description: MaintenanceSensorDescription

    @property
    def native_value(self) -> float:
        return self.entity_description.value_fn(self.counters)

    def snapshot(self) -> object:
        return self.native_value


# --- a coffee scale's readings ------------------------------------------------------

GRAMS_PER_SECOND = "g/s"  # no unit constant for a mass flow in Home Assistant 2026.2

SCALE_SENSORS: tuple[KitchenBleSensorDescription, ...] = (
    # always in grams, whatever the scale displays (a scale set to ounces too)
    KitchenBleSensorDescription(
        key="weight",
        device_class=SensorDeviceClass.WEIGHT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfMass.GRAMS,
        suggested_display_precision=1,
        exists_fn=is_scale,
        value_fn=lambda link: scale_state(link).weight,
    ),
    # the scale's own (Bookoo) or estimated over 11 readings (pyDE1's, scales.md §7.2)
    KitchenBleSensorDescription(
        key="weight_flow",
        translation_key="weight_flow",
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=GRAMS_PER_SECOND,
        suggested_display_precision=1,
        exists_fn=is_scale,
        value_fn=lambda link: scale_of(link).flow,
    ),
    KitchenBleSensorDescription(
        key="scale_timer",
        translation_key="scale_timer",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=1,
        exists_fn=reports_timer,
        value_fn=lambda link: scale_state(link).timer,
    ),
    KitchenBleSensorDescription(
        key="rejected_readings",
        translation_key="rejected_readings",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=is_scale,
        value_fn=lambda link: scale_driver(link).rejected,
    ),
)


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

# --- an espresso machine's shot control ----------------------------------------------

STOP_REASON = SensorEntityDescription(
    key="stop_reason",
    translation_key="stop_reason",
    device_class=SensorDeviceClass.ENUM,
    options=STOP_REASONS,
)


class StopReasonSensor(ControlEntity, SensorEntity):
    """How the last flow ended (weight, volume, time, milk temperature, the machine)."""

    always_available = True  # history of the last flow

    @property
    def native_value(self) -> str | None:
        result = self.runtime.result(self.coordinator)
        return None if result is None or result.stop_reason is None else result.stop_reason.value

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        result = self.runtime.result(self.coordinator)
        if result is None:
            return {}
        return {
            "mode": result.mode.name.lower(),
            "fallback": None if result.fallback is None else result.fallback.value,
            "target_weight": result.target_weight,
            "final_weight": None if result.final_weight is None else round(result.final_weight, 1),
            "stop_error": None if result.stop_error is None else round(result.stop_error, 1),
            "pour_volume": round(result.pour_volume, 1),  # mL after the pre-infusion
        }

    def snapshot(self) -> object:
        return (self.native_value, tuple(self.extra_state_attributes.items()))


TABLES = (
    device_entities(KitchenBleSensor, SENSORS),
    device_entities(EspressoSensor, ESPRESSO_SENSORS),
    shot_entities(LastShotSensor, LAST_SHOT_SENSORS),
    control_entities(StopReasonSensor, (STOP_REASON,)),
    maintenance_entities(MaintenanceSensor, MAINTENANCE_SENSORS),
    device_entities(KitchenBleSensor, SCALE_SENSORS),
    probe_entities(TimeToTargetSensor, time_to_target),
    node_entities(NODE_SENSORS, node_values, NodeSensor, SensorEntityDescription),
    program_entities(program_sensors),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of one entry."""
    await async_setup_tables(entry, async_add_entities, *TABLES)
