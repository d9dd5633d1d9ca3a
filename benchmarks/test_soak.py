"""Soak: a 12-hour cook, accelerated, with link drops and a Home Assistant restart.

Runs only with ``scripts/soak`` (which sets KITCHEN_BLE_SOAK=1); it takes
minutes, not seconds. The kitchen (``soak_devices``): an iGrill V2 with a
brisket, pork chops and a chamber probe, a BlueDOT with chicken, and a
passive sensor node. Home Assistant's clock moves with freezer and
``async_fire_time_changed`` in steps of 5 s, the emulated devices in step
with it. Each thermometer drops its link every few minutes of cook time and
comes back when it advertises again; half-way, Home Assistant stops fully
and a second instance starts on the same storage and configuration
directory while the devices cook on.

It prints, as notes under the benchmark table:

* memory: RSS and traced memory (tracemalloc) every simulated hour, and the
  slope over the hours after each instance's first (least squares, one level
  per instance: the harness holds the stopped first instance), beside what
  an hour allocates at the least (the sum of each step's traced peak above
  its start); the traced slope must stay under 1 % of that;
* readings: the running session's min, max and final of every probe equal
  those of the readings the device delivered since the cook began (exact:
  the session keeps no count of readings and thins its curve, so these and
  ``reached_at`` are what it keeps exactly); every point of its curve is a
  delivered reading; the archived summary has the same min, max and final to
  0.1 °C and the same alert counts as the events;
* alerts: approaching, reached, exceeded, probe_unplugged and
  probe_inserted exactly as often as the readings call for
  (``soak_model.expected_alerts``), reminders as often or at most one fewer
  per stretch above the target, no device alert (every link came back
  within the grace);
* the log: no record at ERROR or above, no traceback, no task exception that
  was never retrieved.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import storage
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_fire_time_changed,
    async_test_home_assistant,
)

from benchmarks.common import release_free_memory, rss_kib
from benchmarks.report import Compare, note, record
from benchmarks.soak_devices import Kitchen, Plan, create_kitchen, put_probes_in, tapped
from benchmarks.soak_model import (
    AlertRules,
    ProbeSeries,
    crossings_of,
    expected_alerts,
    slope_per_segment_level,
)
from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN, EVENT_ALERT
from custom_components.kitchen_ble.cooking import get_runtime
from emulator.device import EmulatedDevice
from emulator.ha import async_start_proxy
from emulator.passive_proxy import PassiveProxy
from emulator.proxy import VirtualProxy
from tests.conftest import fail_on_deprecation  # noqa: F401  (autouse here too)
from tests.ha.common import UNHANDLED_MARKERS, assert_no_errors, settle
from tests.ha.cooking import call
from tests.ha.nodes import no_kegtron, node_state  # noqa: F401  (no_kegtron: a fixture)

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("KITCHEN_BLE_SOAK") != "1", reason="the soak runs with scripts/soak"
    ),
    pytest.mark.timeout(3600),  # a bound far above the few minutes it takes
]

FLAT = 0.01  # the traced slope per hour may be this share of what an hour allocates
EXACT = ("approaching", "reached", "exceeded", "probe_unplugged", "probe_inserted")
PROBE_ALERTS = (*EXACT, "reminder")
KIB = 1024
TOP_GROWTH = 5  # lines of the traced growth by source line, in the report
MOCK_ADAPTER = ("habluetooth.scanner", "hci0 (00:00:00:00:00:01)", "Failed to force stop scanner")
# The soak's own bookkeeping (its taps keep every reading) and tracemalloc's snapshots
# are left out of the traced figures.
NOT_THE_SOAK = (
    tracemalloc.Filter(False, "*/benchmarks/soak_*.py"),
    tracemalloc.Filter(False, "*/benchmarks/test_soak.py"),
    tracemalloc.Filter(False, tracemalloc.__file__),
)
NODE_VALUE_SIZES = {0x01: 1, 0x02: 1, 0x03: 2, 0x04: 4, 0x05: 1}  # key: value bytes


def wall() -> float:
    """Seconds of real time (freezer stops ``time``'s clocks, not this one)."""
    return os.times().elapsed


# --- Home Assistant instances ---------------------------------------------------------


@dataclass
class AlertLog:
    """Every ``kitchen_ble_alert``, as (device address, probe, type), from both instances."""

    alerts: list[tuple[str, int | None, str]] = field(default_factory=list)

    def listen(self, hass: HomeAssistant) -> CALLBACK_TYPE:
        registry = dr.async_get(hass)

        @callback
        def on_alert(event: Event) -> None:
            device = registry.async_get(event.data["device_id"])
            assert device is not None, f"an alert for an unknown device: {event.data}"
            address = next(value for domain, value in device.identifiers if domain == DOMAIN)
            self.alerts.append((address, event.data["probe"], event.data["type"]))

        return hass.bus.async_listen(EVENT_ALERT, on_alert)

    def counts(self, address: str, probe: int | None) -> Counter[str]:
        return Counter(kind for a, p, kind in self.alerts if (a, p) == (address, probe))


@dataclass
class Instance:
    """One Home Assistant with the kitchen in range of its two proxies."""

    hass: HomeAssistant
    proxy: VirtualProxy
    passive: PassiveProxy
    entries: list[MockConfigEntry]
    stops: list[CALLBACK_TYPE]

    async def step(self, freezer: FrozenDateTimeFactory, seconds: float) -> None:
        """``seconds`` pass for Home Assistant's clock and the devices alike."""
        freezer.tick(timedelta(seconds=seconds))
        self.proxy.tick(seconds)
        self.passive.tick(seconds)
        async_fire_time_changed(self.hass)
        await settle(self.hass)

    def connections(self) -> int:
        """Links the thermometers' coordinators have made."""
        return sum(e.runtime_data.link.connect_count for e in self.entries[:2])

    async def stop_devices(self) -> None:
        """Unload the entries (the links are let go) and take the proxies away."""
        for entry in self.entries:
            assert await self.hass.config_entries.async_unload(entry.entry_id)
        for stop in self.stops:
            stop()
        await settle(self.hass)


async def start_instance(
    hass: HomeAssistant, kitchen: Kitchen, name: str, alerts: AlertLog
) -> Instance:
    """Proxies and config entries for the kitchen; the thermometers connect."""
    proxy = VirtualProxy(suffix=f"soak-{name}")
    passive = PassiveProxy(suffix=f"soak-{name}-passive")
    proxy.add(kitchen.igrill)
    proxy.add(kitchen.bluedot)
    passive.add(kitchen.node)
    entries = [
        _entry(kitchen.igrill, "igrill_v2", "iGrill V2"),
        _entry(kitchen.bluedot, "bluedot", "BlueDOT"),
        _entry(kitchen.node, "thingy_node", "Kitchen"),
    ]
    for entry in entries:  # before the first advertisement: no discovery flows
        entry.add_to_hass(hass)
    alerts.listen(hass)
    stops = [
        async_start_proxy(hass, proxy, interval=None),
        async_start_proxy(hass, passive, interval=None),
    ]
    for entry in entries:  # the first sets up the integration, and with it every entry
        if entry.state is ConfigEntryState.NOT_LOADED:
            assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    assert all(entry.state is ConfigEntryState.LOADED for entry in entries)
    assert kitchen.igrill.connected, "the iGrill is not up"
    assert kitchen.igrill.authenticated, "the iGrill did not pass the handshake"
    assert kitchen.bluedot.connected, "the BlueDOT is not up"
    return Instance(hass, proxy, passive, entries, stops)


def _entry(device: EmulatedDevice, model: str, title: str) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=device.address,
        title=title,
        data={CONF_ADDRESS: device.address, CONF_MODEL: model},
    )


