"""Numbers: per probe the target, the pre-alert offset, the reminder interval and a range.

Home Assistant checks a value against the entity's minimum and maximum, but not
against its step, and NaN passes every comparison: those are refused here with
a translated error before anything changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import UnitOfTemperature, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import CookingEntity, async_setup_tables, probe_entities, probe_setting
from .library.cooking.targets import (
    MAX_PRE_ALERT_OFFSET,
    MAX_REMINDER_INTERVAL,
    MIN_REMINDER_INTERVAL,
    ProbeTarget,
)
from .models import KitchenBleConfigEntry
from .runtime import invalid

PARALLEL_UPDATES = 0

MAX_TARGET = 300.0  # °C; more than any food needs
MAX_RANGE = 400.0  # °C; a pizza oven's chamber
MIN_REMINDER_MINUTES = round(MIN_REMINDER_INTERVAL / 60)
MAX_REMINDER_MINUTES = round(MAX_REMINDER_INTERVAL / 60)
FAHRENHEIT_PER_KELVIN = 1.8


@dataclass(frozen=True, kw_only=True)
class ProbeNumberDescription(NumberEntityDescription):
    """How one probe setting reads and changes (native: °C, minutes)."""

    value_fn: Callable[[ProbeTarget], float | None]
    change_fn: Callable[[ProbeTarget, float], ProbeTarget]
    # A temperature difference: shown in the user's unit, stored as a °C delta.
    # (Home Assistant converts absolute temperatures only.)
    delta: bool = False
    # 0 (off) or whole steps from one step up: a part of a minute is no reminder interval
    off_or_whole: bool = False


def _off_at_zero(value: float) -> float | None:
    """The minimum (0 °C, 32 °F) turns a target or range bound off."""
    return None if value <= 0 else value


def _temperature(
    n: int,
    kind: str,
    maximum: float,
    value_fn: Callable[[ProbeTarget], float | None],
    change_fn: Callable[[ProbeTarget, float], ProbeTarget],
    *,
    enabled: bool = False,
) -> ProbeNumberDescription:
    return ProbeNumberDescription(
        **probe_setting(n, kind),
        device_class=NumberDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        native_min_value=0,
        native_max_value=maximum,
        native_step=0.5,
        mode=NumberMode.BOX,
        entity_registry_enabled_default=enabled,
        value_fn=value_fn,
        change_fn=change_fn,
    )


@cache  # one set per probe number, shared by every device (descriptions are frozen)
def descriptions(n: int) -> tuple[ProbeNumberDescription, ...]:
    """The numbers of probe ``n``; only the target is enabled by default."""
    return (
        _temperature(
            n,
            "target",
            MAX_TARGET,
            lambda t: t.target,
            lambda t, v: t.with_target(_off_at_zero(v)),
            enabled=True,
        ),
        ProbeNumberDescription(
            **probe_setting(n, "pre_alert"),
            native_min_value=0,
            native_max_value=MAX_PRE_ALERT_OFFSET,
            native_step=1,
            mode=NumberMode.BOX,
            entity_registry_enabled_default=False,
            delta=True,
            value_fn=lambda t: t.pre_alert_offset,
            change_fn=lambda t, v: replace(t, pre_alert_offset=v),
        ),
        ProbeNumberDescription(
            **probe_setting(n, "reminder"),
            device_class=NumberDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.MINUTES,
            native_min_value=0,
            native_max_value=MAX_REMINDER_MINUTES,
            native_step=MIN_REMINDER_MINUTES,
            mode=NumberMode.BOX,
            entity_registry_enabled_default=False,
            off_or_whole=True,
            value_fn=lambda t: t.reminder_interval / 60,
            change_fn=lambda t, v: replace(t, reminder_interval=v * 60),
        ),
        _temperature(
            n,
            "range_min",
            MAX_RANGE,
            lambda t: t.range_min,
            lambda t, v: replace(t, range_min=_off_at_zero(v)),
        ),
        _temperature(
            n,
            "range_max",
            MAX_RANGE,
            lambda t: t.range_max,
            lambda t, v: replace(t, range_max=_off_at_zero(v)),
        ),
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the probe settings of one thermometer."""
    await async_setup_tables(entry, async_add_entities, probe_entities(ProbeNumber, descriptions))


class ProbeNumber(CookingEntity, NumberEntity):
    """One probe setting; a change goes through the cooking runtime."""

    entity_description: ProbeNumberDescription

    @property
    def _scale(self) -> float:
        fahrenheit = self.hass.config.units.temperature_unit == UnitOfTemperature.FAHRENHEIT
        return FAHRENHEIT_PER_KELVIN if self.entity_description.delta and fahrenheit else 1.0

    @property
    def native_value(self) -> float | None:
        value = self.entity_description.value_fn(self.probe.setting)
        return None if value is None else round(value * self._scale, 1)

    @property
    def native_max_value(self) -> float:
        return (self.entity_description.native_max_value or 0.0) * self._scale

    @property
    def native_unit_of_measurement(self) -> str | None:
        if self.entity_description.delta:
            return self.hass.config.units.temperature_unit
        return self.entity_description.native_unit_of_measurement

    def snapshot(self) -> object:
        return (self.native_value, self.native_unit_of_measurement)

    async def async_set_native_value(self, value: float) -> None:
        self._check(value)
        native = value / self._scale
        change = self.entity_description.change_fn
        self.runtime.async_change_probe(self.key, self.number, lambda t: change(t, native))

    def _check(self, value: float) -> None:
        """Refuse what Home Assistant lets through: NaN, and a part of a reminder step."""
        low, high = self.native_min_value, self.native_max_value
        if self.entity_description.off_or_whole:
            step = self.entity_description.native_step or 1.0
            if value != 0 and not (step <= value <= high and (value / step).is_integer()):
                raise invalid("reminder_out_of_range", value=f"{value:g}", max=f"{high:g}")
        elif not (math.isfinite(value) and low <= value <= high):
            raise invalid(
                "number_out_of_range", value=f"{value:g}", min=f"{low:g}", max=f"{high:g}"
            )
