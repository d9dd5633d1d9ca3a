"""Services of every feature (``services.yaml`` describes them).

* Cooking: start, join and end cook sessions; list and read the archive.
* Brewing: create, update, delete and list programs; acknowledge alarms.
  Service data speaks minutes and date-times; the library speaks seconds (and
  states the errors of the alarm times in minutes, as they are typed here).

Registered once for the integration (``async_setup``). Bad arguments raise a
translated ``ServiceValidationError`` before anything is changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
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

from .brewing import get_brewing, program_invalid, source_id, split_source
from .const import DOMAIN
from .cooking import get_runtime
from .library.brewing.program import ProgramError

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
    """Register the services of every feature."""
    _async_setup_cooking_services(hass)
    _async_setup_brewing_services(hass)


# --- cooking ---------------------------------------------------------------------------


@callback
def _async_setup_cooking_services(hass: HomeAssistant) -> None:
    runtime = get_runtime(hass)

    async def start_session(call: ServiceCall) -> None:
        ids = call.data.get(ATTR_DEVICE_ID)
        if ids is None:  # every thermometer that is there now
            keys = [
                thermometer.address
                for entry in hass.config_entries.async_loaded_entries(DOMAIN)
                if (thermometer := entry.runtime_data.cooking) is not None and thermometer.available
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


# --- brewing ---------------------------------------------------------------------------

STEP_FIELDS: Final = frozenset({"name", "target", "hold_minutes", "until", "ramp"})
MINUTES: Final = {
    "reach_timeout_minutes": "reach_timeout",
    "deviation_minutes": "deviation_time",
    "sensor_lost_minutes": "sensor_lost_after",
}

_SETTINGS: dict[Any, Any] = {
    vol.Optional("name"): cv.string,
    vol.Optional("device_id"): cv.string,
    vol.Optional("probe"): vol.Coerce(int),
    vol.Optional("steps"): cv.ensure_list,
    vol.Optional("tolerance"): vol.Coerce(float),
    vol.Optional("deviation_band"): vol.Coerce(float),
    **{vol.Optional(name): vol.Coerce(float) for name in MINUTES},
}
CREATE_SCHEMA: Any = vol.Schema(
    {
        # a key equal to one already in the dict keeps the first marker: no default
        **{key: value for key, value in _SETTINGS.items() if key != "probe"},
        vol.Required("name"): cv.string,
        vol.Required("device_id"): cv.string,
        vol.Optional("probe", default=1): vol.Coerce(int),  # a node's temperature: 1
        vol.Required("steps"): cv.ensure_list,
    }
)
UPDATE_SCHEMA: Any = vol.Schema({vol.Required("program"): cv.string, **_SETTINGS})
PROGRAM_SCHEMA: Any = vol.Schema({vol.Required("program"): cv.string})
ACKNOWLEDGE_SCHEMA: Any = vol.Schema(
    {vol.Required("program"): cv.string, vol.Optional("alarm_id"): cv.string}
)


def _step(raw: object) -> dict[str, Any]:
    """One step of service data in the core's terms."""
    if not isinstance(raw, Mapping):
        raise ProgramError("step_invalid_value", {"field": "step"})
    for name in raw:
        if name not in STEP_FIELDS:
            raise ProgramError("step_invalid_value", {"field": name})
    step: dict[str, Any] = {k: raw[k] for k in ("name", "target", "ramp") if k in raw}
    if (hold := raw.get("hold_minutes")) is not None:
        if isinstance(hold, bool) or not isinstance(hold, int | float):
            raise ProgramError("step_invalid_value", {"field": "hold_minutes"})
        step["hold"] = hold * 60.0
    if (until := raw.get("until")) is not None:
        when = until if isinstance(until, datetime) else dt_util.parse_datetime(str(until))
        if when is None:
            raise ProgramError("step_until_invalid")
        step["until"] = dt_util.as_utc(when).timestamp()  # without a zone: local time
    return step


def program_data(
    data: Mapping[str, Any],
    resolve: Callable[[str, int], str],
    source: str | None = None,
) -> dict[str, Any]:
    """The core's program fields from service data.

    ``resolve`` gives the source id of a device's probe; ``source`` is the
    program's current one (update).
    """
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = data["name"]
    if "device_id" in data:
        probe = data.get("probe", split_source(source)[1] if source else None)
        out["source"] = resolve(data["device_id"], probe or 0)
    elif "probe" in data and source is not None:
        out["source"] = source_id(split_source(source)[0], data["probe"])
    if "steps" in data:
        steps = []
        for index, raw in enumerate(data["steps"]):
            try:
                steps.append(_step(raw))
            except ProgramError as err:
                raise err.for_step(index) from None
        out["steps"] = steps
    for name in ("tolerance", "deviation_band"):
        if name in data:
            out[name] = data[name]
    for name, core in MINUTES.items():
        if name in data:
            out[core] = data[name] * 60.0
    return out


@callback
def _async_setup_brewing_services(hass: HomeAssistant) -> None:
    runtime = get_brewing(hass)

    def _data(data: Mapping[str, Any], source: str | None = None) -> dict[str, Any]:
        try:
            return program_data(data, runtime.source_for, source)
        except ProgramError as err:
            raise program_invalid(err) from err

    async def create_program(call: ServiceCall) -> ServiceResponse:
        program = runtime.async_create(_data(call.data))
        return runtime.describe(program.id)

    async def update_program(call: ServiceCall) -> ServiceResponse:
        program_id = runtime.find(call.data["program"])
        changes = _data(call.data, runtime.run(program_id).program.source)
        program = await runtime.async_update(program_id, changes)
        return runtime.describe(program.id)

    async def delete_program(call: ServiceCall) -> None:
        await runtime.async_delete(runtime.find(call.data["program"]))

    async def list_programs(call: ServiceCall) -> ServiceResponse:
        return {
            "programs": [
                runtime.describe(program.id) for program in runtime.library.list_programs()
            ]
        }

    async def acknowledge_alarm(call: ServiceCall) -> None:
        runtime.async_acknowledge(
            runtime.find(call.data["program"]), call.data.get("alarm_id"), call.context
        )

    register = hass.services.async_register
    optional = SupportsResponse.OPTIONAL
    register(DOMAIN, "create_program", create_program, CREATE_SCHEMA, supports_response=optional)
    register(DOMAIN, "update_program", update_program, UPDATE_SCHEMA, supports_response=optional)
    register(DOMAIN, "delete_program", delete_program, PROGRAM_SCHEMA)
    register(
        DOMAIN,
        "list_programs",
        list_programs,
        EMPTY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    register(DOMAIN, "acknowledge_alarm", acknowledge_alarm, ACKNOWLEDGE_SCHEMA)
