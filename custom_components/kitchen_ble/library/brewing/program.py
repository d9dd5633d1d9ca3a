"""Temperature programs: named lists of steps for one temperature source, and their library.

A step has a target temperature and ends either after a hold time (counted
from the moment the target is reached, within the program's tolerance) or at
an absolute end time (``until``, epoch seconds). An optional ramp rate (°C per
hour) moves the setpoint from the previous step's setpoint towards the target
instead of jumping to it; the hold then starts once the ramp is done and the
temperature is within tolerance of the target.

Every rule a user can break raises ``ProgramError`` with a translation key and
its placeholders, so the Home Assistant layer can turn it into a translated
service error. Step errors name the step (placeholder ``step``, counted from 1)
when the program is read with ``Program.from_dict`` or through the library.
Durations are seconds here, but users set the alarm times in minutes, so the
errors of those settings state their value and limit in minutes.
``ProgramError`` is a ValueError, so a corrupt stored file fails the way the
cooking core's ``from_dict`` readers do.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Self

from ..cooking.targets import MAX_TEMPERATURE, MIN_TEMPERATURE
from ..cooking.validation import (
    MAX_TIMESTAMP,
    MAX_TIMESTAMP_TEXT,
    as_float,
    as_list,
    as_mapping,
    as_opt_float,
    as_str,
)

MAX_STEPS: Final = 50
MAX_PROGRAMS: Final = 100
MAX_NAME_LENGTH: Final = 64
MAX_ID_LENGTH: Final = 64
MAX_SOURCE_LENGTH: Final = 255
MAX_HOLD: Final = 90 * 86400.0  # s; a long lager is about this long
MAX_RAMP: Final = 1000.0  # °C per hour; faster than any kettle heats
MAX_TOLERANCE: Final = 10.0
MAX_DEVIATION_BAND: Final = 50.0
MAX_REACH_TIMEOUT: Final = 7 * 86400.0
MAX_DEVIATION_TIME: Final = 86400.0
MAX_SENSOR_LOST_AFTER: Final = 86400.0
MAX_UNTIL: Final = MAX_TIMESTAMP  # epoch seconds; a later end time no zone can show
# The program's alarm settings, in the order they are checked.
SETTINGS: Final = (
    "tolerance",
    "reach_timeout",
    "deviation_band",
    "deviation_time",
    "sensor_lost_after",
)

DEFAULT_TOLERANCE: Final = 0.5  # °C; the brewer's "at temperature"
DEFAULT_REACH_TIMEOUT: Final = 1800.0  # s after the ramp; 0 = off
DEFAULT_DEVIATION_BAND: Final = 2.0  # °C either side of the setpoint
DEFAULT_DEVIATION_TIME: Final = 600.0  # s outside the band before the alarm
DEFAULT_SENSOR_LOST_AFTER: Final = 300.0  # s without readings before the alarm

_SLUG: Final = re.compile(r"[a-z0-9][a-z0-9_]*")

# Every translation key ProgramError is raised with in the brewing package.
ERROR_KEYS: Final = frozenset(
    {
        # reading service data or stored data
        "invalid_value",  # field
        "step_invalid_value",  # step, field
        # steps
        "no_steps",
        "too_many_steps",  # count, max
        "step_target_out_of_range",  # step, target, min, max
        "step_needs_hold_or_until",  # step
        "step_hold_and_until",  # step
        "step_hold_out_of_range",  # step, hold, max_days
        "step_until_invalid",  # step
        "step_until_too_late",  # step, max
        "step_until_not_increasing",  # step
        "step_ramp_not_positive",  # step
        "step_ramp_too_fast",  # step, ramp, max
        "step_name_too_long",  # step, max
        "until_in_the_past",  # step
        # program settings
        "program_id_invalid",  # program, max
        "program_name_invalid",  # max
        "source_invalid",  # max
        "tolerance_out_of_range",  # value, max
        "reach_timeout_out_of_range",  # value, max (minutes)
        "deviation_band_out_of_range",  # value, min, max
        "deviation_time_out_of_range",  # value, max (minutes)
        "sensor_lost_after_out_of_range",  # value, max (minutes)
        # library
        "duplicate_program",  # program
        "unknown_program",  # program
        "too_many_programs",  # max
        # runs and alarms
        "program_already_running",  # program
        "program_not_running",  # program
        "program_not_paused",  # program
        "program_already_paused",  # program
        "unknown_alarm",  # alarm
    }
)


class ProgramError(ValueError):
    """A request that breaks a rule: ``key`` is a translation key, ``placeholders`` its values.

    Placeholder values are already text (numbers formatted with ``g``), as
    Home Assistant's translation placeholders expect.
    """

    def __init__(self, key: str, placeholders: Mapping[str, object] | None = None) -> None:
        self.key = key
        self.placeholders = {name: _text(value) for name, value in (placeholders or {}).items()}
        details = ", ".join(f"{name}={value}" for name, value in self.placeholders.items())
        super().__init__(f"{key} ({details})" if details else key)

    def for_step(self, index: int) -> ProgramError:
        """The same error naming the step at ``index`` (shown counted from 1)."""
        return ProgramError(self.key, {**self.placeholders, "step": index + 1})


def _text(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return format(Decimal(value), ".6g")  # str() refuses integers of 4300+ digits
    return format(value, "g") if isinstance(value, float) else str(value)


@dataclass(frozen=True, slots=True)
class Step:
    """One step; frozen so every instance has passed validation.

    Exactly one of ``hold`` (seconds at target) and ``until`` (epoch seconds
    the step ends, reached or not) is set. ``ramp`` is °C per hour, None = jump.
    """

    target: float
    hold: float | None = None
    until: float | None = None
    ramp: float | None = None
    name: str = ""

    def __post_init__(self) -> None:
        # stored names are read back stripped: a name is kept as it will be read
        object.__setattr__(self, "name", self.name.strip())
        # the negated comparisons also reject NaN
        if not MIN_TEMPERATURE <= self.target <= MAX_TEMPERATURE:
            raise ProgramError(
                "step_target_out_of_range",
                {"target": self.target, "min": MIN_TEMPERATURE, "max": MAX_TEMPERATURE},
            )
        if self.hold is None and self.until is None:
            raise ProgramError("step_needs_hold_or_until")
        if self.hold is not None and self.until is not None:
            raise ProgramError("step_hold_and_until")
        if self.hold is not None and not 0.0 <= self.hold <= MAX_HOLD:
            raise ProgramError(
                "step_hold_out_of_range", {"hold": self.hold, "max_days": MAX_HOLD / 86400}
            )
        if self.until is not None and not 0.0 < self.until < math.inf:
            raise ProgramError("step_until_invalid")
        if self.until is not None and self.until > MAX_UNTIL:
            raise ProgramError("step_until_too_late", {"max": MAX_TIMESTAMP_TEXT})
        if self.ramp is not None:
            if not self.ramp > 0.0:
                raise ProgramError("step_ramp_not_positive")
            if not self.ramp <= MAX_RAMP:
                raise ProgramError("step_ramp_too_fast", {"ramp": self.ramp, "max": MAX_RAMP})
        if len(self.name) > MAX_NAME_LENGTH:
            raise ProgramError("step_name_too_long", {"max": MAX_NAME_LENGTH})

    def ramp_duration(self, origin: float | None) -> float:
        """Seconds the setpoint takes from ``origin`` to the target; 0 without a ramp."""
        if self.ramp is None or origin is None:
            return 0.0
        return abs(self.target - origin) / self.ramp * 3600.0

    def setpoint(self, origin: float | None, elapsed: float) -> float:
        """The setpoint ``elapsed`` seconds into the step, the ramp starting at ``origin``."""
        if self.ramp is None or origin is None:
            return self.target
        moved = self.ramp * max(elapsed, 0.0) / 3600.0
        if moved >= abs(self.target - origin):
            return self.target
        return origin + math.copysign(moved, self.target - origin)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "hold": self.hold,
            "until": self.until,
            "ramp": self.ramp,
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """Missing optional keys take their defaults; unknown keys are ignored."""
        raw = _read(as_mapping, data, "step", "step_invalid_value")
        return cls(
            target=_field(as_float, raw, "target", None, "step_invalid_value"),
            hold=_field(as_opt_float, raw, "hold", None, "step_invalid_value"),
            until=_field(as_opt_float, raw, "until", None, "step_invalid_value"),
            ramp=_field(as_opt_float, raw, "ramp", None, "step_invalid_value"),
            name=_field(as_str, raw, "name", "", "step_invalid_value").strip(),
        )


@dataclass(frozen=True, slots=True)
class Program:
    """A named list of steps for one temperature source, with its alarm settings.

    ``source`` is opaque here (for example "device_id:probe"); the Home
    Assistant layer resolves it. ``reach_timeout`` 0 turns the
    setpoint-not-reached alarm off.
    """

    id: str
    name: str
    source: str
    steps: tuple[Step, ...]
    tolerance: float = DEFAULT_TOLERANCE
    reach_timeout: float = DEFAULT_REACH_TIMEOUT
    deviation_band: float = DEFAULT_DEVIATION_BAND
    deviation_time: float = DEFAULT_DEVIATION_TIME
    sensor_lost_after: float = DEFAULT_SENSOR_LOST_AFTER

    def __post_init__(self) -> None:
        if len(self.id) > MAX_ID_LENGTH or not _SLUG.fullmatch(self.id):
            raise ProgramError("program_id_invalid", {"program": self.id, "max": MAX_ID_LENGTH})
        if not self.name.strip() or len(self.name) > MAX_NAME_LENGTH:
            raise ProgramError("program_name_invalid", {"max": MAX_NAME_LENGTH})
        if not self.source.strip() or len(self.source) > MAX_SOURCE_LENGTH:
            raise ProgramError("source_invalid", {"max": MAX_SOURCE_LENGTH})
        _check_step_count(len(self.steps))
        previous: float | None = None
        for index, step in enumerate(self.steps):
            if step.until is None:
                continue
            if previous is not None and step.until <= previous:
                raise ProgramError("step_until_not_increasing", {"step": index + 1})
            previous = step.until
        for name in SETTINGS:
            check_setting(name, getattr(self, name), tolerance=self.tolerance)

    def check_until(self, now: float) -> None:
        """ProgramError if a step's end time is not after ``now``."""
        for index, step in enumerate(self.steps):
            if step.until is not None and step.until <= now:
                raise ProgramError("until_in_the_past", {"step": index + 1})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "steps": [step.to_dict() for step in self.steps],
            "tolerance": self.tolerance,
            "reach_timeout": self.reach_timeout,
            "deviation_band": self.deviation_band,
            "deviation_time": self.deviation_time,
            "sensor_lost_after": self.sensor_lost_after,
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """Read a program from service or stored data; every error is a ProgramError."""
        raw = _read(as_mapping, data, "program", "invalid_value")
        items = _field(as_list, raw, "steps", None, "invalid_value")
        _check_step_count(len(items))  # before reading thousands of them
        steps = []
        for index, item in enumerate(items):
            try:
                steps.append(Step.from_dict(item))
            except ProgramError as err:
                raise err.for_step(index) from None
        return cls(
            id=_field(as_str, raw, "id", None, "invalid_value"),
            name=_field(as_str, raw, "name", None, "invalid_value").strip(),
            source=_field(as_str, raw, "source", None, "invalid_value"),
            steps=tuple(steps),
            tolerance=_number(raw, "tolerance", DEFAULT_TOLERANCE),
            reach_timeout=_number(raw, "reach_timeout", DEFAULT_REACH_TIMEOUT),
            deviation_band=_number(raw, "deviation_band", DEFAULT_DEVIATION_BAND),
            deviation_time=_number(raw, "deviation_time", DEFAULT_DEVIATION_TIME),
            sensor_lost_after=_number(raw, "sensor_lost_after", DEFAULT_SENSOR_LOST_AFTER),
        )


