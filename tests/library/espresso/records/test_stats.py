"""Counts over records and the maintenance counters."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.espresso.records import (
    Maintenance,
    MaintenanceCounters,
    MaintenanceDue,
    MaintenanceThresholds,
    RecordError,
    ShotKind,
    ShotRecord,
    ShotRecorder,
    count_on_day,
    espresso_count,
    hour_start,
    maintenance_for_state,
    shots_per_day,
    water_used,
)
from custom_components.kitchen_ble.library.espresso.records.errors import message_placeholders
from custom_components.kitchen_ble.library.espresso.records.stats import MAX_REMEMBERED
from tests.fuzz import fuzz, json_values, mutated, numbers

from .shots import T0, WALL, espresso, sample, state


def _steam(seconds: int, record_id: str) -> ShotRecord:
    rec = ShotRecorder(ShotKind.STEAM, at=T0, wall_time=WALL, record_id=record_id)
    rec.state_changed(state(MachineState.STEAM, Substate.STEAMING), T0)
    rec.add_sample(sample(0, pressure=0, flow=0.0, frame=0, tick=0), T0)
    rec.state_changed(state(MachineState.IDLE, Substate.NO_STATE), T0 + seconds)
    return rec.finish(T0 + seconds)


def _at(record: ShotRecord, epoch: float, record_id: str) -> ShotRecord:
    return dataclasses.replace(record, started_at=epoch, id=record_id)


def test_shots_per_day_in_the_local_zone() -> None:
    shot = espresso(28.0)
    # 2026-05-28 20:26:40 UTC is already 29 May in UTC+4
    records = [
        _at(shot, WALL, "a"),
        _at(shot, WALL, "a"),  # the same record twice counts once
        _at(shot, WALL + 3600, "b"),
        _at(shot, WALL + 86400, "c"),
        _steam(30, "s"),
    ]
    assert shots_per_day(records) == {date(2026, 5, 28): 2, date(2026, 5, 29): 1}
    plus4 = timezone(timedelta(hours=4))
    assert shots_per_day(records, plus4) == {date(2026, 5, 29): 2, date(2026, 5, 30): 1}
    assert shots_per_day(records, kind=ShotKind.STEAM) == {date(2026, 5, 28): 1}
    assert espresso_count(records) == 3
    assert water_used(records) == pytest.approx(3 * 55.6)  # the steam record poured none


def test_maintenance_counts_each_record_once() -> None:
    counters = MaintenanceCounters()
    assert counters.add(espresso(28.0, record_id="a"))
    assert not counters.add(espresso(28.0, record_id="a"))
    assert counters.add(_steam(40, "s1"))
    assert counters.add(espresso(28.0, record_id="b"))
    assert (counters.shots_since_clean, counters.shots_since_descale) == (2, 2)
    assert counters.steam_since_clean == pytest.approx(40.0)
    counters.reset(Maintenance.CLEAN, WALL + 100)
    assert (counters.shots_since_clean, counters.steam_since_clean) == (0, 0.0)
    assert (counters.shots_since_descale, counters.last_clean_at) == (2, WALL + 100)
    counters.reset(Maintenance.DESCALE, WALL + 200)
    assert (counters.shots_since_descale, counters.steam_since_descale) == (0, 0.0)
    assert counters.last_descale_at == WALL + 200


def test_remembered_ids_are_bounded() -> None:
    counters = MaintenanceCounters()
    shot = espresso(5.0)
    for i in range(MAX_REMEMBERED + 10):
        counters.add(dataclasses.replace(shot, id=f"r{i}"))
    assert len(counters.counted) == MAX_REMEMBERED
    assert counters.counted[0] == "r10"


def test_thresholds_say_what_is_due() -> None:
    counters = MaintenanceCounters(shots_since_clean=100, steam_since_descale=3600.0)
    thresholds = MaintenanceThresholds(
        clean_shots=100, descale_steam_seconds=3600, descale_shots=500
    )
    assert counters.due(thresholds) == [
        MaintenanceDue(Maintenance.DESCALE, "steam_seconds", 3600.0, 3600),
        MaintenanceDue(Maintenance.CLEAN, "shots", 100, 100),
    ]
    assert counters.due(MaintenanceThresholds()) == []  # 0 = off
    counters.shots_since_clean = 99
    counters.steam_since_clean = 10.0
    assert counters.due(MaintenanceThresholds(clean_shots=100, clean_steam_seconds=11)) == []


def test_maintenance_states() -> None:
    assert maintenance_for_state(MachineState.DESCALE) is Maintenance.DESCALE
    assert maintenance_for_state(MachineState.CLEAN) is Maintenance.CLEAN
    assert maintenance_for_state(MachineState.ESPRESSO) is None
    assert maintenance_for_state(None) is None


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        (
            {"clean_shots": -1},
            "value_out_of_range",
            {"field": "clean_shots", "value": "-1", "min": "0", "max": "100000"},
        ),
        (
            {"descale_steam_seconds": float("nan")},
            "value_out_of_range",
            {"field": "descale_steam_seconds", "value": "nan", "min": "0", "max": "1e+06"},
        ),
        ({"clean_shots": "10"}, "value_not_number", {"field": "clean_shots"}),
        ({"clean_shots": True}, "value_not_number", {"field": "clean_shots"}),
        ({"rinse_shots": 3}, "unknown_field", {"field": "rinse_shots"}),
    ],
)
def test_threshold_refusals(data: dict[str, Any], key: str, placeholders: dict[str, str]) -> None:
    with pytest.raises(RecordError) as err:
        MaintenanceThresholds.from_dict(data)
    assert (err.value.key, err.value.placeholders) == (key, placeholders)


def test_thresholds_from_options() -> None:
    assert MaintenanceThresholds.from_dict(
        {"clean_shots": 80, "descale_steam_seconds": 7200.5}
    ) == (MaintenanceThresholds(clean_shots=80, descale_steam_seconds=7200.5))


def _stored() -> dict[str, Any]:
    counters = MaintenanceCounters()
    counters.add(espresso(5.0, record_id="a"))
    counters.add(_steam(10, "b"))
    counters.reset(Maintenance.CLEAN, 123.0)
    return counters.to_dict()


def test_counters_round_trip_and_refuse_damage() -> None:
    data = _stored()
    assert MaintenanceCounters.from_dict(data).to_dict() == data
    assert MaintenanceCounters.from_dict({}) == MaintenanceCounters()
    for broken in ({**data, "shots_since_clean": -1}, {**data, "steam_since_clean": -1.0}, "x"):
        with pytest.raises(RecordError) as err:
            MaintenanceCounters.from_dict(broken)
        assert err.value.placeholders["field"] == "maintenance"


@fuzz(200)
@given(mutated(_stored()) | json_values)
def test_fuzz_stored_counters(data: object) -> None:
    error: RecordError | None = None
    try:
        counters = MaintenanceCounters.from_dict(data)
    except RecordError as err:
        error = err
    if error is not None:
        assert set(error.placeholders) == message_placeholders(error.key)
    else:
        assert MaintenanceCounters.from_dict(counters.to_dict()) == counters


@fuzz(200)
@given(st.dictionaries(st.sampled_from(["clean_shots", "descale_steam_seconds", "x"]), numbers))
def test_fuzz_thresholds(data: dict[str, Any]) -> None:
    error: RecordError | None = None
    try:
        MaintenanceThresholds.from_dict(data)
    except RecordError as err:
        error = err
    if error is not None:
        assert set(error.placeholders) == message_placeholders(error.key)


def test_count_on_day_in_the_local_zone() -> None:
    plus_four = timezone(timedelta(hours=4))
    # 2026-05-28 19:59:59, 20:00:00 and 23:00:00 UTC: 23:59:59 on the 28th in UTC+4, then
    # midnight and 03:00 of the 29th
    started = [1779998399.0, 1779998399.0, 1779998400.0, 1780009200.0]
    assert count_on_day(started, date(2026, 5, 28), plus_four) == 2
    assert count_on_day(started, date(2026, 5, 29), plus_four) == 2
    assert count_on_day(started, date(2026, 5, 28)) == 4  # all four on the 28th in UTC
    assert count_on_day([], date(2026, 5, 28)) == 0


def test_hour_start() -> None:
    assert hour_start(1780000000.0) == 1779998400.0  # 20:26:40 -> 20:00:00 UTC
    assert hour_start(1779998400.0) == 1779998400.0
    assert hour_start(1779998399.5) == 1779994800.0
