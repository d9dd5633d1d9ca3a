"""What a 30-second espresso costs the recorder and the disk, and what its graph costs to draw.

Measured through the real recorder (its database, in the test's SQLite): one espresso on the
emulated DE1 on 60 Hz mains (a ShotSample five times a second, de1.md §5.1), pulled from its
Start espresso button and stopped by its Stop button after 30 s, until its record is archived.

* Ours: every row the integration made in that time, in every table it writes: the states
  of the machine's entities (with their new attribute rows), its events
  (``kitchen_ble_shot_completed``, with their data) and its statistics (the external shot
  statistics and the compiled statistics of its entities).
* Floor: a naive integration in the same run, on the same shot: each of the nine telemetry
  entities a ShotSample feeds written at every sample (with the attributes of ours), counted
  the same way in the same database.

Bytes are what the rows hold: every text and binary value of each row (states, their
attribute rows, events, event data, statistics) and 8 bytes for each number, without the
database's own indexes and pages. Aim (the issue's): at most a fifth of the naive rows and
bytes, both asserted; the full curve stays in the archive, whose file is measured too.

The graph (``render_shot_svg``) is timed in CPU time against ``json.dumps`` of the same
record in the same run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Final

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.db_schema import (
    EventData,
    Events,
    EventTypes,
    StateAttributes,
    States,
    StatesMeta,
    Statistics,
    StatisticsMeta,
    StatisticsShortTerm,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance, session_scope
from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped,unused-ignore]
    async_wait_recording_done,
)

from benchmarks.espresso_shot import TELEMETRY_KEYS
from benchmarks.report import median, note, record
from custom_components.kitchen_ble.library.devices.de1 import ShotSample
from custom_components.kitchen_ble.library.espresso.records import (
    record_to_dict,
    render_shot_svg,
)
from custom_components.kitchen_ble.shots import get_shots
from emulator.de1 import State
from emulator.proxy import VirtualProxy
from tests.ha.espresso import advance, call, connected_de1, entity_id, link_of, run

SHOT_SECONDS: Final = 30
SAMPLES_PER_SECOND: Final = 5  # 60 Hz mains
AIM: Final = 0.2  # of the naive rows and bytes (the issue: at most a fifth)
NUMBER_BYTES: Final = 8
RENDER_RUNS: Final = 30  # each a whole render; CPU time has a coarse tick

# What a ShotSample says, by the telemetry sensor it feeds (de1.md §5.1)
NAIVE_VALUES: Final[dict[str, Callable[[ShotSample], float]]] = {
    "group_temperature": lambda s: s.head_temp,
    "mix_temperature": lambda s: s.mix_temp,
    "steam_heater_temperature": lambda s: s.steam_temp,
    "pressure": lambda s: s.group_pressure,
    "flow": lambda s: s.group_flow,
    "group_temperature_setpoint": lambda s: s.set_head_temp,
    "mix_temperature_setpoint": lambda s: s.set_mix_temp,
    "pressure_setpoint": lambda s: s.set_group_pressure,
    "flow_setpoint": lambda s: s.set_group_flow,
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """The recorder must exist before Home Assistant: it comes first here."""


@dataclass(frozen=True, slots=True)
class Written:
    """Rows and bytes in the recorder's database."""

    states: int = 0
    attributes: int = 0
    events: int = 0
    event_data: int = 0
    statistics: int = 0
    bytes: int = 0
    event_bytes: int = 0  # of them, in events and their data
    event_types: tuple[str, ...] = ()  # of every event row, in order

    @property
    def rows(self) -> int:
        return self.states + self.attributes + self.events + self.event_data + self.statistics

    def __sub__(self, other: Written) -> Written:
        return Written(
            self.states - other.states,
            self.attributes - other.attributes,
            self.events - other.events,
            self.event_data - other.event_data,
            self.statistics - other.statistics,
            self.bytes - other.bytes,
            self.event_bytes - other.event_bytes,
            self.event_types[len(other.event_types) :],
        )


