"""The DE1's state machine: what it does with a requested state, and over time.

A request (the RequestedState byte) is taken at the machine's next control
step, so its outcome shows only in a later StateInfo (§4.3). Heaters warm
from cold on waking (substates heating → final heating → stabilising →
ready), flows run until their own limits or an Idle request, and the tank
drains by what is pumped. Several details are unknown on real machines;
each choice made here is named where it is made.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Final, TypedDict

from .codec import ShotSample, ShotSettings
from .const import (
    APP_FEATURE_USER_PRESENT,
    FLOW_STATES,
    FW_FLUSH_CONTROL,
    FW_PRESENCE,
    FW_SCHED_IDLE,
    FW_SKIP_TO_NEXT,
    FW_SLEEP_FROM_REFILL,
    FW_USB_COMES_BACK,
    GHC_ACTIVE,
    Mmr,
    State,
    Substate,
)
from .heaters import ROOM, group_heater, steam_heater, water_heater
from .mmr import Registers
from .puck import Group, Puck
from .shot import ProfileStore, ShotRunner
from .tank import Tank, mm_to_ml

StateListener = Callable[[State, Substate], None]
# (grams, over seconds) that left the group or the hot-water outlet: what a scale
# under them (and the cup on it) receives. Steam and the vented group are not in it.
PourListener = Callable[[float, float], None]

FLOW_STEP: Final = 0.05  # s; physics step while water moves
REST_STEP: Final = 0.2  # s; physics step otherwise (under one ShotSample period)
STABILISE_TIME: Final = 20.0  # s at heating speed 1, after the group reaches its target
SHOT_STABILISE: Final = 1.0  # s of "stabilising" before the first frame
ENDING_TIME: Final = 2.5  # s the flush valve stays open after a shot
GOING_TO_SLEEP_TIME: Final = 2.0  # s
PUFF_TIMEOUT: Final = 60.0  # s of puffing before the machine gives up waiting (choice)
USER_PRESENT_TIMEOUT: Final = 60.0  # s without a heartbeat (the real interval is unknown)
USB_BACK_AFTER: Final = 600.0  # s; firmware ≥ 1324 turns USB charging back on
REFILL_HYSTERESIS: Final = 0.5  # mm above the threshold to leave refill
HIGH_STEAM: Final = 1.5  # × steam flow during STEAM_START_SECS (choice)
STEAM_PRESSURE: Final = 1.5  # bar the group sensor shows while steaming (choice)
PUFF_FLOW: Final = 0.1  # mL/s on average while puffing
HEATING_BAND: Final = 5.0  # °C below target: "heating"; closer: "final heating"
READY_BAND: Final = 1.0  # °C
REHEAT_BAND: Final = 3.0  # °C a ready machine may fall before it heats again
DENSITY: Final = 1.0  # g/mL

# Maintenance runs: (substate, seconds, pump mL/s).
CLEAN_STEPS: Final = (
    (Substate.CLEAN_INIT, 2.0, 0.0),
    (Substate.CLEAN_FILL_GROUP, 5.0, 4.0),
    (Substate.CLEAN_SOAK, 10.0, 0.0),
    (Substate.CLEAN_GROUP, 10.0, 4.0),
)
DESCALE_STEPS: Final = (
    (Substate.DESCALE_INIT, 2.0, 0.0),
    (Substate.DESCALE_FILL_GROUP, 5.0, 4.0),
    (Substate.DESCALE_RETURN, 5.0, 2.0),
    (Substate.DESCALE_GROUP, 5.0, 4.0),
    (Substate.DESCALE_STEAM, 5.0, 2.0),
)
AIR_PURGE_STEPS: Final = ((Substate.READY, 10.0, 0.0),)
MAINTENANCE: Final = {
    State.CLEAN: CLEAN_STEPS,
    State.DESCALE: DESCALE_STEPS,
    State.AIR_PURGE: AIR_PURGE_STEPS,
}
STARTS: Final = frozenset(FLOW_STATES)
AWAKE_IDLE: Final = frozenset({State.IDLE, State.SCHED_IDLE})
SHOT_RUNNING: Final = frozenset({Substate.PREINFUSION, Substate.POUR})
# A flow waits for water in these; not once it is ending (no more water needed).
PAUSABLE: Final = frozenset(
    {
        Substate.FINAL_HEATING,
        Substate.STABILISING,
        Substate.PREINFUSION,
        Substate.POUR,
        Substate.STEAMING,
    }
)


def approach(value: float, target: float, seconds: float, time_constant: float) -> float:
    """First-order approach of ``value`` to ``target``."""
    return target + (value - target) * math.exp(-seconds / time_constant)


class MachineOptions(TypedDict, total=False):
    """What a DE1 is built with, as ``Machine`` takes it (its defaults are there)."""

    firmware: int
    serial: int
    ghc_info: int
    water_level: float  # mm
    refill_level: float  # mm
    heating_speed: float
    temperature: float  # °C
    awake: bool
    flash_write_seconds: float


class Machine:
    """One DE1: states, heaters, tank, profile, puck and group."""

    def __init__(
        self,
        *,
        rng: random.Random,
        firmware: int = 1352,
        model: int = 2,
        serial: int = 4242,
        ghc_info: int = 0,
        water_level: float = 40.0,
        refill_level: float = 5.0,
        heating_speed: float = 1.0,
        heater_voltage: int = 230,
        temperature: float = ROOM,
        awake: bool = False,
        flash_write_seconds: float = 0.0,
    ) -> None:
        self.random = rng
        # REA (§4.3): an Espresso asked for while the profile is still being written
        # to flash aborts after pre-infusion. 0 writes at once.
        self.flash_write_seconds = flash_write_seconds
        self.profile_written_at = -math.inf  # machine clock of the last tail
        self.firmware = firmware
        self.heating_speed = heating_speed
        self.mmr = Registers(
            firmware=firmware,
            model=model,
            serial=serial,
            ghc_info=ghc_info,
            heater_voltage=heater_voltage,
        )
        self.settings = ShotSettings()
        self.profiles = ProfileStore()
        self.tank = Tank(mm_to_ml(water_level), refill_level)
        self.group_heater = group_heater(temperature)
        self.water_heater = water_heater(temperature)
        self.steam_heater = steam_heater(temperature)
        self.mix_temp = temperature
        self.group = Group()
        self.spout = Group()  # hot water leaves through its own outlet
        self.puck_dose: float | None = 18.0  # g; None: no portafilter
        self.puck_resistance = 4.7  # bar per mL/s of a fresh, swollen puck
        self.runner: ShotRunner | None = None
        self.last_frame = 0
        self.state = State.SLEEP
        self.substate = Substate.READY
        self.clock = 0.0
        self.frozen = False  # a hung CPU (reading 0x803820 on old firmware)
        self.pour_rate = 0.0  # g/s into the cup over the last step
        self.cup_grams = 0.0  # everything that ever fell into the cup
        self.state_listeners: list[StateListener] = []
        self.pour_listeners: list[PourListener] = []
        self._requests: list[tuple[int, bool]] = []
        self._substate_time = 0.0
        self._flow_time = 0.0  # s of flowing in the current flow state
        self._dispensed = 0.0  # mL pumped in the current flow state
        self._paused_from = Substate.READY
        self._steam_pressure = 0.0
        self._steam_flow = 0.0
        self._end_steam = False
        self._stepped: set[int] = set()  # groups pumped in this step
        self._abort_after_preinfusion = False
        self._user_seen = 0.0
        self._usb_back_at: float | None = None
        if awake:  # warmed up and ready, as if woken long ago
            self.state = State.IDLE
            self.group_heater.temperature = self.mix_temp = self.settings.group_temp
            self.water_heater.temperature = self.mmr.setting(Mmr.WATER_HEATER_IDLE_TEMP, 10)
            self.steam_heater.temperature = float(self.settings.steam_temp)

    # Requests ----------------------------------------------------------

    @property
    def ghc_active(self) -> bool:
        """GHC_INFO bit 0x04: the machine ignores flow starts from an app (§9.2)."""
        return bool(self.mmr.read(Mmr.GHC_INFO) & GHC_ACTIVE)

    def request(self, value: int, *, remote: bool = True) -> None:
        """Queue a requested state; ``remote`` is an app, not the machine's own controls."""
        self._requests.append((value, remote))

    def _apply(self, value: int, remote: bool) -> None:
        try:
            wanted = State(value)
        except ValueError:
            return  # not a state: acknowledged, nothing happens
        if wanted in STARTS:
            if self.state is State.IDLE and not (remote and self.ghc_active):
                self._start(wanted)
        elif wanted is State.IDLE:
            self._stop_or_wake()
        elif wanted is State.SLEEP:
            self._sleep()
        elif wanted is State.SKIP_TO_NEXT:
            self._skip()
        elif wanted is State.SCHED_IDLE:
            if self.state is State.SLEEP and self.firmware >= FW_SCHED_IDLE:
                self._set(State.SCHED_IDLE, self._heat_substate())
        elif wanted in MAINTENANCE and self.state is State.IDLE:
            self._set(wanted, MAINTENANCE[wanted][0][0])
        # Anything else (Busy, calibrations, Refill, bootloader, ...) is not the app's to ask.

    def _start(self, state: State) -> None:
        self._flow_time = 0.0
        self._dispensed = 0.0
        if state is State.ESPRESSO:
            flashing = self.clock - self.profile_written_at < self.flash_write_seconds
            self._abort_after_preinfusion = flashing
            self.runner = ShotRunner(self.profiles.profile)
            self.group = Group(puck=self._new_puck())
            self._set(state, Substate.FINAL_HEATING)
        elif state is State.STEAM:
            self._end_steam = False
            self._set(state, Substate.STEAMING)
        elif state is State.HOT_WATER:
            self.spout = Group()
            self._set(state, Substate.POUR)
        else:  # flush: the portafilter is out, water goes to the drip tray
            self.group = Group()
            self._set(state, Substate.POUR)

    def _new_puck(self) -> Puck | None:
        if self.puck_dose is None:
            return None
        grind = self.random.uniform(0.94, 1.06)  # no two pucks alike
        return Puck(dose=self.puck_dose, resistance=self.puck_resistance * grind)

    def _stop_or_wake(self) -> None:
        state, substate = self.state, self.substate
        if state in (State.SLEEP, State.GOING_TO_SLEEP, State.SCHED_IDLE):
            self._set(State.IDLE, self._heat_substate())
        elif state is State.ESPRESSO:
            if substate in SHOT_RUNNING or (
                substate is Substate.PAUSED_REFILL and self._paused_from in SHOT_RUNNING
            ):
                self._set(state, Substate.ENDING)
            elif substate is not Substate.ENDING:
                self._to_idle()  # nothing poured yet
        elif state is State.STEAM:
            if substate is Substate.STEAMING:
                self._finish_steam()
            else:
                self._to_idle()
        elif state in FLOW_STATES or state in MAINTENANCE:
            self._to_idle()

    def _sleep(self) -> None:
        allowed = self.state in AWAKE_IDLE or (
            self.state is State.REFILL and self.firmware >= FW_SLEEP_FROM_REFILL
        )
        if allowed:
            self._set(State.GOING_TO_SLEEP, Substate.READY)

    def _skip(self) -> None:
        if (
            self.firmware >= FW_SKIP_TO_NEXT
            and self.state is State.ESPRESSO
            and self.substate in SHOT_RUNNING
            and self.runner is not None
        ):
            self.runner.next_frame(self.group.pressure, self.group.pump_flow)
            self._follow_runner()

    def _to_idle(self) -> None:
        # After a flow or a refill the group is still hot: ready at once unless it cooled.
        gap = self.settings.group_temp - self.group_heater.temperature
        self._set(State.IDLE, Substate.READY if gap <= REHEAT_BAND else self._heat_substate())

    def _set(self, state: State, substate: Substate) -> None:
        if (state, substate) == (self.state, self.substate):
            return
        self.state, self.substate = state, substate
        self._substate_time = 0.0
        for listener in list(self.state_listeners):
            listener(state, substate)

    def reboot(self) -> None:
        """Power-cycle: asleep, nothing pending, settings and registers kept."""
        self.frozen = False
        self._requests.clear()
        self.runner = None
        self.group, self.spout = Group(), Group()
        self._set(State.SLEEP, Substate.READY)

    # Settings with side effects ------------------------------------------

    def write_settings(self, settings: ShotSettings) -> None:
        """New ShotSettings; a steam length already reached ends steaming at once (§6.1)."""
        self.settings = settings
        if (
            self.state is State.STEAM
            and self.substate is Substate.STEAMING
            and self._flow_time >= settings.steam_length
        ):
            self._end_steam = True

    def write_register(self, address: int, value: int) -> bool:
        """An MMR write; USER_PRESENT is a heartbeat, USB charging may come back."""
        if not self.mmr.write(address, value):
            return False
        if address == Mmr.USER_PRESENT and value:
            self._user_seen = self.clock
        if address == Mmr.ALLOW_USB_CHARGING:
            back = value == 0 and self.firmware >= FW_USB_COMES_BACK
            self._usb_back_at = self.clock + USB_BACK_AFTER if back else None
        return True

    @property
    def presence_expected(self) -> bool:
        """The app promised USER_PRESENT heartbeats (APP_FEATURE_FLAGS bit 0)."""
        flags = self.mmr.read(Mmr.APP_FEATURE_FLAGS)
        return self.firmware >= FW_PRESENCE and bool(flags & APP_FEATURE_USER_PRESENT)

    # Time --------------------------------------------------------------

    @property
    def max_step(self) -> float:
        """The longest physics step that keeps the current motion plausible."""
        moving = (
            self.state in FLOW_STATES
            or self.state in MAINTENANCE
            or self.group.pressure > 0.05
            or self.group.in_transit > 0.01
            or self.spout.in_transit > 0.01
        )
        return FLOW_STEP if moving else REST_STEP

    def step(self, seconds: float) -> None:
        """Run the machine for ``seconds`` (one physics step)."""
        if self.frozen:
            return
        self.clock += seconds
        self._substate_time += seconds
        self._stepped.clear()
        while self._requests:
            self._apply(*self._requests.pop(0))
        self._step_heaters(seconds)
        cup = self._step_state(seconds)
        cup += self._drip(seconds)
        self._check_water()
        self._step_registers()
        self.pour_rate = cup / seconds
        if cup > 0:
            self.cup_grams += cup
            for listener in list(self.pour_listeners):
                listener(cup, seconds)

    def _step_registers(self) -> None:
        if self._usb_back_at is not None and self.clock >= self._usb_back_at:
            self._usb_back_at = None
            self.mmr.write(Mmr.ALLOW_USB_CHARGING, 1)

    def _targets(self) -> tuple[float | None, float | None, float | None]:
        """Group, water-heater and steam-heater targets; None is off."""
        if self.state in (State.SLEEP, State.GOING_TO_SLEEP, State.AIR_PURGE):
            return None, None, None
        group = self.settings.group_temp
        if self.runner is not None and self.state is State.ESPRESSO:
            group = self.runner.frame.temperature
        water = self.mmr.setting(Mmr.WATER_HEATER_IDLE_TEMP, 10)
        steam = self.settings.steam_temp or None
        return group, water, steam

    def _step_heaters(self, seconds: float) -> None:
        group, water, steam = self._targets()
        speed = self.heating_speed
        self.group_heater.step(group, seconds, speed)
        self.water_heater.step(water, seconds, speed)
        self.steam_heater.step(steam, seconds, speed)
        set_mix = self.set_temperatures()[0]
        if self._pumping():
            warmest = max(self.water_heater.temperature, self.group_heater.temperature)
            self.mix_temp = approach(self.mix_temp, min(set_mix, warmest), seconds, 1.5)
        else:
            self.mix_temp = approach(self.mix_temp, self.group_heater.temperature, seconds, 60.0)

    def _pumping(self) -> bool:
        return self.group.pump_flow > 0 or self.spout.pump_flow > 0

    # States ------------------------------------------------------------

    def _heat_substate(self) -> Substate:
        gap = self.settings.group_temp - self.group_heater.temperature
        if gap > HEATING_BAND:
            return Substate.HEATING
        if gap > READY_BAND:
            return Substate.FINAL_HEATING
        return Substate.STABILISING

    def _step_state(self, seconds: float) -> float:
        """The current state's work; returns grams into the cup."""
        state = self.state
        if state in AWAKE_IDLE:
            self._step_idle()
        elif state is State.GOING_TO_SLEEP:
            if self._substate_time >= GOING_TO_SLEEP_TIME:
                self._set(State.SLEEP, Substate.READY)
        elif state in MAINTENANCE:
            self._step_maintenance(seconds)
        elif state in FLOW_STATES and self.substate is not Substate.PAUSED_REFILL:
            return self._step_flow(seconds)
        return 0.0

    def _step_idle(self) -> None:
        gap = self.settings.group_temp - self.group_heater.temperature
        substate = self.substate
        if substate in (Substate.HEATING, Substate.FINAL_HEATING) or gap > REHEAT_BAND:
            self._set(self.state, self._heat_substate())
        elif substate is Substate.STABILISING:
            if self._substate_time >= STABILISE_TIME / self.heating_speed:
                self._set(self.state, Substate.READY)
        elif self.presence_expected and self.clock - self._user_seen > USER_PRESENT_TIMEOUT:
            self._set(self.state, Substate.USER_NOT_PRESENT)
        else:
            self._set(self.state, Substate.READY)

    def _step_maintenance(self, seconds: float) -> None:
        steps = MAINTENANCE[self.state]
        index = next(i for i, s in enumerate(steps) if s[0] is self.substate)
        _substate, duration, flow = steps[index]
        self.tank.draw(flow * seconds)
        if self._substate_time < duration:
            return
        if index + 1 < len(steps):
            self._set(self.state, steps[index + 1][0])
        elif self.state is State.AIR_PURGE:
            self._set(State.GOING_TO_SLEEP, Substate.READY)  # transport: emptied, then off
        else:
            self._to_idle()

    def _step_flow(self, seconds: float) -> float:
        if self.state is State.ESPRESSO:
            return self._step_espresso(seconds)
        if self.state is State.STEAM:
            self._step_steam(seconds)
            return 0.0
        if self.state is State.HOT_WATER:
            return self._step_hot_water(seconds)
        return self._step_flush(seconds)

    def _pump(self, group: Group, flow: float, seconds: float) -> float:
        """Pump from the tank through ``group``; returns what left its outlet."""
        self._flow_time += seconds
        self._dispensed += flow * seconds
        self.tank.draw(flow * seconds)
        self._stepped.add(id(group))
        return group.step(flow, seconds)

    # Espresso

    def _step_espresso(self, seconds: float) -> float:
        runner = self.runner
        assert runner is not None  # set whenever espresso starts
        substate = self.substate
        if substate is Substate.FINAL_HEATING:
            warm_up = self.mmr.setting(Mmr.HEATER_UP2_TIMEOUT, 10)
            hot = self.water_heater.temperature >= runner.frame.temperature - 2
            if self._substate_time >= warm_up and hot:
                self._set(self.state, Substate.STABILISING)
            return 0.0
        if substate is Substate.STABILISING:
            if self._substate_time >= SHOT_STABILISE:
                runner.begin(self.group.pressure, self.group.pump_flow)
                self._follow_runner()
            return 0.0
        if substate is Substate.ENDING:
            if self._substate_time >= ENDING_TIME:
                self._to_idle()
            return 0.0
        targets = runner.targets()
        if targets.flow_control:
            pump = self.group.pump_for_flow(
                targets.goal, seconds, targets.max_pressure, targets.min_pressure
            )
        else:
            pump = self.group.pump_for_pressure(targets.goal, seconds, targets.max_flow)
        cup = self._pump(self.group, pump, seconds)
        runner.advance(seconds, pump * seconds, self.group.pressure, pump)
        self.last_frame = runner.index
        self._follow_runner()
        return cup * DENSITY

    def _follow_runner(self) -> None:
        runner = self.runner
        assert runner is not None
        self.last_frame = runner.index
        if runner.done or (self._abort_after_preinfusion and not runner.preinfusing):
            self._set(self.state, Substate.ENDING)
        else:
            pre = runner.preinfusing
            self._set(self.state, Substate.PREINFUSION if pre else Substate.POUR)

    def _drip(self, seconds: float) -> float:
        """Water still on its way out after the pump stopped (the drip)."""
        grams = 0.0
        self.group.venting = self.substate is Substate.ENDING
        if id(self.group) not in self._stepped:
            grams += self.group.step(0.0, seconds)
        if id(self.spout) not in self._stepped:
            grams += self.spout.step(0.0, seconds)
        return grams * DENSITY

    # Steam, hot water, flush

    def _step_steam(self, seconds: float) -> None:
        if self.substate is Substate.STEAM_PUFF:
            self.tank.draw(PUFF_FLOW * seconds)
            if self._substate_time >= PUFF_TIMEOUT:
                self._to_idle()
            return
        flow = self.mmr.setting(Mmr.TARGET_STEAM_FLOW, 100)
        if self._flow_time < self.mmr.setting(Mmr.STEAM_START_SECS, 100):
            flow *= HIGH_STEAM
        self._steam_flow = flow
        self._flow_time += seconds
        self._dispensed += flow * seconds
        self.tank.draw(flow * seconds)
        self._steam_pressure = approach(self._steam_pressure, STEAM_PRESSURE, seconds, 1.0)
        if self._end_steam or self._flow_time >= self.settings.steam_length:
            self._finish_steam()

    def _finish_steam(self) -> None:
        self._end_steam = False
        self._steam_pressure = self._steam_flow = 0.0
        purge_mode = self.firmware >= FW_PRESENCE and self.mmr.read(Mmr.STEAM_PURGE_MODE) == 1
        if purge_mode:
            self._set(State.STEAM, Substate.STEAM_PUFF)  # first tap: puffs; the next one ends
        else:
            self._to_idle()

    def _step_hot_water(self, seconds: float) -> float:
        flow = self.mmr.setting(Mmr.HOT_WATER_FLOW_RATE, 10)
        cup = self._pump(self.spout, flow, seconds)
        settings = self.settings
        if self._dispensed >= settings.hot_water_volume or (
            self._flow_time >= settings.hot_water_length
        ):
            self.spout.pump_flow = 0.0
            self._to_idle()
        return cup * DENSITY

    def _step_flush(self, seconds: float) -> float:
        out = self._pump(self.group, self.mmr.setting(Mmr.FLUSH_FLOW_RATE, 10), seconds)
        # Before firmware 1283 the app times the flush (§6.2): it runs until Idle.
        timeout = self.mmr.setting(Mmr.FLUSH_TIMEOUT, 10)
        if self.firmware >= FW_FLUSH_CONTROL and self._flow_time >= timeout:
            self.group.pump_flow = 0.0
            self._to_idle()
        return out * DENSITY

    # Water -------------------------------------------------------------

    def _check_water(self) -> None:
        low = self.tank.needs_refill
        refilled = self.tank.level_mm >= self.tank.refill_mm + REFILL_HYSTERESIS
        if self.state in AWAKE_IDLE and low:
            self._set(State.REFILL, Substate.READY)
        elif self.state is State.REFILL and refilled:
            self._to_idle()
        elif self.state in FLOW_STATES and low and self.substate in PAUSABLE:
            self._paused_from = self.substate
            self.group.pump_flow = self.spout.pump_flow = 0.0
            self._set(self.state, Substate.PAUSED_REFILL)
        elif self.substate is Substate.PAUSED_REFILL and refilled:
            self._set(self.state, self._paused_from)

    # What the machine reports ------------------------------------------

    def set_temperatures(self) -> tuple[float, float]:
        """(SetMixTemp, SetHeadTemp) for the current state."""
        group = self.settings.group_temp
        if self.state is State.ESPRESSO and self.runner is not None:
            temperature = self.runner.frame.temperature
            return temperature, temperature
        if self.state is State.HOT_WATER:
            return float(self.settings.hot_water_temp), group
        if self.state is State.HOT_WATER_RINSE:
            return self.mmr.setting(Mmr.FLUSH_TEMP, 10), group
        return group, group

    def sample(self, sample_time: int) -> ShotSample:
        """A ShotSample of the machine now."""
        steaming = self.state is State.STEAM and self.substate is Substate.STEAMING
        if steaming:
            pressure, flow = self._steam_pressure, self._steam_flow
        elif self.state is State.HOT_WATER:
            pressure, flow = self.group.pressure, self.spout.pump_flow
        else:
            pressure, flow = self.group.pressure, self.group.pump_flow
        set_pressure = set_flow = 0.0
        if self.state is State.ESPRESSO and self.substate in SHOT_RUNNING and self.runner:
            targets = self.runner.targets()
            if targets.flow_control:
                set_flow = targets.goal
            else:
                set_pressure = targets.goal
        noise = self.random.gauss
        set_mix, set_head = self.set_temperatures()
        return ShotSample(
            sample_time=sample_time,
            pressure=max(0.0, pressure + noise(0, 0.01) if pressure > 0.05 else pressure),
            flow=max(0.0, flow + noise(0, 0.01) if flow > 0.05 else flow),
            mix_temp=self.mix_temp + noise(0, 0.03),
            head_temp=self.group_heater.temperature + noise(0, 0.02),
            set_mix_temp=set_mix,
            set_head_temp=set_head,
            set_pressure=set_pressure,
            set_flow=set_flow,
            frame=self.last_frame,
            steam_temp=self.steam_heater.temperature,
        )
