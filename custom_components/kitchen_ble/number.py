"""Numbers: per probe the target, the pre-alert offset, the reminder interval and a range;
an espresso machine's settings, written to the machine and read back, and its maintenance
reminders.

Home Assistant checks a value against the entity's minimum and maximum, but not
against its step, and NaN passes every comparison: those are refused here with
a translated error before anything changes.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import cache

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import (
    EntityCategory,
    UnitOfLength,
    UnitOfMass,
    UnitOfTemperature,
    UnitOfTime,
    UnitOfVolume,
    UnitOfVolumeFlowRate,
)
from homeassistant.core import HomeAssistant, callback
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
    async_read_register_quietly,
    async_write_refill_threshold,
    async_write_register,
    async_write_shot_settings,
    is_espresso_machine,
    register_available,
)
from .library.cooking.targets import (
    MAX_PRE_ALERT_OFFSET,
    MAX_REMINDER_INTERVAL,
    MIN_REMINDER_INTERVAL,
    ProbeTarget,
)
from .library.devices.base import ModelInfo
from .library.devices.de1 import De1State, MmrRegister, ShotSettings, registers
from .library.devices.de1.driver import STEAM_TEMP_MAX, STEAM_TEMP_MIN
from .library.espresso.records import Maintenance
from .library.espresso.records.stats import MAX_SHOTS_THRESHOLD
from .maintenance import THRESHOLD_FIELDS, MaintenanceEntity, maintenance_entities
from .models import KitchenBleConfigEntry
from .runtime import invalid
from .scale import ScaleSettings, is_scale, scale_of, scale_state, settings_of
from .util import espresso_state

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


# --- an espresso machine's shot control ----------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ControlNumberDescription(NumberEntityDescription):
    """A target of the machine's shot control (0: off), kept by Home Assistant."""

    setting: str
    entity_category: EntityCategory | None = EntityCategory.CONFIG
    mode: NumberMode = NumberMode.BOX


CONTROL_NUMBERS = (
    ControlNumberDescription(
        key="target_weight",
        translation_key="target_weight",
        setting="target_weight",
        entity_category=None,
        native_min_value=0.0,
        native_max_value=200.0,
        native_step=0.1,
        device_class=NumberDeviceClass.WEIGHT,
        native_unit_of_measurement=UnitOfMass.GRAMS,
    ),
    ControlNumberDescription(
        key="target_volume",
        translation_key="target_volume",
        setting="target_volume",
        native_min_value=0.0,
        native_max_value=500.0,
        native_step=1.0,
        device_class=NumberDeviceClass.VOLUME,
        native_unit_of_measurement=UnitOfVolume.MILLILITERS,
    ),
    ControlNumberDescription(
        key="time_limit",
        translation_key="time_limit",
        setting="time_limit",
        native_min_value=0.0,
        native_max_value=300.0,
        native_step=1.0,
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
    ),
    ControlNumberDescription(
        key="hot_water_weight",
        translation_key="hot_water_weight",
        setting="hot_water_weight",
        native_min_value=0.0,
        native_max_value=500.0,
        native_step=1.0,
        device_class=NumberDeviceClass.WEIGHT,
        native_unit_of_measurement=UnitOfMass.GRAMS,
    ),
    ControlNumberDescription(
        key="milk_target",
        translation_key="milk_target",
        setting="milk_target",
        native_min_value=20.0,
        native_max_value=90.0,
        native_step=1.0,
        device_class=NumberDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
    ),
)


