"""The automation blueprints in blueprints/automation/kitchen_ble, run by Home Assistant.

Each blueprint is copied into the blueprint folder of a throw-away configuration
directory and used by an automation (``use_blueprint``) set up through the real
``automation`` and ``blueprint`` integrations. The tests fire ``kitchen_ble_alert``
events the way the integration does and check what the automation did:

* phone notifications go through the real ``mobile_app`` integration (a
  registration config entry, its device action and its notify service); the push
  gateway is ``aioclient_mock``, so the request the phone would get is checked and
  nothing leaves the machine;
* announcements are checked on mocked ``assist_satellite.announce`` and
  ``tts.speak`` services.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.components.blueprint import models
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import yaml as ha_yaml
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_mock_service,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (  # type: ignore[import-untyped,unused-ignore]
    AiohttpClientMocker,
)

from custom_components.kitchen_ble.library.cooking.alerts import AlertType
from emulator.proxy import VirtualProxy
from tests.ha.common import add_igrill, entity_id, settle, setup_device
from tests.ha.cooking import hold, set_number

SOURCE = Path(__file__).parents[2] / "blueprints" / "automation" / "kitchen_ble"
NOTIFY = "notify_probe_target.yaml"
ANNOUNCE = "announce_probe_target.yaml"
DROPPED = "notify_device_dropped.yaml"
ALL_BLUEPRINTS = (NOTIFY, ANNOUNCE, DROPPED)
# What the integration fires: a new alert type shows up here by itself, and the
# blueprints' choices and messages must follow it.
ALERT_TYPES = {kind.value for kind in AlertType}
PUSH_URL = "https://mobile-push.home-assistant.dev/push"
AUTOMATION = "automation.automation_0"


# --- fixtures -------------------------------------------------------------------


@pytest.fixture
def blueprint_folder(hass: HomeAssistant, tmp_path: Path) -> Iterator[Path]:
    """The blueprints, copied where Home Assistant looks for them, in a private config dir.

    The ``hass`` fixture's default configuration directory lies inside the test
    harness package, so the tests point Home Assistant at ``tmp_path`` instead.
    """
    original = hass.config.config_dir
    hass.config.config_dir = str(tmp_path)
    folder = Path(hass.config.path("blueprints", "automation", "kitchen_ble"))
    folder.mkdir(parents=True)
    for name in ALL_BLUEPRINTS:
        shutil.copy(SOURCE / name, folder / name)
    yield folder
    hass.config.config_dir = original


@pytest.fixture
def thermometers(hass: HomeAssistant) -> tuple[str, str]:
    """Two Kitchen BLE thermometers in the device registry: their device ids."""
    registry = dr.async_get(hass)
    ids = []
    for address in ("AA:BB:CC:DD:EE:01", "AA:BB:CC:DD:EE:02"):
        entry = MockConfigEntry(domain="kitchen_ble", unique_id=address)
        entry.add_to_hass(hass)
        device = registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={("kitchen_ble", address)},
            name=f"iGrill V2 {address[-2:]}",
        )
        ids.append(device.id)
    return ids[0], ids[1]


@pytest.fixture
async def phone(hass: HomeAssistant, aioclient_mock: AiohttpClientMocker) -> str:
    """A phone registered with the real mobile_app integration: its device id.

    Its notifications go to ``PUSH_URL``, which ``aioclient_mock`` answers.
    """
    aioclient_mock.post(PUSH_URL, json={})
    entry = MockConfigEntry(
        domain="mobile_app",
        source="registration",
        title="Pixel",
        version=1,
        data={
            "app_data": {"push_token": "PUSH_TOKEN", "push_url": PUSH_URL},
            "app_id": "io.homeassistant.companion.android",
            "app_name": "Home Assistant",
            "app_version": "2026.2.0",
            "device_id": "phone-1",
            "device_name": "Pixel",
            "manufacturer": "Google",
            "model": "Pixel 9",
            "os_name": "Android",
            "os_version": "16",
            "secret": "secret",
            "supports_encryption": False,
            "user_id": "user-1",
            "webhook_id": "phone-webhook",
        },
    )
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, "mobile_app", {"mobile_app": {}})
    await hass.async_block_till_done()
    assert hass.services.has_service("notify", "mobile_app_pixel")
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 1
    return devices[0].id


# --- helpers --------------------------------------------------------------------


def alert(device_id: str, **changes: Any) -> dict[str, Any]:
    """A ``kitchen_ble_alert`` payload as the integration fires it."""
    data: dict[str, Any] = {
        "device_id": device_id,
        "probe": 1,
        "label": "Brisket",
        "type": "reached",
        "temperature": 57.0,
        "target": 57.0,
        "unit": "°C",
        "name": "iGrill V2 0001",
    }
    data.update(changes)
    return data


async def use_blueprint(hass: HomeAssistant, path: str, inputs: dict[str, Any]) -> None:
    """Set up one automation made from the blueprint, and check that it loaded."""
    assert await async_setup_component(
        hass,
        "automation",
        {"automation": {"use_blueprint": {"path": f"kitchen_ble/{path}", "input": inputs}}},
    )
    await hass.async_block_till_done()
    state = hass.states.get(AUTOMATION)
    assert state is not None, "the automation was not created (invalid blueprint or inputs)"
    assert state.state == "on"


async def fire(hass: HomeAssistant, data: dict[str, Any]) -> None:
    hass.bus.async_fire("kitchen_ble_alert", data)
    await hass.async_block_till_done()


def pushes(aioclient_mock: AiohttpClientMocker) -> list[dict[str, Any]]:
    """The notifications sent to the push gateway, oldest first."""
    return [call[2] for call in aioclient_mock.mock_calls if str(call[1]) == PUSH_URL]


def load(name: str) -> dict[str, Any]:
    data = ha_yaml.load_yaml(str(SOURCE / name))
    assert isinstance(data, dict)
    return data


def keys_anywhere(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from keys_anywhere(value)
    elif isinstance(node, list):
        for value in node:
            yield from keys_anywhere(value)


def inputs_of(section: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every input of a blueprint, with the inputs of sections flattened."""
    found: dict[str, dict[str, Any]] = {}
    for key, value in section.items():
        if "selector" in value:
            found[key] = value
        else:
            found.update(inputs_of(value["input"]))
    return found


