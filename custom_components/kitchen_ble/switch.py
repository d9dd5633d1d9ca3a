"""Switch: hold the device, or release it so the vendor's phone app can connect."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import KitchenBleConfigEntry
from .entity import KitchenBleEntity

PARALLEL_UPDATES = 0

HOLD_CONNECTION = SwitchEntityDescription(
    key="hold_connection",
    translation_key="hold_connection",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the connection switch of one device."""
    async_add_entities([HoldConnectionSwitch(entry.runtime_data, HOLD_CONNECTION)])


class HoldConnectionSwitch(KitchenBleEntity, SwitchEntity):
    """On: keep the device connected. Off: let it go and stay away."""

    always_available = True

    @property
    def is_on(self) -> bool:
        return self.coordinator.hold_connection

    def snapshot(self) -> object:
        return self.is_on

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self.coordinator.async_set_hold_connection(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.coordinator.async_set_hold_connection(False)
