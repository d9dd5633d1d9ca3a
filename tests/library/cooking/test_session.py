"""Sessions: devices joining, dropping out and rejoining; statistics; alerts; persistence."""

from __future__ import annotations

import json

import pytest

from custom_components.kitchen_ble.library.cooking.alerts import Alert, AlertType
from custom_components.kitchen_ble.library.cooking.session import (
    MAX_ALERTS,
    SUMMARY_ALERTS,
    DeviceStatus,
    Membership,
    Session,
)

T0 = 1_700_000_000.0


def cook(*devices: str) -> Session:
    session = Session("cook-1", "Sunday roast", T0)
    for device_id in devices:
        session.add_device(device_id, T0)
    return session


def reached(device_id: str, at: float, kind: AlertType = AlertType.REACHED) -> Alert:
    return Alert(kind, device_id, 1, "Roast", 60.2, 60.0, at)


def test_devices_join_at_start_and_mid_cook() -> None:
    session = cook("grill")
    assert session.record_reading("grill", 1, 20.0, T0 + 10)
    assert not session.record_reading("smoker", 1, 20.0, T0 + 10)  # not in the cook
    session.add_device("smoker", T0 + 3600)
    assert session.record_reading("smoker", 1, 90.0, T0 + 3601)
    assert session.devices == {"grill", "smoker"}
    assert session.members["smoker"] == Membership(DeviceStatus.ACTIVE, T0 + 3600)


def test_adding_an_active_device_again_changes_nothing() -> None:
    session = cook("grill")
    session.add_device("grill", T0 + 50)
    assert session.members["grill"].since == T0


def test_lost_device_rejoins_by_itself_within_the_grace_period() -> None:
    session = cook("grill")
    alert = session.device_lost("grill", T0 + 100)
    assert alert == Alert(AlertType.DEVICE_DISCONNECTED, "grill", None, "", None, None, T0 + 100)
    assert session.alerts == [alert]
    assert not session.is_active("grill")
    assert session.device_lost("grill", T0 + 110) is None  # already lost: one alert only
    assert session.record_reading("grill", 1, 50.0, T0 + 100 + 600)  # exactly at the grace
    assert session.is_active("grill")
    assert session.probes["grill", 1].final == 50.0


def test_lost_device_has_left_after_the_grace_period() -> None:
    session = cook("grill")
    session.device_lost("grill", T0 + 100)
    assert not session.device_back("grill", T0 + 701)
    assert session.members["grill"] == Membership(DeviceStatus.LEFT, T0 + 700)
    assert not session.record_reading("grill", 1, 50.0, T0 + 800)
    assert ("grill", 1) not in session.probes
    session.add_device("grill", T0 + 900)  # the user brings it back
    assert session.record_reading("grill", 1, 50.0, T0 + 901)


def test_expire_reports_devices_that_ran_out_of_grace() -> None:
    session = cook("grill", "smoker")
    session.device_lost("grill", T0)
    session.device_lost("smoker", T0 + 300)
    assert session.expire(T0 + 650) == ["grill"]
    assert session.expire(T0 + 950) == ["smoker"]
    assert session.expire(T0 + 2000) == []


def test_device_back_for_active_and_unknown_devices() -> None:
    session = cook("grill")
    assert session.device_back("grill", T0 + 1)
    assert not session.device_back("stranger", T0 + 1)
    assert session.device_lost("stranger", T0 + 1) is None


def test_grace_is_configurable() -> None:
    session = Session("c", "", T0, grace=60.0)
    session.add_device("grill", T0)
    session.device_lost("grill", T0)
    assert not session.device_back("grill", T0 + 61)


def test_ended_session_takes_nothing_in() -> None:
    session = cook("grill")
    session.ended_at = T0 + 10
    assert not session.is_active("grill")
    assert not session.record_reading("grill", 1, 20.0, T0 + 11)
    assert session.device_lost("grill", T0 + 11) is None


def test_unplugged_reading_keeps_the_device_in_but_records_nothing() -> None:
    session = cook("grill")
    assert session.record_reading("grill", 2, None, T0 + 5)
    assert session.probes == {}


