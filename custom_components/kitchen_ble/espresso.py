"""An espresso machine's commands: starts the machine confirms, stop, power, settings.

Starts (espresso, steam, hot water, flush) are refused with a translated error
before anything is sent when the machine would not take them: a group head
controller that takes starts itself, a machine asleep or busy. While a group
head controller takes them, the start buttons are unavailable (the Remote
start sensor says why) and the ``start`` action answers "start it on the group
head": an action naming an unavailable button would be skipped without a word. A start that is
sent is confirmed by watching StateInfo: one the machine acknowledges and then
ignores raises a translated error within ``START_CONFIRM_SECONDS`` instead of
silently doing nothing. Settings go to the machine (ShotSettings or an MMR
register) and are read back, so entities show what the machine kept.

Every command goes through the link (``async_command``): one GATT operation at
a time, a translated error when the machine is not connected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later

from .const import DOMAIN
from .control import get_control
from .coordinator import LinkCoordinator
from .library.devices.base import DeviceKind, ModelInfo, SerialGattClient
from .library.devices.de1 import (
    De1State,
    De1StateTimeoutError,
    MachineState,
    MmrRegister,
    StartBlock,
    Substate,
    registers,
)
from .library.devices.de1.states import FLOW_STATES, MAINTENANCE_STATES
from .library.espresso.shots import StartRefusal
from .models import KitchenBleData
from .profiles import get_profiles
from .util import espresso_driver, espresso_state

_LOGGER = logging.getLogger(__name__)

# A start the machine takes shows in StateInfo at its next control step, well
# within a second; one it ignores never does.
START_CONFIRM_SECONDS: Final = 5.0

ASLEEP: Final = frozenset({MachineState.SLEEP, MachineState.GOING_TO_SLEEP})
# What Stop ends. Never asked of a sleeping machine: for it, Idle means "wake up".
STOPPABLE: Final = FLOW_STATES | MAINTENANCE_STATES
SKIPPABLE: Final = frozenset({Substate.PRE_INFUSE, Substate.POUR})
# Firmware 1324 and later turns USB charging back on 10 minutes after it was
# switched off (§7.2): the register is read again then, so the switch shows it.
USB_CHARGING_BACK_AFTER: Final = 600.0
USB_RECHECK_MARGIN: Final = 5.0

# Why a start is refused before it is sent, as the start buttons' attribute shows it.
GHC_ACTIVE: Final = "ghc_active"
ASLEEP_REASON: Final = "asleep"
BUSY: Final = "busy"
STATE_UNKNOWN: Final = "state_unknown"
# The Remote start sensor: whether a start would be taken now, or why not.
ALLOWED: Final = "allowed"
REMOTE_START: Final = [ALLOWED, GHC_ACTIVE, ASLEEP_REASON, BUSY, STATE_UNKNOWN]
# What the start action and the start buttons can start.
START_TARGETS: Final = {
    "espresso": MachineState.ESPRESSO,
    "steam": MachineState.STEAM,
    "hot_water": MachineState.HOT_WATER,
    "flush": MachineState.HOT_WATER_RINSE,
}
_START_ERRORS: Final = {
    GHC_ACTIVE: "start_on_group_head",
    ASLEEP_REASON: "start_asleep",
    BUSY: "start_busy",
    STATE_UNKNOWN: "start_state_unknown",
}

_REFUSAL_ERRORS: Final = {
    StartRefusal.NO_SCALE: "start_no_scale",
    StartRefusal.SCALE_NOT_CONNECTED: "start_scale_not_connected",
}


def is_espresso_machine(model: ModelInfo) -> bool:
    """Whether entities of an espresso machine exist for ``model``."""
    return model.kind is DeviceKind.ESPRESSO_MACHINE


def start_refusal(state: De1State) -> str | None:
    """Why a start would be refused now (one of the reasons above), or None."""
    block = state.remote_start_block
    if block is None:
        return None
    if block is StartBlock.NOT_IDLE:
        return ASLEEP_REASON if state.machine_state in ASLEEP else BUSY
    return GHC_ACTIVE if block is StartBlock.GHC_ACTIVE else STATE_UNKNOWN


def remote_start(link: LinkCoordinator) -> str | None:
    """The Remote start sensor: allowed, or why a start would be refused; unknown state: None."""
    state = espresso_state(link)
    if state.machine_state is None:
        return None
    return start_refusal(state) or ALLOWED


def starts_available(link: LinkCoordinator) -> bool:
    """Start buttons: unavailable while a group head controller takes the starts (§9.2).

    Asleep or busy they stay: pressing them then answers why (wake it first, wait).
    """
    return start_refusal(espresso_state(link)) != GHC_ACTIVE


def espresso_link(hass: HomeAssistant, device_id: str) -> LinkCoordinator:
    """The link of the espresso machine set up as ``device_id``; a translated error otherwise."""
    registry = dr.async_get(hass)
    for entry in hass.config_entries.async_entries(DOMAIN):
        # by the entry's devices: a device's own list of entries is deprecated from 2026.10
        if entry.state is not ConfigEntryState.LOADED or not any(
            device.id == device_id
            for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        ):
            continue
        data: KitchenBleData = entry.runtime_data
        if (link := data.espresso) is not None:
            return link
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_an_espresso_machine",
        translation_placeholders={"device_id": device_id},
    )


def register_available(register: MmrRegister) -> Callable[[LinkCoordinator], bool]:
    """Whether the machine's firmware has ``register`` (unknown firmware: not yet)."""

    def available(link: LinkCoordinator) -> bool:
        features = espresso_state(link).features
        return features is not None and features.build >= register.min_build

    return available


def skip_available(link: LinkCoordinator) -> bool:
    """Skip to the next step: firmware 1260 and later (§9.1)."""
    features = espresso_state(link).features
    return features is not None and features.skip_to_next


