"""Synthetic shots fed through the recorder the way the Home Assistant layer feeds it.

The numbers are chosen so a test can say its expectation by hand: samples
every 0.2 s (5 Hz, ``sample_time`` advancing 25 half-cycles at 62.5 Hz
mains), flow 2 mL/s and 9 bar during the pour, the scale at 10 Hz.
"""

from __future__ import annotations

from custom_components.kitchen_ble.library.devices.de1.codec import ShotSample, StateInfo
from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.library.espresso.records import (
    ProfileRef,
    ShotKind,
    ShotRecord,
    ShotRecorder,
    StopReason,
)

T0 = 5000.0  # monotonic clock at the start
WALL = 1_780_000_000.0  # epoch seconds at the start (2026-05-28)
HEAT = 2.0  # s from entering Espresso to preinfusion
PREINFUSION = 8.0  # s


def sample(t: float, *, pressure: float, flow: float, frame: int, tick: int) -> ShotSample:
    return ShotSample(
        sample_time=tick % 65536,
        group_pressure=pressure,
        group_flow=flow,
        mix_temp=92.0,
        head_temp=93.0 + (0.5 if t > 10 else 0.0),
        set_mix_temp=92.0,
        set_head_temp=93.0,
        set_group_pressure=9.0 if frame == 1 else 0.0,
        set_group_flow=4.0 if frame == 0 else 0.0,
        frame_number=frame,
        steam_temp=140.0,
    )


def state(machine: MachineState, sub: Substate) -> StateInfo:
    return StateInfo(int(machine), int(sub))


def espresso(
    flow_seconds: float = 28.0,
    *,
    record_id: str = "shot-1",
    with_scale: bool = True,
    finish: bool = True,
    yield_weight: float = 36.2,
) -> ShotRecord:
    """An espresso: 2 s heating, 8 s preinfusion, pour, 3 s of last drops."""
    rec = ShotRecorder(
        ShotKind.ESPRESSO,
        at=T0,
        wall_time=WALL,
        record_id=record_id,
        profile=ProfileRef("Blooming", "abcdef0123456789"),
        scale="Skale 2" if with_scale else None,
    )
    rec.state_changed(state(MachineState.ESPRESSO, Substate.HEAT_WATER_HEATER), T0)
    rec.add_gate("sequence_start", T0)
    if with_scale:
        rec.set_dose(18.0)
    flow_end = HEAT + flow_seconds
    end = flow_end + 3.0
    steps = round(end / 0.2)
    for i in range(steps + 1):
        t = i * 0.2
        if abs(t - HEAT) < 1e-9:
            rec.state_changed(state(MachineState.ESPRESSO, Substate.PRE_INFUSE), T0 + t)
            rec.add_gate("flow_begin", T0 + t)
        if abs(t - (HEAT + PREINFUSION)) < 1e-9:
            rec.state_changed(state(MachineState.ESPRESSO, Substate.POUR), T0 + t)
            rec.add_gate("exit_preinfuse", T0 + t)
        if abs(t - flow_end) < 1e-9:
            rec.state_changed(state(MachineState.ESPRESSO, Substate.FLUSH), T0 + t)
            rec.add_gate("flow_end", T0 + t)
        flowing = HEAT <= t < flow_end
        pouring = t >= HEAT + PREINFUSION and flowing
        frame = 0 if t < HEAT + PREINFUSION else (1 if t < HEAT + PREINFUSION + 10 else 2)
        pressure = (9.0 if pouring else 2.0) if flowing else 0.0
        rec.add_sample(
            sample(t, pressure=pressure, flow=2.0 if flowing else 0.0, frame=frame, tick=i * 25),
            T0 + t,
        )
        if with_scale:
            for half in (0.0, 0.1):
                moment = t + half
                poured = min(
                    max(0.0, moment - HEAT - PREINFUSION) / (flow_seconds - PREINFUSION), 1.0
                )
                rec.add_weight(WeightSample(T0 + moment, round(yield_weight * poured, 1), True))
    rec.set_stop(StopReason.WEIGHT, target=36.0)
    if not finish:
        return rec.snapshot()
    rec.state_changed(state(MachineState.IDLE, Substate.NO_STATE), T0 + end)
    return rec.finish(T0 + end)