@contextlib.asynccontextmanager
async def restarted(config_dir: Path) -> AsyncIterator[HomeAssistant]:
    """A second Home Assistant on the same (mocked) storage and config directory."""
    async with async_test_home_assistant(config_dir=str(config_dir)) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # as enable_custom_integrations does
        bluetooth = MockConfigEntry(domain="bluetooth", unique_id="00:00:00:00:00:01")
        bluetooth.add_to_hass(hass)
        assert await hass.config_entries.async_setup(bluetooth.entry_id)
        try:
            yield hass
        finally:
            await hass.config_entries.async_unload(bluetooth.entry_id)
            await hass.async_stop(force=True)


def forget_mock_adapter_errors(caplog: pytest.LogCaptureFixture) -> int:
    """Take the harness's mocked local adapter's errors out of the records; how many.

    The harness mocks a local adapter, hci0 at 00:00:00:00:00:01, that logs an error
    when Bluetooth is set up (the second Home Assistant does that inside the test).
    The soak's proxies are remote scanners with other names, never that adapter.
    """
    records = caplog.handler.records
    harness = [
        r
        for r in records
        if r.name == MOCK_ADAPTER[0]
        and r.getMessage().startswith(f"{MOCK_ADAPTER[1]}: {MOCK_ADAPTER[2]}")
    ]
    for item in harness:
        records.remove(item)
    return len(harness)


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """The archive writes under the config directory: keep it in the test's own."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    yield
    tracemalloc.stop()


# --- memory ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemorySample:
    hour: int
    instance: int  # 1 before the restart, 2 after
    rss_kib: float
    traced_kib: float
    allocated_kib: float  # in the hour before, at the least
    wall: float  # seconds the hour before took


def forget_storage_calls() -> None:
    """The harness's storage mock keeps the arguments of every write (every payload Home
    Assistant ever saved, a few a minute): its records go, Home Assistant's stay."""
    for name in ("_async_load", "_async_write_data", "async_remove"):
        getattr(storage.Store, name).reset_mock()


