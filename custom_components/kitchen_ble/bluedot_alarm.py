"""The BlueDOT's own high alarm is its probe's target, both ways.

Writing is what every device with alarms gets: the cooking runtime writes the
target through ``coordinator.async_set_probe_alarm`` when it changes and on
every (re)connection (None, no target, goes out as 255, the highest value the
device takes, and so does a target above 255 in the device's unit: the device
then sounds as late as it can, and the target stays what the user set).

Reading is the BlueDOT's own: every packet carries the device's high alarm.
When it changes to a value the integration did not write (the device's
buttons, the vendor's app), the value becomes the probe's target through the
runtime's ``async_change_probe``, which writes it back once: the value the
device already has. Nothing loops, because only a *change* of the reported
(value, unit) is looked at, and these rules run in order:

1. one of the coordinator's writes on this link (``alarm_writes``, as the
   driver caps them): its confirmation; it and the older ones are forgotten;
2. the value the current target maps to (255 without a target or above 255):
   in agreement;
3. the first report after a (re)connection, or the first in a new display
   unit, while the probe has a target: the runtime is rewriting that target
   (the integration wins after a reconnect, as for every device with alarms,
   and alarms are rewritten in a new unit), so the device's old or converted
   value is not taken (a capped 255 °F converts to 124 °C, not the target);
4. anything else is adopted: 255 or more means no target, otherwise the
   value in °C to 0.1 (which maps back to the same device value).
"""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from .cooking_runtime import get_runtime
from .coordinator import KitchenBleCoordinator
from .devices.bluedot import BlueDotAlarm, BlueDotDriver
from .devices.bluedot.codec import HIGH_ALARM_MAX, high_alarm_value
from .devices.thermometer import TemperatureUnit, to_celsius, to_device_unit

_LOGGER = logging.getLogger(__name__)

PROBE: Final = 1  # the BlueDOT's only probe
NO_TARGET: Final = HIGH_ALARM_MAX  # what "no target" writes; read back as no target


def device_value(target: float | None, unit: TemperatureUnit) -> int:
    """The alarm value a target is written as (as ``async_set_probe_alarm`` does)."""
    return high_alarm_value(None if target is None else round(to_device_unit(target, unit)))


def target_of(value: int, unit: TemperatureUnit) -> float | None:
    """The target a reported alarm value stands for."""
    return None if value >= NO_TARGET else round(to_celsius(value, unit), 1)


class BlueDotAlarmFollower:
    """Adopts the BlueDOT's high alarm as the probe target when someone else changed it."""

    def __init__(self, hass: HomeAssistant, coordinator: KitchenBleCoordinator) -> None:
        self.hass = hass
        self.coordinator = coordinator
        self._seen: tuple[int, TemperatureUnit] | None = None  # last reported (value, unit)
        self._was_connected = False
        self._stale: BlueDotAlarm | None = None  # the driver's alarm when the last link went
        self._first = True  # no fresh report on this link yet

    @callback
    def async_update(self) -> None:
        """After every coordinator notification: look at the reported alarm."""
        coordinator = self.coordinator
        driver = coordinator.driver
        assert isinstance(driver, BlueDotDriver)
        alarm = driver.alarm
        if not coordinator.connected:
            if self._was_connected:  # the link went: what the driver holds is old now
                self._was_connected = False
                self._stale = alarm
                self._first = True
            return
        self._was_connected = True
        if alarm is None or alarm is self._stale:
            return  # nothing heard on this link yet
        first, self._first = self._first, False
        unit = driver.state.unit
        reported = (alarm.high, unit)
        if reported == self._seen:
            return
        first = first or (self._seen is not None and self._seen[1] != unit)
        self._seen = reported
        writes = coordinator.alarm_writes.get(PROBE, [])
        ours = [(high_alarm_value(high), u) for high, u in writes]
        if reported in ours:  # 1. our write, confirmed
            del writes[: ours.index(reported) + 1]
            return
        runtime = get_runtime(self.hass)
        target = runtime.probe(coordinator.address, PROBE).setting.target
        if alarm.high == device_value(target, unit):  # 2. in agreement
            return
        if first and target is not None:  # 3. the runtime is writing the target back
            return
        self._adopt(alarm.high, unit)  # 4.

    def _adopt(self, value: int, unit: TemperatureUnit) -> None:
        coordinator = self.coordinator
        target = target_of(value, unit)
        _LOGGER.debug(
            "%s: the device's high alarm changed to %d %s; target now %s °C",
            coordinator.address,
            value,
            unit,
            target,
        )
        coordinator.alarm_writes.pop(PROBE, None)  # what we wrote before is history
        try:
            get_runtime(self.hass).async_change_probe(
                coordinator.address, PROBE, lambda t: t.with_target(target)
            )
        except HomeAssistantError as err:  # a value no target can have
            _LOGGER.debug("%s: device alarm not adopted: %s", coordinator.address, err)


@callback
def async_follow_device_alarm(
    hass: HomeAssistant, coordinator: KitchenBleCoordinator
) -> CALLBACK_TYPE:
    """Follow the device's own alarm where the device reports it (the BlueDOT)."""
    if not isinstance(coordinator.driver, BlueDotDriver):
        return lambda: None
    follower = BlueDotAlarmFollower(hass, coordinator)
    return coordinator.async_add_listener(follower.async_update)
