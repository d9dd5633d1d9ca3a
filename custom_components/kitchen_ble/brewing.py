"""The brewing runtime: programs of ``brewing/`` run against this integration's thermometers.

* Sources. A program's source is ``"<device id>:<probe>"``. Coordinators
  publish readings (°C, None while a probe is out or the device is away) into
  a ``SourceRegistry``; a passive sensor node's temperature is a source of
  the same shape (``"<address>:1"``, ``async_add_node``).
* Runs. Every program has one ``ProgramRun``; each reading of its source and a
  timer (every 30 s, so a silent sensor raises sensor_lost and ``until`` steps
  end on time) advance it. The library and the runs are kept in one ``Store``.
  A run that was running when Home Assistant stopped was running all along:
  the first update after the restart counts the time it was down.
* Alarms go out like the cooking alerts: the program's event entity, a
  ``kitchen_ble_brew_alarm`` bus event and (``logbook.py``) the
  logbook. Acknowledging fires ``kitchen_ble_brew_alarm_acknowledged`` and
  keeps the alarm in the run's alarm history.
* Entities of a program live on the config entry of its source device; the
  signal ``signal_new_program(entry_id)`` adds them, deleting the program
  removes them from the entity registry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import CONNECTION_BLUETOOTH, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.entity import Entity
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .coordinator import LinkCoordinator
from .library.brewing.alarms import BrewAlarm
from .library.brewing.program import Program, ProgramError, ProgramLibrary
from .library.brewing.runner import ProgramRun, RunState
from .library.cooking.validation import as_mapping
from .library.devices.thermometer import to_celsius
from .library.listeners import Unsubscribe
from .passive import NodeCoordinator
from .runtime import FeatureRuntime, KeyedListeners, invalid, now
from .util import thermometer_state

_LOGGER = logging.getLogger(__name__)

DATA_BREWING: Final[HassKey[BrewingRuntime]] = HassKey(f"{DOMAIN}_brewing")
STORE_KEY: Final = f"{DOMAIN}.brewing"
UPDATE_SECONDS: Final = 30.0
EVENT_BREW_ALARM: Final = f"{DOMAIN}_brew_alarm"
EVENT_BREW_ALARM_ACKNOWLEDGED: Final = f"{DOMAIN}_brew_alarm_acknowledged"
CELSIUS: Final = "°C"


def get_brewing(hass: HomeAssistant) -> BrewingRuntime:
    return hass.data[DATA_BREWING]


def signal_new_program(entry_id: str) -> str:
    """Dispatcher signal: a program (its id is the argument) has entities to add on the entry."""
    return f"{DOMAIN}_brewing_new_program_{entry_id}"


def source_id(address: str, probe: int) -> str:
    """A probe's source id: its device's address (stable across restarts and re-adding)."""
    return f"{address}:{probe}"


def split_source(source: str) -> tuple[str, int | None]:
    """(address, probe) of a source; probe None for a source without one."""
    address, _, probe = source.rpartition(":")
    if address and probe.isdigit():
        return address, int(probe)
    return source, None


def program_invalid(err: ProgramError) -> ServiceValidationError:
    """The translated service error of a rule the user broke."""
    return invalid(err.key, **{name: str(value) for name, value in err.placeholders.items()})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class Source:
    """A temperature source: its latest reading and who wants to hear of new ones."""

    device_id: str
    entry_id: str
    name: str
    value: float | None = None
    listeners: list[CALLBACK_TYPE] = field(default_factory=list)


class SourceRegistry:
    """``source id -> latest reading`` (°C), filled by whoever measures."""

    def __init__(self) -> None:
        self._sources: dict[str, Source] = {}

    def __contains__(self, source: object) -> bool:
        return source in self._sources

    def get(self, source: str) -> Source | None:
        return self._sources.get(source)

    def items(self) -> list[tuple[str, Source]]:
        return list(self._sources.items())

    @callback
    def async_register(self, source: str, *, device_id: str, entry_id: str, name: str) -> None:
        known = self._sources.get(source)
        if known is None:
            self._sources[source] = Source(device_id, entry_id, name)
        else:
            known.entry_id, known.name = entry_id, name

    @callback
    def async_unregister(self, source: str) -> None:
        """The source went away with its config entry: no readings (sensor lost)."""
        self.publish(source, None)
        self._sources.pop(source, None)

    @callback
    def publish(self, source: str, celsius: float | None) -> None:
        known = self._sources.get(source)
        if known is None or known.value == celsius:
            return
        known.value = celsius
        for listener in list(known.listeners):
            listener()

    def latest(self, source: str) -> float | None:
        known = self._sources.get(source)
        return None if known is None else known.value

    @callback
    def async_listen(self, source: str, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        listeners = self._sources[source].listeners
        listeners.append(listener)
        return Unsubscribe(listeners, listener)


def program_device_info(device_info: DeviceInfo, address: str) -> DeviceInfo:
    """A source device's info, found by its Bluetooth address (a node's has none of its own).

    Built field by field: from 2026.11 on ``DeviceInfo`` is a dataclass that cannot be merged.
    """
    return DeviceInfo(
        connections={(CONNECTION_BLUETOOTH, address)},
        name=device_info.get("name"),
        manufacturer=device_info.get("manufacturer"),
        model=device_info.get("model"),
    )


def device_id_of(hass: HomeAssistant, coordinator: LinkCoordinator | NodeCoordinator) -> str:
    """The device registry id of a coordinator's device (made if it is not there yet)."""
    info = program_device_info(coordinator.device_info, coordinator.address)
    entry_id = coordinator.entry.entry_id
    return dr.async_get(hass).async_get_or_create(config_entry_id=entry_id, **info).id


