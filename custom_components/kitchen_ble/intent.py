"""Intents for Assist: a probe's target and time to target; the espresso machine.

The sentences of ``voice.py`` lead here ("how long until the brisket is
done", "what is the target of probe 1", "is the espresso machine ready");
custom sentences can too, with the slot ``name`` (a probe's label, "probe
1", "espresso machine" or the machine's device name). When an assistant
asks, only what is exposed to it is found. Answers are English.

The shot history ("how was my last shot", "how many espressos today") takes
the slot ``name`` too, but needs none: without it every machine is meant.
"""

from __future__ import annotations

import math
from typing import Any

import voluptuous as vol
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent
from homeassistant.util import dt as dt_util

from .cooking import get_runtime
from .espresso import async_set_power, is_awake
from .library.espresso.records import (
    ShotKind,
    count_on_day,
    espressos_today_text,
    summarize,
    voice_text,
)
from .shots import get_shots
from .voice import (
    INTENT_ESPRESSO_READY,
    INTENT_ESPRESSO_WAKE,
    INTENT_ESPRESSO_WATER,
    INTENT_ESPRESSOS_TODAY,
    INTENT_LAST_SHOT,
    INTENT_TARGET,
    INTENT_TIME_TO_TARGET,
    VoiceEspresso,
    VoiceProbe,
    get_voice,
)


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Called by the ``intent`` integration."""
    intent.async_register(hass, GetTargetHandler())
    intent.async_register(hass, TimeToTargetHandler())
    intent.async_register(hass, EspressoWakeHandler())
    intent.async_register(hass, EspressoReadyHandler())
    intent.async_register(hass, EspressoWaterHandler())
    intent.async_register(hass, LastShotHandler())
    intent.async_register(hass, EspressosTodayHandler())


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def duration(minutes: int) -> str:
    """25 minutes, 1 hour, 2 hours and 5 minutes."""
    if minutes < 60:
        return _plural(minutes, "minute")
    hours, rest = divmod(minutes, 60)
    spoken = _plural(hours, "hour")
    return f"{spoken} and {_plural(rest, 'minute')}" if rest else spoken


def _value(state: str) -> str:
    """57, 57.5: as the number shows it, without a trailing .0."""
    value = float(state)
    return str(int(value)) if math.isclose(value, round(value)) else f"{value:.1f}"


class ProbeIntentHandler(intent.IntentHandler):
    """Finds the probes named by the slot ``name``; says one sentence about each."""

    @property
    def slot_schema(self) -> dict[Any, Any]:
        return {vol.Required("name"): intent.non_empty_string}

    def speech(self, hass: HomeAssistant, probe: VoiceProbe, subject: str) -> str:
        raise NotImplementedError

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        hass = intent_obj.hass
        slots = self.async_validate_slots(intent_obj.slots)
        name: str = slots["name"]["value"]
        voice = get_voice(hass)
        probes = voice.find(self.intent_type, name, intent_obj.assistant)
        if not probes:
            raise intent.IntentHandleError(f"There is no probe called {name}")
        several = len(probes) > 1  # "probe 1" of two thermometers: say which is which
        sentences = [
            self.speech(hass, p, f"{p.device_name} {p.subject}" if several else p.subject)
            for p in probes
        ]
        entity_ids = [
            e for p in probes for e in voice.entities(p, self.intent_type, intent_obj.assistant)
        ]
        states = [s for e in entity_ids if (s := hass.states.get(e)) is not None]
        response = intent_obj.create_response()
        response.response_type = intent.IntentResponseType.QUERY_ANSWER
        response.async_set_speech(" ".join(sentences))
        response.async_set_results(
            success_results=[
                intent.IntentResponseTarget(
                    type=intent.IntentResponseTargetType.ENTITY, name=s.name, id=s.entity_id
                )
                for s in states
            ]
        )
        response.async_set_states(states)
        return response


class GetTargetHandler(ProbeIntentHandler):
    """The target temperature of a probe, in the user's unit."""

    intent_type = INTENT_TARGET
    description = "Tells the target temperature of a Kitchen BLE thermometer probe"

    def __init__(self) -> None:
        self.platforms = {"number"}  # offered to LLM agents while such entities are exposed

    def speech(self, hass: HomeAssistant, probe: VoiceProbe, subject: str) -> str:
        state = None if probe.target is None else hass.states.get(probe.target)
        if state is None or state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            return f"{subject} has no target."
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "")
        return f"The target of {subject} is {_value(state.state)} {unit}".rstrip() + "."


