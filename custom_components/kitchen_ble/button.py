"""Buttons: an espresso machine's starts, stop and skip; start or end a cook with a
thermometer; a brewing program's commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .brewing import BrewingRuntime
from .cooking import CookingRuntime
from .coordinator import LinkCoordinator
from .entity import (
    CookingEntity,
    KitchenBleEntity,
    KitchenBleEntityDescription,
    ProgramEntity,
    SourceDevice,
    async_setup_tables,
    cooking_entities,
    device_entities,
    program_entities,
    program_naming,
)
from .espresso import (
    START_TARGETS,
    async_skip_to_next,
    async_start,
    async_stop,
    is_espresso_machine,
    skip_available,
    start_refusal,
    starts_available,
)
from .library.brewing.program import Program
from .library.devices.base import Capability, ModelInfo
from .library.espresso.records import Maintenance
from .maintenance import MaintenanceEntity, maintenance_entities
from .models import KitchenBleConfigEntry
from .scale import ScaleMonitor, has_capability, has_command, is_scale, scale_of
from .util import espresso_state

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


# --- an espresso machine ------------------------------------------------------------


def _always(_link: LinkCoordinator) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class EspressoButtonDescription(KitchenBleEntityDescription, ButtonEntityDescription):
    """A command to an espresso machine."""

    press_fn: Callable[[LinkCoordinator], Awaitable[None]]
    available_fn: Callable[[LinkCoordinator], bool] = _always
    start: bool = False  # a start: shows why the machine would refuse it now
    exists_fn: Callable[[ModelInfo], bool] = is_espresso_machine


ESPRESSO_BUTTONS: tuple[EspressoButtonDescription, ...] = (
    *(
        EspressoButtonDescription(
            key=f"start_{what}",
            translation_key=f"start_{what}",
            start=True,
            press_fn=partial(async_start, target=target),
            available_fn=starts_available,
        )
        for what, target in START_TARGETS.items()
    ),
    EspressoButtonDescription(key="stop", translation_key="stop", press_fn=async_stop),
    EspressoButtonDescription(  # firmware 1260 and later (§9.1)
        key="skip_to_next",
        translation_key="skip_to_next",
        press_fn=async_skip_to_next,
        available_fn=skip_available,
    ),
)


class EspressoButton(KitchenBleEntity, ButtonEntity):
    """A command; one the machine refuses or ignores is answered with a translated error.

    A start is unavailable while a group head controller takes the starts (the
    Remote start sensor says so). Asleep or busy it stays available, and
    ``start_blocked`` says why a press would be refused now.
    """

    entity_description: EspressoButtonDescription

    @property
    def available(self) -> bool:
        return super().available and self.entity_description.available_fn(self.coordinator)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        if not self.entity_description.start:
            return None
        return {"start_blocked": start_refusal(espresso_state(self.coordinator))}

    def snapshot(self) -> object:
        return self.extra_state_attributes

    async def async_press(self) -> None:
        await self.entity_description.press_fn(self.coordinator)


# --- an espresso machine's maintenance (maintenance.py) -----------------------------


@dataclass(frozen=True, kw_only=True)
class MaintenanceButtonDescription(ButtonEntityDescription):
    """The maintenance was done: its counters start again."""

    maintenance: Maintenance
    entity_category: EntityCategory | None = EntityCategory.CONFIG


MAINTENANCE_BUTTONS: tuple[MaintenanceButtonDescription, ...] = (
    MaintenanceButtonDescription(
        key="descale_done", translation_key="descale_done", maintenance=Maintenance.DESCALE
    ),
    MaintenanceButtonDescription(
        key="clean_done", translation_key="clean_done", maintenance=Maintenance.CLEAN
    ),
)


class MaintenanceButton(MaintenanceEntity, ButtonEntity):
    entity_description: MaintenanceButtonDescription

    async def async_press(self) -> None:
        self.runtime.async_reset(self.coordinator.address, self.entity_description.maintenance)


# --- a coffee scale ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ScaleButtonDescription(KitchenBleEntityDescription, ButtonEntityDescription):
    """A command to a coffee scale."""

    press_fn: Callable[[ScaleMonitor], Awaitable[None]]
    exists_fn: Callable[[ModelInfo], bool] = is_scale


def _scale_command(
    key: str, command: str, exists_fn: Callable[[ModelInfo], bool] | None = None
) -> ScaleButtonDescription:
    """A button that runs the driver's ``command``; by default it exists where the family has it."""
    return ScaleButtonDescription(
        key=key,
        translation_key=key,
        press_fn=lambda scale: scale.async_command(command),
        exists_fn=exists_fn or has_command(command),
    )


_TIMER = has_capability(Capability.TIMER)

SCALE_BUTTONS: tuple[ScaleButtonDescription, ...] = (
    ScaleButtonDescription(key="tare", translation_key="tare", press_fn=ScaleMonitor.async_tare),
    _scale_command("timer_start", "async_timer_start", _TIMER),
    _scale_command("timer_stop", "async_timer_stop", _TIMER),
    _scale_command("timer_reset", "async_timer_reset", _TIMER),
    _scale_command("tare_and_start_timer", "async_tare_and_start"),  # Bookoo (§5.5)
    _scale_command("toggle_unit", "async_toggle_unit"),  # Felicita (§3.5)
    _scale_command("toggle_precision", "async_toggle_precision"),  # Felicita (§3.5)
    _scale_command("power_off", "async_power_off"),  # Decent Scale (§4.5)
)


class ScaleButton(KitchenBleEntity, ButtonEntity):
    """A command to the scale; a scale that is not connected is answered with an error."""

    entity_description: ScaleButtonDescription

    async def async_press(self) -> None:
        await self.entity_description.press_fn(scale_of(self.coordinator))


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

TABLES = (
    device_entities(EspressoButton, ESPRESSO_BUTTONS),
    maintenance_entities(MaintenanceButton, MAINTENANCE_BUTTONS),
    device_entities(ScaleButton, SCALE_BUTTONS),
    cooking_entities(CookButton, BUTTONS),
    program_entities(program_buttons),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons of one entry."""
    await async_setup_tables(entry, async_add_entities, *TABLES)
