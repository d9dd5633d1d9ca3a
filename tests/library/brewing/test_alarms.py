"""AlarmBook and DeviationMonitor: once while active, acknowledgement, history, hysteresis."""

from __future__ import annotations

import json

import pytest

from custom_components.kitchen_ble.library.brewing.alarms import (
    AlarmBook,
    BrewAlarm,
    BrewAlarmType,
    DeviationMonitor,
)
from custom_components.kitchen_ble.library.brewing.program import ProgramError

T0 = 1_700_000_000.0
K = BrewAlarmType


def raise_one(
    book: AlarmBook,
    kind: BrewAlarmType = K.DEVIATION,
    *,
    step: int = 0,
    run: int = 1,
    at: float = T0,
) -> BrewAlarm | None:
    return book.raise_alarm(
        kind, program_id="mash", step=step, run=run, temperature=68.0, setpoint=65.0, at=at
    )


def test_raise_records_an_active_alarm() -> None:
    book = AlarmBook()
    alarm = raise_one(book)
    assert alarm == BrewAlarm("mash-1", K.DEVIATION, "mash", 0, 1, 68.0, 65.0, T0)
    assert alarm.active
    assert book.active == (alarm,)
    assert book.history == ()


def test_the_same_alarm_is_not_raised_again_while_active() -> None:
    book = AlarmBook()
    first = raise_one(book)
    assert raise_one(book, at=T0 + 60) is None
    # another type, step or run is another alarm
    others = [
        raise_one(book, K.SENSOR_LOST),
        raise_one(book, step=1),
        raise_one(book, run=2),
    ]
    assert [alarm.id for alarm in others if alarm] == ["mash-2", "mash-3", "mash-4"]
    assert first is not None
    book.acknowledge(first.id, T0 + 100)
    again = raise_one(book, at=T0 + 200)
    assert again is not None
    assert (again.id, again.raised_at) == ("mash-5", T0 + 200)


def test_acknowledge_one_then_all() -> None:
    book = AlarmBook()
    first, second, third = (raise_one(book, step=step) for step in range(3))
    assert first is not None
    assert second is not None
    assert third is not None
    (done,) = book.acknowledge(second.id, T0 + 10, by="user-1")
    assert (done.id, done.acknowledged_at, done.acknowledged_by, done.active) == (
        second.id,
        T0 + 10,
        "user-1",
        False,
    )
    assert book.active == (first, third)
    assert book.history == (done,)
    both = book.acknowledge(None, T0 + 20)
    assert [alarm.id for alarm in both] == [first.id, third.id]
    assert all(alarm.acknowledged_at == T0 + 20 and alarm.acknowledged_by is None for alarm in both)
    assert book.to_dict()["active"] == []
    assert [alarm.id for alarm in book.history] == [second.id, first.id, third.id]
    assert book.acknowledge(None, T0 + 30) == []


def test_acknowledging_twice_does_nothing_and_unknown_ids_are_errors() -> None:
    book = AlarmBook()
    alarm = raise_one(book)
    assert alarm is not None
    book.acknowledge(alarm.id, T0 + 10)
    assert book.acknowledge(alarm.id, T0 + 20) == []
    assert book.history[0].acknowledged_at == T0 + 10
    with pytest.raises(ProgramError) as info:
        book.acknowledge("mash-99", T0)
    assert (info.value.key, info.value.placeholders) == ("unknown_alarm", {"alarm": "mash-99"})


def test_history_is_bounded() -> None:
    book = AlarmBook(max_history=2)
    for step in range(4):
        raise_one(book, step=step)
    book.acknowledge(None, T0 + 5)
    assert [alarm.step for alarm in book.history] == [2, 3]
    with pytest.raises(ProgramError):  # no longer known
        book.acknowledge("mash-1", T0 + 6)
    none = AlarmBook(max_history=0)
    raise_one(none)
    assert len(none.acknowledge(None, T0)) == 1
    assert none.history == ()
    with pytest.raises(ValueError, match="max_history"):
        AlarmBook(max_history=-1)


def test_round_trip_through_json() -> None:
    book = AlarmBook()
    raise_one(book)
    raise_one(book, K.STEP_FINISHED)
    book.acknowledge("mash-1", T0 + 60, by="user-1")
    restored = AlarmBook.from_dict(json.loads(json.dumps(book.to_dict())))
    assert restored.active == book.active
    assert restored.history == book.history
    assert raise_one(restored, K.PROGRAM_FINISHED) is not None
    assert restored.active[-1].id == "mash-3"  # numbering goes on
    assert AlarmBook.from_dict({}).to_dict() == {"count": 0, "active": [], "history": []}
    trimmed = AlarmBook.from_dict(book.to_dict(), max_history=0)
    assert trimmed.history == ()


