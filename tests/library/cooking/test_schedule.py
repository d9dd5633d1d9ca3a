"""Behind-schedule check: fires once per crossing, with hysteresis in time."""

from __future__ import annotations

import json

import pytest

from custom_components.kitchen_ble.library.cooking.schedule import ScheduleMonitor

READY_BY = 10_000.0


def finishes(monitor: ScheduleMonitor, *predicted: float | None, ready_by: float = READY_BY):
    """Feed predicted finish times (None = unknown) one minute apart; which ones fired."""
    fired = []
    for i, finish in enumerate(predicted):
        now = 1000.0 + 60 * i
        remaining = None if finish is None else finish - now
        fired.append(monitor.update(ready_by, remaining, now))
    return fired


def test_fires_once_past_the_margin_and_rearms_back_on_time() -> None:
    monitor = ScheduleMonitor()  # 10 min margin
    late = READY_BY + 601
    assert finishes(
        monitor,
        READY_BY + 300,  # late but within the margin
        READY_BY + 600,  # exactly the margin: still quiet
        late,  # fires
        late + 900,
        READY_BY + 200,  # better, but not back on time: no re-arm
        late,
        READY_BY,  # back on time: re-armed
        late,  # fires again
    ) == [False, False, True, False, False, False, False, True]


def test_unknown_estimate_changes_nothing() -> None:
    monitor = ScheduleMonitor()
    assert finishes(monitor, READY_BY + 700, None, READY_BY + 700) == [True, False, False]
    assert monitor.behind


def test_no_deadline_no_alert_and_a_new_deadline_asks_again() -> None:
    monitor = ScheduleMonitor(margin=0)
    assert finishes(monitor, READY_BY + 1, ready_by=None) == [False]  # type: ignore[arg-type]
    assert finishes(monitor, READY_BY + 1) == [True]
    assert finishes(monitor, READY_BY + 1, ready_by=READY_BY - 60) == [True]
    assert not ScheduleMonitor().update(None, 60.0, 0.0)


def test_round_trip_keeps_the_fired_state() -> None:
    monitor = ScheduleMonitor()
    finishes(monitor, READY_BY + 700)
    restored = ScheduleMonitor.from_dict(json.loads(json.dumps(monitor.to_dict())))
    assert restored.behind
    assert finishes(restored, READY_BY + 800) == [False]
    assert ScheduleMonitor.from_dict({}).to_dict() == {"ready_by": None, "behind": False}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "schedule: expected an object"),
        ({"behind": 1}, "behind: expected true or false"),
        ({"ready_by": "soon"}, "ready_by: expected a number"),
    ],
)
def test_from_dict_rejects_bad_data(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ScheduleMonitor.from_dict(data)


def test_rejects_negative_margin() -> None:
    with pytest.raises(ValueError, match="margin"):
        ScheduleMonitor(margin=-1)