class ControlNumber(ControlEntity, NumberEntity):
    """A shot-control target; Target weight and volume show the profile's until changed."""

    entity_description: ControlNumberDescription
    always_available = True  # kept here, not on the machine

    @property
    def native_value(self) -> float:
        setting = self.entity_description.setting
        weight, volume = self.runtime.targets(self.coordinator)
        targets = {"target_weight": weight, "target_volume": volume}
        if setting in targets:
            return round(targets[setting], 1)
        return float(getattr(self.runtime.settings(self.coordinator), setting))

    def snapshot(self) -> object:
        return self.native_value

    async def async_set_native_value(self, value: float) -> None:
        low, high = self.native_min_value, self.native_max_value
        if not (math.isfinite(value) and low <= value <= high):  # NaN passes Home Assistant
            raise invalid(
                "number_out_of_range", value=f"{value:g}", min=f"{low:g}", max=f"{high:g}"
            )
        self.runtime.async_change(self.coordinator, **{self.entity_description.setting: value})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the probe settings of a thermometer, the settings of an espresso machine."""
    await async_setup_tables(
        entry,
        async_add_entities,
        probe_entities(ProbeNumber, descriptions),
        device_entities(EspressoNumber, ESPRESSO_NUMBERS),
        maintenance_entities(MaintenanceNumber, MAINTENANCE_NUMBERS),
        device_entities(ScaleNumber, SCALE_NUMBERS),
        control_entities(ControlNumber, CONTROL_NUMBERS),
    )


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


# --- an espresso machine ------------------------------------------------------------


def _always(_link: LinkCoordinator) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class EspressoNumberDescription(KitchenBleEntityDescription, NumberEntityDescription):
    """A setting of an espresso machine: where it is read, how it is written."""

    value_fn: Callable[[De1State], float | None]
    write_fn: Callable[[LinkCoordinator, float], Awaitable[None]]
    available_fn: Callable[[LinkCoordinator], bool] = _always
    # An MMR register the driver does not read on connecting: read here once per link.
    fetch: MmrRegister | None = None
    # The firmware's own cap, where it has one (the flow calibration's, §7.2).
    max_fn: Callable[[De1State], float | None] | None = None
    exists_fn: Callable[[ModelInfo], bool] = is_espresso_machine
    entity_category: EntityCategory | None = EntityCategory.CONFIG
    mode: NumberMode = NumberMode.BOX


def _shot_value(field: str) -> Callable[[De1State], float | None]:
    def value(state: De1State) -> float | None:
        settings: ShotSettings | None = state.shot_settings
        return None if settings is None else float(getattr(settings, field))

    return value


# The kind of a setting: its device class and unit.
type Kind = tuple[NumberDeviceClass | None, str | None]
CELSIUS: Kind = (NumberDeviceClass.TEMPERATURE, UnitOfTemperature.CELSIUS)
SECONDS: Kind = (NumberDeviceClass.DURATION, UnitOfTime.SECONDS)
FLOW: Kind = (NumberDeviceClass.VOLUME_FLOW_RATE, UnitOfVolumeFlowRate.MILLILITERS_PER_SECOND)
MILLILITRES: Kind = (NumberDeviceClass.VOLUME, UnitOfVolume.MILLILITERS)
MULTIPLIER: Kind = (None, None)


def _shot_setting(
    key: str, field: str, kind: Kind, minimum: float, maximum: float
) -> EspressoNumberDescription:
    """A ShotSettings field (§6.1): whole units in one byte."""
    return EspressoNumberDescription(
        key=key,
        translation_key=key,
        device_class=kind[0],
        native_unit_of_measurement=kind[1],
        native_min_value=minimum,
        native_max_value=maximum,
        native_step=1,
        value_fn=_shot_value(field),
        write_fn=lambda link, value: async_write_shot_settings(link, field, round(value)),
    )


def _register_setting(
    key: str,
    register: MmrRegister,
    kind: Kind,
    minimum: float,
    maximum: float,
    step: float,
    *,
    fetch: bool = False,
    max_fn: Callable[[De1State], float | None] | None = None,
    enabled: bool = True,
) -> EspressoNumberDescription:
    """An MMR register (§7.2), where the machine's firmware has it."""
    return EspressoNumberDescription(
        key=key,
        translation_key=key,
        device_class=kind[0],
        native_unit_of_measurement=kind[1],
        native_min_value=minimum,
        native_max_value=maximum,
        native_step=step,
        entity_registry_enabled_default=enabled,
        value_fn=lambda state: state.register(register),
        write_fn=lambda link, value: async_write_register(link, register, value),
        available_fn=register_available(register),
        fetch=register if fetch else None,
        max_fn=max_fn,
    )


def _flow_calibration_cap(state: De1State) -> float | None:
    features = state.features
    return None if features is None else features.flow_calibration_max


