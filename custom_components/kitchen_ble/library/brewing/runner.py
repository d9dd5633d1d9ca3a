"""The state machine of one program run: setpoint, step timers, step changes, alarms.

Time. The run keeps an "active clock": seconds spent running, frozen while
paused. Ramps, hold timers, the reach timeout and the deviation delay all
count on it, so pausing freezes them and resuming continues where they were.
``until`` steps end by the wall clock, paused or not: a step whose end time
passed during a pause ends as soon as the run is resumed.

Steps. A step begins with the setpoint where the previous one left it (the
first step: the temperature at start; without a reading its ramp is skipped
and the setpoint is the target at once). A ramp moves the setpoint towards
the target at its rate. The target counts as reached when the ramp is done
and the reading is within the tolerance of the target; a hold step's timer
starts then. Once started the hold keeps counting when the temperature dips
out of the tolerance, the way brewers count a mash rest (a dip long and deep
enough raises the deviation alarm instead). A step ends when its hold is done
or its ``until`` time has come, at that exact moment, so a coarse update
interval or a long gap never shifts the later steps.

Alarms. ``update`` returns the alarms it raised, already in ``alarms`` (an
``AlarmBook``): setpoint_not_reached once per step when the target has not
been reached ``reach_timeout`` seconds after the ramp; deviation (after the
reading has once been within the tolerance of the setpoint in this step)
through a ``DeviationMonitor``; sensor_lost once per outage when readings
have been None for ``sensor_lost_after`` seconds; step_finished for each step
that ends, and program_finished instead for the last one. While paused no
alarm is raised. The user's own actions (skip, stop) raise none either.

Restart. ``to_dict`` keeps the program, the step and the clock. A run that
was running when saved was running all the time Home Assistant was down:
``from_dict`` followed by ``update`` counts that time for ramps and holds and
ends every step whose time is up, each at its own end time. A hold that was
still waiting for its target starts when a reading shows the target, as no
reading tells when it was reached while down. The grace before the
sensor_lost alarm starts afresh after a restart (devices reconnect first).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any, Self

from ..cooking.validation import (
    MAX_TIMESTAMP,
    as_bool,
    as_enum,
    as_float,
    as_int,
    as_mapping,
    as_opt_float,
    as_opt_int,
)
from .alarms import DEFAULT_MAX_HISTORY, AlarmBook, BrewAlarm, BrewAlarmType, DeviationMonitor
from .program import Program, ProgramError, Step


class RunState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


_IN_PROGRESS = (RunState.RUNNING, RunState.PAUSED)


class ProgramRun:
    """One program's run; feed every reading of its source to ``update``."""

    def __init__(self, program: Program, *, alarms: AlarmBook | None = None) -> None:
        self._program = program
        self.alarms = AlarmBook() if alarms is None else alarms
        self._state = RunState.IDLE
        self._run = 0  # starts so far; alarms of different runs are different alarms
        self._started_at: float | None = None
        self._index: int | None = None
        self._elapsed = 0.0  # active seconds until _since
        self._since = 0.0  # wall time the active clock last started running
        self._step_began = 0.0  # active time
        self._origin: float | None = None  # setpoint the ramp starts from; None = no ramp
        self._reached_at: float | None = None  # active time the target was reached
        self._tracking = False  # reading has been within tolerance of the setpoint
        self._reach_alarmed = False
        self._lost_alarmed = False
        self._temperature: float | None = None  # latest reading
        self._missing_since: float | None = None  # wall time readings stopped
        self._deviation = _monitor(program)

    @property
    def program(self) -> Program:
        return self._program

    def set_program(self, program: Program) -> None:
        """Use an edited program for the next start; a run in progress keeps its own."""
        if self._state in _IN_PROGRESS:
            raise ProgramError("program_already_running", {"program": self._program.name})
        self._program = program
        self._deviation = _monitor(program)
        if self._state is RunState.FINISHED:
            self._state = RunState.IDLE
            self._index = None

    @property
    def state(self) -> RunState:
        return self._state

    @property
    def run(self) -> int:
        """How many times the program was started."""
        return self._run

    @property
    def started_at(self) -> float | None:
        return self._started_at

    @property
    def step_index(self) -> int | None:
        """Current step (from 0); the last one when finished, None when idle."""
        return self._index

    @property
    def step(self) -> Step | None:
        return None if self._index is None else self._program.steps[self._index]

    @property
    def temperature(self) -> float | None:
        """The latest reading, None while the sensor is lost."""
        return self._temperature

    @property
    def reached(self) -> bool:
        """Whether the current step's target has been reached (a hold is counting)."""
        return self._state in _IN_PROGRESS and self._reached_at is not None

    def setpoint(self, now: float) -> float | None:
        """What the source should be at now; None when idle, the last target when finished."""
        step = self.step
        if step is None:
            return None
        if self._state is RunState.FINISHED:
            return step.target
        return step.setpoint(self._origin, self._active(now) - self._step_began)

    def time_left(self, now: float) -> float | None:
        """Seconds left in the current step.

        ``until`` steps: until the end time. Hold steps: the rest of the hold
        once the target is reached; during a ramp, an estimate (rest of the
        ramp plus the hold, as if the temperature follows); after the ramp
        while waiting for the target, None. None when idle or finished.
        """
        step = self.step
        if step is None or self._state is RunState.FINISHED:
            return None
        if step.until is not None:
            return max(0.0, step.until - now)
        hold = step.hold or 0.0
        active = self._active(now)
        if self._reached_at is not None:
            return max(0.0, self._reached_at + hold - active)
        ramp_left = self._step_began + step.ramp_duration(self._origin) - active
        return ramp_left + hold if ramp_left > 0 else None

    def ends_at(self, now: float) -> float | None:
        """Epoch seconds the current step ends at, as far as known now (see ``time_left``)."""
        left = self.time_left(now)
        return None if left is None else now + left

    # ----------------------------------------------------------------- commands

    def start(self, now: float, temperature: float | None) -> None:
        """Start at the first step; ``temperature`` is where a first ramp starts."""
        if self._state in _IN_PROGRESS:
            raise ProgramError("program_already_running", {"program": self._program.name})
        _check_reading(temperature)
        self._program.check_until(now)
        self._run += 1
        self._state = RunState.RUNNING
        self._started_at = now
        self._elapsed = 0.0
        self._since = now
        self._temperature = temperature
        self._missing_since = now if temperature is None else None
        self._lost_alarmed = False
        self._begin(0, 0.0, temperature)

    def pause(self, now: float) -> None:
        if self._state is RunState.PAUSED:
            raise ProgramError("program_already_paused", {"program": self._program.name})
        self._require_in_progress()
        self._elapsed = self._active(now)
        self._state = RunState.PAUSED

    def resume(self, now: float) -> None:
        if self._state is not RunState.PAUSED:
            raise ProgramError("program_not_paused", {"program": self._program.name})
        self._since = now
        self._state = RunState.RUNNING

    def skip(self, now: float) -> None:
        """End the current step now (the last one: the program is finished); no alarm."""
        self._require_in_progress()
        active = self._active(now)
        self._finish_step(active, now, alarm=False)

    def stop(self, now: float) -> None:
        """Back to idle (also from finished: the setpoint goes away). Alarms stay."""
        if self._state is RunState.IDLE:
            raise ProgramError("program_not_running", {"program": self._program.name})
        self._state = RunState.IDLE
        self._index = None
        self._reached_at = None

    def _require_in_progress(self) -> None:
        if self._state not in _IN_PROGRESS:
            raise ProgramError("program_not_running", {"program": self._program.name})

    # ------------------------------------------------------------------ readings

    def update(self, temperature: float | None, now: float) -> list[BrewAlarm]:
        """Account one reading (None = no reading: sensor lost); the alarms it raised."""
        _check_reading(temperature)
        self._temperature = temperature
        if temperature is not None:
            self._missing_since = None
            self._lost_alarmed = False
        elif self._missing_since is None:
            self._missing_since = now
        alarms: list[BrewAlarm] = []
        # each pass either ends a step or observes the current one and stops, so
        # a long gap ends every step whose time is up, each at its own end time
        while self._state is RunState.RUNNING:
            end = self._step_end(now)
            if end is not None:
                alarms += self._finish_step(*end, alarm=True)
                continue
            alarms += self._observe(temperature, now)
            if self._step_end(now) is None:
                break
        return alarms

    def _observe(self, temperature: float | None, now: float) -> list[BrewAlarm]:
        step = self._current()
        program = self._program
        active = self._active(now)
        in_step = active - self._step_began
        setpoint = step.setpoint(self._origin, in_step)
        ramp = step.ramp_duration(self._origin)
        alarms: list[BrewAlarm] = []
        if temperature is None:
            since = self._missing_since  # set by update for every None reading
            if (
                not self._lost_alarmed
                and since is not None
                and now - since >= program.sensor_lost_after
            ):
                self._lost_alarmed = True
                alarms += self._raise(BrewAlarmType.SENSOR_LOST, now, setpoint)
        else:
            if abs(temperature - setpoint) <= program.tolerance:
                self._tracking = True
            if (
                self._reached_at is None
                and in_step >= ramp
                and abs(temperature - step.target) <= program.tolerance
            ):
                self._reached_at = active
            # the deviation delay runs on the active clock, so a pause freezes it too
            if self._tracking and self._deviation.update(temperature - setpoint, active):
                alarms += self._raise(BrewAlarmType.DEVIATION, now, setpoint)
        if (
            self._reached_at is None
            and not self._reach_alarmed
            and program.reach_timeout > 0
            and in_step >= ramp + program.reach_timeout
        ):
            self._reach_alarmed = True
            alarms += self._raise(BrewAlarmType.SETPOINT_NOT_REACHED, now, setpoint)
        return alarms

    def _step_end(self, now: float) -> tuple[float, float] | None:
        """(active time, wall time) the current step ended at, None while it goes on."""
        step = self._current()
        if step.until is not None:
            if now < step.until:
                return None
            end = max(self._step_began, self._elapsed + max(0.0, step.until - self._since))
        else:
            if self._reached_at is None:
                return None
            end = self._reached_at + (step.hold or 0.0)
            if self._active(now) < end:
                return None
        return end, self._since + max(0.0, end - self._elapsed)

    def _finish_step(self, end: float, at: float, *, alarm: bool) -> list[BrewAlarm]:
        index = self._index
        assert index is not None  # only called while in progress
        origin = self._current().setpoint(self._origin, end - self._step_began)
        last = index + 1 == len(self._program.steps)
        alarms: list[BrewAlarm] = []
        if alarm:
            kind = BrewAlarmType.PROGRAM_FINISHED if last else BrewAlarmType.STEP_FINISHED
            alarms = self._raise(kind, at, origin)
        if last:
            self._state = RunState.FINISHED
            self._reached_at = None
        else:
            self._begin(index + 1, end, origin)
        return alarms

    def _begin(self, index: int, at: float, origin: float | None) -> None:
        step = self._program.steps[index]
        self._index = index
        self._step_began = at
        self._origin = origin if step.ramp is not None and origin != step.target else None
        self._reached_at = None
        self._tracking = False
        self._reach_alarmed = False
        self._deviation.reset()

    def _raise(self, kind: BrewAlarmType, at: float, setpoint: float | None) -> list[BrewAlarm]:
        assert self._index is not None  # only called while in progress
        alarm = self.alarms.raise_alarm(
            kind,
            program_id=self._program.id,
            step=self._index,
            run=self._run,
            temperature=self._temperature,
            setpoint=setpoint,
            at=at,
        )
        return [] if alarm is None else [alarm]

    def _current(self) -> Step:
        step = self.step
        assert step is not None  # only called while in progress
        return step

    def _active(self, now: float) -> float:
        """Seconds the run has been running (not paused) at ``now``."""
        if self._state is RunState.RUNNING:
            return self._elapsed + max(0.0, now - self._since)
        return self._elapsed

    # ------------------------------------------------------------------ storage

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self._program.to_dict(),
            "state": self._state.value,
            "run": self._run,
            "started_at": self._started_at,
            "step": self._index,
            "elapsed": self._elapsed,
            "since": self._since,
            "step_began": self._step_began,
            "origin": self._origin,
            "reached_at": self._reached_at,
            "tracking": self._tracking,
            "reach_alarmed": self._reach_alarmed,
            "lost_alarmed": self._lost_alarmed,
            "deviation": self._deviation.to_dict(),
            "alarms": self.alarms.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object, *, max_history: int = DEFAULT_MAX_HISTORY) -> Self:
        """Restore a run; a running one has been running all the time since it was saved."""
        raw = as_mapping(data, "program run")
        program = Program.from_dict(raw.get("program"))
        run = cls(
            program, alarms=AlarmBook.from_dict(raw.get("alarms", {}), max_history=max_history)
        )
        run._state = as_enum(RunState, raw.get("state"), "state")
        index = as_opt_int(raw.get("step"), "step")
        if (index is None) != (run._state is RunState.IDLE) or not (
            index is None or 0 <= index < len(program.steps)
        ):
            raise ValueError(f"step: {index!r} does not fit state {run._state.value!r}")
        run._index = index
        run._run = as_int(raw.get("run", 0), "run")
        started_at = raw.get("started_at")
        run._started_at = None if started_at is None else _time(started_at, "started_at")
        run._elapsed = _time(raw.get("elapsed", 0.0), "elapsed")
        run._since = _time(raw.get("since", 0.0), "since")
        run._step_began = _time(raw.get("step_began", 0.0), "step_began")
        run._origin = as_opt_float(raw.get("origin"), "origin")
        reached_at = raw.get("reached_at")
        run._reached_at = None if reached_at is None else _time(reached_at, "reached_at")
        run._tracking = as_bool(raw.get("tracking", False), "tracking")
        run._reach_alarmed = as_bool(raw.get("reach_alarmed", False), "reach_alarmed")
        run._lost_alarmed = as_bool(raw.get("lost_alarmed", False), "lost_alarmed")
        run._deviation = DeviationMonitor.from_dict(
            raw.get("deviation", {}), band=program.deviation_band, delay=program.deviation_time
        )
        return run


def _time(value: object, name: str) -> float:
    """A stored time: epoch seconds or seconds of the active clock, both never negative.

    (Beyond ``MAX_TIMESTAMP`` the clock arithmetic would reach inf and NaN.)
    """
    seconds = as_float(value, name)
    if not 0.0 <= seconds <= MAX_TIMESTAMP:
        raise ValueError(f"{name}: {seconds:g} s is not a time")
    return seconds


def _monitor(program: Program) -> DeviationMonitor:
    return DeviationMonitor(program.deviation_band, program.deviation_time)


def _check_reading(temperature: float | None) -> None:
    if temperature is not None and not math.isfinite(temperature):
        raise ValueError(f"temperature must be finite or None, got {temperature}")
