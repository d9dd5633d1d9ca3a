"""Alarms of program runs: raised once, active until acknowledged, then kept as history.

* An alarm is "the same" as another when type, program, step and run (the
  count of starts of that program) match. While one is active, the same alarm
  is not raised again, so an unacknowledged alarm never piles up duplicates.
* ``acknowledge`` moves alarms from the active list to a bounded history
  (newest kept), stamped with the time and who acknowledged them.
* ``DeviationMonitor`` is the hysteresis of the deviation alarm: it fires once
  when the temperature has stayed outside the band around the setpoint for the
  deviation time, and re-arms only when the temperature is back inside the
  band by a margin, like the crossings of the cooking alerts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Final, Self

from ..cooking.validation import (
    as_bool,
    as_enum,
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_opt_float,
    as_str,
)
from .program import ProgramError

DEFAULT_MAX_HISTORY: Final = 50  # acknowledged alarms kept
DEVIATION_HYSTERESIS: Final = 0.5  # °C back inside the band before the alarm re-arms


class BrewAlarmType(StrEnum):
    SETPOINT_NOT_REACHED = "setpoint_not_reached"
    DEVIATION = "deviation"
    SENSOR_LOST = "sensor_lost"
    STEP_FINISHED = "step_finished"
    PROGRAM_FINISHED = "program_finished"


@dataclass(frozen=True, slots=True)
class BrewAlarm:
    """One alarm; ``step`` is the step's index (from 0), ``temperature`` the last reading."""

    id: str
    type: BrewAlarmType
    program_id: str
    step: int
    run: int
    temperature: float | None
    setpoint: float | None
    raised_at: float
    acknowledged_at: float | None = None
    acknowledged_by: str | None = None

    @property
    def active(self) -> bool:
        return self.acknowledged_at is None

    def same_as(self, other: BrewAlarm) -> bool:
        return (self.type, self.program_id, self.step, self.run) == (
            other.type,
            other.program_id,
            other.step,
            other.run,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type.value,
            "program_id": self.program_id,
            "step": self.step,
            "run": self.run,
            "temperature": self.temperature,
            "setpoint": self.setpoint,
            "raised_at": self.raised_at,
            "acknowledged_at": self.acknowledged_at,
            "acknowledged_by": self.acknowledged_by,
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        raw = as_mapping(data, "alarm")
        kind = as_enum(BrewAlarmType, raw.get("type"), "type")
        by = raw.get("acknowledged_by")
        return cls(
            id=as_str(raw.get("id"), "id"),
            type=kind,
            program_id=as_str(raw.get("program_id"), "program_id"),
            step=as_int(raw.get("step"), "step"),
            run=as_int(raw.get("run", 1), "run"),
            temperature=as_opt_float(raw.get("temperature"), "temperature"),
            setpoint=as_opt_float(raw.get("setpoint"), "setpoint"),
            raised_at=as_float(raw.get("raised_at"), "raised_at"),
            acknowledged_at=as_opt_float(raw.get("acknowledged_at"), "acknowledged_at"),
            acknowledged_by=None if by is None else as_str(by, "acknowledged_by"),
        )


class AlarmBook:
    """Active alarms (oldest first) and the history of acknowledged ones."""

    def __init__(self, *, max_history: int = DEFAULT_MAX_HISTORY) -> None:
        if max_history < 0:
            raise ValueError("max_history must not be negative")
        self.max_history = max_history
        self._active: list[BrewAlarm] = []
        self._history: list[BrewAlarm] = []
        self._count = 0  # alarms ever raised: the ids' sequence numbers

    @property
    def active(self) -> tuple[BrewAlarm, ...]:
        return tuple(self._active)

    @property
    def history(self) -> tuple[BrewAlarm, ...]:
        """Acknowledged alarms, oldest first, at most ``max_history``."""
        return tuple(self._history)

    def raise_alarm(
        self,
        kind: BrewAlarmType,
        *,
        program_id: str,
        step: int,
        run: int,
        temperature: float | None,
        setpoint: float | None,
        at: float,
    ) -> BrewAlarm | None:
        """The new alarm, or None when the same alarm is still active."""
        alarm = BrewAlarm(
            f"{program_id}-{self._count + 1}",
            kind,
            program_id,
            step,
            run,
            temperature,
            setpoint,
            at,
        )
        if any(alarm.same_as(other) for other in self._active):
            return None
        self._count += 1
        self._active.append(alarm)
        return alarm

    def acknowledge(
        self, alarm_id: str | None, now: float, *, by: str | None = None
    ) -> list[BrewAlarm]:
        """Acknowledge one alarm, or every active one for None; returns those acknowledged.

        Acknowledging an alarm that already is acknowledged does nothing (a
        button pressed twice); an id never raised or no longer in the history
        is a ProgramError.
        """
        if alarm_id is None:
            chosen = list(self._active)
        else:
            chosen = [alarm for alarm in self._active if alarm.id == alarm_id]
            if not chosen:
                if any(alarm.id == alarm_id for alarm in self._history):
                    return []
                raise ProgramError("unknown_alarm", {"alarm": alarm_id})
        done = [replace(alarm, acknowledged_at=now, acknowledged_by=by) for alarm in chosen]
        self._active = [alarm for alarm in self._active if alarm not in chosen]
        self._history = _latest([*self._history, *done], self.max_history)
        return done

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self._count,
            "active": [alarm.to_dict() for alarm in self._active],
            "history": [alarm.to_dict() for alarm in self._history],
        }

    @classmethod
    def from_dict(cls, data: object, *, max_history: int = DEFAULT_MAX_HISTORY) -> Self:
        raw = as_mapping(data, "alarm book")
        book = cls(max_history=max_history)
        book._active = [
            BrewAlarm.from_dict(item) for item in as_list(raw.get("active", []), "active")
        ]
        history = [BrewAlarm.from_dict(item) for item in as_list(raw.get("history", []), "history")]
        book._history = _latest(history, max_history)
        if any(alarm.active for alarm in book._history) or not all(
            alarm.active for alarm in book._active
        ):
            raise ValueError("alarm book: acknowledged and active alarms are mixed up")
        book._count = max(as_int(raw.get("count", 0), "count"), len(book._active))
        return book