ESPRESSO_NUMBERS: tuple[EspressoNumberDescription, ...] = (
    # 0 switches the steam heater off; else pyDE1's 135-160 °C (§6.1)
    _shot_setting("steam_temperature", "target_steam_temp", CELSIUS, 0, STEAM_TEMP_MAX),
    # the DE1 stops steam after it; 0 would end steam at once (§6.1)
    _shot_setting("steam_time", "target_steam_length", SECONDS, 1, 255),
    _register_setting("steam_flow", registers.TARGET_STEAM_FLOW, FLOW, 0.4, 2.5, 0.05),
    _shot_setting("hot_water_temperature", "target_hot_water_temp", CELSIUS, 20, 100),
    _shot_setting("hot_water_volume", "target_hot_water_volume", MILLILITRES, 1, 255),
    _shot_setting("hot_water_time", "target_hot_water_length", SECONDS, 1, 255),
    # the DE1 times a flush itself from firmware 1283 (§6.2)
    _register_setting("flush_time", registers.FLUSH_TIMEOUT, SECONDS, 1, 60, 0.5),
    _register_setting("flush_flow", registers.FLUSH_FLOW_RATE, FLOW, 1, 10, 0.1),
    _register_setting("flush_temperature", registers.FLUSH_TEMP, CELSIUS, 20, 100, 0.5),
    _register_setting("fan_threshold", registers.FAN_THRESHOLD, CELSIUS, 0, 60, 1, fetch=True),
    # a multiplier of the machine's flow estimate: off by default, a wrong one spoils shots
    _register_setting(
        "flow_calibration",
        registers.CAL_FLOW_EST,
        MULTIPLIER,
        0.13,
        3.0,
        0.01,
        fetch=True,
        max_fn=_flow_calibration_cap,
        enabled=False,
    ),
    EspressoNumberDescription(
        key="refill_threshold",
        translation_key="refill_threshold",
        device_class=NumberDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.MILLIMETERS,
        native_min_value=0,
        native_max_value=50,
        native_step=0.5,
        value_fn=lambda state: state.refill_threshold_mm,
        write_fn=async_write_refill_threshold,
    ),
)


class EspressoNumber(KitchenBleEntity, NumberEntity):
    """A setting of the machine; it shows what the machine reports back after a write."""

    entity_description: EspressoNumberDescription

    def __init__(
        self, coordinator: LinkCoordinator, description: EspressoNumberDescription
    ) -> None:
        super().__init__(coordinator, description)
        self._fetched_for = 0  # the link (its connect count) the register was asked of

    @property
    def available(self) -> bool:
        return super().available and self.entity_description.available_fn(self.coordinator)

    @property
    def native_value(self) -> float | None:
        return self.entity_description.value_fn(espresso_state(self.coordinator))

    @property
    def native_max_value(self) -> float:
        description = self.entity_description
        cap = (
            None
            if description.max_fn is None
            else description.max_fn(espresso_state(self.coordinator))
        )
        return cap if cap is not None else (description.native_max_value or 0.0)

    def snapshot(self) -> object:
        return (self.native_value, self.native_max_value)

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        if self.entity_description.fetch is not None:
            self.async_on_remove(self.coordinator.async_add_listener(self._async_fetch))

    @callback
    def _async_fetch(self) -> None:
        """Read the register once per link, as soon as the firmware says it has it."""
        link, register = self.coordinator, self.entity_description.fetch
        assert register is not None  # only listened for with a register
        if (
            link.connected
            and self._fetched_for != link.connect_count
            and self.entity_description.available_fn(link)
        ):
            self._fetched_for = link.connect_count
            link.entry.async_create_background_task(
                self.hass, async_read_register_quietly(link, register), f"read {register.name}"
            )

    async def async_set_native_value(self, value: float) -> None:
        low, high = self.native_min_value, self.native_max_value
        if not (math.isfinite(value) and low <= value <= high):
            raise invalid(
                "number_out_of_range", value=f"{value:g}", min=f"{low:g}", max=f"{high:g}"
            )
        if self.entity_description.key == "steam_temperature" and 0 < value < STEAM_TEMP_MIN:
            raise invalid(
                "steam_temperature_invalid",
                value=f"{value:g}",
                min=f"{STEAM_TEMP_MIN:g}",
                max=f"{high:g}",
            )
        await self.entity_description.write_fn(self.coordinator, value)


# --- an espresso machine's maintenance reminders (maintenance.py) -------------------


