"""Every coffee scale is discovered, checked by a real connection and named with its model.

Through Home Assistant's bluetooth stack and the emulated scales: the manifest
matchers (scales.md §1.1-§5.1), the bluetooth and user steps, a scale that
does not answer, one its phone app holds, one that is configured already;
the Acaia's transport (old IPS or new Pyxis style) in the device registry.
"""

from __future__ import annotations

import pytest
from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_USER
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.faults import Fault
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, settle
from .scales import (
    FAMILIES,
    SCALES,
    add_scale,
    link_of,
    quick_skale,  # noqa: F401  (fixture)
    without_core_scales,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.usefixtures("without_core_scales", "quick_skale")

# Device registry: manufacturer, model, hardware version (the Acaia's transport).
DEVICE = {
    "skale2": ("Atomax", "Skale II", None),
    "acaia_lunar_old": ("Acaia", "Lunar", "Old protocol (IPS)"),
    "acaia_lunar_2021": ("Acaia", "Lunar", "New protocol (Pyxis style)"),
    "felicita_arc": ("Felicita", "Arc", None),
    "decent_scale": ("Decent Espresso", "Decent Scale", None),
    "bookoo_themis": ("BooKoo", "Themis", None),
}


def _flows(hass: HomeAssistant) -> list[dict]:  # type: ignore[type-arg]
    return list(hass.config_entries.flow.async_progress_by_handler(DOMAIN))


@pytest.mark.parametrize("model", FAMILIES)
async def test_each_scale_is_discovered_checked_and_named(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, model: str, caplog: pytest.LogCaptureFixture
) -> None:
    device = await add_scale(hass, virtual_proxy, model)
    flows = _flows(hass)
    assert len(flows) == 1, "a manifest matcher starts a discovery flow"
    assert flows[0]["context"]["source"] == SOURCE_BLUETOOTH
    assert flows[0]["step_id"] == "bluetooth_confirm"

    result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    model_id, name = SCALES[model]
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: model_id}
    assert result["title"] == f"{name} 0001"  # the address ends in :00:01
    await settle(hass)
    entry = result["result"]
    assert link_of(entry).connected, "the entry took over the scale"
    registry = dr.async_get(hass)
    (registered,) = dr.async_entries_for_config_entry(registry, entry.entry_id)
    assert (registered.manufacturer, registered.model, registered.hw_version) == DEVICE[model]
    await hass.config_entries.async_unload(entry.entry_id)
    assert_no_errors(caplog)


async def test_the_user_step_offers_the_scales_nearby(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    skale = await add_scale(hass, virtual_proxy, "skale2")
    bookoo = await add_scale(hass, virtual_proxy, "bookoo_themis")
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: bookoo.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Themis 0001"
    assert result["data"] == {CONF_ADDRESS: bookoo.address, CONF_MODEL: "bookoo_themis"}
    await settle(hass)
    # the other one is still offered; the configured one no longer is
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    schema = result["data_schema"].schema[CONF_ADDRESS]
    assert set(schema.container) == {skale.address}
    await hass.config_entries.async_unload(hass.config_entries.async_entries(DOMAIN)[0].entry_id)


async def test_a_scale_that_does_not_answer_can_be_tried_again(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_scale(hass, virtual_proxy, "felicita_arc")
    flow = _flows(hass)[0]
    device.faults.set(Fault.SILENT)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    # a scale that keeps quiet is most likely held by its app: the flow says so
    assert result["errors"] == {"base": "scale_held_by_app"}
    assert hass.config_entries.async_entries(DOMAIN) == []
    device.faults.clear(Fault.SILENT)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass)
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_a_scale_its_phone_app_holds_says_so(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_scale(hass, virtual_proxy, "decent_scale")
    flow = _flows(hass)[0]
    assert device.hold_by_other_central()  # the phone app connects first
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "scale_held_by_app"}
    assert hass.config_entries.async_entries(DOMAIN) == []

    device.release_other_central()
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass)
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_a_configured_scale_is_not_offered_again(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_scale(hass, virtual_proxy, "acaia_lunar_2021")
    result = await hass.config_entries.flow.async_configure(_flows(hass)[0]["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass)
    entry = result["result"]
    await link_of(entry).async_set_hold_connection(False)  # released: it advertises again
    virtual_proxy.advertise(device)
    await settle(hass)
    assert _flows(hass) == []
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=hass_info(hass, device.address)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.config_entries.async_unload(entry.entry_id)


def hass_info(hass: HomeAssistant, address: str) -> bluetooth.BluetoothServiceInfoBleak:
    info = bluetooth.async_last_service_info(hass, address, connectable=True)
    assert info is not None
    return info
