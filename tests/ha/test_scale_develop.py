"""The develop set has one coffee scale of each family, awake, each offered for set-up."""

from __future__ import annotations

import pytest
from homeassistant.config_entries import SOURCE_BLUETOOTH
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant

from custom_components.kitchen_ble.const import DOMAIN
from emulator import virtual_proxy
from emulator.scales import EmulatedScale

from .common import settle
from .scales import without_core_scales  # noqa: F401  (fixture)

PROXY = virtual_proxy.DOMAIN
# One per family, the Acaia with each transport (scales.md §1-§5), at their catalog addresses.
EXPECTED = {
    "skale2": "5C:A1:E5:01:00:01",
    "acaia_lunar_old": "5C:A1:E5:02:00:01",
    "acaia_lunar_2021": "5C:A1:E5:03:00:01",
    "felicita_arc": "5C:A1:E5:04:00:01",
    "decent_scale": "5C:A1:E5:05:00:01",
    "bookoo_themis": "5C:A1:E5:06:00:01",
}


@pytest.mark.usefixtures("without_core_scales")
async def test_the_develop_set_offers_one_scale_of_each_family(
    hass: HomeAssistant, enable_bluetooth: None
) -> None:
    assert await virtual_proxy.async_setup(hass, virtual_proxy.CONFIG_SCHEMA({PROXY: {}}))
    await settle(hass)
    proxy = hass.data[PROXY]
    found = {d.model: d for d in proxy.devices if isinstance(d, EmulatedScale)}
    assert {model: device.address for model, device in found.items()} == EXPECTED
    assert all(device.auto_off == 0 for device in found.values()), "they stay awake"
    offered = {
        flow["context"]["unique_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_BLUETOOTH
    }
    assert set(EXPECTED.values()) <= offered
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
