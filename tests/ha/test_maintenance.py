"""Maintenance counters of the DE1: shots and steam since the last descale and clean.

Pulled on the emulated DE1 through Home Assistant's Bluetooth stack: every kept
record counts once, a reached reminder raises a repair issue, the Done buttons
and the machine's own descale and clean programs reset the counters, and the
counters and reminders outlive a restart (their Store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir

from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.library.espresso.records import Maintenance
from custom_components.kitchen_ble.maintenance import get_maintenance
from emulator.de1 import State
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, warnings_logged
from .espresso import advance, connected_de1, entity_id, link_of, state
from .shots import pull, until_idle

STORE_KEY = "kitchen_ble.maintenance"


def _issue(hass: HomeAssistant, kind: str) -> ir.IssueEntry | None:
    registry = ir.async_get(hass)
    found = [i for (domain, key), i in registry.issues.items() if domain == DOMAIN and kind in key]
    assert len(found) <= 1
    return found[0] if found else None


async def _set(hass: HomeAssistant, device: Any, key: str, value: float) -> None:
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": entity_id(hass, device, "number", key), "value": value},
        blocking=True,
    )


async def _press(hass: HomeAssistant, device: Any, key: str) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id(hass, device, "button", key)}, blocking=True
    )


async def test_counters_reminders_and_resets(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    registry = er.async_get(hass)
    for platform, key, category in (
        ("sensor", "shots_since_descale", EntityCategory.DIAGNOSTIC),
        ("sensor", "steam_since_clean", EntityCategory.DIAGNOSTIC),
        ("button", "descale_done", EntityCategory.CONFIG),
        ("button", "clean_done", EntityCategory.CONFIG),
        ("number", "descale_reminder", EntityCategory.CONFIG),
        ("number", "clean_reminder", EntityCategory.CONFIG),
    ):
        found = registry.async_get(entity_id(hass, device, platform, key))
        assert found is not None
        assert found.entity_category is category, key
    assert state(hass, device, "sensor", "shots_since_descale") == "0"
    assert state(hass, device, "number", "descale_reminder") == "1000.0"  # the defaults
    assert state(hass, device, "number", "clean_reminder") == "200.0"

    await _set(hass, device, "clean_reminder", 2)
    await pull(hass, freezer, virtual_proxy, device)
    assert state(hass, device, "sensor", "shots_since_clean") == "1"
    assert _issue(hass, "clean") is None, "1 of 2 shots: no reminder yet"
    await pull(hass, freezer, virtual_proxy, device, "steam")
    await pull(hass, freezer, virtual_proxy, device)
    await pull(hass, freezer, virtual_proxy, device, "hot_water")

    assert state(hass, device, "sensor", "shots_since_clean") == "2", "espressos only"
    assert state(hass, device, "sensor", "shots_since_descale") == "2"
    steam = float(state(hass, device, "sensor", "steam_since_clean"))  # minutes, as suggested
    assert steam > 0
    assert state(hass, device, "sensor", "steam_since_descale") == str(steam)
    issue = _issue(hass, "clean")
    assert issue is not None
    assert issue.translation_key == "clean_due"
    assert not issue.is_fixable
    assert issue.translation_placeholders == {"name": "DE1", "shots": "2", "threshold": "2"}
    assert _issue(hass, "descale") is None

    # 0 turns the reminder off, and the issue goes; back at 2 it returns
    await _set(hass, device, "clean_reminder", 0)
    assert _issue(hass, "clean") is None
    await _set(hass, device, "clean_reminder", 2)
    assert _issue(hass, "clean") is not None

    await _press(hass, device, "clean_done")
    assert state(hass, device, "sensor", "shots_since_clean") == "0"
    assert float(state(hass, device, "sensor", "steam_since_clean")) == 0
    assert state(hass, device, "sensor", "shots_since_descale") == "2", "the descale count stays"
    assert _issue(hass, "clean") is None, "the reset clears the reminder"

    # the machine's own descale program resets the descale counters when it ends
    await _set(hass, device, "descale_reminder", 1)
    assert _issue(hass, "descale") is not None
    device.press(State.DESCALE)
    await advance(hass, freezer, virtual_proxy, 2)
    assert state(hass, device, "sensor", "shots_since_descale") == "2", "not before it ends"
    await until_idle(hass, freezer, virtual_proxy, device)
    assert state(hass, device, "sensor", "shots_since_descale") == "0"
    assert _issue(hass, "descale") is None
    counters = get_maintenance(hass).counters(link_of(_entry).address)
    assert counters.last_descale_at is not None

    # a value Home Assistant lets through (not whole) is refused; nothing changes
    with pytest.raises(ServiceValidationError) as refused:
        await _set(hass, device, "descale_reminder", 2.5)
    assert refused.value.translation_key == "whole_number_out_of_range"
    assert state(hass, device, "number", "descale_reminder") == "1.0"
    runtime = get_maintenance(hass)
    with pytest.raises(ServiceValidationError) as refused:  # past the library's bound
        runtime.async_set_threshold(link_of(_entry).address, Maintenance.DESCALE, 100_001)
    assert refused.value.translation_key == "value_out_of_range"
    assert state(hass, device, "number", "descale_reminder") == "1.0"
    assert_no_errors(caplog)


async def test_counters_outlive_a_restart_and_damage_starts_afresh(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    from emulator.de1 import create_de1

    address = create_de1().address
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {
            "machines": {
                address: {
                    "name": "DE1",
                    "counters": {"shots_since_descale": 1200, "shots_since_clean": 7},
                    "thresholds": {"descale_shots": 1000, "clean_shots": 50},
                },
                "AA:BB:CC:DD:EE:99": {"counters": {"shots_since_clean": -3}, "thresholds": []},
            }
        },
    }
    device, _entry = await connected_de1(hass, virtual_proxy)
    assert state(hass, device, "sensor", "shots_since_descale") == "1200"
    assert state(hass, device, "number", "clean_reminder") == "50.0"
    issue = _issue(hass, "descale")
    assert issue is not None, "a reminder reached before the restart is shown"
    assert issue.translation_placeholders == {"name": "DE1", "shots": "1200", "threshold": "1000"}
    warned = warnings_logged(caplog)
    assert any("counters of AA:BB:CC:DD:EE:99 are damaged" in line for line in warned), warned
    assert any("reminders of AA:BB:CC:DD:EE:99 are damaged" in line for line in warned), warned

    await _press(hass, device, "descale_done")
    await hass.async_block_till_done()
    await hass.async_stop(force=True)  # the delayed save is written as Home Assistant stops
    stored = hass_storage[STORE_KEY]["data"]["machines"][address]
    assert stored["counters"]["shots_since_descale"] == 0
    assert stored["counters"]["shots_since_clean"] == 7
    assert stored["thresholds"]["clean_shots"] == 50


async def test_a_store_of_the_wrong_shape_is_set_aside(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_storage: dict[str, Any],
    config_dir: Path,
) -> None:
    hass_storage[STORE_KEY] = {"version": 1, "key": STORE_KEY, "data": {"machines": []}}
    device, _entry = await connected_de1(hass, virtual_proxy)
    assert state(hass, device, "sensor", "shots_since_clean") == "0"
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"damaged_store_{STORE_KEY}") is not None
