"""A DE1 profile as typed values, field for field JSON v2.1 (profiles fact sheet §2.2, §2.3).

The model does not validate: readers check what they read and the frame
encoder checks what a frame can carry, each naming the step and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

JSON_VERSION: Final = "2.1"  # what profiles made here (legacy conversions, built-ins) say
ADVANCED_LEGACY_TYPE: Final = "settings_2c"
ADVANCED_EDITOR: Final = "advanced"


class Pump(StrEnum):
    """What the step controls: pressure (bar) or flow (mL/s)."""

    PRESSURE = "pressure"
    FLOW = "flow"


class Transition(StrEnum):
    """Jump to the setpoint at once, or ramp to it over the step."""

    FAST = "fast"
    SMOOTH = "smooth"


class Sensor(StrEnum):
    """Which temperature the step targets: the basket (coffee) or the mix (water)."""

    COFFEE = "coffee"
    WATER = "water"


class ExitType(StrEnum):
    """The quantity an early exit compares."""

    PRESSURE = "pressure"
    FLOW = "flow"


class ExitCondition(StrEnum):
    """Exit when the quantity goes over or under the value."""

    OVER = "over"
    UNDER = "under"


class BeverageType(StrEnum):
    """The profile's purpose; Visualizer uploads skip cleaning and calibrate."""

    ESPRESSO = "espresso"
    CALIBRATE = "calibrate"
    CLEANING = "cleaning"
    MANUAL = "manual"
    POUROVER = "pourover"
    TEA_PORTAFILTER = "tea_portafilter"
    FILTER = "filter"
    TEA = "tea"


@dataclass(frozen=True, slots=True)
class StepExit:
    """Leave the step early when ``type`` goes ``condition`` ``value``."""

    type: ExitType
    condition: ExitCondition
    value: float


@dataclass(frozen=True, slots=True)
class Limiter:
    """Cap on the quantity the step does not control (flow on pressure steps, and back).

    ``value`` is always > 0; readers turn de1app's ``value 0`` into no limiter.
    """

    value: float
    range: float


@dataclass(frozen=True, slots=True)
class Step:
    """One step (one DE1 frame, plus an extension frame when it has a limiter)."""

    name: str
    pump: Pump
    pressure: float  # bar; the setpoint when pump is pressure, otherwise informational
    flow: float  # mL/s; the setpoint when pump is flow, otherwise informational
    transition: Transition
    temperature: float  # °C
    sensor: Sensor
    seconds: float
    volume: float = 0.0  # mL poured in the step before moving on; 0 = no limit
    weight: float = 0.0  # g in the cup before moving on, done by the app; 0 = off
    exit: StepExit | None = None
    limiter: Limiter | None = None

    @property
    def setpoint(self) -> float:
        """The value the pump targets: pressure or flow, by ``pump``."""
        return self.flow if self.pump is Pump.FLOW else self.pressure


@dataclass(frozen=True, slots=True)
class Profile:
    """A whole profile: what the DE1 runs plus what the app does around it."""

    title: str
    steps: tuple[Step, ...]
    author: str = ""
    notes: str = ""
    beverage_type: BeverageType = BeverageType.ESPRESSO
    target_weight: float = 0.0  # g; app-side stop at weight, 0 = off
    target_volume: float = 0.0  # mL; app-side stop at volume, 0 = off
    target_volume_count_start: int = 0  # leading steps counted as preinfusion
    tank_temperature: float = 0.0  # °C; 0 = do not preheat the tank
    version: str = JSON_VERSION
    legacy_profile_type: str = ADVANCED_LEGACY_TYPE  # de1app editor hints only
    editor_type: str = ADVANCED_EDITOR  # JSON "type"
    lang: str = "en"
    hidden: bool = False
    reference_file: str = ""