def check_setting(name: str, value: float, *, tolerance: float = DEFAULT_TOLERANCE) -> None:
    """ProgramError ``<name>_out_of_range`` unless ``value`` fits the setting ``name``.

    NaN and the infinities never fit. ``tolerance`` is the deviation band's
    lower bound. (``Program.from_dict`` refuses a non-finite number as a broken
    value; a service that reads minutes asks here for the error with the range.)
    """
    if name == "tolerance":
        _check_range("tolerance", value, 0.0, MAX_TOLERANCE, low_open=True)
    elif name == "reach_timeout":
        _check_range("reach_timeout", value, 0.0, MAX_REACH_TIMEOUT, minutes=True)
    elif name == "deviation_band":
        if not tolerance < value <= MAX_DEVIATION_BAND:
            raise ProgramError(
                "deviation_band_out_of_range",
                {"value": value, "min": tolerance, "max": MAX_DEVIATION_BAND},
            )
    elif name == "deviation_time":
        _check_range("deviation_time", value, 0.0, MAX_DEVIATION_TIME, minutes=True)
    elif name == "sensor_lost_after":
        _check_range(
            "sensor_lost_after", value, 0.0, MAX_SENSOR_LOST_AFTER, low_open=True, minutes=True
        )
    else:
        raise KeyError(name)


