"""The options of an espresso machine: its Visualizer account (checked first) and its uploads.

Credentials are saved only after ``GET /api/me`` of Visualizer (a local fake)
took them; a refusal or no answer is a form error and saves nothing. Other
kinds of device have no options. Any input the form can be sent ends in a form
error, a schema error or saved options.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from hypothesis import strategies as st

from custom_components.kitchen_ble.const import OPTION_HOLD_CONNECTION
from emulator.proxy import VirtualProxy
from tests.fuzz import drawn, numbers, yaml_values

from . import visualizer
from .common import add_igrill, assert_no_errors, settle, setup_device
from .test_visualizer_uploads import de1_with
from .visualizer import (
    DROP,
    EMAIL,
    PASSWORD,
    Answer,
    FakeVisualizer,
    account,
    basic,
)

SETTINGS = {"auto_upload": True, "min_duration": 10, "skip_cleaning": True}

fake_visualizer = visualizer.fake_visualizer  # the fixture


async def _configure(hass: HomeAssistant, entry_id: str, data: dict[str, Any]) -> Any:
    flow = await hass.config_entries.options.async_init(entry_id)
    assert flow["type"] is FlowResultType.FORM
    assert flow["step_id"] == "init"
    return await hass.config_entries.options.async_configure(flow["flow_id"], data)


async def test_good_credentials_are_checked_then_saved(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    _device, entry = await de1_with(hass, virtual_proxy, {OPTION_HOLD_CONNECTION: False})
    assert entry.supports_options

    flow = await hass.config_entries.options.async_init(entry.entry_id)
    schema = flow["data_schema"].schema
    defaults = {str(key): key.default() for key in schema if callable(key.default)}
    assert defaults == {"auto_upload": True, "min_duration": 10.0, "skip_cleaning": True}
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {
            CONF_EMAIL: f" {EMAIL} ",
            CONF_PASSWORD: PASSWORD,
            "auto_upload": True,
            "min_duration": 15,
            "skip_cleaning": False,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert fake_visualizer.checks == [basic(EMAIL, PASSWORD)], "checked with /api/me first"
    assert dict(entry.options) == {
        OPTION_HOLD_CONNECTION: False,  # the device's own option stays
        CONF_EMAIL: EMAIL,
        CONF_PASSWORD: PASSWORD,
        "auto_upload": True,
        "min_duration": 15.0,
        "skip_cleaning": False,
    }

    # the same email without a password keeps the saved one, unchecked
    result = await _configure(hass, entry.entry_id, {CONF_EMAIL: EMAIL, **SETTINGS})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_PASSWORD] == PASSWORD
    assert len(fake_visualizer.checks) == 1
    # the form shows the email, never the password
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    shown = {
        str(key): (key.description or {}).get("suggested_value")
        for key in flow["data_schema"].schema
    }
    assert shown[CONF_EMAIL] == EMAIL
    assert shown[CONF_PASSWORD] is None
    await hass.config_entries.options.async_configure(flow["flow_id"], {**SETTINGS})
    assert_no_errors(caplog)


@pytest.mark.parametrize(
    ("data", "me", "field", "error"),
    [
        ({CONF_EMAIL: EMAIL, CONF_PASSWORD: "wrong"}, None, "base", "invalid_auth"),
        ({CONF_EMAIL: "a:b@example.com", CONF_PASSWORD: "x"}, None, "base", "invalid_auth"),
        ({CONF_EMAIL: EMAIL, CONF_PASSWORD: PASSWORD}, Answer(500), "base", "cannot_connect"),
        ({CONF_EMAIL: EMAIL, CONF_PASSWORD: PASSWORD}, Answer(DROP), "base", "cannot_connect"),
        ({CONF_EMAIL: "new@example.com"}, None, CONF_PASSWORD, "password_missing"),
        (
            {CONF_EMAIL: EMAIL, CONF_PASSWORD: PASSWORD, "min_duration": math.nan},
            None,
            "min_duration",
            "invalid_duration",
        ),
    ],
    ids=["refused", "colon", "server error", "dropped", "no password", "NaN seconds"],
)
async def test_bad_credentials_save_nothing(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    fake_visualizer: FakeVisualizer,
    config_dir: Path,
    data: dict[str, Any],
    me: Answer | None,
    field: str,
    error: str,
) -> None:
    _device, entry = await de1_with(hass, virtual_proxy, account(**{CONF_PASSWORD: "old"}))
    before = dict(entry.options)
    # (aiohttp sends a GET once more on a fresh connection when the first was dropped)
    fake_visualizer.me_answers = [me, me] if me is not None else []

    result = await _configure(hass, entry.entry_id, {**SETTINGS, **data})

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert dict(entry.options) == before


async def test_the_account_can_be_removed(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    fake_visualizer: FakeVisualizer,
    config_dir: Path,
) -> None:
    _device, entry = await de1_with(hass, virtual_proxy, account(min_duration=20))
    result = await _configure(hass, entry.entry_id, {CONF_EMAIL: "", **SETTINGS})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_EMAIL not in entry.options
    assert CONF_PASSWORD not in entry.options
    assert entry.options["min_duration"] == 10.0
    assert fake_visualizer.checks == []


async def test_other_kinds_of_device_have_no_options(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, config_dir: Path
) -> None:
    device = await add_igrill(hass, virtual_proxy)
    entry = await setup_device(hass, device)
    assert not entry.supports_options
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_options"
    await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)


def in_float(value: object) -> bool:
    """Not an integer beyond a float: Home Assistant's own number selector, which checks the
    field before the flow sees it, raises OverflowError on one (no form of its sends one)."""
    return not (isinstance(value, int) and abs(value) > 1e308)


FORM = st.fixed_dictionaries(
    {},
    optional={
        CONF_EMAIL: st.one_of(st.just(EMAIL), st.text(max_size=30), yaml_values),
        CONF_PASSWORD: st.one_of(st.just(PASSWORD), st.text(max_size=30), yaml_values),
        "auto_upload": st.one_of(st.booleans(), yaml_values),
        "min_duration": st.one_of(st.floats(-10, 700), numbers, yaml_values).filter(in_float),
        "skip_cleaning": st.one_of(st.booleans(), yaml_values),
        "extra": yaml_values,
    },
)


async def test_fuzz_the_form_gives_form_errors_or_saved_options(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    _device, entry = await de1_with(hass, virtual_proxy, account())
    seen: set[str] = set()
    for data in drawn(FORM, 50):
        before = dict(entry.options)
        flow = await hass.config_entries.options.async_init(entry.entry_id)
        try:
            result = await hass.config_entries.options.async_configure(flow["flow_id"], data)
        except vol.Invalid:
            seen.add("schema")
            assert dict(entry.options) == before, data
            hass.config_entries.options.async_abort(flow["flow_id"])
            continue
        if result["type"] is FlowResultType.FORM:
            seen.add("form")
            assert result["errors"], data
            assert dict(entry.options) == before, data
            hass.config_entries.options.async_abort(flow["flow_id"])
        else:
            seen.add("saved")
            assert result["type"] is FlowResultType.CREATE_ENTRY, data
            assert 0 <= entry.options["min_duration"] <= 600, data
            if CONF_EMAIL in entry.options:
                assert entry.options[CONF_PASSWORD], data
            hass.config_entries.async_update_entry(entry, options=account())
    assert {"schema", "saved"} <= seen, seen
    assert_no_errors(caplog)
