"""Diagnostics: what a bug report needs, with the address (and a machine's serial) redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_ADDRESS, CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .brewing import get_brewing
from .control import get_control
from .cooking import get_runtime
from .library.devices.de1 import De1State
from .library.devices.de1.registers import REGISTER_BY_ADDRESS, SERIAL_NUMBER
from .models import KitchenBleConfigEntry
from .passive import node_diagnostics
from .profiles import get_profiles
from .visualizer import get_visualizer

TO_REDACT = {CONF_ADDRESS, CONF_EMAIL, CONF_PASSWORD}  # the Visualizer account too
# An espresso machine's serial number names its owner to Decent: never in a bug report.
STATE_TO_REDACT = {SERIAL_NUMBER.name, "serial_number"}


def _state(state: object) -> dict[str, Any]:
    """The driver's snapshot; an espresso machine's registers by name, its serial redacted."""
    found: dict[str, Any] = asdict(state)  # type: ignore[call-overload]
    if isinstance(state, De1State):
        found["mmr"] = {
            (known.name if (known := REGISTER_BY_ADDRESS.get(address)) else f"0x{address:06x}"): raw
            for address, raw in sorted(state.mmr.items())
        }
        found |= {
            "firmware_build": state.firmware_build,
            "machine_model_code": state.machine_model_code,
            "ghc_info": state.ghc_info,
            "serial_number": state.serial_number,
        }
    return async_redact_data(found, STATE_TO_REDACT)


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
            "state": _state(link.driver.state),
        }
    if (thermometer := data.cooking) is not None:
        found["cooking"] = get_runtime(hass).diagnostics(thermometer.address)
        found["brewing"] = get_brewing(hass).diagnostics(thermometer.address)
    if (machine := data.espresso) is not None:  # the profile it was given, as far as known
        found["profile"] = get_profiles(hass).diagnostics(machine)
        found["visualizer"] = get_visualizer(hass).diagnostics(entry)
        found["shot_control"] = get_control(hass).diagnostics(machine)
    return found
