"""A simple simulated vessel (kettle or fermenter) that follows a program's setpoint."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from custom_components.kitchen_ble.library.brewing.alarms import BrewAlarm
from custom_components.kitchen_ble.library.brewing.runner import ProgramRun


@dataclass
class Vessel:
    """Heats or cools towards the setpoint at fixed rates (°C per hour), never overshooting.

    Readings carry seeded Gaussian noise and 0.1 °C rounding like a real probe.
    """

    temperature: float
    heat_rate: float
    cool_rate: float
    seed: int = 1
    noise: float = 0.1
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def advance(self, setpoint: float | None, seconds: float) -> None:
        if setpoint is None:
            return
        if setpoint > self.temperature:
            self.temperature = min(setpoint, self.temperature + self.heat_rate * seconds / 3600)
        else:
            self.temperature = max(setpoint, self.temperature - self.cool_rate * seconds / 3600)

    def reading(self) -> float:
        return round(self.temperature + self.rng.gauss(0.0, self.noise), 1)


@dataclass
class Trace:
    """What happened while driving a run: alarms, and when each step's hold started."""

    alarms: list[BrewAlarm] = field(default_factory=list)
    reached: dict[int, tuple[float, float]] = field(default_factory=dict)  # step: (at, true °C)
    setpoints: list[tuple[float, float | None]] = field(default_factory=list)


def drive(
    run: ProgramRun,
    vessel: Vessel,
    start: float,
    end: float,
    interval: float,
    trace: Trace | None = None,
) -> Trace:
    """Update the run every ``interval`` seconds in (start, end], the vessel following it."""
    trace = Trace() if trace is None else trace
    now = start
    while now < end:
        setpoint = run.setpoint(now)
        now += interval
        vessel.advance(setpoint, interval)
        trace.alarms += run.update(vessel.reading(), now)
        index = run.step_index
        if run.reached and index is not None and index not in trace.reached:
            trace.reached[index] = (now, vessel.temperature)
        trace.setpoints.append((now, run.setpoint(now)))
    return trace
