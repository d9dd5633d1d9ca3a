"""Voice: Assist tells how the last shot went and how many espressos today brought.

Through the conversation agent, as a user asks, with shots pulled on the emulated DE1 and
kept in the archive.
"""

from __future__ import annotations

import os
import re
from datetime import datetime

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.conversation import async_converse
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    async_fire_time_changed,
)

from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.shots import get_shots
from custom_components.kitchen_ble.voice import INTENT_ESPRESSOS_TODAY, INTENT_LAST_SHOT
from emulator.de1 import DE1Device, create_de1
from emulator.proxy import VirtualProxy

from .common import assert_no_errors, settle
from .espresso import add_de1, entity_id, link_of, setup_de1
from .shots import action, start, until_idle

QUERY_ANSWER = intent.IntentResponseType.QUERY_ANSWER


async def _assist(hass: HomeAssistant) -> None:
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})


async def _machine(
    hass: HomeAssistant, proxy: VirtualProxy, title: str = "DE1", number: int = 1
) -> DE1Device:
    """A connected DE1 whose Last shot yield sensor is exposed to Assist."""
    if number == 1:
        device = await add_de1(hass, proxy, awake=True)
    else:
        device = proxy.add(create_de1(f"D9:B2:48:DE:00:0{number}", f"DE1 {number}", awake=True))
        proxy.advertise(device)
        await settle(hass)
    entry = await setup_de1(hass, device, title=title)
    assert link_of(entry).connected
    await _expose(hass, device)
    return device


async def _expose(hass: HomeAssistant, device: DE1Device, exposed: bool = True) -> None:
    sensor = entity_id(hass, device, "sensor", "last_shot_yield")
    async_expose_entity(hass, "conversation", sensor, exposed)
    await settle(hass)


async def _ask(hass: HomeAssistant, text: str) -> tuple[intent.IntentResponse, str]:
    result = await async_converse(hass, text, None, Context(), language="en")
    await settle(hass)
    return result.response, result.response.speech["plain"]["speech"]


async def _espresso(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, proxy: VirtualProxy, device: DE1Device
) -> None:
    """An espresso of 18 g in, 36.4 g out (a scale's weights), from the button to idle."""
    await start(hass, freezer, proxy, device)
    (entry,) = (
        e for e in hass.config_entries.async_entries("kitchen_ble") if e.unique_id == device.address
    )
    recorder = get_shots(hass).recording(link_of(entry))
    assert recorder is not None
    recorder.set_dose(18.0)
    clock = hass.loop.time()
    for tenth in range(1, 6):
        recorder.add_weight(WeightSample(clock + tenth / 10, 36.4, True))
    await until_idle(hass, freezer, proxy, device)


