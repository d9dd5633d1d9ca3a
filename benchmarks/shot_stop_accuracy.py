"""Stop-at-weight accuracy: the emulated DE1 pouring into an emulated scale, in simulated time.

No Home Assistant. The DE1 emulator runs its shots (profile frames, puck,
drips under the puck and after the stop) and pours into the scale emulator's
cup (``on_pour`` → ``receive_pour``: falling time, the load cell's lag and
noise of each family). The scale's notifications go through the library's
own driver of that family (handshake, decode, reading filter), and the DE1's
through the library's codec, stamped with the simulated clock. The stop is
a real RequestedState write to the emulator, a command latency after the
decision.

Every shot is watched by four stop rules at once: ours (the library's
``ShotController``, learning as it goes), a naive stop (weight ≥ target) and
two fixed-lead rules written here from the fact sheet's descriptions
(de1.md §9.3, scales.md §7.2–§7.3):

* pyDE1-style: flow = (w[-1] − w[-11]) / (10 × period), weight time = arrival −
  sensor lag (0.38 s; Felicita 0.45 s), stop when
  now ≥ weight_time + (target − weight) / flow − 0.1 − 0.17 + (−0.07), from
  the first drops on;
* de1app-style: stop when the weight rounded to 0.1 g exceeds
  target − flow × (0.15 + sensor_lag + 0.1), flow the same finite difference,
  ignoring the first 5 s of the espresso.

Until a rule fires, the shot is the same for all four; when one fires, the
simulation is copied and the copy runs on with that rule's stop, so each
rule's final weight comes from the very shot the others saw.
"""

from __future__ import annotations

import copy
import math
import random
import statistics
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from custom_components.kitchen_ble.library.devices import acaia, bookoo, decent_scale, felicita
from custom_components.kitchen_ble.library.devices import skale as skale_family
from custom_components.kitchen_ble.library.devices.de1 import codec as de1_codec
from custom_components.kitchen_ble.library.devices.de1.codec import ShotSample
from custom_components.kitchen_ble.library.devices.de1.states import (
    MachineState,
    Substate,
    flow_phase,
)
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.espresso.shots import (
    LeadLearner,
    ScaleKey,
    ShotController,
    ShotPlan,
    StopFlow,
    StopReason,
    TareScale,
)
from emulator.de1 import DE1Device, Exit, Frame, Header, Profile, State, create_de1
from emulator.de1.const import REQUESTED_STATE, SHOT_SAMPLE, STATE_INFO, Mmr
from emulator.device import EmulatedDevice
from emulator.gatt import normalize_uuid
from emulator.scales import EmulatedScale, create_scale

BLOCK: Final = 0.05  # s; the DE1's physics step while water moves
TICK: Final = 0.01  # s; the scales' physics grid
TAIL: Final = 3.5  # s after the stop: the final weight is read then (ours has its result)
POLL_EVERY: Final = 2.0  # s between driver polls (heartbeats)
FINAL_READINGS: Final = 5
LATENCY: Final = (0.03, 0.09)  # s from a stop decision to the write reaching the DE1
SHOT_TIMEOUT: Final = 150.0  # s; a shot no rule stopped by then is a failure

# (emulator model, library driver, library family, scale id prefix)
FAMILIES: Final = {
    "skale": ("skale2", skale_family.SkaleDriver, skale_family.FAMILY),
    "acaia": ("acaia_lunar_2021", acaia.AcaiaDriver, acaia.FAMILY),
    "felicita": ("felicita_arc", felicita.FelicitaDriver, felicita.FAMILY),
    "decent": ("decent_scale", decent_scale.DecentScaleDriver, decent_scale.FAMILY),
    "bookoo": ("bookoo_themis", bookoo.BookooDriver, bookoo.FAMILY),
}
RULES: Final = ("ours", "naive", "pydee1", "de1app")
PYDE1_LAG: Final = {"felicita": 0.45}  # else 0.38 (scales.md §7.1)
DE1APP_LAG: Final = {"skale": 0.38, "acaia": 0.69, "felicita": 0.50, "decent": 0.38}  # else 0.38


# --- driving coroutines and GATT in simulated time -----------------------------------


