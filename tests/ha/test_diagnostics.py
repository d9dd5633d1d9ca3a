"""Diagnostics of a BlueDOT and of a sensor node: what a bug report needs, and nothing that
identifies the device (its address, in any spelling, and the unique ids made from it)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped,unused-ignore]
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    ClientSessionGenerator,
)

from custom_components.kitchen_ble.const import DOMAIN
from emulator.bluedot import create_bluedot
from emulator.node import create_node
from emulator.passive_proxy import PassiveProxy
from emulator.proxy import VirtualProxy

from .common import settle, setup_device
from .cooking import call, set_number
from .nodes import setup_node

REDACTED = "**REDACTED**"
BLUEDOT_ADDRESS = "00:A0:50:FE:ED:BE"
NODE_ADDRESS = "C0:FF:EE:DA:BE:EF"

pytestmark = pytest.mark.usefixtures("no_kegtron")


def spellings(address: str) -> list[str]:
    """The address as a bug report could show it: with colons, dashes or nothing, any case,
    and the last three bytes (what a discovered name shows)."""
    plain = address.replace(":", "")
    forms = [address, address.replace(":", "-"), plain, plain[6:]]
    return [form for text in forms for form in (text.upper(), text.lower())]


def leaks(diagnostics: dict[str, Any], address: str) -> list[str]:
    text = json.dumps(diagnostics)
    return [form for form in spellings(address) if form in text]


def unique_ids(hass: HomeAssistant, entry_id: str) -> list[str]:
    entries = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    return [entry.unique_id for entry in entries]


async def test_bluedot_diagnostics_say_what_matters_and_not_where(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    hass_client: ClientSessionGenerator,
    config_dir: Any,
) -> None:
    device = virtual_proxy.add(create_bluedot(BLUEDOT_ADDRESS, unit=1, high_alarm=200))
    virtual_proxy.advertise(device)
    await settle(hass)
    entry = await setup_device(hass, device, "bluedot", title="BlueDOT")
    virtual_proxy.tick(2)
    await settle(hass)
    await set_number(hass, device, "probe_1_target", 57)
    virtual_proxy.tick(2)  # the packet that confirms the alarm
    await settle(hass)
    await call(hass, "start_session", {"name": "Sunday"})
    ids = unique_ids(hass, entry.entry_id)
    assert ids
    assert all(BLUEDOT_ADDRESS in unique_id for unique_id in ids)  # what must not get out

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert diagnostics["entry"]["data"] == {"address": REDACTED, "model": "bluedot"}
    assert diagnostics["model"]["model_id"] == "bluedot"
    assert diagnostics["connection"]["connected"] is True
    assert diagnostics["state"]["unit"] == "°F"
    assert diagnostics["state"]["alarm"]["high"] == 135  # 57 °C, written as the alarm
    assert diagnostics["cooking"]["probes"]["1"]["setting"]["target"] == 57.0
    assert diagnostics["cooking"]["session"]["status"] is not None
    assert leaks(diagnostics, BLUEDOT_ADDRESS) == []
    text = json.dumps(diagnostics)
    assert not [unique_id for unique_id in ids if unique_id in text]
    assert hass.data[DOMAIN].session is not None


async def test_node_diagnostics_say_what_matters_and_not_where(
    hass: HomeAssistant, passive_proxy: PassiveProxy, hass_client: ClientSessionGenerator
) -> None:
    node = passive_proxy.add(create_node(NODE_ADDRESS, window_events=False, seed=1, co2_warmup=0.0))
    entry = await setup_node(hass, node)
    passive_proxy.advertise(node)
    await settle(hass)
    ids = unique_ids(hass, entry.entry_id)
    assert ids
    assert all(NODE_ADDRESS in unique_id for unique_id in ids)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert diagnostics["entry"]["data"] == {"address": REDACTED, "model": "thingy_node"}
    assert diagnostics["model"] == "thingy_node"
    assert diagnostics["available"] is True
    assert diagnostics["payload"] == node.frame.hex()
    assert leaks(diagnostics, NODE_ADDRESS) == []
    text = json.dumps(diagnostics)
    assert not [unique_id for unique_id in ids if unique_id in text]
