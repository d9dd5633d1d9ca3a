"""Shot control in Home Assistant: a DE1 stops at weight, volume, time or milk temperature.

One ``ShotController`` (``library/espresso/shots``) per DE1 hears, on the event
loop, every ShotSample and StateInfo of the machine and every weight of its
scale through the links' sample listeners: no entity and no state write lies
between a scale notification and the stop. A command it answers goes out at
once in an eagerly started task: a stop is one RequestedState write through
the machine's link, which waits for nothing but a GATT operation under way.

Per machine, as entities: *Scale* (a configured scale, or whichever is
connected), *Target weight* and *Target volume* (the profile's until changed
here; a profile chosen later brings its own), *Time limit*, *Auto-tare*,
*Scale required*, *Milk thermometer* (every probe of the integration's
thermometers) and *Milk target*; *Stop reason* shows how the last flow ended.
Settings and what the controller learned (the lead per scale family and
profile) are kept in a ``Store``.

Hot water stops at weight too, at its own *Hot water weight* (0: off; the
machine's own volume and time stops stay as the safety).

Capture and release: while the DE1 sleeps, its scale is let go (disconnected,
so it can sleep and a phone can use it); when the DE1 wakes, the scale is
taken again.

Gates (§9.3) go to the machine's *Shot gate* event entity, to the bus as
``kitchen_ble_shot_gate`` and into the shot record; the result (stop reason,
final weight, stop error) into the record, which then closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .coordinator import LinkCoordinator
from .entity import EntityTable, KitchenBleEntity
from .library.devices.base import SerialGattClient
from .library.devices.de1 import MachineState, ShotSample
from .library.devices.scale import WeightSample
from .library.devices.thermometer import ThermometerState, to_celsius
from .library.espresso.shots import (
    Gate,
    GateEvent,
    LeadLearner,
    Reaction,
    ScaleKey,
    ShotController,
    ShotPlan,
    ShotResult,
    SkipToNext,
    StartRefusal,
    StopFlow,
    StopReason,
    TareScale,
    espresso_start_refusal,
)
from .profiles import get_profiles
from .runtime import FeatureRuntime, KeyedListeners
from .scale import scale_of
from .shots import get_shots
from .util import espresso_driver, espresso_state

_LOGGER = logging.getLogger(__name__)

DATA_CONTROL: Final[HassKey[ShotControlRuntime]] = HassKey(f"{DOMAIN}_control")
EVENT_SHOT_GATE: Final = f"{DOMAIN}_shot_gate"

AUTO: Final = "auto"  # the Scale select: whichever scale is connected
NO_PROBE: Final = "no_probe"  # the Milk thermometer select: steam is not stopped by a probe
DEFAULT_MILK_TARGET: Final = 60.0  # °C: a latte's milk
# g: the weight before the auto-tare is the dose only in a dose's range (a cup, or the
# last shot still standing on the scale, is none)
DOSE: Final = (5.0, 25.0)
ASLEEP: Final = frozenset({MachineState.SLEEP, MachineState.GOING_TO_SLEEP})
STOP_REASONS: Final = [reason.value for reason in StopReason]
REDACTED: Final = "**REDACTED**"


def get_control(hass: HomeAssistant) -> ShotControlRuntime:
    return hass.data[DATA_CONTROL]


@dataclass(slots=True)
class ControlSettings:
    """What the user set for one machine; targets None: the profile's."""

    scale: str = AUTO  # a scale's address, or AUTO
    target_weight: float | None = None  # g
    target_volume: float | None = None  # mL
    targets_profile: str | None = None  # fingerprint of the profile the targets were set for
    time_limit: float = 0.0  # s, 0: none
    hot_water_weight: float = 0.0  # g, 0: none
    auto_tare: bool = True
    scale_required: bool = False
    milk_probe: str | None = None  # "<thermometer address>/<probe number>"
    milk_target: float = DEFAULT_MILK_TARGET

    @classmethod
    def load(cls, data: object) -> ControlSettings:
        """Stored settings; a field of the wrong type is the default (never a crash)."""
        settings = cls()
        if not isinstance(data, dict):
            return settings
        defaults = asdict(settings)
        for name, default in defaults.items():
            value = data.get(name, default)
            if _same_kind(value, default, name):
                setattr(settings, name, value)
        return settings


