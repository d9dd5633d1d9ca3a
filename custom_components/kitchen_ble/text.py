"""Text: per probe a label ("Brisket") that alerts and the logbook quote."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import CookingEntity, async_setup_tables, probe_entities, probe_setting
from .library.cooking.targets import MAX_LABEL_LENGTH
from .models import KitchenBleConfigEntry

PARALLEL_UPDATES = 0


@cache  # one per probe number, shared by every device (descriptions are frozen)
def descriptions(n: int) -> tuple[TextEntityDescription, ...]:
    return (
        TextEntityDescription(
            **probe_setting(n, "label"), native_min=0, native_max=MAX_LABEL_LENGTH
        ),
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the label of every probe of one thermometer."""
    await async_setup_tables(entry, async_add_entities, probe_entities(ProbeLabel, descriptions))


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
