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
from emulator.device import EmulatedDevice
from emulator.faults import Fault
from emulator.igrill import IGrillDevice
from emulator.proxy import VirtualProxy

from .common import add_igrill, settle


@pytest.fixture(autouse=True)
def fast_handshake_retry() -> Iterator[None]:
    with patch(
        "custom_components.kitchen_ble.library.devices.igrill.driver.HANDSHAKE_RETRY_DELAY", 0
    ):
        yield


def _discovery_flows(hass: HomeAssistant) -> list[dict]:
    return list(hass.config_entries.flow.async_progress_by_handler(DOMAIN))


def _inject(device: IGrillDevice, fault: Fault) -> None:
    """Switch a fault on; DROP_LINK is armed to hit right after the handshake."""
    if fault is Fault.DROP_LINK:
        device.faults.drop_link_after = 3  # the handshake's write, read and write
    else:
        device.faults.set(fault)


# The emulated models and the advertised names (see emulator/igrill/const.py).
DISCOVERABLE_MODELS = [
    "igrill_mini",
    "igrill_mini_v2",
    "igrill_v2",
    "igrill_v202",
    "igrill_v3",
    "pulse_1000",
    "pulse_2000",
]


@pytest.mark.parametrize("model", DISCOVERABLE_MODELS)
async def test_every_model_is_discovered_by_the_manifest(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, model: str
) -> None:
    """The advertisement alone starts a flow through HA's real matcher, and it completes."""
    device = await add_igrill(hass, virtual_proxy, model)
    flows = _discovery_flows(hass)
    assert len(flows) == 1, f"no manifest matcher fired for {device.advertisement()}"
    flow = flows[0]
    assert flow["context"]["source"] == SOURCE_BLUETOOTH
    assert flow["context"]["unique_id"] == device.address
    assert flow["step_id"] == "bluetooth_confirm"

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: model}


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
    assert result["result"].runtime_data.link.connected
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
        (Fault.SILENT, "device_not_found"),  # switched off: no longer advertising
        (Fault.READ_TIMEOUT, "handshake_failed"),  # the handshake's read is the first read
        (Fault.MALFORMED, "handshake_failed"),  # the device challenge comes garbled
        (Fault.DROP_LINK, "cannot_connect"),  # the link goes right after the handshake
        (Fault.SLOW, None),  # slow is not broken: the entry is made at once
    ],
)
async def test_confirm_error_then_retry_succeeds(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, fault: Fault, error: str | None
) -> None:
    device = await add_igrill(hass, virtual_proxy, "igrill_v3")
    flow = _discovery_flows(hass)[0]
    device.faults.slow_latency = 0.01
    _inject(device, fault)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    if error is not None:
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "bluetooth_confirm"
        assert result["errors"] == {"base": error}
        assert hass.config_entries.async_entries(DOMAIN) == []
        assert not device.connected, "a failed check must let go of the device"
        assert virtual_proxy.connections == 0

        device.faults.clear()
        virtual_proxy.advertise(device)
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_MODEL] == "igrill_v3"
    device.faults.clear()
    await settle(hass)
    assert result["result"].runtime_data.link.connected


async def test_confirm_device_out_of_range_then_back(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """The device stopped advertising (out of range) between discovery and confirm."""
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    flow = _discovery_flows(hass)[0]
    virtual_proxy.remove(device.address)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "device_not_found"}

    virtual_proxy.add(device)
    virtual_proxy.advertise(device)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: "igrill_mini"}


async def test_confirm_without_connectable_scanner_then_back(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """Every scanner forgot the device, or no connectable scanner is left.

    Patched: the test harness always has a mocked, connectable local adapter,
    and Home Assistant keeps a device it heard after its proxy went away, so
    the emulator cannot bring about either answer of the bluetooth API.
    """
    device = await add_igrill(hass, virtual_proxy, "igrill_mini")
    flow = _discovery_flows(hass)[0]
    with patch.object(bluetooth, "async_ble_device_from_address", return_value=None):
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
        assert result["errors"] == {"base": "device_not_found"}
        with patch.object(bluetooth, "async_scanner_count", return_value=0):
            result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_connectable_adapter"}
    assert not device.connected

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: "igrill_mini"}


async def test_confirm_wrong_device_is_not_supported(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """Named like an iGrill, but its GATT table has no iGrill temperature service."""
    impostor = virtual_proxy.add(EmulatedDevice("70:91:8F:99:99:99", "iGrill_fake"))
    virtual_proxy.advertise(impostor)
    await hass.async_block_till_done(wait_background_tasks=True)
    flow = _discovery_flows(hass)[0]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"
    assert _discovery_flows(hass) == []
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert not impostor.connected


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


async def test_user_step_link_lost_then_retry(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """The link goes during the reads after the handshake: cannot_connect, then it works."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    device.faults.drop_link_after = 5  # handshake, firmware and unit; the first probe read fails
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: device.address}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert not device.connected
    assert virtual_proxy.connections == 0

    device.faults.clear()
    virtual_proxy.advertise(device)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: device.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: "igrill_v2"}


async def test_user_step_unsupported_device_aborts(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    impostor = virtual_proxy.add(EmulatedDevice("70:91:8F:99:99:98", "iGrill_fake"))
    virtual_proxy.advertise(impostor)
    await settle(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: impostor.address}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"
    assert not impostor.connected