def run_sync[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never really waits (emulated GATT, a no-op sleep)."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("the coroutine waited for something real")


async def no_sleep(_seconds: float) -> None:
    """The drivers' sleep: simulated time does not pass inside a call."""


@dataclass
class _Char:
    uuid: str
    properties: list[str]


class _Services:
    def __init__(self, device: EmulatedDevice) -> None:
        self._chars = {
            char.uuid: _Char(char.uuid, list(char.properties))
            for service in device.services
            for char in service.characteristics
        }

    def get_characteristic(self, uuid: str) -> _Char | None:
        return self._chars.get(normalize_uuid(uuid))

    def __iter__(self) -> Iterator[Any]:
        return iter(())


class SimClient:
    """A GattClient and a central in one, over an emulated device, synchronous."""

    def __init__(self, device: EmulatedDevice) -> None:
        self.device = device
        self.services = _Services(device)
        self.callbacks: dict[str, Callable[[Any, bytearray], None]] = {}
        device.attach(self)

    @property
    def is_connected(self) -> bool:
        return self.device.connected

    async def read_gatt_char(self, char_specifier: Any, **_kwargs: Any) -> bytearray:
        return bytearray(await self.device.gatt_read(normalize_uuid(str(char_specifier))))

    async def write_gatt_char(
        self, char_specifier: Any, data: bytes | bytearray, response: bool
    ) -> None:
        await self.device.gatt_write(normalize_uuid(str(char_specifier)), bytes(data), response)

    async def start_notify(self, char_specifier: Any, callback: Any, **_kwargs: Any) -> None:
        uuid = normalize_uuid(str(char_specifier))
        await self.device.gatt_subscribe(uuid)
        self.callbacks[uuid] = callback

    def on_notification(self, uuid: str, data: bytes) -> None:
        callback = self.callbacks.get(uuid)
        if callback is not None:
            callback(None, bytearray(data))

    def on_link_lost(self) -> None:
        """Not in these shots."""


# --- shots -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShotSpec:
    """One shot: profile, the flow it runs at (g/s), target, seeds."""

    profile: str
    flow: float
    target: float
    seed: int
    latency: float


def emulator_profile(name: str, flow: float) -> tuple[Profile, float]:
    """(frames, puck resistance) for a profile that pours at about ``flow`` g/s."""
    fill = Frame(
        flow_control=True,
        goal=8.0,
        temperature=93.0,
        seconds=20.0,
        mix_sensor=True,
        exit=Exit(on_flow=False, over=True, value=3.0),
    )
    long = 180.0
    frames: tuple[Frame, ...]
    if name == "flat9":
        frames = (fill, Frame(flow_control=False, goal=9.0, temperature=93.0, seconds=long))
        resistance = 9.0 / flow / 1.1
    elif name == "flow":
        frames = (fill, Frame(flow_control=True, goal=flow, temperature=92.0, seconds=long))
        resistance = 6.0 / flow
    elif name == "decline":
        frames = (
            fill,
            Frame(flow_control=False, goal=9.0, temperature=93.0, seconds=4.0),
            Frame(flow_control=False, goal=6.0, temperature=93.0, seconds=20.0, smooth=True),
            Frame(flow_control=False, goal=6.0, temperature=93.0, seconds=long),
        )
        resistance = 6.5 / flow / 1.1
    else:  # "bloom": wet the puck, rest, then a gentle pressure
        frames = (
            fill,
            Frame(flow_control=True, goal=0.0, temperature=93.0, seconds=6.0),
            Frame(flow_control=False, goal=7.0, temperature=93.0, seconds=long),
        )
        resistance = 7.0 / flow / 1.1
    header = Header(frames=len(frames), preinfuse_frames=1, max_flow=8.0)
    return Profile(header=header, frames=frames), resistance


PROFILES: Final = ("flat9", "flow", "decline", "bloom")


class Rule(Protocol):
    """A stop rule fed what the integration would feed it; True: stop now."""

    def on_state(
        self, now: float, state: MachineState | None, substate: Substate | None
    ) -> bool: ...

    def on_sample(self, now: float, sample: ShotSample) -> bool: ...

    def on_weight(self, sample: WeightSample) -> bool: ...

    def tick(self, now: float) -> bool: ...


class _Finite:
    """pyDE1's and de1app's flow: (w[-1] − w[-11]) / (10 × period), period a running mean."""

    def __init__(self) -> None:
        self.times: deque[float] = deque(maxlen=11)
        self.weights: deque[float] = deque(maxlen=11)
        self.period = 0.1
        self.intervals = 0

    def add(self, sample: WeightSample) -> float | None:
        if self.times:
            interval = sample.time - self.times[-1]
            if interval > 0.8:
                self.times.clear()
                self.weights.clear()
            elif 0 < interval < 0.5:
                self.intervals += 1
                self.period += (interval - self.period) / min(self.intervals, 10000)
        self.times.append(sample.time)
        self.weights.append(sample.grams)
        if len(self.weights) < 11:
            return None
        return max(0.0, (self.weights[-1] - self.weights[0]) / (10 * self.period))


class _BaselineBase:
    """What the fixed rules share: the phase of the espresso, arming, one stop."""

    def __init__(self, target: float) -> None:
        self.target = target
        self.flow = _Finite()
        self.during_since: float | None = None
        self.drops = False
        self.fired = False

    def on_state(self, now: float, state: MachineState | None, substate: Substate | None) -> bool:
        during = substate in (Substate.PRE_INFUSE, Substate.POUR)
        if during and flow_phase(state, substate) is not None and self.during_since is None:
            self.during_since = now
        return False

    def on_sample(self, now: float, sample: ShotSample) -> bool:
        if self.during_since is not None and sample.group_pressure > 0.0:
            self.drops = True
        return False

    def tick(self, now: float) -> bool:
        return False

    def _fire(self, due: bool) -> bool:
        if due and not self.fired:
            self.fired = True
            return True
        return False


class NaiveRule(_BaselineBase):
    """Stop once the scale shows the target."""

    def on_weight(self, sample: WeightSample) -> bool:
        return self._fire(self.drops and sample.grams >= self.target)


class PyDe1Rule(_BaselineBase):
    """pyDE1's prediction with its fixed leads (scales.md §7.2)."""

    def __init__(self, target: float, lag: float) -> None:
        super().__init__(target)
        self.lag = lag

    def on_weight(self, sample: WeightSample) -> bool:
        flow = self.flow.add(sample)
        if not self.drops or flow is None or flow <= 0:
            return False
        weight_time = sample.time - self.lag
        due = weight_time + (self.target - sample.grams) / flow - 0.1 - 0.17 + (-0.07)
        return self._fire(sample.time >= due)


class De1appRule(_BaselineBase):
    """de1app's rule with its fixed leads (scales.md §7.3)."""

    def __init__(self, target: float, lag: float) -> None:
        super().__init__(target)
        self.lag = lag

    def on_weight(self, sample: WeightSample) -> bool:
        flow = self.flow.add(sample)
        if self.during_since is None or sample.time - self.during_since < 5.0 or flow is None:
            return False
        threshold = self.target - flow * (0.15 + self.lag + 0.0 + 0.1)
        return self._fire(round(sample.grams, 1) > threshold)


class OurRule:
    """The library's ShotController; tares go to the scale through the rig."""

    def __init__(self, controller: ShotController, rig: Rig) -> None:
        self.controller = controller
        self.rig = rig
        self.wake: float | None = None
        self.final: float | None = None
        self.learned = False
        self.reason: StopReason | None = None

    def _act(self, reaction: Any) -> bool:
        self.wake = reaction.wake_at
        stop = False
        for command in reaction.commands:
            if isinstance(command, TareScale):
                self.rig.tare()
            elif isinstance(command, StopFlow):
                self.reason = command.reason
                stop = True
        if reaction.result is not None:
            self.final = reaction.result.final_weight
            self.learned = reaction.result.learned
        return stop

    def on_state(self, now: float, state: MachineState | None, substate: Substate | None) -> bool:
        return self._act(self.controller.on_state(now, state, substate))

    def on_sample(self, now: float, sample: ShotSample) -> bool:
        return self._act(self.controller.on_shot_sample(now, sample))

    def on_weight(self, sample: WeightSample) -> bool:
        return self._act(self.controller.on_weight(sample))

    def tick(self, now: float) -> bool:
        if self.wake is not None and now >= self.wake:
            return self._act(self.controller.tick(now))
        return False


@dataclass
class Rig:
    """A DE1 pouring into a scale, their clients, and the rules listening."""

    de1: DE1Device
    scale: EmulatedScale
    scale_client: SimClient
    de1_client: SimClient
    driver: Any = None
    clock: float = 0.0
    rules: dict[str, Rule] = field(default_factory=dict)
    stops: dict[str, float] = field(default_factory=dict)  # rule → simulated stop time
    weights: deque[float] = field(default_factory=lambda: deque(maxlen=FINAL_READINGS))
    pending: list[tuple[float, bytes]] = field(default_factory=list)  # (due, RequestedState)
    next_poll: float = 0.0

    def now(self) -> float:
        """The scale's own time: the driver's clock (a bound method, so a copy has its own)."""
        return self.scale.now

    def on_update(self) -> None:
        """The driver's state changed: nothing to do here."""

    def tare(self) -> None:
        run_sync(self.driver.async_tare(self.scale_client))

    def on_weight(self, sample: object) -> None:
        if not isinstance(sample, WeightSample):
            return
        self.weights.append(sample.grams)
        for name, rule in list(self.rules.items()):
            if rule.on_weight(sample):
                self.stops[name] = self.clock

    def on_state_info(self, _sender: Any, data: bytearray) -> None:
        info = de1_codec.decode_state_info(data)
        for name, rule in list(self.rules.items()):
            if rule.on_state(self.clock, info.state, info.substate):
                self.stops[name] = self.clock

    def on_shot_sample(self, _sender: Any, data: bytearray) -> None:
        sample = de1_codec.decode_shot_sample(data)
        for name, rule in list(self.rules.items()):
            if rule.on_sample(self.clock, sample):
                self.stops[name] = self.clock

    def advance(self) -> None:
        """Up to one DE1 block, ending early at a due write or a rule's wake-up.

        The scale runs on its own 10 ms grid inside the call and stamps each
        notification with its own time (``now``), so weights arrive when they
        are made; the DE1's notifications carry the block's end.
        """
        end = self.clock + BLOCK
        for due, _payload in self.pending:
            if due > self.clock + 1e-9:
                end = min(end, due)
        for rule in self.rules.values():
            wake = getattr(rule, "wake", None)
            if wake is not None and wake > self.clock + 1e-9:
                end = min(end, wake)
        seconds = end - self.clock
        self.de1.advance(seconds)
        self.scale.advance(seconds)
        self.clock = end
        for due, payload in list(self.pending):
            if self.clock >= due - 1e-9:
                self.pending.remove((due, payload))
                run_sync(self.de1_client.write_gatt_char(REQUESTED_STATE, payload, True))
        for name, rule in list(self.rules.items()):
            if rule.tick(self.clock):
                self.stops[name] = self.clock
        if self.clock >= self.next_poll:
            self.next_poll = self.clock + POLL_EVERY
            run_sync(self.driver.async_poll(self.scale_client))

    @property
    def final_weight(self) -> float:
        return statistics.median(self.weights)


def make_rig(family: str, seed: int, *, resistance: float, profile: Profile) -> Rig:
    """A warm DE1 with ``profile`` and a puck, a cup tared on a connected scale."""
    model, driver_class, _family = FAMILIES[family]
    de1 = create_de1(awake=True, seed=seed)
    de1.machine.profiles = type(de1.machine.profiles)(profile)
    de1.load_puck(dose=18.0, resistance=resistance)
    scale = create_scale(model, seed=seed + 1)
    rig = Rig(de1, scale, SimClient(scale), SimClient(de1))
    driver = driver_class(
        _model_info(family), rig.on_update, rig.on_weight, clock=rig.now, sleep=no_sleep
    )
    rig.driver = driver
    scale_client = rig.scale_client
    de1_client = rig.de1_client
    run_sync(driver.async_start(scale_client))
    run_sync(de1_client.start_notify(STATE_INFO, rig.on_state_info))
    run_sync(de1_client.start_notify(SHOT_SAMPLE, rig.on_shot_sample))
    de1.on_pour.append(scale.receive_pour)
    de1.machine.write_register(Mmr.HEATER_UP2_TIMEOUT, 0)  # no wait for the water heater
    scale.place(250.0)  # the cup
    for _ in range(round(1.0 / BLOCK)):  # the scale settles on it, frames flow
        rig.advance()
    return rig


def _model_info(family: str) -> Any:
    module = {
        "skale": skale_family,
        "acaia": acaia,
        "felicita": felicita,
        "decent": decent_scale,
        "bookoo": bookoo,
    }[family]
    return module.MODELS[0]


@dataclass(frozen=True)
class Outcome:
    """Each rule's final − target (g) for one shot; a missing rule did not stop."""

    errors: dict[str, float]
    learned: bool


def run_shot(
    family: str,
    spec: ShotSpec,
    learner: LeadLearner,
    *,
    rules: tuple[str, ...] = RULES,
    scale_id: str | None = None,
) -> Outcome:
    """One shot watched by ``rules``; ours learns into ``learner``."""
    profile, resistance = emulator_profile(spec.profile, spec.flow)
    rig = make_rig(family, spec.seed, resistance=resistance, profile=profile)
    scale_family = FAMILIES[family][2]
    controller = ShotController(learner)
    controller.set_plan(ShotPlan(profile_key=spec.profile, target_weight=spec.target))
    controller.scale_connected(ScaleKey(scale_family, scale_id or f"{family}-1"))
    made: dict[str, Rule] = {
        "ours": OurRule(controller, rig),
        "naive": NaiveRule(spec.target),
        "pydee1": PyDe1Rule(spec.target, PYDE1_LAG.get(family, 0.38)),
        "de1app": De1appRule(spec.target, DE1APP_LAG.get(family, 0.38)),
    }
    rig.rules = {name: made[name] for name in rules}
    run_sync(rig.de1_client.write_gatt_char(REQUESTED_STATE, bytes([State.ESPRESSO]), True))
    errors: dict[str, float] = {}
    learned = False
    forks: list[tuple[str, Rig, float]] = []
    main = rig
    while main.rules and main.clock < SHOT_TIMEOUT:
        main.advance()
        for name in list(main.stops):
            stopped_at = main.stops.pop(name)
            rule = main.rules.pop(name)
            keep = main.rules
            main.rules = {}
            # The last rule to fire takes the main simulation itself; the others a copy.
            fork = main if not keep else copy.deepcopy(main)
            main.rules = keep
            fork.rules = {name: rule}
            if fork is main:
                main = _done(main)
            if isinstance(rule, OurRule):
                rule.rig = fork
            fork.pending.append((stopped_at + spec.latency, bytes([State.IDLE])))
            forks.append((name, fork, stopped_at))
    for name, fork, stopped_at in forks:
        while fork.clock < stopped_at + TAIL:
            fork.advance()
        errors[name] = fork.final_weight - spec.target
        rule = fork.rules[name]
        if isinstance(rule, OurRule):
            learned = rule.learned
    return Outcome(errors, learned)


def _done(rig: Rig) -> Rig:
    """A stand-in with no rules left, so the main loop ends."""
    return Rig(rig.de1, rig.scale, rig.scale_client, rig.de1_client, rig.driver, rig.clock)


def shot_specs(count: int, seed: int) -> list[ShotSpec]:
    """Varied shots: profiles, flows 1–4 g/s, targets 18–60 g."""
    rng = random.Random(seed)
    return [
        ShotSpec(
            profile=rng.choice(PROFILES),
            flow=rng.uniform(1.0, 4.0),
            target=rng.uniform(18.0, 60.0),
            seed=rng.randrange(1, 2**31),
            latency=rng.uniform(*LATENCY),
        )
        for _ in range(count)
    ]


@dataclass(frozen=True)
class Accuracy:
    """Mean and 95th percentile of |final − target| (g) per rule, and the misses."""

    mean: dict[str, float]
    p95: dict[str, float]
    shots: int
    missed: dict[str, int]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def family_accuracy(family: str, count: int, seed: int) -> Accuracy:
    """``count`` varied shots on one scale of ``family``, learning from the first."""
    learner = LeadLearner()
    errors: dict[str, list[float]] = {rule: [] for rule in RULES}
    for spec in shot_specs(count, seed):
        outcome = run_shot(family, spec, learner)
        for rule in RULES:
            if rule in outcome.errors:
                errors[rule].append(abs(outcome.errors[rule]))
    return Accuracy(
        mean={rule: statistics.fmean(values) for rule, values in errors.items()},
        p95={rule: p95(values) for rule, values in errors.items()},
        shots=count,
        missed={rule: count - len(values) for rule, values in errors.items()},
    )


def convergence(
    learner: LeadLearner, family: str, profile: str, *, scale_id: str, shots: int, seed: int
) -> list[float]:
    """|error| of our rule on the first ``shots`` shots of a (scale, profile) pair."""
    rng = random.Random(seed)
    errors = []
    for _ in range(shots):
        spec = ShotSpec(
            profile=profile,
            flow=rng.uniform(1.5, 3.5),
            target=rng.uniform(30.0, 45.0),
            seed=rng.randrange(1, 2**31),
            latency=rng.uniform(*LATENCY),
        )
        outcome = run_shot(family, spec, learner, rules=("ours",), scale_id=scale_id)
        errors.append(abs(outcome.errors["ours"]))
    return errors


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def all_families(count: int, seed: int, workers: int) -> dict[str, Accuracy]:
    """``family_accuracy`` of every family, ``workers`` processes at a time."""
    from concurrent.futures import ProcessPoolExecutor

    families = list(FAMILIES)
    if workers <= 1:
        return {family: family_accuracy(family, count, seed) for family in families}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(family_accuracy, families, [count] * 5, [seed] * 5)
        return dict(zip(families, results, strict=True))
