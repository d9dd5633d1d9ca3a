"""SessionManager: one running cook, the archive, persistence, a realistic long cook."""

from __future__ import annotations

import json
import math
import random

import pytest

from custom_components.kitchen_ble.library.cooking.alerts import ProbeAlertEngine
from custom_components.kitchen_ble.library.cooking.manager import SessionError, SessionManager
from custom_components.kitchen_ble.library.cooking.targets import ProbeTarget

T0 = 1_700_000_000.0


def test_start_and_end() -> None:
    manager = SessionManager()
    session = manager.start(T0, name="Ribs", devices=["grill", "smoker"], ready_by=T0 + 3600)
    assert manager.to_dict()["active"] == session.to_dict()
    assert (session.id, session.name, session.ready_by) == ("cook-1700000000", "Ribs", T0 + 3600)
    assert manager.in_session("grill")
    assert not manager.in_session("oven")
    summary = manager.end(T0 + 600)
    assert manager.active is None
    assert not manager.in_session("grill")
    assert summary["duration"] == 600
    assert manager.history == [summary]


def test_one_session_at_a_time_and_nothing_to_end() -> None:
    manager = SessionManager()
    with pytest.raises(SessionError, match="no session"):
        manager.end(T0)
    manager.start(T0, session_id="a")
    with pytest.raises(SessionError, match="'a' is still running"):
        manager.start(T0 + 1)


def test_end_lets_lost_devices_leave_first() -> None:
    manager = SessionManager(grace=60.0)
    session = manager.start(T0, devices=["grill"])
    session.device_lost("grill", T0 + 10)
    manager.end(T0 + 100)
    assert session.members["grill"].status == "left"


def test_history_keeps_the_latest() -> None:
    manager = SessionManager(max_history=3)
    for i in range(5):
        manager.start(T0 + 1000 * i, session_id=f"s{i}")
        manager.end(T0 + 1000 * i + 10)
    assert [summary["id"] for summary in manager.history] == ["s2", "s3", "s4"]


def test_round_trip_with_a_running_session() -> None:
    manager = SessionManager()
    manager.start(T0, devices=["grill"])
    manager.active.record_reading("grill", 1, 40.0, T0 + 5)  # type: ignore[union-attr]
    restored = SessionManager.from_dict(json.loads(json.dumps(manager.to_dict())))
    assert restored.active == manager.active
    assert restored.end(T0 + 60) == manager.end(T0 + 60)
    again = SessionManager.from_dict(json.loads(json.dumps(manager.to_dict())), max_history=0)
    assert again.active is None
    assert again.history == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "session manager: expected an object"),
        ({"active": 5}, "session: expected an object"),
        ({"history": {}}, "history: expected a list"),
        ({"history": [3]}, "summary: expected an object"),
    ],
)
def test_from_dict_rejects_bad_data(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SessionManager.from_dict(data)


def test_twelve_hour_cook_with_eight_probes_summarises_well_under_32_kib() -> None:
    """Two four-probe thermometers, readings every 5 s, noisy, with alerts all night."""
    rng = random.Random(12)
    manager = SessionManager()
    devices = ["AA:BB:CC:DD:EE:01", "AA:BB:CC:DD:EE:02"]
    session = manager.start(T0, name="Overnight brisket and shoulder", devices=devices)
    engines = [
        ProbeAlertEngine(
            device_id,
            probe,
            ProbeTarget(target=95.0, label=f"Brisket point {probe}")
            if probe < 4
            else ProbeTarget(label="Pit", range_min=105.0, range_max=125.0),
        )
        for device_id in devices
        for probe in range(1, 5)
    ]
    now = T0
    for step in range(12 * 720):
        now = T0 + 5 * step
        for engine in engines:
            if engine.probe == 4:
                temp = 115 + 15 * math.sin(step / 300) + rng.gauss(0, 1)
            else:
                temp = 100 - 95 * math.exp(-step / (1500 * engine.probe)) + rng.gauss(0, 0.3)
            for alert in engine.update(temp, now, in_session=manager.in_session(engine.device_id)):
                session.record_alert(alert)
            session.record_reading(
                engine.device_id, engine.probe, temp, now, target=engine.target.target
            )
    assert len(json.dumps(manager.to_dict())) < 256 * 1024  # the live state stays bounded too
    summary = manager.end(now)
    size = len(json.dumps(summary))
    assert size < 24 * 1024
    assert len(summary["probes"]) == 8
    assert sum(summary["alert_counts"].values()) > 100  # reminders all night
    brisket = summary["probes"][0]
    assert brisket["reached_at"] is not None
    offset = round(brisket["reached_at"] - T0)
    assert any(abs(t - offset) <= 5 for t, _ in brisket["curve"])  # crossing kept


def test_rejects_negative_settings() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        SessionManager(max_history=-1)
