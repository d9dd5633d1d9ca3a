"""The machine's heaters: a power-limited rise, then a first-order settle.

A cold group warms at a bounded rate and slows as it nears its target, so a
wake from cold takes minutes (``speed`` scales that). With no target, or a
target below the current temperature, it cools toward the room.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

ROOM: Final = 20.0  # °C


@dataclass
class Heater:
    """One heater and the mass it warms."""

    temperature: float
    max_rate: float  # °C/s at full power
    settle_time: float  # s; the approach near the target
    cool_time: float  # s; losses to the room when not heating

    def step(self, target: float | None, seconds: float, speed: float = 1.0) -> None:
        """Heat toward ``target`` (None or 0: off) for ``seconds``."""
        if target and target > self.temperature:
            gap = target - self.temperature
            settle = self.settle_time / speed
            rate = self.max_rate * speed
            if gap > rate * settle:
                # Full power until the settle region, then the exponential tail.
                full = min(seconds, (gap - rate * settle) / rate)
                self.temperature += rate * full
                seconds -= full
                gap = target - self.temperature
            self.temperature = target - gap * math.exp(-seconds / settle)
            return
        floor = max(ROOM, target or ROOM)
        self.temperature = floor + (self.temperature - floor) * math.exp(-seconds / self.cool_time)


def group_heater(temperature: float = ROOM) -> Heater:
    """The group head: 20 → 94 °C in about seven minutes at speed 1."""
    return Heater(temperature, max_rate=0.25, settle_time=40.0, cool_time=1800.0)


def water_heater(temperature: float = ROOM) -> Heater:
    """The water heater that feeds the mix."""
    return Heater(temperature, max_rate=0.5, settle_time=20.0, cool_time=1200.0)


def steam_heater(temperature: float = ROOM) -> Heater:
    """The steam heater."""
    return Heater(temperature, max_rate=1.0, settle_time=15.0, cool_time=900.0)