def _row_bytes(row: Any) -> int:
    """What one row holds: its text and binary values, and 8 bytes for each number."""
    total = 0
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, str):
            total += len(value.encode())
        elif isinstance(value, bytes):
            total += len(value)
        elif value is not None:
            total += NUMBER_BYTES
    return total


def _written(
    hass: HomeAssistant,
    entities: Collection[str],
    statistic_ids: Callable[[str], bool],
    event_prefix: str | None,
) -> Written:
    """Everything the database holds of ``entities``, their statistics and the events."""
    with session_scope(hass=hass, read_only=True) as session:
        states = (
            session.query(States)
            .join(StatesMeta, States.metadata_id == StatesMeta.metadata_id)
            .filter(StatesMeta.entity_id.in_(list(entities)))
            .all()
        )
        attribute_ids = {row.attributes_id for row in states if row.attributes_id is not None}
        attributes = (
            session.query(StateAttributes)
            .filter(StateAttributes.attributes_id.in_(attribute_ids))
            .all()
        )
        events: list[Any] = []
        event_types: list[str] = []
        event_data: list[Any] = []
        if event_prefix is not None:
            found = (
                session.query(Events, EventTypes.event_type)
                .join(EventTypes, Events.event_type_id == EventTypes.event_type_id)
                .filter(EventTypes.event_type.startswith(event_prefix))
                .order_by(Events.event_id)
                .all()
            )
            events = [row for row, _ in found]
            event_types = [event_type for _, event_type in found]
            data_ids = {row.data_id for row in events if row.data_id is not None}
            event_data = session.query(EventData).filter(EventData.data_id.in_(data_ids)).all()
        meta = [
            row.id
            for row in session.query(StatisticsMeta.id, StatisticsMeta.statistic_id).all()
            if statistic_ids(row.statistic_id)
        ]
        statistics: list[Any] = []
        for table in (Statistics, StatisticsShortTerm):
            statistics += session.query(table).filter(table.metadata_id.in_(meta)).all()
        rows = [*states, *attributes, *events, *event_data, *statistics]
        return Written(
            states=len(states),
            attributes=len(attributes),
            events=len(events),
            event_data=len(event_data),
            statistics=len(statistics),
            bytes=sum(_row_bytes(row) for row in rows),
            event_bytes=sum(_row_bytes(row) for row in [*events, *event_data]),
            event_types=tuple(event_types),
        )


class NaiveIntegration:
    """Writes each telemetry entity at every ShotSample, with the attributes of ours."""

    def __init__(self, hass: HomeAssistant, ours: dict[str, str]) -> None:
        self.hass = hass
        self.ours = ours  # telemetry key -> our entity id
        self.entities = {key: f"sensor.naive_de1_{key}" for key in NAIVE_VALUES}
        self.samples = 0
        self.on = False

    @callback
    def on_sample(self, sample: object) -> None:
        if not self.on or not isinstance(sample, ShotSample):
            return
        self.samples += 1
        for key, value in NAIVE_VALUES.items():
            state = self.hass.states.get(self.ours[key])
            attributes = {} if state is None else dict(state.attributes)
            self.hass.states.async_set(self.entities[key], str(value(sample)), attributes)


def _median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()  # CPU time: the test's frozen clock stops perf_counter
        work()
        times.append(time.process_time() - start)
    return median(times)


def _per_table(written: Written) -> str:
    text = (
        f"{written.states} states, {written.attributes} attributes, {written.events} events, "
        f"{written.event_data} event data, {written.statistics} statistics"
    )
    if written.event_types:
        kinds = ", ".join(sorted(set(written.event_types)))
        text += f"; events {written.event_bytes} B: {kinds}"
    return text


async def _read(hass: HomeAssistant, function: Callable[..., Written], *args: Any) -> Written:
    await async_wait_recording_done(hass)
    return await get_instance(hass).async_add_executor_job(function, hass, *args)