class AllocationMeter:
    """Bytes allocated, at the least: each step's traced peak above its start, summed."""

    def __init__(self) -> None:
        self.total = 0

    def start(self) -> int:
        tracemalloc.reset_peak()
        return tracemalloc.get_traced_memory()[0]

    def stop(self, start: int) -> None:
        self.total += tracemalloc.get_traced_memory()[1] - start


# --- the soak -------------------------------------------------------------------------


@dataclass
class Soak:
    """The run's plan, devices and everything it counts on the way."""

    plan: Plan
    kitchen: Kitchen
    freezer: FrozenDateTimeFactory
    progress: Callable[[str], None]  # a line on the terminal while the soak runs
    snapshot_file: Path
    alerts: AlertLog = field(default_factory=AlertLog)
    meter: AllocationMeter = field(default_factory=AllocationMeter)
    drops: Counter[str] = field(default_factory=Counter)
    down_steps: Counter[str] = field(default_factory=Counter)
    connections: int = 0
    samples: list[MemorySample] = field(default_factory=list)
    growth: list[str] = field(default_factory=list)
    session_start: float = 0.0
    session_id: str = ""
    seconds: float = 0.0

    def sample(self, hour: int, instance: int, allocated: float, seconds: float) -> None:
        forget_storage_calls()
        release_free_memory()
        rss = float(rss_kib())
        snapshot = tracemalloc.take_snapshot().filter_traces(NOT_THE_SOAK)
        traced = sum(trace.size for trace in snapshot.traces) / KIB
        sample = MemorySample(hour, instance, rss, traced, allocated / KIB, seconds)
        self.samples.append(sample)
        self.progress(
            f"soak: hour {hour}/{self.plan.hours}: RSS {rss / KIB:.1f} MiB, "
            f"traced {traced / KIB:.2f} MiB, {seconds:.1f} s"
        )
        # where the second instance's growth comes from, from its first hour to the end;
        # the first snapshot waits on disk, where it takes no memory of this process
        if instance == 2 and hour == self.plan.restart_after_hour + 1:
            snapshot.dump(str(self.snapshot_file))
        elif instance == 2 and hour == self.plan.hours:
            earlier = tracemalloc.Snapshot.load(str(self.snapshot_file))
            self.growth = [
                f"{_short(s.traceback[0].filename)}:{s.traceback[0].lineno} "
                f"{s.size_diff / KIB:+.1f} KiB ({s.count_diff:+d} blocks)"
                for s in snapshot.compare_to(earlier, "lineno")[:TOP_GROWTH]
            ]

    async def begin(self, instance: Instance) -> None:
        """Targets, and a session with both thermometers (their probes still out)."""
        hass, kitchen = instance.hass, self.kitchen
        registry = er.async_get(hass)
        for (address, probe), rules in kitchen.rules.items():
            number = registry.async_get_entity_id(
                "number", DOMAIN, f"{address}_probe_{probe}_target"
            )
            assert number is not None, f"no target number for {address} probe {probe}"
            await hass.services.async_call(
                "number", "set_value", {"entity_id": number, "value": rules.target}, blocking=True
            )
        await settle(hass)
        await call(hass, "start_session", {"name": "Soak: brisket, chops and chicken"})
        session = get_runtime(hass).session
        assert session is not None
        assert session.devices == {kitchen.igrill.address, kitchen.bluedot.address}
        self.session_start = session.started_at
        self.session_id = session.id

    async def cook(self, instance: Instance, hours: range, number: int) -> None:
        """These hours of the plan, step by step, with a memory sample after each."""
        plan = self.plan
        for hour in hours:
            hour_started = wall()
            allocated_before = self.meter.total
            for index in range(hour * plan.steps_per_hour, (hour + 1) * plan.steps_per_hour):
                self.events(plan.at(index) - plan.step)
                start = self.meter.start()
                await instance.step(self.freezer, plan.step)
                self.meter.stop(start)
            allocated = self.meter.total - allocated_before
            self.sample(hour + 1, number, allocated, wall() - hour_started)
        self.connections += instance.connections()

    def events(self, seconds: float) -> None:
        """What happens at cook time ``seconds``: probes in, link drops, meat swapped."""
        plan, igrill, bluedot = self.plan, self.kitchen.igrill, self.kitchen.bluedot
        if seconds == plan.probes_in:
            put_probes_in(self.kitchen)
        if plan.drops(seconds, plan.igrill_drop_every, plan.igrill_drop_offset):
            assert igrill.connected, f"the iGrill is still down at {seconds:.0f} s"
            igrill.drop_link()
            self.drops["iGrill"] += 1
        if plan.drops(seconds, plan.bluedot_drop_every, plan.bluedot_drop_offset):
            assert bluedot.connected, f"the BlueDOT is still down at {seconds:.0f} s"
            bluedot.drop_link()
            self.drops["BlueDOT"] += 1
        for swap in plan.chops_swaps:
            if seconds == swap:
                igrill.unplug(2)
            elif seconds == swap + plan.swap_out:
                igrill.plug(2, 5.0)
        for swap in plan.chicken_swaps:
            if seconds == swap:
                bluedot.unplug()
            elif seconds == swap + plan.swap_out:
                bluedot.plug(5.0)
        for name, device in (("iGrill", igrill), ("BlueDOT", bluedot)):
            if not device.connected:  # this step's reading is taken with the link down
                self.down_steps[name] += 1


