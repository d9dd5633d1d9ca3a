"""Numbers a YAML file or a template can produce, through the actions and the number entities.

Each is refused with a translated ``ServiceValidationError`` stating the range
(or, for a value of the wrong kind, the schema's own ``vol.Invalid`` naming the
field), and nothing changes. None raises a bare OverflowError or ValueError.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from custom_components.kitchen_ble.brewing import get_brewing
from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.cooking import get_runtime
from emulator.proxy import VirtualProxy

from .brewing import MASH_STEPS, create, programs, thermometer
from .common import entity_id, settle, state_of
from .cooking import Recorder, advance, call, hold, set_number

TRANSLATIONS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components" / "kitchen_ble" / "translations" / "en.json"
    ).read_text(encoding="utf-8")
)["exceptions"]
HUGE = 10**400
LATEST = "9999-12-30T00:00:00+00:00"  # the last instant every time zone can show


def translated(err: ServiceValidationError, key: str, **placeholders: str) -> None:
    """The error is ours, its key ``key``, and its message has every placeholder filled."""
    assert (err.translation_domain, err.translation_key) == (DOMAIN, key)
    assert placeholders.items() <= (err.translation_placeholders or {}).items()
    TRANSLATIONS[key]["message"].format(**err.translation_placeholders)


def stored(hass: HomeAssistant) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the cooking and brewing runtimes would store now."""
    return get_runtime(hass)._data(), get_brewing(hass)._data()


# --- start_session ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ready_by", "key"),
    [
        # beyond year 9999 in UTC: as_utc raised OverflowError
        ("9999-12-31T23:59:59-12:00", "ready_by_too_late"),
        ("9999-12-31T23:59:59-23:59", "ready_by_too_late"),
        # a UTC date, but not one every zone can show
        ("9999-12-30T00:00:01+00:00", "ready_by_too_late"),
        # before year 1 in UTC
        ("0001-01-01T00:00:00+12:00", "ready_by_in_the_past"),
    ],
)
async def test_a_ready_by_time_beyond_the_calendar_is_refused(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, ready_by: str, key: str
) -> None:
    await thermometer(hass, virtual_proxy)
    before = stored(hass)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "start_session", {"name": "Brisket", "ready_by": ready_by})
    translated(err.value, key)
    if key == "ready_by_too_late":
        assert err.value.translation_placeholders["max"] == LATEST
    assert hass.data[DOMAIN].session is None
    assert stored(hass) == before


async def test_a_local_time_far_ahead_west_of_utc_is_refused(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    await hass.config.async_set_time_zone("Pacific/Honolulu")
    await thermometer(hass, virtual_proxy)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "start_session", {"ready_by": "9999-12-31T23:59:59"})
    translated(err.value, "ready_by_too_late", ready_by="9999-12-31T23:59:59")
    assert hass.data[DOMAIN].session is None


async def test_the_latest_ready_by_time_is_taken(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, _ = await thermometer(hass, virtual_proxy)
    await call(hass, "start_session", {"ready_by": "9999-12-30T00:00:00+00:00"})
    assert state_of(hass, device, "ready_by", "datetime") == LATEST


async def test_session_names_are_trimmed_and_bounded(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    await thermometer(hass, virtual_proxy)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "start_session", {"name": "x" * 256})
    translated(err.value, "session_name_too_long", max="255")
    assert hass.data[DOMAIN].session is None
    await call(hass, "start_session", {"name": "   "})
    assert hass.data[DOMAIN].session.name.startswith("Cook ")  # named by its date


# --- list_sessions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({"page": HUGE}, "page_too_high", {"page": "1.00000e+400", "max": "1000000"}),
        ({"page": 1_000_001}, "page_too_high", {"page": "1000001"}),
        ({"page": 1e300}, "page_too_high", {"page": "1.00000e+300"}),
        ({"page": -5}, "invalid_page", {"page": "-5"}),
        ({"page_size": HUGE}, "invalid_page_size", {"page_size": "1.00000e+400"}),
        ({"page_size": -(10**5000)}, "invalid_page_size", {"page_size": "-1.00000e+5000"}),
        ({"page_size": 101.0}, "invalid_page_size", {"page_size": "101"}),
    ],
    ids=["huge", "above", "1e300", "negative", "size-huge", "size-5000-digits", "size-101"],
)
@pytest.mark.usefixtures("config_dir")
async def test_pages_out_of_range_are_refused_with_the_range(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    await thermometer(hass, virtual_proxy)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "list_sessions", data, return_response=True)
    translated(err.value, key, **placeholders)


