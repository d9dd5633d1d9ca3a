"""Entity bases, descriptions that say when they exist, and the tables platforms build from.

Every entity of the integration writes its state only when what it shows
changed (``SnapshotEntity``: one notification changes one value, so the
other entities of the device skip their writes). Its source differs:

* ``KitchenBleEntity``: a connected device's link; unavailable while it is gone;
* ``CookingEntity``: a thermometer's cooking state (settings, sessions);
* ``ProgramEntity``: a brewing program on its source device.

Platforms add their entities from ``EntityTable`` rows: each row hangs on one
part of an entry's runtime data (its link, its cooking, its node, its
brewing source) and adds nothing where the entry has no such part. So no
platform branches on a device family or an entry type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataProcessor,
    PassiveBluetoothEntityKey,
    PassiveBluetoothProcessorEntity,
)
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .brewing import BrewingRuntime, get_brewing, program_device_info, signal_new_program
from .cooking import CookingRuntime, get_runtime
from .coordinator import LinkCoordinator
from .library.brewing.program import Program
from .library.brewing.runner import ProgramRun
from .library.cooking.state import ProbeCook
from .library.devices.advertisers import NodeReading
from .library.devices.base import ModelInfo
from .models import KitchenBleConfigEntry, KitchenBleData
from .passive import NodeCoordinator, NodeUpdates
from .util import probe_numbers

# --- descriptions and tables ---------------------------------------------------------


def _always(_model: ModelInfo) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class KitchenBleEntityDescription(EntityDescription):
    """An entity of a device, which exists where the model has what it shows."""

    exists_fn: Callable[[ModelInfo], bool] = _always


@dataclass(frozen=True, slots=True)
class EntityTable[S]:
    """Entities that hang on one part of an entry (``part`` returns None: no such part)."""

    part: Callable[[KitchenBleData], S | None]
    add: Callable[[S, KitchenBleConfigEntry, AddConfigEntryEntitiesCallback], None]


async def async_setup_tables(
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *tables: EntityTable[Any],
) -> None:
    """What a platform's ``async_setup_entry`` does: every table whose part the entry has."""
    for table in tables:
        if (part := table.part(entry.runtime_data)) is not None:
            table.add(part, entry, async_add_entities)


def device_entities[D: KitchenBleEntityDescription](
    entity: Callable[[LinkCoordinator, D], Entity], descriptions: Iterable[D]
) -> EntityTable[LinkCoordinator]:
    """One ``entity`` per description that exists for the connected device's model."""
    found = tuple(descriptions)

    def add(link: LinkCoordinator, _entry: Any, add: AddConfigEntryEntitiesCallback) -> None:
        add([entity(link, d) for d in found if d.exists_fn(link.model)])

    return EntityTable(lambda data: data.link, add)


def probe_entities[D: EntityDescription](
    entity: Callable[[LinkCoordinator, D, int], Entity],
    descriptions: Callable[[int], Iterable[D]],
) -> EntityTable[LinkCoordinator]:
    """Per probe ``n`` of a thermometer, one ``entity`` per description of ``descriptions(n)``."""

    def add(link: LinkCoordinator, _entry: Any, add: AddConfigEntryEntitiesCallback) -> None:
        add(
            [
                entity(link, description, n)
                for n in probe_numbers(link)
                for description in descriptions(n)
            ]
        )

    return EntityTable(lambda data: data.cooking, add)


def node_entities[T](
    descriptions: dict[PassiveBluetoothEntityKey, EntityDescription],
    values: Callable[[NodeReading], dict[PassiveBluetoothEntityKey, T]],
    entity: type[PassiveBluetoothProcessorEntity[Any]],
    description_class: type[EntityDescription],
) -> EntityTable[NodeCoordinator]:
    """A sensor node's entities of one platform, added when its first reading names them."""

    def add(
        node: NodeCoordinator, entry: KitchenBleConfigEntry, add: AddConfigEntryEntitiesCallback
    ) -> None:
        processor: PassiveBluetoothDataProcessor[T, NodeReading] = PassiveBluetoothDataProcessor(
            NodeUpdates(node, descriptions, values)
        )
        entry.async_on_unload(processor.async_add_entities_listener(entity, add))
        entry.async_on_unload(node.async_register_processor(processor, description_class))

    return EntityTable(lambda data: data.node, add)


def cooking_entities[D: EntityDescription](
    entity: Callable[[LinkCoordinator, D], Entity], descriptions: Iterable[D]
) -> EntityTable[LinkCoordinator]:
    """Device-wide cooking entities of a thermometer (sessions)."""
    found = tuple(descriptions)

    def add(link: LinkCoordinator, _entry: Any, add: AddConfigEntryEntitiesCallback) -> None:
        add([entity(link, description) for description in found])

    return EntityTable(lambda data: data.cooking, add)


# --- the one write-skip --------------------------------------------------------------


