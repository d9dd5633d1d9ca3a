"""The water tank: millimetres on the level sensor against millilitres in the tank.

The conversion is the CAD-derived table Decenza uses (de1.md §5.4), linear
between its points and past the last one.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Final

MM_TO_ML: Final = (
    (0.0, 0.0),
    (10.0, 261.0),
    (20.0, 537.0),
    (30.0, 816.0),
    (40.0, 1104.0),
    (50.0, 1453.0),
    (60.0, 1808.0),
    (65.0, 1986.0),
)
FULL_MM: Final = 65.0


def _interpolate(x: float, points: tuple[tuple[float, float], ...]) -> float:
    xs = [p[0] for p in points]
    i = min(max(bisect_right(xs, x), 1), len(points) - 1)
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def mm_to_ml(mm: float) -> float:
    """Millilitres in the tank at a level of ``mm``."""
    return _interpolate(max(0.0, mm), MM_TO_ML)


def ml_to_mm(ml: float) -> float:
    """The level in mm for ``ml`` in the tank."""
    return _interpolate(max(0.0, ml), tuple((y, x) for x, y in MM_TO_ML))


@dataclass
class Tank:
    """Water left, and the level below which the machine asks for a refill."""

    ml: float
    refill_mm: float = 5.0

    @property
    def level_mm(self) -> float:
        """What the level sensor reports."""
        return ml_to_mm(self.ml)

    @property
    def needs_refill(self) -> bool:
        """Below the refill threshold."""
        return self.level_mm < self.refill_mm

    def draw(self, ml: float) -> None:
        """Take water out (never below empty)."""
        self.ml = max(0.0, self.ml - ml)

    def fill_to(self, mm: float) -> None:
        """Fill (or empty) to a level, capped at full."""
        self.ml = mm_to_ml(min(FULL_MM, mm))
