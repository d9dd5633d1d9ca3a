"""Select: per probe a doneness preset that sets the target ("custom" keeps it)."""

from __future__ import annotations

from functools import cache

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import CookingEntity, async_setup_tables, probe_entities, probe_setting
from .library.cooking.presets import PRESET_IDS
from .models import KitchenBleConfigEntry

PARALLEL_UPDATES = 0


@cache  # one per probe number, shared by every device (descriptions are frozen)
def descriptions(n: int) -> tuple[SelectEntityDescription, ...]:
    return (SelectEntityDescription(**probe_setting(n, "preset"), options=list(PRESET_IDS)),)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the preset select of every probe of one thermometer."""
    await async_setup_tables(entry, async_add_entities, probe_entities(PresetSelect, descriptions))


class PresetSelect(CookingEntity, SelectEntity):
    """Choosing a preset sets the target; setting the target by hand shows "custom"."""

    @property
    def current_option(self) -> str:
        return self.probe.setting.preset

    def snapshot(self) -> object:
        return self.current_option

    async def async_select_option(self, option: str) -> None:
        self.runtime.async_change_probe(self.key, self.number, lambda t: t.with_preset(option))
