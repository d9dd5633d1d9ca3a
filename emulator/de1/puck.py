"""The puck and the group's hydraulics: what the pump does to reach a goal.

Plausible rather than exact. Water pumped into the group first soaks the
dry puck (and fills the headspace) with little pressure; once the puck is
wet, pressure builds against its resistance. The puck swells for a few
seconds after wetting (resistance rises), then erodes as water passes
(resistance falls), so 9 bar gives about 2 mL/s early in the pour and more
later. What leaves the puck reaches the cup after a short delay, and keeps
dripping for a moment after the pump stops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

PUMP_MAX_FLOW: Final = 8.0  # mL/s
MAX_PRESSURE: Final = 12.0  # bar; the over-pressure valve
COMPLIANCE: Final = 1.0  # mL of water per bar the group takes up as pressure rises
CONTROL_TIME: Final = 0.25  # s; how fast the pump chases a pressure goal
PUMP_TIME: Final = 0.2  # s; how fast the pump reaches a flow goal
DRIP_TIME: Final = 0.6  # s; from the bottom of the puck into the cup
HEADSPACE: Final = 6.0  # mL above the puck
ABSORPTION: Final = 1.1  # mL a gram of coffee holds
WET: Final = 0.9  # saturation from which the puck counts as wet through (swelling starts)
SWELL_TIME: Final = 2.5  # s
SWELL_START: Final = 0.75  # share of the full resistance right after wetting
EROSION_VOLUME: Final = 60.0  # mL through the puck for most of the erosion
ERODED: Final = 0.75  # share of the resistance a worn-out puck keeps
OPEN_GROUP: Final = 20.0  # mL/s per bar: no portafilter
RELIEF_VALVE: Final = 6.0  # mL/s per bar: the valve that vents the group after a shot


@dataclass
class Puck:
    """Coffee in the basket: ``resistance`` is bar per mL/s once wet and swollen."""

    dose: float = 18.0  # g
    resistance: float = 4.7
    absorbed: float = 0.0  # mL soaked up so far
    wet_time: float = 0.0  # s since fully wet
    through: float = 0.0  # mL that passed through

    @property
    def capacity(self) -> float:
        """mL the dry basket takes before water comes through."""
        return HEADSPACE + ABSORPTION * self.dose

    @property
    def saturation(self) -> float:
        """0 dry … 1 wet through."""
        return min(1.0, self.absorbed / self.capacity)

    def current_resistance(self) -> float:
        """Resistance now: swelling after wetting, then erosion."""
        swell = 1.0 - (1.0 - SWELL_START) * math.exp(-self.wet_time / SWELL_TIME)
        erosion = ERODED + (1.0 - ERODED) * math.exp(-self.through / EROSION_VOLUME)
        return self.resistance * swell * erosion

    def conductance(self) -> float:
        """mL/s per bar out of the bottom: nothing comes through until nearly wet."""
        return self.saturation**4 / self.current_resistance()


@dataclass
class Group:
    """Pressure in the group, the pump's flow, and water on its way to the cup."""

    puck: Puck | None = None  # None: no portafilter in
    pressure: float = 0.0  # bar
    pump_flow: float = 0.0  # mL/s, what the machine reports as flow
    in_transit: float = 0.0  # mL under the puck, not yet in the cup
    venting: bool = False  # the relief valve is open (end of a shot)

    def _absorb_share(self) -> float:
        return 0.0 if self.puck is None else 1.0 - self.puck.saturation**2

    def _conductance(self) -> float:
        return OPEN_GROUP if self.puck is None else self.puck.conductance()

    def _pressure_after(self, pressing: float, seconds: float) -> float:
        # Implicit Euler: stable for an open group and a wet puck alike.
        leak = self._conductance() + (RELIEF_VALVE if self.venting else 0.0)
        return (self.pressure + pressing * seconds / COMPLIANCE) / (1 + seconds * leak / COMPLIANCE)

    def _pump_for(self, pressure: float, seconds: float) -> float:
        """The pump flow that brings the group to ``pressure`` in this step."""
        leak = self._conductance() + (RELIEF_VALVE if self.venting else 0.0)
        pressing = (pressure * (1 + seconds * leak / COMPLIANCE) - self.pressure) * (
            COMPLIANCE / seconds
        )
        keep = 1.0 - self._absorb_share()
        if pressing <= 0:
            return 0.0
        return PUMP_MAX_FLOW if keep < 1e-6 else pressing / keep

    def pump_for_pressure(self, goal: float, seconds: float, max_flow: float | None) -> float:
        """Pump flow that chases a pressure goal, under a flow ceiling."""
        step_goal = self.pressure + (goal - self.pressure) * (1 - math.exp(-seconds / CONTROL_TIME))
        flow = min(self._pump_for(step_goal, seconds), PUMP_MAX_FLOW)
        return min(flow, max_flow) if max_flow is not None else flow

    def pump_for_flow(
        self,
        goal: float,
        seconds: float,
        max_pressure: float | None,
        min_pressure: float | None = None,
    ) -> float:
        """Pump flow that chases a flow goal, kept between the pressure limits."""
        flow = self.pump_flow + (goal - self.pump_flow) * (1 - math.exp(-seconds / PUMP_TIME))
        if min_pressure is not None:
            flow = max(flow, self._pump_for(min_pressure, seconds))
        ceiling = MAX_PRESSURE if max_pressure is None else min(max_pressure, MAX_PRESSURE)
        return max(0.0, min(flow, self._pump_for(ceiling, seconds), PUMP_MAX_FLOW))

    def step(self, pump: float, seconds: float) -> float:
        """Pump ``pump`` mL/s for ``seconds``; returns mL that fell into the cup."""
        self.pump_flow = pump
        pumped = pump * seconds
        soaked = 0.0
        if self.puck is not None:
            room = self.puck.capacity - self.puck.absorbed
            soaked = min(pumped * self._absorb_share(), room)
            self.puck.absorbed += soaked
        conductance = self._conductance()
        self.pressure = max(0.0, self._pressure_after((pumped - soaked) / seconds, seconds))
        through = self.pressure * conductance * seconds
        if self.puck is not None:
            if self.puck.saturation >= WET:
                self.puck.wet_time += seconds
            self.puck.through += through
        self.in_transit += through
        dripped = self.in_transit * (1 - math.exp(-seconds / DRIP_TIME))
        self.in_transit -= dripped
        return dripped
