"""A DE1 found by its advertised name, checked by a real connection and named by its MMR model.

Through Home Assistant's bluetooth stack and the emulated DE1: the manifest
matcher ``DE1*``, the bluetooth and user steps, the model read from MMR
V13_MODEL (de1.md §7.2), and a machine whose tablet app holds its only link.
"""

from __future__ import annotations

import pytest
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_USER
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.igrill import create_igrill
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, settle
from .espresso import MODEL_CODES, add_de1, link_of


def _flows(hass: HomeAssistant) -> list[dict]:  # type: ignore[type-arg]
    return list(hass.config_entries.flow.async_progress_by_handler(DOMAIN))


# What the V13_MODEL code names (de1.md §7.2: 1 DE1 … 6 DE1XXL; 0 "not set" stays a DE1).
NAMED = {
    0: ("de1", "DE1"),
    1: ("de1", "DE1"),
    2: ("de1_plus", "DE1+"),
    3: ("de1_pro", "DE1 Pro"),
    4: ("de1_xl", "DE1 XL"),
    5: ("de1_cafe", "DE1 Cafe"),
    6: ("de1_xxl", "DE1 XXL"),
}


@pytest.mark.parametrize("code", sorted(NAMED))
async def test_every_model_is_discovered_and_named_from_mmr(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, code: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The advertisement "DE1" starts the flow; the check reads which model the machine is."""
    device = await add_de1(hass, virtual_proxy, model_code=code)
    flows = _flows(hass)
    assert len(flows) == 1, "the manifest matcher DE1* starts a discovery flow"
    flow = flows[0]
    assert flow["context"]["source"] == SOURCE_BLUETOOTH
    assert flow["context"]["unique_id"] == device.address
    assert flow["step_id"] == "bluetooth_confirm"

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    model_id, name = NAMED[code]
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: model_id}
    assert result["title"] == f"{name} 0001"  # the address ends in :00:01
    assert result["result"].unique_id == device.address
    await settle(hass)
    assert link_of(result["result"]).connected, "the entry took over the machine"
    assert device.connected
    assert_no_errors(caplog)


async def test_model_codes_of_the_helpers_match_the_sheet() -> None:
    """The helper table the other tests use says what the sheet says."""
    assert {code: NAMED[code][0] for code in MODEL_CODES} == MODEL_CODES


async def test_a_machine_its_tablet_holds_says_so_and_works_once_released(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device = await add_de1(hass, virtual_proxy)
    flow = _flows(hass)[0]
    device.hold_by_other_central()  # the tablet connects before the user confirms

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "bluetooth_confirm"
    assert result["errors"] == {"base": "held_by_app"}
    assert hass.config_entries.async_entries(DOMAIN) == []

    device.release_other_central()  # the user closes the tablet app and tries again
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_MODEL] == "de1_plus"
    assert_no_errors(caplog)


async def test_the_user_step_offers_the_machine_and_says_when_the_tablet_holds_it(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_de1(hass, virtual_proxy, model_code=3)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    device.hold_by_other_central()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: device.address}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "held_by_app"}
    device.release_other_central()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ADDRESS: device.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "DE1 Pro 0001"
    assert result["data"] == {CONF_ADDRESS: device.address, CONF_MODEL: "de1_pro"}


async def test_a_thermometer_that_does_not_answer_still_says_so_plainly(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """Only an espresso machine's failure is read as "held by its app"."""
    device = virtual_proxy.add(create_igrill("igrill_v2"))
    virtual_proxy.advertise(device)
    await settle(hass)
    flow = _flows(hass)[0]
    other = _OtherCentral()
    device.attach(other)  # another phone holds the thermometer
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["errors"] == {"base": "cannot_connect"}


class _OtherCentral:
    def on_notification(self, uuid: str, data: bytes) -> None:
        """Another phone: it listens."""

    def on_link_lost(self) -> None:
        """It goes."""


async def test_a_configured_machine_is_not_offered_again(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await add_de1(hass, virtual_proxy)
    flow = _flows(hass)[0]
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass)
    # released later (Keep connected off): it advertises again, and no flow starts
    await link_of(result["result"]).async_set_hold_connection(False)
    virtual_proxy.advertise(device)
    await settle(hass)
    assert _flows(hass) == []
