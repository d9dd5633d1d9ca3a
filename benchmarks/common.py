"""Helpers the benchmark modules share: timing, memory, driving the integration."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import itertools
import time
from collections.abc import Callable
from pathlib import Path

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback

from emulator.igrill import IGrillDevice
from tests.ha.common import entity_id, settle

# --- timing --------------------------------------------------------------------


def per_call_us(action: Callable[[], object], repeat: int) -> float:
    """Microseconds per call of ``action``, over ``repeat`` calls in a tight loop."""
    start = time.perf_counter_ns()
    for _ in range(repeat):
        action()
    return (time.perf_counter_ns() - start) / repeat / 1000


class StateChangeTimer:
    """Times from an action to the state_changed event of one entity, with ns resolution."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.changed_at: dict[str, int] = {}
        self.cancel = hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_state_changed)

    @callback
    def _on_state_changed(self, event: Event[EventStateChangedData]) -> None:
        self.changed_at[event.data["entity_id"]] = time.perf_counter_ns()

    def sample(self, entity: str, act: Callable[[int], object]) -> Callable[[], float]:
        """µs from ``act`` to the entity's event; ``act`` gets 1, 0, 1, ... (two values)."""
        turns = itertools.cycle((1, 0))
        changed_at = self.changed_at

        def measure() -> float:
            turn = next(turns)
            changed_at.pop(entity, None)
            start = time.perf_counter_ns()
            act(turn)
            assert entity in changed_at, f"no state_changed for {entity}"
            return (changed_at[entity] - start) / 1000

        return measure


async def alternate(
    ours: Callable[[], float], floor: Callable[[], float], count: int
) -> tuple[list[float], list[float]]:
    """``count`` measurements of each, interleaved so drift hits both alike.

    Which of the two goes first alternates, and the event loop gets a turn
    after every pair (timers, tasks the measured code scheduled).
    """
    ours_samples: list[float] = []
    floor_samples: list[float] = []
    first = ((ours, ours_samples), (floor, floor_samples))
    second = (first[1], first[0])
    for index in range(count):
        for measure, samples in first if index % 2 == 0 else second:
            samples.append(measure())
        await asyncio.sleep(0)
    return ours_samples, floor_samples


# --- memory --------------------------------------------------------------------

_LIBC = ctypes.util.find_library("c")


def release_free_memory() -> None:
    """Collect garbage and hand free heap pages back, so RSS shows what is live."""
    gc.collect()
    if _LIBC is not None:
        libc = ctypes.CDLL(_LIBC)
        if hasattr(libc, "malloc_trim"):  # glibc only
            libc.malloc_trim(0)


def rss_kib() -> int:
    """The process's resident set size (VmRSS), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


# --- the integration -----------------------------------------------------------


async def set_hold_connection(hass: HomeAssistant, device: IGrillDevice, hold: bool) -> None:
    """Flip the device's "hold connection" switch, as a user would."""
    await hass.services.async_call(
        "switch",
        "turn_on" if hold else "turn_off",
        {"entity_id": entity_id(hass, device, "hold_connection", "switch")},
        blocking=True,
    )
    await settle(hass)
