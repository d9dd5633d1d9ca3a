"""Voice: the names Assist knows the probes by, and the sentences Kitchen BLE answers.

What Home Assistant's default conversation agent does, in 2026.2 and 2026.10
alike: its ``name`` list holds each exposed entity's friendly name, which
starts with the device name ("iGrill V2 Probe 1"), and the entity's registry
aliases. The entity name without the device ("Probe 1") is not in it, nor is
anything only the integration knows, such as a probe's label. So the
integration keeps aliases of its own on each probe's temperature sensor
("Brisket", "Brisket temperature", "Probe 1", ...) and target number ("Probe 1
target", "Target of probe 1", ...), follows the label with them, and only
ever removes aliases it added itself. With them the built-in HassGetState
intent answers "what is the brisket temperature".

A custom integration cannot add sentences to the built-in intents; sentence
triggers (the ``conversation`` trigger platform, matched before the built-in
sentences in both releases) are the one way in. They answer "how long until
the brisket is done" and "what is the target of probe 1" with the intents of
``intent.py``: 2026.10's HassGetState sentences read sensors by name but no
longer numbers. Only the names of exposed probes get sentences, so nothing is
said about an entity the user did not expose, and no other sentence is taken.
Sentences and answers are English.

The espresso machine gets sentences of its own ("wake the espresso
machine", "is the espresso machine ready", "how much water is left in the
espresso machine"), by the names "espresso machine", "coffee machine" and its
device name, each only while the entity its answer is about (Power, Ready,
Water volume) is exposed.

The machine's shot history answers too: "how was my last shot" (the last
espresso's yield, time, dose and ratio) and "how many espressos today" (in
the user's time zone), while the machine's Last shot yield sensor is exposed.
These need no name: said without one they are about every machine whose
sensor is exposed (with one DE1, that one); "how was the last shot of the
DE1" picks one.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from homeassistant.components.homeassistant.exposed_entities import (
    async_listen_entity_updates,
    async_should_expose,
)
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.helpers.script import ScriptRunResult
from homeassistant.helpers.trigger import async_initialize_triggers, async_validate_trigger_config
from homeassistant.setup import async_when_setup
from homeassistant.util.hass_dict import HassKey

from .compat import aliases_to_store, entity_aliases
from .const import DOMAIN
from .cooking import get_runtime
from .coordinator import LinkCoordinator
from .util import probe_numbers

_LOGGER = logging.getLogger(__name__)

DATA_VOICE: Final[HassKey[Voice]] = HassKey(f"{DOMAIN}_voice")
ASSISTANT: Final = "conversation"  # the assistant id exposure is kept under

INTENT_TARGET: Final = "KitchenBleGetTarget"
INTENT_TIME_TO_TARGET: Final = "KitchenBleGetTimeToTarget"
INTENT_ESPRESSO_WAKE: Final = "KitchenBleEspressoWake"
INTENT_ESPRESSO_READY: Final = "KitchenBleEspressoReady"
INTENT_ESPRESSO_WATER: Final = "KitchenBleEspressoWater"
INTENT_LAST_SHOT: Final = "KitchenBleLastShot"
INTENT_ESPRESSOS_TODAY: Final = "KitchenBleEspressosToday"
# what each espresso answer is about: (platform, entity key)
ESPRESSO_ENTITIES: Final = {
    INTENT_ESPRESSO_WAKE: ("switch", "power"),
    INTENT_ESPRESSO_READY: ("binary_sensor", "ready"),
    INTENT_ESPRESSO_WATER: ("sensor", "water_volume"),
    INTENT_LAST_SHOT: ("sensor", "last_shot_yield"),
    INTENT_ESPRESSOS_TODAY: ("sensor", "last_shot_yield"),
}
ESPRESSO_NAMES: Final = ("espresso machine", "coffee machine")

# entity registry options under DOMAIN: the names wanted and the aliases added for them
OPTION_NAMES: Final = "voice_names"
OPTION_ADDED: Final = "voice_aliases"

# hassil 3.5 templates; NAME is replaced by one spoken probe name
NAME: Final = "NAME"
WHAT_IS: Final = "(what is|what's|whats|tell me)"
SENTENCES: Final[dict[str, tuple[str, ...]]] = {
    INTENT_TARGET: (
        f"{WHAT_IS} [the] target [temperature] (of|for) [the] {NAME}",
        f"{WHAT_IS} [the] {NAME} target [temperature]",
    ),
    INTENT_TIME_TO_TARGET: (
        f"how long (until|till|before) [the] {NAME} (is|will be) (done|ready)",
        f"when (is|will) [the] {NAME} [be] (done|ready)",
        f"how (long|much longer) (for|on) [the] {NAME}",
    ),
    INTENT_ESPRESSO_WAKE: (
        f"wake [up] [the] {NAME} [up]",
        f"(start|warm up|heat up) [the] {NAME}",
    ),
    INTENT_ESPRESSO_READY: (
        f"is [the] {NAME} (ready|hot|heated up|warmed up)",
        f"(has|did) [the] {NAME} (warm|heat)[ed] up",
    ),
    INTENT_ESPRESSO_WATER: (
        f"how much water (is|is there) [left] in [the] {NAME}",
        f"how much water (has|does) [the] {NAME} [got|have] [left]",
        f"(is|does) [the] {NAME} (need|needs) (water|a refill|refilling)",
    ),
    INTENT_LAST_SHOT: (
        f"how was [the] last (shot|espresso) (of|on|from) [the] {NAME}",
        f"how did [the] last (shot|espresso) (of|on|from) [the] {NAME} (go|turn out)",
    ),
    INTENT_ESPRESSOS_TODAY: (
        f"how many (espressos|shots) (did|has) [the] {NAME} (make|made|pull|pulled) today",
        f"how many (espressos|shots) (on|from) [the] {NAME} today",
    ),
}
# the sentences said without a name: about every machine whose answer's entity is exposed
UNNAMED_SENTENCES: Final[dict[str, tuple[str, ...]]] = {
    INTENT_LAST_SHOT: (
        "how was (my|the) last (shot|espresso)",
        "how did (my|the) last (shot|espresso) (go|turn out)",
        "(tell me about|describe) (my|the) last (shot|espresso)",
    ),
    INTENT_ESPRESSOS_TODAY: (
        "how many (espressos|shots) [(have|did) I (had|have|made|make|pulled|pull)] today",
    ),
}

_NOT_SPOKEN = re.compile(r"[^\w' -]+")  # also what hassil would read as template syntax


def spoken(name: str) -> str:
    """A name as it is matched: lower case, no punctuation, single spaces."""
    words = _NOT_SPOKEN.sub(" ", name.replace("’", "'").casefold()).split()
    return " ".join(w.strip("'-") for w in words if w.strip("'-"))


def sensor_aliases(number: int, label: str) -> list[str]:
    """The names the temperature sensor of probe ``number`` answers to."""
    names = [f"Probe {number}", f"Probe {number} temperature"]
    return [label, f"{label} temperature", *names] if label else names


def target_aliases(number: int, label: str) -> list[str]:
    """The names the target number of probe ``number`` answers to."""
    names = [f"Probe {number} target", f"Target of probe {number}"]
    return [f"{label} target", f"Target of {label}", *names] if label else names


@callback
def async_sync_aliases(registry: er.EntityRegistry, entity_id: str, wanted: list[str]) -> None:
    """Give the entity the aliases ``wanted``; the user's own aliases stay as they are.

    Only a change of what is wanted (a new label) touches the aliases: one the
    user deleted stays deleted until then. An alias the user already has is
    not added again, so it is never removed either.
    """
    entry = registry.async_get(entity_id)
    if entry is None:  # pragma: no cover - called for registered entities only
        return
    ours = dict(entry.options.get(DOMAIN, {}))
    if ours.get(OPTION_NAMES) == wanted:
        return
    added_before = set(ours.get(OPTION_ADDED, []))
    current = entity_aliases(entry)
    kept = [a for a in current if not (isinstance(a, str) and a in added_before)]
    taken = {a.casefold() for a in kept if isinstance(a, str)}
    added: list[str] = []
    for name in wanted:
        if name.casefold() not in taken:
            taken.add(name.casefold())
            added.append(name)
    registry.async_update_entity(entity_id, aliases=aliases_to_store(entry, kept + added))
    registry.async_update_entity_options(
        entity_id, DOMAIN, {**ours, OPTION_NAMES: wanted, OPTION_ADDED: added}
    )


@dataclass(frozen=True, slots=True)
class VoiceEspresso:
    """One espresso machine as Assist may talk about it."""

    link: LinkCoordinator
    device_name: str
    entity_ids: dict[str, str | None]  # intent type -> the entity its answer is about

    @property
    def names(self) -> set[str]:
        return {spoken(name) for name in (*ESPRESSO_NAMES, self.device_name)}


@dataclass(frozen=True, slots=True)
class VoiceProbe:
    """One probe as Assist may talk about it."""

    key: str
    number: int
    label: str
    device_name: str
    temperature: str | None  # entity ids
    ready_at: str | None
    target: str | None

    @property
    def subject(self) -> str:
        return self.label or f"Probe {self.number}"

    @property
    def names(self) -> set[str]:
        found = {spoken(f"probe {self.number}")}
        if self.label and (label := spoken(self.label)):
            found.add(label)
        return found

    def entities(self, intent_type: str) -> list[str]:
        """The entities an answer of ``intent_type`` tells about."""
        wanted = (
            (self.target,) if intent_type == INTENT_TARGET else (self.temperature, self.ready_at)
        )
        return [entity_id for entity_id in wanted if entity_id is not None]


def get_voice(hass: HomeAssistant) -> Voice:
    return hass.data[DATA_VOICE]


@callback
def async_setup_voice(hass: HomeAssistant) -> None:
    """Follow the labels from now on; sentences once ``conversation`` is set up."""
    voice = hass.data[DATA_VOICE] = Voice(hass)

    async def _async_conversation_ready(_hass: HomeAssistant, _component: str) -> None:
        voice.async_listen()

    async_when_setup(hass, ASSISTANT, _async_conversation_ready)


def _log(level: int, message: str, **kwargs: Any) -> None:
    """async_initialize_triggers reports every (re)registration at info level: debug is enough."""
    _LOGGER.log(logging.DEBUG if level <= logging.INFO else level, "Voice: %s", message, **kwargs)


class Voice:
    """The thermometers' spoken names, their aliases and the sentence triggers."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self._thermometers: dict[str, LinkCoordinator] = {}
        self._espresso: dict[str, LinkCoordinator] = {}
        self._labels: dict[str, tuple[str, ...]] = {}
        self._listening = False
        self._commands: list[dict[str, Any]] = []
        self._remove_triggers: CALLBACK_TYPE | None = None
        self._lock = asyncio.Lock()

    # --- names ------------------------------------------------------------------

    @callback
    def async_add_thermometer(self, coordinator: LinkCoordinator) -> CALLBACK_TYPE:
        """Name this thermometer's probes from now on; returns the callback that stops it."""
        key = coordinator.address
        self._thermometers[key] = coordinator
        unsub = get_runtime(self.hass).async_add_listener(
            key, partial(self._async_cooking_changed, key)
        )
        self._async_cooking_changed(key)

        @callback
        def remove() -> None:
            unsub()
            del self._thermometers[key]
            self._labels.pop(key, None)
            self._async_refresh()

        return remove

    @callback
    def async_add_espresso(self, link: LinkCoordinator) -> CALLBACK_TYPE:
        """Answer about this espresso machine from now on; returns the callback that stops it."""
        self._espresso[link.address] = link
        self._async_refresh()

        @callback
        def remove() -> None:
            del self._espresso[link.address]
            self._async_refresh()

        return remove

    def espresso_machines(self) -> Iterator[VoiceEspresso]:
        """Every espresso machine set up now."""
        registry = er.async_get(self.hass)
        devices = dr.async_get(self.hass)
        for key, link in self._espresso.items():
            name = link.entry.title
            for device in dr.async_entries_for_config_entry(devices, link.entry.entry_id):
                name = device.name_by_user or device.name or name
            yield VoiceEspresso(
                link=link,
                device_name=name,
                entity_ids={
                    intent_type: registry.async_get_entity_id(platform, DOMAIN, f"{key}_{suffix}")
                    for intent_type, (platform, suffix) in ESPRESSO_ENTITIES.items()
                },
            )

    def find_espresso(
        self, intent_type: str, name: str | None, assistant: str | None
    ) -> list[VoiceEspresso]:
        """The espresso machines called ``name`` (any without one) whose answer's entity the
        assistant may see."""
        wanted = None if name is None else spoken(name)
        return [
            machine
            for machine in self.espresso_machines()
            if (wanted is None or wanted in machine.names)
            and (entity_id := machine.entity_ids[intent_type]) is not None
            and (assistant is None or async_should_expose(self.hass, assistant, entity_id))
        ]

    @callback
    def _async_cooking_changed(self, key: str) -> None:
        """Called on every change of the device's cooking state; acts on label changes."""
        runtime = get_runtime(self.hass)
        numbers = probe_numbers(self._thermometers[key])
        labels = tuple(runtime.probe(key, n).setting.label for n in numbers)
        if self._labels.get(key) == labels:
            return
        self._labels[key] = labels
        registry = er.async_get(self.hass)
        for number, label in zip(numbers, labels, strict=True):
            for platform, suffix, wanted in (
                ("sensor", "", sensor_aliases(number, label)),
                ("number", "_target", target_aliases(number, label)),
            ):
                unique_id = f"{key}_probe_{number}{suffix}"
                if entity_id := registry.async_get_entity_id(platform, DOMAIN, unique_id):
                    async_sync_aliases(registry, entity_id, wanted)
        self._async_refresh()

    def probes(self) -> Iterator[VoiceProbe]:
        """Every probe of the thermometers set up now."""
        runtime = get_runtime(self.hass)
        registry = er.async_get(self.hass)
        devices = dr.async_get(self.hass)
        for key, coordinator in self._thermometers.items():
            device_id = runtime.device(key).device_id
            device = None if device_id is None else devices.async_get(device_id)
            device_name = coordinator.entry.title
            if device is not None:  # pragma: no branch - registered before the entities
                device_name = device.name_by_user or device.name or device_name
            for number in probe_numbers(coordinator):
                base = f"{key}_probe_{number}"
                yield VoiceProbe(
                    key=key,
                    number=number,
                    label=runtime.probe(key, number).setting.label,
                    device_name=device_name,
                    temperature=registry.async_get_entity_id("sensor", DOMAIN, base),
                    ready_at=registry.async_get_entity_id("sensor", DOMAIN, f"{base}_ready_at"),
                    target=registry.async_get_entity_id("number", DOMAIN, f"{base}_target"),
                )

    def find(self, intent_type: str, name: str, assistant: str | None) -> list[VoiceProbe]:
        """The probes called ``name`` whose answer's entities the assistant may see."""
        wanted = spoken(name)
        return [
            probe
            for probe in self.probes()
            if wanted in probe.names and self.entities(probe, intent_type, assistant)
        ]

    def entities(self, probe: VoiceProbe, intent_type: str, assistant: str | None) -> list[str]:
        """The entities an answer tells about that the assistant may see.

        Without an assistant (a script, the intent API) every one of them.
        """
        return [
            entity_id
            for entity_id in probe.entities(intent_type)
            if assistant is None or async_should_expose(self.hass, assistant, entity_id)
        ]

    # --- sentences ----------------------------------------------------------------

    @callback
    def async_listen(self) -> None:
        """``conversation`` is set up: keep sentences for the exposed probes' names."""
        self._listening = True
        async_listen_entity_updates(self.hass, ASSISTANT, self._async_refresh)
        self._async_refresh()

    @callback
    def _async_refresh(self) -> None:
        if self._listening:
            self.hass.async_create_task(self._async_update_triggers(), f"{DOMAIN} voice sentences")

    def _wanted_commands(self) -> list[dict[str, Any]]:
        wanted: set[tuple[str, str]] = set()
        for probe in self.probes():
            for intent_type in SENTENCES:
                if self.entities(probe, intent_type, ASSISTANT):
                    wanted.update((intent_type, name) for name in probe.names)
        for machine in self.espresso_machines():
            for intent_type, entity_id in machine.entity_ids.items():
                if entity_id is not None and async_should_expose(self.hass, ASSISTANT, entity_id):
                    wanted.update((intent_type, name) for name in machine.names)
                    if intent_type in UNNAMED_SENTENCES:
                        wanted.add((intent_type, ""))
        return [
            {
                "platform": ASSISTANT,
                "id": f"{intent_type}:{name}",
                "command": (
                    [s.replace(NAME, name) for s in SENTENCES[intent_type]]
                    if name
                    else list(UNNAMED_SENTENCES[intent_type])
                ),
            }
            for intent_type, name in sorted(wanted)
        ]

    async def _async_update_triggers(self) -> None:
        async with self._lock:
            commands = self._wanted_commands()
            if commands == self._commands:
                return
            if self._remove_triggers is not None:
                self._remove_triggers()
                self._remove_triggers = None
            self._commands = commands
            if not commands:
                return
            config = await async_validate_trigger_config(self.hass, commands)
            self._remove_triggers = await async_initialize_triggers(
                self.hass, config, self._async_triggered, DOMAIN, "Kitchen BLE voice", _log
            )

    async def _async_triggered(
        self, run_variables: dict[str, Any], context: Context | None = None
    ) -> ScriptRunResult:
        """One of the sentences was said: answer with the intent it stands for."""
        trigger = run_variables["trigger"]
        intent_type, _, name = str(trigger["id"]).partition(":")
        try:
            response = await intent.async_handle(
                self.hass,
                DOMAIN,
                intent_type,
                {"name": {"value": name}} if name else {},
                text_input=trigger.get("sentence"),
                context=context,
                language=(trigger.get("user_input") or {}).get("language"),
                assistant=ASSISTANT,
                device_id=trigger.get("device_id"),
            )
            speech = str(response.speech["plain"]["speech"])
        except intent.IntentError as err:
            speech = str(err)
        return ScriptRunResult(conversation_response=speech, service_response=None, variables={})
