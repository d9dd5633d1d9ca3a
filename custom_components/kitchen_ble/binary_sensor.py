"""Binary sensor: whether the integration holds a live link to the device."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .compat import BinarySensorDeviceClass
from .coordinator import KitchenBleConfigEntry
from .entity import KitchenBleEntity

PARALLEL_UPDATES = 0

CONNECTION = BinarySensorEntityDescription(
    key="connection",
    translation_key="connection",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the connection sensor of one device."""
    async_add_entities([ConnectionSensor(entry.runtime_data, CONNECTION)])


class ConnectionSensor(KitchenBleEntity, BinarySensorEntity):
    """On while connected; stays available so the drop itself is visible."""

    always_available = True

    @property
    def is_on(self) -> bool:
        return self.coordinator.connected

    def snapshot(self) -> object:
        return self.is_on
