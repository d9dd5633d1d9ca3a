"""Counts over records: shots per day, water used, espressos; and maintenance counters.

Every count takes a record once, by id, however often it is passed (an
archive and the live list may overlap). Maintenance counters say how many
espressos and how many seconds of steam the machine made since its last
descale and its last clean, and which of them passed the user's threshold;
they are stored, and remember the ids they counted, so a replayed record is
not counted twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from typing import Any, Final, Self

from ...cooking.validation import as_float, as_int, as_list, as_mapping, as_opt_float, as_str
from ...devices.de1.states import MachineState
from .errors import RecordError, stored_invalid
from .model import ShotKind, ShotRecord
from .summary import summarize

MAX_REMEMBERED: Final = 1000  # ids of counted records kept against double counting
MAX_SHOTS_THRESHOLD: Final = 100_000
MAX_STEAM_THRESHOLD: Final = 1_000_000.0  # s


def unique(records: Iterable[ShotRecord]) -> list[ShotRecord]:
    """The records, each id once (the first seen wins), in the order given."""
    seen: set[str] = set()
    kept = []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            kept.append(record)
    return kept


def shots_per_day(
    records: Iterable[ShotRecord], zone: tzinfo = UTC, kind: ShotKind = ShotKind.ESPRESSO
) -> dict[date, int]:
    """Records of ``kind`` per local day in ``zone``, days in order."""
    days = Counter(
        datetime.fromtimestamp(record.started_at, zone).date()
        for record in unique(records)
        if record.kind is kind
    )
    return dict(sorted(days.items()))


def count_on_day(started: Iterable[float], day: date, zone: tzinfo = UTC) -> int:
    """How many of the moments ``started`` (epoch seconds) fall on ``day``, local in ``zone``."""
    return sum(1 for at in started if datetime.fromtimestamp(at, zone).date() == day)


def hour_start(at: float) -> float:
    """The start of the UTC hour ``at`` (epoch seconds) falls in: where hourly sums are kept."""
    return at - at % 3600


def espresso_count(records: Iterable[ShotRecord]) -> int:
    return sum(1 for record in unique(records) if record.kind is ShotKind.ESPRESSO)


def water_used(records: Iterable[ShotRecord]) -> float:
    """mL the machine pushed through the group, every kind together."""
    return sum(record.volume for record in unique(records))


def steam_seconds(record: ShotRecord) -> float:
    return summarize(record).duration if record.kind is ShotKind.STEAM else 0.0


class Maintenance(StrEnum):
    DESCALE = "descale"
    CLEAN = "clean"


def maintenance_for_state(state: MachineState | None) -> Maintenance | None:
    """The maintenance a machine state performs (to reset its counters when it ends)."""
    if state is MachineState.DESCALE:
        return Maintenance.DESCALE
    if state is MachineState.CLEAN:
        return Maintenance.CLEAN
    return None


@dataclass(frozen=True, slots=True)
class MaintenanceThresholds:
    """When each maintenance is due; 0 turns that check off."""

    descale_shots: int = 0
    descale_steam_seconds: float = 0.0
    clean_shots: int = 0
    clean_steam_seconds: float = 0.0

    def __post_init__(self) -> None:
        for name in ("descale_shots", "clean_shots"):
            _check(name, getattr(self, name), MAX_SHOTS_THRESHOLD)
        for name in ("descale_steam_seconds", "clean_steam_seconds"):
            _check(name, getattr(self, name), MAX_STEAM_THRESHOLD)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Self:
        """From options or a service call; ``RecordError`` for a bad value."""
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in (
                "descale_shots",
                "clean_shots",
                "descale_steam_seconds",
                "clean_steam_seconds",
            ):
                raise RecordError("unknown_field", {"field": name})
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RecordError("value_not_number", {"field": name})
            values[name] = value
        return cls(**values)


def _check(name: str, value: float, high: float) -> None:
    if not 0 <= value <= high:  # the negated form rejects NaN too
        raise RecordError(
            "value_out_of_range", {"field": name, "value": value, "min": 0, "max": high}
        )


@dataclass(frozen=True, slots=True)
class MaintenanceDue:
    maintenance: Maintenance
    measure: str  # "shots" or "steam_seconds"
    value: float
    threshold: float


@dataclass(slots=True)
class MaintenanceCounters:
    shots_since_descale: int = 0
    steam_since_descale: float = 0.0  # s
    shots_since_clean: int = 0
    steam_since_clean: float = 0.0  # s
    last_descale_at: float | None = None  # epoch seconds
    last_clean_at: float | None = None
    counted: list[str] = field(default_factory=list)  # ids, newest last

    def add(self, record: ShotRecord) -> bool:
        """Count a record once; False if its id was counted already."""
        if record.id in self.counted:
            return False
        self.counted.append(record.id)
        del self.counted[:-MAX_REMEMBERED]
        shots = 1 if record.kind is ShotKind.ESPRESSO else 0
        steam = steam_seconds(record)
        self.shots_since_descale += shots
        self.shots_since_clean += shots
        self.steam_since_descale += steam
        self.steam_since_clean += steam
        return True

    def reset(self, maintenance: Maintenance, at: float) -> None:
        """The maintenance was done at ``at`` (epoch seconds)."""
        if maintenance is Maintenance.DESCALE:
            self.shots_since_descale, self.steam_since_descale = 0, 0.0
            self.last_descale_at = at
        else:
            self.shots_since_clean, self.steam_since_clean = 0, 0.0
            self.last_clean_at = at

    def due(self, thresholds: MaintenanceThresholds) -> list[MaintenanceDue]:
        """Every check whose threshold is on and reached."""
        checks = (
            (Maintenance.DESCALE, "shots", self.shots_since_descale, thresholds.descale_shots),
            (
                Maintenance.DESCALE,
                "steam_seconds",
                self.steam_since_descale,
                thresholds.descale_steam_seconds,
            ),
            (Maintenance.CLEAN, "shots", self.shots_since_clean, thresholds.clean_shots),
            (
                Maintenance.CLEAN,
                "steam_seconds",
                self.steam_since_clean,
                thresholds.clean_steam_seconds,
            ),
        )
        return [
            MaintenanceDue(kind, measure, value, limit)
            for kind, measure, value, limit in checks
            if limit > 0 and value >= limit
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "shots_since_descale": self.shots_since_descale,
            "steam_since_descale": self.steam_since_descale,
            "shots_since_clean": self.shots_since_clean,
            "steam_since_clean": self.steam_since_clean,
            "last_descale_at": self.last_descale_at,
            "last_clean_at": self.last_clean_at,
            "counted": list(self.counted),
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """The stored counters; ``RecordError("stored_invalid")`` if they are damaged."""
        try:
            raw = as_mapping(data, "maintenance")
            counted = [
                as_str(item, "counted id") for item in as_list(raw.get("counted", []), "counted")
            ]
            return cls(
                shots_since_descale=_count(
                    raw.get("shots_since_descale", 0), "shots_since_descale"
                ),
                steam_since_descale=_seconds(
                    raw.get("steam_since_descale", 0.0), "steam_since_descale"
                ),
                shots_since_clean=_count(raw.get("shots_since_clean", 0), "shots_since_clean"),
                steam_since_clean=_seconds(raw.get("steam_since_clean", 0.0), "steam_since_clean"),
                last_descale_at=as_opt_float(raw.get("last_descale_at"), "last_descale_at"),
                last_clean_at=as_opt_float(raw.get("last_clean_at"), "last_clean_at"),
                counted=counted[-MAX_REMEMBERED:],
            )
        except (ValueError, RecursionError) as err:
            raise stored_invalid("maintenance", str(err) or type(err).__name__) from None


def _count(value: object, name: str) -> int:
    number = as_int(value, name)
    if number < 0:
        raise ValueError(f"{name}: negative")
    return number


def _seconds(value: object, name: str) -> float:
    number = as_float(value, name)
    if number < 0:
        raise ValueError(f"{name}: negative")
    return number
