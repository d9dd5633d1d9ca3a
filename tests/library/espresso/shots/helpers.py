"""What the shot tests share: samples made to order and a controller that records answers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache

from hypothesis import settings

from custom_components.kitchen_ble.library.devices.de1.codec import ShotSample
from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.espresso.shots import (
    Command,
    GateEvent,
    Reaction,
    ScaleKey,
    ShotController,
    ShotPlan,
    ShotResult,
)

E, HW, STEAM, IDLE = (
    MachineState.ESPRESSO,
    MachineState.HOT_WATER,
    MachineState.STEAM,
    MachineState.IDLE,
)


@cache
def fuzz_examples() -> int:
    """KITCHEN_BLE_FUZZ_EXAMPLES for a long run; a few seconds otherwise."""
    return int(os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES", "200"))


def fuzz_settings() -> settings:
    return settings(max_examples=fuzz_examples(), deadline=None)


def shot_sample(pressure: float = 9.0, flow: float = 2.0, frame: int = 1) -> ShotSample:
    return ShotSample(
        sample_time=0,
        group_pressure=pressure,
        group_flow=flow,
        mix_temp=92.0,
        head_temp=93.0,
        set_mix_temp=92.0,
        set_head_temp=93.0,
        set_group_pressure=9.0,
        set_group_flow=0.0,
        frame_number=frame,
        steam_temp=150.0,
    )


@dataclass
class Rig:
    """A controller and everything it answered."""

    controller: ShotController = field(default_factory=ShotController)
    commands: list[tuple[float, Command]] = field(default_factory=list)
    events: list[GateEvent] = field(default_factory=list)
    results: list[ShotResult] = field(default_factory=list)
    wake_at: float | None = None

    def _take(self, now: float, reaction: Reaction) -> Reaction:
        self.commands += [(now, command) for command in reaction.commands]
        self.events += reaction.events
        if reaction.result is not None:
            self.results.append(reaction.result)
        self.wake_at = reaction.wake_at
        return reaction

    def plan(self, **targets: object) -> None:
        self.controller.set_plan(ShotPlan(**targets))  # type: ignore[arg-type]

    def scale(self, family: str = "skale", scale_id: str = "AA:BB", lag: float = 0.4) -> None:
        self.controller.scale_connected(ScaleKey(family, scale_id), lag=lag)

    def state(self, now: float, state: MachineState, substate: Substate) -> Reaction:
        return self._take(now, self.controller.on_state(now, state, substate))

    def sample(
        self, now: float, pressure: float = 9.0, flow: float = 2.0, frame: int = 1
    ) -> Reaction:
        return self._take(
            now, self.controller.on_shot_sample(now, shot_sample(pressure, flow, frame))
        )

    def weight(self, now: float, grams: float) -> Reaction:
        return self._take(now, self.controller.on_weight(WeightSample(now, grams, None)))

    def milk(self, now: float, celsius: float) -> Reaction:
        return self._take(now, self.controller.on_milk_temperature(now, celsius))

    def tick(self, now: float) -> Reaction:
        return self._take(now, self.controller.tick(now))

    def kinds(self) -> list[str]:
        return [type(command).__name__ for _, command in self.commands]


def pour(
    rig: Rig,
    start: float,
    end: float,
    *,
    grams_at: float,
    flow: float,
    lag: float = 0.4,
    period: float = 0.1,
    stop_on_command: bool = True,
) -> float | None:
    """Weights every ``period`` while the cup fills at ``flow`` g/s from ``grams_at``
    (the weight at ``start``, as the scale shows it ``lag`` late), ShotSamples every 0.25 s,
    ticks when asked. Returns the time of the first StopFlow, if any."""
    now = start
    count = 0
    while now < end - 1e-9:
        now = round(now + period, 6)
        count += 1
        if rig.wake_at is not None and rig.wake_at <= now:
            rig.tick(rig.wake_at)  # the caller's timer runs before the next input
        if count % round(0.25 / period) == 0:
            rig.sample(now, pressure=9.0, flow=flow)
        rig.weight(now, grams_at + flow * (now - start))
        stops = [t for t, c in rig.commands if type(c).__name__ == "StopFlow"]
        if stops and stop_on_command:
            return stops[0]
    stops = [t for t, c in rig.commands if type(c).__name__ == "StopFlow"]
    return stops[0] if stops else None
