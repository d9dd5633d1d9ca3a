"""Diagnostics: what a bug report needs, with the address redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant

from .brewing_runtime import get_brewing
from .cooking_runtime import get_runtime
from .coordinator import KitchenBleConfigEntry
from .node_coordinator import is_node_entry, node_diagnostics

TO_REDACT = {CONF_ADDRESS}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: KitchenBleConfigEntry
) -> dict[str, Any]:
    """Entry, model, link and the device's last snapshot."""
    redacted = async_redact_data(
        {"data": dict(entry.data), "options": dict(entry.options)}, TO_REDACT
    )
    if is_node_entry(entry):  # a passive sensor node
        return {"entry": redacted, **node_diagnostics(entry)}
    coordinator = entry.runtime_data
    return {
        "entry": redacted,
        "model": asdict(coordinator.model) | {"features": sorted(coordinator.model.features)},
        "connection": {
            "connected": coordinator.connected,
            "available": coordinator.available,
            "hold_connection": coordinator.hold_connection,
            "connect_count": coordinator.connect_count,
            "last_error": coordinator.last_error,
            "rssi": coordinator.rssi,
        },
        "state": asdict(coordinator.driver.state),
        "cooking": get_runtime(hass).diagnostics(coordinator.address),
        "brewing": get_brewing(hass).diagnostics(coordinator.address),
    }
