"""What lies on a scale and what its load cell shows (grams and seconds of device time).

``Cup`` is the truth: cups and doses placed on the platform, liquid that was
poured and reaches the cup a drip delay later, a finger pressing on the cup.
``LoadCell`` is what the scale makes of it: a moving average over twice the
sensor lag, so a steady pour reads exactly ``lag`` seconds late (the lag the
fact sheet's §7.1 gives per family) and a placed cup ramps in smoothly.
``ScaleTimer`` is the scale's own stopwatch.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

STEP: Final = 0.01  # s; the physics grid every scale runs on
GRAMS_PER_OUNCE: Final = 28.349523125
FALL_TIME: Final = 0.17  # s from spout to cup ("14 cm to cup", scales.md §7.2)
_EPSILON: Final = 1e-9

RateSource = Callable[[float], float]
"""Grams per second poured at a device time (s); a DE1's flow can be one."""


@dataclass
class Cup:
    """The load on the platform: what rests on it, what is falling into it, a finger."""

    weight: float = 0.0  # grams resting on the platform
    drip_delay: float = FALL_TIME
    source: RateSource | None = None
    _falling: deque[tuple[float, float]] = field(default_factory=deque, repr=False)
    _bumps: list[tuple[float, float]] = field(default_factory=list, repr=False)

    @property
    def load(self) -> float:
        """What the load cell feels now: the weight plus any finger."""
        return self.weight + sum(grams for _until, grams in self._bumps)

    @property
    def pouring(self) -> bool:
        """Whether a source is pouring."""
        return self.source is not None

    @property
    def dripping(self) -> bool:
        """Whether poured liquid is still on its way to the cup."""
        return bool(self._falling)

    @property
    def bumped(self) -> bool:
        """Whether a finger presses on the cup."""
        return bool(self._bumps)

    def place(self, grams: float) -> None:
        """Put something on the platform (a negative value takes some off)."""
        self.weight = max(0.0, self.weight + grams)

    def clear(self) -> None:
        """Lift everything off; liquid still falling lands on the bare platform."""
        self.weight = 0.0

    def bump(self, grams: float, seconds: float, now: float) -> None:
        """A finger presses ``grams`` onto the cup for ``seconds``."""
        self._bumps.append((now + seconds, grams))

    def receive(self, grams: float, seconds: float, now: float) -> None:
        """``grams`` left the spout over the last ``seconds``: spread, they land a drip delay on."""
        portions = max(1, round(seconds / STEP))
        for k in range(portions):
            self._falling.append((now + self.drip_delay + k * STEP, grams / portions))

    def step(self, now: float, seconds: float) -> None:
        """Pour for ``seconds`` up to ``now``; liquid lands ``drip_delay`` later."""
        if self.source is not None:
            grams = max(0.0, float(self.source(now - seconds))) * seconds
            if grams > 0:
                self._falling.append((now + self.drip_delay, grams))
        while self._falling and self._falling[0][0] <= now + _EPSILON:
            self.weight += self._falling.popleft()[1]
        if self._bumps:
            self._bumps = [(until, g) for until, g in self._bumps if until > now + _EPSILON]


class LoadCell:
    """A moving average over ``2 × lag``: a ramp reads ``lag`` late, a step ramps in."""

    def __init__(self, lag: float, load: float = 0.0) -> None:
        if lag < 0:
            raise ValueError(f"a sensor lag cannot be negative, got {lag}")
        self.lag = lag
        # n samples STEP apart average to the value (n - 1) × STEP / 2 ago.
        self._samples: deque[float] = deque(maxlen=round(2 * lag / STEP) + 1)
        self.reset(load)

    @property
    def value(self) -> float:
        """The filtered load (grams)."""
        return sum(self._samples) / len(self._samples)

    def settled_on(self, load: float) -> bool:
        """Every sample is ``load``: sampling it again changes nothing."""
        return all(sample == load for sample in self._samples)

    def reset(self, load: float) -> None:
        """Power-on: the filter starts settled on ``load``."""
        self._samples.extend([load] * (self._samples.maxlen or 1))

    def sample(self, load: float) -> None:
        """One reading of the raw load, STEP after the previous one."""
        self._samples.append(load)


@dataclass
class ScaleTimer:
    """The scale's stopwatch."""

    running: bool = False
    seconds: float = 0.0

    def start(self) -> None:
        """Start (or go on) counting."""
        self.running = True

    def stop(self) -> None:
        """Pause; the time stays on the display."""
        self.running = False

    def reset(self) -> None:
        """Back to zero, stopped."""
        self.running = False
        self.seconds = 0.0

    def toggle(self) -> None:
        """The timer button: start when stopped, stop when running."""
        self.running = not self.running

    def step(self, seconds: float) -> None:
        """Count ``seconds`` if running."""
        if self.running:
            self.seconds += seconds

    def parts(self) -> tuple[int, int, int]:
        """(minutes, seconds, tenths), as the wire formats carry the time."""
        tenths = int(self.seconds * 10 + _EPSILON)
        return tenths // 600, tenths // 10 % 60, tenths % 10
