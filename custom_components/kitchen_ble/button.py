"""Buttons: start a cook with this thermometer (or add it to the running one), end the cook."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import brewing_entities
from .brewing_entities import async_setup_program_entities
from .cooking_entity import CookingEntity, probe_numbers
from .cooking_runtime import CookingRuntime
from .coordinator import KitchenBleConfigEntry
from .node_coordinator import is_node_entry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class CookButtonDescription(ButtonEntityDescription):
    press_fn: Callable[[CookingRuntime, str], Awaitable[object] | None]


async def _end(runtime: CookingRuntime, _key: str) -> object:
    return await runtime.async_end_session()


BUTTONS = (
    CookButtonDescription(
        key="start_cook",
        translation_key="start_cook",
        press_fn=lambda runtime, key: runtime.async_start_or_join(key),
    ),
    CookButtonDescription(key="end_cook", translation_key="end_cook", press_fn=_end),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the cook buttons of one thermometer; the program buttons of any source device."""
    coordinator = entry.runtime_data
    if not is_node_entry(entry) and probe_numbers(coordinator):  # a node has no probes
        async_add_entities(CookButton(coordinator, description) for description in BUTTONS)
    async_setup_program_entities(hass, entry, async_add_entities, brewing_entities.buttons)


class CookButton(CookingEntity, ButtonEntity):
    """A session command; errors (no session to end) are shown to the user, translated."""

    entity_description: CookButtonDescription

    async def async_press(self) -> None:
        result = self.entity_description.press_fn(self.runtime, self.key)
        if result is not None:
            await result