class SnapshotEntity(Entity):
    """Written only when its snapshot (or its availability) changed."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, description: EntityDescription) -> None:
        self.entity_description = description
        self._last_written: object = object()

    def snapshot(self) -> object:
        """What the state is made of; a write happens only when it changes."""
        return None

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Subscribe ``update`` to what this entity's state comes from."""
        raise NotImplementedError

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()  # e.g. the event platform restores its last event
        self.async_on_remove(self._async_listen(self._async_source_updated))
        self._last_written = (self.available, self.snapshot())

    @callback
    def _async_source_updated(self) -> None:
        current = (self.available, self.snapshot())
        if current != self._last_written:
            self._last_written = current
            self.async_write_ha_state()


class KitchenBleEntity(SnapshotEntity):
    """An entity fed by a device's link; unavailable while the device is gone."""

    # Connection-level entities stay available when the device is gone.
    always_available = False

    def __init__(self, coordinator: LinkCoordinator, description: EntityDescription) -> None:
        super().__init__(description)
        self.coordinator = coordinator
        self._attr_unique_id = f"{coordinator.address}_{description.key}"
        self._attr_device_info = coordinator.device_info

    @property
    def available(self) -> bool:
        return self.always_available or self.coordinator.available

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        return self.coordinator.async_add_listener(update)


# --- cooking ------------------------------------------------------------------------


class ProbeSetting(TypedDict):
    """The fields every per-probe setting description shares."""

    key: str
    translation_key: str
    translation_placeholders: dict[str, str]
    entity_category: EntityCategory


def probe_setting(n: int, kind: str) -> ProbeSetting:
    """Key, name and category of the ``kind`` setting of probe ``n``."""
    return ProbeSetting(
        key=f"probe_{n}_{kind}",
        translation_key=f"probe_{kind}",
        translation_placeholders={"probe": str(n)},
        entity_category=EntityCategory.CONFIG,
    )


class CookingEntity(KitchenBleEntity):
    """Settings and session controls stay usable while the device is away.

    Per-probe descriptions carry ``translation_placeholders={"probe": ...}``.
    """

    always_available = True

    def __init__(
        self,
        coordinator: LinkCoordinator,
        description: EntityDescription,
        probe: int | None = None,
    ) -> None:
        super().__init__(coordinator, description)
        self.runtime: CookingRuntime = get_runtime(coordinator.hass)
        self.key = coordinator.address
        self.number = probe or 0  # 0: a device-wide entity

    @property
    def probe(self) -> ProbeCook:
        return self.runtime.probe(self.key, self.number)

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        # only the runtime: it also tells when the device's availability changes,
        # so readings of the device do not wake every cooking entity
        return self.runtime.async_add_listener(self.key, update)


# --- brewing programs ----------------------------------------------------------------


class SourceDevice(Protocol):
    """The device of a program's source: a thermometer's link or a node's coordinator."""

    hass: HomeAssistant

    @property
    def address(self) -> str: ...

    @property
    def device_info(self) -> DeviceInfo: ...


type ProgramFactory = Callable[[SourceDevice, BrewingRuntime, Program], Iterable[Entity]]


def program_entities(factory: ProgramFactory) -> EntityTable[SourceDevice]:
    """The platform's entities of every program on this source device, now and when made."""

    def add(
        source: SourceDevice, entry: KitchenBleConfigEntry, add: AddConfigEntryEntitiesCallback
    ) -> None:
        hass = source.hass
        runtime = get_brewing(hass)

        @callback
        def add_program(program_id: str) -> None:
            add(factory(source, runtime, runtime.run(program_id).program))

        entry.async_on_unload(
            async_dispatcher_connect(hass, signal_new_program(entry.entry_id), add_program)
        )
        for program in runtime.programs_of_device(source.address):
            add_program(program.id)

    return EntityTable(lambda data: data.brewing_source, add)


class ProgramEntity(SnapshotEntity):
    """One entity of one program; always available (the program is, the device may not be)."""

    def __init__(
        self,
        device: SourceDevice,
        runtime: BrewingRuntime,
        program: Program,
        description: EntityDescription,
    ) -> None:
        super().__init__(description)
        self._attr_unique_id = f"{device.address}_{description.key}"
        self._attr_device_info = program_device_info(device.device_info, device.address)
        self.runtime = runtime
        self.program_id = program.id

    @property
    def program_run(self) -> ProgramRun:
        return self.runtime.runs[self.program_id]

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.runtime.async_add_entity(self.program_id, self))

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        return self.runtime.async_add_listener(self.program_id, update)


class ProgramNaming(TypedDict):
    """The fields every program entity description shares."""

    key: str
    translation_key: str
    translation_placeholders: dict[str, str]


def program_naming(program: Program, kind: str) -> ProgramNaming:
    """Key, name and placeholder of the program's ``kind`` entity."""
    return ProgramNaming(
        key=f"program_{program.id}_{kind}",
        translation_key=f"program_{kind}",
        translation_placeholders={"program": program.name},
    )
