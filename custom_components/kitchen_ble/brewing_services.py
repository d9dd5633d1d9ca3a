"""Services of the brewing programs: create, update, delete, list, acknowledge alarms.

Service data speaks minutes and date-times; the core speaks seconds (and states
the errors of the alarm times in minutes, as they are typed here). Every rule a
request breaks (here or in ``brewing/``) is a translated
``ServiceValidationError`` and changes nothing.
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

from .brewing.program import ProgramError
from .brewing_runtime import get_brewing, invalid, source_id, split_source
from .const import DOMAIN

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
# Home Assistant 2026.9+ types schemas as probatio's (see services.py).
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
EMPTY_SCHEMA: Any = vol.Schema({})


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
def async_setup_brewing_services(hass: HomeAssistant) -> None:
    """Register the brewing services."""
    runtime = get_brewing(hass)

    def _data(data: Mapping[str, Any], source: str | None = None) -> dict[str, Any]:
        try:
            return program_data(data, runtime.source_for, source)
        except ProgramError as err:
            raise invalid(err) from err

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
