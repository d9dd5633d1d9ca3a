"""Services of every feature (``services.yaml`` describes them).

* Cooking: start, join and end cook sessions; list and read the archive.
* Brewing: create, update, delete and list programs; acknowledge alarms.
* Espresso profiles: import, export, delete and list (``profiles.py``).
* Shot records: list, read, annotate, delete and export (``shots.py``).
* Espresso: start an espresso, steam, hot water or a flush (where a group head
  controller takes the starts, its buttons are unavailable; this says why).
  Service data speaks minutes and date-times; the library speaks seconds (and
  states the errors of the alarm times in minutes, as they are typed here).

Registered once for the integration (``async_setup``). Bad arguments raise a
translated ``ServiceValidationError`` before anything is changed. Any value a
YAML file or a template can produce is taken: a schema checks the kind (a
number, a whole number, a date and time; its own error names the field), the
handler the range (a translated error that states it). Huge integers count as
the infinities they exceed, and NaN is out of every range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime
from decimal import Decimal
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
from .espresso import START_TARGETS, async_start, espresso_link
from .library.brewing.program import (
    DEFAULT_TOLERANCE,
    SETTINGS,
    Program,
    ProgramError,
    Step,
    check_setting,
)
from .library.cooking.validation import MAX_TIMESTAMP_TEXT, to_float
from .profiles import async_setup_profile_services
from .runtime import invalid
from .shots import async_setup_shot_services

ATTR_NAME: Final = "name"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_READY_BY: Final = "ready_by"
ATTR_PAGE: Final = "page"
ATTR_PAGE_SIZE: Final = "page_size"
ATTR_SESSION_ID: Final = "session_id"
DEFAULT_PAGE_SIZE: Final = 20
MAX_PAGE: Final = 1_000_000
MAX_PAGE_SIZE: Final = 100
MAX_SESSION_NAME_LENGTH: Final = 255
MAX_PROBE: Final = 8  # no device has more; a higher number names no probe


def number(value: Any) -> float:
    """A number as YAML or a template gives it, numeric text too; vol.Invalid otherwise."""
    if isinstance(value, str):
        try:
            return float(value)  # "1e400" is inf, "nan" NaN: ranges refuse them
        except ValueError:
            raise vol.Invalid("expected a number") from None
    # bool is an int subclass, but true is no number of minutes
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise vol.Invalid("expected a number")
    return to_float(value)


def whole_number(value: Any) -> int:
    """A whole number: an integer, a float without a fraction, or such text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        with suppress(ValueError):  # also text of more digits than int() reads
            return int(value)
    real = number(value)
    if not real.is_integer():  # also inf and NaN
        raise vol.Invalid("expected a whole number")
    return int(real)


