"""Plausible cooking physics for emulated thermometers.

Everything is in °C and seconds of device time. Randomness comes from the
device's seeded ``random.Random``, so a run is repeatable.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from enum import StrEnum

from .const import NO_HIGH_LIMIT, NO_LOW_LIMIT

STALL_LOW = 65.0  # °C; large cuts plateau here while moisture evaporates
STALL_HIGH = 75.0
STALL_SLOWDOWN = 8.0  # the curve runs this many times slower inside the stall
READING_NOISE = 0.3  # °C, standard deviation of a probe reading
AMBIENT_SWING = 3.0  # °C, how far a chamber probe wanders around the cooker
AMBIENT_PERIOD = 600.0  # s, the fire's rhythm
AMBIENT_TIME_CONSTANT = 90.0  # s, a chamber probe in air
ELEMENT_TIME_CONSTANT = 240.0  # s, a Pulse heating element


class ProbeKind(StrEnum):
    """What a probe is stuck into."""

    MEAT = "meat"  # approaches the cooker temperature, slowly
    AMBIENT = "ambient"  # measures the chamber, close to the cooker temperature


def approach(value: float, target: float, seconds: float, time_constant: float) -> float:
    """First-order approach of ``value`` to ``target``."""
    return target + (value - target) * math.exp(-seconds / time_constant)


@dataclass
class Probe:
    """One probe socket and what is plugged into it."""

    number: int
    kind: ProbeKind = ProbeKind.MEAT
    plugged: bool = True
    temperature: float = 5.0  # °C now
    time_constant: float = 1500.0  # s; larger cuts take longer
    stall: bool = False  # a large cut that stalls between 65 and 75 °C
    low_limit: int = NO_LOW_LIMIT  # thresholds, in the device unit
    high_limit: int = NO_HIGH_LIMIT
    alarm: bool = False  # latched when a limit is crossed ("beep")
    phase: float = 0.0  # where in the fire's rhythm a chamber probe starts

    def step(self, seconds: float, cooker: float, elapsed: float) -> None:
        """Heat for ``seconds`` in a cooker at ``cooker`` °C."""
        if self.kind is ProbeKind.AMBIENT:
            swing = AMBIENT_SWING * math.sin(2 * math.pi * elapsed / AMBIENT_PERIOD + self.phase)
            self.temperature = approach(
                self.temperature, cooker + swing, seconds, AMBIENT_TIME_CONSTANT
            )
            return
        time_constant = self.time_constant
        if self.stall and STALL_LOW <= self.temperature < STALL_HIGH:
            time_constant *= STALL_SLOWDOWN
        self.temperature = approach(self.temperature, cooker, seconds, time_constant)

    def reading(self, rng: random.Random) -> float:
        """What the probe measures now, noise included (°C)."""
        return self.temperature + rng.gauss(0.0, READING_NOISE)


@dataclass
class HeatingElement:
    """A Pulse heating element: the actual temperature follows the set point."""

    setpoint: int = 0  # °C; 0 is off
    actual: float = 20.0

    def step(self, seconds: float, room: float) -> None:
        """Heat (or cool to the room) for ``seconds``."""
        target = float(self.setpoint) if self.setpoint > 0 else room
        self.actual = approach(self.actual, target, seconds, ELEMENT_TIME_CONSTANT)


@dataclass
class Supply:
    """Something that drains linearly: a battery (%) or a propane tank (0..1)."""

    level: float
    drain_per_hour: float
    full: float = field(default=100.0)

    def step(self, seconds: float) -> None:
        """Drain for ``seconds``."""
        self.level = max(0.0, min(self.full, self.level - self.drain_per_hour * seconds / 3600))


def default_probes(count: int, rng: random.Random, room: float) -> list[Probe]:
    """A believable set-up for ``count`` sockets.

    1: a small cut. 2: a meat probe and a chamber probe. 4: a large cut that
    stalls, a small cut, a chamber probe and an empty socket.
    """
    if count == 1:
        return [Probe(1)]
    chamber = Probe(2, ProbeKind.AMBIENT, temperature=room, phase=rng.uniform(0, 2 * math.pi))
    if count == 2:
        return [Probe(1, time_constant=3600.0, stall=True), chamber]
    chamber.number = 3
    probes = [
        Probe(1, time_constant=3600.0, stall=True),
        Probe(2),
        chamber,
        Probe(4, plugged=False),
    ]
    return probes + [Probe(n, plugged=False) for n in range(5, count + 1)]
