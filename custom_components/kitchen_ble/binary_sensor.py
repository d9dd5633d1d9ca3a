"""Binary sensors: the link to a device, what a thermometer reports itself, the cook, a node."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataProcessor,
    PassiveBluetoothEntityKey,
    PassiveBluetoothProcessorEntity,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .compat import BinarySensorDeviceClass
from .coordinator import LinkCoordinator
from .entity import (
    CookingEntity,
    KitchenBleEntity,
    KitchenBleEntityDescription,
    async_setup_tables,
    cooking_entities,
    device_entities,
    node_entities,
)
from .espresso import is_espresso_machine
from .library.devices.advertisers import NodeReading
from .library.devices.base import Capability, ModelInfo
from .library.devices.de1 import MachineState, Substate
from .library.devices.thermometer import DeviceAlarm
from .models import KitchenBleConfigEntry
from .passive import node_key
from .scale import has_capability, is_scale, scale_of, scale_state
from .util import espresso_state, thermometer_state

PARALLEL_UPDATES = 0

# --- a connected device -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class KitchenBleBinarySensorDescription(KitchenBleEntityDescription, BinarySensorEntityDescription):
    """How to read one flag from the device's link."""

    value_fn: Callable[[LinkCoordinator], bool | None]
    # Stays available while the device is away, so the drop itself is visible.
    always_available: bool = False


def _reported_alarm(
    read: Callable[[DeviceAlarm], bool],
) -> Callable[[LinkCoordinator], bool | None]:
    """A flag of the alarm the device reports (None until its first report)."""

    def value(link: LinkCoordinator) -> bool | None:
        alarm = thermometer_state(link).alarm
        return None if alarm is None else read(alarm)

    return value


def _reports_alarm(model: ModelInfo) -> bool:
    return model.has(Capability.REPORTS_ALARM)


BINARY_SENSORS: tuple[KitchenBleBinarySensorDescription, ...] = (
    KitchenBleBinarySensorDescription(
        key="connection",
        translation_key="connection",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        always_available=True,
        value_fn=lambda link: link.connected,
    ),
    # Devices that report their own alarm (the BlueDOT), from their update packet.
    KitchenBleBinarySensorDescription(
        key="probe_connected",
        translation_key="probe_connected",
        device_class=BinarySensorDeviceClass.PLUG,
        exists_fn=_reports_alarm,
        value_fn=lambda link: thermometer_state(link).probe_connected,
    ),
    KitchenBleBinarySensorDescription(
        key="alarm",
        translation_key="alarm",
        device_class=BinarySensorDeviceClass.SOUND,
        exists_fn=_reports_alarm,
        value_fn=_reported_alarm(lambda alarm: alarm.active),
    ),
    KitchenBleBinarySensorDescription(
        key="alarm_silenced",
        translation_key="alarm_silenced",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=_reports_alarm,
        value_fn=_reported_alarm(lambda alarm: alarm.silenced),
    ),
    KitchenBleBinarySensorDescription(
        key="alarm_disabled",
        translation_key="alarm_disabled",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=_reports_alarm,
        value_fn=_reported_alarm(lambda alarm: alarm.disabled),
    ),
)


# An espresso machine ---------------------------------------------------------------


def _ready(link: LinkCoordinator) -> bool | None:
    """Idle and heated: the machine says "ready" (substate NoState while Idle)."""
    state = espresso_state(link)
    if state.machine_state is None:
        return None
    return state.machine_state is MachineState.IDLE and state.substate is Substate.NO_STATE


def _refill_needed(link: LinkCoordinator) -> bool | None:
    """The machine waits for water, or the level is below its refill threshold."""
    state = espresso_state(link)
    if state.machine_state is MachineState.REFILL or state.substate is Substate.PAUSED_REFILL:
        return True
    level, threshold = state.water_level_mm, state.refill_threshold_mm
    if level is None or threshold is None:
        return None
    return level < threshold


