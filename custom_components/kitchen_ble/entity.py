"""Base entity: device info, availability and updates from the coordinator."""

from __future__ import annotations

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity import Entity, EntityDescription

from .coordinator import KitchenBleCoordinator


class KitchenBleEntity(Entity):
    """An entity fed by a coordinator; unavailable while the device is gone."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    # Connection-level entities stay available when the device is gone.
    always_available = False

    def __init__(self, coordinator: KitchenBleCoordinator, description: EntityDescription) -> None:
        self.coordinator = coordinator
        self.entity_description = description
        self._attr_unique_id = f"{coordinator.address}_{description.key}"
        self._attr_device_info = coordinator.device_info
        self._last_written: object = object()

    @property
    def available(self) -> bool:
        return self.always_available or self.coordinator.available

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Subscribe ``update`` to what this entity's state comes from."""
        return self.coordinator.async_add_listener(update)

    def snapshot(self) -> object:
        """What the state is made of; a write happens only when it changes."""
        return None

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()  # e.g. the event platform restores its last event
        self.async_on_remove(self._async_listen(self._async_coordinator_updated))
        self._last_written = (self.available, self.snapshot())

    @callback
    def _async_coordinator_updated(self) -> None:
        # One notification changes one value; skip the other entities' writes.
        current = (self.available, self.snapshot())
        if current != self._last_written:
            self._last_written = current
            self.async_write_ha_state()