def test_reminders_are_counted_not_listed_and_the_list_is_capped() -> None:
    session = cook("grill")
    session.record_alert(reached("grill", T0 + 1))
    for i in range(50):
        session.record_alert(reached("grill", T0 + 300 * i, AlertType.REMINDER))
    assert [a.type for a in session.alerts] == [AlertType.REACHED]
    assert session.alert_counts == {"reached": 1, "reminder": 50}
    for i in range(MAX_ALERTS + 10):
        session.record_alert(reached("grill", T0 + i, AlertType.RANGE_LEFT))
    assert len(session.alerts) == MAX_ALERTS
    assert session.alert_counts["range_left"] == MAX_ALERTS + 10


def test_summary() -> None:
    session = cook("grill", "smoker")
    session.ready_by = T0 + 7200
    for i in range(400):
        now = T0 + 15 * i
        session.record_reading("grill", 1, 20.0 + i * 0.1, now, target=60.0, label="Roast")
        session.record_reading("smoker", 4, 110.0, now)
    session.record_alert(reached("grill", T0 + 15 * 400 - 15))
    session.record_alert(reached("grill", T0 + 15 * 400, AlertType.REMINDER))
    session.ended_at = T0 + 6000
    summary = json.loads(json.dumps(session.summary()))
    assert summary["duration"] == 6000
    assert summary["devices"] == ["grill", "smoker"]
    assert summary["ready_by"] == T0 + 7200
    grill, smoker = summary["probes"]
    assert (grill["device_id"], grill["probe"], grill["label"]) == ("grill", 1, "Roast")
    assert (grill["min"], grill["max"], grill["final"]) == (20.0, 59.9, 59.9)
    assert grill["reached_at"] is None
    assert (smoker["min"], smoker["max"], smoker["target"]) == (110.0, 110.0, None)
    assert summary["alert_counts"] == {"reached": 1, "reminder": 1}
    assert summary["alerts"] == [
        {
            "type": "reached",
            "device_id": "grill",
            "probe": 1,
            "temperature": 60.2,
            "target": 60.0,
            "offset": 5985,
        }
    ]
    assert summary["alerts_not_listed"] == 1


def test_summary_lists_a_limited_number_of_alerts() -> None:
    session = cook("grill")
    for i in range(SUMMARY_ALERTS + 5):
        session.record_alert(reached("grill", T0 + i))
    summary = session.summary()
    assert len(summary["alerts"]) == SUMMARY_ALERTS
    assert summary["alerts_not_listed"] == 5
    assert summary["duration"] is None  # not ended yet


def test_round_trip_mid_cook() -> None:
    session = cook("grill", "smoker")
    for i in range(100):
        session.record_reading("grill", 1, 20.0 + i, T0 + 15 * i, target=60.0, label="Roast")
    session.record_alert(reached("grill", T0 + 600))
    session.record_alert(reached("grill", T0 + 900, AlertType.REMINDER))
    session.device_lost("smoker", T0 + 1000)
    restored = Session.from_dict(json.loads(json.dumps(session.to_dict())))
    assert restored == session
    # and it carries on: the lost device still rejoins within its grace
    assert restored.record_reading("smoker", 1, 100.0, T0 + 1500)


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"id": None}, "id: expected a string"),
        ({"started_at": "noon"}, "started_at: expected a number"),
        ({"members": {"grill": {"status": "asleep", "since": 0.0}}}, "status: 'asleep'"),
        ({"members": {"grill": {"status": "active"}}}, "since: expected a number"),
        ({"members": []}, "members: expected an object"),
        ({"probes": [{"device_id": "grill"}]}, "probe: expected an integer"),
        ({"alerts": [{"type": "reached"}]}, "device_id: expected a string"),
        ({"alert_counts": {"reached": 1.5}}, "alert count: expected an integer"),
    ],
)
def test_from_dict_rejects_bad_data(patch: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Session.from_dict(cook("grill").to_dict() | patch)


def test_from_dict_minimal() -> None:
    session = Session.from_dict({"id": "x", "started_at": 5.0})
    assert (session.id, session.name, session.members, session.ended_at) == ("x", "", {}, None)


@pytest.mark.parametrize("ready_by", [1e300, -1.0, 253_402_128_001.0])
def test_a_stored_ready_by_beyond_the_calendar_is_refused(ready_by: float) -> None:
    """A ready-by time is at most 9999-12-30 (the latest date every time zone can show)."""
    stored = cook("a").to_dict()
    stored["ready_by"] = ready_by
    with pytest.raises(ValueError, match="ready_by"):
        Session.from_dict(stored)
    stored["ready_by"] = 253_402_128_000.0
    assert Session.from_dict(stored).ready_by == 253_402_128_000.0