ESPRESSO_BINARY_SENSORS: tuple[KitchenBleBinarySensorDescription, ...] = (
    KitchenBleBinarySensorDescription(
        key="ready",
        translation_key="ready",
        exists_fn=is_espresso_machine,
        value_fn=_ready,
    ),
    KitchenBleBinarySensorDescription(
        key="refill_needed",
        translation_key="refill_needed",
        device_class=BinarySensorDeviceClass.PROBLEM,
        exists_fn=is_espresso_machine,
        value_fn=_refill_needed,
    ),
    KitchenBleBinarySensorDescription(
        key="ghc_present",
        translation_key="ghc_present",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=is_espresso_machine,
        value_fn=lambda link: espresso_state(link).ghc_present,
    ),
    # On: the machine takes starts only from its group head, never from the app (§9.2).
    KitchenBleBinarySensorDescription(
        key="ghc_active",
        translation_key="ghc_active",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=is_espresso_machine,
        value_fn=lambda link: espresso_state(link).ghc_active,
    ),
)


# A coffee scale ---------------------------------------------------------------------

SCALE_BINARY_SENSORS: tuple[KitchenBleBinarySensorDescription, ...] = (
    # Off once a tare is sent, on when a reading is back near 0 g (scale.py gives
    # the numbers): an automation waits for it before it starts a shot.
    KitchenBleBinarySensorDescription(
        key="tare_confirmed",
        translation_key="tare_confirmed",
        exists_fn=is_scale,
        value_fn=lambda link: scale_of(link).tare_confirmed,
    ),
    KitchenBleBinarySensorDescription(
        key="timer_running",
        translation_key="timer_running",
        device_class=BinarySensorDeviceClass.RUNNING,
        exists_fn=has_capability(Capability.TIMER),
        value_fn=lambda link: scale_state(link).timer_running,
    ),
)


class KitchenBleBinarySensor(KitchenBleEntity, BinarySensorEntity):
    """A flag whose value comes from the device's link."""

    entity_description: KitchenBleBinarySensorDescription

    def __init__(
        self, coordinator: LinkCoordinator, description: KitchenBleBinarySensorDescription
    ) -> None:
        super().__init__(coordinator, description)
        self.always_available = description.always_available

    @property
    def is_on(self) -> bool | None:
        return self.entity_description.value_fn(self.coordinator)

    def snapshot(self) -> object:
        return self.is_on


# --- the cook ------------------------------------------------------------------------

COOKING = BinarySensorEntityDescription(key="cooking", translation_key="cooking")


class CookingSensor(CookingEntity, BinarySensorEntity):
    """On while the device takes part in the running cook session (also while briefly lost)."""

    @property
    def is_on(self) -> bool:
        return self.runtime.in_session(self.key)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        session = self.runtime.session
        if session is None or not self.is_on:
            return None
        return {
            "session_id": session.id,
            "name": session.name,
            "started_at": dt_util.utc_from_timestamp(session.started_at).isoformat(),
        }

    def snapshot(self) -> object:
        return (self.is_on, self.extra_state_attributes)


# --- a sensor node ------------------------------------------------------------------------

type NodeProcessor = PassiveBluetoothDataProcessor[bool | None, NodeReading]

WINDOW = node_key("window")
NODE_BINARY_SENSORS: dict[PassiveBluetoothEntityKey, EntityDescription] = {
    WINDOW: BinarySensorEntityDescription(
        key=WINDOW.key, device_class=BinarySensorDeviceClass.WINDOW
    ),
}


def node_values(reading: NodeReading) -> dict[PassiveBluetoothEntityKey, bool | None]:
    """The binary sensors' values of one reading."""
    return {WINDOW: reading.window_open}


class NodeBinarySensor(PassiveBluetoothProcessorEntity[NodeProcessor], BinarySensorEntity):
    """The node's window contact."""

    @property
    def is_on(self) -> bool | None:
        return self.processor.entity_data.get(self.entity_key)


# --- the platform ---------------------------------------------------------------------

TABLES = (
    device_entities(KitchenBleBinarySensor, BINARY_SENSORS),
    device_entities(KitchenBleBinarySensor, ESPRESSO_BINARY_SENSORS),
    device_entities(KitchenBleBinarySensor, SCALE_BINARY_SENSORS),
    cooking_entities(CookingSensor, [COOKING]),
    node_entities(
        NODE_BINARY_SENSORS, node_values, NodeBinarySensor, BinarySensorEntityDescription
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of one entry."""
    await async_setup_tables(entry, async_add_entities, *TABLES)
