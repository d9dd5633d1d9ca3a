"""Summary figures and the sentences made of them."""

from __future__ import annotations

import dataclasses

import pytest

from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.espresso.records import (
    IncompleteReason,
    ShotKind,
    ShotRecorder,
    ShotSummary,
    espressos_today_text,
    logbook_text,
    parse_annotations,
    summarize,
    voice_text,
)

from .shots import T0, WALL, espresso, sample, state


def test_summary_of_a_28_second_espresso() -> None:
    summary = summarize(espresso(28.0))
    assert summary.duration == pytest.approx(28.0)
    assert summary.flow_started == pytest.approx(2.0)
    assert summary.preinfusion_time == pytest.approx(8.0)
    assert summary.pour_time == pytest.approx(20.0)
    assert summary.dose == 18.0
    assert summary.yield_weight == pytest.approx(36.2)
    assert summary.ratio == pytest.approx(36.2 / 18.0)
    assert summary.volume == pytest.approx(55.6)  # 27.8 s between the first and last flow sample
    assert summary.peak_pressure == 9.0
    assert summary.mean_flow == pytest.approx(2.0)  # only the samples while water flowed
    # basket: 93.0 until t = 10 s, 93.5 after; flow samples t = 2.0 … 29.8
    assert summary.mean_temperature == pytest.approx((41 * 93.0 + 99 * 93.5) / 140)
    assert summary.profile == "Blooming"
    assert summary.profile_fingerprint == "abcdef0123456789"
    assert (summary.stop_reason, summary.stop_target) == ("weight", 36.0)
    assert summary.stop_error == pytest.approx(0.2)
    data = summary.to_dict()
    assert data["yield"] == 36.2
    assert data["ratio"] == 2.01
    assert data["duration"] == 28.0
    assert data["kind"] == "espresso"
    assert data["status"] == "complete"
    assert data["incomplete_reason"] is None


def test_the_noted_dose_wins_and_no_scale_means_no_yield() -> None:
    record = espresso(28.0, with_scale=False)
    summary = summarize(record)
    assert (summary.dose, summary.yield_weight, summary.ratio) == (None, None, None)
    noted = dataclasses.replace(record, annotations=parse_annotations({"dose": 20.0}))
    assert summarize(noted).dose == 20.0


def test_a_record_that_never_flowed() -> None:
    rec = ShotRecorder(ShotKind.STEAM, at=T0, wall_time=WALL)
    rec.state_changed(state(MachineState.STEAM, Substate.HEAT_WATER_HEATER), T0)
    rec.add_sample(sample(0, pressure=0, flow=0, frame=0, tick=0), T0 + 0.2)
    summary = summarize(rec.abandon(IncompleteReason.WATCHDOG, T0 + 1))
    assert summary.duration == 0.0
    assert summary.flow_started is None
    assert (summary.peak_pressure, summary.mean_flow, summary.mean_temperature) == (None,) * 3
    assert summary.to_dict()["incomplete_reason"] == "watchdog"
    assert summary.profile is None
    assert summary.stop_reason is None


def _flow(kind: ShotKind, machine: MachineState, sub: Substate, seconds: int) -> ShotSummary:
    rec = ShotRecorder(kind, at=T0, wall_time=WALL)
    rec.state_changed(state(machine, sub), T0)
    for i in range(seconds * 5 + 1):
        rec.add_sample(sample(0, pressure=1, flow=5.0, frame=0, tick=25 * i), T0 + i * 0.2)
    rec.state_changed(state(MachineState.IDLE, Substate.NO_STATE), T0 + seconds)
    return summarize(rec.finish(T0 + seconds))


def test_the_temperature_that_matters_for_each_kind() -> None:
    assert _flow(ShotKind.STEAM, MachineState.STEAM, Substate.STEAMING, 2).mean_temperature == 140
    hot = _flow(ShotKind.HOT_WATER, MachineState.HOT_WATER, Substate.POUR, 2)
    assert hot.mean_temperature == 92.0  # the mix
    assert hot.pour_time == 2.0


def test_logbook_and_voice_of_an_espresso() -> None:
    summary = summarize(espresso(28.0))
    assert logbook_text(summary) == "Espresso: 36.2 g in 28 s from 18.0 g (1:2.0), Blooming"
    assert voice_text(summary) == "36.2 grams in 28 seconds from 18 grams, 1 to 2.0"
    half = dataclasses.replace(summary, dose=18.5, ratio=36.2 / 18.5)
    assert voice_text(half) == "36.2 grams in 28 seconds from 18.5 grams, 1 to 2.0"


def test_logbook_and_voice_without_a_scale_or_cut_short() -> None:
    summary = summarize(espresso(28.0, with_scale=False))
    assert logbook_text(summary) == "Espresso: 56 mL in 28 s, Blooming"
    assert voice_text(summary) == "56 millilitres in 28 seconds"
    cut = dataclasses.replace(summary, status="incomplete", profile=None)
    assert logbook_text(cut) == "Espresso: 56 mL in 28 s (incomplete)"
    dosed = dataclasses.replace(summary, dose=18.0)  # a noted dose, no yield: no ratio
    assert logbook_text(dosed) == "Espresso: 56 mL in 28 s from 18.0 g, Blooming"
    assert voice_text(dosed) == "56 millilitres in 28 seconds from 18 grams"


def test_logbook_and_voice_of_the_other_kinds() -> None:
    steam = _flow(ShotKind.STEAM, MachineState.STEAM, Substate.STEAMING, 45)
    assert logbook_text(steam) == "Steam: 45 s"
    assert voice_text(steam) == "45 seconds of steam"
    flush = _flow(ShotKind.FLUSH, MachineState.HOT_WATER_RINSE, Substate.POUR, 1)
    assert logbook_text(flush) == "Flush: 1 s"
    assert voice_text(flush) == "a flush of 1 second"
    hot = _flow(ShotKind.HOT_WATER, MachineState.HOT_WATER, Substate.POUR, 30)
    assert logbook_text(hot) == "Hot water: 150 mL in 30 s"
    assert voice_text(hot) == "150 millilitres of hot water in 30 seconds"
    weighed = dataclasses.replace(hot, yield_weight=1.0)
    assert logbook_text(weighed) == "Hot water: 1.0 g in 30 s"
    assert voice_text(weighed) == "1.0 grams of hot water in 30 seconds"
    one = dataclasses.replace(summarize(espresso(28.0)), dose=1.0)
    assert voice_text(one).endswith("from 1 gram, 1 to 2.0")


def test_espressos_today() -> None:
    assert espressos_today_text(0) == "no espressos today"
    assert espressos_today_text(1) == "1 espresso today"
    assert espressos_today_text(3) == "3 espressos today"
