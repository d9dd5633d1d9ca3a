"""The DE1 profile library through Home Assistant's actions: import, export, delete, list.

A profile comes as JSON v2 text (or object), as de1app Tcl text, as a file
inside the configuration directory, or from Visualizer by share code or
address (a fake Visualizer on a local port, asked through Home Assistant's
own HTTP session). The four built-in profiles are always listed and cannot be
deleted or replaced. Bad input is refused with a translated error and
changes nothing; the library is stored and a damaged store is set aside.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped,unused-ignore]
    AiohttpClientMocker,
)

from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.library.espresso.profiles import (
    PROFILE_ERROR_MESSAGES,
    profile_to_json,
)
from custom_components.kitchen_ble.library.espresso.profiles.errors import message_placeholders
from custom_components.kitchen_ble.profiles import STORE_KEY, get_profiles

from .common import assert_no_errors
from .profiles import (
    CORPUS,
    EASY_BLOOMING,
    NO_PROFILE_SHOT_ID,
    SHOT_ID,
    VISUALIZER,
    act,
    fake_visualizer,
    titles,
)

TRANSLATIONS = Path(__file__).parents[2] / "custom_components" / "kitchen_ble" / "translations"
BUILTIN = ["Backflush clean", "Blooming espresso", "Classic 9 bar", "Flat flow 2 mL/s"]


@pytest.fixture
async def setup(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()


async def _refused(
    hass: HomeAssistant, action: str, data: dict[str, Any]
) -> ServiceValidationError:
    stored = get_profiles(hass)._data()
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, action, data)
    assert get_profiles(hass)._data() == stored, "a refused call changes nothing"
    return caught.value


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_profile_error_is_translated_with_its_placeholders(language: str) -> None:
    exceptions = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))[
        "exceptions"
    ]
    for key in PROFILE_ERROR_MESSAGES:
        assert key in exceptions, f"{language}.json has no {key}"
        placeholders = {
            name
            for name in message_placeholders(key)
            if "{" + name + "}" in exceptions[key]["message"]
        }
        assert placeholders == message_placeholders(key), f"{language}: {key}"


@pytest.mark.usefixtures("setup")
async def test_the_builtin_profiles_are_listed_with_their_targets(hass: HomeAssistant) -> None:
    listed = await act(hass, "list_profiles")
    assert listed is not None
    by_title = {profile["title"]: profile for profile in listed["profiles"]}
    assert sorted(by_title) == BUILTIN
    classic = by_title["Classic 9 bar"]
    assert classic["builtin"] is True
    assert classic["id"] == "classic_9_bar"
    assert (classic["target_weight"], classic["target_volume"]) == (36, None)
    assert classic["temperature"] == 92
    assert classic["steps"] == 2
    assert by_title["Blooming espresso"]["target_weight"] == 45
    assert by_title["Backflush clean"]["beverage_type"] == "cleaning"
    assert get_profiles(hass).targets("classic 9 BAR").weight == 36


@pytest.mark.usefixtures("setup")
async def test_import_json_text_and_object_export_and_delete(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    text = json.dumps(EASY_BLOOMING)
    imported = await act(hass, "import_profile", {"json": text})
    assert imported is not None
    assert imported["title"] == "JoeD's Easy blooming slow ramp to 7 bar"
    assert imported["id"] == "joed_s_easy_blooming_slow_ramp_to_7_bar"
    assert imported["steps"] == 5
    assert imported["target_weight"] == 40
    assert imported["temperature"] == 94
    assert imported["builtin"] is False
    assert "JoeD's Easy blooming slow ramp to 7 bar" in await titles(hass)

    exported = await act(hass, "export_profile", {"profile": imported["id"]})
    assert exported is not None
    data = json.loads(exported["json"])
    assert data["version"].startswith("2")
    assert data["target_volume_count_start"] == 2
    assert [step["name"] for step in data["steps"]] == [
        "preinfusion",
        "dynamic bloom",
        "ramp",
        "flat flow",
        "decline",
    ]
    assert data["steps"][0]["flow"] == 6  # the Tcl float noise rounded away
    assert data["steps"][3]["limiter"] == {"value": 4, "range": 1.2}
    assert "limiter" not in data["steps"][0]  # de1app's "0" means none (§2.3)

    # round trip: the export imports again as the same profile
    again = await act(hass, "import_profile", {"json": exported["json"], "title": "Round trip"})
    assert again is not None
    assert again["fingerprint"] == imported["fingerprint"]
    as_object = await act(hass, "import_profile", {"json": EASY_BLOOMING, "title": "As object"})
    assert as_object is not None
    assert as_object["fingerprint"] == imported["fingerprint"]

    await act(hass, "delete_profile", {"profile": "round TRIP"})
    await act(hass, "delete_profile", {"profile": "as_object"})
    assert "Round trip" not in await titles(hass)
    assert len(await titles(hass)) == 5
    assert_no_errors(caplog)


@pytest.mark.usefixtures("setup")
async def test_import_tcl_text_expands_a_simple_profile(hass: HomeAssistant) -> None:
    text = (CORPUS / "best_overall_pressure.tcl").read_text(encoding="utf-8")
    imported = await act(hass, "import_profile", {"tcl": text})
    assert imported is not None
    assert imported["title"] == "Best overall pressure (simple)"
    assert imported["steps"] == 5  # boost, preinfusion, forced rise, hold, decline (§1.7)
    assert imported["target_weight"] == 36
    exported = await act(hass, "export_profile", {"profile": imported["title"]})
    assert exported is not None
    steps = json.loads(exported["json"])["steps"]
    assert [step["seconds"] for step in steps] == [2, 18, 3, 7, 30]
    assert steps[4]["pressure"] == 6


@pytest.mark.usefixtures("setup")
async def test_import_a_file_inside_the_config_directory_only(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    hass.config.config_dir = str(config)
    folder = config / "de1_profiles"
    folder.mkdir()
    (folder / "flow.tcl").write_bytes((CORPUS / "flow_straight.tcl").read_bytes())
    (folder / "bloom.json").write_text(json.dumps(EASY_BLOOMING), encoding="utf-8")
    by_tcl = await act(hass, "import_profile", {"file": "de1_profiles/flow.tcl"})
    by_json = await act(hass, "import_profile", {"file": str(folder / "bloom.json")})
    assert by_tcl is not None
    assert by_json is not None
    assert by_json["title"] == EASY_BLOOMING["title"]

    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(EASY_BLOOMING), encoding="utf-8")
    (folder / "link.json").symlink_to(outside)
    for path in (str(outside), "../outside.json", "de1_profiles/link.json"):
        error = await _refused(hass, "import_profile", {"file": path, "title": "X"})
        assert error.translation_key == "profile_file_outside"
        assert error.translation_placeholders == {"path": path}
    error = await _refused(hass, "import_profile", {"file": "de1_profiles/none.json"})
    assert error.translation_key == "profile_file_unreadable"
    assert error.translation_placeholders["path"] == "de1_profiles/none.json"
    error = await _refused(hass, "import_profile", {"file": "de1_profiles"})  # a folder
    assert error.translation_key == "profile_file_unreadable"
    (folder / "big.json").write_bytes(b" " * 300_000)
    error = await _refused(hass, "import_profile", {"file": "de1_profiles/big.json"})
    assert error.translation_key == "profile_too_large"


@pytest.mark.usefixtures("setup")
async def test_import_from_visualizer_by_share_code_and_address(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, caplog: pytest.LogCaptureFixture
) -> None:
    fake_visualizer(aioclient_mock)
    by_code = await act(hass, "import_profile", {"visualizer": " abcd "})
    assert by_code is not None
    assert by_code["title"] == EASY_BLOOMING["title"]
    assert by_code["steps"] == 5
    assert [str(url) for _method, url, _data, _headers in aioclient_mock.mock_calls] == [
        f"{VISUALIZER}/api/shots/shared?code=ABCD",  # upper-cased, no credentials (§4.5)
        f"{VISUALIZER}/api/shots/{SHOT_ID}/profile?format=json",
    ]
    assert all(
        headers is None or "Authorization" not in headers
        for *_, headers in aioclient_mock.mock_calls
    )
    for address in (f"{VISUALIZER}/shots/{SHOT_ID}", f"{VISUALIZER}/api/shots/{SHOT_ID}/profile"):
        by_address = await act(
            hass, "import_profile", {"visualizer": address, "title": "From the address"}
        )
        assert by_address is not None
        assert by_address["fingerprint"] == by_code["fingerprint"]
        await act(hass, "delete_profile", {"profile": "From the address"})
    old = await act(hass, "import_profile", {"visualizer": "OLDS"})  # the flat Tcl-key dump
    assert old is not None
    assert old["author"] == "JoeD"

    other = "https://example.com/x"
    cases = {
        "NOPE": ("visualizer_code_unknown", {"code": "NOPE"}),
        "mine": ("visualizer_code_unknown", {"code": "MINE"}),
        "NOPF": ("visualizer_no_profile", {"reference": "NOPF"}),
        "ELSE": ("visualizer_reference_invalid", {"reference": other}),
        "ABCDE": ("visualizer_reference_invalid", {"reference": "ABCDE"}),
        "http://visualizer.coffee/shots/x": (
            "visualizer_reference_invalid",
            {"reference": "http://visualizer.coffee/shots/x"},
        ),
        f"{VISUALIZER}/api/shots/x/profile/more": (
            "visualizer_reference_invalid",
            {"reference": f"{VISUALIZER}/api/shots/x/profile/more"},
        ),
        "DOWN": ("visualizer_unreachable", {"reason": "HTTP 503"}),
        "HTML": ("visualizer_unreachable", {"reason": "the answer is not JSON"}),
        "WXYZ": ("visualizer_unreachable", {"reason": "no route to host"}),
        f"{VISUALIZER}/shots/busy": ("visualizer_unreachable", {"reason": "HTTP 500"}),
        f"{VISUALIZER}/shots/{NO_PROFILE_SHOT_ID}": (
            "visualizer_no_profile",
            {"reference": f"{VISUALIZER}/shots/{NO_PROFILE_SHOT_ID}"},
        ),
    }
    for reference, (key, placeholders) in cases.items():
        error = await _refused(hass, "import_profile", {"visualizer": reference})
        assert (error.translation_key, error.translation_placeholders) == (key, placeholders)
    assert_no_errors(caplog)


@pytest.mark.usefixtures("setup")
async def test_bad_input_is_refused_translated_and_changes_nothing(hass: HomeAssistant) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "profile_source_count"),
        ({"json": "{}", "tcl": "x"}, "profile_source_count"),
        ({"json": "{not json"}, "invalid_json"),
        ({"json": "profile_title x"}, "invalid_json"),
        ({"json": '{"title": "x"}'}, "profile_field_missing"),
        ({"json": {**EASY_BLOOMING, "steps": []}}, "step_count_out_of_range"),
        ({"json": {**EASY_BLOOMING, "tank_temperature": "70"}}, "profile_field_out_of_range"),
        ({"tcl": "profile_title {unbalanced"}, "invalid_tcl"),
        ({"json": {**EASY_BLOOMING, "title": "   "}}, "profile_field_missing"),
        ({"json": EASY_BLOOMING, "title": " "}, "profile_field_invalid"),
        ({"json": {**EASY_BLOOMING, "title": "x" * 101}}, "profile_field_invalid"),
        ({"json": EASY_BLOOMING, "title": "Classic 9 bar"}, "profile_builtin"),
        ({"json": " " * 300_000}, "profile_too_large"),
    ]
    for data, key in cases:
        error = await _refused(hass, "import_profile", data)
        assert error.translation_key == key, data
    step = EASY_BLOOMING["steps"][0]
    error = await _refused(
        hass, "import_profile", {"json": {**EASY_BLOOMING, "steps": [{**step, "seconds": "500"}]}}
    )
    assert error.translation_key == "step_field_out_of_range"
    assert error.translation_placeholders == {
        "step": "1",
        "field": "seconds",
        "value": "500",
        "allowed": "0–127 s",
    }

    await act(hass, "import_profile", {"json": EASY_BLOOMING})
    error = await _refused(hass, "import_profile", {"json": EASY_BLOOMING})
    assert error.translation_key == "profile_exists"
    replaced = await act(
        hass,
        "import_profile",
        {"json": {**EASY_BLOOMING, "target_weight": 38}, "overwrite": True},
    )
    assert replaced is not None
    assert replaced["target_weight"] == 38

    for action in ("export_profile", "delete_profile"):
        error = await _refused(hass, action, {"profile": "nope"})
        assert error.translation_key == "profile_unknown"
        assert error.translation_placeholders == {"profile": "nope"}
    error = await _refused(hass, "delete_profile", {"profile": "Classic 9 bar"})
    assert error.translation_key == "profile_builtin"
    assert "Classic 9 bar" in await titles(hass)


async def test_the_library_is_stored_and_loads_again(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    await act(hass, "import_profile", {"json": EASY_BLOOMING})
    await hass.async_stop()  # every store is written
    stored = hass_storage[STORE_KEY]["data"]
    assert list(stored["profiles"]) == ["joed_s_easy_blooming_slow_ramp_to_7_bar"]
    assert stored["profiles"]["joed_s_easy_blooming_slow_ramp_to_7_bar"]["target_weight"] == 40

    # what a second start reads back; a broken entry is kept as it was, with a warning
    runtime = type(get_profiles(hass))(hass)
    runtime._restore({**stored, "profiles": {**stored["profiles"], "broken": {"title": 1}}})
    assert [entry.title for entry in runtime.profiles()][-1] == EASY_BLOOMING["title"]
    assert runtime._data()["profiles"]["broken"] == {"title": 1}


async def test_a_damaged_store_is_set_aside_with_a_repair_issue(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage[STORE_KEY] = {"version": 1, "key": STORE_KEY, "data": {"profiles": []}}
    assert await async_setup_component(hass, DOMAIN, {})
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"damaged_store_{STORE_KEY}") is not None
    assert sorted(await titles(hass)) == BUILTIN  # it starts afresh, the built-ins still there


@pytest.mark.usefixtures("setup")
async def test_a_title_without_letters_and_data_json_cannot_hold(hass: HomeAssistant) -> None:
    imported = await act(hass, "import_profile", {"json": EASY_BLOOMING, "title": "☕ ☕"})
    assert imported is not None
    assert imported["title"] == "☕ ☕"
    assert imported["id"].startswith("profile_")
    assert (await act(hass, "export_profile", {"profile": imported["id"]})) is not None
    # a YAML date inside an object is no JSON
    error = await _refused(
        hass, "import_profile", {"json": {**EASY_BLOOMING, "notes": dt_util.utcnow()}}
    )
    assert error.translation_key == "invalid_json"


async def test_broken_parts_of_a_well_shaped_store_are_skipped_and_kept(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    runtime = type(get_profiles(hass))(hass)
    await runtime.async_load()  # the built-in profiles; nothing stored yet
    classic = get_profiles(hass).find("Classic 9 bar")
    good = {
        "profile_id": "x",
        "title": "X",
        "fingerprint": "f",
        "writes": [["a", "01"]],
        "targets": {"weight": "36", "volume": None, "temperature": 92},
        "complete": True,
    }
    runtime._restore(
        {
            "profiles": {
                "not_an_object": 5,
                "a_builtin_again": profile_to_json(classic.profile),
            },
            "machines": {
                "AA": good,
                "BB": "nope",
                "CC": {**good, "writes": []},
                "DD": {**good, "writes": [["a", "zz"]]},
                "EE": {**good, "targets": {**good["targets"], "weight": [1]}},
                "FF": {**good, "targets": {"weight": None}},
            },
        }
    )
    assert [entry.title for entry in runtime.profiles()] == [
        entry.title for entry in get_profiles(hass).profiles()
    ]
    assert list(runtime._data()["machines"]) == ["AA"]
    assert set(runtime._data()["profiles"]) == {"not_an_object", "a_builtin_again"}
    warnings = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Stored")]
    assert len(warnings) == 7
