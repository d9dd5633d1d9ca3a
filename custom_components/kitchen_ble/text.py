"""Text: per probe a label ("Brisket") that alerts and the logbook quote."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .cooking.targets import MAX_LABEL_LENGTH
from .cooking_entity import CookingEntity, probe_entities, probe_setting
from .coordinator import KitchenBleConfigEntry

PARALLEL_UPDATES = 0


@cache  # one per probe number, shared by every device (descriptions are frozen)
def description(n: int) -> TextEntityDescription:
    return TextEntityDescription(
        **probe_setting(n, "label"),
        native_min=0,
        native_max=MAX_LABEL_LENGTH,
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the label of every probe of one thermometer."""
    async_add_entities(probe_entities(entry.runtime_data, ProbeLabel, description))


class ProbeLabel(CookingEntity, TextEntity):
    """What is on the probe; empty by default."""

    @property
    def native_value(self) -> str:
        return self.probe.setting.label

    def snapshot(self) -> object:
        return self.native_value

    async def async_set_value(self, value: str) -> None:
        label = value.strip()
        self.runtime.async_change_probe(self.key, self.number, lambda t: replace(t, label=label))
