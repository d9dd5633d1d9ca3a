"""Diagnostics: what a bug report needs, with the address redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant

from .brewing import get_brewing
from .cooking import get_runtime
from .models import KitchenBleConfigEntry
from .passive import node_diagnostics

TO_REDACT = {CONF_ADDRESS}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: KitchenBleConfigEntry
) -> dict[str, Any]:
    """Entry and model; the link and the last snapshot, or the node's last reading; features."""
    data = entry.runtime_data
    found: dict[str, Any] = {
        "entry": async_redact_data(
            {"data": dict(entry.data), "options": dict(entry.options)}, TO_REDACT
        )
    }
    if data.node is not None:
        found |= node_diagnostics(data.node)
    if (link := data.link) is not None:
        found |= {
            "model": asdict(link.model) | {"capabilities": sorted(link.model.capabilities)},
            "connection": {
                "connected": link.connected,
                "available": link.available,
                "hold_connection": link.hold_connection,
                "connect_count": link.connect_count,
                "last_error": link.last_error,
                "rssi": link.rssi,
            },
            "state": asdict(link.driver.state),  # type: ignore[call-overload]
        }
    if (thermometer := data.cooking) is not None:
        found["cooking"] = get_runtime(hass).diagnostics(thermometer.address)
        found["brewing"] = get_brewing(hass).diagnostics(thermometer.address)
    return found