def _shown(value: int) -> str:
    """A whole number for a message (str() refuses integers of 4300 digits and more)."""
    return str(value) if abs(value) < 10**15 else format(Decimal(value), ".6g")


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
        vol.Optional(ATTR_PAGE, default=1): whole_number,
        vol.Optional(ATTR_PAGE_SIZE, default=DEFAULT_PAGE_SIZE): whole_number,
    }
)
GET_SCHEMA: Any = vol.Schema({vol.Required(ATTR_SESSION_ID): cv.string})
EMPTY_SCHEMA: Any = vol.Schema({})


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the services of every feature."""
    _async_setup_cooking_services(hass)
    _async_setup_brewing_services(hass)
    _async_setup_espresso_services(hass)
    async_setup_shot_services(hass)
    async_setup_profile_services(hass)


# --- espresso ----------------------------------------------------------------------------

ATTR_WHAT: Final = "what"
ESPRESSO_START_SCHEMA: Any = vol.Schema(
    {vol.Required(ATTR_DEVICE_ID): cv.string, vol.Required(ATTR_WHAT): vol.In(START_TARGETS)}
)


@callback
def _async_setup_espresso_services(hass: HomeAssistant) -> None:
    async def start(call: ServiceCall) -> None:
        link = espresso_link(hass, call.data[ATTR_DEVICE_ID])
        await async_start(link, START_TARGETS[call.data[ATTR_WHAT]])

    hass.services.async_register(DOMAIN, "start", start, ESPRESSO_START_SCHEMA)


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
        runtime.async_start_session(
            name=_session_name(call.data.get(ATTR_NAME)),
            keys=keys,
            ready_by=ready_by,  # checked by the runtime, as the Ready by entity's value
        )

    async def end_session(call: ServiceCall) -> None:
        await runtime.async_end_session()

    async def add_device(call: ServiceCall) -> None:
        key = runtime.key_for_device_id(call.data[ATTR_DEVICE_ID])
        runtime.async_add_to_session(key)

    async def list_sessions(call: ServiceCall) -> ServiceResponse:
        page, page_size = call.data[ATTR_PAGE], call.data[ATTR_PAGE_SIZE]
        if page < 1:
            raise invalid("invalid_page", page=_shown(page))
        if page > MAX_PAGE:
            raise invalid("page_too_high", page=_shown(page), max=str(MAX_PAGE))
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise invalid("invalid_page_size", page_size=_shown(page_size))
        return runtime.list_sessions(page, page_size)

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


def _session_name(name: str | None) -> str | None:
    """The name as typed, without the spaces around it; None (or blank): a name by date."""
    name = None if name is None else name.strip()
    if name is not None and len(name) > MAX_SESSION_NAME_LENGTH:
        raise invalid("session_name_too_long", max=str(MAX_SESSION_NAME_LENGTH))
    return name or None


# --- brewing ---------------------------------------------------------------------------

STEP_FIELDS: Final = frozenset({"name", "target", "hold_minutes", "until", "ramp"})
MINUTES: Final = {
    "reach_timeout_minutes": "reach_timeout",
    "deviation_minutes": "deviation_time",
    "sensor_lost_minutes": "sensor_lost_after",
}


def _program_fields(*, create: bool) -> dict[Any, Any]:
    """A program's fields; creating one requires its name, device and steps.

    Each set is written out whole: in a dict, a key equal to one already there
    keeps the first marker, so ``vol.Required("name")`` after
    ``vol.Optional("name")`` would stay optional.
    """
    needed = vol.Required if create else vol.Optional
    # a node's temperature is its probe 1
    probe = vol.Optional("probe", default=1) if create else vol.Optional("probe")
    return {
        needed("name"): cv.string,
        needed("device_id"): cv.string,
        probe: whole_number,
        needed("steps"): cv.ensure_list,
        vol.Optional("tolerance"): number,
        vol.Optional("deviation_band"): number,
        **{vol.Optional(name): number for name in MINUTES},
    }


CREATE_SCHEMA: Any = vol.Schema(_program_fields(create=True))
UPDATE_SCHEMA: Any = vol.Schema(
    {vol.Required("program"): cv.string, **_program_fields(create=False)}
)
PROGRAM_SCHEMA: Any = vol.Schema({vol.Required("program"): cv.string})
ACKNOWLEDGE_SCHEMA: Any = vol.Schema(
    {vol.Required("program"): cv.string, vol.Optional("alarm_id"): cv.string}
)


def _step_number(raw: Mapping[str, Any], field: str) -> float | None:
    """A number of a step (None when not given); ``step_invalid_value`` if it is none."""
    value = raw.get(field)
    if value is None:
        return None
    try:
        return number(value)
    except vol.Invalid:
        raise ProgramError("step_invalid_value", {"field": field}) from None


def _until(value: object) -> float | None:
    """A step's end time as epoch seconds; a time without a zone is local time."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        with suppress(ValueError):  # a month 13, an offset of days
            when = dt_util.parse_datetime(value)
    if when is None:
        raise ProgramError("step_until_invalid")
    try:
        return dt_util.as_utc(when).timestamp()
    except OverflowError:  # no UTC date: the very first or last hours of the calendar
        if when.year <= 1:
            raise ProgramError("until_in_the_past") from None
        raise ProgramError("step_until_too_late", {"max": MAX_TIMESTAMP_TEXT}) from None


def _step(raw: object) -> dict[str, Any]:
    """One step of service data as the core's, its numbers checked against their ranges."""
    if not isinstance(raw, Mapping):
        raise ProgramError("step_invalid_value", {"field": "step"})
    for field in raw:
        if field not in STEP_FIELDS:
            raise ProgramError("step_invalid_value", {"field": field})
    name = raw.get("name", "")
    if not isinstance(name, str):
        raise ProgramError("step_invalid_value", {"field": "name"})
    target = _step_number(raw, "target")
    if target is None:
        raise ProgramError("step_invalid_value", {"field": "target"})
    hold = _step_number(raw, "hold_minutes")
    ramp = _step_number(raw, "ramp")
    until = _until(raw.get("until"))
    # the step itself states the range of each number (``from_dict`` would only
    # call a non-finite one invalid)
    step = Step(
        target=target,
        hold=None if hold is None else hold * 60.0,
        until=until,
        ramp=ramp,
        name=name.strip(),
    )
    return step.to_dict()


def program_data(
    data: Mapping[str, Any],
    resolve: Callable[[str, int], str],
    current: Program | None = None,
) -> dict[str, Any]:
    """The core's program fields from service data.

    ``resolve`` gives the source id of a device's probe; ``current`` is the
    program being updated.
    """
    out: dict[str, Any] = {}
    source = None if current is None else current.source
    if "name" in data:
        out["name"] = data["name"]
    if "probe" in data and not 1 <= data["probe"] <= MAX_PROBE:
        device = data.get("device_id", split_source(source)[0] if source else "-")
        raise ProgramError("unknown_source", {"device_id": device, "probe": _shown(data["probe"])})
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
    # ``from_dict`` would call a non-finite number invalid: ask for the range instead
    tolerance = out.get("tolerance", DEFAULT_TOLERANCE if current is None else current.tolerance)
    for name in SETTINGS:
        if name in out and not math.isfinite(out[name]):
            check_setting(name, out[name], tolerance=tolerance)
    return out


@callback
def _async_setup_brewing_services(hass: HomeAssistant) -> None:
    runtime = get_brewing(hass)

    def _data(data: Mapping[str, Any], current: Program | None = None) -> dict[str, Any]:
        try:
            return program_data(data, runtime.source_for, current)
        except ProgramError as err:
            raise program_invalid(err) from err

    async def create_program(call: ServiceCall) -> ServiceResponse:
        program = runtime.async_create(_data(call.data))
        return runtime.describe(program.id)

    async def update_program(call: ServiceCall) -> ServiceResponse:
        program_id = runtime.find(call.data["program"])
        changes = _data(call.data, runtime.run(program_id).program)
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