def _same_kind(value: object, default: object, name: str) -> bool:
    optional = name in {"target_weight", "target_volume", "targets_profile", "milk_probe"}
    if value is None:
        return optional
    if isinstance(default, bool) or name in {"auto_tare", "scale_required"}:
        return isinstance(value, bool)
    if name in {"scale", "targets_profile", "milk_probe"}:
        return isinstance(value, str)
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


@dataclass(slots=True)
class _Machine:
    """One DE1 under control."""

    link: LinkCoordinator
    settings: ControlSettings
    controller: ShotController
    scale: LinkCoordinator | None = None  # the scale the controller hears now
    timer: asyncio.TimerHandle | None = None
    last_info: object = None
    asleep: bool | None = None
    result: ShotResult | None = None  # the last flow's
    lent: list[LinkCoordinator] = field(default_factory=list)  # scales let go while asleep
    unsubs: list[CALLBACK_TYPE] = field(default_factory=list)
    milk_unsub: CALLBACK_TYPE | None = None


class ShotControlRuntime(FeatureRuntime):
    """The controllers of every DE1, the scales they may use, their settings and learning."""

    store_key = f"{DOMAIN}.shot_control"

    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(hass)
        self._stored: dict[str, dict[str, Any]] = {}
        self._machines: dict[str, _Machine] = {}
        self._scales: dict[str, LinkCoordinator] = {}
        self._thermometers: dict[str, LinkCoordinator] = {}
        self._listeners: KeyedListeners[str, []] = KeyedListeners()
        self._gate_listeners: KeyedListeners[str, [GateEvent]] = KeyedListeners()

    # --- storage ----------------------------------------------------------------------

    def _restore(self, data: dict[str, Any]) -> None:
        machines = data.get("machines", {})
        if not isinstance(machines, dict):
            raise ValueError(f"machines: expected a mapping, found {type(machines).__name__}")
        self._stored = {
            str(address): value for address, value in machines.items() if isinstance(value, dict)
        }

    def _data(self) -> dict[str, Any]:
        machines = dict(self._stored)
        for address, machine in self._machines.items():
            machines[address] = {
                "settings": asdict(machine.settings),
                "learner": machine.controller.learner.to_dict(),
            }
        return {"machines": machines}

    # --- devices ----------------------------------------------------------------------

    @callback
    def async_add_machine(self, link: LinkCoordinator) -> CALLBACK_TYPE:
        """Control the machine's flows; returns the stop."""
        stored = self._stored.pop(link.address, {})
        machine = _Machine(
            link,
            ControlSettings.load(stored.get("settings")),
            ShotController(LeadLearner.load(stored.get("learner"))),
        )
        self._machines[link.address] = machine
        machine.unsubs += [
            link.async_add_listener(lambda: self._async_machine_updated(machine)),
            link.async_add_sample_listener(
                lambda sample: self._async_machine_sample(machine, sample)
            ),
        ]
        self._async_follow_milk(machine)
        self._async_pick_scale(machine)

        @callback
        def remove() -> None:
            for unsub in machine.unsubs:
                unsub()
            self._async_unfollow_milk(machine)
            self._cancel_timer(machine)
            self._stored[link.address] = self._data()["machines"][link.address]
            del self._machines[link.address]
            self.async_save_soon()

        return remove

    @callback
    def async_add_scale(self, link: LinkCoordinator) -> CALLBACK_TYPE:
        """A scale the machines may use; returns the stop."""
        self._scales[link.address] = link
        unsubs = (
            link.async_add_sample_listener(lambda sample: self._async_weight(link, sample)),
            link.async_add_listener(self._async_scales_changed),
        )
        self._async_scales_changed()

        @callback
        def remove() -> None:
            for unsub in unsubs:
                unsub()
            del self._scales[link.address]
            self._async_scales_changed()

        return remove

    @callback
    def async_add_thermometer(self, link: LinkCoordinator) -> CALLBACK_TYPE:
        """A thermometer whose probes may measure the milk; returns the stop."""
        self._thermometers[link.address] = link
        self._async_thermometers_changed()

        @callback
        def remove() -> None:
            del self._thermometers[link.address]
            self._async_thermometers_changed()

        return remove

    @callback
    def _async_scales_changed(self) -> None:
        for machine in self._machines.values():
            self._async_pick_scale(machine)
            self._listeners.notify(machine.link.address)

    @callback
    def _async_thermometers_changed(self) -> None:
        for machine in self._machines.values():
            self._async_follow_milk(machine)
            self._listeners.notify(machine.link.address)

    # --- what entities read and set -----------------------------------------------------

    @callback
    def async_add_listener(self, machine: str, listener: Callable[[], None]) -> CALLBACK_TYPE:
        return self._listeners.async_add(machine, listener)

    @callback
    def async_add_gate_listener(
        self, machine: str, listener: Callable[[GateEvent], None]
    ) -> CALLBACK_TYPE:
        return self._gate_listeners.async_add(machine, listener)

    def settings(self, link: LinkCoordinator) -> ControlSettings:
        return self._machines[link.address].settings

    def result(self, link: LinkCoordinator) -> ShotResult | None:
        return self._machines[link.address].result

    @callback
    def async_change(self, link: LinkCoordinator, **changes: Any) -> None:
        """Change settings of the machine (entities validate their values)."""
        machine = self._machines[link.address]
        if {"target_weight", "target_volume"} & changes.keys():
            held = get_profiles(self.hass).held(link)
            weight, volume = self.targets(link)
            machine.settings = replace(
                machine.settings,
                target_weight=weight,
                target_volume=volume,
                targets_profile=None if held is None else held.fingerprint,
            )
        machine.settings = replace(machine.settings, **changes)
        self._async_follow_milk(machine)
        self._async_pick_scale(machine)
        self.async_save_soon()
        self._listeners.notify(link.address)

    def targets(self, link: LinkCoordinator) -> tuple[float, float]:
        """Target weight (g) and volume (mL) of the next espresso; 0: off."""
        settings = self._machines[link.address].settings
        held = get_profiles(self.hass).held(link)
        profile_weight = profile_volume = 0.0
        if held is not None:
            profile_weight = held.targets.weight or 0.0
            profile_volume = held.targets.volume or 0.0
        if held is not None and settings.targets_profile != held.fingerprint:
            return profile_weight, profile_volume  # a profile chosen since brings its own
        weight = settings.target_weight
        volume = settings.target_volume
        return (
            profile_weight if weight is None else weight,
            profile_volume if volume is None else volume,
        )

    def scale_options(self) -> dict[str, str]:
        """The Scale select's options: AUTO and every scale, by title → address."""
        return {AUTO: AUTO} | {
            link.entry.title: address for address, link in sorted(self._scales.items())
        }

    def scale_option(self, link: LinkCoordinator) -> str | None:
        wanted = self._machines[link.address].settings.scale
        if wanted == AUTO:
            return AUTO
        scale = self._scales.get(wanted)
        return None if scale is None else scale.entry.title

    def probe_options(self) -> dict[str, str]:
        """The Milk thermometer select's options: NO_PROBE and every probe, title → key."""
        options = {NO_PROBE: NO_PROBE}
        for address, link in sorted(self._thermometers.items()):
            for number in range(1, link.model.probes + 1):
                options[f"{link.entry.title} #{number}"] = f"{address}/{number}"
        return options

    def probe_option(self, link: LinkCoordinator) -> str | None:
        wanted = self._machines[link.address].settings.milk_probe
        if wanted is None:
            return NO_PROBE
        return next((k for k, v in self.probe_options().items() if v == wanted), None)

    def scale_of(self, link: LinkCoordinator) -> LinkCoordinator | None:
        """The scale the machine's controller hears now."""
        return self._machines[link.address].scale

    def start_refusal(self, link: LinkCoordinator) -> StartRefusal | None:
        """Why an espresso must not start now ("scale required"); None: it may."""
        machine = self._machines.get(link.address)
        if machine is None:
            return None  # pragma: no cover - every set-up machine is controlled
        settings = machine.settings
        paired = bool(self._scales) if settings.scale == AUTO else settings.scale in self._scales
        return espresso_start_refusal(
            require_scale=settings.scale_required,
            scale_paired=paired,
            scale_connected=machine.scale is not None,
        )

    def diagnostics(self, link: LinkCoordinator) -> dict[str, Any]:
        machine = self._machines[link.address]
        result = machine.result
        settings = asdict(machine.settings)
        # addresses name the user's devices: which scale and probe, not where they are
        settings["scale"] = AUTO if settings["scale"] == AUTO else REDACTED
        settings["milk_probe"] = None if settings["milk_probe"] is None else REDACTED
        learned = machine.controller.learner.to_dict()
        return {
            "settings": settings,
            "scale_connected": machine.scale is not None,
            "leads": [
                {key: value for key, value in lead.items() if key != "scale"}
                for lead in learned["leads"]
            ],
            "volume_ratios": learned["volume_ratios"],
            "last_result": None if result is None else _result_dict(result),
        }

    # --- the scale ----------------------------------------------------------------------

    @callback
    def _async_pick_scale(self, machine: _Machine) -> None:
        """Hear the wanted scale, or the connected one; tell the controller of a change."""
        wanted = machine.settings.scale
        current = machine.scale
        if wanted == AUTO:
            connected = [link for _, link in sorted(self._scales.items()) if link.connected]
            chosen = current if current in connected else next(iter(connected), None)
        else:
            candidate = self._scales.get(wanted)
            chosen = candidate if candidate is not None and candidate.connected else None
        if chosen is current:
            return
        machine.scale = chosen
        now = self.hass.loop.time()
        if chosen is None:
            self._async_react(machine, machine.controller.scale_disconnected(now))
            return
        machine.controller.scale_connected(ScaleKey(chosen.model.family, chosen.address))

    @callback
    def _async_weight(self, scale: LinkCoordinator, sample: object) -> None:
        """Hot path: every weight of every scale, at the scale's full rate."""
        if not isinstance(sample, WeightSample):
            return
        machines = [machine for machine in self._machines.values() if machine.scale is scale]
        if not machines:
            return
        # stamped once, on the clock the machine's samples are stamped on too
        weight = replace(sample, time=self.hass.loop.time())
        shots = get_shots(self.hass)
        for machine in machines:
            if (recorder := shots.recording(machine.link)) is not None:
                recorder.add_weight(weight)
            self._async_react(machine, machine.controller.on_weight(weight))

    # --- the machine --------------------------------------------------------------------

    @callback
    def _async_machine_sample(self, machine: _Machine, sample: object) -> None:
        """Hot path: every ShotSample, five a second."""
        if not isinstance(sample, ShotSample):
            return  # pragma: no cover - a DE1's driver reports nothing else
        now = self.hass.loop.time()
        self._async_observe(machine, now)
        self._async_react(machine, machine.controller.on_shot_sample(now, sample))

    @callback
    def _async_machine_updated(self, machine: _Machine) -> None:
        if not machine.link.connected:
            machine.last_info = None  # the state read after the reconnect is news again
            return
        self._async_observe(machine, self.hass.loop.time())

    @callback
    def _async_observe(self, machine: _Machine, now: float) -> None:
        info = espresso_state(machine.link).state_info
        if info is None or info == machine.last_info:
            return
        machine.last_info = info
        machine.controller.set_plan(self._plan(machine))
        self._async_react(machine, machine.controller.on_state(now, info.state, info.substate))
        asleep = info.state in ASLEEP
        if asleep != machine.asleep:
            machine.asleep = asleep
            self.hass.async_create_task(self._async_lend_scales(machine, asleep), eager_start=True)

    def _plan(self, machine: _Machine) -> ShotPlan:
        link = machine.link
        weight, volume = self.targets(link)
        state = espresso_state(link)
        settings = machine.settings
        held = get_profiles(self.hass).held(link)
        plan = ShotPlan(
            time_limit=settings.time_limit,
            hot_water_weight=settings.hot_water_weight,
            steam_temperature=settings.milk_target if settings.milk_probe else 0.0,
            firmware_build=None if state.features is None else state.features.build,
        )
        if held is not None:
            plan = ShotPlan.from_profile(
                held.profile,
                key=held.title,
                time_limit=plan.time_limit,
                hot_water_weight=plan.hot_water_weight,
                steam_temperature=plan.steam_temperature,
                firmware_build=plan.firmware_build,
            )
        return replace(plan, target_weight=weight, target_volume=volume)

    async def _async_lend_scales(self, machine: _Machine, asleep: bool) -> None:
        """Let the machine's scale go while it sleeps; take it back when it wakes."""
        if asleep:
            scale = machine.scale or self._scales.get(machine.settings.scale)
            if scale is None or scale in machine.lent:
                return
            machine.lent.append(scale)
            await scale.async_lend(True)
            return
        lent, machine.lent = machine.lent, []
        for scale in lent:
            await scale.async_lend(False)

    # --- the controller's answers --------------------------------------------------------

    @callback
    def _async_react(self, machine: _Machine, reaction: Reaction) -> None:
        for command in reaction.commands:
            if isinstance(command, StopFlow):
                self._send(machine, self._stop(machine), f"stop at {command.reason.value}")
            elif isinstance(command, SkipToNext):
                self._send(machine, self._skip(machine), "move on by weight")
            elif isinstance(command, TareScale):
                self._tare(machine)
        for event in reaction.events:
            self._async_gate(machine, event)
        if reaction.result is not None:
            self._async_result(machine, reaction.result)
        self._schedule(machine, reaction.wake_at)

    def _stop(self, machine: _Machine) -> Callable[[SerialGattClient], Coroutine[Any, Any, bool]]:
        return espresso_driver(machine.link).async_stop_flow

    def _skip(self, machine: _Machine) -> Callable[[SerialGattClient], Coroutine[Any, Any, None]]:
        return espresso_driver(machine.link).async_skip_to_next

    def _send(
        self,
        machine: _Machine,
        command: Callable[[SerialGattClient], Coroutine[Any, Any, object]],
        name: str,
    ) -> None:
        """Write now: the task starts eagerly, so the write begins before this returns."""
        link = machine.link

        async def send() -> None:
            try:
                await link.async_command(command, name=name)
            except HomeAssistantError as err:
                _LOGGER.warning("%s: %s failed: %s", link.entry.title, name, err)

        link.entry.async_create_background_task(self.hass, send(), f"{DOMAIN} {name}")

    @callback
    def _tare(self, machine: _Machine) -> None:
        scale = machine.scale
        now = self.hass.loop.time()
        if scale is None or not machine.settings.auto_tare:
            # tared by hand: the controller waits for the scale to read zero
            machine.controller.tare_sent(now)
            return
        monitor = scale_of(scale)
        recorder = get_shots(self.hass).recording(machine.link)
        weight = getattr(scale.driver.state, "weight", None)
        if recorder is not None and isinstance(weight, float) and DOSE[0] <= weight <= DOSE[1]:
            recorder.set_dose(weight)  # what stood on the scale before the tare

        async def tare() -> None:
            try:
                await monitor.async_tare()
            except HomeAssistantError as err:
                _LOGGER.debug("%s: tare failed: %s", scale.entry.title, err)
                return  # not confirmed: the controller falls back to volume in time
            machine.controller.tare_sent(self.hass.loop.time())

        scale.entry.async_create_background_task(self.hass, tare(), f"{DOMAIN} tare")

    @callback
    def _async_gate(self, machine: _Machine, event: GateEvent) -> None:
        link = machine.link
        shots = get_shots(self.hass)
        shots.add_gate_event(link, event)
        recorder = shots.recording(link)
        if event.gate is Gate.SEQUENCE_START and recorder is not None and machine.scale:
            recorder.set_scale(machine.scale.entry.title)
        self.hass.bus.async_fire(
            EVENT_SHOT_GATE,
            {
                "device_id": shots.device_id(link),
                "gate": event.gate.value,
                "mode": event.mode.name.lower(),
            },
        )
        self._gate_listeners.notify(link.address, event)

    @callback
    def _async_result(self, machine: _Machine, result: ShotResult) -> None:
        machine.result = result
        link = machine.link
        if result.fallback is not None:
            _LOGGER.info(
                "%s: %s stopped by volume instead of weight (%s)",
                link.entry.title,
                result.mode.name.lower(),
                result.fallback.value,
            )
        get_shots(self.hass).apply_result(link, result)
        if result.learned:
            self.async_save_soon()
        self._listeners.notify(link.address)

    def _schedule(self, machine: _Machine, wake_at: float | None) -> None:
        self._cancel_timer(machine)
        if wake_at is not None:
            machine.timer = self.hass.loop.call_at(wake_at, self._async_tick, machine)

    @callback
    def _async_tick(self, machine: _Machine) -> None:
        machine.timer = None
        self._async_react(machine, machine.controller.tick(self.hass.loop.time()))

    def _cancel_timer(self, machine: _Machine) -> None:
        if machine.timer is not None:
            machine.timer.cancel()
            machine.timer = None

    # --- steam to temperature --------------------------------------------------------------

    @callback
    def _async_follow_milk(self, machine: _Machine) -> None:
        self._async_unfollow_milk(machine)
        wanted = machine.settings.milk_probe
        if wanted is None:
            return
        address, _, number = wanted.rpartition("/")
        thermometer = self._thermometers.get(address)
        if thermometer is None or not number.isdigit():
            return
        index = int(number) - 1

        @callback
        def heard() -> None:
            state = thermometer.driver.state
            if not isinstance(state, ThermometerState) or not 0 <= index < len(state.probes):
                return
            value = state.probes[index]
            if value is None:
                return
            now = self.hass.loop.time()
            celsius = to_celsius(value, state.unit)
            self._async_react(machine, machine.controller.on_milk_temperature(now, celsius))

        machine.milk_unsub = thermometer.async_add_listener(heard)

    @callback
    def _async_unfollow_milk(self, machine: _Machine) -> None:
        if machine.milk_unsub is not None:
            machine.milk_unsub()
            machine.milk_unsub = None


