"""Helpers for the tests of DE1 profiles in Home Assistant: actions, a fake Visualizer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped,unused-ignore]
    AiohttpClientMocker,
)

from custom_components.kitchen_ble.const import DOMAIN

CORPUS = Path(__file__).parents[1] / "library" / "espresso" / "profiles"
RESPONSES = {"import_profile": True, "export_profile": True, "list_profiles": True}

# A profile as de1app writes it (every value a string, §2.1) and Visualizer
# re-emits it (JSON_PROFILE_KEYS, notes extended, §2.4): the fact sheet's
# worked example A, "JoeD's Easy blooming slow ramp to 7 bar", five steps.
EASY_BLOOMING: dict[str, Any] = {
    "title": "JoeD's Easy blooming slow ramp to 7 bar",
    "author": "JoeD",
    "notes": "Bloom, then a slow ramp.\n\nDownloaded from Visualizer",
    "beverage_type": "espresso",
    "steps": [
        {
            "name": "preinfusion",
            "temperature": "94.0",
            "sensor": "coffee",
            "pump": "flow",
            "transition": "fast",
            "pressure": "1",
            "flow": "6.000000000000007",
            "seconds": "20.00",
            "volume": "100",
            "exit": {"type": "pressure", "condition": "over", "value": "5.00"},
            "limiter": {"value": "0", "range": "0.6"},
        },
        {
            "name": "dynamic bloom",
            "temperature": "81.0",
            "sensor": "coffee",
            "pump": "flow",
            "transition": "fast",
            "pressure": "6.0",
            "flow": "0",
            "seconds": "40.00",
            "volume": "100",
            "exit": {"type": "pressure", "condition": "under", "value": "2.20"},
            "limiter": {"value": "0", "range": "0.6"},
        },
        {
            "name": "ramp",
            "temperature": "92.0",
            "sensor": "coffee",
            "pump": "pressure",
            "transition": "smooth",
            "pressure": "7.0",
            "flow": "2.2",
            "seconds": "4.00",
            "volume": "100",
            "limiter": {"value": "0.0", "range": "1.2"},
        },
        {
            "name": "flat flow",
            "temperature": "92.0",
            "sensor": "coffee",
            "pump": "pressure",
            "transition": "fast",
            "pressure": "7.0",
            "flow": "2.2",
            "seconds": "2.00",
            "volume": "100",
            "limiter": {"value": "4.0", "range": "1.2"},
        },
        {
            "name": "decline",
            "temperature": "92.0",
            "sensor": "coffee",
            "pump": "pressure",
            "transition": "smooth",
            "pressure": "4.00",
            "flow": "2.2",
            "seconds": "40.00",
            "volume": "100",
            "limiter": {"value": "3.3", "range": "1.2"},
        },
    ],
    "tank_temperature": "0",
    "target_weight": "40",
    "target_volume": "0",
    "target_volume_count_start": "2",
    "legacy_profile_type": "settings_2c",
    "type": "advanced",
    "lang": "en",
    "hidden": "0",
    "reference_file": "EasyBloom_SlowRampTo7",
    "changes_since_last_espresso": "",
    "version": "2",
}
SHOT_ID = "4b1dc0de-0000-4000-8000-000000000001"
OLD_SHOT_ID = "4b1dc0de-0000-4000-8000-000000000002"  # before de1app embedded JSON
NO_PROFILE_SHOT_ID = "4b1dc0de-0000-4000-8000-000000000003"


async def act(
    hass: HomeAssistant, action: str, data: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """Call one of the integration's actions, with its response where it has one."""
    response: Any = await hass.services.async_call(
        DOMAIN, action, data or {}, blocking=True, return_response=RESPONSES.get(action, False)
    )
    return response  # type: ignore[no-any-return]


async def titles(hass: HomeAssistant) -> list[str]:
    listed = await act(hass, "list_profiles")
    assert listed is not None
    return [profile["title"] for profile in listed["profiles"]]


VISUALIZER = "https://visualizer.coffee"


def fake_visualizer(mock: AiohttpClientMocker) -> None:
    """visualizer.coffee's share-code and profile routes (profiles fact sheet §4.5).

    Answered through Home Assistant's own HTTP session (the harness's mock of it).
    """
    shared = f"{VISUALIZER}/api/shots/shared"

    def profile_url(shot: str) -> str:
        return f"{VISUALIZER}/api/shots/{shot}/profile"

    mock.get(
        shared,
        params={"code": "ABCD"},
        json={
            "id": SHOT_ID,
            "profile_title": EASY_BLOOMING["title"],
            "profile_url": profile_url(SHOT_ID),
        },
    )
    mock.get(
        shared,
        params={"code": "OLDS"},
        json={"id": OLD_SHOT_ID, "profile_url": profile_url(OLD_SHOT_ID)},
    )
    mock.get(shared, params={"code": "NOPF"}, json={"id": NO_PROFILE_SHOT_ID})
    # a profile URL on another host is not followed
    mock.get(
        shared,
        params={"code": "ELSE"},
        json={"id": SHOT_ID, "profile_url": "https://example.com/x"},
    )
    # the answer an authenticated caller gets for a code not found: its own shared shots
    mock.get(shared, params={"code": "MINE"}, json=[{"id": SHOT_ID}])
    mock.get(shared, params={"code": "NOPE"}, status=404, json={"error": "Shared shot not found"})
    mock.get(shared, params={"code": "DOWN"}, status=503, text="down for maintenance")
    mock.get(shared, params={"code": "HTML"}, text="<html>a captive portal</html>")
    mock.get(shared, params={"code": "WXYZ"}, exc=aiohttp.ClientConnectionError("no route to host"))
    mock.get(profile_url(SHOT_ID), params={"format": "json"}, text=json.dumps(EASY_BLOOMING))
    flat = (CORPUS / "visualizer_flat.json").read_text(encoding="utf-8")  # the Tcl-key dump (§2.4)
    mock.get(profile_url(OLD_SHOT_ID), params={"format": "json"}, text=flat)
    mock.get(
        profile_url(NO_PROFILE_SHOT_ID),
        params={"format": "json"},
        status=422,
        json={"error": "Shot does not have a profile"},
    )
    mock.get(profile_url("busy"), params={"format": "json"}, status=500, text="oops")