async def test_shot_record_rows(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy, mains_hz=60)
    link = link_of(entry)
    registry = er.async_get(hass)
    ours = {item.entity_id for item in er.async_entries_for_config_entry(registry, entry.entry_id)}
    telemetry = {key: entity_id(hass, device, "sensor", key) for key in TELEMETRY_KEYS}
    assert set(telemetry) == set(NAIVE_VALUES)
    naive = NaiveIntegration(hass, telemetry)
    link.async_add_sample_listener(naive.on_sample)
    slug = link.address.lower().replace(":", "_")

    def our_statistics(statistic_id: str) -> bool:
        return statistic_id in ours or statistic_id.startswith(f"kitchen_ble:{slug}")

    def naive_statistics(statistic_id: str) -> bool:
        return statistic_id in naive.entities.values()

    await advance(hass, freezer, virtual_proxy, 2, 0.2)  # the first readings arrive
    ours_before = await _read(hass, _written, ours, our_statistics, "kitchen_ble")
    naive_before = await _read(hass, _written, naive.entities.values(), naive_statistics, None)
    samples_before = device.samples_sent

    # The espresso: its button, 30 s, its Stop button; then until it is archived. The naive
    # integration writes over the same time as ours is counted.
    naive.on = True
    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "button", "press", entity_id(hass, device, "button", "start_espresso")),
        step=0.2,
    )
    await advance(hass, freezer, virtual_proxy, SHOT_SECONDS, 0.2)
    assert device.state[0] is State.ESPRESSO, "the shot ended before its 30 s"
    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "button", "press", entity_id(hass, device, "button", "stop")),
        step=0.2,
    )
    waited = 0.0
    while device.state[0] is not State.IDLE:
        assert waited < 60, "the machine did not stop"
        await advance(hass, freezer, virtual_proxy, 1.0, 0.2)
        waited += 1.0
    await advance(hass, freezer, virtual_proxy, 5, 0.2)  # the last drops, the archive
    naive.on = False
    shots = get_shots(hass)
    (kept,) = shots.archive.newest_first()
    assert 25 <= kept["duration"] <= SHOT_SECONDS + 5, kept["duration"]
    samples = naive.samples
    assert samples >= SHOT_SECONDS * SAMPLES_PER_SECOND, "five samples a second on 60 Hz mains"
    assert device.samples_sent - samples_before == samples, "the naive one hears every sample"

    written = await _read(hass, _written, ours, our_statistics, "kitchen_ble") - ours_before
    floor = (
        await _read(hass, _written, naive.entities.values(), naive_statistics, None) - naive_before
    )
    assert written.event_types.count("kitchen_ble_shot_completed") == 1, written.event_types
    assert written.statistics > 0, "the shot's statistics are recorded"
    assert floor.states > 0

    path = os.path.join(shots.archive.directory, f"{kept['id']}.json")
    archive_bytes = await hass.async_add_executor_job(os.path.getsize, path)
    shot = await shots.archive.async_get(kept["id"])
    assert len(shot.samples) >= SHOT_SECONDS * SAMPLES_PER_SECOND, "the full curve is kept"
    svg = render_shot_svg(shot)
    assert svg.startswith("<svg")
    render = _median_seconds(lambda: render_shot_svg(shot), RENDER_RUNS)
    dumps = _median_seconds(lambda: json.dumps(record_to_dict(shot)), RENDER_RUNS)

    record(
        "DE1 recorder rows, 30 s espresso (vs naive writes of every sample)",
        "rows",
        written.rows,
        floor.rows,
        aim=AIM,
    )
    record(
        "DE1 recorder bytes, 30 s espresso (vs naive writes of every sample)",
        "B",
        written.bytes,
        floor.bytes,
        aim=AIM,
    )
    record("DE1 archive bytes per 30 s espresso", "B", archive_bytes)
    record(
        "DE1 last-shot graph render (vs json.dumps of the record)",
        "ms",
        render * 1000,
        dumps * 1000,
    )
    note(
        f"Shot records: a {kept['duration']:.0f} s espresso, {samples} ShotSamples on 60 Hz "
        f"mains; ours {written.rows} rows / {written.bytes} B ({_per_table(written)}); naive "
        f"{floor.rows} rows / {floor.bytes} B ({_per_table(floor)}); archive file "
        f"{archive_bytes} B with {len(shot.samples)} samples; graph {len(svg)} characters"
    )
    assert written.rows <= floor.rows / 5
    assert written.bytes <= floor.bytes / 5