def _check_step_count(count: int) -> None:
    if count == 0:
        raise ProgramError("no_steps")
    if count > MAX_STEPS:
        raise ProgramError("too_many_steps", {"count": count, "max": MAX_STEPS})


def _check_range(
    name: str,
    value: float,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    minutes: bool = False,
) -> None:
    """ProgramError ``<name>_out_of_range`` unless low <= value <= high (low < value if open).

    ``minutes``: the value and the limit are seconds, stated in minutes in the error.
    """
    inside = (low < value if low_open else low <= value) and value <= high
    if not inside:  # also NaN
        scale = 60.0 if minutes else 1.0
        raise ProgramError(f"{name}_out_of_range", {"value": value / scale, "max": high / scale})


def _read[T](reader: Callable[[object, str], T], value: object, field: str, key: str) -> T:
    try:
        return reader(value, field)
    except ValueError:
        raise ProgramError(key, {"field": field}) from None


def _field[T](
    reader: Callable[[object, str], T],
    raw: Mapping[str, Any],
    field: str,
    default: object,
    key: str,
) -> T:
    return _read(reader, raw.get(field, default), field, key)


def _number(raw: Mapping[str, Any], field: str, default: float) -> float:
    return _field(as_float, raw, field, default, "invalid_value")


def slugify(name: str) -> str:
    """A program id from its name: "Märzen mash" -> "marzen_mash"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return slug[:MAX_ID_LENGTH].rstrip("_") or "program"


def _name_key(name: str) -> str:
    """Names are unique regardless of case and spacing."""
    return " ".join(name.split()).casefold()


class ProgramLibrary:
    """The stored programs. Every change is validated in full before anything changes."""

    def __init__(self, programs: Iterable[Program] = ()) -> None:
        self._programs: dict[str, Program] = {}
        for program in programs:
            self._check_new(program)
            self._programs[program.id] = program

    def __len__(self) -> int:
        return len(self._programs)

    def __contains__(self, program_id: object) -> bool:
        return program_id in self._programs

    def list_programs(self) -> list[Program]:
        """All programs, by name."""
        return sorted(self._programs.values(), key=lambda program: _name_key(program.name))

    def get(self, program_id: str) -> Program:
        try:
            return self._programs[program_id]
        except KeyError:
            raise ProgramError("unknown_program", {"program": program_id}) from None

    def new_id(self, name: str) -> str:
        """A free id for a program called ``name``."""
        base = slugify(name)
        candidate, number = base, 1
        while candidate in self._programs:
            number += 1
            suffix = f"_{number}"
            candidate = base[: MAX_ID_LENGTH - len(suffix)] + suffix
        return candidate

    def create(self, program: Program | Mapping[str, Any], now: float) -> Program:
        """Add a program; from data without an "id" the id is made from the name."""
        if not isinstance(program, Program):
            raw = _read(as_mapping, program, "program", "invalid_value")
            name = raw.get("name")
            if "id" not in raw and isinstance(name, str):
                raw = {**raw, "id": self.new_id(name)}
            program = Program.from_dict(raw)
        program.check_until(now)
        self._check_new(program)
        self._programs[program.id] = program
        return program

    def update(self, program_id: str, program: Program | Mapping[str, Any], now: float) -> Program:
        """Replace a program as a whole; its id stays."""
        self.get(program_id)
        if not isinstance(program, Program):
            raw = _read(as_mapping, program, "program", "invalid_value")
            program = Program.from_dict({**raw, "id": program_id})
        elif program.id != program_id:
            raise ProgramError("program_id_invalid", {"program": program.id, "max": MAX_ID_LENGTH})
        program.check_until(now)
        self._check_name(program, exclude=program_id)
        self._programs[program_id] = program
        return program

    def delete(self, program_id: str) -> Program:
        program = self.get(program_id)
        del self._programs[program_id]
        return program

    def _check_new(self, program: Program) -> None:
        if program.id in self._programs:
            raise ProgramError("duplicate_program", {"program": program.id})
        if len(self._programs) >= MAX_PROGRAMS:
            raise ProgramError("too_many_programs", {"max": MAX_PROGRAMS})
        self._check_name(program, exclude=None)

    def _check_name(self, program: Program, *, exclude: str | None) -> None:
        key = _name_key(program.name)
        for other in self._programs.values():
            if other.id != exclude and _name_key(other.name) == key:
                raise ProgramError("duplicate_program", {"program": program.name})

    def to_dict(self) -> dict[str, Any]:
        return {"programs": [program.to_dict() for program in self._programs.values()]}

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """Stored programs are kept even when an ``until`` has passed since."""
        raw = _read(as_mapping, data, "program library", "invalid_value")
        items = _field(as_list, raw, "programs", [], "invalid_value")
        return cls(Program.from_dict(item) for item in items)