class TimeToTargetHandler(ProbeIntentHandler):
    """How long until a probe reaches its target, from its time-to-target estimate."""

    intent_type = INTENT_TIME_TO_TARGET
    description = "Tells how long until the food on a Kitchen BLE thermometer probe is done"

    def __init__(self) -> None:
        self.platforms = {"sensor"}  # offered to LLM agents while such entities are exposed

    def speech(self, hass: HomeAssistant, probe: VoiceProbe, subject: str) -> str:
        runtime = get_runtime(hass)
        cook = runtime.probe(probe.key, probe.number)
        target = cook.setting.target
        if target is None:
            return f"{subject} has no target."
        temperature = cook.temperature if runtime.device(probe.key).available else None
        if temperature is not None and (temperature >= target or cook.remaining == 0):
            return f"{subject} has reached its target."
        if temperature is None or cook.remaining is None:
            return f"I can't estimate yet when {subject} will be done."
        return f"{subject} will be done in about {duration(cook.remaining)}."


class EspressoIntentHandler(intent.IntentHandler):
    """Finds the espresso machines named by the slot ``name``; one sentence about each."""

    @property
    def slot_schema(self) -> dict[Any, Any]:
        return {vol.Required("name"): intent.non_empty_string}

    async def async_speech(self, hass: HomeAssistant, machine: VoiceEspresso) -> str:
        raise NotImplementedError

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        hass = intent_obj.hass
        slots = self.async_validate_slots(intent_obj.slots)
        name: str = slots["name"]["value"]
        machines = get_voice(hass).find_espresso(self.intent_type, name, intent_obj.assistant)
        if not machines:
            raise intent.IntentHandleError(f"There is no espresso machine called {name}")
        sentences = []
        for machine in machines:
            if not machine.link.available:
                sentences.append(f"{machine.device_name} is not connected.")
            else:
                sentences.append(await self.async_speech(hass, machine))
        states = [
            s
            for m in machines
            if (entity_id := m.entity_ids[self.intent_type]) is not None
            and (s := hass.states.get(entity_id)) is not None
        ]
        response = intent_obj.create_response()
        response.response_type = self.response_type
        response.async_set_speech(" ".join(sentences))
        response.async_set_results(
            success_results=[
                intent.IntentResponseTarget(
                    type=intent.IntentResponseTargetType.ENTITY, name=s.name, id=s.entity_id
                )
                for s in states
            ]
        )
        response.async_set_states(states)
        return response

    response_type = intent.IntentResponseType.QUERY_ANSWER


class EspressoWakeHandler(EspressoIntentHandler):
    """Wakes the espresso machine (its Power switch on) unless it is awake."""

    intent_type = INTENT_ESPRESSO_WAKE
    description = "Wakes a Decent espresso machine so it heats up"
    response_type = intent.IntentResponseType.ACTION_DONE

    def __init__(self) -> None:
        self.platforms = {"switch"}

    async def async_speech(self, hass: HomeAssistant, machine: VoiceEspresso) -> str:
        if is_awake(machine.link):
            return f"{machine.device_name} is already awake."
        await async_set_power(machine.link, True)
        return f"Waking {machine.device_name}."


class EspressoReadyHandler(EspressoIntentHandler):
    """Whether the espresso machine is ready (idle and heated), from its Ready sensor."""

    intent_type = INTENT_ESPRESSO_READY
    description = "Tells whether a Decent espresso machine is hot and ready"

    def __init__(self) -> None:
        self.platforms = {"binary_sensor"}

    async def async_speech(self, hass: HomeAssistant, machine: VoiceEspresso) -> str:
        entity_id = machine.entity_ids[self.intent_type]
        state = None if entity_id is None else hass.states.get(entity_id)
        if state is not None and state.state == "on":
            return f"{machine.device_name} is ready."
        if is_awake(machine.link) is False:
            return f"{machine.device_name} is asleep."
        return f"{machine.device_name} is not ready yet."


