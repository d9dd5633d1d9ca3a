"""What an espresso machine costs the recorder: nothing at rest, at most a row a second in a shot.

The DE1 streams ShotSamples at 4 Hz on 50 Hz mains (5 on 60 Hz), idle or not
(de1.md §5.1). Entity states follow at most once a second while water flows
and only on a change a person would see when idle, so an idle machine writes
no rows at all; every sample still reaches the sample listeners.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from itertools import pairwise

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from emulator.de1 import State, Substate
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, is_token_rotation
from .espresso import advance, call, connected_de1, entity_id, link_of, run

type Writes = dict[str, list[datetime]]


def _count_writes(hass: HomeAssistant, entry: MockConfigEntry) -> Writes:
    """Every state written for the entry's entities, by entity, with its time."""
    ours = {
        item.entity_id
        for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    writes: Writes = defaultdict(list)

    @callback
    def written(event: Event) -> None:
        if event.data["entity_id"] in ours and not is_token_rotation(event.data):
            writes[event.data["entity_id"]].append(event.time_fired)

    hass.bus.async_listen(EVENT_STATE_CHANGED, written)
    return writes


@pytest.mark.parametrize("mains_hz", [50, 60])
async def test_an_idle_machine_writes_no_rows_in_ten_minutes(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    mains_hz: int,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy, mains_hz=mains_hz)
    samples: list[object] = []
    link_of(entry).async_add_sample_listener(samples.append)
    await advance(hass, freezer, virtual_proxy, 2, 0.25)  # the first readings arrive
    writes = _count_writes(hass, entry)
    samples.clear()

    await advance(hass, freezer, virtual_proxy, 600, 1.0)

    assert device.state == (State.IDLE, Substate.READY)
    assert dict(writes) == {}, "an idle machine's noise writes nothing"
    # 25 AC half-cycles between samples: 4 a second on 50 Hz, 4.8 on 60 Hz (§5.1)
    assert len(samples) == pytest.approx(600 * 2 * mains_hz / 25, abs=2)
    assert_no_errors(caplog)


async def test_a_shot_writes_at_most_once_a_second_per_entity(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    samples: list[object] = []
    link_of(entry).async_add_sample_listener(samples.append)
    await advance(hass, freezer, virtual_proxy, 2, 0.25)
    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "button", "press", entity_id(hass, device, "button", "start_espresso")),
    )
    writes = _count_writes(hass, entry)
    samples.clear()

    await advance(hass, freezer, virtual_proxy, 30, 0.25)  # four samples a second

    assert device.state[0] is State.ESPRESSO
    assert len(samples) == pytest.approx(120, abs=1), "every sample reaches the listeners"
    pressure = entity_id(hass, device, "sensor", "pressure")
    assert len(writes[pressure]) >= 5, "the shot is shown as it goes (its rise to 9 bar)"
    for entity, times in writes.items():
        assert len(times) <= 31, entity
        gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
        assert min(gaps, default=1.0) >= 1.0 - 1e-6, f"{entity} written {gaps}"
    assert_no_errors(caplog)