def _latest(items: list[BrewAlarm], count: int) -> list[BrewAlarm]:
    return items[-count:] if count > 0 else []  # items[-0:] would be all of them


class DeviationMonitor:
    """Deviation state of one step; feed ``temperature - setpoint`` to ``update``."""

    def __init__(self, band: float, delay: float) -> None:
        if not (band > 0 and delay >= 0):
            raise ValueError("band must be positive and delay not negative")
        self.band = band
        self.delay = delay
        # a narrow band must still have an inside to come back to
        self.rearm_within = band - min(DEVIATION_HYSTERESIS, band / 4)
        self._outside_since: float | None = None
        self._fired = False

    @property
    def fired(self) -> bool:
        """Fired and not yet re-armed."""
        return self._fired

    def reset(self) -> None:
        """A new step is a new question."""
        self._outside_since = None
        self._fired = False

    def update(self, deviation: float, now: float) -> bool:
        """True when the deviation alarm should fire now (once per excursion)."""
        distance = abs(deviation)
        if self._fired:
            if distance <= self.rearm_within:
                self._fired = False
            return False
        if distance <= self.band:
            self._outside_since = None
            return False
        since = self._outside_since = now if self._outside_since is None else self._outside_since
        if now - since < self.delay:
            return False
        self._fired = True
        self._outside_since = None
        return True

    def to_dict(self) -> dict[str, Any]:
        return {"outside_since": self._outside_since, "fired": self._fired}

    @classmethod
    def from_dict(cls, data: object, *, band: float, delay: float) -> Self:
        raw = as_mapping(data, "deviation")
        monitor = cls(band, delay)
        monitor._outside_since = as_opt_float(raw.get("outside_since"), "outside_since")
        monitor._fired = as_bool(raw.get("fired", False), "fired")
        return monitor
