"""Entities of the brewing programs, on the device of each program's source.

Per program: sensors for its state, setpoint, step and time left in the step,
an event entity for its alarms and buttons to start, pause, resume, skip a
step, stop and acknowledge its alarms. The source device is a thermometer
or a passive sensor node (its platform files skip the node's own entities
and add only these). The platform files call
``async_setup_program_entities`` with their own entity factory; programs made
later arrive through the runtime's dispatcher signal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfTemperature, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .brewing.alarms import BrewAlarm, BrewAlarmType
from .brewing.program import Program
from .brewing.runner import ProgramRun, RunState
from .brewing_runtime import (
    BrewingRuntime,
    get_brewing,
    program_device_info,
    signal_new_program,
    utc_timestamp,
)


class SourceDevice(Protocol):
    """The device a program's source belongs to: a thermometer's or a node's coordinator."""

    @property
    def address(self) -> str: ...

    @property
    def device_info(self) -> DeviceInfo: ...


type Factory = Callable[[SourceDevice, BrewingRuntime, Program], Iterable[Entity]]

STATES = [state.value for state in RunState]
ALARM_TYPES = [kind.value for kind in BrewAlarmType]


@callback
def async_setup_program_entities(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    async_add_entities: AddConfigEntryEntitiesCallback,
    factory: Factory,
) -> None:
    """Add the platform's entities of every program of this device, now and when made."""
    runtime = get_brewing(hass)
    coordinator: SourceDevice = entry.runtime_data

    @callback
    def add(program_id: str) -> None:
        async_add_entities(factory(coordinator, runtime, runtime.run(program_id).program))

    entry.async_on_unload(async_dispatcher_connect(hass, signal_new_program(entry.entry_id), add))
    for program in runtime.programs_of_device(coordinator.address):
        add(program.id)


class ProgramEntity(Entity):
    """One entity of one program; always available (the program is, the device may not be)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self,
        device: SourceDevice,
        runtime: BrewingRuntime,
        program: Program,
        description: EntityDescription,
    ) -> None:
        self.entity_description = description
        self._attr_unique_id = f"{device.address}_{description.key}"
        self._attr_device_info = program_device_info(device.device_info, device.address)
        self.runtime = runtime
        self.program_id = program.id
        self._last_written: object = object()

    @property
    def program_run(self) -> ProgramRun:
        return self.runtime.runs[self.program_id]

    def snapshot(self) -> object:
        """What the state is made of; a write happens only when it changes."""
        return None

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()  # e.g. the event platform restores its last event
        self.async_on_remove(self.runtime.async_add_entity(self.program_id, self))
        self.async_on_remove(self.runtime.async_add_listener(self.program_id, self._async_updated))
        self._last_written = self.snapshot()

    @callback
    def _async_updated(self) -> None:
        current = self.snapshot()
        if current != self._last_written:
            self._last_written = current
            self.async_write_ha_state()


class ProgramNaming(TypedDict):
    """The fields every program entity description shares."""

    key: str
    translation_key: str
    translation_placeholders: dict[str, str]


def _named(program: Program, kind: str) -> ProgramNaming:
    """Key, name and placeholder of the program's ``kind`` entity."""
    return ProgramNaming(
        key=f"program_{program.id}_{kind}",
        translation_key=f"program_{kind}",
        translation_placeholders={"program": program.name},
    )


# --- sensors ----------------------------------------------------------------------


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


def _setpoint(run: ProgramRun, now: float) -> float | None:
    value = run.setpoint(now)
    return None if value is None else round(value, 1)


def _minutes_left(run: ProgramRun, now: float) -> int | None:
    left = run.time_left(now)
    return None if left is None else math.ceil(left / 60 - 1e-9)


def _step(run: ProgramRun, _now: float) -> int | None:
    return None if run.step_index is None else run.step_index + 1


def sensors(device: SourceDevice, runtime: BrewingRuntime, program: Program) -> list[Entity]:
    descriptions = (
        ProgramSensorDescription(
            **_named(program, "state"),
            device_class=SensorDeviceClass.ENUM,
            options=STATES,
            value_fn=lambda run, _now: run.state.value,
            attributes_fn=_state_attributes,
        ),
        ProgramSensorDescription(
            **_named(program, "setpoint"),
            device_class=SensorDeviceClass.TEMPERATURE,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfTemperature.CELSIUS,
            value_fn=_setpoint,
        ),
        ProgramSensorDescription(
            **_named(program, "step"),
            value_fn=_step,
            attributes_fn=_step_attributes,
        ),
        ProgramSensorDescription(
            **_named(program, "time_left"),
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
        return self.entity_description.value_fn(self.program_run, utc_timestamp())

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        attributes = self.entity_description.attributes_fn
        return None if attributes is None else attributes(self.program_run)

    def snapshot(self) -> object:
        return (self.native_value, self.extra_state_attributes)


# --- buttons ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProgramButtonDescription(ButtonEntityDescription):
    command: str


COMMANDS = {
    "start": "program_start",
    "pause": "program_pause",
    "resume": "program_resume",
    "skip": "program_skip_step",
    "stop": "program_stop",
    "acknowledge": "program_acknowledge",
}


def buttons(device: SourceDevice, runtime: BrewingRuntime, program: Program) -> list[Entity]:
    return [
        ProgramButton(
            device,
            runtime,
            program,
            ProgramButtonDescription(
                **_named(program, translation_key.removeprefix("program_")), command=command
            ),
        )
        for command, translation_key in COMMANDS.items()
    ]


class ProgramButton(ProgramEntity, ButtonEntity):
    """A command to the program's run; one that does not fit is refused, translated."""

    entity_description: ProgramButtonDescription

    async def async_press(self) -> None:
        command = self.entity_description.command
        if command == "acknowledge":
            self.runtime.async_acknowledge(self.program_id, None, self._context)
        else:
            self.runtime.async_command(self.program_id, command)


# --- event ------------------------------------------------------------------------


def events(device: SourceDevice, runtime: BrewingRuntime, program: Program) -> list[Entity]:
    description = EventEntityDescription(
        **_named(program, "alarm"),
        event_types=ALARM_TYPES,
    )
    return [ProgramAlarmEvent(device, runtime, program, description)]


class ProgramAlarmEvent(ProgramEntity, EventEntity):
    """Fires once per alarm of the program."""

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(
            self.runtime.async_add_alarm_listener(self.program_id, self._async_alarm)
        )

    @callback
    def _async_alarm(self, alarm: BrewAlarm) -> None:
        program = self.program_run.program
        self._trigger_event(
            alarm.type.value,
            {
                "alarm_id": alarm.id,
                "step": alarm.step + 1,
                "temperature": None if alarm.temperature is None else round(alarm.temperature, 1),
                "setpoint": None if alarm.setpoint is None else round(alarm.setpoint, 1),
                "unit": "°C",
                "program": program.name,
            },
        )
        self.async_write_ha_state()
