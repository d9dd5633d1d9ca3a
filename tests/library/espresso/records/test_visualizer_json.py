"""The de1app JSON v2 shot: the fields of profiles fact sheet §3.2 and §4.2, filled as §3.3 says."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.espresso.profiles import BeverageType, builtin_profiles
from custom_components.kitchen_ble.library.espresso.records import (
    IncompleteReason,
    ProfileRef,
    RecordStatus,
    ShotKind,
    ShotRecorder,
    as_incomplete,
    can_upload,
    export_visualizer_json,
    is_special,
    parse_annotations,
    shot_to_visualizer,
    should_upload,
)

from .shots import T0, WALL, espresso, sample, state

# §3.2: the keys of a de1app JSON v2 shot
TOP_KEYS = [
    "version",
    "clock",
    "timestamp",
    "date",
    "elapsed",
    "timers",
    "pressure",
    "flow",
    "temperature",
    "scale",
    "totals",
    "resistance",
    "state_change",
    "profile",
    "meta",
    "app",
]
# §4.2: the settings an integration should upload, under de1app's names
SETTINGS = [
    "bean_brand",
    "bean_type",
    "roast_date",
    "roast_level",
    "grinder_model",
    "grinder_setting",
    "grinder_dose_weight",
    "drink_weight",
    "drink_tds",
    "drink_ey",
    "espresso_enjoyment",
    "espresso_notes",
    "bean_notes",
    "my_name",
    "enable_fahrenheit",
]


def _noted() -> dict[str, Any]:
    blooming = next(p for p in builtin_profiles() if "loom" in p.title)
    record = dataclasses.replace(
        espresso(28.0),
        profile=ProfileRef(blooming.title, "f", blooming),
        annotations=parse_annotations(
            {
                "bean": "Ethiopia Shantawene",
                "roaster": "Banibeans",
                "roast_date": "2026-05-01",
                "grinder": "EK43 with SSP HU",
                "grinder_setting": "2.1",
                "tds": 9.35,
                "extraction_yield": 20.5,
                "enjoyment": 70,
                "notes": "Juicy",
            }
        ),
    )
    return shot_to_visualizer(record, app_version="1.2.3")


def test_the_keys_of_a_de1app_json_v2_shot() -> None:
    shot = _noted()
    assert list(shot) == TOP_KEYS
    assert shot["version"] == "2"
    assert set(shot["pressure"]) == {"pressure", "goal"}
    assert set(shot["flow"]) == {"flow", "by_weight", "by_weight_raw", "goal"}
    assert set(shot["temperature"]) == {"basket", "mix", "goal", "mix_goal"}
    assert set(shot["totals"]) == {"weight", "water_dispensed"}
    assert set(shot["resistance"]) == {"resistance", "by_weight"}
    assert shot["scale"] == {}


def test_the_minimal_upload_of_section_4_2() -> None:
    shot = _noted()
    settings = shot["app"]["data"]["settings"]
    assert set(SETTINGS) <= set(settings)
    assert shot["app"]["app_name"] == "Kitchen BLE"
    assert shot["app"]["app_version"] == "1.2.3"
    assert settings == {
        "profile_title": settings["profile_title"],  # the built-in's title, checked below
        "beverage_type": "espresso",
        "bean_brand": "Banibeans",
        "bean_type": "Ethiopia Shantawene",
        "roast_date": "2026-05-01",
        "roast_level": "",
        "grinder_model": "EK43 with SSP HU",
        "grinder_setting": "2.1",
        "grinder_dose_weight": "18",
        "drink_weight": "36.2",
        "drink_tds": "9.35",
        "drink_ey": "20.5",
        "espresso_enjoyment": "70",
        "espresso_notes": "Juicy",
        "bean_notes": "",
        "my_name": "",
        "enable_fahrenheit": "0",  # §7.7: always °C
    }
    assert shot["profile"]["title"] == settings["profile_title"]
    assert "steps" in shot["profile"]  # the full v2 profile


def test_every_number_is_a_string_as_de1app_writes() -> None:
    shot = _noted()

    def leaves(value: object) -> list[object]:
        if isinstance(value, dict):
            return [leaf for item in value.values() for leaf in leaves(item)]
        if isinstance(value, list):
            return [leaf for item in value for leaf in leaves(item)]
        return [value]

    series = {key: shot[key] for key in TOP_KEYS if key not in ("profile",)}
    assert all(isinstance(leaf, str) for leaf in leaves(series))


def test_the_series_follow_section_3_3() -> None:
    shot = _noted()
    elapsed = shot["elapsed"]
    assert isinstance(elapsed, list)
    # only the samples while water flowed: t = 2.0 … 29.8, from 0
    assert len(elapsed) == 140
    assert elapsed[:3] == ["0.000", "0.200", "0.400"]
    assert elapsed[-1] == "27.800"
    assert shot["clock"] == shot["timestamp"] == str(int(WALL + 2))
    assert shot["date"] == "Thu May 28 20:26:42 UTC 2026"
    pressure = shot["pressure"]
    flow = shot["flow"]
    temperature = shot["temperature"]
    totals = shot["totals"]
    assert isinstance(pressure, dict)
    assert isinstance(flow, dict)
    assert isinstance(temperature, dict)
    assert isinstance(totals, dict)
    for column in (*pressure.values(), flow["flow"], flow["goal"], *temperature.values()):
        assert len(column) == 140
    assert pressure["pressure"][0] == "2.00"
    assert pressure["pressure"][50] == "9.00"
    # a goal of 0 is -1 (hidden); frame 0 has a flow goal of 4, frame 1 a pressure goal of 9
    assert pressure["goal"][0] == "-1"
    assert pressure["goal"][50] == "9.00"
    assert flow["goal"][0] == "4.00"
    assert flow["goal"][50] == "-1"
    # temperature.goal is the basket goal (SetHeadTemp), mix_goal the mix goal
    assert temperature["goal"][0] == "93.00"
    assert temperature["mix_goal"][0] == "92.00"
    assert temperature["basket"][0] == "93.00"
    assert temperature["mix"][0] == "92.00"
    # water_dispensed is 0.1 × mL: 55.6 mL at the last flow sample (27.8 s at 2 mL/s)
    assert totals["water_dispensed"][-1] == "5.56"
    assert totals["weight"][0] == "0.0"
    assert totals["weight"][-1] == "35.8"
    assert float(flow["by_weight"][100]) == pytest.approx(1.81, abs=0.05)  # 36.2 g in 20 s
    # state_change: 0, then ±10000000 flipping at each frame change (t = 10 s, 20 s)
    changes = shot["state_change"]
    assert isinstance(changes, list)
    assert changes[0] == "0"
    assert changes[39] == "0"
    assert changes[40] == "10000000"
    assert changes[89] == "10000000"
    assert changes[90] == "-10000000"
    assert changes[-1] == "-10000000"
    assert shot["resistance"]["resistance"][50] == "2.25"  # 9 / 2²
    meta = shot["meta"]
    assert isinstance(meta, dict)
    assert meta["in"] == "18"
    assert meta["out"] == "36.2"
    assert meta["time"] == "27.8"
    assert meta["bean"]["brand"] == "Banibeans"
    timers = shot["timers"]
    assert timers == {
        "espresso_start": str(int((WALL + 2) * 1000)),
        "espresso_preinfusion_start": str(int((WALL + 2) * 1000)),
        "espresso_preinfusion_stop": str(int((WALL + 10) * 1000)),
        "espresso_pour_start": str(int((WALL + 10) * 1000)),
        "espresso_pour_stop": str(int((WALL + 30) * 1000)),
        "espresso_stop": str(int((WALL + 33) * 1000)),
    }


def test_without_scale_or_profile() -> None:
    record = dataclasses.replace(espresso(28.0, with_scale=False), profile=None)
    shot = shot_to_visualizer(record)
    assert shot["profile"] == {"title": "Espresso"}
    assert shot["flow"]["by_weight"] == []
    assert set(shot["totals"]["weight"]) == {"0"}
    assert shot["app"]["data"]["settings"]["drink_weight"] == ""


def test_a_scale_flow_is_used_when_the_scale_gives_one() -> None:
    rec = ShotRecorder(ShotKind.ESPRESSO, at=T0, wall_time=WALL)
    rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0)
    rec.add_weight(WeightSample(T0, 1.0, True, flow=-0.3))
    rec.add_weight(WeightSample(T0 + 0.05, 1.0, True, flow=2.5))
    rec.add_sample(sample(0, pressure=9, flow=0.0, frame=0, tick=0), T0)
    rec.add_sample(sample(0, pressure=9, flow=0.0, frame=0, tick=25), T0 + 0.2)
    shot = shot_to_visualizer(rec.snapshot())
    assert shot["flow"]["by_weight"] == ["0.00", "2.50"]
    assert shot["resistance"]["resistance"] == ["0.00", "0.00"]
    assert "espresso_stop" not in shot["timers"]


def test_the_text_starts_with_a_brace() -> None:
    text = export_visualizer_json(espresso(28.0))
    assert text.startswith("{")  # §3.4: no leading whitespace or BOM
    assert json.loads(text)["version"] == "2"
    assert (
        shot_to_visualizer(ShotRecorder(ShotKind.FLUSH, at=0, wall_time=WALL).snapshot())["meta"][
            "time"
        ]
        == "0.0"
    )


def test_which_records_are_uploaded() -> None:
    shot = espresso(28.0)
    assert should_upload(shot)
    assert not should_upload(espresso(4.0))  # under de1app's 6 s
    assert should_upload(espresso(4.0), min_seconds=3.0)
    assert not should_upload(dataclasses.replace(shot, kind=ShotKind.STEAM))
    assert not should_upload(as_incomplete(espresso(28.0, finish=False), IncompleteReason.RESTART))
    assert not should_upload(dataclasses.replace(shot, status=RecordStatus.RECORDING))
    cleaning = next(p for p in builtin_profiles() if p.beverage_type is BeverageType.CLEANING)
    assert not should_upload(
        dataclasses.replace(shot, profile=ProfileRef(cleaning.title, "", cleaning))
    )
    assert should_upload(dataclasses.replace(shot, profile=None))
    few = ShotRecorder(ShotKind.ESPRESSO, at=T0, wall_time=WALL).finish(T0 + 10)
    assert not should_upload(few)


def test_cleaning_and_calibration_can_be_let_through() -> None:
    shot = espresso(28.0)
    for beverage in (BeverageType.CLEANING, BeverageType.CALIBRATE):
        base = next(p for p in builtin_profiles() if p.beverage_type is BeverageType.ESPRESSO)
        special = dataclasses.replace(
            shot, profile=ProfileRef("x", "", dataclasses.replace(base, beverage_type=beverage))
        )
        assert is_special(special)
        assert not should_upload(special)
        assert should_upload(special, skip_special=False)
    assert not is_special(shot)  # a reference without the profile itself
    assert not is_special(dataclasses.replace(shot, profile=None))


def test_which_records_can_be_uploaded_at_all() -> None:
    """Any espresso with its series, cut short or not; nothing else (the action's rule)."""
    assert can_upload(espresso(28.0))
    assert can_upload(as_incomplete(espresso(28.0, finish=False), IncompleteReason.LINK_LOST))
    assert not can_upload(dataclasses.replace(espresso(28.0), kind=ShotKind.STEAM))
    assert not can_upload(ShotRecorder(ShotKind.ESPRESSO, at=T0, wall_time=WALL).finish(T0 + 10))


@pytest.mark.parametrize("kind", list(ShotKind))
def test_every_kind_exports(kind: ShotKind) -> None:
    record = dataclasses.replace(espresso(10.0), kind=kind, profile=None)
    assert json.loads(export_visualizer_json(record))["profile"]["title"]
