"""A DE1's settings from Home Assistant: written to the machine, read back, shown as it kept them.

ShotSettings (de1.md §6.1) carry steam and hot water; MMR registers (§7.2)
steam flow, flush (firmware 1283 and later), the fan threshold, USB charging
and steam purge (1320 and later) and the flow calibration (from 1250, capped
at 2.0 before 1337 and 3.0 from it); WaterLevels the refill threshold (§5.4).
A setting the firmware lacks is unavailable; a value the machine cannot take
is refused with a translated error before anything is written.
"""

from __future__ import annotations

import math
from unittest.mock import AsyncMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.kitchen_ble.espresso import async_write_register
from custom_components.kitchen_ble.library.devices.de1 import registers
from emulator.de1 import DE1Device, State, Substate
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, settle
from .espresso import (
    add_de1,
    advance,
    connected_de1,
    entity_id,
    link_of,
    setup_de1,
    state,
)

pytestmark = pytest.mark.usefixtures("all_entities_enabled")  # the flow calibration too


async def _set(hass: HomeAssistant, device: DE1Device, key: str, value: float) -> None:
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": entity_id(hass, device, "number", key), "value": value},
        blocking=True,
    )
    await _shown(hass)


async def _shown(hass: HomeAssistant) -> None:
    """Past the link's once-a-second state notification: the entity shows what it read back."""
    freezer: FrozenDateTimeFactory = hass.data["test_freezer"]
    proxy: VirtualProxy = hass.data["test_proxy"]
    await advance(hass, freezer, proxy, 1.0, 0.25)


