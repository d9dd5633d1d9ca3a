"""The scale's update period from arrival times, counting reports that arrive together.

``PeriodEstimator`` (pyDE1's) skips intervals of zero. A Skale bulks two or
more reports into one 150 ms delivery slot (scales.md §1.4), so its
positive intervals average 0.15 s while it reports every 0.1 s, and every
flow divided by that period comes out a third too low. Counting the zero
intervals too, the mean interval is the report period whatever the
delivery slots.
"""

from __future__ import annotations

from ...devices.scale_flow import PERIOD_MAX_INTERVAL, PeriodEstimator


class ArrivalPeriod(PeriodEstimator):
    """``PeriodEstimator`` whose mean counts reports that arrived in one delivery."""

    def add(self, interval: float) -> None:
        """One interval between arrivals (0 for a report delivered with the previous one)."""
        if not 0 <= interval < PERIOD_MAX_INTERVAL:
            return
        self.count += 1
        gain = max(self.gain, 1 / self.count)
        self.period += gain * (interval - self.period)
