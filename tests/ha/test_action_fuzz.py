"""Every action of the integration called through Home Assistant with generated data.

The data mixes valid values with anything a YAML file or a template can
produce (huge integers, inf, NaN, numeric text, lists, dates beyond the
calendar). A call either works or is refused with ``vol.Invalid`` (the
schema) or a ``HomeAssistantError`` (a translated ``ServiceValidationError``
of ours, with a key en.json has); a refused call leaves the runtimes' stored
data as it was, and what is stored after any call loads again.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pytest
import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from hypothesis import strategies as st

from custom_components.kitchen_ble.brewing import get_brewing
from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.cooking import get_runtime
from custom_components.kitchen_ble.library.brewing.program import ProgramLibrary
from custom_components.kitchen_ble.library.brewing.runner import ProgramRun
from custom_components.kitchen_ble.library.cooking.manager import SessionManager
from custom_components.kitchen_ble.library.cooking.state import CookDevice
from emulator.proxy import VirtualProxy
from tests.fuzz import date_texts, datetimes, drawn, numbers, yaml_values

from .brewing import create, thermometer
from .common import assert_no_errors

EXCEPTIONS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components" / "kitchen_ble" / "translations" / "en.json"
    ).read_text(encoding="utf-8")
)["exceptions"]

# Stand-ins for what only the running test knows.
DEVICE: Final = "<the thermometer's device id>"
SESSION: Final = "<the latest session's id>"


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each as often as its weight says (``one_of`` is not even)."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def anything_or(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return weighted((2, valid), (1, yaml_values))


def likely(valid: st.SearchStrategy[Any], edge: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a valid value, else one at or past the edge of the range, or anything."""
    return weighted((6, valid), (1, edge), (1, yaml_values))


def action(
    required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """Data of one action: mostly of its shape, else any of its fields or one it lacks."""
    shaped = st.fixed_dictionaries(required, optional=optional)
    loose = st.fixed_dictionaries({}, optional={**required, **optional, **EXTRA})
    return weighted((3, shaped), (1, loose))


device = weighted((3, st.just(DEVICE)), (1, st.sampled_from(["nope", ""])))
program = st.sampled_from(["marzen_mash", "Märzen mash", " märzen MASH ", "nope"])
names = st.text(min_size=1, max_size=20)
when = date_texts | datetimes
step = st.fixed_dictionaries(
    {
        "target": likely(st.floats(-50.0, 400.0), numbers),
        "hold_minutes": likely(st.floats(0.0, 129_600.0), numbers | st.none()),
    },
    optional={
        "name": likely(names, st.text(min_size=60, max_size=70)),
        "until": likely(st.none(), when),
        "ramp": likely(st.floats(0.1, 1000.0), numbers),
    },
)
steps = weighted(
    (4, st.lists(step, min_size=1, max_size=3)),
    (1, st.lists(anything_or(step), max_size=3)),
    (1, yaml_values),
)
SETTINGS: dict[str, st.SearchStrategy[Any]] = {
    "probe": likely(st.integers(1, 4), st.integers(-1, 10) | numbers),
    "tolerance": likely(st.floats(0.1, 1.0), st.floats(-1.0, 12.0) | numbers),
    "deviation_band": likely(st.floats(2.0, 50.0), st.floats(-1.0, 60.0) | numbers),
    "reach_timeout_minutes": likely(st.floats(0.0, 10_080.0), numbers),
    "deviation_minutes": likely(st.floats(0.0, 1440.0), numbers),
    "sensor_lost_minutes": likely(st.floats(0.1, 1440.0), numbers),
}
EXTRA = {"colour": yaml_values}  # no action has it
PROGRAM = {"name": likely(names, st.text(max_size=70)), "device_id": anything_or(device)}

ACTIONS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "start_session": action(
        {},
        {
            "name": anything_or(st.text(max_size=300)),
            "device_id": anything_or(device | st.lists(device, max_size=2)),
            "ready_by": likely(st.datetimes(min_value=datetime(2100, 1, 1)), when),
        },
    ),
    "end_session": action({}, {}),
    "add_device_to_session": action({"device_id": anything_or(device)}, {}),
    "list_sessions": action(
        {},
        {
            "page": likely(st.integers(1, 3), st.integers(-2, 1_000_002) | numbers),
            "page_size": likely(st.integers(1, 100), st.integers(-2, 102) | numbers),
        },
    ),
    "get_session": action(
        {"session_id": anything_or(st.sampled_from([SESSION, "nope", "../x"]))}, {}
    ),
    "create_program": action({**PROGRAM, "steps": steps}, SETTINGS),
    "update_program": action(
        {"program": anything_or(program)}, {**PROGRAM, "steps": steps, **SETTINGS}
    ),
    "delete_program": action({"program": anything_or(program)}, {}),
    "list_programs": action({}, {}),
    "acknowledge_alarm": action(
        {"program": anything_or(program)},
        {"alarm_id": anything_or(st.sampled_from(["marzen_mash-1", "nope"]))},
    ),
}
RESPONSES: Final = {
    "list_sessions": True,
    "get_session": True,
    "create_program": True,
    "update_program": True,
    "list_programs": True,
}


