"""Switches: hold the device (or release it for the vendor's app); an espresso machine's
power and USB charging; a coffee scale's beep; per probe the range alarm."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .control import ControlEntity, control_entities
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
from .espresso import (
    async_set_power,
    async_set_usb_charging,
    is_awake,
    is_espresso_machine,
    register_available,
)
from .library.devices.base import ModelInfo
from .library.devices.de1 import registers
from .models import KitchenBleConfigEntry
from .scale import is_scale, scale_of, scale_state, settings_of
from .util import espresso_state

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class KitchenBleSwitchDescription(KitchenBleEntityDescription, SwitchEntityDescription):
    """A switch of the device's link."""


HOLD_CONNECTION = KitchenBleSwitchDescription(
    key="hold_connection",
    translation_key="hold_connection",
    entity_category=EntityCategory.CONFIG,
)


# --- an espresso machine ------------------------------------------------------------


def _always(_link: LinkCoordinator) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class EspressoSwitchDescription(KitchenBleEntityDescription, SwitchEntityDescription):
    """A switch of an espresso machine: what it reads, what it does, when it can."""

    is_on_fn: Callable[[LinkCoordinator], bool | None]
    turn_fn: Callable[[LinkCoordinator, bool], Awaitable[None]]
    available_fn: Callable[[LinkCoordinator], bool] = _always
    exists_fn: Callable[[ModelInfo], bool] = is_espresso_machine


def _usb_charging(link: LinkCoordinator) -> bool | None:
    value = espresso_state(link).register(registers.ALLOW_USB_CHARGING)
    return None if value is None else bool(value)


ESPRESSO_SWITCHES: tuple[EspressoSwitchDescription, ...] = (
    # On: awake (Idle, heating or working); off: asleep. Off stops what runs first.
    EspressoSwitchDescription(
        key="power",
        translation_key="power",
        is_on_fn=is_awake,
        turn_fn=async_set_power,
    ),
    # The USB outlet that charges the tablet (firmware 1320 and later).
    EspressoSwitchDescription(
        key="usb_charging",
        translation_key="usb_charging",
        entity_category=EntityCategory.CONFIG,
        is_on_fn=_usb_charging,
        turn_fn=async_set_usb_charging,
        available_fn=register_available(registers.ALLOW_USB_CHARGING),
    ),
)


class EspressoSwitch(KitchenBleEntity, SwitchEntity):
    """A switch written to the machine; it shows what the machine reports back."""

    entity_description: EspressoSwitchDescription

    @property
    def available(self) -> bool:
        return super().available and self.entity_description.available_fn(self.coordinator)

    @property
    def is_on(self) -> bool | None:
        return self.entity_description.is_on_fn(self.coordinator)

    def snapshot(self) -> object:
        return self.is_on

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self.entity_description.turn_fn(self.coordinator, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.entity_description.turn_fn(self.coordinator, False)


# --- an espresso machine's shot control ----------------------------------------------

CONTROL_SWITCHES = (
    # Tare the scale as a shot begins (off: tare it by hand; a scale not at zero then
    # means the shot stops by volume).
    SwitchEntityDescription(
        key="auto_tare", translation_key="auto_tare", entity_category=EntityCategory.CONFIG
    ),
    # Refuse to start an espresso without a paired, connected scale.
    SwitchEntityDescription(
        key="scale_required",
        translation_key="scale_required",
        entity_category=EntityCategory.CONFIG,
    ),
)


class ControlSwitch(ControlEntity, SwitchEntity):
    """A shot-control option, kept by Home Assistant."""

    always_available = True

    @property
    def is_on(self) -> bool:
        return bool(getattr(self.runtime.settings(self.coordinator), self.entity_description.key))

    def snapshot(self) -> object:
        return self.is_on

    async def async_turn_on(self, **kwargs: Any) -> None:
        self.runtime.async_change(self.coordinator, **{self.entity_description.key: True})

    async def async_turn_off(self, **kwargs: Any) -> None:
        self.runtime.async_change(self.coordinator, **{self.entity_description.key: False})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the connection switch of one device, an espresso machine's switches, and the range
    alarms of a thermometer."""
    await async_setup_tables(
        entry,
        async_add_entities,
        device_entities(HoldConnectionSwitch, [HOLD_CONNECTION]),
        device_entities(EspressoSwitch, ESPRESSO_SWITCHES),
        device_entities(ScaleBeepSwitch, [SCALE_BEEP]),
        probe_entities(RangeAlarmSwitch, range_alarm),
        control_entities(ControlSwitch, CONTROL_SWITCHES),
    )


# --- a coffee scale ------------------------------------------------------------------

# An Acaia's key beeps: on or off (scales.md §2.4, §2.5).
SCALE_BEEP = KitchenBleSwitchDescription(
    key="beep",
    translation_key="beep",
    entity_category=EntityCategory.CONFIG,
    exists_fn=lambda model: is_scale(model) and settings_of(model).beep_levels == 1,
)


class ScaleBeepSwitch(KitchenBleEntity, SwitchEntity):
    """The scale's beeps; it shows what the scale reports back."""

    @property
    def is_on(self) -> bool | None:
        beep = scale_state(self.coordinator).beep
        return None if beep is None else beep > 0

    def snapshot(self) -> object:
        return self.is_on

    async def async_turn_on(self, **kwargs: Any) -> None:
        await scale_of(self.coordinator).async_command("async_set_beep", True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await scale_of(self.coordinator).async_command("async_set_beep", False)


@cache  # one per probe number, shared by every device (descriptions are frozen)
def range_alarm(n: int) -> tuple[SwitchEntityDescription, ...]:
    """Alerts when probe ``n`` leaves its range (a chamber probe); off and hidden by default."""
    return (
        SwitchEntityDescription(
            **probe_setting(n, "range_alarm"), entity_registry_enabled_default=False
        ),
    )


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


class RangeAlarmSwitch(CookingEntity, SwitchEntity):
    """On: alert when the probe leaves the range set by its range minimum and maximum."""

    @property
    def is_on(self) -> bool:
        return self.probe.range_alarm

    def snapshot(self) -> object:
        return self.is_on

    async def async_turn_on(self, **kwargs: Any) -> None:
        self.runtime.async_change_probe(self.key, self.number, lambda t: t, range_alarm=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        self.runtime.async_change_probe(self.key, self.number, lambda t: t, range_alarm=False)
