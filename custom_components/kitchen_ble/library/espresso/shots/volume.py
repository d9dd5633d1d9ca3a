"""Pour volume from the DE1's flow (de1.md §9.6: volume comes from integration).

Each ShotSample's GroupFlow (mL/s) counts over the time since the previous
sample (trapezoids), by the caller's arrival clock; a gap longer than
``max_gap`` (a lost sample or two) counts as one nominal period, so a stalled
link does not add a made-up volume.
"""

from __future__ import annotations

import math
from typing import Final

SAMPLE_PERIOD: Final = 0.25  # s; 25 AC half-cycles at 50 Hz (§5.1)
MAX_GAP: Final = 1.0  # s


class VolumeCounter:
    """Total volume since the flow began and pour volume since pre-infusion ended."""

    def __init__(self, *, max_gap: float = MAX_GAP) -> None:
        self.max_gap = max_gap
        self.total = 0.0  # mL
        self.pour = 0.0  # mL
        self.flow = 0.0  # mL/s, the last sample's
        self.period = SAMPLE_PERIOD  # s, the last interval between samples
        self._last: float | None = None
        self._pouring = False

    def reset(self) -> None:
        """A new flow: nothing counted yet."""
        self.total = self.pour = self.flow = 0.0
        self._last = None
        self._pouring = False

    def start_pour(self) -> None:
        """Pre-infusion is over: from now on volume counts as pour volume too."""
        self._pouring = True

    def add(self, now: float, flow: float) -> None:
        """One sample's flow at arrival time ``now``."""
        if not math.isfinite(flow) or not math.isfinite(now):
            return
        flow = max(0.0, flow)
        last = self._last
        if last is not None and now > last:
            interval = now - last
            if interval > self.max_gap:
                interval = SAMPLE_PERIOD
            else:
                self.period = interval
            volume = (self.flow + flow) / 2 * interval
            self.total += volume
            if self._pouring:
                self.pour += volume
        if last is None or now > last:
            self._last = now
        self.flow = flow