def shown(value: Any) -> str:
    """A generated value for a failure message (the repr of 10**5000 would raise)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"{'-' if value < 0 else ''}10**{round(math.log10(abs(value)))}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(shown(item) for item in value) + "]"
    if isinstance(value, datetime):
        return f"datetime({value.isoformat()})"
    return repr(value)


def resolved(value: Any, known: dict[str, str]) -> Any:
    """The generated data with the stand-ins replaced."""
    if isinstance(value, str):
        return known.get(value, value)
    if isinstance(value, list):
        return [resolved(item, known) for item in value]
    if isinstance(value, dict):
        return {key: resolved(item, known) for key, item in value.items()}
    return value


def stored(hass: HomeAssistant) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the cooking and brewing runtimes would store now."""
    return get_runtime(hass)._data(), get_brewing(hass)._data()


def loads_again(cooking: dict[str, Any], brewing: dict[str, Any]) -> None:
    """What is stored reads back without a warning's worth of ValueError."""
    for key, data in cooking["devices"].items():
        CookDevice.from_dict(key, data)
    SessionManager.from_dict(cooking["sessions"])
    ProgramLibrary.from_dict(brewing["library"])
    for data in brewing["runs"].values():
        ProgramRun.from_dict(data)


async def prepare(hass: HomeAssistant, action: str, device_id: str) -> None:
    """A program to act on; a running cook for the session actions, none to start one."""
    if "marzen_mash" not in get_brewing(hass).runs:
        await create(hass, device_id)
    running = get_runtime(hass).session is not None
    if action == "start_session" and running:
        await hass.services.async_call(DOMAIN, "end_session", {}, blocking=True)
    elif action in ("end_session", "add_device_to_session", "get_session") and not running:
        await hass.services.async_call(DOMAIN, "start_session", {}, blocking=True)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.usefixtures("config_dir")
async def test_generated_calls_work_or_are_refused_and_change_nothing(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    caplog: pytest.LogCaptureFixture,
    action: str,
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    outcomes: Counter[str] = Counter()
    for example in drawn(ACTIONS[action], 50):
        await prepare(hass, action, device_id)
        session = get_runtime(hass).session
        data = resolved(example, {DEVICE: device_id, SESSION: session.id if session else "-"})
        before = stored(hass)
        try:
            await hass.services.async_call(
                DOMAIN, action, data, blocking=True, return_response=RESPONSES.get(action, False)
            )
        except (vol.Invalid, HomeAssistantError) as err:
            outcomes["refused"] += 1
            if isinstance(err, ServiceValidationError) and err.translation_domain == DOMAIN:
                message = EXCEPTIONS[err.translation_key]["message"]
                message.format(**(err.translation_placeholders or {}))
            assert stored(hass) == before, f"{action} {shown(example)} refused, yet changed"
        except Exception as err:  # the point: name the example
            pytest.fail(f"{action} {shown(example)} raised {type(err).__name__}: {err}")
        else:
            outcomes["worked"] += 1
        await hass.async_block_till_done()
        loads_again(*stored(hass))
    assert outcomes["worked"] > 0, "every action works with some of the data"
    assert outcomes["refused"] > 0, "and refuses some"
    assert_no_errors(caplog)