@pytest.mark.parametrize(
    "data",
    [
        {"page": math.inf},
        {"page": math.nan},
        {"page": 1.5},
        {"page": True},
        {"page": "two"},
        {"page": [1]},
        {"page_size": -math.inf},
        {"page_size": "1e400"},
        {"page_size": None},
    ],
    ids=str,
)
@pytest.mark.usefixtures("config_dir")
async def test_pages_that_are_no_whole_numbers_are_refused_by_the_schema(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, data: dict[str, Any]
) -> None:
    """Coerce(int) raised OverflowError for inf and made 1 of 1.5."""
    await thermometer(hass, virtual_proxy)
    with pytest.raises(vol.Invalid) as err:
        await call(hass, "list_sessions", data, return_response=True)
    assert "expected a" in str(err.value)
    assert list(data) == [str(part) for part in err.value.path]


@pytest.mark.usefixtures("config_dir")
async def test_pages_as_text_or_whole_floats_are_taken(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    await thermometer(hass, virtual_proxy)
    listed = await call(
        hass, "list_sessions", {"page": "2", "page_size": 5.0}, return_response=True
    )
    assert (listed["page"], listed["page_size"]) == (2, 5)


# --- create_program and update_program -------------------------------------------------


@pytest.mark.parametrize("missing", ["name", "device_id", "steps"])
async def test_create_program_requires_its_required_fields(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, missing: str
) -> None:
    """Without device_id the call used to fail later, about "device None"."""
    _device, device_id = await thermometer(hass, virtual_proxy)
    data = {"name": "Mash", "device_id": device_id, "steps": MASH_STEPS}
    del data[missing]
    with pytest.raises(vol.Invalid) as err:
        await call(hass, "create_program", data)
    assert str(err.value).startswith("required key not provided")
    assert err.value.path == [missing]
    assert await programs(hass) == []


STEP = {"name": "Rest", "target": 65, "hold_minutes": 60}
BAD_STEP_NUMBERS: list[tuple[dict[str, Any], str, dict[str, str]]] = [
    ({"target": HUGE}, "step_target_out_of_range", {"target": "inf", "max": "400"}),
    ({"target": -math.inf}, "step_target_out_of_range", {"target": "-inf"}),
    ({"target": math.nan}, "step_target_out_of_range", {"target": "nan"}),
    ({"target": "1e400"}, "step_target_out_of_range", {"target": "inf"}),
    ({"hold_minutes": HUGE}, "step_hold_out_of_range", {"hold": "inf", "max_days": "90"}),
    ({"hold_minutes": 1e308}, "step_hold_out_of_range", {"hold": "inf"}),
    ({"hold_minutes": math.nan}, "step_hold_out_of_range", {"hold": "nan"}),
    ({"ramp": HUGE}, "step_ramp_too_fast", {"ramp": "inf", "max": "1000"}),
    ({"ramp": math.nan}, "step_ramp_not_positive", {}),
    ({"ramp": -(10**400)}, "step_ramp_not_positive", {}),
    # beyond year 9999 in UTC: as_utc raised OverflowError
    (
        {"hold_minutes": None, "until": "9999-12-31T23:59:59-12:00"},
        "step_until_too_late",
        {"max": LATEST},
    ),
    ({"hold_minutes": None, "until": "9999-12-30T00:00:01+00:00"}, "step_until_too_late", {}),
    ({"hold_minutes": None, "until": "0001-01-01T00:00:00+12:00"}, "until_in_the_past", {}),
    ({"hold_minutes": None, "until": "2020-13-45T00:00"}, "step_until_invalid", {}),
    ({"hold_minutes": None, "until": "2020-01-01T00:00+99:00"}, "step_until_invalid", {}),
    ({"hold_minutes": None, "until": 10**5000}, "step_until_invalid", {}),
    ({"hold_minutes": None, "until": ["2099-01-01"]}, "step_until_invalid", {}),
    ({"target": True}, "step_invalid_value", {"field": "target"}),
    ({"target": None}, "step_invalid_value", {"field": "target"}),
    ({"hold_minutes": [60]}, "step_invalid_value", {"field": "hold_minutes"}),
    ({"ramp": "fast"}, "step_invalid_value", {"field": "ramp"}),
    ({"name": 10**5000}, "step_invalid_value", {"field": "name"}),
    ({10**5000: 1}, "step_invalid_value", {"field": "1.00000e+5000"}),
]


@pytest.mark.parametrize(
    ("change", "key", "placeholders"), BAD_STEP_NUMBERS, ids=[str(n) for n in range(23)]
)
async def test_bad_step_numbers_are_refused_with_their_range(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    change: dict[Any, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    before = stored(hass)
    steps = [STEP, {**STEP, **change}]
    with pytest.raises(ServiceValidationError) as err:
        await create(hass, device_id, name="Other", steps=steps)
    translated(err.value, key, step="2", **placeholders)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "update_program", {"program": "marzen_mash", "steps": steps})
    translated(err.value, key, step="2", **placeholders)
    assert stored(hass) == before


BAD_SETTINGS: list[tuple[dict[str, Any], str, dict[str, str]]] = [
    ({"tolerance": HUGE}, "tolerance_out_of_range", {"value": "inf", "max": "10"}),
    ({"tolerance": math.nan}, "tolerance_out_of_range", {"value": "nan"}),
    ({"tolerance": "-inf"}, "tolerance_out_of_range", {"value": "-inf"}),
    ({"deviation_band": math.inf}, "deviation_band_out_of_range", {"min": "0.5", "max": "50"}),
    ({"deviation_band": math.nan, "tolerance": 1}, "deviation_band_out_of_range", {"min": "1"}),
    (
        {"reach_timeout_minutes": HUGE},
        "reach_timeout_out_of_range",
        {"value": "inf", "max": "10080"},
    ),
    ({"reach_timeout_minutes": 1e308}, "reach_timeout_out_of_range", {"value": "inf"}),
    ({"deviation_minutes": -(10**400)}, "deviation_time_out_of_range", {"value": "-inf"}),
    ({"sensor_lost_minutes": math.nan}, "sensor_lost_after_out_of_range", {"value": "nan"}),
    ({"probe": HUGE}, "unknown_source", {"probe": "1.00000e+400"}),
    ({"probe": 0}, "unknown_source", {"probe": "0"}),
    ({"probe": 1e300}, "unknown_source", {"probe": "1.00000e+300"}),
]


@pytest.mark.parametrize(("data", "key", "placeholders"), BAD_SETTINGS, ids=str)
async def test_bad_settings_are_refused_with_their_range(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    before = stored(hass)
    with pytest.raises(ServiceValidationError) as err:
        await create(hass, device_id, **{"name": "Other", **data})
    translated(err.value, key, **placeholders)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "update_program", {"program": "marzen_mash", **data})
    translated(err.value, key, **placeholders)
    assert stored(hass) == before


@pytest.mark.parametrize(
    "data",
    [
        {"probe": 1.5},
        {"probe": math.inf},
        {"probe": math.nan},
        {"probe": True},
        {"probe": "one"},
        {"tolerance": True},
        {"tolerance": "warm"},
        {"tolerance": [1]},
        {"deviation_minutes": None},
        {"sensor_lost_minutes": {"minutes": 5}},
    ],
    ids=str,
)
async def test_settings_of_the_wrong_kind_are_refused_by_the_schema(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, data: dict[str, Any]
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    before = stored(hass)
    with pytest.raises(vol.Invalid) as err:
        await create(hass, device_id, **{"name": "Other", **data})
    assert err.value.path == list(data)
    with pytest.raises(vol.Invalid):
        await call(hass, "update_program", {"program": "marzen_mash", **data})
    assert stored(hass) == before


async def test_numbers_as_text_and_whole_floats_are_taken(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    _device, device_id = await thermometer(hass, virtual_proxy)
    steps = [{"target": "52.5", "hold_minutes": "15"}, {"target": 65, "ramp": "60", "until": None}]
    steps[1]["hold_minutes"] = 30
    created = await create(
        hass, device_id, probe=2.0, steps=steps, tolerance="1", reach_timeout_minutes=" 20 "
    )
    assert (created["probe"], created["tolerance"], created["reach_timeout_minutes"]) == (2, 1, 20)
    assert created["steps"][0]["target"] == 52.5
    assert created["steps"][0]["hold_minutes"] == 15
    assert created["steps"][1]["ramp"] == 60


async def test_a_probe_alone_on_update_moves_the_program_on_its_device(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, device_id = await thermometer(hass, virtual_proxy)
    await create(hass, device_id)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "update_program", {"program": "marzen_mash", "probe": 9})
    translated(err.value, "unknown_source", device_id=device.address, probe="9")
    moved = await call(
        hass, "update_program", {"program": "marzen_mash", "probe": "2"}, return_response=True
    )
    assert (moved["device_id"], moved["probe"]) == (device_id, 2)


# --- the number entities ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(1e-310, "1e-310"), (0.5, "0.5"), (1.5, "1.5"), (239.99, "239.99"), (math.nan, "nan")],
)
@pytest.mark.usefixtures("all_entities_enabled")
async def test_a_reminder_interval_that_is_no_whole_minute_is_refused(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, minutes: float, shown: str
) -> None:
    """1e-310 minutes used to be taken, and then every evaluation overflowed."""
    device, _ = await thermometer(hass, virtual_proxy)
    before = stored(hass)
    with pytest.raises(ServiceValidationError) as err:
        await set_number(hass, device, "probe_1_reminder", minutes)
    translated(err.value, "reminder_out_of_range", value=shown, max="240")
    assert stored(hass) == before
    assert state_of(hass, device, "probe_1_reminder", "number") == "5.0"


@pytest.mark.parametrize("minutes", [0, 1, 240])
@pytest.mark.usefixtures("all_entities_enabled")
async def test_a_reminder_interval_is_off_or_whole_minutes_to_four_hours(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, minutes: int
) -> None:
    device, _ = await thermometer(hass, virtual_proxy)
    await set_number(hass, device, "probe_1_reminder", minutes)
    assert state_of(hass, device, "probe_1_reminder", "number") == f"{minutes:.1f}"


@pytest.mark.parametrize("key", ["target", "pre_alert", "range_min", "range_max"])
@pytest.mark.usefixtures("all_entities_enabled")
async def test_nan_is_refused_by_every_number(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, key: str
) -> None:
    """Home Assistant's range check lets NaN through (every comparison is false)."""
    device, _ = await thermometer(hass, virtual_proxy)
    before = stored(hass)
    with pytest.raises(ServiceValidationError) as err:
        await set_number(hass, device, f"probe_1_{key}", math.nan)
    translated(err.value, "number_out_of_range", value="nan", min="0")
    assert stored(hass) == before


@pytest.mark.usefixtures("all_entities_enabled")
async def test_reminders_keep_their_interval_after_a_refused_one(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _ = await thermometer(hass, virtual_proxy)
    await set_number(hass, device, "probe_1_target", 50)
    await set_number(hass, device, "probe_1_reminder", 1)
    with pytest.raises(ServiceValidationError):
        await set_number(hass, device, "probe_1_reminder", 1e-310)
    record = Recorder(hass)
    hold(device, 1, 51.0)  # above the target, below "exceeded" (53 °C)
    await advance(hass, freezer, virtual_proxy, 185, step=5)
    assert record.types(1) == ["reached", "reminder", "reminder", "reminder"]
    await settle(hass)
    assert hass.states.get(entity_id(hass, device, "probe_1_reminder", "number")).state == "1.0"
