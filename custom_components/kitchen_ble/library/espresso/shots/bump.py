"""Bump resistance on top of the flow estimator: the DE1's flow stands in for the scale's.

``FlowEstimator`` swaps in the DE1's flow when the scale's flow passes 10 g/s
(§7.2). A knock seen through a scale's filter is a ramp, and its edges can
stay under 10 g/s while lifting the weight by grams. So here a scale flow
is also implausible when it runs well ahead of what the pump delivers
(more than ``1.5 × pump + 2 g/s``; a cup never fills much faster than the
pump pushes). From the first implausible estimate until the scale has been
plausible for ``clean_time`` seconds, the weight is the last plausible one
carried forward at the DE1's flow, and that flow is the flow.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from ...devices.scale_flow import MACHINE_FLOW_MAX_AGE, FlowEstimate, FlowSource

AHEAD_FACTOR: Final = 1.5
AHEAD_MARGIN: Final = 2.0  # g/s
CLEAN_TIME: Final = 2.0  # s; longer than any scale filter's ramp (2 × 0.69 s)


class BumpGuard:
    """Filters flow estimates: plausible ones pass, bumped ones are replaced."""

    def __init__(self, *, clean_time: float = CLEAN_TIME) -> None:
        self.clean_time = clean_time
        self.seen = False  # a bump was seen since the last reset
        self._good: FlowEstimate | None = None
        self._bumped_until: float | None = None
        self._machine: tuple[float, float] | None = None  # (mL/s, arrival)

    def reset(self) -> None:
        """A new flow."""
        self.seen = False
        self._good = None
        self._bumped_until = None

    @property
    def bumped(self) -> bool:
        """Whether estimates are being replaced now."""
        return self._bumped_until is not None

    def machine_flow(self, flow: float, now: float) -> None:
        """The DE1's GroupFlow (mL/s ≈ g/s) from a ShotSample arriving at ``now``."""
        self._machine = (max(0.0, flow), now)

    def filter(self, estimate: FlowEstimate, now: float) -> FlowEstimate:
        """``estimate``, or its stand-in while a bump lasts."""
        machine = self._fresh_machine(now)
        implausible = estimate.source is not FlowSource.AVERAGE or (
            machine is not None and estimate.flow > AHEAD_FACTOR * machine + AHEAD_MARGIN
        )
        if implausible:
            self.seen = True
            self._bumped_until = now + self.clean_time
        elif self._bumped_until is not None and now >= self._bumped_until:
            self._bumped_until = None
        if self._bumped_until is None:
            self._good = estimate
            return estimate
        good = self._good
        if good is None:  # bumped before any good estimate: the estimator's own stand-in
            return estimate
        flow = machine if machine is not None else good.flow
        weight = good.weight + flow * max(0.0, estimate.time - good.time)
        return replace(
            estimate, weight=weight, flow=flow, source=FlowSource.MACHINE, median_weight=False
        )

    def _fresh_machine(self, now: float) -> float | None:
        if self._machine is None:
            return None
        flow, at = self._machine
        return flow if 0 <= now - at < MACHINE_FLOW_MAX_AGE else None
