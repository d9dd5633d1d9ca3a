"""Helpers for the tests of shot control: an emulated DE1 pouring into an emulated scale."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from emulator.de1 import DE1Device, State
from emulator.proxy import VirtualProxy
from emulator.scales.base import EmulatedScale

from .espresso import advance, call, connected_de1, entity_id, run
from .scales import add_scale, setup_scale
from .scales import link_of as scale_link
from .test_espresso_profiles_machine import choose

STEP = 0.1  # s per turn: every frame of a 10 Hz scale at its own time
FINE = 0.05  # s per turn while pouring


async def de1_with_scale(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    family: str = "felicita_arc",
    profile: str | None = "Classic 9 bar",
    de1_options: dict[str, Any] | None = None,
    **scale_options: Any,
) -> tuple[DE1Device, MockConfigEntry, EmulatedScale, MockConfigEntry]:
    """A connected DE1 whose cup stands on a connected scale; the profile chosen."""
    device, entry = await connected_de1(hass, proxy, **(de1_options or {}))
    scale = await add_scale(hass, proxy, family, **scale_options)
    scale_entry = await setup_scale(hass, scale, family)
    await advance(hass, freezer, proxy, 1.0, step=STEP)
    assert scale_link(scale_entry).connected
    device.on_pour.append(scale.receive_pour)
    if profile is not None:
        await choose(hass, freezer, proxy, device, profile)
    return device, entry, scale, scale_entry


async def pour(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    what: str = "espresso",
    limit: float = 180.0,
) -> None:
    """Start ``what`` and let it run to idle, the last drops in, in steps of ``FINE``.

    Every notification of the scale (10 a second) and the DE1 arrives at its own
    time, as over the air: the stop is timed from them.
    """
    button = entity_id(hass, device, "button", f"start_{what}")
    await run(hass, freezer, proxy, call(hass, "button", "press", button), step=FINE)
    waited = 0.0
    while device.state[0] is not State.IDLE:
        assert waited < limit, f"still {device.state} after {limit} s"
        await advance(hass, freezer, proxy, 1.0, step=FINE)
        waited += 1.0
    await advance(hass, freezer, proxy, 4.0, step=FINE)  # the last drops (3 s)
