"""Flow from a stream of scale weights, and each family's sensor lag (fact sheet §7).

The estimators are pyDE1's (§7.2): the flow is a finite difference over 11
samples (10 periods) divided by an *estimated* period, not by the jittery
arrival times (a Skale bulks two or more reports into one 150 ms slot); the
bump-resistant alternatives are medians. History starts over after a gap of
more than 0.8 s and once a tare is seen.

Bump resistance: when the average flow is implausible (beyond 10 g/s), the
espresso machine's own flow × 1.1 is used if it is under 0.6 s old, else the
median flow, and the median weight replaces the current one. pyDE1 checks only
a flow above +10 g/s; a knock's sample also makes the flow implausibly
negative once it is the window's oldest, so both directions count here.
Negative flows are clamped to 0.

The period estimate is pyDE1's slow moving average (gain 1/10000), but it
starts as the running mean of the intervals seen so far (gain 1/n until n
reaches 10000) instead of at 0.1 s for 17 minutes: nothing here persists a
period per scale the way pyDE1 does, and an Acaia may send 5 a second.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from statistics import median
from types import MappingProxyType
from typing import Final

from .acaia.models import FAMILY as ACAIA
from .bookoo.models import FAMILY as BOOKOO
from .decent_scale.models import FAMILY as DECENT_SCALE
from .felicita.models import FAMILY as FELICITA
from .scale import WeightSample
from .skale.models import FAMILY as SKALE

DEFAULT_SENSOR_LAG: Final = 0.38  # s; de1app and pyDE1 default
# pyDE1's figure for every Acaia ("Lunar on 'fast' filtering", §7.1).
ACAIA_FAST_FILTER_LAG: Final = 0.38

# Seconds from a weight on the scale to its arrival here: de1app's sensor_lag,
# each Hoffmann measurement plus ~50 ms of BLE (§7.1). Bookoo has no published
# figure and gets the default. Acaia is disputed (0.69 vs pyDE1's 0.38, §2.6):
# the measured figure is kept here; the caller may configure another.
SENSOR_LAG: Final[Mapping[str, float]] = MappingProxyType(
    {
        SKALE: 0.38,  # Hoffmann 0.33 s
        ACAIA: 0.69,  # Hoffmann 0.64 s
        FELICITA: 0.50,  # Hoffmann 0.45 s
        DECENT_SCALE: 0.38,  # de1app, no measurement cited
        BOOKOO: DEFAULT_SENSOR_LAG,  # nothing published
    }
)

NOMINAL_PERIOD: Final = 0.1  # s
PERIOD_GAIN: Final = 1e-4
PERIOD_MAX_INTERVAL: Final = 0.5  # s; longer intervals are gaps, not periods
RESET_GAP: Final = 0.8  # s; "a skip of three at 150 ms per update"
AVERAGE_SAMPLES: Final = 11  # AverageFlow(11), MedianWeight(11)
MEDIAN_GROUP: Final = 5  # MedianFlow(11, 5)
HISTORY: Final = AVERAGE_SAMPLES + MEDIAN_GROUP - 1  # 15 samples
BUMP_FLOW: Final = 10.0  # g/s
MACHINE_FLOW_FACTOR: Final = 1.1
MACHINE_FLOW_MAX_AGE: Final = 0.6  # s
TARE_SEEN_WEIGHT: Final = 0.05  # g
TARE_SEEN_WITHIN: Final = 1.0  # s


def sensor_lag(family: str) -> float:
    """The family's sensor lag in seconds, or the default for a family without one."""
    return SENSOR_LAG.get(family, DEFAULT_SENSOR_LAG)


class FlowSource(StrEnum):
    """Where an estimate's flow comes from."""

    AVERAGE = "average"
    MEDIAN = "median"
    MACHINE = "machine"


@dataclass(frozen=True, slots=True)
class FlowEstimate:
    """Weight and flow as of one sample, with lag-corrected times."""

    time: float  # when the weight was on the scale: arrival - sensor lag
    weight: float  # grams: the latest, or the median when resisting a bump
    flow: float  # g/s, never negative
    flow_time: float  # the flow window's mean time, lag-corrected
    source: FlowSource
    median_weight: bool

    def seconds_to(self, target: float) -> float | None:
        """Seconds from ``time`` until ``target`` grams at this flow; None without flow."""
        if self.flow <= 0:
            return None
        return (target - self.weight) / self.flow


