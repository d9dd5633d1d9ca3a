"""The shot blueprints: notify when a shot is done (with its graph), remind to descale.

Run by Home Assistant's ``automation`` and ``blueprint`` integrations; the notifications go
through the real ``mobile_app`` notify action to a mocked push gateway (``phone``). Events
and states are given as the integration makes them, and once the whole way from the
emulated DE1.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.components.blueprint import models
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped,unused-ignore]
    AiohttpClientMocker,
)

from custom_components.kitchen_ble.library.devices.scale import WeightSample
from custom_components.kitchen_ble.shots import get_shots
from emulator.proxy import VirtualProxy
from tests.ha.espresso import connected_de1, entity_id, link_of, set_number
from tests.ha.shots import pull, start, until_idle

from .test_blueprints import SOURCE, inputs_of, keys_anywhere, load, phone, pushes, use_blueprint

NOTIFY = "notify_shot_done.yaml"
DESCALE = "descale_reminder.yaml"
SHOTS = (NOTIFY, DESCALE)
NOTIFY_ACTION = "notify.mobile_app_pixel"  # the phone fixture's
__all__ = ["phone"]  # a fixture


@pytest.fixture
def shot_folder(hass: HomeAssistant, tmp_path: Path) -> Iterator[Path]:
    original = hass.config.config_dir
    hass.config.config_dir = str(tmp_path)
    folder = Path(hass.config.path("blueprints", "automation", "kitchen_ble"))
    folder.mkdir(parents=True)
    for name in SHOTS:
        shutil.copy(SOURCE / name, folder / name)
    yield folder
    hass.config.config_dir = original


@pytest.fixture
def machines(hass: HomeAssistant) -> tuple[str, str]:
    """Two espresso machines in the registries, the first with its Last shot image."""
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    ids = []
    for address, name in (("D9:B2:48:DE:00:01", "DE1"), ("D9:B2:48:DE:00:02", "Office DE1")):
        entry = MockConfigEntry(domain="kitchen_ble", unique_id=address)
        entry.add_to_hass(hass)
        device = devices.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={("kitchen_ble", address)}, name=name
        )
        ids.append(device.id)
    entities.async_get_or_create(
        "image",
        "kitchen_ble",
        "D9:B2:48:DE:00:01_last_shot_chart",
        suggested_object_id="de1_last_shot",
        device_id=ids[0],
    )
    return ids[0], ids[1]


def shot(device_id: str, **changes: Any) -> dict[str, Any]:
    """A ``kitchen_ble_shot_completed`` payload as the integration fires it (curves left out)."""
    summary: dict[str, Any] = {
        "id": "01JSHOT",
        "kind": "espresso",
        "status": "complete",
        "duration": 28.4,
        "dose": 18.0,
        "yield": 36.2,
        "ratio": 2.01,
        "volume": 41.0,
        "profile": "Blooming",
    }
    summary.update(changes)
    return {"device_id": device_id, "name": "DE1", "summary": summary, "curves": None}


async def fire(hass: HomeAssistant, data: dict[str, Any]) -> None:
    hass.bus.async_fire("kitchen_ble_shot_completed", data)
    await hass.async_block_till_done()


# --- the files ------------------------------------------------------------------


@pytest.mark.parametrize("name", SHOTS)
def test_blueprint_validates(name: str) -> None:
    data = load(name)
    blueprint = models.Blueprint(
        data, expected_domain="automation", path=name, schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.validate() is None
    assert blueprint.metadata["homeassistant"]["min_version"] == "2026.2.0"
    assert blueprint.metadata["description"]
    assert "visible" not in set(keys_anywhere(data))  # new after 2026.2
    assert {trigger["trigger"] for trigger in data["triggers"]} <= {"event", "template"}
    for key, spec in inputs_of(blueprint.metadata["input"]).items():
        assert spec.get("name"), key
        assert spec.get("description"), key
        assert spec.get("selector"), key


async def test_blueprints_are_listed(hass: HomeAssistant, shot_folder: Path) -> None:
    """Home Assistant's blueprint store loads both without an error."""
    assert await async_setup_component(hass, "automation", {})

    blueprints = await async_get_blueprints(hass).async_get_blueprints()

    for name in SHOTS:
        loaded = blueprints[f"kitchen_ble/{name}"]
        assert isinstance(loaded, models.Blueprint), loaded
        assert loaded.validate() is None


