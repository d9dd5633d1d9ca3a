"""Switches: hold the device (or release it for the vendor's app); per probe the range alarm."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import (
    CookingEntity,
    KitchenBleEntity,
    KitchenBleEntityDescription,
    async_setup_tables,
    device_entities,
    probe_entities,
    probe_setting,
)
from .models import KitchenBleConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class KitchenBleSwitchDescription(KitchenBleEntityDescription, SwitchEntityDescription):
    """A switch of the device's link."""


HOLD_CONNECTION = KitchenBleSwitchDescription(
    key="hold_connection",
    translation_key="hold_connection",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the connection switch of one device, and the range alarms of a thermometer."""
    await async_setup_tables(
        entry,
        async_add_entities,
        device_entities(HoldConnectionSwitch, [HOLD_CONNECTION]),
        probe_entities(RangeAlarmSwitch, range_alarm),
    )


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
