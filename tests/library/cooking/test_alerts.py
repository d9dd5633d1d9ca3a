"""ProbeAlertEngine: exact alert sequences, hysteresis, reminders, range, plug, persistence."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable

import pytest

from custom_components.kitchen_ble.library.cooking.alerts import (
    Alert,
    AlertType,
    ProbeAlertEngine,
    device_disconnected,
)
from custom_components.kitchen_ble.library.cooking.targets import ProbeTarget

A = AlertType
Reading = tuple[float, float | None]


def run(
    engine: ProbeAlertEngine, readings: Iterable[Reading], *, in_session: bool = False
) -> list[tuple[float, AlertType]]:
    return [
        (alert.at, alert.type)
        for now, temperature in readings
        for alert in engine.update(temperature, now, in_session=in_session)
    ]


def steak(**kwargs: object) -> ProbeAlertEngine:
    target = ProbeTarget(target=60.0, label="Steak", **kwargs)  # type: ignore[arg-type]
    return ProbeAlertEngine("grill", 1, target)


def test_rising_cook_fires_each_level_once_in_order() -> None:
    engine = steak(reminder_interval=0)
    readings = [(0, 40.0), (1, 54.9), (2, 55.0), (3, 57.0), (4, 59.9), (5, 60.0), (6, 62.9)]
    readings += [(7, 63.0), (8, 70.0)]
    assert run(engine, readings) == [(2, A.APPROACHING), (5, A.REACHED), (7, A.EXCEEDED)]


def test_alert_carries_label_reading_and_level() -> None:
    engine = steak()
    (alert,) = engine.update(60.4, 100.0, in_session=False)
    assert alert == Alert(A.REACHED, "grill", 1, "Steak", 60.4, 60.0, 100.0)


def test_jump_over_several_levels_fires_only_the_highest() -> None:
    engine = steak(reminder_interval=0)
    assert run(engine, [(0, 20.0), (1, 70.0), (2, 71.0)]) == [(1, A.EXCEEDED)]
    # the lower levels count as fired: falling to just below target and back is quiet
    assert run(engine, [(3, 59.5), (4, 61.0)]) == []


def test_noise_around_each_level_never_refires() -> None:
    rng = random.Random(7)
    engine = steak(reminder_interval=0)
    readings = [
        (level_index * 600 + i, level + rng.gauss(0.0, 0.5))
        for level_index, level in enumerate((55.0, 60.0, 63.0))  # 10 minutes at each level
        for i in range(600)
    ]
    assert [kind for _, kind in run(engine, readings)] == [A.APPROACHING, A.REACHED, A.EXCEEDED]


def test_crossing_refires_only_after_being_undone_for_the_hold_time() -> None:
    engine = steak(reminder_interval=0)
    assert run(engine, [(0, 60.0)]) == [(0, A.REACHED)]
    # 58.9 is below target - 1 but only for 50 s: not undone, no new alert
    assert run(engine, [(10, 58.9), (60, 58.9), (61, 60.5)]) == []
    # within the hysteresis (59.0 is not below 59.0) time does not count at all
    assert run(engine, [(100, 59.0), (200, 59.0), (201, 60.5)]) == []
    # below for a full minute: undone, the next rise fires again
    assert run(engine, [(300, 58.0), (359, 58.0), (360, 58.0), (361, 60.1)]) == [(361, A.REACHED)]


def test_zero_hold_is_pure_hysteresis() -> None:
    engine = ProbeAlertEngine("d", 1, ProbeTarget(target=60.0, reminder_interval=0), hold=0)
    readings = [(0, 60.0), (1, 59.5), (2, 60.0), (3, 58.9), (4, 60.0)]
    assert run(engine, readings) == [(0, A.REACHED), (4, A.REACHED)]


def test_no_target_means_no_threshold_alerts_and_zero_offset_no_approaching() -> None:
    assert run(ProbeAlertEngine("d", 1), [(0, 20.0), (1, 300.0)]) == []
    engine = steak(pre_alert_offset=0, reminder_interval=0)
    assert run(engine, [(0, 50.0), (1, 59.0), (2, 60.0)]) == [(2, A.REACHED)]


def test_reminders_repeat_on_a_fixed_grid_while_above_target() -> None:
    engine = steak()  # reminder every 300 s
    readings = [(t, 61.0) for t in range(1000, 2300, 10)]
    assert run(engine, readings) == [
        (1000, A.REACHED),
        (1300, A.REMINDER),
        (1600, A.REMINDER),
        (1900, A.REMINDER),
        (2200, A.REMINDER),
    ]


def test_reminder_grid_survives_gaps_between_readings() -> None:
    engine = steak()
    readings = [(0, 61.0), (100, 61.0), (650, 61.0), (899, 61.0), (900, 61.0), (1000, 61.0)]
    assert run(engine, readings) == [(0, A.REACHED), (650, A.REMINDER), (900, A.REMINDER)]


def test_exceeded_restarts_the_reminder_clock() -> None:
    engine = steak()
    readings = [(0, 60.0), (200, 61.0), (250, 63.5), (500, 63.5), (550, 63.5)]
    assert run(engine, readings) == [(0, A.REACHED), (250, A.EXCEEDED), (550, A.REMINDER)]


def test_reminders_stop_when_undone_and_restart_with_the_next_reached() -> None:
    engine = steak()
    readings = [(0, 60.0), (300, 60.0), (310, 50.0), (370, 50.0), (600, 50.0), (900, 50.0)]
    readings += [(1000, 60.0), (1299, 60.0), (1300, 60.0)]
    assert run(engine, readings) == [
        (0, A.REACHED),
        (300, A.REMINDER),
        (1000, A.REACHED),
        (1300, A.REMINDER),
    ]


def test_reminders_off_when_interval_zero() -> None:
    engine = steak(reminder_interval=0)
    assert run(engine, [(t, 61.0) for t in range(0, 3600, 60)]) == [(0, A.REACHED)]


def test_reminders_pause_while_unplugged() -> None:
    engine = steak()
    assert run(engine, [(0, 61.0), (100, None), (400, None), (500, 61.0)]) == [
        (0, A.REACHED),
        (500, A.REMINDER),
    ]


def chamber(**kwargs: object) -> ProbeAlertEngine:
    return ProbeAlertEngine("smoker", 4, ProbeTarget(label="Pit", **kwargs))  # type: ignore[arg-type]


def test_range_left_and_back_with_bounds_as_target() -> None:
    engine = chamber(range_min=100.0, range_max=120.0)
    walk = [(0, 20.0), (10, 90.0), (20, 101.0), (30, 119.0), (40, 121.0), (50, 119.5)]
    walk += [(60, 118.0), (119, 118.0), (120, 118.0), (130, 99.0)]
    alerts = [a for now, temp in walk for a in engine.update(temp, now, in_session=False)]
    assert [(a.at, a.type, a.target) for a in alerts] == [
        (40, A.RANGE_LEFT, 120.0),
        (120, A.RANGE_BACK, 120.0),
        (130, A.RANGE_LEFT, 100.0),
    ]


def test_warming_up_into_the_range_is_not_an_alert() -> None:
    engine = chamber(range_min=100.0, range_max=120.0)
    readings = [(t, 20.0 + t) for t in range(0, 100, 5)]  # up to 115, crossing range_min
    assert run(engine, readings) == []


def test_range_noise_at_a_bound_fires_once() -> None:
    rng = random.Random(3)
    engine = chamber(range_max=120.0)  # one-sided: only too hot matters
    run(engine, [(0, 110.0)])
    readings = [(1 + i, 120.0 + rng.gauss(0.0, 0.6)) for i in range(900)]
    assert [kind for _, kind in run(engine, readings)] == [A.RANGE_LEFT]


def test_leaving_on_the_other_side_without_coming_back_is_quiet() -> None:
    engine = chamber(range_min=100.0, range_max=120.0)
    readings = [(0, 110.0), (10, 95.0), (20, 130.0), (30, 110.0), (90, 110.0)]
    alerts = [
        (a.at, a.type, a.target)
        for now, temp in readings
        for a in engine.update(temp, now, in_session=False)
    ]
    assert alerts == [(10, A.RANGE_LEFT, 100.0), (90, A.RANGE_BACK, 120.0)]


def test_narrow_range_still_has_an_inside() -> None:
    engine = chamber(range_min=100.0, range_max=101.0)  # margin shrinks to 0.25 °C
    assert run(engine, [(0, 100.5), (10, 101.5), (20, 100.5), (80, 100.5)]) == [
        (10, A.RANGE_LEFT),
        (80, A.RANGE_BACK),
    ]


def test_plug_alerts_only_in_session() -> None:
    engine = steak()
    assert run(engine, [(0, 20.0), (1, None), (2, 21.0)], in_session=False) == []
    readings = [(3, None), (4, None), (5, 22.0), (6, 22.0)]
    assert run(engine, readings, in_session=True) == [
        (3, A.PROBE_UNPLUGGED),
        (5, A.PROBE_INSERTED),
    ]


def test_first_reading_unplugged_is_not_an_alert_but_a_later_insert_is() -> None:
    engine = steak()
    assert run(engine, [(0, None)], in_session=True) == []
    (alert,) = engine.update(20.0, 1, in_session=True)
    assert (alert.type, alert.temperature, alert.target) == (A.PROBE_INSERTED, 20.0, 60.0)


def test_unplugged_alert_has_no_temperature() -> None:
    engine = steak()
    engine.update(50.0, 0, in_session=True)
    (alert,) = engine.update(None, 1, in_session=True)
    assert (alert.type, alert.temperature, alert.label) == (A.PROBE_UNPLUGGED, None, "Steak")


def test_insert_into_hot_food_fires_insert_then_level() -> None:
    engine = steak()
    engine.update(None, 0, in_session=True)
    assert run(engine, [(1, 61.0)], in_session=True) == [(1, A.PROBE_INSERTED), (1, A.REACHED)]


def test_new_target_arms_again_but_label_or_interval_change_does_not() -> None:
    engine = steak()
    assert run(engine, [(0, 61.0)]) == [(0, A.REACHED)]
    engine.set_target(ProbeTarget(target=60.0, label="Ribeye", reminder_interval=600))
    assert run(engine, [(1, 61.0)]) == []
    assert engine.target.label == "Ribeye"
    engine.set_target(ProbeTarget(target=62.0, label="Ribeye", reminder_interval=600))
    assert run(engine, [(2, 61.0), (3, 62.0)]) == [(2, A.APPROACHING), (3, A.REACHED)]
    engine.set_target(ProbeTarget(target=50.0))
    assert run(engine, [(4, 62.0)]) == [(4, A.EXCEEDED)]


def test_new_range_forgets_the_old_range_state() -> None:
    engine = chamber(range_min=100.0, range_max=120.0)
    run(engine, [(0, 110.0)])
    engine.set_target(ProbeTarget(range_min=150.0, range_max=170.0))
    assert run(engine, [(1, 110.0), (2, 160.0), (3, 180.0)]) == [(3, A.RANGE_LEFT)]


def test_restart_does_not_refire_and_keeps_every_timer() -> None:
    engine = steak()
    run(engine, [(0, 50.0), (10, 56.0), (20, 61.0), (30, 58.0)])  # reached, undoing since 30
    restored = ProbeAlertEngine.from_dict(json.loads(json.dumps(engine.to_dict())))
    assert restored.to_dict() == engine.to_dict()
    follow = [(40, 61.0), (320, 61.0), (330, 58.0), (389, 58.0), (390, 58.0), (400, 60.0)]
    expected = [(320, A.REMINDER), (400, A.REACHED)]
    assert run(engine, follow) == expected
    assert run(restored, follow) == expected


def test_restore_keeps_range_and_plug_state() -> None:
    engine = chamber(range_min=100.0, range_max=120.0)
    run(engine, [(0, 110.0), (10, 125.0), (20, 110.0)], in_session=True)  # left, back pending
    restored = ProbeAlertEngine.from_dict(engine.to_dict())
    assert run(restored, [(80, 110.0), (90, None)], in_session=True) == [
        (80, A.RANGE_BACK),
        (90, A.PROBE_UNPLUGGED),
    ]


def test_restored_above_target_without_anchor_starts_the_reminder_grid() -> None:
    engine = steak()
    run(engine, [(0, 61.0)])
    data = engine.to_dict() | {"last_above_at": None}
    restored = ProbeAlertEngine.from_dict(data)
    assert run(restored, [(1000, 61.0), (1299, 61.0), (1300, 61.0)]) == [(1300, A.REMINDER)]


def test_from_dict_accepts_minimal_data() -> None:
    engine = ProbeAlertEngine.from_dict({"device_id": "d", "probe": 2})
    assert (engine.device_id, engine.probe, engine.target) == ("d", 2, ProbeTarget())


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"fired": ["reminder"]}, "fired: unknown level"),
        ({"fired": "reached"}, "fired: expected a list"),
        ({"below_since": {"nope": 1.0}}, "below_since: unknown level"),
        ({"below_since": {"reached": "x"}}, "below_since: expected a number"),
        ({"range_state": "sideways"}, "range_state: unknown state"),
        ({"plugged": "yes"}, "plugged: expected true or false"),
        ({"probe": "1"}, "probe: expected an integer"),
        ({"target": {"target": "hot"}}, "target: expected a number"),
        ({"last_above_at": math.nan}, "last_above_at: expected a finite number"),
    ],
)
def test_from_dict_rejects_bad_state(patch: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProbeAlertEngine.from_dict(steak().to_dict() | patch)


def test_rejects_bad_parameters_and_readings() -> None:
    with pytest.raises(ValueError, match="hysteresis"):
        ProbeAlertEngine("d", 1, hysteresis=0)
    with pytest.raises(ValueError, match="hold"):
        ProbeAlertEngine("d", 1, hold=-1)
    with pytest.raises(ValueError, match="finite"):
        steak().update(math.nan, 0, in_session=False)


def test_alert_round_trip_and_device_disconnected() -> None:
    alert = device_disconnected("smoker", 12.5, label="Kamado")
    assert alert == Alert(A.DEVICE_DISCONNECTED, "smoker", None, "Kamado", None, None, 12.5)
    assert Alert.from_dict(json.loads(json.dumps(alert.to_dict()))) == alert
    reached = Alert(A.REACHED, "grill", 2, "", 60.1, 60.0, 3.0)
    assert Alert.from_dict(reached.to_dict()) == reached
    assert reached.to_dict()["type"] == "reached"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"type": "boom"}, "type: 'boom' is not a valid AlertType"),
        ({"type": None}, "type: expected a string"),
        ({"at": None}, "at: expected a number"),
        ({"probe": 1.5}, "probe: expected an integer"),
        ({"label": 1}, "label: expected a string"),
    ],
)
def test_alert_from_dict_rejects_bad_data(patch: dict[str, object], message: str) -> None:
    good = Alert(A.REACHED, "grill", 2, "", 60.1, 60.0, 3.0).to_dict()
    with pytest.raises(ValueError, match=message):
        Alert.from_dict(good | patch)


def test_alert_types_match_the_issue() -> None:
    assert [kind.value for kind in AlertType] == [
        "approaching",
        "reached",
        "exceeded",
        "reminder",
        "range_left",
        "range_back",
        "probe_unplugged",
        "probe_inserted",
        "device_disconnected",
        "behind_schedule",
    ]
