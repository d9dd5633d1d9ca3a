"""de1app's expansion of simple profiles into steps (profiles fact sheet §1.4).

de1app never runs a simple profile's stored ``advanced_shot``: it rebuilds the
steps from the scalar keys, with the pressure builder for ``settings_2a`` (and
any unknown type) and the flow builder for ``settings_2b``. This follows the
state that de1app's own packed bytes confirm (§1.7): the forced-rise frame is
called "forced rise without limit", has no limiter and counts as preinfusion.
The quirks are kept on purpose: the flow builder's decline is gated on the hold
time, so a decline time of 0 still gives a 0-second frame; a hold of 3 s or
less is followed by a second forced rise when the decline is longer than 3 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from . import limits
from .fields import Fields
from .model import ExitCondition, ExitType, Limiter, Pump, Sensor, Step, StepExit, Transition

TEMPERATURE_BOOST_SECONDS: Final = 2.0  # global temp_bump_time_seconds, not in the file
FORCED_RISE_SECONDS: Final = 3.0
FORCED_RISE_NAME: Final = "forced rise without limit"
# Defaults de1app takes from its global settings when the file lacks the key.
DEFAULT_PREINFUSION_FLOW: Final = 4.0
DEFAULT_MAXIMUM_FLOW_RANGE: Final = 1.0
DEFAULT_MAXIMUM_PRESSURE_RANGE: Final = 0.9
EMPTY_STEP: Final = Step(
    name="empty",
    pump=Pump.FLOW,
    pressure=0.0,
    flow=0.0,
    transition=Transition.FAST,
    temperature=90.0,
    sensor=Sensor.COFFEE,
    seconds=0.0,
)


@dataclass(frozen=True, slots=True)
class Expansion:
    """The steps of a simple profile and how many lead as preinfusion."""

    steps: tuple[Step, ...]
    count_start: int


@dataclass(frozen=True, slots=True)
class _Temperatures:
    boost: float
    preinfusion: float
    hold: float
    decline: float


def _less(seconds: float, amount: float) -> float:
    return round(seconds - amount, 4)  # no float noise such as 1.0999999999999996


def _temperatures(fields: Fields) -> _Temperatures:
    if fields.flag("espresso_temperature_steps_enabled", False):
        return _Temperatures(
            *(
                fields.number(f"espresso_temperature_{phase}", limits.TEMPERATURE)
                for phase in "0123"
            )
        )
    temperature = fields.number("espresso_temperature", limits.TEMPERATURE)
    return _Temperatures(temperature, temperature, temperature, temperature)


def _preinfusion(fields: Fields, boost_name: str, temperatures: _Temperatures) -> list[Step]:
    duration = fields.number("preinfusion_time", limits.SECONDS)
    flow = fields.number("preinfusion_flow_rate", limits.FLOW, DEFAULT_PREINFUSION_FLOW)
    stop = StepExit(
        ExitType.PRESSURE,
        ExitCondition.OVER,
        fields.number("preinfusion_stop_pressure", limits.PRESSURE),
    )

    def frame(name: str, seconds: float, temperature: float) -> Step:
        return Step(
            name=name,
            pump=Pump.FLOW,
            pressure=1.0,
            flow=flow,
            transition=Transition.FAST,
            temperature=temperature,
            sensor=Sensor.COFFEE,
            seconds=seconds,
            exit=stop,
        )

    frames: list[Step] = []
    if fields.flag("espresso_temperature_steps_enabled", False):
        frames.append(frame(boost_name, TEMPERATURE_BOOST_SECONDS, temperatures.boost))
        duration = max(_less(duration, TEMPERATURE_BOOST_SECONDS), 0.0)
    if duration > 0:  # a frame of length 0 is not emitted
        frames.append(frame("preinfusion", duration, temperatures.preinfusion))
    return frames


def _limiter(fields: Fields, key: str, range_key: str, default_range: float) -> Limiter | None:
    allowed = limits.FLOW if key == "maximum_flow" else limits.PRESSURE
    value = fields.number(key, allowed, 0.0)
    if value == 0:
        return None
    return Limiter(value, fields.number(range_key, limits.LIMITER_RANGE, default_range))


def _result(steps: list[Step], count_start: int) -> Expansion:
    if not steps:
        return Expansion((EMPTY_STEP,), 0)
    return Expansion(tuple(steps), count_start)


def pressure_steps(fields: Fields) -> Expansion:
    """de1app's ``pressure_to_advanced_list`` (settings_2a)."""
    temperatures = _temperatures(fields)
    steps = _preinfusion(fields, "preinfusion temp boost", temperatures)
    count_start = len(steps)
    pressure = fields.number("espresso_pressure", limits.PRESSURE)
    hold = fields.number("espresso_hold_time", limits.SECONDS)
    decline = fields.number("espresso_decline_time", limits.SECONDS)
    limiter = _limiter(
        fields, "maximum_flow", "maximum_flow_range_default", DEFAULT_MAXIMUM_FLOW_RANGE
    )

    def frame(
        name: str,
        seconds: float,
        temperature: float,
        target: float,
        transition: Transition = Transition.FAST,
        step_limiter: Limiter | None = limiter,
    ) -> Step:
        return Step(
            name=name,
            pump=Pump.PRESSURE,
            pressure=target,
            flow=0.0,
            transition=transition,
            temperature=temperature,
            sensor=Sensor.COFFEE,
            seconds=seconds,
            limiter=step_limiter,
        )

    def forced_rise(temperature: float) -> Step:
        return frame(
            FORCED_RISE_NAME, FORCED_RISE_SECONDS, temperature, pressure, step_limiter=None
        )

    if hold > 0:
        if hold > FORCED_RISE_SECONDS:
            steps.append(forced_rise(temperatures.hold))
            count_start += 1
            hold = _less(hold, FORCED_RISE_SECONDS)
        steps.append(frame("rise and hold", hold, temperatures.hold, pressure))
    if decline > 0:
        if hold < FORCED_RISE_SECONDS and decline > FORCED_RISE_SECONDS:
            steps.append(forced_rise(temperatures.decline))
            count_start += 1
            decline = _less(decline, FORCED_RISE_SECONDS)
        end = fields.number("pressure_end", limits.PRESSURE)
        steps.append(frame("decline", decline, temperatures.decline, end, Transition.SMOOTH))
    return _result(steps, count_start)


def flow_steps(fields: Fields) -> Expansion:
    """de1app's ``flow_to_advanced_list`` (settings_2b)."""
    temperatures = _temperatures(fields)
    steps = _preinfusion(fields, "preinfusion boost", temperatures)
    count_start = len(steps)
    hold = fields.number("espresso_hold_time", limits.SECONDS)
    if hold > 0:  # de1app gates the decline on the hold time too, not on its own
        limiter = _limiter(
            fields,
            "maximum_pressure",
            "maximum_pressure_range_default",
            DEFAULT_MAXIMUM_PRESSURE_RANGE,
        )

        def frame(name: str, seconds: float, temperature: float, key: str, smooth: bool) -> Step:
            return Step(
                name=name,
                pump=Pump.FLOW,
                pressure=0.0,
                flow=fields.number(key, limits.FLOW),
                transition=Transition.SMOOTH if smooth else Transition.FAST,
                temperature=temperature,
                sensor=Sensor.COFFEE,
                seconds=seconds,
                limiter=limiter,
            )

        decline = fields.number("espresso_decline_time", limits.SECONDS)
        steps.append(frame("hold", hold, temperatures.hold, "flow_profile_hold", False))
        steps.append(frame("decline", decline, temperatures.decline, "flow_profile_decline", True))
    return _result(steps, count_start)