# --- notify_shot_done -----------------------------------------------------------


async def test_notify_espresso_with_its_graph(
    hass: HomeAssistant,
    shot_folder: Path,
    phone: str,
    machines: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    de1, _ = machines
    await use_blueprint(hass, NOTIFY, {"notify_action": NOTIFY_ACTION})

    await fire(hass, shot(de1))

    [push] = pushes(aioclient_mock)
    assert push["title"] == "DE1"
    assert push["message"] == "Espresso: 36.2 g in 28 s from 18.0 g (1:2.0), Blooming"
    assert push["data"] == {
        "image": "/api/image_proxy/image.de1_last_shot",
        "tag": f"kitchen_ble_shot_{de1}",
    }
    assert push["registration_info"]["webhook_id"] == "phone-webhook"


MESSAGES: list[tuple[dict[str, Any], str]] = [
    ({"profile": None}, "Espresso: 36.2 g in 28 s from 18.0 g (1:2.0)"),
    ({"yield": None, "ratio": None}, "Espresso: 41 mL in 28 s from 18.0 g, Blooming"),
    ({"dose": None, "ratio": None}, "Espresso: 36.2 g in 28 s, Blooming"),
    (
        {"status": "incomplete", "duration": 12.6, "yield": 9.0, "ratio": 0.5},
        "Espresso: 9.0 g in 13 s from 18.0 g (1:0.5), Blooming (incomplete)",
    ),
    ({"kind": "steam", "duration": 45.2}, "Steam: 45 s"),
    ({"kind": "flush", "duration": 4.0}, "Flush: 4 s"),
    (
        {"kind": "hot_water", "yield": None, "volume": 150.2, "duration": 30.0},
        "Hot water: 150 mL in 30 s",
    ),
]


@pytest.mark.parametrize(("changes", "message"), MESSAGES)
async def test_notify_message(
    hass: HomeAssistant,
    shot_folder: Path,
    phone: str,
    machines: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
    changes: dict[str, Any],
    message: str,
) -> None:
    de1, _ = machines
    kinds = ["espresso", "hot_water", "steam", "flush"]
    await use_blueprint(hass, NOTIFY, {"notify_action": NOTIFY_ACTION, "kinds": kinds})

    await fire(hass, shot(de1, **changes))

    [push] = pushes(aioclient_mock)
    assert push["message"] == message
    # the graph is an espresso's
    assert ("image" in push["data"]) == (changes.get("kind", "espresso") == "espresso")


async def test_notify_filters_machine_and_kind(
    hass: HomeAssistant,
    shot_folder: Path,
    phone: str,
    machines: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    de1, office = machines
    await use_blueprint(
        hass, NOTIFY, {"notify_action": NOTIFY_ACTION, "espresso_machine": [office]}
    )

    await fire(hass, shot(de1))  # another machine
    await fire(hass, shot(office, kind="steam"))  # espressos only, by default
    await fire(hass, shot(office, kind="flush"))
    assert pushes(aioclient_mock) == []

    await fire(hass, {**shot(office), "name": "Office DE1"})
    [push] = pushes(aioclient_mock)
    assert push["title"] == "Office DE1"
    # the office machine has no image entity: the message goes without one
    assert push["data"] == {"tag": f"kitchen_ble_shot_{office}"}


async def test_notify_without_the_graph_when_switched_off(
    hass: HomeAssistant,
    shot_folder: Path,
    phone: str,
    machines: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    de1, _ = machines
    await use_blueprint(hass, NOTIFY, {"notify_action": NOTIFY_ACTION, "attach_graph": False})

    await fire(hass, shot(de1))

    [push] = pushes(aioclient_mock)
    assert push["data"] == {"tag": f"kitchen_ble_shot_{de1}"}


async def test_notify_a_shot_pulled_on_the_machine(
    hass: HomeAssistant,
    shot_folder: Path,
    phone: str,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """The whole way: emulated DE1 → record archived → event → blueprint → phone."""
    device, entry = await connected_de1(hass, virtual_proxy)
    image = entity_id(hass, device, "image", "last_shot_chart")
    await use_blueprint(hass, NOTIFY, {"notify_action": NOTIFY_ACTION})

    await start(hass, freezer, virtual_proxy, device)
    recorder = get_shots(hass).recording(link_of(entry))
    assert recorder is not None
    recorder.set_dose(18.0)
    clock = hass.loop.time()
    for tenth in range(1, 6):
        recorder.add_weight(WeightSample(clock + tenth / 10, 36.4, True))
    await until_idle(hass, freezer, virtual_proxy, device)

    [push] = pushes(aioclient_mock)
    (listed,) = get_shots(hass).list_shots(1, 10)["shots"]
    seconds = round(listed["duration"])
    assert push["title"] == "DE1"
    assert push["message"] == f"Espresso: 36.4 g in {seconds} s from 18.0 g (1:2.0)"
    assert push["data"]["image"] == f"/api/image_proxy/{image}"
    state = hass.states.get(image)
    assert state is not None
    assert state.state != "unknown", "the image shows the shot the phone is told of"


# --- descale_reminder -----------------------------------------------------------

SENSOR = "sensor.de1_shots_since_descale"
REMINDER = "number.de1_shots_until_descale_reminder"


async def _set(hass: HomeAssistant, entity: str, value: str) -> None:
    hass.states.async_set(entity, value)
    await hass.async_block_till_done()


async def test_descale_reminder_when_the_count_reaches_the_reminder(
    hass: HomeAssistant, shot_folder: Path, phone: str, aioclient_mock: AiohttpClientMocker
) -> None:
    await _set(hass, SENSOR, "998")
    await _set(hass, REMINDER, "1000.0")
    await use_blueprint(
        hass,
        DESCALE,
        {"shots_sensor": SENSOR, "reminder_number": REMINDER, "notify_action": NOTIFY_ACTION},
    )

    await _set(hass, SENSOR, "999")
    assert pushes(aioclient_mock) == []
    await _set(hass, SENSOR, "1000")
    [push] = pushes(aioclient_mock)
    assert push["title"] == "Time to descale"
    assert push["message"] == (
        "The espresso machine has made 1000 espressos since its last descale. Run its "
        "descale program, or press its Descale done button after descaling another way."
    )
    assert push["data"] == {"tag": f"kitchen_ble_descale_{SENSOR}"}

    await _set(hass, SENSOR, "1001")  # still due: no second reminder
    await _set(hass, SENSOR, "unavailable")
    await _set(hass, SENSOR, "0")  # descaled
    await _set(hass, SENSOR, "999")
    assert len(pushes(aioclient_mock)) == 1
    await _set(hass, SENSOR, "1000")  # due again
    assert len(pushes(aioclient_mock)) == 2

    await _set(hass, SENSOR, "0")
    await _set(hass, REMINDER, "0.0")  # the reminder turned off
    await _set(hass, SENSOR, "5")
    assert len(pushes(aioclient_mock)) == 2


async def test_descale_reminder_from_the_machine(
    hass: HomeAssistant,
    shot_folder: Path,
    phone: str,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """The whole way: a reminder of 2 shots, two espressos pulled on the emulated DE1."""
    device, _ = await connected_de1(hass, virtual_proxy)
    await set_number(hass, freezer, virtual_proxy, device, "descale_reminder", 2)
    sensor = entity_id(hass, device, "sensor", "shots_since_descale")
    reminder = entity_id(hass, device, "number", "descale_reminder")
    await use_blueprint(
        hass,
        DESCALE,
        {"shots_sensor": sensor, "reminder_number": reminder, "notify_action": NOTIFY_ACTION},
    )

    await pull(hass, freezer, virtual_proxy, device)
    assert pushes(aioclient_mock) == []
    await pull(hass, freezer, virtual_proxy, device)

    [push] = pushes(aioclient_mock)
    assert push["message"].startswith("DE1 has made 2 espressos since its last descale.")
    registry = er.async_get(hass).async_get(sensor)
    assert registry is not None
    assert push["data"] == {"tag": f"kitchen_ble_descale_{registry.device_id}"}
