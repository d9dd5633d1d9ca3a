"""Buttons: start or end a cook with a thermometer; a brewing program's commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .brewing import BrewingRuntime
from .cooking import CookingRuntime
from .entity import (
    CookingEntity,
    ProgramEntity,
    SourceDevice,
    async_setup_tables,
    cooking_entities,
    program_entities,
    program_naming,
)
from .library.brewing.program import Program
from .models import KitchenBleConfigEntry

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


class CookButton(CookingEntity, ButtonEntity):
    """A session command; errors (no session to end) are shown to the user, translated."""

    entity_description: CookButtonDescription

    async def async_press(self) -> None:
        result = self.entity_description.press_fn(self.runtime, self.key)
        if result is not None:
            await result


# --- brewing programs -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProgramButtonDescription(ButtonEntityDescription):
    command: str


COMMANDS = {
    "start": "program_start",
    "pause": "program_pause",
    "resume": "program_resume",
    "skip": "program_skip_step",
    "stop": "program_stop",
    "acknowledge": "program_acknowledge",
}


def program_buttons(
    device: SourceDevice, runtime: BrewingRuntime, program: Program
) -> list[Entity]:
    return [
        ProgramButton(
            device,
            runtime,
            program,
            ProgramButtonDescription(
                **program_naming(program, translation_key.removeprefix("program_")),
                command=command,
            ),
        )
        for command, translation_key in COMMANDS.items()
    ]


class ProgramButton(ProgramEntity, ButtonEntity):
    """A command to the program's run; one that does not fit is refused, translated."""

    entity_description: ProgramButtonDescription

    async def async_press(self) -> None:
        command = self.entity_description.command
        if command == "acknowledge":
            self.runtime.async_acknowledge(self.program_id, None, self._context)
        else:
            self.runtime.async_command(self.program_id, command)


# --- the platform ---------------------------------------------------------------------

TABLES = (cooking_entities(CookButton, BUTTONS), program_entities(program_buttons))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons of one entry."""
    await async_setup_tables(entry, async_add_entities, *TABLES)
