"""Long-term statistics of the espresso machines: shots, espressos and water, hour by hour.

The recorder purges states and events after ``purge_keep_days``; long-term
statistics stay. Every new record the shot archive keeps (its kept listeners)
adds to three external statistics of its machine (source ``kitchen_ble``;
``<machine>`` is the address, lower case, with underscores):

* ``kitchen_ble:<machine>_shots``: every record (espresso, hot water, steam, flush);
* ``kitchen_ble:<machine>_espressos``: espressos;
* ``kitchen_ble:<machine>_water``: mL the machine poured, every kind together.

Each is a sum: the row of the (UTC) hour a record started in holds that hour's
amount (``state``) and the running total (``sum``); the statistics cards add
the hours into days, weeks and months. The newest row of each is read from the
recorder once, then kept here, so two shots of one hour (the second written
while the first still waits in the recorder's queue) add up. A record that
started before the newest row (a shot closed after a restart) counts in the
newest row's hour: a sum never goes back. Without the recorder nothing is
written.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
)
from homeassistant.const import UnitOfVolume
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import slugify
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.unit_conversion import VolumeConverter

from .const import DOMAIN
from .library.espresso.records import ShotKind, ShotRecord, hour_start
from .shots import KeptShot, ShotRuntime

DATA_SHOT_STATISTICS: Final[HassKey[ShotStatistics]] = HassKey(f"{DOMAIN}_shot_statistics")


@dataclass(frozen=True, slots=True)
class Figure:
    """One statistic of a machine: what a record adds to it, and its unit."""

    key: str
    name: str
    unit: str | None = None
    unit_class: str | None = None

    def amount(self, record: ShotRecord) -> float:
        if self.key == "water":
            return record.volume
        if self.key == "espressos":
            return 1.0 if record.kind is ShotKind.ESPRESSO else 0.0
        return 1.0


FIGURES: Final = (
    Figure("shots", "shots"),
    Figure("espressos", "espressos"),
    Figure("water", "water", UnitOfVolume.MILLILITERS, VolumeConverter.UNIT_CLASS),
)


def statistic_id(machine: str, key: str) -> str:
    """``kitchen_ble:aa_bb_cc_dd_ee_ff_shots`` for the machine's address and the figure."""
    return f"{DOMAIN}:{slugify(machine)}_{key}"


@dataclass(slots=True)
class _Newest:
    """The newest row of a statistic: its hour (epoch seconds), amount and running total."""

    start: float
    state: float
    sum: float


class ShotStatistics:
    """Adds every kept record to its machine's statistics."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self._newest: dict[str, _Newest | None] = {}
        self._lock = asyncio.Lock()

    @callback
    def async_start(self, shots: ShotRuntime) -> CALLBACK_TYPE:
        """Hear the archive's new records from now on; returns the stop."""
        return shots.async_add_kept_listener(self._async_kept)

    @callback
    def _async_kept(self, kept: KeptShot) -> None:
        if "recorder" in self.hass.config.components:
            self.hass.async_create_task(self.async_add(kept), f"{DOMAIN} shot statistics")

    async def async_add(self, kept: KeptShot) -> None:
        """Add one record to its machine's statistics (one at a time, in order)."""
        record = kept.record
        async with self._lock:
            for figure in FIGURES:
                amount = figure.amount(record)
                if amount <= 0:
                    continue
                key = statistic_id(kept.machine, figure.key)
                newest = await self._async_newest(key)
                start = hour_start(record.started_at)
                if newest is None:
                    newest = _Newest(start, amount, amount)
                elif start > newest.start:
                    newest = _Newest(start, amount, newest.sum + amount)
                else:  # this hour, or one before the newest row: counted in the newest
                    newest = _Newest(newest.start, newest.state + amount, newest.sum + amount)
                self._newest[key] = newest
                metadata = StatisticMetaData(
                    mean_type=StatisticMeanType.NONE,
                    has_sum=True,
                    name=f"{kept.name} {figure.name}",
                    source=DOMAIN,
                    statistic_id=key,
                    unit_class=figure.unit_class,
                    unit_of_measurement=figure.unit,
                )
                row = StatisticData(
                    start=datetime.fromtimestamp(newest.start, UTC),
                    state=newest.state,
                    sum=newest.sum,
                )
                async_add_external_statistics(self.hass, metadata, [row])

    async def _async_newest(self, key: str) -> _Newest | None:
        """The statistic's newest row: the recorder's the first time, then the one kept here."""
        if key in self._newest:
            return self._newest[key]
        found = await get_instance(self.hass).async_add_executor_job(
            get_last_statistics, self.hass, 1, key, False, {"state", "sum"}
        )
        rows = found.get(key) or []
        newest = None
        if rows:
            row = rows[0]
            newest = _Newest(float(row["start"]), row.get("state") or 0.0, row.get("sum") or 0.0)
        self._newest[key] = newest
        return newest
