"""The config flow, through Home Assistant's bluetooth stack and the virtual proxy."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import patch

import pytest
from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_USER
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from custom_components.kitchen_ble.devices.base import DeviceError
from emulator.device import EmulatedDevice
from emulator.faults import Fault
from emulator.proxy import VirtualProxy

from .common import add_igrill


@pytest.fixture(autouse=True)
def fast_handshake_retry() -> Iterator[None]:
    with patch("custom_components.kitchen_ble.devices.igrill.driver.HANDSHAKE_RETRY_DELAY", 0):
        yield


def _discovery_flows(hass: HomeAssistant) -> list[dict]:
    return list(hass.config_entries.flow.async_progress_by_handler(DOMAIN))


async def test_discovery_confirm_creates_entry(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    flows = _discovery_flows(hass)
    assert len(flows) == 1, "the manifest matcher should have started a discovery flow"
    flow = flows[0]
    assert flow["context"]["source"] == SOURCE_BLUETOOTH
    assert flow["step_id"] == "bluetooth_confirm"
    assert flow["context"]["title_placeholders"]["name"].startswith("iGrill V2")

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: "igrill_v2"}
    assert result["result"].unique_id == device.address
    # The new entry took over the link the check made and let go of.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert result["result"].runtime_data.connected
    assert device.connected


async def test_discovery_refines_model_from_gatt(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """A V202 advertising only a generic iGrill name is identified by its services."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v202")
    flow = _discovery_flows(hass)[0]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_MODEL] == "igrill_v202"
    assert result["title"].startswith("iGrill V2 (V202)")
    assert device.address == result["data"][CONF_ADDRESS]


async def test_discovery_of_configured_device_aborts(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = virtual_proxy.add(_igrill("igrill_mini"))
    MockConfigEntry(domain=DOMAIN, unique_id=device.address, data={}).add_to_hass(hass)
    virtual_proxy.advertise(device)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _discovery_flows(hass) == []
    info = bluetooth.async_last_service_info(hass, device.address, connectable=True)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_discovery_of_unsupported_device_aborts(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    stranger = virtual_proxy.add(EmulatedDevice("11:22:33:44:55:66", "Toaster"))
    virtual_proxy.advertise(stranger)
    await hass.async_block_till_done(wait_background_tasks=True)
    info = bluetooth.async_last_service_info(hass, stranger.address, connectable=True)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.REFUSE_HANDSHAKE, "handshake_failed"),
        (Fault.NO_FREE_SLOT, "no_free_slot"),
        (Fault.SILENT, "device_not_found"),
        (Fault.READ_TIMEOUT, "handshake_failed"),
    ],
)
async def test_confirm_error_then_retry_succeeds(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, fault: Fault, error: str
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v3")
    flow = _discovery_flows(hass)[0]
    device.faults.set(fault)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "bluetooth_confirm"
    assert result["errors"] == {"base": error}
    assert hass.config_entries.async_entries(DOMAIN) == []

    device.faults.clear()
    virtual_proxy.advertise(device)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_MODEL] == "igrill_v3"


async def test_confirm_device_gone(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    """The device vanished from every scanner between discovery and confirm."""
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    flow = _discovery_flows(hass)[0]
    with patch.object(bluetooth, "async_ble_device_from_address", return_value=None):
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["errors"] == {"base": "device_not_found"}
    with (
        patch.object(bluetooth, "async_ble_device_from_address", return_value=None),
        patch.object(bluetooth, "async_scanner_count", return_value=0),
    ):
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["errors"] == {"base": "no_connectable_adapter"}
    assert not device.connected


async def test_confirm_wrong_device_is_not_supported(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """Named like an iGrill, but its GATT table has no iGrill temperature service."""
    impostor = virtual_proxy.add(EmulatedDevice("70:91:8F:99:99:99", "iGrill_fake"))
    virtual_proxy.advertise(impostor)
    await hass.async_block_till_done(wait_background_tasks=True)
    flow = _discovery_flows(hass)[0]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["errors"] == {"base": "not_supported"}


async def test_user_step_lists_supported_unconfigured_devices(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    v2 = await add_igrill(hass, virtual_proxy, "igrill_v2")
    pulse = await add_igrill(hass, virtual_proxy, "pulse_2000")
    mini = await add_igrill(hass, virtual_proxy, "igrill_mini")
    MockConfigEntry(domain=DOMAIN, unique_id=mini.address, data={}).add_to_hass(hass)
    virtual_proxy.add(EmulatedDevice("11:22:33:44:55:66", "Toaster"))
    virtual_proxy.advertise_all()
    await hass.async_block_till_done(wait_background_tasks=True)

    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    choices = result["data_schema"].schema[CONF_ADDRESS].container
    assert set(choices) == {v2.address, pulse.address}
    assert "Pulse 2000" in choices[pulse.address]

    pulse.faults.set(Fault.REFUSE_HANDSHAKE)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: pulse.address}
    )
    assert result["errors"] == {"base": "handshake_failed"}
    pulse.faults.clear()
    virtual_proxy.advertise(pulse)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: pulse.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: pulse.address, CONF_MODEL: "pulse_2000"}


async def test_user_step_without_devices_aborts(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_devices_found"


async def test_user_step_rejects_configured_device(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """Configured while the form was open: the second entry is refused."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    MockConfigEntry(domain=DOMAIN, unique_id=device.address, data={}).add_to_hass(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: device.address}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


def _igrill(model: str) -> EmulatedDevice:
    from emulator.igrill import create_igrill

    return create_igrill(model)


async def test_confirm_garbled_device_cannot_connect(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """The handshake passes but the device then answers nonsense."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    flow = _discovery_flows(hass)[0]

    async def garbled(self: object, client: object) -> None:
        raise DeviceError("unit characteristic returned 0 bytes")

    with patch("custom_components.kitchen_ble.devices.igrill.IGrillDriver.async_start", garbled):
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["errors"] == {"base": "cannot_connect"}
    assert not device.connected
