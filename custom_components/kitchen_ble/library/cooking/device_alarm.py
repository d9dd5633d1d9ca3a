"""A probe's target and the device's own alarm, both ways.

Writing is what every device with alarms gets (capability ``probe_alarm``):
the cooking runtime writes the target as the probe's high alarm when it
changes and on every (re)connection. Reading is only for devices that report
their alarm back (capability ``reports_alarm``, the BlueDOT): when the
reported alarm changes to a value the integration did not write (the
device's buttons, the vendor's app), it becomes the probe's target, which is
then written back once: the value the device already has. Nothing loops,
because only a *change* of the reported (value, unit) is looked at, and these
rules run in order:

1. one of our writes on this link, as the device reports it: its
   confirmation; it and the older ones are forgotten;
2. the value the current target maps to in the display unit, or, without a
   target, any value that means "no alarm" in that unit: in agreement;
3. the first report after a (re)connection, or the first in a new display
   unit, while the probe has a target: the runtime is rewriting that target
   (the integration wins after a reconnect, and alarms are rewritten in a new
   unit), so the device's old or converted value is not taken;
4. anything else is adopted: a value that means "no alarm" in the display
   unit means no target, otherwise the value in °C to 0.1.

An alarm value that only means "no alarm" never becomes a target, in either
unit: a device that converts its alarm when its unit is switched turns its
"no alarm" into another number (the BlueDOT's 255 °F into 124 °C), and only
the driver knows which numbers those are in each unit. Nothing here knows
Home Assistant or a device family: the device's own mapping (what a written
value reads back as, which values mean no alarm in a unit) comes from its
driver as ``AlarmReporting``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Protocol, runtime_checkable

from ..devices.thermometer import DeviceAlarm, TemperatureUnit, to_celsius, to_device_unit

KEPT_WRITES: Final = 8  # only the latest matter; a device confirms within seconds


@runtime_checkable
class AlarmReporting(Protocol):
    """How a device reports the alarm it holds (its driver implements this)."""

    def reported_alarm(self, high: int | None) -> int:
        """The value the device reports after ``high`` (None: no alarm) was written."""
        ...

    def alarm_target(self, reported: int, unit: TemperatureUnit) -> int | None:
        """The alarm a value reported in ``unit`` stands for; None for a "no alarm" value."""
        ...


def device_value(target: float | None, unit: TemperatureUnit) -> int | None:
    """The high alarm a target (°C) is written as, in the device's unit."""
    return None if target is None else round(to_device_unit(target, unit))


@dataclass(slots=True)
class AlarmWrites:
    """High alarms written (or being written) on the current link, per probe, oldest first."""

    by_probe: dict[int, list[tuple[int | None, TemperatureUnit]]] = field(default_factory=dict)

    def add(self, probe: int, high: int | None, unit: TemperatureUnit) -> None:
        writes = self.by_probe.setdefault(probe, [])
        writes.append((high, unit))
        del writes[:-KEPT_WRITES]

    def failed(self, probe: int, high: int | None, unit: TemperatureUnit) -> None:
        writes = self.by_probe.get(probe, [])
        if (high, unit) in writes:
            writes.remove((high, unit))

    def of(self, probe: int) -> list[tuple[int | None, TemperatureUnit]]:
        return self.by_probe.get(probe, [])

    def clear(self, probe: int | None = None) -> None:
        if probe is None:
            self.by_probe.clear()
        else:
            self.by_probe.pop(probe, None)


@dataclass(slots=True)
class AlarmFollower:
    """Follows one probe's reported alarm; says when to adopt it as the target."""

    probe: int
    writes: AlarmWrites
    _seen: tuple[int, TemperatureUnit] | None = None  # last reported (value, unit)
    _was_connected: bool = False
    _stale: DeviceAlarm | None = None  # the alarm the driver held when the last link went
    _first: bool = True  # no fresh report on this link yet

    def update(
        self,
        device: AlarmReporting,
        connected: bool,
        alarm: DeviceAlarm | None,
        unit: TemperatureUnit,
        target: float | None,
    ) -> tuple[bool, float | None]:
        """After every change of the device: (adopt, the new target in °C)."""
        if not connected:
            if self._was_connected:  # the link went: what the driver holds is old now
                self._was_connected = False
                self._stale = alarm
                self._first = True
            return False, None
        self._was_connected = True
        if alarm is None or alarm is self._stale:
            return False, None  # nothing heard on this link yet
        first, self._first = self._first, False
        reported = (alarm.high, unit)
        if reported == self._seen:
            return False, None
        first = first or (self._seen is not None and self._seen[1] != unit)
        self._seen = reported
        writes = self.writes.of(self.probe)
        ours = [(device.reported_alarm(high), u) for high, u in writes]
        if reported in ours:  # 1. our write, confirmed
            del writes[: ours.index(reported) + 1]
            return False, None
        if _agrees(device, alarm.high, unit, target):  # 2. in agreement
            return False, None
        if first and target is not None:  # 3. the runtime is writing the target back
            return False, None
        self.writes.clear(self.probe)  # 4. what we wrote before is history
        high = device.alarm_target(alarm.high, unit)
        return True, None if high is None else round(to_celsius(high, unit), 1)


def _agrees(device: AlarmReporting, high: int, unit: TemperatureUnit, target: float | None) -> bool:
    """Whether the reported ``high`` (in ``unit``) is what ``target`` (°C) is on the device."""
    if target is None:
        return device.alarm_target(high, unit) is None
    return high == device.reported_alarm(device_value(target, unit))