async def test_last_shot_and_espressos_today(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _assist(hass)
    device = await _machine(hass, virtual_proxy)

    _, speech = await _ask(hass, "how was my last shot")
    assert speech == "No shot recorded yet."
    _, speech = await _ask(hass, "how many espressos today")
    assert speech == "No espressos today."

    await _espresso(hass, freezer, virtual_proxy, device)
    (shot,) = (await action(hass, "list_shots"))["shots"]
    seconds = round(shot["duration"])
    assert 20 <= seconds <= 60, "the emulator's default espresso"
    expected = f"36.4 grams in {seconds} seconds from 18 grams, 1 to 2.0."

    _, speech = await _ask(hass, "how was my last shot")
    assert speech == expected
    # the intent itself, as a script or custom sentence uses it: about the Last shot yield
    response = await intent.async_handle(hass, "test", INTENT_LAST_SHOT, {})
    assert response.response_type is QUERY_ANSWER
    assert response.speech["plain"]["speech"] == expected
    sensor = entity_id(hass, device, "sensor", "last_shot_yield")
    assert [s.entity_id for s in response.matched_states] == [sensor]
    for text in (
        "how did the last espresso go",
        "tell me about my last shot",
        "how was the last shot of the espresso machine",  # by a name
        "how was the last shot on the DE1",
    ):
        _, speech = await _ask(hass, text)
        assert speech == expected, text

    _, speech = await _ask(hass, "how many espressos today")
    assert speech == "1 espresso today."
    await _espresso(hass, freezer, virtual_proxy, device)
    for text in (
        "how many espressos have I made today",
        "how many shots did I pull today",
        "how many espressos did the coffee machine make today",
        "how many shots on the DE1 today",
    ):
        _, speech = await _ask(hass, text)
        assert speech == "2 espressos today.", text

    # a steam or a flush is no espresso, and not the last shot either
    await start(hass, freezer, virtual_proxy, device, "steam")
    await until_idle(hass, freezer, virtual_proxy, device)
    _, speech = await _ask(hass, "how many espressos today")
    assert speech == "2 espressos today."
    _, speech = await _ask(hass, "how was my last shot")
    assert re.fullmatch(r"36\.4 grams in \d+ seconds from 18 grams, 1 to 2\.0\.", speech)
    assert_no_errors(caplog)


async def test_today_is_the_users_day(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """A shot at 01:00 on the 29th in Kiritimati (UTC+14) is 11:00 UTC on the 28th."""
    await hass.config.async_update(time_zone="Pacific/Kiritimati")
    freezer.move_to(datetime.fromisoformat("2026-05-28T11:00:00+00:00"))
    await _assist(hass)
    device = await _machine(hass, virtual_proxy)
    await _espresso(hass, freezer, virtual_proxy, device)

    for moment, said in (
        ("2026-05-29T09:00:00+00:00", "1 espresso today."),  # 23:00 local: still the 29th
        ("2026-05-29T10:30:00+00:00", "No espressos today."),  # 00:30 local on the 30th
    ):
        when = datetime.fromisoformat(moment)
        freezer.move_to(when)
        async_fire_time_changed(hass, dt_util.as_utc(when))
        await settle(hass)
        _, speech = await _ask(hass, "how many espressos today")
        assert speech == said, moment


async def test_several_machines_and_what_is_exposed(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    await _assist(hass)
    first = await _machine(hass, virtual_proxy)
    second = await _machine(hass, virtual_proxy, "Office DE1", 2)
    await _espresso(hass, freezer, virtual_proxy, first)

    _, speech = await _ask(hass, "how was my last shot")
    assert re.fullmatch(
        r"DE1: 36\.4 grams in \d+ seconds from 18 grams, 1 to 2\.0\. "
        r"Office DE1: no shot recorded yet\.",
        speech,
    ), speech
    _, speech = await _ask(hass, "how many espressos today")
    assert speech == "DE1: 1 espresso today. Office DE1: no espressos today."
    _, speech = await _ask(hass, "how was the last shot of the office DE1")
    assert speech == "No shot recorded yet."

    # the first machine's sensor hidden from Assist: only the second is told of
    await _expose(hass, first, exposed=False)
    _, speech = await _ask(hass, "how many espressos today")
    assert speech == "No espressos today."
    _, speech = await _ask(hass, "how was the last shot of the DE1")
    assert "grams" not in speech
    await _expose(hass, second, exposed=False)
    _, speech = await _ask(hass, "how was my last shot")  # no sentence left to match
    assert "grams" not in speech
    assert "No shot" not in speech


async def test_the_intents_without_assist(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    """A script or custom sentence: a name that is no machine, a record whose file is gone."""
    await _assist(hass)
    device = await _machine(hass, virtual_proxy)
    with pytest.raises(intent.IntentHandleError, match="no espresso machine called Gaggia"):
        await intent.async_handle(
            hass, "test", INTENT_LAST_SHOT, {"name": {"value": "Gaggia"}}, assistant="conversation"
        )
    response = await intent.async_handle(hass, "test", INTENT_ESPRESSOS_TODAY, {})
    assert response.speech["plain"]["speech"] == "No espressos today."

    await _espresso(hass, freezer, virtual_proxy, device)
    (shot,) = (await action(hass, "list_shots"))["shots"]
    os.remove(os.path.join(get_shots(hass).archive.directory, f"{shot['id']}.json"))
    response = await intent.async_handle(
        hass, "test", INTENT_LAST_SHOT, {"name": {"value": "espresso machine"}}
    )
    assert response.speech["plain"]["speech"] == "I can't read the last shot."


async def test_no_machine_at_all(hass: HomeAssistant) -> None:
    await _assist(hass)
    assert await async_setup_component(hass, "kitchen_ble", {})
    with pytest.raises(intent.IntentHandleError, match=r"^There is no espresso machine$"):
        await intent.async_handle(hass, "test", INTENT_LAST_SHOT, {})
