"""Voice: Assist wakes the espresso machine and answers whether it is ready and its water."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.conversation import async_converse
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component

from emulator.de1 import DE1Device
from emulator.proxy import VirtualProxy

from .common import settle
from .espresso import add_de1, advance, entity_id, link_of, setup_de1, state


async def _assist(hass: HomeAssistant) -> None:
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})


async def _expose(hass: HomeAssistant, device: DE1Device, *keys: tuple[str, str]) -> None:
    for platform, key in keys:
        async_expose_entity(hass, "conversation", entity_id(hass, device, platform, key), True)
    await settle(hass)


async def _ask(hass: HomeAssistant, text: str) -> tuple[intent.IntentResponse, str]:
    result = await async_converse(hass, text, None, Context(), language="en")
    await settle(hass)
    return result.response, result.response.speech["plain"]["speech"]


ALL = (("switch", "power"), ("binary_sensor", "ready"), ("sensor", "water_volume"))


async def test_wake_ready_and_water(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    await _assist(hass)
    device = await add_de1(hass, virtual_proxy, awake=False, water_level=20.0)
    entry = await setup_de1(hass, device, title="DE1")
    await _expose(hass, device, *ALL)
    assert link_of(entry).connected

    _, speech = await _ask(hass, "is the espresso machine ready")
    assert speech == "DE1 is asleep."

    _, speech = await _ask(hass, "wake the espresso machine")
    assert speech == "Waking DE1."
    await advance(hass, freezer, virtual_proxy, 5)
    assert state(hass, device, "switch", "power") == "on"
    _, speech = await _ask(hass, "wake up the coffee machine")
    assert speech == "DE1 is already awake."

    _, speech = await _ask(hass, "is the DE1 ready")  # by its device name too
    assert speech in ("DE1 is ready.", "DE1 is not ready yet.")
    assert (speech == "DE1 is ready.") == (state(hass, device, "binary_sensor", "ready") == "on")

    _, speech = await _ask(hass, "how much water is left in the espresso machine")
    volume = state(hass, device, "sensor", "water_volume")
    assert speech.startswith("DE1 has ")
    assert speech.endswith(" of water left.")
    assert str(round(float(volume))) in speech


async def test_only_what_is_exposed_is_answered(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    await _assist(hass)
    device = await add_de1(hass, virtual_proxy, awake=True)
    await setup_de1(hass, device, title="DE1")
    await _expose(hass, device, ("binary_sensor", "ready"))
    for entity in (("switch", "power"), ("sensor", "water_volume")):
        async_expose_entity(hass, "conversation", entity_id(hass, device, *entity), False)
    await settle(hass)

    _, speech = await _ask(hass, "is the espresso machine ready")
    assert speech.startswith("DE1 is ")
    _, speech = await _ask(hass, "wake the espresso machine")  # its Power switch is not exposed
    assert "DE1" not in speech
