"""Tare confirmed: only a reading within 0.2 g of zero in the 5 s after a tare turns it on.

Its numbers are the README's: on at the first reading within 0.2 g of zero in
the 5 s after the tare is sent; off when none comes; unchanged when the tare
could not be sent at all. The BooKoo's "tare and start timer" (§5.5) tares too.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from homeassistant.components.button import SERVICE_PRESS
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from emulator.faults import Fault
from emulator.proxy import VirtualProxy
from emulator.scales import EmulatedScale

from .common import assert_no_errors
from .scales import (
    connected_scale,
    entity_id,
    link_of,
    quick_skale,  # noqa: F401  (fixture)
    run,
    state,
    without_core_scales,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.usefixtures("without_core_scales", "quick_skale")


async def _press(hass: HomeAssistant, device: EmulatedScale, key: str) -> None:
    await hass.services.async_call(
        "button",
        SERVICE_PRESS,
        {"entity_id": entity_id(hass, device, "button", key)},
        blocking=True,
    )


async def test_a_tare_that_does_not_land_in_five_seconds_stays_unconfirmed(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device, entry = await connected_scale(hass, virtual_proxy, "felicita_arc", tare_delay=7.0)
    device.place(100.0)
    await run(hass, virtual_proxy, 2.0, real=True)
    await _press(hass, device, "tare")
    await run(hass, virtual_proxy, 6.0, real=True)  # still 100 g: the scale has not zeroed
    assert state(hass, device, "binary_sensor", "tare_confirmed") == STATE_OFF
    await run(hass, virtual_proxy, 2.0, real=True)  # zeroed after 7 s: too late to confirm
    assert float(state(hass, device, "sensor", "weight")) == pytest.approx(0.0, abs=0.1)
    assert state(hass, device, "binary_sensor", "tare_confirmed") == STATE_OFF
    await hass.config_entries.async_unload(entry.entry_id)
    assert_no_errors(caplog)


async def test_a_tare_that_cannot_be_sent_changes_nothing(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device, entry = await connected_scale(hass, virtual_proxy, "skale2")
    await _press(hass, device, "tare")
    await run(hass, virtual_proxy, 1.5, real=True)
    assert state(hass, device, "binary_sensor", "tare_confirmed") == STATE_ON
    device.faults.set(Fault.SILENT)  # gone (within the grace: its entities stay available)
    device.drop_link()
    await run(hass, virtual_proxy, 0.5, real=True)
    assert not link_of(entry).connected
    with pytest.raises(HomeAssistantError) as err:
        await _press(hass, device, "tare")
    assert err.value.translation_key == "not_connected"
    device.place(50.0)  # a tare still waiting for zero would now stay unconfirmed
    device.faults.clear(Fault.SILENT)
    virtual_proxy.advertise(device)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))  # presence check
    await run(hass, virtual_proxy, 3.0, real=True)
    assert link_of(entry).connected
    assert float(state(hass, device, "sensor", "weight")) == pytest.approx(50.0, abs=0.1)
    assert state(hass, device, "binary_sensor", "tare_confirmed") == STATE_ON
    await hass.config_entries.async_unload(entry.entry_id)
    assert_no_errors(caplog)


async def test_bookoo_tare_and_start_timer(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device, entry = await connected_scale(hass, virtual_proxy, "bookoo_themis")
    device.place(80.0)
    await run(hass, virtual_proxy, 2.0, real=True)
    await _press(hass, device, "tare_and_start_timer")
    await run(hass, virtual_proxy, 2.0, real=True)
    assert device.timer.running
    assert state(hass, device, "binary_sensor", "tare_confirmed") == STATE_ON
    assert state(hass, device, "binary_sensor", "timer_running") == STATE_ON
    assert float(state(hass, device, "sensor", "weight")) == pytest.approx(0.0, abs=0.1)
    await hass.config_entries.async_unload(entry.entry_id)
    assert_no_errors(caplog)