@pytest.mark.usefixtures("traced", "no_kegtron", "enable_bluetooth")
async def test_soak(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    config_dir: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The harness's caplog fixture logs at DEBUG, and pytest keeps every record: the
    # records alone would grow by megabytes an hour. Home Assistant logs at WARNING
    # unless told otherwise; the checks need ERROR and above.
    caplog.set_level(logging.WARNING)

    def progress(line: str) -> None:
        with capsys.disabled():  # the harness's own output stays captured
            print(line, flush=True)

    soak = Soak(Plan.from_environment(), create_kitchen(), freezer, progress, config_dir / "traced")
    plan, kitchen = soak.plan, soak.kitchen
    started = wall()
    with tapped(kitchen, lambda: dt_util.utcnow().timestamp()):
        first = await start_instance(hass, kitchen, "first", soak.alerts)
        await soak.begin(first)
        soak.sample(0, 1, 0, 0.0)
        await soak.cook(first, range(plan.restart_after_hour), 1)

        # Home Assistant stops fully; the devices cook on while it is down.
        await first.stop_devices()
        await hass.async_stop()
        assert hass_storage["kitchen_ble.cooking"]["data"]["sessions"]["active"] is not None
        freezer.tick(timedelta(seconds=plan.restart_downtime))
        for device in (kitchen.igrill, kitchen.bluedot, kitchen.node):
            device.advance(plan.restart_downtime)

        async with restarted(config_dir) as second_hass:
            second = await start_instance(second_hass, kitchen, "second", soak.alerts)
            await soak.cook(second, range(plan.restart_after_hour, plan.hours), 2)
            soak.seconds = wall() - started
            reading_lines = _check_session(second_hass, soak)
            archive = await _end_cook(second_hass, soak)
            node_line = _node_line(second_hass, kitchen)
            await second.stop_devices()

    harness_records = forget_mock_adapter_errors(caplog)
    memory_lines, slope, allocated_per_hour = _memory_report(soak)
    alert_lines, alert_problems = _alert_report(soak, archive)
    problems = alert_problems + _archive_problems(soak, archive)
    expected_connections = sum(soak.drops.values()) + 4  # each thermometer once per instance
    if soak.connections != expected_connections:
        problems.append(f"{soak.connections} connections for {expected_connections - 4} drops")
    for line in [
        f"soak: {plan.hours} simulated hours in {plan.steps} steps of {plan.step:g} s, "
        f"Home Assistant restarted after hour {plan.restart_after_hour} "
        f"({plan.restart_downtime:g} s down); wall {soak.seconds:.0f} s "
        f"({soak.seconds / plan.hours:.1f} s per simulated hour)",
        f"soak: link drops: iGrill {soak.drops['iGrill']}, BlueDOT {soak.drops['BlueDOT']}; "
        f"connections made {soak.connections} (the drops + one per thermometer and instance); "
        f"steps whose reading was taken with the link down: iGrill {soak.down_steps['iGrill']}, "
        f"BlueDOT {soak.down_steps['BlueDOT']}",
        *memory_lines,
        *reading_lines,
        *alert_lines,
        node_line,
        _log_line(caplog, harness_records),
    ]:
        note(line)
    record("soak: wall time per simulated hour", "s", soak.seconds / plan.hours)
    record(
        f"soak: traced memory slope (aim: {FLAT:.0%} of an hour's allocations)",
        "KiB/h",
        slope,
        compare=Compare.DIFFERENCE,
        aim=FLAT * allocated_per_hour,
    )

    assert not problems, problems
    assert slope <= FLAT * allocated_per_hour, (
        f"traced memory grows {slope:.1f} KiB per hour, over {FLAT:.0%} of the "
        f"{allocated_per_hour:.0f} KiB an hour allocates"
    )
    assert_no_errors(caplog)


# --- checks and report lines ------------------------------------------------------------


def _check_session(hass: HomeAssistant, soak: Soak) -> list[str]:
    """The running session against the delivered readings; a line per probe."""
    kitchen, start = soak.kitchen, soak.session_start
    session = get_runtime(hass).session
    assert session is not None
    assert session.id == soak.session_id, "the session did not survive the restart"
    lines = []
    for key in kitchen.probes():
        series, name = kitchen.series[key], kitchen.names[key]
        values = series.values(start)
        stats = session.probes.get(key)
        assert stats is not None, f"{name}: not in the session"
        expected = (min(values), max(values), values[-1])
        got = (stats.min, stats.max, stats.final)
        assert all(
            g is not None and math.isclose(g, e, abs_tol=1e-9)
            for g, e in zip(got, expected, strict=True)
        ), f"{name}: the session has min/max/final {got}, the readings {expected}"
        rules = kitchen.rules.get(key)
        reached = None if rules is None else series.first_at_or_above(rules.target, start)
        assert stats.reached_at == reached, f"{name}: reached_at {stats.reached_at} != {reached}"
        times = [t for t, _ in stats.curve]
        assert times == sorted(times), f"{name}: curve times go back"
        assert times[0] >= start
        strays = [
            (t, v)
            for t, v in stats.curve
            if not any(
                d is not None and math.isclose(v, d, abs_tol=1e-9) for d in series.latest_values(t)
            )
        ]
        assert not strays, f"{name}: curve points that were never delivered: {strays[:5]}"
        shared = len(times) - len(set(times))
        lines.append(
            f"soak readings: {name}: {len(values)} delivered; session min/max/final "
            f"{expected[0]:.1f}/{expected[1]:.1f}/{expected[2]:.1f} °C, equal to the readings'; "
            f"reached_at {'none' if reached is None else _cook_time(reached - start)}, equal; "
            f"{len(stats.curve)} curve points, every one a delivered reading"
            + (f" ({shared} at the same time as the point before)" if shared else "")
        )
    return lines


async def _end_cook(hass: HomeAssistant, soak: Soak) -> dict[str, Any]:
    await call(hass, "end_session")
    response = await call(
        hass, "get_session", {"session_id": soak.session_id}, return_response=True
    )
    assert isinstance(response, dict)
    assert response["active"] is False
    return response


def _archive_problems(soak: Soak, archive: dict[str, Any]) -> list[str]:
    """The archived summary against the readings (0.1 °C) and the alert events."""
    kitchen, problems = soak.kitchen, []
    archived = {(p["probe"], p["min"], p["max"], p["final"]) for p in archive["probes"]}
    for key in kitchen.probes():
        values = kitchen.series[key].values(soak.session_start)
        wanted = (key[1], round(min(values), 1), round(max(values), 1), round(values[-1], 1))
        if wanted not in archived:
            problems.append(f"{kitchen.names[key]}: {wanted} not among the archived {archived}")
    counted = Counter(kind for _, _, kind in soak.alerts.alerts)
    if archive["alert_counts"] != dict(counted):
        problems.append(f"archived alert_counts {archive['alert_counts']} != events {counted}")
    return problems


def _alert_report(soak: Soak, archive: dict[str, Any]) -> tuple[list[str], list[str]]:
    """A line per probe (events/what the readings call for) and the problems found."""
    kitchen, alerts = soak.kitchen, soak.alerts
    lines, problems = [], []
    for key in kitchen.probes():
        series, rules, name = kitchen.series[key], kitchen.rules.get(key), kitchen.names[key]
        expected = expected_alerts(series.readings, rules, soak.session_start)
        got = alerts.counts(*key)
        reminders_missed = expected["reminder"] - got["reminder"]
        reminders_ok = 0 <= reminders_missed <= expected["reminder_periods"]
        if any(got[kind] != expected[kind] for kind in EXACT) or not reminders_ok:
            problems.append(f"{name}: events {dict(got)}, the readings call for {dict(expected)}")
        if set(got) - set(PROBE_ALERTS):
            problems.append(f"{name}: alerts of other types {sorted(set(got) - set(PROBE_ALERTS))}")
        parts = [f"{kind} {got[kind]}/{expected[kind]}" for kind in PROBE_ALERTS]
        extra = ""
        if expected["reminder_periods"]:
            extra += (
                f" (may be one fewer for each of the {expected['reminder_periods']} stretches "
                "above the target)"
            )
        if rules is not None:
            plain = crossings_of(series.readings, rules.target, soak.session_start)
            extra += f"; the readings rose to the target {plain} times (no hysteresis)"
        lines.append(f"soak alerts: {name}: {', '.join(parts)}{extra}")
    for address, name in ((kitchen.igrill.address, "iGrill"), (kitchen.bluedot.address, "BlueDOT")):
        device_wide = alerts.counts(address, None)
        if device_wide:
            problems.append(f"{name}: device alerts {dict(device_wide)}")
        lines.append(f"soak alerts: {name}: device alerts {sum(device_wide.values())}/0")
    lines.append(
        f"soak alerts: (events/the readings call for); {len(alerts.alerts)} events in all, "
        f"archived alert_counts {archive['alert_counts']}"
    )
    return lines, problems


def _memory_report(soak: Soak) -> tuple[list[str], float, float]:
    """Lines of the hourly samples and the slopes; returns (lines, traced slope, KiB/h)."""
    samples, plan = soak.samples, soak.plan
    lines = [
        "soak memory: hour | instance |  RSS MiB | traced MiB | "
        "allocated in the hour, at least, MiB | wall s"
    ]
    for s in samples:
        lines.append(
            f"soak memory: {s.hour:4d} | {s.instance:8d} | {s.rss_kib / KIB:8.1f} | "
            f"{s.traced_kib / KIB:10.2f} | {s.allocated_kib / KIB:36.1f} | {s.wall:6.1f}"
        )
    restart = plan.restart_after_hour
    fitted = [  # each instance from the end of its first hour on
        s
        for s in samples
        if (s.instance == 1 and 1 <= s.hour <= restart) or (s.instance == 2 and s.hour > restart)
    ]
    traced = slope_per_segment_level([(s.hour, s.traced_kib, s.instance) for s in fitted])
    rss = slope_per_segment_level([(s.hour, s.rss_kib, s.instance) for s in fitted])
    halves = [  # the later half of each instance's hours: is the allocator warmed up?
        s
        for s in fitted
        if (s.instance == 1 and s.hour >= restart - restart // 2)
        or (s.instance == 2 and s.hour >= plan.hours - (plan.hours - restart) // 2)
    ]
    late_rss = slope_per_segment_level([(s.hour, s.rss_kib, s.instance) for s in halves])
    hourly = [s.allocated_kib for s in samples if s.hour >= 1]
    per_hour = sum(hourly) / len(hourly)
    last_first = max((s for s in samples if s.instance == 1), key=lambda s: s.hour)
    first_second = min((s for s in samples if s.instance == 2), key=lambda s: s.hour)
    lines += [
        f"soak memory: slope over hours {', '.join(str(s.hour) for s in fitted)} "
        f"(least squares, one level per instance): traced {traced:+.1f} KiB/h, "
        f"RSS {rss:+.1f} KiB/h; RSS over hours {', '.join(str(s.hour) for s in halves)} "
        f"only: {late_rss:+.1f} KiB/h",
        f"soak memory: an hour allocates at least {per_hour / KIB:.1f} MiB (each step's traced "
        f"peak above its start, summed); the traced slope is {traced / per_hour:+.3%} of that: "
        f"{'flat' if traced <= FLAT * per_hour else 'GROWING'} (flat: under {FLAT:.0%}); "
        f"{traced * plan.hours / KIB:+.2f} MiB over {plan.hours} hours at this slope",
        f"soak memory: across the restart (hour {last_first.hour} to {first_second.hour}) "
        f"traced {(first_second.traced_kib - last_first.traced_kib) / KIB:+.2f} MiB, RSS "
        f"{(first_second.rss_kib - last_first.rss_kib) / KIB:+.1f} MiB: the harness keeps "
        "the stopped first instance until the test ends",
        *(
            f"soak memory: traced growth, hour {restart + 1} to {plan.hours}, by line: {line}"
            for line in soak.growth
        ),
    ]
    return lines, traced, per_hour


def _node_line(hass: HomeAssistant, kitchen: Kitchen) -> str:
    node = kitchen.node
    frame, index, expected = node.frame, 0, math.nan
    while index < len(frame):  # key/value records (advertisers fact sheet)
        key = frame[index]
        size = NODE_VALUE_SIZES[key]
        if key == 0x03:  # temperature, int16 BE tenths of °C
            expected = int.from_bytes(frame[index + 1 : index + 1 + size], "big", signed=True) / 10
        index += 1 + size
    shown = float(node_state(hass, node, "temperature"))
    assert math.isclose(shown, expected, abs_tol=0.05), f"node shows {shown}, sent {expected}"
    return (
        f"soak node: {node.measurements} measurements broadcast; its temperature entity shows "
        f"the last one ({shown:g} °C)"
    )


def _log_line(caplog: pytest.LogCaptureFixture, harness_records: int) -> str:
    records = caplog.records
    errors = sum(r.levelno >= logging.ERROR for r in records)
    warnings = [r for r in records if logging.WARNING <= r.levelno < logging.ERROR]
    unhandled = {
        marker: sum(marker in caplog.handler.format(r) for r in records)
        for marker in UNHANDLED_MARKERS
    }
    messages = Counter(f"{r.name}: {r.getMessage()[:60]}…" for r in warnings)
    shown = "; ".join(f"{count}× {text}" for text, count in messages.most_common(3))
    return (
        f"soak log: {errors} records at ERROR or above, "
        + ", ".join(f'{count} "{marker}"' for marker, count in unhandled.items())
        + f" (left out: {harness_records} error of the harness's mocked Bluetooth adapter "
        f"when the second instance set up Bluetooth); {len(warnings)} warnings"
        + (f": {shown}" if shown else "")
    )


def _short(filename: str) -> str:
    """A source file as a reader finds it: from the repository or from site-packages."""
    for prefix in ("site-packages/", os.getcwd() + "/"):
        if prefix in filename:
            return filename.split(prefix, 1)[1]
    return filename


def _cook_time(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


# --- the soak's own arithmetic, checked first ---------------------------------------------


def _series(*points: tuple[float, float | None]) -> ProbeSeries:
    series = ProbeSeries()
    for at, celsius in points:
        series.add(at, celsius)
    return series


def _counts(*points: tuple[float, float | None], target: float = 93.0) -> Counter[str]:
    return expected_alerts(_series(*points).readings, AlertRules(target), session_start=0.0)


def test_model_fires_each_level_once_per_crossing() -> None:
    rising = [(float(t), 80.0 + t) for t in range(18)]  # 80 … 97 °C, one degree a second
    assert _counts(*rising) == Counter(approaching=1, reached=1, exceeded=1, reminder_periods=1)
    # noise around the target, never a minute below 92 °C: one crossing
    hovering = [(t * 10.0, 93.0 if t % 2 else 91.5) for t in range(60)]
    assert _counts(*hovering)["reached"] == 1


def test_model_rearms_after_a_minute_below_target_minus_hysteresis() -> None:
    def dip(below: float, seconds: int) -> Counter[str]:
        points = [(0.0, 93.0), *((10.0 + t, below) for t in range(0, seconds + 1, 10))]
        return _counts(*points, (seconds + 20.0, 93.0))

    assert dip(91.9, 60)["reached"] == 2
    assert dip(91.9, 50)["reached"] == 1  # not a minute
    assert dip(92.0, 600)["reached"] == 1  # 92 °C is not below 93 - 1


def test_model_fires_only_the_highest_level_a_jump_passes() -> None:
    assert _counts((0.0, 80.0), (5.0, 97.0)) == Counter(exceeded=1, reminder_periods=1)


def test_model_reminders_on_a_fixed_grid() -> None:
    points = [(t * 10.0, 94.0) for t in range(71)]  # reached at 0 s, above for 700 s
    assert _counts(*points)["reminder"] == 2  # at 300 s and 600 s
    gap = [(0.0, 94.0), (950.0, 94.0), (1000.0, 94.0)]  # no reading from 0 to 950 s
    assert _counts(*gap)["reminder"] == 1  # one reminder for the missed grid points


def test_model_plug_changes_during_the_cook_only() -> None:
    points = [(-10.0, None), (-5.0, 20.0), (-3.0, None), (0.0, None), (5.0, 20.0)]
    points += [(10.0, None), (15.0, 20.0)]
    assert _counts(*points) == Counter(probe_inserted=2, probe_unplugged=1)
    unknown_first = expected_alerts(_series((0.0, 20.0), (5.0, None)).readings, None, 0.0)
    assert unknown_first == Counter(probe_unplugged=1)


def test_series_answers_from_its_readings() -> None:
    series = _series((1.0, 5.0), (2.0, None), (2.0, 7.0), (4.0, 6.0))
    assert series.values(2.0) == [7.0, 6.0]
    assert series.latest_values(3.0) == {None, 7.0}
    assert series.latest_values(0.5) == set()
    assert series.first_at_or_above(6.0, 0.0) == 2.0
    assert series.first_at_or_above(8.0, 0.0) is None
    with pytest.raises(ValueError, match="arrived before"):
        series.add(3.0, 1.0)
    assert crossings_of(series.readings, 6.0, 0.0) == 1


def test_slope_with_one_level_per_instance() -> None:
    points = [(h, 100.0 + 2 * h, 1) for h in (1, 2, 3)] + [(h, 500.0 + 2 * h, 2) for h in (4, 5)]
    assert slope_per_segment_level(points) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="two different x"):
        slope_per_segment_level([(1, 1.0, 1), (2, 2.0, 2)])


def test_plan_bounds() -> None:
    assert Plan().steps == 12 * 720
    with pytest.raises(ValueError, match="at least 4 hours"):
        Plan(hours=3)
    with pytest.raises(ValueError, match="does not divide"):
        Plan(step=7.0)