def _error(link: LinkCoordinator, key: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"name": link.entry.title},
    )


async def async_start(link: LinkCoordinator, target: MachineState) -> None:
    """Start a flow and wait until the machine shows it; translated errors otherwise."""
    driver = espresso_driver(link)
    name = f"start {target.name.lower()}"

    async def start(gatt: SerialGattClient) -> None:
        reason = start_refusal(espresso_state(link))
        if reason is not None:
            raise _error(link, _START_ERRORS.get(reason, "start_busy"))
        if target is MachineState.ESPRESSO and get_profiles(link.hass).upload_cut_off(link):
            raise _error(link, "start_profile_incomplete")  # the machine holds a mix of frames
        if target is MachineState.ESPRESSO and (
            refusal := get_control(link.hass).start_refusal(link)
        ):
            raise _error(link, _REFUSAL_ERRORS.get(refusal, "start_no_scale"))  # wants a scale
        await driver.async_request_state(gatt, target)
        try:
            await driver.async_wait_for_state(
                lambda info: info.state is target, START_CONFIRM_SECONDS
            )
        except De1StateTimeoutError as err:
            if not link.connected:  # not ignored: the answer had no link to come by
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="command_failed",
                    translation_placeholders={"name": link.entry.title, "command": name},
                ) from err
            raise _error(link, "start_ignored") from err

    await link.async_command(start, name=name)


async def async_stop(link: LinkCoordinator) -> None:
    """End a flow or a maintenance run; nothing when none runs (a sleeper stays asleep)."""
    driver = espresso_driver(link)

    async def stop(gatt: SerialGattClient) -> None:
        if espresso_state(link).machine_state in STOPPABLE:
            await driver.async_request_state(gatt, MachineState.IDLE)

    await link.async_command(stop, name="stop")


async def async_skip_to_next(link: LinkCoordinator) -> None:
    """Move the running espresso to its profile's next step (firmware 1260 and later)."""
    driver = espresso_driver(link)

    async def skip(gatt: SerialGattClient) -> None:
        state = espresso_state(link)
        if state.machine_state is not MachineState.ESPRESSO or state.substate not in SKIPPABLE:
            raise _error(link, "skip_not_pouring")
        await driver.async_skip_to_next(gatt)

    await link.async_command(skip, name="skip to next step")


def is_awake(link: LinkCoordinator) -> bool | None:
    """The Power switch: on while awake, off while asleep (or going to sleep)."""
    current = espresso_state(link).machine_state
    return None if current is None else current not in ASLEEP


async def async_set_power(link: LinkCoordinator, on: bool) -> None:
    """Wake the machine (Idle) or put it to sleep (Sleep, after stopping what runs)."""
    driver = espresso_driver(link)

    async def power(gatt: SerialGattClient) -> None:
        if on:
            # Idle is also "stop": never sent to a machine that is awake already
            if not is_awake(link):
                await driver.async_request_state(gatt, MachineState.IDLE)
        else:
            await driver.async_request_state(gatt, MachineState.SLEEP)

    await link.async_command(power, name="wake" if on else "sleep")


async def async_write_shot_settings(link: LinkCoordinator, field: str, value: int) -> None:
    """Change one ShotSettings field (the others as the machine has them) and read back."""
    driver = espresso_driver(link)

    async def write(gatt: SerialGattClient) -> None:
        current = espresso_state(link).shot_settings
        if current is None:  # read on connecting; a machine that never answered has none
            raise _error(link, "settings_unknown")
        await driver.async_write_shot_settings(gatt, replace(current, **{field: value}))

    await link.async_command(write, name=f"write {field}")


async def async_write_register(link: LinkCoordinator, register: MmrRegister, value: float) -> None:
    """Write an MMR register and read it back."""
    driver = espresso_driver(link)
    await link.async_command(
        lambda gatt: driver.async_mmr_write(gatt, register, value),
        name=f"write {register.name}",
    )


async def async_read_register(link: LinkCoordinator, register: MmrRegister) -> None:
    """Read an MMR register the driver does not read on connecting."""
    driver = espresso_driver(link)
    await link.async_command(
        lambda gatt: driver.async_mmr_read(gatt, register), name=f"read {register.name}"
    )


async def async_read_register_quietly(link: LinkCoordinator, register: MmrRegister) -> None:
    """Read a register nobody waits for; a link that went is only logged (the next reads it)."""
    try:
        await async_read_register(link, register)
    except HomeAssistantError as err:
        _LOGGER.debug("%s: %s not read: %s", link.address, register.name, err)


async def async_set_usb_charging(link: LinkCoordinator, on: bool) -> None:
    """Switch the USB outlet; where the firmware switches it back on, look again then."""
    await async_write_register(link, registers.ALLOW_USB_CHARGING, 1 if on else 0)
    features = espresso_state(link).features
    if not on and features is not None and features.usb_charging_restores_itself:
        delay = USB_CHARGING_BACK_AFTER + USB_RECHECK_MARGIN
        link.entry.async_on_unload(async_call_later(link.hass, delay, partial(_recheck, link)))


@callback
def _recheck(link: LinkCoordinator, _now: datetime) -> None:
    register = registers.ALLOW_USB_CHARGING
    link.entry.async_create_background_task(
        link.hass, async_read_register_quietly(link, register), f"read {register.name}"
    )


async def async_write_refill_threshold(link: LinkCoordinator, threshold_mm: float) -> None:
    """Set the water level (mm) below which the machine asks for a refill."""
    driver = espresso_driver(link)
    await link.async_command(
        lambda gatt: driver.async_write_refill_threshold(gatt, threshold_mm),
        name="write refill threshold",
    )
