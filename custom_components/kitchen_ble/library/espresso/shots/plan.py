"""What one shot is to do: its targets, as the caller sets them before a start."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Final

from ..profiles.model import Profile
from .errors import ShotConfigError

DEFAULT_PROBE_LAG: Final = 3.0  # s; a milk probe's time constant when the caller knows none


@dataclass(frozen=True, slots=True)
class ShotPlan:
    """Targets of the next flows; 0 switches a target off.

    ``profile_key`` names the profile for learning (its title, say).
    ``step_weights`` are the profile steps' weights (g in the cup to move on
    to the next step; §9.4: total cup weight, as de1app and REA compare).
    """

    profile_key: str = ""
    target_weight: float = 0.0  # g: espresso stop at weight
    target_volume: float = 0.0  # mL: espresso stop at pour volume (after pre-infusion)
    time_limit: float = 0.0  # s from the flow's begin: any flow
    step_weights: tuple[float, ...] = ()
    hot_water_weight: float = 0.0  # g: hot water stop at weight
    steam_temperature: float = 0.0  # °C: steam stops when the milk gets there
    probe_lag: float = DEFAULT_PROBE_LAG  # s: the milk probe's time constant
    firmware_build: int | None = None  # move on weight needs 1260

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            values = value if isinstance(value, tuple) else (value,)
            for number in values:
                numeric = isinstance(number, float | int) and not isinstance(number, bool)
                if numeric and (not math.isfinite(number) or number < 0):
                    raise ShotConfigError(f"{item.name} must be finite and ≥ 0, not {number}")

    @classmethod
    def from_profile(
        cls,
        profile: Profile,
        *,
        key: str | None = None,
        time_limit: float = 0.0,
        hot_water_weight: float = 0.0,
        steam_temperature: float = 0.0,
        probe_lag: float = DEFAULT_PROBE_LAG,
        firmware_build: int | None = None,
    ) -> ShotPlan:
        """The plan of a profile: its target weight and volume and its steps' weights."""
        weights = tuple(step.weight for step in profile.steps)
        return cls(
            profile_key=profile.title if key is None else key,
            target_weight=profile.target_weight,
            target_volume=profile.target_volume,
            time_limit=time_limit,
            step_weights=weights if any(weights) else (),
            hot_water_weight=hot_water_weight,
            steam_temperature=steam_temperature,
            probe_lag=probe_lag,
            firmware_build=firmware_build,
        )
