"""Services: start, join and end cook sessions; list and read the archive.

Registered once for the integration (``async_setup``). Bad arguments raise a
translated ``ServiceValidationError`` before anything is changed.
"""

from __future__ import annotations

from typing import Any, Final

import voluptuous as vol
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .cooking_runtime import get_runtime, thermometer_state
from .coordinator import KitchenBleCoordinator

ATTR_NAME: Final = "name"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_READY_BY: Final = "ready_by"
ATTR_PAGE: Final = "page"
ATTR_PAGE_SIZE: Final = "page_size"
ATTR_SESSION_ID: Final = "session_id"
DEFAULT_PAGE_SIZE: Final = 20

# Home Assistant 2026.9+ types schemas as probatio's; `voluptuous` is an alias of
# probatio at run time but not for the type checker (as in config_flow.py).
START_SCHEMA: Any = vol.Schema(
    {
        vol.Optional(ATTR_NAME): cv.string,
        vol.Optional(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_READY_BY): cv.datetime,
    }
)
ADD_SCHEMA: Any = vol.Schema({vol.Required(ATTR_DEVICE_ID): cv.string})
LIST_SCHEMA: Any = vol.Schema(
    {
        vol.Optional(ATTR_PAGE, default=1): vol.Coerce(int),
        vol.Optional(ATTR_PAGE_SIZE, default=DEFAULT_PAGE_SIZE): vol.Coerce(int),
    }
)
GET_SCHEMA: Any = vol.Schema({vol.Required(ATTR_SESSION_ID): cv.string})
EMPTY_SCHEMA: Any = vol.Schema({})


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the cooking services."""
    runtime = get_runtime(hass)

    async def start_session(call: ServiceCall) -> None:
        ids = call.data.get(ATTR_DEVICE_ID)
        if ids is None:  # every thermometer that is there now
            keys = [
                entry.runtime_data.address
                for entry in hass.config_entries.async_loaded_entries(DOMAIN)
                if isinstance(entry.runtime_data, KitchenBleCoordinator)  # not a sensor node
                and entry.runtime_data.available
                and thermometer_state(entry.runtime_data)
            ]
        else:
            keys = [runtime.key_for_device_id(device_id) for device_id in ids]
        ready_by = call.data.get(ATTR_READY_BY)
        if ready_by is not None:
            ready_by = dt_util.as_utc(ready_by)  # a time without zone is local time
        runtime.async_start_session(name=call.data.get(ATTR_NAME), keys=keys, ready_by=ready_by)

    async def end_session(call: ServiceCall) -> None:
        await runtime.async_end_session()

    async def add_device(call: ServiceCall) -> None:
        key = runtime.key_for_device_id(call.data[ATTR_DEVICE_ID])
        runtime.async_add_to_session(key)

    async def list_sessions(call: ServiceCall) -> ServiceResponse:
        return runtime.list_sessions(call.data[ATTR_PAGE], call.data[ATTR_PAGE_SIZE])

    async def get_session(call: ServiceCall) -> ServiceResponse:
        result: dict[str, Any] = await runtime.async_get_session(call.data[ATTR_SESSION_ID])
        return result

    register = hass.services.async_register
    register(DOMAIN, "start_session", start_session, START_SCHEMA)
    register(DOMAIN, "end_session", end_session, EMPTY_SCHEMA)
    register(DOMAIN, "add_device_to_session", add_device, ADD_SCHEMA)
    register(
        DOMAIN, "list_sessions", list_sessions, LIST_SCHEMA, supports_response=SupportsResponse.ONLY
    )
    register(
        DOMAIN, "get_session", get_session, GET_SCHEMA, supports_response=SupportsResponse.ONLY
    )
