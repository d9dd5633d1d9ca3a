"""Select: per probe a doneness preset that sets the target ("custom" keeps it); an espresso
machine's steam purge mode and profile; a coffee scale's auto-off."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .control import AUTO, NO_PROBE, ControlEntity, control_entities
from .coordinator import LinkCoordinator
from .entity import (
    CookingEntity,
    KitchenBleEntity,
    KitchenBleEntityDescription,
    async_setup_tables,
    device_entities,
    probe_entities,
    probe_setting,
)
from .espresso import async_write_register, is_espresso_machine, register_available
from .library.cooking.presets import PRESET_IDS
from .library.devices.acaia.codec import AUTO_OFF_MINUTES as ACAIA_AUTO_OFF
from .library.devices.de1 import registers
from .models import KitchenBleConfigEntry
from .profiles import get_profiles
from .scale import scale_of, scale_state, settings_of
from .util import espresso_state

PARALLEL_UPDATES = 0


@cache  # one per probe number, shared by every device (descriptions are frozen)
def descriptions(n: int) -> tuple[SelectEntityDescription, ...]:
    return (SelectEntityDescription(**probe_setting(n, "preset"), options=list(PRESET_IDS)),)


# --- an espresso machine ------------------------------------------------------------

# STEAM_PURGE_MODE (firmware 1320 and later): 0 one tap on Stop ends steam; 1 the
# first tap puffs and the second purges (de1.md §7.2). The option's index is the value.
PURGE_MODES = ["one_tap", "two_taps"]


@dataclass(frozen=True, kw_only=True)
class KitchenBleSelectDescription(KitchenBleEntityDescription, SelectEntityDescription):
    """A select of a device's link."""


STEAM_PURGE_MODE = KitchenBleSelectDescription(
    key="steam_purge_mode",
    translation_key="steam_purge_mode",
    entity_category=EntityCategory.CONFIG,
    options=PURGE_MODES,
    exists_fn=is_espresso_machine,
)


class SteamPurgeModeSelect(KitchenBleEntity, SelectEntity):
    """How Stop ends steam; written to the machine and read back."""

    _available = staticmethod(register_available(registers.STEAM_PURGE_MODE))

    @property
    def available(self) -> bool:
        return super().available and self._available(self.coordinator)

    @property
    def current_option(self) -> str | None:
        value = espresso_state(self.coordinator).register(registers.STEAM_PURGE_MODE)
        return PURGE_MODES[int(value)] if value in (0, 1) else None

    def snapshot(self) -> object:
        return self.current_option

    async def async_select_option(self, option: str) -> None:
        value = PURGE_MODES.index(option)  # Home Assistant lets only the options through
        await async_write_register(self.coordinator, registers.STEAM_PURGE_MODE, value)


PROFILE = KitchenBleSelectDescription(
    key="profile", translation_key="profile", exists_fn=is_espresso_machine
)


class ProfileSelect(KitchenBleEntity, SelectEntity):
    """The profile library's titles; choosing one writes it. Unknown unless vouched for."""

    def __init__(self, coordinator: LinkCoordinator, description: KitchenBleSelectDescription):
        super().__init__(coordinator, description)
        self.runtime = get_profiles(coordinator.hass)

    @property
    def options(self) -> list[str]:
        return self.runtime.titles()

    @property
    def current_option(self) -> str | None:
        held = self.runtime.held(self.coordinator)
        return None if held is None else held.title

    def snapshot(self) -> object:
        return (self.current_option, tuple(self.options))

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        unsubs = (super()._async_listen(update), self.runtime.async_add_listener(update))

        @callback
        def remove() -> None:
            for unsub in unsubs:
                unsub()

        return remove

    async def async_select_option(self, option: str) -> None:
        await self.runtime.async_choose(self.coordinator, option)


# --- a coffee scale ------------------------------------------------------------------

NEVER = "never"  # auto-off 0: the scale stays on


def _auto_off_options(minutes: tuple[int, ...]) -> list[str]:
    return [NEVER if value == 0 else str(value) for value in minutes]


