"""Date/time: when the food of the running cook should be ready ("ready by")."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.datetime import DateTimeEntity, DateTimeEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .entity import CookingEntity, async_setup_tables, cooking_entities
from .models import KitchenBleConfigEntry

PARALLEL_UPDATES = 0

READY_BY = DateTimeEntityDescription(key="ready_by", translation_key="ready_by")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the ready-by time of one thermometer."""
    await async_setup_tables(entry, async_add_entities, cooking_entities(ReadyBy, [READY_BY]))


class ReadyBy(CookingEntity, DateTimeEntity):
    """The running session's ready-by time; unknown when no session runs."""

    @property
    def native_value(self) -> datetime | None:
        session = self.runtime.session
        if session is None or session.ready_by is None:
            return None
        return dt_util.utc_from_timestamp(session.ready_by)

    def snapshot(self) -> object:
        return self.native_value

    async def async_set_value(self, value: datetime) -> None:
        self.runtime.async_set_ready_by(value)
