"""What the coffee-scale benchmarks share: one emulated scale per family, and its frames."""

from __future__ import annotations

import time
from typing import Final

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from emulator.proxy import VirtualProxy
from emulator.scales import EmulatedScale, create_scale
from tests.emulator.scales_helpers import WEIGHT_UUID, Stream
from tests.ha.espresso import run
from tests.ha.scales import setup_scale

# One scale of each family (the Acaia with its current, Pyxis-style transport),
# and how the table names it.
FAMILIES: Final = {
    "skale2": "Skale II",
    "acaia_lunar_2021": "Acaia Lunar",
    "felicita_arc": "Felicita Arc",
    "decent_scale": "Decent Scale",
    "bookoo_themis": "Bookoo Themis",
}
STEP: Final = 0.1  # s per turn: one frame of a 10 Hz scale


def weight_uuid(model: str) -> str:
    """The characteristic the family's weights are notified on."""
    return WEIGHT_UUID[model]


def weights_in(model: str, payload: bytes) -> int:
    """How many weight frames one notification carries (read as the fact sheet says)."""
    stream = Stream(model)
    stream(None, bytearray(payload))
    return len(stream.weights())


def family_scale(proxy: VirtualProxy, model: str, seed: int = 1) -> EmulatedScale:
    """An emulated scale of ``model`` with its family's sensor lag and noise."""
    return proxy.add(create_scale(model, seed=seed))


async def set_up_on_test_clock(
    hass: HomeAssistant,
    proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    device: EmulatedScale,
    model: str,
) -> MockConfigEntry:
    """Set the scale's entry up while the frozen clock moves (handshakes that sleep end)."""
    proxy.advertise(device)
    task = hass.async_create_task(setup_scale(hass, device, model))
    entry: MockConfigEntry = await run(hass, freezer, proxy, task, seconds=30.0, step=STEP)
    # The driver stamps arrivals with the monotonic clock it was given at import,
    # not the frozen one: the flow would be divided by the real time between turns.
    driver = entry.runtime_data.link.driver
    driver._clock = lambda: time.monotonic()
    return entry
