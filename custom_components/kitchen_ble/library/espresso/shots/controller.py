"""The shot controller: fed the DE1's states and samples and the scale's weights, it answers
with commands (stop now, next step, tare), the gates passed and, at the end, a result.

It holds no clock and sends nothing itself: every input carries its time (the
caller's monotonic clock, the one the scale driver stamps samples with) and
every answer is a ``Reaction``. ``wake_at`` asks for a ``tick`` then: a stop
predicted between two scale samples, a timeout, the last drops.

Stop rules (de1.md §9.3, §9.5):

* time: ``time_limit`` seconds after the flow began, any flow;
* volume: pour volume (after pre-infusion) reaching ``target_volume``, armed
  from ``exit_preinfuse`` to ``flow_end``; the volume is projected over half a
  sample period plus the machine's stop lag, so the stop lands on the target;
* weight (espresso and hot water): armed only once the tare is confirmed (a
  reading under 0.05 g after it, §7.2) and drops are expected, until the flow
  ends; the stop moment is predicted from the lag-corrected weight, the flow
  (bump resistant: the DE1's flow stands in for an implausible scale flow) and
  the learned lead of this scale and profile (``learning``).

Fallbacks: no scale when the shot begins, a scale that goes silent for
``scale_timeout`` or disconnects mid-shot, or a tare never confirmed: the
weight target becomes a volume target (the plan's ``target_volume``, else
the weight over the grams per mL learned for the profile, else 1 g/mL) and
the result says why (``Fallback``).
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field
from typing import Final

from ...devices.de1.codec import ShotSample
from ...devices.de1.firmware import SKIP_TO_NEXT
from ...devices.de1.states import MachineState, Substate
from ...devices.scale import WeightSample
from ...devices.scale_flow import (
    TARE_SEEN_WEIGHT,
    FlowEstimate,
    FlowEstimator,
    PeriodEstimator,
    sensor_lag,
)
from .bump import BumpGuard
from .events import (
    Command,
    Fallback,
    Gate,
    GateEvent,
    Reaction,
    SequenceEnd,
    ShotResult,
    SkipToNext,
    StopFlow,
    StopReason,
    TareScale,
)
from .learning import DE1_STOP_LAG, Lead, LeadLearner, ScaleKey
from .plan import ShotPlan
from .sequencer import Sequence, ShotSequencer
from .steam import SteamStopPredictor
from .volume import VolumeCounter
from .weight import step_skip_time, weight_stop_time

SCALE_TIMEOUT: Final = 1.0  # s without a weight: the scale is lost (de1app's watchdog)
TARE_TIMEOUT: Final = 1.0  # s for a zero reading after a tare (pyDE1 "tare seen")
TARE_ATTEMPTS: Final = 3
TARE_HOLD: Final = 1.0  # g; before drops, more than this on the scale (a cup put on) re-tares
FINAL_READINGS: Final = 5  # the final weight is the median of the last readings
MAX_AFTER: Final = 8.0  # g; more after the stop is a fault, not a drip (Decenza: over 5 g)
DEFAULT_GRAMS_PER_ML: Final = 1.0
SKIP_STATES: Final = frozenset({Substate.PRE_INFUSE, Substate.POUR})


@dataclass(slots=True)
class _StopBasis:
    """What the weight stop saw when it fired: what learning compares the final weight with."""

    estimate: FlowEstimate
    sent: float
    lead: Lead


@dataclass(slots=True)
class _Shot:
    """The controller's state for one sequence."""

    mode: MachineState
    sequence: Sequence
    plan: ShotPlan
    weight_target: float
    volume_target: float
    scale: ScaleKey | None
    uses_scale: bool  # a weight target, or steps that move on by weight
    fallback: Fallback | None = None
    tare_at: float | None = None
    tare_attempts: int = 0
    tared: bool = False
    stop: StopReason | None = None
    basis: _StopBasis | None = None
    weights: deque[float] = field(default_factory=lambda: deque(maxlen=FINAL_READINGS))
    skipped: set[int] = field(default_factory=set)
    frame: int | None = None
    notes: list[str] = field(default_factory=list)
    steam: SteamStopPredictor | None = None
    bumped: bool = False  # a bump while the weight stop was armed: no learning from it