class BrewingRuntime(FeatureRuntime):
    """The program library, a run per program, the sources and the program listeners."""

    store_key = STORE_KEY

    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(hass)
        self.library = ProgramLibrary()
        self.runs: dict[str, ProgramRun] = {}
        self.sources = SourceRegistry()
        self.listeners: KeyedListeners[str, []] = KeyedListeners()
        self.alarm_listeners: KeyedListeners[str, [BrewAlarm]] = KeyedListeners()
        self._entities: dict[str, list[Entity]] = {}

    # --- lifecycle ------------------------------------------------------------

    def _restore(self, data: dict[str, Any]) -> None:
        """Anything broken is dropped with a warning."""
        stored = as_mapping(data.get("runs") or {}, "runs")
        try:
            self.library = ProgramLibrary.from_dict(data.get("library", {}))
        except ValueError as err:
            _LOGGER.warning("Stored brewing programs ignored: %s", err)
        for program in self.library.list_programs():
            run = ProgramRun(program)
            if (raw := stored.get(program.id)) is not None:
                try:
                    run = ProgramRun.from_dict(raw)
                except ValueError as err:
                    _LOGGER.warning("Stored run of program %s ignored: %s", program.id, err)
                if run.program != program and run.state in (RunState.IDLE, RunState.FINISHED):
                    run.set_program(program)  # pragma: no cover - edits are saved with the run
            self.runs[program.id] = run

    @callback
    def _async_started(self) -> None:
        self.async_track_interval(UPDATE_SECONDS, self._async_tick, "brewing")

    @callback
    def async_add_thermometer(self, coordinator: LinkCoordinator) -> CALLBACK_TYPE:
        """Publish the probes of this thermometer as sources; returns the callback that stops."""
        device_id = device_id_of(self.hass, coordinator)
        address = coordinator.address
        sources = [source_id(address, n) for n in range(1, coordinator.model.probes + 1)]
        for source in sources:
            self.sources.async_register(
                source,
                device_id=device_id,
                entry_id=coordinator.entry.entry_id,
                name=coordinator.entry.title,
            )
        unsubs = [self.sources.async_listen(s, partial(self._async_reading, s)) for s in sources]

        @callback
        def publish() -> None:
            state = thermometer_state(coordinator)
            for number, source in enumerate(sources, start=1):
                raw = state.probes[number - 1] if number <= len(state.probes) else None
                celsius = None
                if coordinator.available and raw is not None:
                    celsius = to_celsius(raw, state.unit)
                self.sources.publish(source, celsius)

        unsubs.append(coordinator.async_add_listener(publish))
        publish()

        @callback
        def remove() -> None:
            for unsub in unsubs:
                unsub()
            for source in sources:
                self.sources.async_unregister(source)

        return remove

    @callback
    def async_add_node(self, coordinator: NodeCoordinator) -> CALLBACK_TYPE:
        """Publish a passive node's temperature as source ``<address>:1``; returns the stop."""
        source = source_id(coordinator.address, 1)
        self.sources.async_register(
            source,
            device_id=device_id_of(self.hass, coordinator),
            entry_id=coordinator.entry.entry_id,
            name=coordinator.entry.title,
        )
        unsub_reading = self.sources.async_listen(source, partial(self._async_reading, source))

        @callback
        def publish() -> None:
            reading = coordinator.reading if coordinator.available else None
            self.sources.publish(source, None if reading is None else reading.temperature)

        unsub_node = coordinator.async_add_listener(publish)
        publish()

        @callback
        def remove() -> None:
            unsub_node()
            unsub_reading()
            self.sources.async_unregister(source)

        return remove

    # --- what entities read ------------------------------------------------------

    def run(self, program_id: str) -> ProgramRun:
        try:
            return self.runs[program_id]
        except KeyError:
            unknown = ProgramError("unknown_program", {"program": program_id})
            raise program_invalid(unknown) from None

    def find(self, program: str) -> str:
        """A program's id from its id or its name (any case)."""
        if program in self.runs:
            return program
        wanted = program.casefold().strip()
        for run in self.runs.values():
            if run.program.name.casefold() == wanted:
                return run.program.id
        raise program_invalid(ProgramError("unknown_program", {"program": program}))

    def programs_of_device(self, address: str) -> list[Program]:
        return [
            run.program
            for run in self.runs.values()
            if split_source(run.program.source)[0] == address
        ]

    def diagnostics(self, address: str) -> list[dict[str, Any]]:
        """The programs whose source is this device, with their run state."""
        return [
            {
                "id": run.program.id,
                "name": run.program.name,
                "probe": split_source(run.program.source)[1],
                "steps": len(run.program.steps),
                "state": run.state.value,
                "step_index": run.step_index,
                "active_alarms": [alarm.type.value for alarm in run.alarms.active],
            }
            for run in self.runs.values()
            if split_source(run.program.source)[0] == address
        ]

    def source_for(self, device_id: str, probe: int) -> str:
        """The source id of a probe of a device (registry id); ProgramError if unknown."""
        for source, known in self.sources.items():
            if known.device_id == device_id and split_source(source)[1] == probe:
                return source
        raise ProgramError("unknown_source", {"device_id": device_id, "probe": probe})

    def entry_of(self, program: Program) -> str | None:
        known = self.sources.get(program.source)
        return None if known is None else known.entry_id

    def device_of(self, program: Program) -> str | None:
        """The device registry id of the program's source; None while it is not set up."""
        known = self.sources.get(program.source)
        return None if known is None else known.device_id

    @callback
    def async_add_listener(self, program_id: str, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        return self.listeners.async_add(program_id, listener)

    @callback
    def async_add_entity(self, program_id: str, entity: Entity) -> CALLBACK_TYPE:
        """Keep track of a program's entity (to remove it with the program)."""
        entities = self._entities.setdefault(program_id, [])
        entities.append(entity)
        return Unsubscribe(entities, entity)

    @callback
    def async_add_alarm_listener(
        self, program_id: str, listener: Callable[[BrewAlarm], None]
    ) -> CALLBACK_TYPE:
        return self.alarm_listeners.async_add(program_id, listener)

    @callback
    def _async_notify(self, program_id: str) -> None:
        self.listeners.notify(program_id)

    # --- the library -------------------------------------------------------------

    @callback
    def async_create(self, data: Mapping[str, Any]) -> Program:
        try:
            self._check_source(str(data.get("source")))
            program = self.library.create(data, now())
        except ProgramError as err:
            raise program_invalid(err) from err
        self.runs[program.id] = ProgramRun(program)
        self.async_save_soon()
        self._async_add_entities(program)
        return program

    async def async_update(self, program_id: str, changes: Mapping[str, Any]) -> Program:
        """Change some settings of a program (given steps replace all steps)."""
        run = self.run(program_id)
        old = run.program
        try:
            if run.state in (RunState.RUNNING, RunState.PAUSED):
                raise ProgramError("program_already_running", {"program": old.name})
            data = {**old.to_dict(), **changes}
            if data["source"] != old.source:
                self._check_source(str(data["source"]))
            program = self.library.update(program_id, data, now())
        except ProgramError as err:
            raise program_invalid(err) from err
        run.set_program(program)
        self.async_save_soon()
        if (program.name, program.source) != (old.name, old.source):
            await self._async_remove_entities(program_id)  # new name or device: new entities
            self._async_add_entities(program)
        else:
            self._async_notify(program_id)
        return program

    async def async_delete(self, program_id: str) -> None:
        run = self.run(program_id)
        if run.state in (RunState.RUNNING, RunState.PAUSED):
            running = ProgramError("program_already_running", {"program": run.program.name})
            raise program_invalid(running)
        self.library.delete(program_id)
        del self.runs[program_id]
        self.async_save_soon()
        await self._async_remove_entities(program_id)

    def _check_source(self, source: str) -> None:
        if source not in self.sources:
            address, probe = split_source(source)
            raise ProgramError("unknown_source", {"device_id": address, "probe": probe or "-"})

    @callback
    def _async_add_entities(self, program: Program) -> None:
        entry_id = self.entry_of(program)
        if entry_id is not None:  # pragma: no branch - sources are checked first
            async_dispatcher_send(self.hass, signal_new_program(entry_id), program.id)

    async def _async_remove_entities(self, program_id: str) -> None:
        registry = er.async_get(self.hass)
        for entity in list(self._entities.get(program_id, [])):
            entity_id = entity.entity_id
            await entity.async_remove(force_remove=True)
            if registry.async_get(entity_id) is not None:  # pragma: no branch - all registered
                registry.async_remove(entity_id)

    def describe(self, program_id: str) -> dict[str, Any]:
        """A program, its run and its alarms, as ``list_programs`` returns it."""
        run = self.run(program_id)
        program, at = run.program, now()
        probe = split_source(program.source)[1]
        index = run.step_index
        return {
            "id": program.id,
            "name": program.name,
            "device_id": self.device_of(program),
            "probe": probe,
            "steps": [
                {
                    "name": step.name,
                    "target": step.target,
                    "hold_minutes": None if step.hold is None else step.hold / 60,
                    "until": None
                    if step.until is None
                    else dt_util.utc_from_timestamp(step.until).isoformat(),
                    "ramp": step.ramp,
                }
                for step in program.steps
            ],
            "tolerance": program.tolerance,
            "reach_timeout_minutes": program.reach_timeout / 60,
            "deviation_band": program.deviation_band,
            "deviation_minutes": program.deviation_time / 60,
            "sensor_lost_minutes": program.sensor_lost_after / 60,
            "state": run.state.value,
            "step": None if index is None else index + 1,
            "setpoint": _round(run.setpoint(at)),
            "time_left_minutes": None
            if (left := run.time_left(at)) is None
            else round(left / 60, 1),
            "active_alarms": [self._alarm_data(run, alarm) for alarm in run.alarms.active],
            "acknowledged_alarms": [self._alarm_data(run, alarm) for alarm in run.alarms.history],
        }

    # --- commands ------------------------------------------------------------------

    @callback
    def async_command(self, program_id: str, command: str) -> None:
        """start, pause, resume, skip or stop; a command that does not fit raises."""
        run = self.run(program_id)
        at = now()
        try:
            if command == "start":
                run.start(at, self.sources.latest(run.program.source))
            elif command == "pause":
                run.pause(at)
            elif command == "resume":
                run.resume(at)
            elif command == "skip":
                run.skip(at)
            else:
                run.stop(at)
        except ProgramError as err:
            raise program_invalid(err) from err
        self._async_advance(run, at)
        self.async_save_soon()
        self._async_notify(program_id)

    @callback
    def async_acknowledge(
        self, program_id: str, alarm_id: str | None, context: Context | None = None
    ) -> list[BrewAlarm]:
        run = self.run(program_id)
        by = None if context is None else context.user_id
        try:
            done = run.alarms.acknowledge(alarm_id, now(), by=by or "button")
        except ProgramError as err:
            raise program_invalid(err) from err
        if done:
            self.hass.bus.async_fire(
                EVENT_BREW_ALARM_ACKNOWLEDGED,
                {
                    "device_id": self.device_of(run.program),
                    "program_id": run.program.id,
                    "program": run.program.name,
                    "alarms": [alarm.id for alarm in done],
                    "types": [alarm.type.value for alarm in done],
                },
            )
            self.async_save_soon()
            self._async_notify(program_id)
        return done

    # --- readings ------------------------------------------------------------------

    @callback
    def _async_reading(self, source: str) -> None:
        at = now()
        for run in list(self.runs.values()):
            if run.program.source == source and run.state is RunState.RUNNING:
                self._async_advance(run, at)
                self._async_notify(run.program.id)

    @callback
    def _async_tick(self, _now_dt: datetime) -> None:
        at = now()
        for run in list(self.runs.values()):
            if run.state is RunState.RUNNING:
                self._async_advance(run, at)
                self._async_notify(run.program.id)

    @callback
    def _async_advance(self, run: ProgramRun, at: float) -> None:
        if run.state is not RunState.RUNNING:
            return
        before = (run.state, run.step_index, run.reached)
        alarms = run.update(self.sources.latest(run.program.source), at)
        changed = alarms or before != (run.state, run.step_index, run.reached)
        if changed:
            self.async_save_soon()
        else:
            self.async_save_later()
        for alarm in alarms:
            self._async_deliver(run, alarm)

    @callback
    def _async_deliver(self, run: ProgramRun, alarm: BrewAlarm) -> None:
        self.alarm_listeners.notify(run.program.id, alarm)
        self.hass.bus.async_fire(EVENT_BREW_ALARM, self._alarm_data(run, alarm))

    def _alarm_data(self, run: ProgramRun, alarm: BrewAlarm) -> dict[str, Any]:
        program = run.program
        source = self.sources.get(program.source)
        step = program.steps[alarm.step] if alarm.step < len(program.steps) else None
        return {
            "device_id": self.device_of(program),
            "name": None if source is None else source.name,
            "program_id": program.id,
            "program": program.name,
            "alarm_id": alarm.id,
            "type": alarm.type.value,
            "step": alarm.step + 1,
            "step_name": None if step is None else step.name,
            "temperature": _round(alarm.temperature),
            "setpoint": _round(alarm.setpoint),
            "unit": CELSIUS,
            "raised_at": dt_util.utc_from_timestamp(alarm.raised_at).isoformat(),
            "acknowledged_at": None
            if alarm.acknowledged_at is None
            else dt_util.utc_from_timestamp(alarm.acknowledged_at).isoformat(),
        }

    # --- storage -------------------------------------------------------------------

    def _data(self) -> dict[str, Any]:
        return {
            "library": self.library.to_dict(),
            "runs": {program_id: run.to_dict() for program_id, run in self.runs.items()},
        }
