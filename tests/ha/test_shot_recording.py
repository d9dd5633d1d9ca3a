"""Every espresso, hot water, steam and flush sequence of a DE1 becomes a shot record.

Pulled on the emulated DE1 through Home Assistant's Bluetooth stack: the record
is closed when the machine is idle again, archived, announced with
``kitchen_ble_shot_completed`` and shown by the machine's Last shot sensors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_capture_events,
)

from custom_components.kitchen_ble.library.devices.de1 import MachineState
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.espresso.shots import (
    Gate,
    GateEvent,
    SequenceEnd,
    ShotResult,
    StopReason,
)
from custom_components.kitchen_ble.logbook import describe_shot
from custom_components.kitchen_ble.shots import get_shots
from emulator.proxy import VirtualProxy

from .common import assert_no_errors
from .espresso import advance, connected_de1, link_of, state
from .shots import SHOT_COMPLETED, action, pull, start, until_idle
from .test_espresso_profiles_machine import choose


async def test_a_full_espresso_shot_is_recorded_with_its_summary(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, entry = await connected_de1(hass, virtual_proxy)
    await choose(hass, freezer, virtual_proxy, device, "Blooming espresso")
    await advance(hass, freezer, virtual_proxy, 2)
    assert state(hass, device, "sensor", "last_shot_duration") == STATE_UNKNOWN

    await pull(hass, freezer, virtual_proxy, device)

    (event,) = completed
    assert event.data["name"] == "DE1"
    assert event.data["device_id"]
    summary = event.data["summary"]
    assert summary["kind"] == "espresso"
    assert summary["status"] == "complete"
    assert summary["profile"] == "Blooming espresso"
    assert summary["profile_fingerprint"]
    # Blooming: fill, a 30 s bloom with the pump at rest, the ramp and the pour
    assert summary["duration"] > 40
    assert summary["preinfusion_time"] > 0
    assert summary["pour_time"] > 0
    assert summary["volume"] > 20  # mL the machine poured
    assert 7.0 < summary["peak_pressure"] < 9.9  # the limiter caps 9 bar
    assert summary["yield"] is None, "no scale took part"
    curves = event.data["curves"]
    assert {"pressure", "flow", "weight", "temperature", "frames"} <= set(curves)
    assert {frame for _, frame in curves["frames"]} >= {0, 1, 2, 3}

    listed = await action(hass, "list_shots")
    assert listed["total"] == 1
    (item,) = listed["shots"]
    assert item["id"] == summary["id"]
    assert "machine" not in item, "the address stays inside"
    record = (await action(hass, "get_shot", shot_id=summary["id"]))["record"]
    samples = len(record["samples"]["t"])
    # every ShotSample at full rate: four a second on 50 Hz mains (de1.md §5.1)
    assert samples == pytest.approx(4 * (summary["ended_at"] - summary["started_at"]), abs=8)
    assert {code for _, code, _ in record["states"]} == {4}, "Espresso (de1.md §4) throughout"
    substates = [sub for _, _, sub in record["states"]]
    assert 4 in substates, "pre-infusion (de1.md §4) is kept"
    assert 5 in substates, "the pour is kept"

    assert float(state(hass, device, "sensor", "last_shot_duration")) == summary["duration"]
    for unknown in ("last_shot_yield", "last_shot_ratio", "last_shot_stop_error"):
        assert state(hass, device, "sensor", unknown) == STATE_UNKNOWN, unknown
    assert link_of(entry).connected
    assert_no_errors(caplog)


@pytest.mark.parametrize("what", ["hot_water", "steam", "flush"])
async def test_hot_water_steam_and_flush_are_recorded_with_their_kind(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
    what: str,
) -> None:
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, _entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)

    await pull(hass, freezer, virtual_proxy, device, what)

    (event,) = completed
    summary = event.data["summary"]
    assert summary["kind"] == what
    assert summary["status"] == "complete"
    assert summary["duration"] > 0
    assert summary["profile"] is None, "a profile is an espresso's"
    listed = await action(hass, "list_shots", kind=what)
    assert [item["id"] for item in listed["shots"]] == [summary["id"]]
    assert (await action(hass, "list_shots", kind="espresso"))["total"] == 0
    # the Last shot sensors are an espresso's
    assert state(hass, device, "sensor", "last_shot_duration") == STATE_UNKNOWN
    assert_no_errors(caplog)


async def test_the_shot_controller_and_a_scale_report_through_the_open_record(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    """Gates, the result and weights go to the open record: yield, ratio and stop error."""
    completed = async_capture_events(hass, SHOT_COMPLETED)
    device, entry = await connected_de1(hass, virtual_proxy)
    link = link_of(entry)
    runtime = get_shots(hass)
    assert runtime.recording(link) is None
    result = ShotResult(
        mode=MachineState.ESPRESSO,
        end=SequenceEnd.COMPLETE,
        started=0.0,
        ended=0.0,
        stop_reason=StopReason.WEIGHT,
        target_weight=36.0,
        final_weight=36.4,
        stop_error=0.4,
    )
    gate = GateEvent(Gate.FLOW_BEGIN, hass.loop.time(), MachineState.ESPRESSO)
    assert not runtime.add_gate_event(link, gate), "no record is open"
    assert not runtime.apply_result(link, result)

    await start(hass, freezer, virtual_proxy, device)
    recorder = runtime.recording(link)
    assert recorder is not None
    recorder.set_dose(18.0)
    clock = hass.loop.time()
    assert runtime.add_gate_event(link, GateEvent(Gate.FLOW_BEGIN, clock, MachineState.ESPRESSO))
    for tenth in range(1, 6):
        recorder.add_weight(WeightSample(clock + tenth / 10, 36.4, True))
    assert runtime.apply_result(link, result)
    await until_idle(hass, freezer, virtual_proxy, device)

    (event,) = completed
    summary = event.data["summary"]
    assert summary["yield"] == 36.4
    assert summary["dose"] == 18.0
    assert summary["ratio"] == pytest.approx(2.02, abs=0.01)
    assert summary["stop_reason"] == "weight"
    assert summary["stop_error"] == 0.4
    # beside the gates the integration's own controller passed
    assert ["flow_begin", pytest.approx(0.0, abs=5)] in event.data["curves"]["gates"]
    assert state(hass, device, "sensor", "last_shot_yield") == "36.4"
    assert float(state(hass, device, "sensor", "last_shot_ratio")) == pytest.approx(2.02, abs=0.01)
    assert state(hass, device, "sensor", "last_shot_stop_error") == "0.4"
    assert_no_errors(caplog)


def test_the_logbook_line_of_a_shot() -> None:
    """The issue's line from an event's summary; an event of another shape still reads."""
    summary = {
        "id": "a",
        "kind": "espresso",
        "status": "complete",
        "started_at": 1_796_000_000.0,
        "ended_at": 1_796_000_031.0,
        "duration": 28.4,
        "preinfusion_time": 6.0,
        "pour_time": 22.4,
        "dose": 18.0,
        "yield": 36.2,
        "ratio": 2.01,
        "volume": 41.0,
        "profile": "Blooming",
    }
    line = describe_shot({"name": "DE1", "summary": summary})
    assert line == {
        "name": "DE1",
        "message": "Espresso: 36.2 g in 28 s from 18.0 g (1:2.0), Blooming",
    }
    cut = {**summary, "kind": "steam", "status": "incomplete", "duration": 41.6}
    assert describe_shot({"summary": cut}) == {
        "name": "Espresso machine",
        "message": "Steam: 42 s (incomplete)",
    }
    for damaged in (None, {"kind": "tea"}, {**summary, "dose": "18"}, {**summary, "yield": [1]}):
        assert describe_shot({"name": "DE1", "summary": damaged})["message"] == "shot recorded"