@pytest.fixture(autouse=True)
def _clock(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    hass.data["test_freezer"] = freezer
    hass.data["test_proxy"] = virtual_proxy


def _register(device: DE1Device, address: int) -> int:
    return device.machine.mmr.read(address)


# key, a value to set, what the emulated machine then holds
SHOT_SETTINGS = [
    ("steam_temperature", 150, lambda s: s.steam_temp, 150),
    ("steam_temperature", 0, lambda s: s.steam_temp, 0),  # the steam heater off
    ("steam_time", 45, lambda s: s.steam_length, 45),
    ("hot_water_temperature", 92, lambda s: s.hot_water_temp, 92),
    ("hot_water_volume", 250, lambda s: s.hot_water_volume, 250),
    ("hot_water_time", 30, lambda s: s.hot_water_length, 30),
]


@pytest.mark.parametrize(("key", "value", "read", "held"), SHOT_SETTINGS)
async def test_shot_settings_are_written_and_read_back(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    caplog: pytest.LogCaptureFixture,
    key: str,
    value: float,
    read,  # type: ignore[no-untyped-def]
    held: int,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    before = device.machine.settings
    await _set(hass, device, key, value)
    after = device.machine.settings
    assert read(after) == held
    assert after.group_temp == before.group_temp, "the other fields as the machine had them"
    assert after.espresso_volume == before.espresso_volume
    assert float(state(hass, device, "number", key)) == held
    assert_no_errors(caplog)


async def test_shown_settings_are_the_machines(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """The emulator's factory values: steam 160 °C for 120 s, hot water 80 °C, 50 mL, 60 s."""
    device, _entry = await connected_de1(hass, virtual_proxy)
    await _shown(hass)  # the registers read once the link came up
    shown = {
        "steam_temperature": "160.0",
        "steam_time": "120.0",
        "hot_water_temperature": "80.0",
        "hot_water_volume": "50.0",
        "hot_water_time": "60.0",
        "steam_flow": "0.7",  # MMR 70 ÷ 100
        "flush_time": "20.0",  # 200 ÷ 10
        "flush_flow": "6.0",
        "flush_temperature": "85.0",
        "fan_threshold": "60",  # read when the link came up
        "flow_calibration": "1.0",  # 1000 ÷ 1000
        "refill_threshold": "5.0",
    }
    assert {key: state(hass, device, "number", key) for key in shown} == shown


@pytest.mark.parametrize(
    ("key", "value", "address", "raw"),
    [
        ("steam_flow", 1.25, 0x803828, 125),  # ÷100 (§10.8: 0.7 → 70)
        ("flush_time", 5.0, 0x803848, 50),  # §10.8: 5.0 s → 50
        ("flush_flow", 4.5, 0x803840, 45),
        ("flush_temperature", 88.5, 0x803844, 885),
        ("fan_threshold", 45, 0x803808, 45),
        ("flow_calibration", 1.15, 0x80383C, 1150),
    ],
)
async def test_registers_are_written_and_read_back(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    caplog: pytest.LogCaptureFixture,
    key: str,
    value: float,
    address: int,
    raw: int,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    await _set(hass, device, key, value)
    assert _register(device, address) == raw
    assert float(state(hass, device, "number", key)) == value
    assert_no_errors(caplog)


async def test_the_steam_temperature_is_off_or_135_to_160(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    with pytest.raises(ServiceValidationError) as caught:
        await _set(hass, device, "steam_temperature", 100)
    assert caught.value.translation_key == "steam_temperature_invalid"
    assert caught.value.translation_placeholders == {"value": "100", "min": "135", "max": "160"}
    with pytest.raises(ServiceValidationError):
        await _set(hass, device, "steam_temperature", 161)  # Home Assistant's own range check
    assert device.machine.settings.steam_temp == 160, "nothing was written"


async def test_a_value_that_is_no_number_is_refused(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    with pytest.raises(ServiceValidationError) as caught:
        await _set(hass, device, "flush_time", math.nan)
    assert caught.value.translation_key == "number_out_of_range"
    assert _register(device, 0x803848) == 200


@pytest.mark.parametrize(("firmware", "cap"), [(1336, 2.0), (1337, 3.0)])
async def test_the_flow_calibration_stays_within_the_firmwares_cap(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, firmware: int, cap: float
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy, firmware=firmware)
    found = hass.states.get(entity_id(hass, device, "number", "flow_calibration"))
    assert found is not None
    assert found.attributes["max"] == cap
    assert found.attributes["min"] == 0.13
    await _set(hass, device, "flow_calibration", cap)
    assert _register(device, 0x80383C) == round(cap * 1000)
    with pytest.raises(ServiceValidationError):
        await _set(hass, device, "flow_calibration", cap + 0.01)
    assert _register(device, 0x80383C) == round(cap * 1000)


@pytest.mark.parametrize(
    ("firmware", "unavailable"),
    [
        (1249, {"flow_calibration", "flush_time", "flush_flow", "flush_temperature"}),
        (1282, {"flush_time", "flush_flow", "flush_temperature"}),
        (1283, set()),
    ],
)
async def test_a_setting_the_firmware_lacks_is_unavailable(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, firmware: int, unavailable: set[str]
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy, firmware=firmware)
    await _shown(hass)
    keys = {
        "steam_temperature",
        "steam_time",
        "steam_flow",
        "hot_water_temperature",
        "hot_water_volume",
        "hot_water_time",
        "flush_time",
        "flush_flow",
        "flush_temperature",
        "fan_threshold",
        "flow_calibration",
        "refill_threshold",
    }
    shown = {key: state(hass, device, "number", key) for key in keys}
    assert {key for key, value in shown.items() if value == "unavailable"} == unavailable
    assert "unknown" not in shown.values(), "every setting the firmware has was read"


async def test_the_refill_threshold(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy, water_level=8.0)
    await _set(hass, device, "refill_threshold", 10)
    assert device.machine.tank.refill_mm == 10.0  # §10.3: 00 00 0a 00
    assert state(hass, device, "number", "refill_threshold") == "10.0"
    await advance(hass, freezer, virtual_proxy, 2, 0.25)
    assert device.state[0] is State.REFILL, "8 mm is below the new threshold"
    assert state(hass, device, "binary_sensor", "refill_needed") == "on"


async def test_usb_charging_and_steam_purge(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    usb = entity_id(hass, device, "switch", "usb_charging")
    await hass.services.async_call("switch", "turn_off", {"entity_id": usb}, blocking=True)
    await _shown(hass)
    assert _register(device, 0x803854) == 0
    assert state(hass, device, "switch", "usb_charging") == "off"
    await hass.services.async_call("switch", "turn_on", {"entity_id": usb}, blocking=True)
    await _shown(hass)
    assert _register(device, 0x803854) == 1  # §10.8: USB charger on
    assert state(hass, device, "switch", "usb_charging") == "on"

    purge = entity_id(hass, device, "select", "steam_purge_mode")
    await hass.services.async_call(
        "select", "select_option", {"entity_id": purge, "option": "two_taps"}, blocking=True
    )
    await _shown(hass)
    assert _register(device, 0x803850) == 1
    assert state(hass, device, "select", "steam_purge_mode") == "two_taps"
    # the machine does as set: the first stop of steam puffs
    device.press(State.STEAM)
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    device.press(State.IDLE)
    await advance(hass, freezer, virtual_proxy, 1, 0.25)
    assert device.state == (State.STEAM, Substate.STEAM_PUFF)
    assert state(hass, device, "sensor", "substate") == "steam_puff"
    await hass.services.async_call(
        "select", "select_option", {"entity_id": purge, "option": "one_tap"}, blocking=True
    )
    await settle(hass)
    assert _register(device, 0x803850) == 0
    assert_no_errors(caplog)


@pytest.mark.parametrize(("firmware", "back_on"), [(1323, False), (1324, True)])
async def test_usb_charging_switched_back_on_by_the_firmware_shows(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    firmware: int,
    back_on: bool,
) -> None:
    """From 1324 the machine turns USB charging on again 10 minutes after it was turned off."""
    device, _entry = await connected_de1(hass, virtual_proxy, firmware=firmware)
    usb = entity_id(hass, device, "switch", "usb_charging")
    await hass.services.async_call("switch", "turn_off", {"entity_id": usb}, blocking=True)
    await _shown(hass)
    await advance(hass, freezer, virtual_proxy, 590, 10.0)
    assert state(hass, device, "switch", "usb_charging") == "off"
    await advance(hass, freezer, virtual_proxy, 20, 1.0)
    assert _register(device, 0x803854) == (1 if back_on else 0)
    assert state(hass, device, "switch", "usb_charging") == ("on" if back_on else "off")


@pytest.mark.parametrize(("firmware", "available"), [(1319, False), (1320, True)])
async def test_usb_charging_and_steam_purge_need_firmware_1320(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, firmware: int, available: bool
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy, firmware=firmware)
    assert (state(hass, device, "switch", "usb_charging") != "unavailable") is available
    assert (state(hass, device, "select", "steam_purge_mode") != "unavailable") is available


async def test_settings_need_the_machine(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    link_of(entry).driver.state.shot_settings = None  # type: ignore[attr-defined]
    with pytest.raises(HomeAssistantError) as caught:
        await _set(hass, device, "steam_time", 30)
    assert caught.value.translation_key == "settings_unknown"
    await link_of(entry).async_set_hold_connection(False)
    for key in ("steam_time", "fan_threshold"):
        assert state(hass, device, "number", key) == "unavailable"
    # Home Assistant skips an unavailable entity; a write that gets through is told why
    with pytest.raises(HomeAssistantError) as caught:
        await async_write_register(link_of(entry), registers.FAN_THRESHOLD, 30)
    assert caught.value.translation_key == "not_connected"
    assert device.machine.settings.steam_length == 120
    assert _register(device, 0x803808) == 60


async def test_a_register_that_does_not_answer_is_read_on_the_next_link(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, caplog: pytest.LogCaptureFixture
) -> None:
    device = await add_de1(hass, virtual_proxy, awake=True)
    failing = AsyncMock(side_effect=HomeAssistantError("gone"))
    with patch("custom_components.kitchen_ble.espresso.async_read_register", failing):
        entry = await setup_de1(hass, device)
    assert failing.await_count == 2  # the fan threshold and the flow calibration
    assert state(hass, device, "number", "fan_threshold") == "unknown"
    assert_no_errors(caplog)
    device.drop_link()
    await settle(hass)
    virtual_proxy.advertise(device)
    with patch("custom_components.kitchen_ble.coordinator.CONNECT_BACKOFF_SECONDS", 0):
        await link_of(entry).async_set_hold_connection(True)
        await settle(hass)
    assert link_of(entry).connected
    await _shown(hass)
    assert state(hass, device, "number", "fan_threshold") == "60"
