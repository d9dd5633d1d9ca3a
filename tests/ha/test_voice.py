"""Voice: Assist answers about the probes, by their labels, through the conversation agent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.conversation import async_converse
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

from custom_components.kitchen_ble.compat import aliases_to_store
from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.cooking import get_runtime
from custom_components.kitchen_ble.intent import duration
from custom_components.kitchen_ble.voice import (
    INTENT_TARGET,
    INTENT_TIME_TO_TARGET,
    get_voice,
    spoken,
)
from emulator.igrill import IGrillDevice, ProbeKind
from emulator.proxy import VirtualProxy

from .common import add_igrill, entity_id, settle, setup_device
from .cooking import advance, hold, set_number

QUERY_ANSWER = intent.IntentResponseType.QUERY_ANSWER
ERROR = intent.IntentResponseType.ERROR


async def _assist(hass: HomeAssistant) -> None:
    """What a default installation has: exposure settings, conversation, the intents."""
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})


async def _thermometer(
    hass: HomeAssistant, proxy: VirtualProxy, model: str = "igrill_v2", title: str = "iGrill V2"
) -> IGrillDevice:
    device = await add_igrill(hass, proxy, model, cooker_temperature=160.0)
    await setup_device(hass, device, model, title=title)
    return device


def _cook(device: IGrillDevice, number: int = 1) -> None:
    """A cut that heats up steadily (no stall) from fridge temperature."""
    probe = device.probe(number)
    probe.plugged = True
    probe.kind = ProbeKind.MEAT
    probe.stall = False
    probe.time_constant = 1500.0
    probe.temperature = 5.0


async def _label(hass: HomeAssistant, device: IGrillDevice, number: int, label: str) -> None:
    await hass.services.async_call(
        "text",
        "set_value",
        {"entity_id": entity_id(hass, device, f"probe_{number}_label", "text"), "value": label},
        blocking=True,
    )
    await settle(hass)


async def _expose(hass: HomeAssistant, *entity_ids: str, exposed: bool = True) -> None:
    """As the user does under Settings → Voice assistants → Expose."""
    for entity in entity_ids:
        async_expose_entity(hass, "conversation", entity, exposed)
    await settle(hass)


async def _ask(hass: HomeAssistant, text: str) -> tuple[intent.IntentResponse, str]:
    result = await async_converse(hass, text, None, Context(), language="en")
    await settle(hass)
    return result.response, result.response.speech["plain"]["speech"]


def _aliases(hass: HomeAssistant, entity: str) -> list[Any]:
    entry = er.async_get(hass).async_get(entity)
    assert entry is not None
    return list(entry.aliases)


async def test_assist_answers_by_the_label(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    await _assist(hass)
    device = await _thermometer(hass, virtual_proxy)
    _cook(device)
    await _label(hass, device, 1, "Brisket")
    await set_number(hass, device, "probe_1_target", 70)
    sensor = entity_id(hass, device, "probe_1")
    target = entity_id(hass, device, "probe_1_target", "number")
    await _expose(hass, sensor, target)
    await advance(hass, freezer, virtual_proxy, 300, step=5)

    # the built-in HassGetState, by the alias "Brisket temperature"
    temperature = hass.states.get(sensor)
    assert temperature is not None
    assert 20 < float(temperature.state) < 70
    response, speech = await _ask(hass, "what is the brisket temperature")
    assert response.response_type is QUERY_ANSWER
    assert response.intent is not None
    assert response.intent.intent_type == "HassGetState"
    said = re.fullmatch(r"Brisket temperature is (\d+(?:\.\d)?) °C", speech)
    assert said is not None, speech
    assert float(said.group(1)) == float(temperature.state)
    response, speech = await _ask(hass, "what is the probe 1 temperature")
    assert response.response_type is QUERY_ANSWER
    assert speech.startswith("Probe 1 temperature is ")

    # the integration's sentence (2026.10's HassGetState no longer reads numbers)
    response, speech = await _ask(hass, "what is the target of probe 1")
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert speech == "The target of Brisket is 70 °C."
    _, speech = await _ask(hass, "what's the brisket target")
    assert speech == "The target of Brisket is 70 °C."

    remaining = get_runtime(hass).probe(device.address, 1).remaining
    assert remaining is not None
    assert 1 <= remaining <= 30
    response, speech = await _ask(hass, "how long until the brisket is done")
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert speech == f"Brisket will be done in about {duration(remaining)}."
    _, speech = await _ask(hass, "when will the brisket be ready")
    assert speech == f"Brisket will be done in about {duration(remaining)}."


async def test_builtin_intent_knows_the_names(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """HassGetState finds the target number by its aliases too, as Assist fills the name slot."""
    await _assist(hass)
    device = await _thermometer(hass, virtual_proxy)
    await _label(hass, device, 1, "Brisket")
    await set_number(hass, device, "probe_1_target", 57)
    sensor = entity_id(hass, device, "probe_1")
    target = entity_id(hass, device, "probe_1_target", "number")
    await _expose(hass, sensor, target)
    for name, entity in (
        ("target of probe 1", target),
        ("Brisket target", target),
        ("probe 1 target", target),
        ("brisket", sensor),
        ("Probe 1 temperature", sensor),
        ("iGrill V2 Probe 1", sensor),  # the entity's own name is kept (2026.10: a marker)
    ):
        response = await intent.async_handle(
            hass, "test", "HassGetState", {"name": {"value": name}}, assistant="conversation"
        )
        assert [s.entity_id for s in response.matched_states] == [entity], name
    state = hass.states.get(target)
    assert state is not None
    assert state.state == "57.0"


async def test_aliases_follow_the_label_and_keep_the_users(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device = await _thermometer(hass, virtual_proxy)
    registry = er.async_get(hass)
    sensor = entity_id(hass, device, "probe_1")
    target = entity_id(hass, device, "probe_1_target", "number")
    strings = {a for a in _aliases(hass, sensor) if isinstance(a, str)}
    assert strings == {"Probe 1", "Probe 1 temperature"}
    assert {a for a in _aliases(hass, target) if isinstance(a, str)} == {
        "Probe 1 target",
        "Target of probe 1",
    }
    markers = [a for a in _aliases(hass, sensor) if not isinstance(a, str)]

    entry = registry.async_get(sensor)
    assert entry is not None
    registry.async_update_entity(
        sensor, aliases=aliases_to_store(entry, [*_aliases(hass, sensor), "Smoker", "Brisket"])
    )
    await _label(hass, device, 1, "Brisket")
    aliases = _aliases(hass, sensor)
    assert {a for a in aliases if isinstance(a, str)} == {
        "Smoker",
        "Brisket",
        "Brisket temperature",
        "Probe 1",
        "Probe 1 temperature",
    }
    assert [a for a in aliases if not isinstance(a, str)] == markers

    await _label(hass, device, 1, "Ribs")
    assert {a for a in _aliases(hass, sensor) if isinstance(a, str)} == {
        "Smoker",
        "Brisket",  # the user's, though the integration also wanted it
        "Ribs",
        "Ribs temperature",
        "Probe 1",
        "Probe 1 temperature",
    }
    assert {a for a in _aliases(hass, target) if isinstance(a, str)} == {
        "Ribs target",
        "Target of Ribs",
        "Probe 1 target",
        "Target of probe 1",
    }

    # one the user deletes stays deleted while the label stays
    entry = registry.async_get(sensor)
    assert entry is not None
    kept = [a for a in _aliases(hass, sensor) if a != "Ribs temperature"]
    registry.async_update_entity(sensor, aliases=aliases_to_store(entry, kept))
    await set_number(hass, device, "probe_1_target", 60)  # another change of the probe
    assert "Ribs temperature" not in _aliases(hass, sensor)

    await _label(hass, device, 1, "")
    aliases = _aliases(hass, sensor)
    assert {a for a in aliases if isinstance(a, str)} == {
        "Smoker",
        "Brisket",
        "Probe 1",
        "Probe 1 temperature",
    }
    assert [a for a in aliases if not isinstance(a, str)] == markers


async def test_answers(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    """Every answer, asked through the intents as custom sentences or scripts would."""
    await _assist(hass)
    device = await _thermometer(hass, virtual_proxy)
    hold(device, 2, 40.0)
    virtual_proxy.tick(1)
    await settle(hass)

    async def answer(intent_type: str, name: str, assistant: str | None = None) -> str:
        response = await intent.async_handle(
            hass, "test", intent_type, {"name": {"value": name}}, assistant=assistant
        )
        assert response.response_type is QUERY_ANSWER
        return str(response.speech["plain"]["speech"])

    assert await answer(INTENT_TARGET, "probe 2") == "Probe 2 has no target."
    assert await answer(INTENT_TIME_TO_TARGET, "Probe 2") == "Probe 2 has no target."
    await set_number(hass, device, "probe_2_target", 57.5)
    assert await answer(INTENT_TARGET, "probe 2") == "The target of Probe 2 is 57.5 °C."
    assert await answer(INTENT_TIME_TO_TARGET, "probe 2") == (
        "I can't estimate yet when Probe 2 will be done."
    )
    hold(device, 2, 58.0)
    virtual_proxy.tick(1)
    await settle(hass)
    assert await answer(INTENT_TIME_TO_TARGET, "probe 2") == "Probe 2 has reached its target."

    hass.config.units = US_CUSTOMARY_SYSTEM
    await set_number(hass, device, "probe_2_target", 135)
    assert await answer(INTENT_TARGET, "probe 2") == "The target of Probe 2 is 135 °F."

    with pytest.raises(intent.IntentHandleError, match="no probe called pasta"):
        await answer(INTENT_TARGET, "pasta")
    # an assistant only hears about what is exposed to it
    with pytest.raises(intent.IntentHandleError):
        await answer(INTENT_TARGET, "probe 2", assistant="conversation")
    await _expose(hass, entity_id(hass, device, "probe_2_target", "number"))
    assert await answer(INTENT_TARGET, "probe 2", assistant="conversation") == (
        "The target of Probe 2 is 135 °F."
    )


async def test_same_name_on_two_thermometers(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    await _assist(hass)
    big = await _thermometer(hass, virtual_proxy)
    small = await _thermometer(hass, virtual_proxy, "igrill_mini", "iGrill mini")
    await set_number(hass, big, "probe_1_target", 57)
    await set_number(hass, small, "probe_1_target", 63)
    await _expose(
        hass,
        entity_id(hass, big, "probe_1_target", "number"),
        entity_id(hass, small, "probe_1_target", "number"),
    )
    _, speech = await _ask(hass, "what is the target of probe 1")
    assert "The target of iGrill V2 Probe 1 is 57 °C." in speech
    assert "The target of iGrill mini Probe 1 is 63 °C." in speech


async def test_sentences_follow_exposure_labels_and_entries(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """Conversation set up after the thermometer; only exposed probes get sentences."""
    device = await _thermometer(hass, virtual_proxy)
    await _label(hass, device, 1, "Brisket")
    await _assist(hass)
    sensor = entity_id(hass, device, "probe_1")
    # temperature sensors are exposed by default, a target (a setting) is not
    response = await intent.async_handle(
        hass,
        "test",
        INTENT_TIME_TO_TARGET,
        {"name": {"value": "probe 2"}},
        assistant="conversation",
    )
    assert response.speech["plain"]["speech"] == "Probe 2 has no target."
    with pytest.raises(intent.IntentHandleError):
        await intent.async_handle(
            hass, "test", INTENT_TARGET, {"name": {"value": "probe 2"}}, assistant="conversation"
        )

    await _expose(hass, sensor, exposed=False)
    _, speech = await _ask(hass, "how long until the brisket is done")
    assert "Brisket" not in speech, "not exposed: not ours to answer"
    await _expose(hass, sensor)
    _, speech = await _ask(hass, "how long until the brisket is done")
    assert speech == "Brisket has no target."
    _, speech = await _ask(hass, "how much longer for probe 1")
    assert speech == "Brisket has no target."

    await _label(hass, device, 1, "Ribs")
    _, speech = await _ask(hass, "how long until the ribs are done")
    assert "Ribs" not in speech, "'are' is not in the sentences"
    _, speech = await _ask(hass, "how long until the ribs is done")
    assert speech == "Ribs has no target."
    _, speech = await _ask(hass, "how long until the brisket is done")
    assert "Brisket" not in speech

    await _expose(hass, sensor, exposed=False)
    _, speech = await _ask(hass, "how long until the ribs is done")
    assert "Ribs" not in speech
    await _expose(hass, sensor)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    _, speech = await _ask(hass, "how long until the ribs is done")
    assert "Ribs" not in speech


async def test_a_sentence_for_a_probe_gone_meanwhile(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """The answer of an intent that finds nothing is said, not raised."""
    await _assist(hass)
    await _thermometer(hass, virtual_proxy)
    result = await get_voice(hass)._async_triggered(
        {"trigger": {"id": f"{INTENT_TARGET}:pasta", "sentence": "what is the pasta target"}}
    )
    assert result.conversation_response == "There is no probe called pasta"


def test_spoken_names_and_durations() -> None:
    assert spoken("  Mom’s  RIBS! ") == "mom's ribs"
    assert spoken("(Pork) [shoulder] {1}|") == "pork shoulder 1"
    assert spoken("'-'") == ""
    assert duration(1) == "1 minute"
    assert duration(25) == "25 minutes"
    assert duration(60) == "1 hour"
    assert duration(125) == "2 hours and 5 minutes"
