"""Helpers for tests that run the integration against the virtual proxy."""

from __future__ import annotations

import gc
import logging
from typing import Any

import pytest
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import EventStateChangedData, HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.igrill import IGrillDevice, create_igrill
from emulator.proxy import VirtualProxy


async def add_igrill(
    hass: HomeAssistant, proxy: VirtualProxy, model: str = "igrill_v2", **options: Any
) -> IGrillDevice:
    """An emulated iGrill that has advertised once."""
    device = proxy.add(create_igrill(model, **options))
    proxy.advertise(device)
    await settle(hass)
    return device


async def setup_device(
    hass: HomeAssistant, device: IGrillDevice, model: str = "igrill_v2", **entry: Any
) -> MockConfigEntry:
    """A config entry for the device, set up, with the first connection made."""
    config_entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.address,
        title=entry.pop("title", "iGrill"),
        data={CONF_ADDRESS: device.address, CONF_MODEL: model},
        **entry,
    )
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await settle(hass)
    return config_entry


async def settle(hass: HomeAssistant) -> None:
    """Let connection tasks and everything they started finish."""
    await hass.async_block_till_done(wait_background_tasks=True)


def entity_id(hass: HomeAssistant, device: IGrillDevice, key: str, platform: str = "sensor") -> str:
    """The entity id of one of the device's entities, by its description key."""
    registry = er.async_get(hass)
    found = registry.async_get_entity_id(platform, DOMAIN, f"{device.address}_{key}")
    assert found is not None, f"no {platform} entity {key}"
    return found


def state_of(hass: HomeAssistant, device: IGrillDevice, key: str, platform: str = "sensor") -> str:
    """The current state string of one of the device's entities."""
    state = hass.states.get(entity_id(hass, device, key, platform))
    assert state is not None
    return state.state


UNHANDLED_MARKERS = ("Traceback", "Task exception was never retrieved")


# What Home Assistant changes on an image entity when it rotates its access token.
TOKEN_ATTRIBUTES = frozenset({"access_token", "entity_picture"})


def is_token_rotation(data: EventStateChangedData) -> bool:
    """Whether a change is Home Assistant's rotation of an image's token and nothing else.

    Home Assistant rotates the token of every image entity every five minutes;
    no integration can avoid the row it writes.
    """
    old, new = data["old_state"], data["new_state"]
    if old is None or new is None or old.state != new.state or old.domain != "image":
        return False
    changed = {
        key
        for key in old.attributes.keys() | new.attributes.keys()
        if old.attributes.get(key) != new.attributes.get(key)
    }
    return changed <= TOKEN_ATTRIBUTES


def warnings_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Records at WARNING or above, less asyncio's slow-callback notice.

    The harness runs the loop in debug mode, where asyncio warns about any
    step that took over 0.1 s of wall time: on a busy shared machine that
    says how loaded the machine was, not what the integration did.
    """
    return [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.WARNING
        and not (record.name == "asyncio" and record.msg == "Executing %s took %.3f seconds")
    ]


def assert_no_errors(caplog: pytest.LogCaptureFixture) -> None:
    """No record at ERROR or above from any logger, and no unhandled exception.

    Covers the test's call phase, where these tests set up the integration.
    (The set-up phase is left out: there the harness's mocked local adapter
    logs an error of its own when it cannot open a socket.) Garbage is
    collected first, so a failed task nobody awaited reports itself ("Task
    exception was never retrieved") before the check rather than after it.
    """
    gc.collect()
    records = caplog.records
    errors = [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for record in records
        if record.levelno >= logging.ERROR
    ]
    assert not errors, f"errors were logged: {errors}"
    unhandled = [
        marker
        for marker in UNHANDLED_MARKERS
        for record in records
        if marker in caplog.handler.format(record)
    ]
    assert not unhandled, f"unhandled exceptions were logged: {sorted(set(unhandled))}"