# --- the files ------------------------------------------------------------------


def test_every_blueprint_is_tested() -> None:
    brewing = {"fermentation_chamber.yaml", "notify_brew_alarm.yaml"}  # test_brewing_blueprints
    espresso = {  # test_espresso_blueprints
        "espresso_ready.yaml",
        "espresso_refill.yaml",
        "espresso_wake_schedule.yaml",
    }
    shots = {"notify_shot_done.yaml", "descale_reminder.yaml"}  # test_shot_blueprints
    assert {path.name for path in SOURCE.glob("*.yaml")} == (
        set(ALL_BLUEPRINTS) | brewing | espresso | shots
    )


@pytest.mark.parametrize("name", ALL_BLUEPRINTS)
def test_blueprint_validates(name: str) -> None:
    """Schema of the blueprint integration and of automations; 2026.2-compatible."""
    data = load(name)
    blueprint = models.Blueprint(
        data, expected_domain="automation", path=name, schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.validate() is None  # min_version <= the running release
    assert blueprint.metadata["homeassistant"]["min_version"] == "2026.2.0"
    assert blueprint.metadata["description"]
    # `visible:` is new after 2026.2 and 2026.2.3's schema rejects it.
    assert "visible" not in set(keys_anywhere(data))
    # Only triggers and conditions that 2026.2.3 knows, in the 2024.10+ spelling.
    assert [trigger["trigger"] for trigger in data["triggers"]] == ["event"]
    assert [trigger["event_type"] for trigger in data["triggers"]] == ["kitchen_ble_alert"]
    assert {condition["condition"] for condition in data["conditions"]} == {"template"}
    for key, spec in inputs_of(blueprint.metadata["input"]).items():
        assert spec.get("name"), key
        assert spec.get("description"), key
        assert spec.get("selector"), key
        if "alert_types" in key:
            options = spec["selector"]["select"]["options"]
            assert {option["value"] for option in options} == ALERT_TYPES


async def test_blueprints_are_listed(hass: HomeAssistant, blueprint_folder: Path) -> None:
    """Home Assistant's blueprint store loads all three without an error."""
    assert await async_setup_component(hass, "automation", {})

    blueprints = await async_get_blueprints(hass).async_get_blueprints()

    for name in ALL_BLUEPRINTS:
        loaded = blueprints[f"kitchen_ble/{name}"]
        assert isinstance(loaded, models.Blueprint), loaded
        assert loaded.validate() is None


async def test_the_alert_types_are_what_a_thermometers_event_entity_fires(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    """The blueprints offer every type the probe's alert entity says it fires, no other."""
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2", title="iGrill V2")
    # From the registry: the entity is disabled by default, its capabilities are kept.
    entry = er.async_get(hass).async_get(entity_id(hass, device, "probe_1_alert", "event"))
    assert entry is not None
    assert entry.capabilities is not None
    assert set(entry.capabilities["event_types"]) == ALERT_TYPES


# --- notify_probe_target --------------------------------------------------------


async def test_notify_reached_with_label(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    grill, _ = thermometers
    await use_blueprint(hass, NOTIFY, {"notify_device": phone, "thermometer": [grill]})

    await fire(hass, alert(grill))

    [push] = pushes(aioclient_mock)
    assert push["message"] == "Brisket reached 57 °C (target 57 °C)"
    assert push["title"] == "iGrill V2 0001"
    assert push["data"] == {"tag": f"kitchen_ble_{grill}_1"}
    assert push["registration_info"]["webhook_id"] == "phone-webhook"


async def test_notify_from_a_real_thermometer_in_the_users_unit(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    virtual_proxy: VirtualProxy,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """The whole way: emulated probe → integration → kitchen_ble_alert → blueprint → phone."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    device = await add_igrill(hass, virtual_proxy, "igrill_v2")
    await setup_device(hass, device, "igrill_v2", title="iGrill V2")
    hold(device, 1, 20.0)
    virtual_proxy.tick(1)
    await settle(hass)
    await set_number(hass, device, "probe_1_target", 135)
    label = entity_id(hass, device, "probe_1_label", "text")
    await hass.services.async_call(
        "text", "set_value", {"entity_id": label, "value": "Brisket"}, blocking=True
    )
    probe = er.async_get(hass).async_get(entity_id(hass, device, "probe_1"))
    assert probe is not None
    assert probe.device_id is not None
    await use_blueprint(hass, NOTIFY, {"notify_device": phone, "thermometer": [probe.device_id]})

    hold(device, 1, 58.0)
    virtual_proxy.tick(1)
    await settle(hass)

    [push] = pushes(aioclient_mock)
    assert re.fullmatch(r"Brisket reached 13[5-9](\.\d)? °F \(target 135 °F\)", push["message"])
    assert push["title"] == "iGrill V2"


async def test_notify_without_label_names_device_and_probe(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    grill, _ = thermometers
    await use_blueprint(hass, NOTIFY, {"notify_device": phone})

    await fire(hass, alert(grill, label="", probe=2, type="exceeded", temperature=60.25))

    [push] = pushes(aioclient_mock)
    assert push["message"] == "iGrill V2 0001 probe 2 is past its target: 60.2 °C (target 57 °C)"


async def test_notify_filters_device_and_type(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    grill, other = thermometers
    await use_blueprint(hass, NOTIFY, {"notify_device": phone, "thermometer": [grill]})

    await fire(hass, alert(other))  # another thermometer
    await fire(hass, alert(grill, type="approaching", temperature=52.0))  # not chosen
    await fire(hass, alert(grill, type="probe_unplugged", temperature=None))  # not chosen
    await fire(hass, alert(grill, type="reminder"))  # not chosen
    assert pushes(aioclient_mock) == []

    await fire(hass, alert(grill, type="exceeded", temperature=61.0))
    assert [push["message"] for push in pushes(aioclient_mock)] == [
        "Brisket is past its target: 61 °C (target 57 °C)"
    ]


async def test_notify_any_thermometer_when_none_chosen(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    grill, other = thermometers
    await use_blueprint(hass, NOTIFY, {"notify_device": phone})

    await fire(hass, alert(grill))
    await fire(hass, alert(other, label="Ribs", name="iGrill V2 0002"))

    assert [(push["title"], push["message"]) for push in pushes(aioclient_mock)] == [
        ("iGrill V2 0001", "Brisket reached 57 °C (target 57 °C)"),
        ("iGrill V2 0002", "Ribs reached 57 °C (target 57 °C)"),
    ]


async def test_notify_approaching_when_switched_on(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    grill, _ = thermometers
    await use_blueprint(
        hass,
        NOTIFY,
        {"notify_device": phone, "alert_types": ["reached"], "include_approaching": True},
    )

    await fire(hass, alert(grill, type="approaching", temperature=52.0, target=52.0))
    await fire(hass, alert(grill, type="exceeded", temperature=61.0))  # not chosen now
    await fire(hass, alert(grill))

    assert [push["message"] for push in pushes(aioclient_mock)] == [
        "Brisket is approaching its target: 52 °C (target 52 °C)",
        "Brisket reached 57 °C (target 57 °C)",
    ]


MESSAGES: list[tuple[dict[str, Any], str]] = [
    (
        {"type": "approaching", "temperature": 52.0},
        "Brisket is approaching its target: 52 °C (target 57 °C)",
    ),
    ({"type": "reached"}, "Brisket reached 57 °C (target 57 °C)"),
    (
        {"type": "exceeded", "temperature": 61.0},
        "Brisket is past its target: 61 °C (target 57 °C)",
    ),
    (
        {"type": "reminder", "temperature": 58.0},
        "Reminder: Brisket is still at 58 °C (target 57 °C)",
    ),
    (
        {"type": "range_left", "temperature": 131.5, "target": 130.0},
        "Brisket left its range: 131.5 °C",
    ),
    (
        {"type": "range_back", "temperature": 120.0, "target": None},
        "Brisket is back in its range: 120 °C",
    ),
    (
        {"type": "behind_schedule", "temperature": 40.0},
        "Brisket is behind schedule: 40 °C (target 57 °C)",
    ),
    ({"type": "probe_unplugged", "temperature": None, "target": None}, "Brisket was unplugged"),
    (
        {"type": "probe_inserted", "label": "", "probe": 3},
        "iGrill V2 0001 probe 3 was plugged in",
    ),
    (
        {"type": "device_disconnected", "probe": None, "temperature": None, "target": None},
        "iGrill V2 0001 dropped out of the cook",
    ),
    (
        {"type": "reached", "unit": "°F", "temperature": 135.0, "target": 135.0},
        "Brisket reached 135 °F (target 135 °F)",
    ),
]


def test_every_alert_type_has_its_message() -> None:
    """A new alert type needs its own sentence (else the template's ``label: type``)."""
    assert {changes["type"] for changes, _ in MESSAGES} == ALERT_TYPES


@pytest.mark.parametrize(("changes", "message"), MESSAGES)
async def test_notify_message_of_every_type(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
    changes: dict[str, Any],
    message: str,
) -> None:
    grill, _ = thermometers
    await use_blueprint(hass, NOTIFY, {"notify_device": phone, "alert_types": sorted(ALERT_TYPES)})

    await fire(hass, alert(grill, **changes))

    assert [push["message"] for push in pushes(aioclient_mock)] == [message]


# --- announce_probe_target ------------------------------------------------------


@pytest.fixture
def speech(hass: HomeAssistant) -> tuple[list[ServiceCall], list[ServiceCall]]:
    """Mocked assist_satellite.announce and tts.speak: the calls each received."""
    return (
        async_mock_service(hass, "assist_satellite", "announce"),
        async_mock_service(hass, "tts", "speak"),
    )


async def test_announce_on_satellites(
    hass: HomeAssistant,
    blueprint_folder: Path,
    thermometers: tuple[str, str],
    speech: tuple[list[ServiceCall], list[ServiceCall]],
) -> None:
    grill, _ = thermometers
    announce, speak = speech
    await use_blueprint(
        hass, ANNOUNCE, {"satellites": ["assist_satellite.kitchen", "assist_satellite.garden"]}
    )

    await fire(hass, alert(grill))

    [call] = announce
    assert call.data == {
        "entity_id": ["assist_satellite.kitchen", "assist_satellite.garden"],
        "message": "Brisket has reached its target of 57 degrees.",
    }
    assert speak == []


async def test_announce_with_tts_on_media_players(
    hass: HomeAssistant,
    blueprint_folder: Path,
    thermometers: tuple[str, str],
    speech: tuple[list[ServiceCall], list[ServiceCall]],
) -> None:
    grill, _ = thermometers
    announce, speak = speech
    await use_blueprint(
        hass, ANNOUNCE, {"tts_engine": "tts.piper", "speakers": ["media_player.kitchen"]}
    )

    await fire(hass, alert(grill, label="", probe=2, type="exceeded", temperature=60.6))

    [call] = speak
    assert call.data == {
        "entity_id": ["tts.piper"],
        "media_player_entity_id": ["media_player.kitchen"],
        "message": (
            "iGrill V2 0001 probe 2 is past its target, at 61 degrees; the target was 57 degrees."
        ),
    }
    assert announce == []


async def test_announce_on_both(
    hass: HomeAssistant,
    blueprint_folder: Path,
    thermometers: tuple[str, str],
    speech: tuple[list[ServiceCall], list[ServiceCall]],
) -> None:
    grill, _ = thermometers
    announce, speak = speech
    await use_blueprint(
        hass,
        ANNOUNCE,
        {
            "satellites": ["assist_satellite.kitchen"],
            "tts_engine": "tts.piper",
            "speakers": ["media_player.kitchen"],
            "include_approaching": True,
        },
    )

    await fire(hass, alert(grill, type="approaching", temperature=52.0))

    message = "Brisket is almost there, at 52 degrees of 57 degrees."
    assert [call.data["message"] for call in announce] == [message]
    assert [call.data["message"] for call in speak] == [message]


async def test_announce_tts_needs_engine_and_players(
    hass: HomeAssistant,
    blueprint_folder: Path,
    thermometers: tuple[str, str],
    speech: tuple[list[ServiceCall], list[ServiceCall]],
) -> None:
    grill, _ = thermometers
    announce, speak = speech
    await use_blueprint(hass, ANNOUNCE, {"tts_engine": "tts.piper"})

    await fire(hass, alert(grill))

    assert announce == []
    assert speak == []


async def test_announce_filters_device_and_type(
    hass: HomeAssistant,
    blueprint_folder: Path,
    thermometers: tuple[str, str],
    speech: tuple[list[ServiceCall], list[ServiceCall]],
) -> None:
    grill, other = thermometers
    announce, _ = speech
    await use_blueprint(
        hass,
        ANNOUNCE,
        {"satellites": ["assist_satellite.kitchen"], "thermometer": [grill]},
    )

    await fire(hass, alert(other))
    await fire(hass, alert(grill, type="approaching", temperature=52.0))
    await fire(hass, alert(grill, type="range_left"))
    assert announce == []

    await fire(hass, alert(grill, type="device_disconnected", probe=None))
    assert announce == []  # not in the default list either

    await fire(hass, alert(grill))
    assert [call.data["message"] for call in announce] == [
        "Brisket has reached its target of 57 degrees."
    ]


# --- notify_device_dropped ------------------------------------------------------


async def test_dropped_notifies(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    grill, _ = thermometers
    await use_blueprint(hass, DROPPED, {"notify_device": phone})

    await fire(
        hass,
        alert(
            grill, type="device_disconnected", probe=None, label="", temperature=None, target=None
        ),
    )

    [push] = pushes(aioclient_mock)
    assert push["title"] == "Thermometer disconnected"
    assert push["message"] == (
        "iGrill V2 0001 dropped out of the cook. It reconnects by itself when it is back in range."
    )
    assert push["data"] == {"tag": f"kitchen_ble_{grill}_device"}


async def test_dropped_ignores_other_alerts_and_devices(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
) -> None:
    grill, other = thermometers
    await use_blueprint(hass, DROPPED, {"notify_device": phone, "thermometer": [grill]})

    await fire(hass, alert(other, type="device_disconnected", probe=None))
    await fire(hass, alert(grill, type="probe_unplugged", temperature=None))  # not switched on
    await fire(hass, alert(grill))  # reached
    assert pushes(aioclient_mock) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "Brisket (probe 1 of iGrill V2 0001) was unplugged during the cook."),
        ({"label": ""}, "Probe 1 of iGrill V2 0001 was unplugged during the cook."),
    ],
)
async def test_dropped_probe_unplugged_when_switched_on(
    hass: HomeAssistant,
    blueprint_folder: Path,
    phone: str,
    thermometers: tuple[str, str],
    aioclient_mock: AiohttpClientMocker,
    changes: dict[str, Any],
    message: str,
) -> None:
    grill, _ = thermometers
    await use_blueprint(hass, DROPPED, {"notify_device": phone, "include_unplugged": True})

    await fire(hass, alert(grill, type="probe_unplugged", temperature=None, **changes))

    [push] = pushes(aioclient_mock)
    assert push["title"] == "Probe unplugged"
    assert push["message"] == message
