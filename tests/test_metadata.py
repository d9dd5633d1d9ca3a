"""Validate manifest.json, hacs.json, services.yaml and translations.

These follow the documented rules for HACS and hassfest closely enough that a
typo, an unknown key or a translation key used in code but missing from
``translations/en.json`` fails CI instead of showing up in a user's log.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
import yaml
from homeassistant.helpers import config_validation as cv

from custom_components.kitchen_ble.library.devices.igrill import models as igrill_models

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "kitchen_ble"


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


MANIFEST = _load_json(INTEGRATION / "manifest.json")
TRANSLATIONS = _load_json(INTEGRATION / "translations" / "en.json")
ICONS = _load_json(INTEGRATION / "icons.json")

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def _local_name(value: str) -> str:
    # Home Assistant indexes name matchers by their first three characters.
    if len(value) < 3 or any(ch in value[:3] for ch in "*?["):
        raise vol.Invalid("local_name needs three literal leading characters")
    return value


def _uuid(value: str) -> str:
    if not UUID.match(value):
        raise vol.Invalid("UUIDs are written in full and in lower case")
    return value


BLUETOOTH_MATCHER = vol.All(
    vol.Schema(
        {
            vol.Optional("local_name"): vol.All(str, _local_name),
            vol.Optional("service_uuid"): vol.All(str, _uuid),
            vol.Optional("service_data_uuid"): vol.All(str, _uuid),
            vol.Optional("manufacturer_id"): int,
            vol.Optional("manufacturer_data_start"): [int],
            vol.Optional("connectable"): bool,
        }
    ),
    vol.Length(min=2),  # connectable alone matches every device
)

MANIFEST_SCHEMA = vol.Schema(
    {
        vol.Required("domain"): "kitchen_ble",
        vol.Required("name"): str,
        vol.Required("codeowners"): [vol.Match(r"^@[\w-]+$")],
        vol.Required("documentation"): vol.Url(),
        vol.Required("issue_tracker"): vol.Url(),
        vol.Required("version"): vol.Match(VERSION),
        vol.Required("iot_class"): "local_push",
        vol.Required("integration_type"): "device",
        vol.Required("config_flow"): True,
        vol.Required("dependencies"): ["bluetooth_adapters"],
        vol.Required("requirements"): [str],
        vol.Required("bluetooth"): [BLUETOOTH_MATCHER],
        vol.Optional("after_dependencies"): [str],
        vol.Optional("loggers"): [str],
    }
)

HACS_SCHEMA = vol.Schema(
    {
        vol.Required("name"): str,
        vol.Required("homeassistant"): vol.Match(VERSION),
        vol.Optional("render_readme"): bool,
        vol.Optional("country"): [str],
        vol.Optional("hide_default_branch"): bool,
        vol.Optional("zip_release"): bool,
        vol.Optional("filename"): str,
        vol.Optional("hacs"): str,
    }
)


def test_manifest_follows_the_rules() -> None:
    MANIFEST_SCHEMA(MANIFEST)
    # The bluetooth stack is Home Assistant's: never pin it.
    for requirement in MANIFEST["requirements"]:
        assert not requirement.lower().startswith(("bleak", "habluetooth", "bluetooth", "dbus"))


def test_manifest_rejects_a_bad_matcher() -> None:
    """The schema itself must catch the mistakes it exists for."""
    for bad in (
        {"local_name": "*Grill", "connectable": True},
        {"local_name": "KT", "connectable": True},
        {"service_uuid": "63C70000-4A82-4261-95FF-92CF32477861", "connectable": True},
        {"connectable": True},
        {"local_name": "iGrill*", "nonsense": 1},
    ):
        with pytest.raises(vol.Invalid):
            BLUETOOTH_MATCHER(bad)


def test_manifest_matches_every_igrill_service() -> None:
    advertised = {m["service_uuid"] for m in MANIFEST["bluetooth"] if "service_uuid" in m}
    assert advertised == set(igrill_models.TEMPERATURE_SERVICE_UUIDS)
    assert {"connectable": True, "local_name": "iGrill*"} in MANIFEST["bluetooth"]
    assert {"connectable": True, "local_name": "BlueDOT*"} in MANIFEST["bluetooth"]
    # Only the passive nodes' matcher hears non-connectable advertisements.
    passive = [m for m in MANIFEST["bluetooth"] if m.get("connectable") is not True]
    assert passive == [{"connectable": False, "manufacturer_id": 0xFFFF}]


def test_hacs_json_follows_the_rules() -> None:
    hacs = _load_json(ROOT / "hacs.json")
    HACS_SCHEMA(hacs)
    assert hacs["name"] == MANIFEST["name"]


def test_brand_images_exist() -> None:
    for name in ("icon.png", "icon@2x.png"):
        assert (INTEGRATION / "brand" / name).read_bytes().startswith(b"\x89PNG")


def _python_sources() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in INTEGRATION.rglob("*.py")]


def _keywords(name: str) -> list[ast.keyword]:
    """Every ``name=...`` keyword argument in the integration's code."""
    return [
        node
        for _path, tree in _python_sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword) and node.arg == name
    ]


