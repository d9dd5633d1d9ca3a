"""A stored file of the wrong shape never stops the integration.

What it holds is kept beside it, the integration starts afresh without it
(the other stores are unaffected), and a repair issue tells the user.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.kitchen_ble.const import DOMAIN
from emulator.proxy import VirtualProxy

from .common import add_igrill, settle, setup_device
from .cooking import call, set_number


def _stored(key: str, data: Any) -> dict[str, Any]:
    return {"version": 1, "minor_version": 1, "key": key, "data": data}


@pytest.mark.parametrize(
    ("key", "data"),
    [
        ("kitchen_ble.cooking", ["a", "list"]),  # the root
        ("kitchen_ble.cooking", {"devices": [{"probes": {}}], "sessions": None}),
        ("kitchen_ble.brewing", {"library": {"programs": []}, "runs": ["marzen_mash"]}),
        ("kitchen_ble.sessions", [{"id": "x"}]),  # the archive's index
        ("kitchen_ble.sessions", {"sessions": {"id": "x"}}),
        ("kitchen_ble.shot_control", {"machines": ["AA:BB"]}),  # shot settings and leads
    ],
)
async def test_a_damaged_store_is_kept_aside_and_reported(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    config_dir: Any,
    key: str,
    data: Any,
) -> None:
    hass_storage[key] = _stored(key, data)
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    entry = await setup_device(hass, device, "igrill_v2")

    assert entry.state is ConfigEntryState.LOADED
    kept = [k for k in hass_storage if k.startswith(f"{key}.damaged.")]
    assert len(kept) == 1
    assert hass_storage[kept[0]]["data"] == data  # kept exactly as it was
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"damaged_store_{key}")
    assert issue is not None
    assert issue.translation_key == "damaged_store"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["store"] == key
    assert issue.translation_placeholders["kept_as"].endswith(kept[0])
    assert any(
        r.levelno == logging.WARNING and "is damaged" in r.getMessage() for r in caplog.records
    )

    # and everything works afresh: a target, a cook, the archive
    await set_number(hass, device, "probe_1_target", 60)
    await call(hass, "start_session", {"name": "After the damage"})
    await call(hass, "end_session")
    listed = await call(hass, "list_sessions", {}, return_response=True)
    assert [s["name"] for s in listed["sessions"]] == ["After the damage"]
    await settle(hass)


async def test_well_shaped_stores_raise_no_issue(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, hass_storage: dict[str, Any]
) -> None:
    hass_storage["kitchen_ble.cooking"] = _stored("kitchen_ble.cooking", {"devices": {}})
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2")
    assert not [k for k in hass_storage if ".damaged." in k]
    assert not [i for (d, _), i in ir.async_get(hass).issues.items() if d == DOMAIN]
