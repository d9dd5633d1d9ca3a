"""BlueDOT binary sensors: the probe plugged in, the device's alarm and its two switches.

Everything comes from the device's update packet (fact sheet §2.4): unknown
until the first packet, unavailable while the device is gone. The probe
temperature is the ordinary probe sensor, and the device's high alarm is the
probe's target (``bluedot_alarm.py``). ``binary_sensor.py`` adds these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .compat import BinarySensorDeviceClass
from .coordinator import KitchenBleCoordinator
from .devices.bluedot import BlueDotDriver
from .entity import KitchenBleEntity


@dataclass(frozen=True, kw_only=True)
class BlueDotBinarySensorDescription(BinarySensorEntityDescription):
    """How to read one flag of the last update packet."""

    value_fn: Callable[[BlueDotDriver], bool | None]


DESCRIPTIONS = (
    BlueDotBinarySensorDescription(
        key="probe_connected",
        translation_key="probe_connected",
        device_class=BinarySensorDeviceClass.PLUG,
        value_fn=lambda d: d.probe_connected,
    ),
    BlueDotBinarySensorDescription(
        key="alarm",
        translation_key="alarm",
        device_class=BinarySensorDeviceClass.SOUND,
        value_fn=lambda d: None if d.alarm is None else d.alarm.active,
    ),
    BlueDotBinarySensorDescription(
        key="alarm_silenced",
        translation_key="alarm_silenced",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda d: None if d.alarm is None else d.alarm.silenced,
    ),
    BlueDotBinarySensorDescription(
        key="alarm_disabled",
        translation_key="alarm_disabled",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda d: None if d.alarm is None else d.alarm.disabled,
    ),
)


def binary_sensors(coordinator: KitchenBleCoordinator) -> list[KitchenBleEntity]:
    """The BlueDOT's binary sensors; none for any other device."""
    if not isinstance(coordinator.driver, BlueDotDriver):
        return []
    return [BlueDotBinarySensor(coordinator, description) for description in DESCRIPTIONS]


class BlueDotBinarySensor(KitchenBleEntity, BinarySensorEntity):
    """One flag of the BlueDOT's last update packet."""

    entity_description: BlueDotBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        driver = self.coordinator.driver
        assert isinstance(driver, BlueDotDriver)
        return self.entity_description.value_fn(driver)

    def snapshot(self) -> object:
        return self.is_on
