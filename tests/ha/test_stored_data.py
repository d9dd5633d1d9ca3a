"""What the first release stored loads unchanged into the same state.

``fixtures/release_0_1`` holds the files release 0.1 wrote after a cook on
an iGrill V2: probe targets and a label in the cooking store with one cook
archived and a second one running, a mash program running in the brewing
store, the archive's index and one archived session file, and the config
entry with *Keep connected* switched off.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from custom_components.kitchen_ble.const import DOMAIN
from emulator.proxy import VirtualProxy

from .common import settle
from .cooking import call

FIXTURES = Path(__file__).parent / "fixtures" / "release_0_1"
ADDRESS = "70:91:8F:03:00:01"


def _stored(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


async def _load_release_0_1(
    hass: HomeAssistant, hass_storage: dict[str, Any], config_dir: Path
) -> MockConfigEntry:
    for key in ("kitchen_ble.cooking", "kitchen_ble.brewing", "kitchen_ble.sessions"):
        hass_storage[key] = _stored(key)
    shutil.copytree(FIXTURES / "sessions", config_dir / DOMAIN / "sessions")
    stored_entry = _stored("core.config_entries")["data"]["entries"][0]
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=stored_entry["entry_id"],
        unique_id=stored_entry["unique_id"],
        title=stored_entry["title"],
        data=stored_entry["data"],
        options=stored_entry["options"],
        version=stored_entry["version"],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    return entry


async def test_release_0_1_loads_into_the_same_state(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_storage: dict[str, Any],
    config_dir: Path,
) -> None:
    await _load_release_0_1(hass, hass_storage, config_dir)

    # the entry's option: the device stays released
    assert hass.states.get("switch.igrill_keep_connected").state == "off"
    # probe settings from the cooking store
    assert hass.states.get("number.igrill_probe_1_target").state == "60.0"
    assert hass.states.get("number.igrill_probe_2_target").state == "85.0"
    assert hass.states.get("text.igrill_probe_1_label").state == "Brisket"
    assert hass.states.get("select.igrill_probe_1_doneness").state == "custom"
    # the running cook
    cooking = hass.states.get("binary_sensor.igrill_cooking")
    assert cooking.state == "on"
    assert cooking.attributes["name"] == "Second cook"
    # the archive: its index and the session's file
    listed = await call(hass, "list_sessions", {}, return_response=True)
    assert [s["name"] for s in listed["sessions"]] == ["First cook"]
    assert listed["total"] == 1
    first = await call(
        hass, "get_session", {"session_id": listed["sessions"][0]["id"]}, return_response=True
    )
    assert first["active"] is False
    assert first["probes"][0]["curve"] == [[5, 40.0], [30, 40.0], [60, 40.0]]
    # the brewing program and its run
    programs = await call(hass, "list_programs", {}, return_response=True)
    assert [(p["id"], p["name"], p["state"], p["step"]) for p in programs["programs"]] == [
        ("marzen_mash", "Märzen mash", "running", 1)
    ]
    assert [s["target"] for s in programs["programs"][0]["steps"]] == [52.0, 65.0, 78.0]
