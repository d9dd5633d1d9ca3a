"""What the cooking runtime keeps per thermometer and per probe (plain data, no wiring).

Temperatures are °C and times are epoch seconds, as in ``cooking/``. The
device key is the Bluetooth address (the config entry's unique id): unlike
a device registry id it stays the same when a device is removed and added
again, so targets and sessions follow the physical device.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Final

from .alerts import ProbeAlertEngine
from .eta import EtaEstimator
from .schedule import ScheduleMonitor
from .targets import ProbeTarget
from .validation import as_bool, as_mapping

_LOGGER = logging.getLogger(__name__)

MINUTE: Final = 60.0
# The shown arrival moves only when the estimate is this share of the time
# remaining off (at least a minute): every move is a line in the logbook, and
# a smoothed estimate of a long cook wanders by minutes all the time.
MOVE_SHARE: Final = 0.1


@dataclass(eq=False, slots=True)
class ProbeCook:
    """One probe: the user's settings, its alert engine, its time-to-target."""

    key: str
    number: int
    setting: ProbeTarget = field(default_factory=ProbeTarget)
    range_alarm: bool = False  # range alerts only while this is on
    engine: ProbeAlertEngine = field(init=False)
    eta: EtaEstimator = field(default_factory=EtaEstimator)
    schedule: ScheduleMonitor = field(default_factory=ScheduleMonitor)
    temperature: float | None = None  # last reading
    ready_at: datetime | None = None  # shown, whole minutes
    remaining: int | None = None  # shown, whole minutes

    def __post_init__(self) -> None:
        self.engine = ProbeAlertEngine(self.key, self.number, self.effective())

    def effective(self) -> ProbeTarget:
        """The target the alert engine works with: without the range while its alarm is off."""
        if self.range_alarm:
            return self.setting
        return replace(self.setting, range_min=None, range_max=None)

    def device_limits(self) -> tuple[float | None, float | None]:
        """(high, low) for a device's own alarms: the target, else the range while it alarms."""
        limits = self.effective()
        high = limits.target if limits.target is not None else limits.range_max
        return high, limits.range_min

    def apply(self, setting: ProbeTarget, range_alarm: bool) -> None:
        self.setting = setting
        self.range_alarm = range_alarm
        self.engine.set_target(self.effective())

    def update_eta(self, now: float) -> bool:
        """Recompute the shown time to target; True when what is shown changed.

        The arrival time moves with every reading (it is smoothed, not fixed),
        so it is shown to the minute and only moved when it is a tenth of the
        time remaining (and at least a minute) off.
        """
        remaining = self.eta.estimate(self.setting.target, now)
        ready_at = self.ready_at
        minutes: int | None = None
        if remaining is None:
            ready_at = None
        else:
            arrival = now + remaining
            shown = None if ready_at is None else ready_at.timestamp()
            reached_earlier = remaining == 0 and shown is not None and shown <= now
            off = abs(arrival - shown) if shown is not None else math.inf
            if off >= max(MINUTE, MOVE_SHARE * remaining) and not reached_earlier:
                ready_at = datetime.fromtimestamp(round(arrival / MINUTE) * MINUTE, UTC)
            minutes = 0
            if remaining > 0 and ready_at is not None:
                minutes = max(1, math.ceil((ready_at.timestamp() - now) / MINUTE))
        changed = (ready_at, minutes) != (self.ready_at, self.remaining)
        self.ready_at, self.remaining = ready_at, minutes
        return changed

    def to_dict(self) -> dict[str, Any]:
        return {
            "setting": self.setting.to_dict(),
            "range_alarm": self.range_alarm,
            "alerts": self.engine.to_dict(),
            "schedule": self.schedule.to_dict(),
        }

    @classmethod
    def from_dict(cls, key: str, number: int, data: object) -> ProbeCook:
        """Raises ValueError for stored data that does not make sense."""
        raw = as_mapping(data, "probe")
        probe = cls(key, number, ProbeTarget.from_dict(raw.get("setting", {})))
        probe.range_alarm = as_bool(raw.get("range_alarm", False), "range_alarm")
        if "alerts" in raw:
            engine = ProbeAlertEngine.from_dict(raw["alerts"])
            if (engine.device_id, engine.probe) != (key, number):
                raise ValueError("alerts: stored for another probe")
            probe.engine = engine
        probe.engine.set_target(probe.effective())
        if "schedule" in raw:
            probe.schedule = ScheduleMonitor.from_dict(raw["schedule"])
        return probe


@dataclass(eq=False)
class CookDevice[L]:
    """One thermometer as the cooking runtime knows it, loaded or not; ``L`` is its link."""

    # Out of the repr: it names timer jobs (``async_track_time_interval``), which
    # keep that text for as long as the device is set up.
    key: str
    probes: dict[int, ProbeCook] = field(default_factory=dict, repr=False)
    link: L | None = field(default=None, repr=False)  # while its config entry is set up
    device_id: str | None = None  # device registry id, once registered
    available: bool = False  # as last seen, to notice the changes
    connected: bool = False
    unit: str = "°C"  # the device's unit, which its alarm thresholds are in

    def probe(self, number: int) -> ProbeCook:
        probe = self.probes.get(number)
        if probe is None:
            probe = self.probes[number] = ProbeCook(self.key, number)
        return probe

    def to_dict(self) -> dict[str, Any]:
        return {"probes": {str(n): probe.to_dict() for n, probe in sorted(self.probes.items())}}

    @classmethod
    def from_dict(cls, key: str, data: object) -> CookDevice[L]:
        """Probes whose stored data is broken start afresh; the others are kept."""
        device: CookDevice[L] = cls(key)
        for number, raw in as_mapping(
            as_mapping(data, "device").get("probes", {}), "probes"
        ).items():
            try:
                device.probes[int(number)] = ProbeCook.from_dict(key, int(number), raw)
            except ValueError as err:
                _LOGGER.warning("Stored cooking data of %s probe %s ignored: %s", key, number, err)
        return device