class ShotController:
    """One DE1 with (maybe) one scale: gates, stops, moves on weight, learning."""

    def __init__(
        self,
        learner: LeadLearner | None = None,
        *,
        stop_lag: float = DE1_STOP_LAG,
        scale_timeout: float = SCALE_TIMEOUT,
        tare_timeout: float = TARE_TIMEOUT,
        sequencer: ShotSequencer | None = None,
    ) -> None:
        self.learner = learner if learner is not None else LeadLearner()
        self.plan = ShotPlan()
        self.stop_lag = stop_lag
        self.scale_timeout = scale_timeout
        self.tare_timeout = tare_timeout
        self.sequencer = sequencer or ShotSequencer()
        self.volume = VolumeCounter()
        self.last_result: ShotResult | None = None
        self._scale: ScaleKey | None = None
        self._estimator: FlowEstimator | None = None
        self._estimate: FlowEstimate | None = None
        self._last_weight_at: float | None = None
        self._substate: Substate | None = None
        self._shot: _Shot | None = None
        self.bumps = BumpGuard()

    # Inputs -----------------------------------------------------------------------

    def set_plan(self, plan: ShotPlan) -> None:
        """The targets of the next flows (a flow in progress keeps the plan it began with)."""
        self.plan = plan

    def scale_connected(self, scale: ScaleKey, lag: float | None = None) -> None:
        """A scale is connected; ``lag`` overrides its family's sensor lag (s)."""
        if scale != self._scale or self._estimator is None:
            self._estimator = FlowEstimator(
                lag=sensor_lag(scale.family) if lag is None else lag, period=PeriodEstimator()
            )
        self._scale = scale
        self._estimate = None

    def scale_disconnected(self, now: float) -> Reaction:
        """The scale's link went: a shot using weight goes on by volume."""
        self._scale = None
        commands: list[Command] = []
        shot = self._shot
        if shot is not None:
            self._fall_back(shot, Fallback.SCALE_LOST, now, commands)
        return self._reaction(now, commands, [])

    def tare_sent(self, now: float) -> None:
        """The scale was just told to tare (by our ``TareScale`` or by the caller)."""
        if self._estimator is not None:
            self._estimator.tare_requested(now)
        shot = self._shot
        if shot is not None and not self._gate(Gate.EXPECT_DROPS):
            shot.tare_at = now
            shot.tared = False

    def on_state(
        self, now: float, state: MachineState | None, substate: Substate | None
    ) -> Reaction:
        """A StateInfo from the DE1."""
        self._substate = substate
        commands: list[Command] = []
        events = self.sequencer.on_state(now, state, substate)
        for event in events:
            self._on_gate(event, now, commands)
        return self._reaction(now, commands, events)

    def on_shot_sample(self, now: float, sample: ShotSample) -> Reaction:
        """A ShotSample from the DE1, arriving at ``now``."""
        commands: list[Command] = []
        events = self.sequencer.on_pressure(now, sample.group_pressure)
        for event in events:
            self._on_gate(event, now, commands)
        if math.isfinite(sample.group_flow):
            self.bumps.machine_flow(sample.group_flow, now)
            if self._estimator is not None:
                self._estimator.machine_flow(sample.group_flow, now)
        shot = self._shot
        if shot is not None:
            shot.frame = sample.frame_number
            if self._gate(Gate.FLOW_BEGIN) and not self._gate(Gate.FLOW_END):
                self.volume.add(now, sample.group_flow)
            self._check(shot, now, commands)
        return self._reaction(now, commands, events)

    def on_weight(self, sample: WeightSample) -> Reaction:
        """A weight from the connected scale (its time is the arrival time)."""
        now = sample.time
        commands: list[Command] = []
        events = self._time_passes(now, commands)
        estimator = self._estimator
        if estimator is None or self._scale is None or not math.isfinite(sample.grams):
            return self._reaction(now, commands, events)
        self._last_weight_at = now
        estimate = estimator.add_sample(sample)
        shot = self._shot
        if estimate is not None and shot is not None and self._weight_armed(shot):
            estimate = self.bumps.filter(estimate, now)  # only a bump before the stop matters
            shot.bumped = shot.bumped or self.bumps.bumped
        self._estimate = estimate
        if shot is not None and shot.fallback is None and shot.uses_scale:
            self._follow_weight(shot, sample, now, commands)
        if shot is not None:
            self._check(shot, now, commands)
        return self._reaction(now, commands, events)

    def on_milk_temperature(self, now: float, celsius: float) -> Reaction:
        """A milk probe's reading, for steam to temperature."""
        commands: list[Command] = []
        events = self._time_passes(now, commands)
        shot = self._shot
        if shot is not None and shot.steam is not None and self._gate(Gate.FLOW_BEGIN):
            shot.steam.add(now, celsius)
            self._check(shot, now, commands)
        return self._reaction(now, commands, events)

    def tick(self, now: float) -> Reaction:
        """Time passing: predicted stops, timeouts, the last drops."""
        commands: list[Command] = []
        shot = self._shot
        if shot is not None:
            self._check(shot, now, commands)
        events = self._time_passes(now, commands)
        return self._reaction(now, commands, events)

    def _time_passes(self, now: float, commands: list[Command]) -> list[GateEvent]:
        """The sequencer's timed gates (last drops, the watchdog) up to ``now``."""
        events = self.sequencer.tick(now)
        for event in events:
            self._on_gate(event, now, commands)
        return events

    # Gates ------------------------------------------------------------------------

    def _gate(self, gate: Gate) -> bool:
        shot = self._shot
        return shot is not None and shot.sequence.has(gate)

    def _on_gate(self, event: GateEvent, now: float, commands: list[Command]) -> None:
        gate = event.gate
        if gate is Gate.SEQUENCE_START:
            self._begin(event.mode, now, commands)
            return
        shot = self._shot
        if shot is None:
            return
        if gate is Gate.FLOW_BEGIN:
            self.volume.reset()
        elif gate is Gate.EXIT_PREINFUSE:
            self.volume.start_pour()
        elif gate is Gate.FLOW_END and shot.stop is None:
            shot.stop = StopReason.MACHINE
        elif gate is Gate.SEQUENCE_COMPLETE:
            self._complete(shot, event.time)

    def _begin(self, mode: MachineState, now: float, commands: list[Command]) -> None:
        plan = self.plan
        weight = {
            MachineState.ESPRESSO: plan.target_weight,
            MachineState.HOT_WATER: (plan.hot_water_weight),
        }.get(mode, 0.0)
        espresso = mode is MachineState.ESPRESSO
        volume = plan.target_volume if espresso else 0.0
        steps = espresso and any(weight > 0 for weight in plan.step_weights)
        sequence = self.sequencer.sequence
        assert sequence is not None  # the gate that began it
        shot = _Shot(
            mode=mode,
            sequence=sequence,
            plan=plan,
            weight_target=weight,
            volume_target=volume,
            scale=self._scale,
            uses_scale=weight > 0 or steps,
        )
        self.bumps.reset()
        if mode is MachineState.STEAM and plan.steam_temperature > 0:
            shot.steam = SteamStopPredictor(
                plan.steam_temperature, plan.probe_lag, stop_lag=self.stop_lag
            )
        self._shot = shot
        self.volume.reset()
        if shot.uses_scale:
            if self._scale is None:
                self._fall_back(shot, Fallback.NO_SCALE, now, commands)
            else:
                self._request_tare(shot, now, commands)

    # Weight -------------------------------------------------------------------------

    def _request_tare(self, shot: _Shot, now: float, commands: list[Command]) -> None:
        commands.append(TareScale())
        shot.tare_attempts += 1
        shot.tare_at = now
        shot.tared = False
        if self._estimator is not None:
            self._estimator.tare_requested(now)

    def _follow_weight(
        self, shot: _Shot, sample: WeightSample, now: float, commands: list[Command]
    ) -> None:
        grams = sample.grams
        if shot.tare_at is not None and not shot.tared:
            if now >= shot.tare_at and abs(grams) < TARE_SEEN_WEIGHT:
                shot.tared = True
        elif shot.tared and not self._gate(Gate.EXPECT_DROPS) and abs(grams) > TARE_HOLD:
            self._request_tare(shot, now, commands)  # a cup put on before the drops: tare again
        if shot.tared:
            shot.weights.append(grams)

    def _weight_armed(self, shot: _Shot) -> bool:
        return (
            shot.weight_target > 0
            and shot.fallback is None
            and shot.tared
            and shot.stop is None
            and self._gate(Gate.EXPECT_DROPS)
            and not self._gate(Gate.FLOW_END)
        )

    def _lead(self, shot: _Shot) -> Lead:
        scale = shot.scale or ScaleKey("")
        return self.learner.lead(scale, shot.plan.profile_key)

    def _weight_stop_due(self, shot: _Shot) -> float | None:
        estimate = self._estimate
        if estimate is None or not self._weight_armed(shot):
            return None
        return weight_stop_time(estimate, shot.weight_target, self._lead(shot))

    def _skip_due(self, shot: _Shot) -> float | None:
        estimate = self._estimate
        frame = shot.frame
        weights = shot.plan.step_weights
        if (
            estimate is None
            or frame is None
            or shot.mode is not MachineState.ESPRESSO
            or frame in shot.skipped
            or not 0 <= frame < len(weights)
            or weights[frame] <= 0
            or self._substate not in SKIP_STATES
            or not shot.tared
            or shot.fallback is not None
            or not self._gate(Gate.EXPECT_DROPS)
            or self._gate(Gate.FLOW_END)
        ):
            return None
        return step_skip_time(estimate, weights[frame], self.stop_lag)

    # Checks -------------------------------------------------------------------------

    def _check(self, shot: _Shot, now: float, commands: list[Command]) -> None:
        """Every rule, in order of precedence; at most one stop per sequence."""
        self._check_scale(shot, now, commands)
        if shot.stop is not None or shot.sequence.end is not None:
            return
        begin = self._begin_time()
        limit = shot.plan.time_limit
        if limit > 0 and begin is not None and now - begin >= limit:
            self._stop(shot, StopReason.TIME, now, commands)
            return
        due = self._weight_stop_due(shot)
        if due is not None and now >= due:
            estimate = self._estimate
            assert estimate is not None  # a due time needs an estimate
            shot.basis = _StopBasis(estimate, now, self._lead(shot))
            self._stop(shot, StopReason.WEIGHT, now, commands)
            return
        if self._volume_due(shot):
            self._stop(shot, StopReason.VOLUME, now, commands)
            return
        steam = shot.steam
        if steam is not None and self._gate(Gate.FLOW_BEGIN) and steam.should_stop(now):
            self._stop(shot, StopReason.STEAM_TEMPERATURE, now, commands)
            return
        skip = self._skip_due(shot)
        if skip is not None and now >= skip:
            self._skip(shot, commands)

    def _check_scale(self, shot: _Shot, now: float, commands: list[Command]) -> None:
        if not shot.uses_scale or shot.fallback is not None or self._gate(Gate.FLOW_END):
            return
        if shot.tare_at is not None and now - self._heard_since(shot.tare_at) > self.scale_timeout:
            self._fall_back(shot, Fallback.SCALE_LOST, now, commands)
            return
        if shot.tare_at is not None and not shot.tared and now - shot.tare_at > self.tare_timeout:
            if self._gate(Gate.EXPECT_DROPS) or shot.tare_attempts >= TARE_ATTEMPTS:
                self._fall_back(shot, Fallback.TARE_NOT_CONFIRMED, now, commands)
            else:
                self._request_tare(shot, now, commands)

    def _heard_since(self, since: float) -> float:
        """The last weight's arrival, or ``since`` if none came after it."""
        heard = self._last_weight_at
        return since if heard is None else max(heard, since)

    def _begin_time(self) -> float | None:
        shot = self._shot
        return None if shot is None else shot.sequence.time_of(Gate.FLOW_BEGIN)

    def _volume_due(self, shot: _Shot) -> bool:
        target = shot.volume_target
        if target <= 0 or not self._gate(Gate.EXIT_PREINFUSE) or self._gate(Gate.FLOW_END):
            return False
        volume = self.volume
        lead = volume.flow * (self.stop_lag + volume.period / 2)
        return volume.pour + lead >= target

    def _fall_back(self, shot: _Shot, why: Fallback, now: float, commands: list[Command]) -> None:
        if shot.fallback is not None or not shot.uses_scale:
            return
        shot.fallback = why
        if shot.weight_target <= 0:
            shot.notes.append(f"steps move on by their own exits: {why.value}")
            return
        if shot.volume_target <= 0:
            ratio = self.learner.grams_per_ml(shot.plan.profile_key) or DEFAULT_GRAMS_PER_ML
            shot.volume_target = shot.weight_target / ratio
        shot.notes.append(f"weight target {why.value}: stop at {shot.volume_target:.0f} mL")
        if shot.stop is None and shot.sequence.end is None and self._volume_due(shot):
            self._stop(shot, StopReason.VOLUME, now, commands)

    def _stop(self, shot: _Shot, reason: StopReason, now: float, commands: list[Command]) -> None:
        shot.stop = reason
        commands.append(StopFlow(reason))

    def _skip(self, shot: _Shot, commands: list[Command]) -> None:
        frame = shot.frame
        assert frame is not None  # a due skip has a frame
        shot.skipped.add(frame)
        build = shot.plan.firmware_build
        if build is None or build < SKIP_TO_NEXT:
            shot.notes.append(f"step {frame}: moving on by weight needs firmware {SKIP_TO_NEXT}")
            return
        commands.append(SkipToNext(frame))

    # Result -------------------------------------------------------------------------

    def _complete(self, shot: _Shot, now: float) -> None:
        sequence = shot.sequence
        final = None
        if shot.weights and shot.fallback is None and shot.tared:
            final = statistics.median(shot.weights)
        target = shot.weight_target if shot.weight_target > 0 else None
        error = None if final is None or target is None else final - target
        learned = self._learn(shot, final)
        stop = shot.stop
        if stop is None and sequence.has(Gate.FLOW_BEGIN):
            stop = StopReason.MACHINE
        self.last_result = ShotResult(
            mode=shot.mode,
            end=sequence.end or SequenceEnd.COMPLETE,
            started=sequence.started,
            ended=now,
            stop_reason=stop,
            fallback=shot.fallback,
            target_weight=target,
            final_weight=final,
            stop_error=error,
            pour_volume=self.volume.pour,
            total_volume=self.volume.total,
            learned=learned,
            notes=tuple(shot.notes),
        )
        self._shot = None

    def _learn(self, shot: _Shot, final: float | None) -> bool:
        basis = shot.basis
        if (
            final is None
            or basis is None
            or shot.scale is None
            or shot.bumped
            or shot.stop is not StopReason.WEIGHT
        ):
            return False
        estimate = basis.estimate
        at_stop = estimate.weight + estimate.flow * (basis.sent - estimate.time)
        after = final - at_stop
        if not -MAX_AFTER < after < MAX_AFTER:
            return False
        profile = shot.plan.profile_key
        self.learner.observe(shot.scale, profile, estimate.flow, after)
        self.learner.observe_volume(profile, final, self.volume.pour)
        return True

    def _reaction(self, now: float, commands: list[Command], events: list[GateEvent]) -> Reaction:
        result = None
        if any(event.gate is Gate.SEQUENCE_COMPLETE for event in events):
            result = self.last_result
        return Reaction(tuple(commands), tuple(events), result, self._wake_at(now))

    def _wake_at(self, now: float) -> float | None:
        times = [self.sequencer.wake_at]
        shot = self._shot
        if shot is not None and shot.sequence.end is None:
            times += [self._weight_stop_due(shot), self._skip_due(shot)]
            begin = self._begin_time()
            if shot.plan.time_limit > 0 and begin is not None and shot.stop is None:
                times.append(begin + shot.plan.time_limit)
            if shot.steam is not None and shot.stop is None:
                times.append(shot.steam.stop_time())
            if shot.uses_scale and shot.fallback is None and shot.tare_at is not None:
                times.append(self._heard_since(shot.tare_at) + self.scale_timeout)
                if not shot.tared:
                    times.append(shot.tare_at + self.tare_timeout)
        due = [time for time in times if time is not None and math.isfinite(time)]
        return max(min(due), now) if due else None
