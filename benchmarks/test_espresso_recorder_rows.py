"""Recorder rows of a DE1: a 30-second shot, and an idle hour.

A row is a ``state_changed`` event of one of the machine's entities, what the
recorder writes. The machine runs on the test clock (accelerated): the DE1
streams ShotSamples four times a second on 50 Hz mains, idle or not (de1.md
§5.1). Floor: the naive integration, which writes every ShotSample to every
telemetry entity (samples × the nine sensors a ShotSample feeds).

Aims: a shot at most a fifth of the naive rows (the link writes entities at
most once a second, a quarter of the sample rate, and only what changed); an
idle hour no row at all (the readings' deadband at rest swallows the noise).

Home Assistant itself rotates the access token of every image entity every
five minutes (a row with nothing but a new token: 12 an hour for the Last shot
image). Those are counted apart: no integration can avoid them.
"""

from __future__ import annotations

from collections import Counter

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from benchmarks.espresso_shot import TELEMETRY_KEYS, Machine, connected_machine
from benchmarks.report import Compare, note, record
from emulator.de1 import State, Substate
from emulator.proxy import VirtualProxy
from tests.ha.common import is_token_rotation
from tests.ha.espresso import advance, call, entity_id, run

SHOT_SECONDS = 30
IDLE_SECONDS = 3600
IDLE_STEP = 0.25  # s per tick of the idle hour: a sample a tick, as the radio delivers them
SHOT_AIM = 0.2  # of the naive rows
IDLE_AIM = 0.0  # rows


class Rows:
    """Every ``state_changed`` of the machine's entities, counted by entity."""

    def __init__(self, hass: HomeAssistant, machine: Machine) -> None:
        registry = er.async_get(hass)
        self.ours = {
            item.entity_id
            for item in er.async_entries_for_config_entry(registry, machine.entry.entry_id)
        }
        self.by_entity: Counter[str] = Counter()
        self.token_rotations = 0
        self.samples = 0
        machine.link.async_add_sample_listener(self._on_sample)
        self.cancel = hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_changed)

    @callback
    def _on_changed(self, event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] not in self.ours:
            return
        if is_token_rotation(event.data):
            self.token_rotations += 1
        else:
            self.by_entity[event.data["entity_id"]] += 1

    @callback
    def _on_sample(self, _sample: object) -> None:
        self.samples += 1

    def reset(self) -> None:
        self.by_entity.clear()
        self.token_rotations = 0
        self.samples = 0

    @property
    def total(self) -> int:
        return sum(self.by_entity.values())


async def test_espresso_recorder_rows(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    machine = await connected_machine(hass, virtual_proxy)
    device = machine.device
    telemetry = [entity_id(hass, device, "sensor", key) for key in TELEMETRY_KEYS]
    rows = Rows(hass, machine)
    await advance(hass, freezer, virtual_proxy, 2, 0.25)  # the first readings arrive

    # A shot, started as a person would (the start button), then 30 s of it.
    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "button", "press", entity_id(hass, device, "button", "start_espresso")),
    )
    rows.reset()
    await advance(hass, freezer, virtual_proxy, SHOT_SECONDS, 0.25)
    assert device.state[0] is State.ESPRESSO, "the shot ended within 30 s"
    shot_rows, shot_samples = rows.total, rows.samples
    shot_telemetry = sum(rows.by_entity[entity] for entity in telemetry)
    assert shot_samples == SHOT_SECONDS * 4, "every sample reaches the listeners"
    assert shot_telemetry > 0, "the shot is shown as it goes"

    # The shot ends; then an idle hour, once the machine has settled.
    await advance(hass, freezer, virtual_proxy, 120, 0.5)
    assert device.state == (State.IDLE, Substate.READY)
    rows.reset()
    await advance(hass, freezer, virtual_proxy, IDLE_SECONDS, IDLE_STEP)
    assert device.state == (State.IDLE, Substate.READY)
    idle_rows, idle_samples = rows.total, rows.samples
    token_rows = rows.token_rotations
    assert idle_samples == IDLE_SECONDS * 4, "every sample reaches the listeners"
    idle_by_entity = dict(rows.by_entity)
    rows.cancel()
    assert machine.link.connected

    record(
        "DE1 recorder rows, 30 s shot (vs every sample × telemetry)",
        "rows",
        shot_rows,
        shot_samples * len(telemetry),
        aim=SHOT_AIM,
    )
    record(
        "DE1 recorder rows, idle hour",
        "rows",
        idle_rows,
        compare=Compare.DIFFERENCE,  # a count that may be 0: no ratio
        aim=IDLE_AIM,
    )
    note(
        f"DE1 rows: shot {shot_rows} rows ({shot_telemetry} of telemetry) from {shot_samples} "
        f"samples × {len(telemetry)} telemetry sensors; idle hour {idle_rows} rows "
        f"{idle_by_entity or '(none)'} from {idle_samples} samples (naive: "
        f"{idle_samples * len(telemetry)} rows), besides {token_rows} of Home Assistant's "
        "own image token rotation; test clock, 50 Hz mains"
    )
