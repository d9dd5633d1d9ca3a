"""Long-term statistics of the DE1's shots through the real recorder.

Shots pulled on the emulated DE1 add to ``kitchen_ble:<machine>_shots``,
``_espressos`` and ``_water``; the recorder returns the sums per hour and per
day. A restarted Home Assistant (a new statistics writer) carries on from the
recorder's newest row, and a record that started before it counts in its hour.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped,unused-ignore]
    async_wait_recording_done,
)

from custom_components.kitchen_ble.shot_statistics import ShotStatistics
from custom_components.kitchen_ble.shots import KeptShot
from emulator.proxy import VirtualProxy
from tests.library.espresso.records.shots import espresso

from .common import assert_no_errors
from .espresso import connected_de1
from .shots import action, pull

SHOTS = "kitchen_ble:d9_b2_48_de_00_01_shots"  # the emulated DE1's address, as an id
ESPRESSOS = "kitchen_ble:d9_b2_48_de_00_01_espressos"
WATER = "kitchen_ble:d9_b2_48_de_00_01_water"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder must exist before Home Assistant: it comes first here."""


async def _during(hass: HomeAssistant, period: str, types: set[str]) -> dict[str, Any]:
    await async_wait_recording_done(hass)
    start = dt_util.utcnow() - timedelta(days=2)
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        None,
        {SHOTS, ESPRESSOS, WATER},
        period,
        None,
        types,
    )
    return dict(found)


async def test_shots_espressos_and_water_reach_the_long_term_statistics(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    freezer.move_to("2026-12-07T08:10:00+00:00")
    device, _entry = await connected_de1(hass, virtual_proxy)
    await pull(hass, freezer, virtual_proxy, device)
    await pull(hass, freezer, virtual_proxy, device, "hot_water")
    await pull(hass, freezer, virtual_proxy, device)
    await hass.async_block_till_done()
    listed = (await action(hass, "list_shots"))["shots"]
    assert len(listed) == 3
    poured = sum(item["volume"] for item in listed)

    hourly = await _during(hass, "hour", {"state", "sum"})
    assert [row["sum"] for row in hourly[SHOTS]] == [3.0], "three records in one hour"
    assert [row["sum"] for row in hourly[ESPRESSOS]] == [2.0]
    assert hourly[WATER][0]["sum"] == pytest.approx(poured, abs=0.2)
    assert hourly[WATER][0]["sum"] > 50, "mL, not litres"
    daily = await _during(hass, "day", {"change"})
    assert [row["change"] for row in daily[ESPRESSOS]] == [2.0]

    # the next hour: a new row, the running sum goes on
    freezer.move_to("2026-12-07T09:20:00+00:00")
    await pull(hass, freezer, virtual_proxy, device)
    await hass.async_block_till_done()
    hourly = await _during(hass, "hour", {"state", "sum"})
    assert [(row["state"], row["sum"]) for row in hourly[ESPRESSOS]] == [(2.0, 2.0), (1.0, 3.0)]
    assert [row["sum"] for row in hourly[SHOTS]] == [3.0, 4.0]

    # Home Assistant restarted: a new writer reads the newest rows from the recorder.
    # A shot closed late (it started at 08:30, before the newest row) counts at 09:00.
    writer = ShotStatistics(hass)
    half_past_eight = datetime(2026, 12, 7, 8, 30, tzinfo=UTC).timestamp()
    late = dataclasses.replace(espresso(28.0), id="late", started_at=half_past_eight)
    await writer.async_add(KeptShot(late, device.address, None, "DE1"))
    hourly = await _during(hass, "hour", {"state", "sum"})
    assert [(row["state"], row["sum"]) for row in hourly[ESPRESSOS]] == [(2.0, 2.0), (2.0, 4.0)]
    daily = await _during(hass, "day", {"change"})
    assert [row["change"] for row in daily[SHOTS]] == [5.0]
    assert_no_errors(caplog)
