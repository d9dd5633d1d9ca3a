"""What stop at weight learns from each shot: the grams that still come after the stop.

After the stop request, the cup gains what is under the puck, what is falling
and what the scale has not shown yet. The shot's estimate of the weight *now*
(``weight + flow × (now − weight_time)``, the weight time being arrival minus
the scale's lag) leaves out the drips after the stop; they are modelled as

    after = offset + seconds × flow

(grams; ``seconds`` is the lead time the stop needs, ``offset`` a constant
drip). Every weighed shot observes ``after`` once and corrects both by a
recursive least-squares step with a prior, so the first shot already moves
the lead most of the way (the fact sheet's "learns per profile, scale and
basket", §9.3 Decenza) and shots at other flows separate the two parts.

Keys, most specific first: (scale id, profile), (scale id, any profile),
(scale family, profile), (scale family, any profile); a key never seen
starts from the next one that exists, so a new profile on a known scale or a
new scale of a known family starts close. Each shot updates all four.

The state goes to and from a plain dict (the caller keeps it in storage):
``from_dict`` is strict (``LearnedStateError``), ``load`` falls back to
nothing learned.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from .errors import LearnedStateError

_LOGGER = logging.getLogger(__name__)

VERSION: Final = 1
DE1_STOP_LAG: Final = 0.1  # s from the request to the pump stopping (de1app "0.1 s DE1 lag")
FALL_TIME: Final = 0.17  # s from spout to cup (pyDE1 fall_time, "14 cm to cup")
DEFAULT_SECONDS: Final = DE1_STOP_LAG + FALL_TIME
OFFSET_SD: Final = 0.2  # g; prior spread of the constant drip
SECONDS_SD: Final = 0.4  # s; prior spread of the lead time
NOISE_SD: Final = 0.15  # g; one shot's scatter of the drips after the stop
DRIFT_OFFSET_SD: Final = 0.03  # g per shot: keeps learning as a puck or a basket changes
DRIFT_SECONDS_SD: Final = 0.02  # s per shot
OFFSET_LIMIT: Final = 10.0  # g
SECONDS_RANGE: Final = (-3.0, 5.0)  # s
VARIANCE_LIMIT: Final = 100.0
RATIO_RANGE: Final = (0.2, 5.0)  # g in the cup per mL poured
RATIO_GAIN: Final = 0.5
MAX_ENTRIES: Final = 5000
MAX_NAME: Final = 256
ANY_PROFILE: Final = ""


@dataclass(frozen=True, slots=True)
class Lead:
    """Grams still to come after a stop at ``flow``: ``offset + seconds × flow``."""

    offset: float = 0.0  # g
    seconds: float = DEFAULT_SECONDS  # s
    var_offset: float = OFFSET_SD**2
    covariance: float = 0.0
    var_seconds: float = SECONDS_SD**2
    shots: int = 0

    def after(self, flow: float) -> float:
        """Grams expected after a stop at ``flow`` g/s."""
        return self.offset + self.seconds * flow

    def corrected(self, flow: float, observed: float) -> Lead:
        """This lead after one shot at ``flow`` whose drips after the stop were ``observed``."""
        paa = self.var_offset + DRIFT_OFFSET_SD**2
        pat = self.covariance
        ptt = self.var_seconds + DRIFT_SECONDS_SD**2
        px_a = paa + pat * flow  # P·x with x = (1, flow)
        px_t = pat + ptt * flow
        spread = px_a + px_t * flow + NOISE_SD**2
        gain_a, gain_t = px_a / spread, px_t / spread
        residual = observed - self.after(flow)
        return Lead(
            offset=_clamp(self.offset + gain_a * residual, -OFFSET_LIMIT, OFFSET_LIMIT),
            seconds=_clamp(self.seconds + gain_t * residual, *SECONDS_RANGE),
            var_offset=max(paa - gain_a * px_a, 1e-9),
            covariance=pat - gain_a * px_t,
            var_seconds=max(ptt - gain_t * px_t, 1e-9),
            shots=self.shots + 1,
        )

    def as_prior(self) -> Lead:
        """This lead as the start of a key never seen: its values, the prior's spread."""
        return Lead(offset=self.offset, seconds=self.seconds)


@dataclass(frozen=True, slots=True)
class ScaleKey:
    """Which scale: its family (``skale``, ``acaia``…) and, if known, its own id (address)."""

    family: str
    scale_id: str = ""


DEFAULT_LEAD: Final = Lead()


