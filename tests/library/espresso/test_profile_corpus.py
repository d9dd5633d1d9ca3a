"""Every profile of the test corpus: read, converted, written, re-read and encoded.

The corpus (``profiles/``) was written for these tests. Between them its steps
use both pumps, both transitions, both sensors, all four exit conditions,
limiters on pressure and on flow steps, per-step volume and move-on-weight,
frame lengths either side of 12.75 s and the largest values a frame carries.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from custom_components.kitchen_ble.library.espresso.profiles import (
    ExitCondition,
    ExitType,
    Limiter,
    Profile,
    Pump,
    Sensor,
    Step,
    StepExit,
    Transition,
    decode_frames,
    encode_profile,
    export_json,
    read_json_profile,
    read_profile,
)

CORPUS = Path(__file__).parent / "profiles"
FILES = sorted(path.name for path in CORPUS.iterdir() if path.suffix in (".json", ".tcl"))


def _read(name: str) -> Profile:
    return read_profile((CORPUS / name).read_text(encoding="utf-8"))


EVERY_FEATURE_STEPS = (
    Step(
        name="flat pressure",
        pump=Pump.PRESSURE,
        pressure=6.0,  # 6.000000000000007 in the file
        flow=0.0,
        transition=Transition.FAST,
        temperature=93.5,
        sensor=Sensor.COFFEE,
        seconds=2.0,
        limiter=Limiter(4.0, 1.2),
    ),
    Step(
        name="fill: water, smooth",
        pump=Pump.FLOW,
        pressure=1.0,
        flow=4.0,
        transition=Transition.SMOOTH,
        temperature=93.0,
        sensor=Sensor.WATER,
        seconds=8.0,
        volume=100.0,
        exit=StepExit(ExitType.PRESSURE, ExitCondition.OVER, 4.0),
    ),
    Step(
        name="bloom {with braces}",
        pump=Pump.FLOW,
        pressure=6.0,
        flow=0.0,
        transition=Transition.FAST,
        temperature=90.0,
        sensor=Sensor.COFFEE,
        seconds=30.0,
        exit=StepExit(ExitType.PRESSURE, ExitCondition.UNDER, 2.2),
    ),
    Step(
        name="ramp",
        pump=Pump.PRESSURE,
        pressure=9.0,
        flow=2.2,
        transition=Transition.SMOOTH,
        temperature=92.25,
        sensor=Sensor.WATER,
        seconds=12.75,
        weight=4.0,
        exit=StepExit(ExitType.FLOW, ExitCondition.OVER, 3.5),
    ),
    Step(
        name="flow under",
        pump=Pump.PRESSURE,
        pressure=8.0,
        flow=2.0,
        transition=Transition.FAST,
        temperature=92.0,
        sensor=Sensor.COFFEE,
        seconds=12.7,
        exit=StepExit(ExitType.FLOW, ExitCondition.UNDER, 1.0),
        limiter=Limiter(3.3, 0.6),
    ),
    Step(
        name='long "quoted" \\{brace\\}',
        pump=Pump.FLOW,
        pressure=0.0,
        flow=2.0,
        transition=Transition.SMOOTH,
        temperature=88.0,
        sensor=Sensor.COFFEE,
        seconds=127.0,
        volume=1023.0,
        weight=36.5,
        limiter=Limiter(8.6, 0.9),
    ),
)


def test_every_feature_tcl_reads_step_by_step() -> None:
    profile = _read("every_feature.tcl")
    assert profile.steps == EVERY_FEATURE_STEPS
    assert profile.author == "Jean Sénac"
    assert profile.notes == (
        "Every step feature in one profile.\n"
        "It has braces {inside {nested}} the notes, a backslash \\ and\n"
        "UTF-8 text: Sénac, 92 °C, 1–2 mL/s."
    )
    assert (profile.target_weight, profile.target_volume) == (40.0, 0.0)
    assert (profile.target_volume_count_start, profile.tank_temperature) == (2, 25.0)


def test_every_feature_json_is_the_same_profile_as_the_tcl() -> None:
    from_json = _read("every_feature.json")
    assert (from_json.version, from_json.reference_file) == ("2", "every_feature")
    assert replace(from_json, version="2.1", reference_file="") == _read("every_feature.tcl")


def test_every_feature_bytes() -> None:
    upload = encode_profile(_read("every_feature.tcl"))
    assert upload.header.hex(" ") == "01 06 02 00 60"
    assert [frame.hex(" ") for frame in upload.frames] == [
        "00 40 60 bb 14 00 04 00",  # pressure 6, 93.5 °C, 2.0 s
        "01 77 40 ba 50 40 04 64",  # flow 4 water smooth, exit pressure over 4, 100 mL
        "02 43 00 b4 9e 23 04 00",  # flow 0, exit pressure under 2.2 (35.2 → 35)
        "03 7e 90 b9 8d 38 04 00",  # 92.25 °C → 185, 12.75 s → 13 whole, exit flow over 3.5
        "04 4a 80 b8 7f 10 04 00",  # 12.7 s in tenths, exit flow under 1.0
        "05 61 20 b0 ff 00 07 ff",  # 127 s, 1023 mL
    ]
    assert [frame.hex(" ") for frame in upload.extension_frames] == [
        "20 40 13 00 00 00 00 00",  # 4.0 mL/s cap, range 1.2 → 19.2 → 19
        "24 35 0a 00 00 00 00 00",  # 3.3 → 52.8 → 53
        "25 8a 0e 00 00 00 00 00",  # 8.6 bar cap on the flow step → 137.6 → 138
    ]
    assert upload.tank_temperature[4:8] == bytes.fromhex("19000000")  # 25 °C


@pytest.mark.parametrize("name", FILES)
def test_read_write_reread_encode(name: str) -> None:
    profile = _read(name)
    written = export_json(profile)
    assert read_json_profile(written) == profile
    assert read_profile(written.encode()) == profile
    assert export_json(read_json_profile(written)) == written
    upload = encode_profile(profile)
    decoded = decode_frames(upload.header, [*upload.frames, *upload.extension_frames, upload.tail])
    assert [step.pump for step in decoded.steps] == [step.pump for step in profile.steps]
    assert [step.exit is None for step in decoded.steps] == [
        step.exit is None for step in profile.steps
    ]
    assert decoded.header.preinfuse_frame_count == profile.target_volume_count_start


def test_corpus_covers_every_step_feature() -> None:
    steps = [step for name in FILES for step in _read(name).steps]
    assert {step.pump for step in steps} == set(Pump)
    assert {step.transition for step in steps} == set(Transition)
    assert {step.sensor for step in steps} == set(Sensor)
    exits = {(step.exit.type, step.exit.condition) for step in steps if step.exit}
    assert exits == {(kind, condition) for kind in ExitType for condition in ExitCondition}
    assert {step.pump for step in steps if step.limiter} == set(Pump)
    assert any(step.weight > 0 for step in steps)
    assert any(step.volume > 0 for step in steps)


def test_v2_1_numbers_with_unknown_keys() -> None:
    profile = _read("numbers_v2_1.json")
    assert profile.hidden is True
    assert (profile.target_weight, profile.target_volume, profile.tank_temperature) == (
        250.0,
        320.0,
        40.0,
    )
    assert [step.weight for step in profile.steps] == [0.0, 60.0, 250.0]
    assert profile.steps[2].limiter == Limiter(3.0, 0.3)


def test_visualizer_flat_dump_of_tcl_keys() -> None:
    profile = _read("visualizer_flat.json")
    assert profile.title == "A Visualizer dump of Tcl keys"
    assert [step.name for step in profile.steps] == ["preinfusion", "flat flow"]
    assert profile.steps[0].flow == 6.0
    assert profile.steps[1].limiter == Limiter(4.0, 1.2)
    assert (profile.target_weight, profile.target_volume_count_start) == (40.0, 1)
    assert profile.hidden is False
