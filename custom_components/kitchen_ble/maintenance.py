"""Maintenance of each DE1: espressos and steam time since its last descale and clean.

Every new record the shot archive keeps (its kept listeners) adds to its
machine's counters (the library's ``MaintenanceCounters``: a record once, by
id). Counters and reminder thresholds are kept in a ``Store``, so they outlive
restarts, and they are kept per machine address, so a record closed at
start-up, before its machine's entry is set up, is counted too.

* Reset: the machine's *Descale done* / *Clean done* buttons, or the machine
  itself finishing its descale or clean program (it leaves the Descale or
  Clean state while connected).
* Reminders: *Shots until descale reminder* / *Shots until clean reminder*
  (0 turns one off). A reached threshold raises a repair issue (not fixable)
  that goes away on reset, or when the threshold is raised or turned off.

Entities (sensors, buttons, numbers) are in their platform modules, built by
``maintenance_entities`` from the runtime here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import slugify
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .coordinator import LinkCoordinator
from .entity import EntityTable, KitchenBleEntity
from .library.espresso.records import (
    Maintenance,
    MaintenanceCounters,
    MaintenanceThresholds,
    RecordError,
    maintenance_for_state,
)
from .runtime import FeatureRuntime, KeyedListeners, now
from .shots import KeptShot, ShotRuntime, record_invalid
from .util import espresso_state

_LOGGER = logging.getLogger(__name__)

DATA_MAINTENANCE: Final[HassKey[MaintenanceRuntime]] = HassKey(f"{DOMAIN}_maintenance")
# A backflush with cleaner every 200 shots; a descale every 1000 (filtered, soft water)
DEFAULT_THRESHOLDS: Final = MaintenanceThresholds(descale_shots=1000, clean_shots=200)
ISSUE_KEYS: Final = {Maintenance.DESCALE: "descale_due", Maintenance.CLEAN: "clean_due"}
THRESHOLD_FIELDS: Final = {
    Maintenance.DESCALE: "descale_shots",
    Maintenance.CLEAN: "clean_shots",
}


def get_maintenance(hass: HomeAssistant) -> MaintenanceRuntime:
    return hass.data[DATA_MAINTENANCE]


def issue_id(machine: str, maintenance: Maintenance) -> str:
    return f"{maintenance}_due_{slugify(machine)}"


@dataclass(slots=True)
class _Machine:
    counters: MaintenanceCounters
    thresholds: MaintenanceThresholds = DEFAULT_THRESHOLDS
    name: str = ""


class MaintenanceRuntime(FeatureRuntime):
    """The counters and thresholds of every DE1, their reminders and resets."""

    store_key = f"{DOMAIN}.maintenance"

    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(hass)
        self._machines: dict[str, _Machine] = {}
        self._listeners: KeyedListeners[str, []] = KeyedListeners()

    def _restore(self, data: dict[str, Any]) -> None:
        machines = data.get("machines", {})
        if not isinstance(machines, dict):
            raise ValueError(f"machines: expected an object, found {type(machines).__name__}")
        for address, raw in machines.items():
            item = raw if isinstance(raw, dict) else {}
            try:
                counters = MaintenanceCounters.from_dict(item.get("counters"))
            except RecordError as err:
                _LOGGER.warning("Maintenance counters of %s are damaged: %s", address, err)
                counters = MaintenanceCounters()
            stored = item.get("thresholds", {})
            try:
                if not isinstance(stored, dict):
                    raise ValueError(f"expected an object, found {type(stored).__name__}")
                thresholds = MaintenanceThresholds.from_dict(stored)
            except ValueError as err:  # a RecordError too
                _LOGGER.warning("Maintenance reminders of %s are damaged: %s", address, err)
                thresholds = DEFAULT_THRESHOLDS
            self._machines[address] = _Machine(counters, thresholds, str(item.get("name", "")))

    def _data(self) -> dict[str, Any]:
        return {
            "machines": {
                address: {
                    "name": machine.name,
                    "counters": machine.counters.to_dict(),
                    "thresholds": asdict(machine.thresholds),
                }
                for address, machine in self._machines.items()
            }
        }

    def _machine(self, address: str) -> _Machine:
        return self._machines.setdefault(address, _Machine(MaintenanceCounters()))

    # --- what entities read -------------------------------------------------------------

    def counters(self, address: str) -> MaintenanceCounters:
        return self._machine(address).counters

    def thresholds(self, address: str) -> MaintenanceThresholds:
        return self._machine(address).thresholds

    @callback
    def async_add_listener(self, address: str, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """``listener`` is told when the machine's counters or thresholds change."""
        return self._listeners.async_add(address, listener)

    # --- sources ------------------------------------------------------------------------

    @callback
    def async_start(self, shots: ShotRuntime) -> CALLBACK_TYPE:
        """Count the archive's new records from now on; returns the stop."""
        return shots.async_add_kept_listener(self._async_kept)

    @callback
    def _async_kept(self, kept: KeptShot) -> None:
        machine = self._machine(kept.machine)
        machine.name = machine.name or kept.name
        machine.counters.add(kept.record)  # a new record: counted (the archive keeps it once)
        self._async_changed(kept.machine)

    @callback
    def async_add_machine(self, link: LinkCoordinator) -> CALLBACK_TYPE:
        """Follow the machine's own descale and clean programs; returns the stop."""
        address = link.address
        self._machine(address).name = link.entry.title
        performing: list[Maintenance | None] = [None]

        @callback
        def observe() -> None:
            if not link.connected:
                performing[0] = None  # a program cut short by the link is not a done one
                return
            info = espresso_state(link).state_info
            current = None if info is None else maintenance_for_state(info.state)
            done = performing[0]
            performing[0] = current
            if done is not None and current is None:
                self.async_reset(address, done)

        self._async_sync_issues(address)
        return link.async_add_listener(observe)

    # --- changes ------------------------------------------------------------------------

    @callback
    def async_reset(self, address: str, maintenance: Maintenance) -> None:
        """The maintenance was done now: its counters start again from 0."""
        self._machine(address).counters.reset(maintenance, now())
        self._async_changed(address)

    @callback
    def async_set_threshold(self, address: str, maintenance: Maintenance, shots: int) -> None:
        """Remind after ``shots`` espressos (0: never); a refused value changes nothing."""
        machine = self._machine(address)
        values = {**asdict(machine.thresholds), THRESHOLD_FIELDS[maintenance]: shots}
        try:
            thresholds = MaintenanceThresholds.from_dict(values)
        except RecordError as err:
            raise record_invalid(err) from None
        machine.thresholds = thresholds
        self._async_changed(address)

    @callback
    def _async_changed(self, address: str) -> None:
        self.async_save_soon()
        self._async_sync_issues(address)
        self._listeners.notify(address)

    @callback
    def _async_sync_issues(self, address: str) -> None:
        """A repair issue for each maintenance whose reminder is reached; none for the others."""
        machine = self._machine(address)
        due = {
            item.maintenance: item
            for item in machine.counters.due(machine.thresholds)
            if item.measure == "shots"
        }
        for maintenance in Maintenance:
            found = due.get(maintenance)
            if found is None:
                ir.async_delete_issue(self.hass, DOMAIN, issue_id(address, maintenance))
                continue
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id(address, maintenance),
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_KEYS.get(maintenance, "descale_due"),
                translation_placeholders={
                    "name": machine.name or address,
                    "shots": f"{found.value:g}",
                    "threshold": f"{found.threshold:g}",
                },
            )


# --- entities ----------------------------------------------------------------------------


class MaintenanceEntity(KitchenBleEntity):
    """An entity of the machine's maintenance: kept here, so available while it is away."""

    always_available = True

    def __init__(self, link: LinkCoordinator, description: EntityDescription) -> None:
        super().__init__(link, description)
        self.runtime = get_maintenance(link.hass)

    @property
    def counters(self) -> MaintenanceCounters:
        return self.runtime.counters(self.coordinator.address)

    @property
    def thresholds(self) -> MaintenanceThresholds:
        return self.runtime.thresholds(self.coordinator.address)

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        return self.runtime.async_add_listener(self.coordinator.address, update)


def maintenance_entities[D: EntityDescription](
    entity: Callable[[LinkCoordinator, D], MaintenanceEntity], descriptions: tuple[D, ...]
) -> EntityTable[LinkCoordinator]:
    """Entities of an espresso machine's maintenance."""

    def add(link: LinkCoordinator, _entry: Any, add: AddConfigEntryEntitiesCallback) -> None:
        add([entity(link, description) for description in descriptions])

    return EntityTable(lambda data: data.espresso, add)
