"""Figures the benchmark modules record, and the table printed at the end of the run.

A figure is a measurement of the integration ("ours") beside a floor measured
in the same run: the same work done by Home Assistant alone, or the naive
approach. It is compared either as a ratio (``ours / floor``, for times) or as
a difference (``ours - floor``, for memory). An aim is an upper bound on that
comparison, or on ``ours`` itself when there is no floor; missing it is
reported, never an error: the machines are shared and noisy.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Compare(StrEnum):
    """How a figure is set against its floor."""

    RATIO = "ratio"  # ours / floor
    DIFFERENCE = "difference"  # ours - floor, in the figure's unit


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One line of the table."""

    name: str
    unit: str
    ours: float
    floor: float | None = None
    compare: Compare = Compare.RATIO
    aim: float | None = None  # bound on versus (with a floor) or on ours (without)

    @property
    def versus(self) -> float | None:
        """Ours against the floor, as ``compare`` says; None without a floor."""
        if self.floor is None:
            return None
        if self.compare is Compare.RATIO:
            return self.ours / self.floor if self.floor > 0 else math.inf
        return self.ours - self.floor

    @property
    def meets_aim(self) -> bool | None:
        """Whether the aim is met; None when there is no aim."""
        if self.aim is None:
            return None
        judged = self.versus if self.floor is not None else self.ours
        assert judged is not None
        return judged <= self.aim


FIGURES: list[Figure] = []
NOTES: list[str] = []


def record(
    name: str,
    unit: str,
    ours: float,
    floor: float | None = None,
    *,
    compare: Compare = Compare.RATIO,
    aim: float | None = None,
) -> Figure:
    """Add a figure to the table. Nonsense (not finite, a time <= 0) is a crash."""
    for value in (ours, floor):
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{name}: {value} is not a measurement")
    if compare is Compare.RATIO and (ours <= 0 or (floor is not None and floor <= 0)):
        raise ValueError(f"{name}: a ratio needs positive figures, got {ours} and {floor}")
    figure = Figure(name=name, unit=unit, ours=ours, floor=floor, compare=compare, aim=aim)
    FIGURES.append(figure)
    return figure


def note(text: str) -> None:
    """A line printed under the table (context: sample counts, totals)."""
    NOTES.append(text)


# --- statistics ----------------------------------------------------------------


def median(samples: Sequence[float]) -> float:
    """The median; at least one sample."""
    if not samples:
        raise ValueError("no samples")
    return statistics.median(samples)


def percentile(samples: Sequence[float], percent: int) -> float:
    """The ``percent``-th percentile (inclusive method); at least two samples."""
    if len(samples) < 2:
        raise ValueError("a percentile needs at least two samples")
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


# --- the table -----------------------------------------------------------------


def _number(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _with_unit(value: float, unit: str) -> str:
    return f"{_number(value)} {unit}" if unit else _number(value)


def _versus(figure: Figure) -> str:
    versus = figure.versus
    if versus is None:
        return "—"
    if figure.compare is Compare.RATIO:
        return f"{_number(versus)}×"
    return f"{'+' if versus >= 0 else ''}{_with_unit(versus, figure.unit)}"


def _aim(figure: Figure) -> str:
    if figure.aim is None:
        return "—"
    if figure.floor is None:
        bound = f"≤ {_with_unit(figure.aim, figure.unit)}"
    elif figure.compare is Compare.RATIO:
        bound = f"≤ {_number(figure.aim)}×"
    else:
        bound = f"≤ +{_with_unit(figure.aim, figure.unit)}"
    return f"{bound}  {'ok' if figure.meets_aim else 'over aim'}"


def table(figures: Sequence[Figure]) -> list[str]:
    """The figures as aligned text lines, header first."""
    header = ("figure", "ours", "floor", "vs floor", "aim")
    rows = [
        (
            figure.name,
            _with_unit(figure.ours, figure.unit),
            "—" if figure.floor is None else _with_unit(figure.floor, figure.unit),
            _versus(figure),
            _aim(figure),
        )
        for figure in figures
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first, *numbers, aim = cells
        padded = [first.ljust(widths[0])]
        padded += [cell.rjust(width) for cell, width in zip(numbers, widths[1:-1], strict=True)]
        padded.append(aim.ljust(widths[-1]))
        return " | ".join(padded).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    return [line(header), rule, *(line(row) for row in rows)]