def _string_kwargs(name: str) -> set[str]:
    return {
        kw.value.value
        for kw in _keywords(name)
        if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)
    }


def _connect_error_reasons() -> set[str]:
    reasons: set[str] = set()
    for _path, tree in _python_sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ConnectError"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                reasons.add(node.args[0].value)
    return reasons


def _entity_translation_keys() -> set[str]:
    return {key for platform in TRANSLATIONS["entity"].values() for key in platform}


def test_every_translation_key_in_code_is_translated() -> None:
    used = _string_kwargs("translation_key")
    known = _entity_translation_keys() | set(TRANSLATIONS.get("exceptions", {}))
    assert used, "the scan found no translation keys at all"
    assert used <= known, f"missing translations: {sorted(used - known)}"


def test_every_flow_error_and_abort_is_translated() -> None:
    errors = set(TRANSLATIONS["config"]["error"])
    aborts = set(TRANSLATIONS["config"]["abort"])
    reasons = _connect_error_reasons()
    assert reasons, "the scan found no connection error reasons"
    assert reasons <= errors, f"untranslated errors: {sorted(reasons - errors)}"
    assert _string_kwargs("reason") <= aborts
    # Shared abort keys: 2026.2 reads them from the integration.
    assert {"already_configured", "already_in_progress", "no_devices_found"} <= aborts


def test_every_config_step_is_translated() -> None:
    steps: set[str] = set()
    for _path, tree in _python_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.AsyncFunctionDef) and node.name.startswith("async_step_"):
                steps.add(node.name.removeprefix("async_step_"))
    shown = _string_kwargs("step_id")
    assert shown <= steps
    assert shown <= set(TRANSLATIONS["config"]["step"])


def test_every_entity_translation_has_an_icon_or_device_class() -> None:
    icons = {key for platform in ICONS["entity"].values() for key in platform}
    assert _entity_translation_keys() == icons


def test_services_are_described_and_translated() -> None:
    path = INTEGRATION / "services.yaml"
    services: dict[str, Any] = yaml.safe_load(path.read_text()) if path.exists() else {}
    translated = TRANSLATIONS.get("services", {})
    icon_services = ICONS.get("services", {})
    for service, spec in services.items():
        cv.slug(service)
        assert service in translated, f"service {service} has no translation"
        assert service in icon_services, f"service {service} has no icon"
        for field in (spec or {}).get("fields", {}):
            assert field in translated[service]["fields"], f"{service}.{field} untranslated"
    assert set(translated) == set(services)


def test_translation_placeholders_are_consistent() -> None:
    """A placeholder in a name must be filled by the code that uses the key."""
    placeholders = _string_kwargs_dict_keys("translation_placeholders")
    for platform in TRANSLATIONS["entity"].values():
        for key, value in platform.items():
            for name in re.findall(r"{(\w+)}", value.get("name", "")):
                assert name in placeholders, f"{key}: placeholder {name} is never filled"


def _string_kwargs_dict_keys(name: str) -> set[str]:
    return {
        key.value
        for kw in _keywords(name)
        if isinstance(kw.value, ast.Dict)
        for key in kw.value.keys
        if isinstance(key, ast.Constant)
    }
