"""Cook sessions: which devices take part, what each probe did, which alerts fired.

A session is started and ended by the user. Devices can join at any time; a
device that drops out is "lost" and rejoins on its own when it is heard from
again within the grace period; after that it has "left" and only an explicit
``add_device`` brings it back (it may have been switched off on purpose).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Self

from .alerts import Alert, AlertType, device_disconnected
from .stats import DEFAULT_CURVE_INTERVAL, DEFAULT_CURVE_LIMIT, ProbeStats
from .validation import (
    MAX_TIMESTAMP,
    as_enum,
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_opt_float,
    as_str,
)

DEFAULT_GRACE: Final = 600.0  # s a lost device may take to come back on its own
MAX_ALERTS: Final = 200  # alerts kept one by one; reminders and the rest are only counted
SUMMARY_ALERTS: Final = 30
SUMMARY_POINTS: Final = 96  # per probe curve in the archived summary


class DeviceStatus(StrEnum):
    ACTIVE = "active"
    LOST = "lost"
    LEFT = "left"


@dataclass(slots=True)
class Membership:
    status: DeviceStatus
    since: float  # when this status began


@dataclass(slots=True)
class Session:
    id: str
    name: str
    started_at: float
    ended_at: float | None = None
    ready_by: float | None = None  # epoch seconds the food should be done by
    members: dict[str, Membership] = field(default_factory=dict)
    probes: dict[tuple[str, int], ProbeStats] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)  # without reminders, at most MAX_ALERTS
    alert_counts: Counter[str] = field(default_factory=Counter)  # every alert, by type
    grace: float = DEFAULT_GRACE
    curve_interval: float = DEFAULT_CURVE_INTERVAL
    curve_limit: int = DEFAULT_CURVE_LIMIT

    @property
    def devices(self) -> set[str]:
        """Every device that took part, whatever its status now."""
        return set(self.members)

    def is_active(self, device_id: str) -> bool:
        """Whether the device is in the cook right now (its probe alerts are session alerts)."""
        member = self.members.get(device_id)
        return self.ended_at is None and member is not None and member.status is DeviceStatus.ACTIVE

    def add_device(self, device_id: str, now: float) -> None:
        member = self.members.get(device_id)
        if member is None or member.status is not DeviceStatus.ACTIVE:
            self.members[device_id] = Membership(DeviceStatus.ACTIVE, now)

    def device_lost(self, device_id: str, now: float) -> Alert | None:
        """An active device disconnected: the alert to raise (already recorded), else None."""
        member = self.members.get(device_id)
        if self.ended_at is not None or member is None or member.status is not DeviceStatus.ACTIVE:
            return None
        self.members[device_id] = Membership(DeviceStatus.LOST, now)
        alert = device_disconnected(device_id, now)
        self.record_alert(alert)
        return alert

    def device_back(self, device_id: str, now: float) -> bool:
        """The device is heard from again; True if it is (still or again) in the cook."""
        self.expire(now)
        member = self.members.get(device_id)
        if self.ended_at is not None or member is None or member.status is DeviceStatus.LEFT:
            return False
        if member.status is DeviceStatus.LOST:
            self.members[device_id] = Membership(DeviceStatus.ACTIVE, now)
        return True

    def expire(self, now: float) -> list[str]:
        """Devices lost for longer than the grace period leave; returns their ids."""
        left = []
        for device_id, member in self.members.items():
            if member.status is DeviceStatus.LOST and now - member.since > self.grace:
                # it left when the grace ran out, whenever we notice
                self.members[device_id] = Membership(DeviceStatus.LEFT, member.since + self.grace)
                left.append(device_id)
        return left

    def record_reading(
        self,
        device_id: str,
        probe: int,
        temperature: float | None,
        now: float,
        *,
        target: float | None = None,
        label: str = "",
    ) -> bool:
        """Account one reading (None = unplugged); False if the device is not in the cook."""
        if not self.device_back(device_id, now):
            return False
        if temperature is not None:
            stats = self.probes.get((device_id, probe))
            if stats is None:
                stats = self.probes[device_id, probe] = ProbeStats(device_id, probe)
            stats.record(
                temperature,
                now,
                target=target,
                label=label,
                curve_interval=self.curve_interval,
                curve_limit=self.curve_limit,
            )
        return True

    def record_alert(self, alert: Alert) -> None:
        self.alert_counts[alert.type.value] += 1
        # a long cook repeats reminders hundreds of times: count them, do not list them
        if alert.type is not AlertType.REMINDER and len(self.alerts) < MAX_ALERTS:
            self.alerts.append(alert)

    def summary(self) -> dict[str, Any]:
        """JSON-ready record of the cook, a few KiB even for 12 hours and 8 probes.

        Keys ending in ``_at`` and ``ready_by`` are absolute times; curve points
        ([seconds since start, °C]) and alert ``offset`` are relative to the start.
        """
        end = self.ended_at
        start = self.started_at
        listed = self.alerts[:SUMMARY_ALERTS]
        return {
            "id": self.id,
            "name": self.name,
            "started_at": start,
            "ended_at": end,
            "duration": None if end is None else end - start,
            "ready_by": self.ready_by,
            "devices": sorted(self.members),
            "probes": [
                self.probes[key].summary(start, SUMMARY_POINTS) for key in sorted(self.probes)
            ],
            "alert_counts": dict(sorted(self.alert_counts.items())),
            "alerts": [_compact_alert(alert, start) for alert in listed],
            "alerts_not_listed": sum(self.alert_counts.values()) - len(listed),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "ready_by": self.ready_by,
            "members": {
                device_id: {"status": member.status.value, "since": member.since}
                for device_id, member in self.members.items()
            },
            "probes": [stats.to_dict() for stats in self.probes.values()],
            "alerts": [alert.to_dict() for alert in self.alerts],
            "alert_counts": dict(self.alert_counts),
        }

    @classmethod
    def from_dict(
        cls,
        data: object,
        *,
        grace: float = DEFAULT_GRACE,
        curve_interval: float = DEFAULT_CURVE_INTERVAL,
        curve_limit: int = DEFAULT_CURVE_LIMIT,
    ) -> Self:
        raw = as_mapping(data, "session")
        members = {}
        for device_id, item in as_mapping(raw.get("members", {}), "members").items():
            entry = as_mapping(item, "member")
            status = as_enum(DeviceStatus, entry.get("status"), "status")
            members[as_str(device_id, "device id")] = Membership(
                status, as_float(entry.get("since"), "since")
            )
        probes = [ProbeStats.from_dict(item) for item in as_list(raw.get("probes", []), "probes")]
        counts: Counter[str] = Counter()
        for kind, count in as_mapping(raw.get("alert_counts", {}), "alert_counts").items():
            counts[as_str(kind, "alert type")] = as_int(count, "alert count")
        return cls(
            id=as_str(raw.get("id"), "id"),
            name=as_str(raw.get("name", ""), "name"),
            started_at=as_float(raw.get("started_at"), "started_at"),
            ended_at=as_opt_float(raw.get("ended_at"), "ended_at"),
            ready_by=_calendar_time(as_opt_float(raw.get("ready_by"), "ready_by"), "ready_by"),
            members=members,
            probes={(stats.device_id, stats.probe): stats for stats in probes},
            alerts=[Alert.from_dict(item) for item in as_list(raw.get("alerts", []), "alerts")],
            alert_counts=counts,
            grace=grace,
            curve_interval=curve_interval,
            curve_limit=curve_limit,
        )


def _compact_alert(alert: Alert, start: float) -> dict[str, Any]:
    """Alert for the archive: the label is in the probe entry, the time is an offset."""
    return {
        "type": alert.type.value,
        "device_id": alert.device_id,
        "probe": alert.probe,
        "temperature": None if alert.temperature is None else round(alert.temperature, 1),
        "target": alert.target,
        "offset": round(alert.at - start),
    }


def _calendar_time(value: float | None, name: str) -> float | None:
    """A stored time every time zone can show (a file with 1e300 would break its entity)."""
    if value is not None and not 0.0 <= value <= MAX_TIMESTAMP:
        raise ValueError(f"{name}: {value:g} is not a time of the calendar")
    return value