class EspressoWaterHandler(EspressoIntentHandler):
    """How much water is left in the espresso machine's tank."""

    intent_type = INTENT_ESPRESSO_WATER
    description = "Tells how much water is left in a Decent espresso machine's tank"

    def __init__(self) -> None:
        self.platforms = {"sensor"}

    async def async_speech(self, hass: HomeAssistant, machine: VoiceEspresso) -> str:
        entity_id = machine.entity_ids[self.intent_type]
        state = None if entity_id is None else hass.states.get(entity_id)
        if state is None or state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            return f"I don't know yet how much water {machine.device_name} has."
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "")
        return f"{machine.device_name} has {_value(state.state)} {unit} of water left.".replace(
            "  ", " "
        )


class ShotHistoryHandler(EspressoIntentHandler):
    """About the machines' archived shots: the slot ``name`` may be left out (every machine).

    History is kept while a machine is away, so it is answered unconnected too.
    """

    def __init__(self) -> None:
        self.platforms = {"sensor"}

    @property
    def slot_schema(self) -> dict[Any, Any]:
        return {vol.Optional("name"): intent.non_empty_string}

    async def async_history(self, hass: HomeAssistant, machine: VoiceEspresso) -> str:
        raise NotImplementedError

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        hass = intent_obj.hass
        slots = self.async_validate_slots(intent_obj.slots)
        name: str | None = slots["name"]["value"] if "name" in slots else None
        machines = get_voice(hass).find_espresso(self.intent_type, name, intent_obj.assistant)
        if not machines:
            called = "" if name is None else f" called {name}"
            raise intent.IntentHandleError(f"There is no espresso machine{called}")
        sentences = []
        for machine in machines:
            text = await self.async_history(hass, machine)
            # several machines: say which is which
            sentences.append(f"{machine.device_name}: {text}" if len(machines) > 1 else text)
        response = intent_obj.create_response()
        response.response_type = intent.IntentResponseType.QUERY_ANSWER
        response.async_set_speech(" ".join(_sentence(text) for text in sentences))
        states = [
            s
            for m in machines
            if (entity_id := m.entity_ids[self.intent_type]) is not None
            and (s := hass.states.get(entity_id)) is not None
        ]
        response.async_set_results(
            success_results=[
                intent.IntentResponseTarget(
                    type=intent.IntentResponseTargetType.ENTITY, name=s.name, id=s.entity_id
                )
                for s in states
            ]
        )
        response.async_set_states(states)
        return response


def _sentence(text: str) -> str:
    """A sentence: its first letter capitalised, a full stop at the end."""
    return f"{text[:1].upper()}{text[1:]}."


class LastShotHandler(ShotHistoryHandler):
    """The machine's last espresso in words: yield, time, dose and ratio."""

    intent_type = INTENT_LAST_SHOT
    description = "Tells how the last espresso of a Decent espresso machine went"

    async def async_history(self, hass: HomeAssistant, machine: VoiceEspresso) -> str:
        shots = get_shots(hass)
        last = shots.last_shot(machine.link.address)
        if last is None:
            return "no shot recorded yet"
        try:
            record = await shots.archive.async_get(str(last["id"]))
        except HomeAssistantError:  # its file is gone or damaged (get_shot says why)
            return "I can't read the last shot"
        return voice_text(summarize(record))


class EspressosTodayHandler(ShotHistoryHandler):
    """How many espressos the machine made today, in the user's time zone."""

    intent_type = INTENT_ESPRESSOS_TODAY
    description = "Tells how many espressos a Decent espresso machine made today"

    async def async_history(self, hass: HomeAssistant, machine: VoiceEspresso) -> str:
        started = [
            float(item["started_at"])
            for item in get_shots(hass).archive.newest_first()
            if item.get("machine") == machine.link.address
            and item.get("kind") == ShotKind.ESPRESSO.value
            and isinstance(item.get("started_at"), int | float)
        ]
        zone = dt_util.get_default_time_zone()
        return espressos_today_text(count_on_day(started, dt_util.now(zone).date(), zone))