def _result_dict(result: ShotResult) -> dict[str, Any]:
    return {
        "mode": result.mode.name.lower(),
        "stop_reason": None if result.stop_reason is None else result.stop_reason.value,
        "fallback": None if result.fallback is None else result.fallback.value,
        "target_weight": result.target_weight,
        "final_weight": result.final_weight,
        "stop_error": result.stop_error,
        "learned": result.learned,
    }


# --- entities --------------------------------------------------------------------------------


class ControlEntity(KitchenBleEntity):
    """A setting or result of the machine's shot control."""

    def __init__(self, link: LinkCoordinator, description: EntityDescription) -> None:
        super().__init__(link, description)
        self.runtime = get_control(link.hass)

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        unsubs = (
            super()._async_listen(update),
            self.runtime.async_add_listener(self.coordinator.address, update),
            get_profiles(self.hass).async_add_listener(update),  # targets come with the profile
        )

        @callback
        def remove() -> None:
            for unsub in unsubs:
                unsub()

        return remove


def control_entities[D: EntityDescription](
    entity: Callable[[LinkCoordinator, D], ControlEntity], descriptions: tuple[D, ...]
) -> EntityTable[LinkCoordinator]:
    """Entities of an espresso machine's shot control."""

    def add(link: LinkCoordinator, _entry: Any, add: AddConfigEntryEntitiesCallback) -> None:
        add([entity(link, description) for description in descriptions])

    return EntityTable(lambda data: data.espresso, add)