class PeriodEstimator:
    """The scale's update period: a running mean, then a slow moving average."""

    def __init__(
        self, period: float = NOMINAL_PERIOD, *, count: int = 0, gain: float = PERIOD_GAIN
    ) -> None:
        self.period = period  # s
        self.count = count  # intervals averaged so far (persist it with the period)
        self.gain = gain

    def add(self, interval: float) -> None:
        """One interval between arrivals; gaps and negative ones are ignored.

        An interval of 0 counts: a Skale bulks two or more reports into one
        150 ms delivery (§1.4), and skipping those would make its 0.1 s period
        look like 0.15 s and every flow a third too low.
        """
        if not 0 <= interval < PERIOD_MAX_INTERVAL:
            return
        self.count += 1
        gain = max(self.gain, 1 / self.count)
        self.period += gain * (interval - self.period)


class FlowEstimator:
    """Weight and flow from the samples of one scale, resistant to bumps."""

    def __init__(
        self,
        *,
        lag: float = DEFAULT_SENSOR_LAG,
        period: PeriodEstimator | None = None,
        bump_flow: float = BUMP_FLOW,
        force_median_weight: bool = False,
        force_median_flow: bool = False,
    ) -> None:
        self.lag = lag
        self.period = period or PeriodEstimator()
        self.bump_flow = bump_flow
        self.force_median_weight = force_median_weight
        self.force_median_flow = force_median_flow
        self._times: deque[float] = deque(maxlen=HISTORY)
        self._weights: deque[float] = deque(maxlen=HISTORY)
        self._machine: tuple[float, float] | None = None  # (flow, time)
        self._tare_at: float | None = None

    def reset(self) -> None:
        """Forget the history (a new scale, a new shot); the period stays."""
        self._times.clear()
        self._weights.clear()

    def tare_requested(self, now: float) -> None:
        """A tare was sent: start over once a weight near 0 g arrives within 1 s."""
        self._tare_at = now

    def machine_flow(self, flow: float, now: float) -> None:
        """The espresso machine's own flow estimate (g/s), arrival time in the same clock."""
        self._machine = (flow, now)

    def add_sample(self, sample: WeightSample) -> FlowEstimate | None:
        """``add`` for a driver's sample."""
        return self.add(sample.time, sample.grams)

    def add(self, arrival: float, grams: float) -> FlowEstimate | None:
        """One accepted weight and its arrival time; the estimate, once 11 samples are in."""
        if self._times:
            interval = arrival - self._times[-1]
            if interval > RESET_GAP:
                self.reset()
            else:
                self.period.add(interval)
        if self._tare_at is not None:
            if arrival - self._tare_at > TARE_SEEN_WITHIN:
                self._tare_at = None
            elif abs(grams) < TARE_SEEN_WEIGHT:
                self._tare_at = None
                self.reset()
        self._times.append(arrival)
        self._weights.append(grams)
        if len(self._weights) < AVERAGE_SAMPLES:
            return None
        return self._estimate(arrival)

    def _estimate(self, arrival: float) -> FlowEstimate:
        weights = list(self._weights)
        span = (AVERAGE_SAMPLES - 1) * self.period.period
        average = (weights[-1] - weights[-AVERAGE_SAMPLES]) / span
        bumped = abs(average) > self.bump_flow
        flow, source = average, FlowSource.AVERAGE
        if bumped and (machine := self._fresh_machine_flow(arrival)) is not None:
            flow, source = machine, FlowSource.MACHINE
        elif bumped or self.force_median_flow:
            flow, source = self._median_flow(weights, span), FlowSource.MEDIAN
        use_median = bumped or self.force_median_weight
        weight = median(weights[-AVERAGE_SAMPLES:]) if use_median else weights[-1]
        times = list(self._times)[-AVERAGE_SAMPLES:]
        return FlowEstimate(
            time=arrival - self.lag,
            weight=weight,
            flow=max(flow, 0.0),
            flow_time=sum(times) / len(times) - self.lag,
            source=source,
            median_weight=use_median,
        )

    def _fresh_machine_flow(self, now: float) -> float | None:
        if self._machine is None:
            return None
        flow, at = self._machine
        return flow * MACHINE_FLOW_FACTOR if now - at < MACHINE_FLOW_MAX_AGE else None

    @staticmethod
    def _median_flow(weights: list[float], span: float) -> float:
        """Median of the last 5 minus the median of the 5 ending 10 earlier, over 10 periods.

        Needs 15 samples; with fewer there is no trustworthy flow yet: 0.
        """
        if len(weights) < HISTORY:
            return 0.0
        recent = median(weights[-MEDIAN_GROUP:])
        earlier = median(weights[-HISTORY : -HISTORY + MEDIAN_GROUP])
        return (recent - earlier) / span