def test_alarm_from_dict_defaults() -> None:
    alarm = BrewAlarm.from_dict(
        {"id": "a-1", "type": "sensor_lost", "program_id": "a", "step": 2, "raised_at": T0}
    )
    assert alarm == BrewAlarm("a-1", K.SENSOR_LOST, "a", 2, 1, None, None, T0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "alarm book: expected an object"),
        ({"active": {}}, "active: expected a list"),
        ({"active": [None]}, "alarm: expected an object"),
        ({"active": [{"type": "fire"}]}, "type: 'fire' is not a valid BrewAlarmType"),
        ({"active": [{"type": "deviation", "id": 3}]}, "id: expected a string"),
        (
            {
                "active": [
                    {
                        "id": "a-1",
                        "type": "deviation",
                        "program_id": "a",
                        "step": 0,
                        "raised_at": T0,
                        "acknowledged_at": T0,
                    }
                ]
            },
            "mixed up",
        ),
        (
            {
                "history": [
                    {
                        "id": "a-1",
                        "type": "deviation",
                        "program_id": "a",
                        "step": 0,
                        "raised_at": T0,
                    }
                ]
            },
            "mixed up",
        ),
        (
            {
                "history": [
                    {
                        "id": "a-1",
                        "type": "deviation",
                        "program_id": "a",
                        "step": 0,
                        "raised_at": T0,
                        "acknowledged_at": T0,
                        "acknowledged_by": 5,
                    }
                ]
            },
            "acknowledged_by: expected a string",
        ),
        ({"count": "3"}, "count: expected an integer"),
    ],
)
def test_book_from_dict_rejects_bad_data(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AlarmBook.from_dict(data)


def test_deviation_fires_once_after_the_delay_and_rearms_inside_the_band() -> None:
    monitor = DeviationMonitor(2.0, 600.0)
    assert monitor.rearm_within == 1.5
    assert not monitor.update(2.0, 0.0)  # on the band edge is inside
    assert not monitor.update(2.5, 100.0)
    assert not monitor.update(-3.0, 699.0)  # either side counts as outside
    assert monitor.update(2.5, 700.0)
    assert monitor.fired
    assert not monitor.update(5.0, 5000.0)  # stays out: once only
    assert not monitor.update(1.8, 5100.0)  # inside the band, but not by the margin
    assert not monitor.update(2.5, 5200.0)
    assert not monitor.update(2.5, 5800.0)
    assert not monitor.update(-1.5, 5900.0)  # back inside by the margin: re-armed
    assert monitor.to_dict() == {"outside_since": None, "fired": False}
    assert not monitor.update(2.5, 6000.0)
    assert monitor.update(2.5, 6600.0)


def test_a_short_excursion_does_not_count() -> None:
    monitor = DeviationMonitor(2.0, 600.0)
    assert not monitor.update(3.0, 0.0)
    assert not monitor.update(0.0, 500.0)  # back before the delay: the clock restarts
    assert not monitor.update(3.0, 550.0)
    assert not monitor.update(3.0, 1149.0)
    assert monitor.update(3.0, 1150.0)


def test_zero_delay_fires_on_the_first_reading_outside() -> None:
    monitor = DeviationMonitor(1.0, 0.0)
    assert monitor.rearm_within == 0.75  # a narrow band keeps an inside
    assert monitor.update(1.1, 0.0)


def test_reset_and_round_trip() -> None:
    monitor = DeviationMonitor(2.0, 600.0)
    monitor.update(3.0, 0.0)
    restored = DeviationMonitor.from_dict(
        json.loads(json.dumps(monitor.to_dict())), band=2.0, delay=600.0
    )
    assert restored.update(3.0, 600.0)
    assert DeviationMonitor.from_dict(restored.to_dict(), band=2.0, delay=600.0).fired
    restored.reset()
    assert not restored.fired
    assert restored.to_dict() == {"outside_since": None, "fired": False}
    assert not DeviationMonitor.from_dict({}, band=2.0, delay=600.0).fired
    with pytest.raises(ValueError, match="fired"):
        DeviationMonitor.from_dict({"fired": 1}, band=2.0, delay=600.0)
    with pytest.raises(ValueError, match="band"):
        DeviationMonitor(0.0, 600.0)
    with pytest.raises(ValueError, match="delay"):
        DeviationMonitor(2.0, -1.0)