@dataclass(frozen=True, kw_only=True)
class MaintenanceNumberDescription(NumberEntityDescription):
    """Espressos until the maintenance's repair issue; 0 turns the reminder off."""

    maintenance: Maintenance
    entity_category: EntityCategory | None = EntityCategory.CONFIG
    mode: NumberMode = NumberMode.BOX
    native_min_value: float = 0
    native_max_value: float = MAX_SHOTS_THRESHOLD
    native_step: float = 1


MAINTENANCE_NUMBERS: tuple[MaintenanceNumberDescription, ...] = (
    MaintenanceNumberDescription(
        key="descale_reminder",
        translation_key="descale_reminder",
        maintenance=Maintenance.DESCALE,
    ),
    MaintenanceNumberDescription(
        key="clean_reminder", translation_key="clean_reminder", maintenance=Maintenance.CLEAN
    ),
)


class MaintenanceNumber(MaintenanceEntity, NumberEntity):
    entity_description: MaintenanceNumberDescription

    @property
    def native_value(self) -> float:
        field = THRESHOLD_FIELDS[self.entity_description.maintenance]
        return float(getattr(self.thresholds, field))

    def snapshot(self) -> object:
        return self.native_value

    async def async_set_native_value(self, value: float) -> None:
        low, high = self.native_min_value, self.native_max_value
        if not (math.isfinite(value) and low <= value <= high and value.is_integer()):
            raise invalid(
                "whole_number_out_of_range", value=f"{value:g}", min=f"{low:g}", max=f"{high:g}"
            )
        maintenance = self.entity_description.maintenance
        self.runtime.async_set_threshold(self.coordinator.address, maintenance, int(value))


# --- a coffee scale ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ScaleNumberDescription(KitchenBleEntityDescription, NumberEntityDescription):
    """A whole-number setting of a scale, from ``low`` to ``high`` of its family's."""

    bounds_fn: Callable[[ScaleSettings], tuple[int, int] | None]
    value_fn: Callable[[LinkCoordinator], float | None]
    command: str  # the driver's method that writes it


def _bounds_exist(bounds: Callable[[ScaleSettings], tuple[int, int] | None]):  # type: ignore[no-untyped-def]
    return lambda model: is_scale(model) and bounds(settings_of(model)) is not None


def _auto_off_range(settings: ScaleSettings) -> tuple[int, int] | None:
    return settings.auto_off_range


def _beep_levels(settings: ScaleSettings) -> tuple[int, int] | None:
    return (0, settings.beep_levels) if settings.beep_levels > 1 else None


# A Bookoo takes 5-30 minutes and a buzzer level 0-5 (scales.md §5.5); the next
# frame confirms what it kept (§5.4).
SCALE_NUMBERS: tuple[ScaleNumberDescription, ...] = (
    ScaleNumberDescription(
        key="auto_off",
        translation_key="auto_off",
        entity_category=EntityCategory.CONFIG,
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        native_step=1,
        bounds_fn=_auto_off_range,
        value_fn=lambda link: scale_state(link).auto_off,
        command="async_set_auto_off",
        exists_fn=_bounds_exist(_auto_off_range),
    ),
    ScaleNumberDescription(
        key="beep_level",
        translation_key="beep_level",
        entity_category=EntityCategory.CONFIG,
        native_step=1,
        bounds_fn=_beep_levels,
        value_fn=lambda link: scale_state(link).beep,
        command="async_set_beep",
        exists_fn=_bounds_exist(_beep_levels),
    ),
)


class ScaleNumber(KitchenBleEntity, NumberEntity):
    """A setting written to the scale; it shows what the scale reports back."""

    entity_description: ScaleNumberDescription

    def __init__(self, coordinator: LinkCoordinator, description: ScaleNumberDescription) -> None:
        super().__init__(coordinator, description)
        bounds = description.bounds_fn(settings_of(coordinator.model))
        assert bounds is not None  # only made where the family has them
        self._attr_native_min_value, self._attr_native_max_value = bounds

    @property
    def native_value(self) -> float | None:
        return self.entity_description.value_fn(self.coordinator)

    def snapshot(self) -> object:
        return self.native_value

    async def async_set_native_value(self, value: float) -> None:
        low, high = self.native_min_value, self.native_max_value
        if not (math.isfinite(value) and low <= value <= high and value.is_integer()):
            raise invalid(
                "whole_number_out_of_range", value=f"{value:g}", min=f"{low:g}", max=f"{high:g}"
            )
        await scale_of(self.coordinator).async_command(self.entity_description.command, int(value))