# An Acaia takes 0 (never), 5, 10, 20, 30 or 60 minutes (scales.md §2.4, §2.5); the
# only family with a fixed set of them.
SCALE_AUTO_OFF = KitchenBleSelectDescription(
    key="auto_off",
    translation_key="auto_off",
    entity_category=EntityCategory.CONFIG,
    options=_auto_off_options(ACAIA_AUTO_OFF),
    exists_fn=lambda model: settings_of(model).auto_off_choices == ACAIA_AUTO_OFF,
)


class ScaleAutoOffSelect(KitchenBleEntity, SelectEntity):
    """Minutes without use after which the scale switches itself off; as it reports them."""

    @property
    def current_option(self) -> str | None:
        minutes = scale_state(self.coordinator).auto_off
        if minutes is None:
            return None
        option = NEVER if minutes == 0 else f"{minutes:g}"
        return option if option in self.options else None

    def snapshot(self) -> object:
        return self.current_option

    async def async_select_option(self, option: str) -> None:
        minutes = 0 if option == NEVER else int(option)  # only the options get through
        await scale_of(self.coordinator).async_command("async_set_auto_off", minutes)


# --- an espresso machine's shot control ----------------------------------------------

# The options named here are the fixed ones; the entities add every scale or probe.
SHOT_SCALE = SelectEntityDescription(
    key="shot_scale",
    translation_key="shot_scale",
    entity_category=EntityCategory.CONFIG,
    options=[AUTO],
)
MILK_THERMOMETER = SelectEntityDescription(
    key="milk_thermometer",
    translation_key="milk_thermometer",
    entity_category=EntityCategory.CONFIG,
    options=[NO_PROBE],
)


class ShotScaleSelect(ControlEntity, SelectEntity):
    """The scale the machine stops by: a configured one, or whichever is connected."""

    always_available = True  # a choice kept here, not on the machine

    @property
    def options(self) -> list[str]:
        return list(self.runtime.scale_options())

    @property
    def current_option(self) -> str | None:
        return self.runtime.scale_option(self.coordinator)

    def snapshot(self) -> object:
        return (self.current_option, tuple(self.options))

    async def async_select_option(self, option: str) -> None:
        self.runtime.async_change(self.coordinator, scale=self.runtime.scale_options()[option])


class MilkThermometerSelect(ControlEntity, SelectEntity):
    """The probe in the milk pitcher: steam stops when the milk will reach its target."""

    always_available = True

    @property
    def options(self) -> list[str]:
        return list(self.runtime.probe_options())

    @property
    def current_option(self) -> str | None:
        return self.runtime.probe_option(self.coordinator)

    def snapshot(self) -> object:
        return (self.current_option, tuple(self.options))

    async def async_select_option(self, option: str) -> None:
        probe = self.runtime.probe_options()[option]
        self.runtime.async_change(self.coordinator, milk_probe=None if probe == NO_PROBE else probe)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the preset select of every probe of a thermometer; an espresso machine's selects."""
    await async_setup_tables(
        entry,
        async_add_entities,
        probe_entities(PresetSelect, descriptions),
        device_entities(SteamPurgeModeSelect, [STEAM_PURGE_MODE]),
        device_entities(ProfileSelect, [PROFILE]),
        device_entities(ScaleAutoOffSelect, [SCALE_AUTO_OFF]),
        control_entities(ShotScaleSelect, (SHOT_SCALE,)),
        control_entities(MilkThermometerSelect, (MILK_THERMOMETER,)),
    )


class PresetSelect(CookingEntity, SelectEntity):
    """Choosing a preset sets the target; setting the target by hand shows "custom"."""

    @property
    def current_option(self) -> str:
        return self.probe.setting.preset

    def snapshot(self) -> object:
        return self.current_option

    async def async_select_option(self, option: str) -> None:
        self.runtime.async_change_probe(self.key, self.number, lambda t: t.with_preset(option))