class LeadLearner:
    """Leads per (scale, profile), learned shot by shot; serialisable."""

    def __init__(self) -> None:
        self._leads: dict[tuple[str, str], Lead] = {}
        self._ratios: dict[str, tuple[float, int]] = {}  # profile → (g per mL, shots)

    def _keys(self, scale: ScaleKey, profile: str) -> list[tuple[str, str]]:
        keys = []
        if scale.scale_id:
            keys += [(f"id:{scale.scale_id}", profile), (f"id:{scale.scale_id}", ANY_PROFILE)]
        keys += [(f"family:{scale.family}", profile), (f"family:{scale.family}", ANY_PROFILE)]
        return keys

    def lead(self, scale: ScaleKey, profile: str) -> Lead:
        """The most specific lead known for this scale and profile, or the default."""
        for key in self._keys(scale, profile):
            if (lead := self._leads.get(key)) is not None:
                return lead
        return DEFAULT_LEAD

    def observe(self, scale: ScaleKey, profile: str, flow: float, after: float) -> Lead:
        """One weighed shot: ``after`` grams came after a stop at ``flow`` g/s. The new lead."""
        if not (math.isfinite(flow) and math.isfinite(after)) or flow <= 0:
            return self.lead(scale, profile)
        keys = self._keys(scale, profile)
        for index in reversed(range(len(keys))):  # general first: a new key starts from it
            key = keys[index]
            current = self._leads.get(key)
            if current is None:
                current = self._parent(keys, index).as_prior()
            self._leads[key] = current.corrected(flow, after)
        return self._leads[keys[0]]

    def _parent(self, keys: list[tuple[str, str]], index: int) -> Lead:
        for key in keys[index + 1 :]:
            if (lead := self._leads.get(key)) is not None:
                return lead
        return DEFAULT_LEAD

    def grams_per_ml(self, profile: str) -> float | None:
        """Grams in the cup per mL of pour volume, learned for ``profile``; None if never."""
        known = self._ratios.get(profile)
        return None if known is None else known[0]

    def observe_volume(self, profile: str, grams: float, pour_ml: float) -> None:
        """A weighed shot's final weight and pour volume, for the volume fallback."""
        if not (math.isfinite(grams) and math.isfinite(pour_ml)) or pour_ml <= 0 or grams <= 0:
            return
        ratio = _clamp(grams / pour_ml, *RATIO_RANGE)
        known = self._ratios.get(profile)
        if known is not None:
            ratio = known[0] + RATIO_GAIN * (ratio - known[0])
        self._ratios[profile] = (ratio, 1 if known is None else known[1] + 1)

    # Storage ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data for the caller's storage."""
        return {
            "version": VERSION,
            "leads": [
                {
                    "scale": scale,
                    "profile": profile,
                    "offset": lead.offset,
                    "seconds": lead.seconds,
                    "covariance": [lead.var_offset, lead.covariance, lead.var_seconds],
                    "shots": lead.shots,
                }
                for (scale, profile), lead in self._leads.items()
            ],
            "volume_ratios": [
                {"profile": profile, "grams_per_ml": ratio, "shots": shots}
                for profile, (ratio, shots) in self._ratios.items()
            ],
        }

    @classmethod
    def from_dict(cls, data: object) -> LeadLearner:
        """A learner from ``to_dict``'s data; LearnedStateError for anything else."""
        record = _mapping(data, "learned state")
        if record.get("version") != VERSION:
            raise LearnedStateError(f"unknown version {record.get('version')!r}")
        learner = cls()
        for entry in _entries(record, "leads"):
            key = (_name(entry, "scale"), _name(entry, "profile", empty=True))
            if key in learner._leads:
                raise LearnedStateError(f"lead {key} appears twice")
            learner._leads[key] = _lead(entry)
        for entry in _entries(record, "volume_ratios"):
            profile = _name(entry, "profile", empty=True)
            if profile in learner._ratios:
                raise LearnedStateError(f"volume ratio of {profile!r} appears twice")
            ratio = _number(entry, "grams_per_ml", *RATIO_RANGE)
            learner._ratios[profile] = (ratio, _count(entry, "shots"))
        return learner

    @classmethod
    def load(cls, data: object) -> LeadLearner:
        """``from_dict``, or a learner that knows nothing when the data is bad (logged)."""
        if data is None:
            return cls()
        try:
            return cls.from_dict(data)
        except LearnedStateError as err:
            _LOGGER.warning("Ignoring learned stop-at-weight data: %s", err)
            return cls()

    def __len__(self) -> int:
        return len(self._leads)


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise LearnedStateError(f"{what} is not a mapping")
    return data


def _entries(record: Mapping[str, Any], field: str) -> list[Mapping[str, Any]]:
    entries = record.get(field, [])
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise LearnedStateError(f"{field} is not a list of at most {MAX_ENTRIES} entries")
    return [_mapping(entry, f"an entry of {field}") for entry in entries]


def _name(entry: Mapping[str, Any], field: str, *, empty: bool = False) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or len(value) > MAX_NAME or (not value and not empty):
        raise LearnedStateError(f"{field} is not a name")
    return value


def _number(entry: Mapping[str, Any] | list[Any], field: Any, low: float, high: float) -> float:
    try:
        value = entry[field]
    except (KeyError, IndexError) as err:
        raise LearnedStateError(f"{field} is missing") from err
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LearnedStateError(f"{field} is not a number")
    number = float(value)
    if not low <= number <= high:  # also refuses NaN
        raise LearnedStateError(f"{field} {number} is outside {low}..{high}")
    return number


def _count(entry: Mapping[str, Any], field: str) -> int:
    value = entry.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise LearnedStateError(f"{field} is not a count")
    return value


def _lead(entry: Mapping[str, Any]) -> Lead:
    covariance = entry.get("covariance")
    if not isinstance(covariance, list) or len(covariance) != 3:
        raise LearnedStateError("covariance is not three numbers")
    var_offset = _number(covariance, 0, 0.0, VARIANCE_LIMIT)
    cross = _number(covariance, 1, -VARIANCE_LIMIT, VARIANCE_LIMIT)
    var_seconds = _number(covariance, 2, 0.0, VARIANCE_LIMIT)
    if var_offset <= 0 or var_seconds <= 0 or var_offset * var_seconds - cross**2 < -1e-12:
        raise LearnedStateError("covariance is not a covariance")
    return replace(
        DEFAULT_LEAD,
        offset=_number(entry, "offset", -OFFSET_LIMIT, OFFSET_LIMIT),
        seconds=_number(entry, "seconds", *SECONDS_RANGE),
        var_offset=var_offset,
        covariance=cross,
        var_seconds=var_seconds,
        shots=_count(entry, "shots"),
    )
