"""Binary sensors: the live link to the device; whether it takes part in the running cook."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from . import bluedot_entities, node_entities
from .compat import BinarySensorDeviceClass
from .cooking_entity import CookingEntity, probe_numbers
from .coordinator import KitchenBleConfigEntry
from .entity import KitchenBleEntity
from .node_coordinator import is_node_entry

PARALLEL_UPDATES = 0

CONNECTION = BinarySensorEntityDescription(
    key="connection",
    translation_key="connection",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)

COOKING = BinarySensorEntityDescription(key="cooking", translation_key="cooking")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the connection sensor of one device, and the cooking sensor of a thermometer."""
    if is_node_entry(entry):  # a passive sensor node: node_entities.py
        await node_entities.async_setup_binary_sensors(hass, entry, async_add_entities)
        return
    entities: list[KitchenBleEntity] = [ConnectionSensor(entry.runtime_data, CONNECTION)]
    if probe_numbers(entry.runtime_data):  # pragma: no branch - only thermometers today
        entities.append(CookingSensor(entry.runtime_data, COOKING))
    entities.extend(bluedot_entities.binary_sensors(entry.runtime_data))
    async_add_entities(entities)


class ConnectionSensor(KitchenBleEntity, BinarySensorEntity):
    """On while connected; stays available so the drop itself is visible."""

    always_available = True

    @property
    def is_on(self) -> bool:
        return self.coordinator.connected

    def snapshot(self) -> object:
        return self.is_on


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
