"""Validate manifest.json, hacs.json, services.yaml, translations and icons.

These follow the documented rules for HACS and hassfest closely enough that a
typo, an unknown key, a translation key used in code but missing from
``translations/en.json`` (or a key there that no code uses any more), or a
language file that lacks a key of English fails CI instead of showing up in a
user's log.
"""

from __future__ import annotations

import ast
import copy
import importlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, is_typeddict

import pytest
import voluptuous as vol
import yaml
from homeassistant.const import Platform
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.entity import EntityDescription

from custom_components.kitchen_ble.library.brewing import program as brewing_program
from custom_components.kitchen_ble.library.devices.igrill import models as igrill_models
from custom_components.kitchen_ble.library.espresso.profiles import errors as profile_errors

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
    # besides BooKoo's own scale service (scales.md §5.1)
    bookoo = "00000ffe-0000-1000-8000-00805f9b34fb"
    assert advertised == {*igrill_models.TEMPERATURE_SERVICE_UUIDS, bookoo}
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


def _string_kwargs_dict_keys(name: str) -> set[str]:
    return {
        key.value
        for kw in _keywords(name)
        if isinstance(kw.value, ast.Dict)
        for key in kw.value.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def _entity_translation_keys() -> set[str]:
    return {key for platform in TRANSLATIONS["entity"].values() for key in platform}


def test_every_config_step_is_translated() -> None:
    steps: set[str] = set()
    for _path, tree in _python_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.AsyncFunctionDef) and node.name.startswith("async_step_"):
                steps.add(node.name.removeprefix("async_step_"))
    shown = _string_kwargs("step_id")
    assert shown <= steps
    assert shown <= set(TRANSLATIONS["config"]["step"]) | set(TRANSLATIONS["options"]["step"])


def test_every_entity_translation_has_an_icon_or_device_class() -> None:
    icons = {key for platform in ICONS["entity"].values() for key in platform}
    assert _entity_translation_keys() == icons


def _services_yaml() -> dict[str, Any]:
    path = INTEGRATION / "services.yaml"
    services: dict[str, Any] = yaml.safe_load(path.read_text()) if path.exists() else {}
    return services


def test_services_are_described_and_translated() -> None:
    services = _services_yaml()
    translated = TRANSLATIONS.get("services", {})
    icon_services = ICONS.get("services", {})
    for service, spec in services.items():
        cv.slug(service)
        assert service in translated, f"service {service} has no translation"
        assert service in icon_services, f"service {service} has no icon"
        fields = set((spec or {}).get("fields", {}))
        assert set(translated[service].get("fields", {})) == fields, f"{service}: fields differ"
    assert set(translated) == set(services)
    assert _code_usage().services == set(services), "services.yaml and the code differ"


def test_translation_placeholders_are_consistent() -> None:
    """A placeholder in a name must be filled by the code that uses the key."""
    placeholders = _string_kwargs_dict_keys("translation_placeholders")
    for platform in TRANSLATIONS["entity"].values():
        for key, value in platform.items():
            for name in re.findall(r"{(\w+)}", value.get("name", "")):
                assert name in placeholders, f"{key}: placeholder {name} is never filled"


# --- every language has what English has ----------------------------------------------

LANGUAGES = sorted(path.name for path in (INTEGRATION / "translations").glob("*.json"))
PLACEHOLDER = re.compile(r"{(\w+)}")


def _leaves(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Every string of a translation file by its dotted path (anything else as it is)."""
    if not isinstance(tree, dict):
        return {prefix: tree}
    found: dict[str, Any] = {}
    for key, value in tree.items():
        found |= _leaves(value, f"{prefix}.{key}" if prefix else key)
    return found


def _language_problems(english: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """What a language file lacks, has too much or words with other placeholders."""
    ours, theirs = _leaves(english), _leaves(other)
    problems = [f"missing {path}" for path in sorted(ours.keys() - theirs.keys())]
    problems += [f"extra {path}" for path in sorted(theirs.keys() - ours.keys())]
    for path in sorted(ours.keys() & theirs.keys()):
        if not isinstance(theirs[path], str):
            problems.append(f"not text: {path}")
        elif set(PLACEHOLDER.findall(ours[path])) != set(PLACEHOLDER.findall(theirs[path])):
            problems.append(f"placeholders of {path}")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_the_keys_and_placeholders_of_english(language: str) -> None:
    other = _load_json(INTEGRATION / "translations" / language)
    assert _language_problems(TRANSLATIONS, other) == []


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(tree: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            tree = tree[key]
        del tree[last]

    return change


def _put(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(tree: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            tree = tree.setdefault(key, {})
        tree[last] = value

    return change


def _reword(path: str, old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def change(tree: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            tree = tree[key]
        assert old in tree[last]
        tree[last] = tree[last].replace(old, new)

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_drop("config.step.user.description"), "missing config.step.user.description"),
        (_drop("exceptions.no_steps"), "missing exceptions.no_steps.message"),
        (_put("entity.sensor.propane.unit", "%"), "extra entity.sensor.propane.unit"),
        (_put("exceptions.no_steps", "Kein Schritt"), "missing exceptions.no_steps.message"),
        (_put("config.abort.not_supported", 1), "not text: config.abort.not_supported"),
        (
            _reword("exceptions.too_many_steps.message", "{count}", "viele"),
            "placeholders of exceptions.too_many_steps.message",
        ),
        (
            _reword("entity.button.program_start.name", "{program}", "{programm}"),
            "placeholders of entity.button.program_start.name",
        ),
        (
            _reword("config.step.user.description", ".", " {name}."),
            "placeholders of config.step.user.description",
        ),
    ],
)
def test_a_language_file_that_differs_from_english_fails(
    change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    german = copy.deepcopy(_load_json(INTEGRATION / "translations" / "de.json"))
    assert _language_problems(TRANSLATIONS, german) == []
    change(german)
    assert problem in _language_problems(TRANSLATIONS, german)


# --- what the code shows: a static reading of the integration -------------------------
#
# Translation keys are often made, not written: f"probe_{kind}" with ``kind``
# a parameter, ``err.key`` of a ProgramError raised in the library, the states
# of an enum. ``Code`` reads the sources and tells every string an expression
# can hold: it follows parameters to their call sites, names to what they are
# bound to (assignments, loops, comprehensions over literal dicts and lists,
# imports), ``obj.attr`` to the ``self.attr = ...`` of obj's class, and a
# parameter checked with ``if key not in TABLE: raise`` to TABLE's keys. An
# expression it cannot follow fails the test with its place in the code.

PACKAGE = "custom_components.kitchen_ble"
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_STR_METHODS = frozenset({"removeprefix", "removesuffix", "lower", "upper", "strip"})
_CONTAINERS = frozenset({"list", "tuple", "set", "frozenset", "sorted"})

type _Function = ast.FunctionDef | ast.AsyncFunctionDef
type _Item = ast.expr | tuple[ast.expr, ast.expr]  # an element, or a dict's (key, value)
type _Bound = Mapping[_Function, ast.Call]  # a function read for one call only


class Unresolved(Exception):
    """The reading cannot tell which strings an expression holds."""

    def __init__(self, code: Code, node: ast.AST, why: str = "") -> None:
        where = f"{code.module_of.get(node, '?')}:{getattr(node, 'lineno', '?')}"
        super().__init__(f"{where}: cannot follow {ast.unparse(node)!r} {why}".strip())


def _names(target: ast.expr) -> set[str]:
    return {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}


def _params(func: _Function | ast.Lambda) -> list[ast.arg]:
    args = func.args
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]


class Code:
    """The integration's modules (and ``extra`` ones, for tests), read once."""

    def __init__(self, root: Path, extra: Mapping[str, str] | None = None) -> None:
        sources = {}
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            package = parts[-1] == "__init__"
            sources[".".join(parts[:-1] if package else parts)] = (path.read_text(), package)
        for name, text in (extra or {}).items():
            sources[name] = (text, False)
        self.modules: dict[str, ast.Module] = {}
        self.module_of: dict[ast.AST, str] = {}
        self.parent: dict[ast.AST, ast.AST] = {}
        self.imports: dict[str, dict[str, tuple[str, str]]] = {}
        # every node by its exact type and module, walked once (``nodes`` is asked often)
        self._by_type: dict[tuple[str, type[ast.AST]], list[ast.AST]] = defaultdict(list)
        for name, (text, package) in sources.items():
            tree = self.modules[name] = ast.parse(text)
            for node in ast.walk(tree):
                self.module_of[node] = name
                self._by_type[name, type(node)].append(node)
                for child in ast.iter_child_nodes(node):
                    self.parent[child] = node
            self.imports[name] = self._imports(name if package else name.rpartition(".")[0], tree)
        self._definitions: dict[tuple[str, str], list[ast.AST]] = {}
        self.called: dict[ast.AST, list[ast.Call]] = defaultdict(list)
        for name, tree in self.modules.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    for target in self.definitions(name, node.func.id):
                        self.called[target].append(node)
        self._active: set[ast.AST] = set()

    @staticmethod
    def _imports(package: str, tree: ast.Module) -> dict[str, tuple[str, str]]:
        """Local name -> (module, name) of every ``from ... import ...``."""
        found: dict[str, tuple[str, str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package.rsplit(".", node.level - 1)[0] if node.level else ""
                source = ".".join(part for part in (base, node.module) if part)
                for alias in node.names:
                    found[alias.asname or alias.name] = (source, alias.name)
        return found

    def nodes(self, kind: type[ast.AST], module: str | None = None) -> Iterator[Any]:
        for name in self.modules:
            if module is None or name == module:
                yield from self._by_type.get((name, kind), ())

    def definitions(self, module: str, name: str) -> list[ast.AST]:
        """What ``name`` at the top of ``module`` is: functions, classes, assigned values."""
        if (module, name) not in self._definitions:
            self._definitions[module, name] = []  # a cycle of imports finds nothing
            found: list[ast.AST] = []
            for stmt in self._top_level(self.modules.get(module)):
                match stmt:
                    case ast.FunctionDef() | ast.AsyncFunctionDef() | ast.ClassDef() if (
                        stmt.name == name
                    ):
                        found.append(stmt)
                    case (
                        ast.Assign(targets=[target, *_], value=value)
                        | ast.AnnAssign(target=target, value=ast.expr() as value)
                    ) if name in _names(target):
                        found.append(value)
            if not found and name in self.imports.get(module, {}):
                found = self.definitions(*self.imports[module][name])
            self._definitions[module, name] = found
        return self._definitions[module, name]

    @staticmethod
    def _top_level(tree: ast.Module | None) -> Iterator[ast.stmt]:
        todo = list(tree.body) if tree else []
        while todo:
            stmt = todo.pop(0)
            yield stmt
            if isinstance(stmt, (ast.If, ast.Try)):
                todo += [*stmt.body, *stmt.orelse, *getattr(stmt, "finalbody", [])]
                todo += [s for handler in getattr(stmt, "handlers", []) for s in handler.body]

    def runtime(self, node: ast.expr) -> Any:
        """The value of ``node`` (module-level names only) in the imported module."""
        module = importlib.import_module(self.module_of[node])
        try:
            return eval(ast.unparse(node), vars(module))  # our own source, module-level names
        except NameError as err:
            raise Unresolved(self, node, "(not a module-level value)") from err

    # --- strings ----------------------------------------------------------------

    def strings(self, node: ast.expr, bound: _Bound | None = None) -> set[str]:
        """Every string ``node`` can hold."""
        if node in self._active:
            return set()  # a cycle (an error re-raised with its own key) adds nothing
        self._active.add(node)
        try:
            found = self._strings(node, bound or {})
        finally:
            self._active.discard(node)
        return found - self._ruled_out(node)

    def _strings(self, node: ast.expr, bound: _Bound) -> set[str]:
        match node:
            case ast.Constant(value=str() as value):
                return {value}
            case ast.Constant(value=None):
                return set()  # no key at all
            case ast.JoinedStr(values=parts):
                found = {""}
                for part in parts:
                    found = {a + b for a in found for b in self.strings(part, bound)}
                return found
            case ast.FormattedValue(value=value, conversion=-1, format_spec=None):
                return self.strings(value, bound)
            case ast.Name():
                return self._union(self.origins(node, bound), bound)
            case ast.Attribute(value=ast.Name() as owner, attr=attr):
                return self._union(self._attribute(owner, attr), bound)
            case ast.Call(func=ast.Attribute(value=mapping, attr="get"), args=[_, *default]):
                values = [value for _, value in self._pairs(mapping, bound)]  # or None
                return self._union([*values, *default], bound)
            case ast.Call(func=ast.Attribute(value=value, attr=method), args=args) if (
                method in _STR_METHODS
                and not node.keywords
                and all(isinstance(a, ast.Constant) for a in args)
            ):
                constants = [arg.value for arg in args if isinstance(arg, ast.Constant)]
                return {getattr(s, method)(*constants) for s in self.strings(value, bound)}
        raise Unresolved(self, node)

    def _union(self, nodes: Iterable[_Item], bound: _Bound) -> set[str]:
        found: set[str] = set()
        for item in nodes:
            if isinstance(item, tuple):
                raise Unresolved(self, item[0], "(a pair, not a string)")
            found |= self.strings(item, bound)
        return found

    def _ruled_out(self, node: ast.expr) -> set[str]:
        """Values an earlier ``if <node> == "value": return`` of the same block rules out."""
        shape, ruled_out = ast.dump(node), set()
        child: ast.AST = node
        while (parent := self.parent.get(child)) is not None and not isinstance(child, _SCOPES):
            for block in (getattr(parent, field, None) for field in ("body", "orelse")):
                if isinstance(block, list) and any(stmt is child for stmt in block):
                    for stmt in block[: [id(s) for s in block].index(id(child))]:
                        match stmt:
                            case ast.If(
                                test=ast.Compare(
                                    left=left,
                                    ops=[ast.Eq()],
                                    comparators=[ast.Constant(value=str() as value)],
                                ),
                                body=[*_, ast.Return() | ast.Raise()],
                                orelse=[],
                            ) if ast.dump(left) == shape:
                                ruled_out.add(value)
            child = parent
        return ruled_out

    # --- names --------------------------------------------------------------------

    def origins(self, name: ast.Name, bound: _Bound) -> list[_Item]:
        """The expressions ``name`` can be bound to where it is read."""
        for scope in self.ancestors(name):
            if isinstance(scope, _COMPREHENSIONS):
                for generator in scope.generators:
                    if name.id in _names(generator.target):
                        items = self.elements(generator.iter, bound)
                        return self._unpack(generator.target, name.id, items)
            elif isinstance(scope, _SCOPES):
                if name.id in {arg.arg for arg in _params(scope)}:
                    return self._parameter(scope, name.id, bound)
                if (local := self._local(scope, name.id, bound)) is not None:
                    return local
        module = self.module_of[name]
        found: list[_Item] = [
            d for d in self.definitions(module, name.id) if isinstance(d, ast.expr)
        ]
        if found:
            return found
        if name.id in self.imports[module] and not self.definitions(module, name.id):
            source, original = self.imports[module][name.id]
            if source.split(".")[0] != PACKAGE.split(".")[0]:  # Home Assistant's own constants
                value = getattr(importlib.import_module(source), original, None)
                if isinstance(value, str):
                    return [ast.Constant(value)]
        raise Unresolved(self, name)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        while (node := self.parent.get(node)) is not None:  # type: ignore[assignment]
            yield node

    def _local(self, func: _Function | ast.Lambda, name: str, bound: _Bound) -> list[_Item] | None:
        """What assignments and loops in ``func`` (not in functions inside it) bind to ``name``."""
        found: list[_Item] = []
        seen = False
        todo: list[ast.AST] = list(ast.iter_child_nodes(func))
        while todo:
            node = todo.pop()
            if isinstance(node, (*_SCOPES, ast.ClassDef, *_COMPREHENSIONS)):
                continue
            todo += ast.iter_child_nodes(node)
            match node:
                case (
                    ast.Assign(targets=[target], value=value)
                    | ast.AnnAssign(target=target, value=ast.expr() as value)
                    | ast.NamedExpr(target=target, value=value)
                ) if name in _names(target):
                    seen = True
                    found += self._unpack(target, name, [value])
                case ast.For(target=target, iter=iterable) if name in _names(target):
                    seen = True
                    found += self._unpack(target, name, self.elements(iterable, bound))
                case ast.ExceptHandler(name=str() as caught) if caught == name:
                    raise Unresolved(self, node, "(an exception, not a string)")
        return found if seen else None

    def _unpack(self, target: ast.expr, name: str, items: list[_Item]) -> list[_Item]:
        """What ``name`` in ``target`` takes from each item assigned to ``target``."""
        if isinstance(target, ast.Name):
            return items
        if not isinstance(target, (ast.Tuple, ast.List)):
            raise Unresolved(self, target)
        index = next(i for i, part in enumerate(target.elts) if name in _names(part))
        found: list[_Item] = []
        for item in items:
            parts = item if isinstance(item, tuple) else getattr(item, "elts", None)
            if parts is None or len(parts) != len(target.elts):
                raise Unresolved(self, target, "(unpacks something the reading cannot split)")
            found += self._unpack(target.elts[index], name, [parts[index]])
        return found

    def elements(self, node: ast.expr, bound: _Bound) -> list[_Item]:
        """What iterating ``node`` yields."""
        match node:
            case ast.List(elts=elts) | ast.Tuple(elts=elts) | ast.Set(elts=elts):
                found: list[_Item] = []
                for elt in elts:
                    found += (
                        self.elements(elt.value, bound) if isinstance(elt, ast.Starred) else [elt]
                    )
                return found
            case ast.Dict():
                return [key for key, _ in self._pairs(node, bound)]
            case ast.Call(func=ast.Attribute(value=mapping, attr="items"), args=[]):
                return list(self._pairs(mapping, bound))
            case ast.Call(func=ast.Attribute(value=mapping, attr="keys"), args=[]):
                return [key for key, _ in self._pairs(mapping, bound)]
            case ast.Call(func=ast.Attribute(value=mapping, attr="values"), args=[]):
                return [value for _, value in self._pairs(mapping, bound)]
            case ast.Call(func=ast.Name(id=container), args=[inner]) if container in _CONTAINERS:
                return self.elements(inner, bound)
            case ast.Name():
                return [e for o in self.origins(node, bound) for e in self._elements_of(o, bound)]
        raise Unresolved(self, node, "(not a literal collection)")

    def _elements_of(self, item: _Item, bound: _Bound) -> list[_Item]:
        if isinstance(item, tuple):
            raise Unresolved(self, item[0], "(a pair, not a collection)")
        return self.elements(item, bound)

    def _pairs(self, node: ast.expr, bound: _Bound) -> list[tuple[ast.expr, ast.expr]]:
        """The (key, value) expressions of a literal dict."""
        if isinstance(node, ast.Name):
            return [p for o in self.origins(node, bound) for p in self._pairs(self._expr(o), bound)]
        if not isinstance(node, ast.Dict):
            raise Unresolved(self, node, "(not a literal dict)")
        found: list[tuple[ast.expr, ast.expr]] = []
        for key, value in zip(node.keys, node.values, strict=True):
            found += self._pairs(value, bound) if key is None else [(key, value)]
        return found

    def _expr(self, item: _Item) -> ast.expr:
        if isinstance(item, tuple):
            raise Unresolved(self, item[0], "(a pair, not a dict)")
        return item

    # --- parameters and call sites ------------------------------------------------

    def _parameter(self, func: _Function | ast.Lambda, name: str, bound: _Bound) -> list[_Item]:
        """The arguments ``name`` of ``func`` takes: at its call sites, or a guard's table."""
        if isinstance(func, ast.Lambda):
            raise Unresolved(self, func, "(a lambda's parameter)")
        for stmt in func.body:
            match stmt:  # ``if name not in TABLE: raise``: only TABLE's keys get through
                case ast.If(
                    test=ast.Compare(
                        left=ast.Name(id=checked), ops=[ast.NotIn()], comparators=[table]
                    ),
                    body=[ast.Raise()],
                ) if checked == name:
                    return self.elements(table, bound)
        sites = [(bound[func], 0)] if func in bound else self.call_sites(func)
        return [self._argument(func, name, call, skip) for call, skip in sites]

    def call_sites(self, func: _Function) -> list[tuple[ast.Call, int]]:
        """Every call of ``func``, with how many parameters the call fills implicitly."""
        owner = next(
            a for a in self.ancestors(func) if isinstance(a, (ast.Module, ast.ClassDef, *_SCOPES))
        )
        if isinstance(owner, ast.ClassDef):
            if func.name == "__init__":
                return [(call, 1) for call in self._constructions(owner)]
            static = any(
                isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list
            )
            return [
                (call, 0 if static else 1)
                for call in self.nodes(ast.Call)
                if isinstance(call.func, ast.Attribute) and call.func.attr == func.name
            ]
        if isinstance(owner, ast.Module):
            return [(call, 0) for call in self.called[func]]
        return [
            (call, 0)
            for call in ast.walk(owner)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == func.name
        ]

    def _constructions(self, cls: ast.ClassDef) -> list[ast.Call]:
        """Calls of ``cls``, of subclasses keeping its ``__init__``, and ``super().__init__``."""
        calls = list(self.called[cls])
        for sub in self.nodes(ast.ClassDef):
            if not any(cls in self._classes(base) for base in sub.bases):
                continue
            if any(isinstance(s, _SCOPES[:2]) and s.name == "__init__" for s in sub.body):
                calls += [
                    call
                    for call in ast.walk(sub)
                    if isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "__init__"
                    and isinstance(call.func.value, ast.Call)
                    and isinstance(call.func.value.func, ast.Name)
                    and call.func.value.func.id == "super"
                ]
            else:
                calls += self._constructions(sub)
        return calls

    def _argument(self, func: _Function, name: str, call: ast.Call, skip: int) -> ast.expr:
        """The expression ``call`` gives to parameter ``name`` of ``func``."""
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        positional = [arg.arg for arg in (*func.args.posonlyargs, *func.args.args)]
        starred = next(
            (i for i, arg in enumerate(call.args) if isinstance(arg, ast.Starred)), len(call.args)
        )
        if name in positional[skip:]:
            index = positional.index(name) - skip
            if index < starred:
                return call.args[index]
            if starred < len(call.args):
                raise Unresolved(self, call, f"(fills {name} from *args)")
        if any(keyword.arg is None for keyword in call.keywords):
            raise Unresolved(self, call, f"(may fill {name} from **kwargs)")
        defaults = dict(zip(reversed(positional), reversed(func.args.defaults), strict=False)) | {
            arg.arg: default
            for arg, default in zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True)
            if default is not None
        }
        if name not in defaults:
            raise Unresolved(self, call, f"(does not give {name})")
        return defaults[name]

    # --- attributes ---------------------------------------------------------------

    def _attribute(self, owner: ast.Name, attr: str) -> list[_Item]:
        """What ``owner.attr`` can be: every ``self.attr = ...`` of owner's classes."""
        found: list[_Item] = []
        for cls in self._types(owner):
            for klass in self._lineage(cls):
                for node in ast.walk(klass):
                    match node:
                        case (
                            ast.Assign(targets=[target], value=value)
                            | ast.AnnAssign(target=target, value=ast.expr() as value)
                        ) if (
                            isinstance(target, ast.Attribute)
                            and target.attr == attr
                            and isinstance(target.value, ast.Name)
                            and target.value.id == "self"
                        ):
                            found.append(value)
        if not found:
            raise Unresolved(self, owner, f"(no class of it sets {attr})")
        return found

    def _types(self, name: ast.Name) -> list[ast.ClassDef]:
        """The classes ``name`` is an instance of, from its annotation, except or method."""
        for scope in self.ancestors(name):
            if isinstance(scope, ast.ExceptHandler) and scope.name == name.id and scope.type:
                return self._classes(scope.type)
            if isinstance(scope, _SCOPES[:2]):
                params = _params(scope)
                for index, arg in enumerate(params):
                    if arg.arg != name.id:
                        continue
                    if arg.annotation is not None:
                        return self._classes(arg.annotation)
                    owner = self.parent.get(scope)
                    if index == 0 and isinstance(owner, ast.ClassDef):
                        return [owner]  # self
                    raise Unresolved(self, name, "(a parameter without a type)")
        raise Unresolved(self, name, "(of a type the reading cannot tell)")

    def _classes(self, annotation: ast.expr) -> list[ast.ClassDef]:
        """The integration's classes an annotation or ``except`` clause names."""
        match annotation:
            case ast.Name(id=name):
                found = self.definitions(self.module_of[annotation], name)
                return [d for d in found if isinstance(d, ast.ClassDef)]
            case ast.Constant(value=str() as text):  # a quoted annotation
                parsed = ast.parse(text, mode="eval").body
                for node in ast.walk(parsed):
                    self.module_of[node] = self.module_of[annotation]
                return self._classes(parsed)
            case ast.BinOp(left=left, op=ast.BitOr(), right=right):
                return self._classes(left) + self._classes(right)
            case ast.Tuple(elts=elts):
                return [cls for elt in elts for cls in self._classes(elt)]
        return []

    def _lineage(self, cls: ast.ClassDef) -> list[ast.ClassDef]:
        return [
            cls,
            *(c for base in cls.bases for b in self._classes(base) for c in self._lineage(b)),
        ]


# --- what the code shows, as translation paths ----------------------------------------


@dataclass(frozen=True, slots=True)
class Usage:
    """Translation paths ("entity.sensor.propane") the code shows, and its services."""

    required: frozenset[str]  # must be translated
    optional: frozenset[str]  # may be translated (on/off states, field descriptions, …)
    services: frozenset[str]  # registered by the code


# The reasons Home Assistant's ConfigFlow helpers abort with.
IMPLIED_ABORTS = {
    "_abort_if_unique_id_configured": "already_configured",
    "async_set_unique_id": "already_in_progress",  # unless raise_on_progress=False
}


def _read_usage(code: Code) -> Usage:
    required: set[str] = set()
    optional: set[str] = set()
    _entity_usage(code, required, optional)
    for call in code.nodes(ast.Call):
        for keyword in call.keywords:
            if keyword.arg == "translation_key" and (section := _translation_section(code, call)):
                required |= {f"{section}.{key}" for key in code.strings(keyword.value)}
    _config_usage(code, required, optional)
    services = _services_yaml()
    for service, spec in services.items():
        required.add(f"services.{service}")
        required |= {f"services.{service}.fields.{f}" for f in (spec or {}).get("fields", {})}
        for field in (spec or {}).get("fields", {}).values():  # a select's translated options
            select = (field.get("selector") or {}).get("select") or {}
            if "translation_key" in select:
                key = select["translation_key"]
                required |= {f"selector.{key}.options.{option}" for option in select["options"]}
    registered = {
        name
        for call in code.nodes(ast.Call)
        if _registers_a_service(code, call)
        for name in code.strings(call.args[1])
    }
    return Usage(frozenset(required), frozenset(optional), frozenset(registered))


def _translation_section(code: Code, call: ast.Call) -> str | None:
    """Where the ``translation_key`` of ``call`` points to (None: an entity's, read apart)."""
    callee = code.runtime(call.func)
    if isinstance(callee, type) and issubclass(callee, BaseException):
        return "exceptions"
    if getattr(callee, "__name__", "") == "async_create_issue":
        return "issues"
    if is_typeddict(callee) or (isinstance(callee, type) and issubclass(callee, EntityDescription)):
        return None  # read per platform with its description (``_entity_usage``)
    raise Unresolved(code, call, "(a translation_key of an unknown kind)")


def _entity_usage(code: Code, required: set[str], optional: set[str]) -> None:
    """Names and states of every entity description, by the platform that makes it."""
    for call in code.nodes(ast.Call):
        callee_name = ast.unparse(call.func).rpartition(".")[2]
        if not callee_name.endswith("Description"):
            continue
        callee = code.runtime(call.func)
        if not (isinstance(callee, type) and issubclass(callee, EntityDescription)):
            continue
        keys = _description_keys(code, call)
        if not keys:
            continue  # named by its device class
        platform = code.module_of[call].removeprefix(f"{PACKAGE}.")
        if platform not in PLATFORMS:
            raise Unresolved(code, call, "(an entity description outside a platform module)")
        states = {
            f"state.{state}"
            for keyword in call.keywords
            if keyword.arg == "options"
            for state in code.runtime(keyword.value)
        } | {
            f"state_attributes.event_type.state.{state}"
            for keyword in call.keywords
            if keyword.arg == "event_types"
            for state in code.runtime(keyword.value)
        }
        for key in keys:
            required.add(f"entity.{platform}.{key}")
            required |= {f"entity.{platform}.{key}.{state}" for state in states}
            if platform in ON_OFF_PLATFORMS:
                optional |= {f"entity.{platform}.{key}.state.{s}" for s in ("on", "off")}
    for node in code.nodes(ast.Assign):
        for target in node.targets:
            if getattr(target, "id", getattr(target, "attr", None)) == "_attr_translation_key":
                platform = code.module_of[node].removeprefix(f"{PACKAGE}.")
                required |= {f"entity.{platform}.{key}" for key in code.strings(node.value)}


def _description_keys(code: Code, call: ast.Call) -> set[str]:
    """The translation keys of one description: its own, or the spread helper's it calls."""
    keys: set[str] = set()
    for keyword in call.keywords:
        if keyword.arg == "translation_key":
            keys |= code.strings(keyword.value)
        elif keyword.arg is None and isinstance(keyword.value, ast.Call):
            spread = keyword.value  # **probe_setting(n, "target"): read for this call only
            if not isinstance(spread.func, ast.Name):
                raise Unresolved(code, spread)
            for helper in code.definitions(code.module_of[spread], spread.func.id):
                if isinstance(helper, _SCOPES[:2]):
                    keys |= {
                        key
                        for node in ast.walk(helper)
                        if isinstance(node, ast.keyword) and node.arg == "translation_key"
                        for key in code.strings(node.value, {helper: spread})
                    }
    return keys


def _flow_section(code: Code, node: ast.AST) -> str:
    """Where a flow's texts are: "options" inside an options flow, else "config"."""
    cls = next((a for a in code.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    bases = {ast.unparse(base) for base in cls.bases} if cls else set()
    return "options" if bases & {"OptionsFlow", "OptionsFlowWithReload"} else "config"


def _config_usage(code: Code, required: set[str], optional: set[str]) -> None:
    """Steps (and their fields), errors and aborts the config and options flows show."""
    module = f"{PACKAGE}.config_flow"
    for call in code.nodes(ast.Call, module):
        name = ast.unparse(call.func).rpartition(".")[2]
        section = _flow_section(code, call)
        for keyword in call.keywords:
            if keyword.arg == "step_id":
                function = next(a for a in code.ancestors(call) if isinstance(a, _SCOPES))
                fields = {
                    field
                    for node in ast.walk(function)
                    if isinstance(node, ast.Call)
                    and ast.unparse(node.func) in ("vol.Required", "vol.Optional")
                    for field in code.strings(node.args[0])
                }
                for step in code.strings(keyword.value):
                    required.add(f"{section}.step.{step}")
                    required |= {f"{section}.step.{step}.data.{field}" for field in fields}
                    optional |= {f"{section}.step.{step}.data_description.{f}" for f in fields}
            elif keyword.arg == "reason" and name == "async_abort":
                required |= {f"{section}.abort.{reason}" for reason in code.strings(keyword.value)}
            elif keyword.arg == "errors" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    required |= {f"{section}.error.{error}" for error in code.strings(value)}
        if name in IMPLIED_ABORTS and not any(
            keyword.arg == "raise_on_progress"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is False
            for keyword in call.keywords
        ):
            required.add(f"config.abort.{IMPLIED_ABORTS[name]}")
    for node in code.nodes(ast.Assign, module):
        target = node.targets[0]
        if isinstance(target, ast.Subscript) and ast.unparse(target.value) == "errors":
            section = _flow_section(code, node)
            required |= {f"{section}.error.{error}" for error in code.strings(node.value)}
    if any(
        isinstance(node.value, str) and node.value == "title_placeholders"
        for node in code.nodes(ast.Constant, module)
    ):
        optional.add("config.flow_title")


def _registers_a_service(code: Code, call: ast.Call) -> bool:
    """``hass.services.async_register(DOMAIN, name, ...)``, also through a local alias."""
    func: ast.expr = call.func
    if isinstance(func, ast.Name):
        try:
            (func,) = code.origins(func, {})  # type: ignore[assignment]
        except (Unresolved, ValueError):
            return False
    return isinstance(func, ast.expr) and ast.unparse(func).endswith("services.async_register")


PLATFORMS = frozenset(platform.value for platform in Platform)
ON_OFF_PLATFORMS = frozenset({"binary_sensor", "switch"})


@cache
def _code_usage() -> Usage:
    return _read_usage(Code(INTEGRATION))


# A path in a translation or icon file stands for what the code uses: an
# entity's name and icon for its key, a service's description for the service.
_ANCHORS = [
    re.compile(pattern)
    for pattern in (
        r"(entity\.\w+\.\w+)\.(name|default)",
        r"(entity\.\w+\.\w+\.state\.\w+)",
        r"(entity\.\w+\.\w+\.state_attributes\.\w+\.state\.\w+)",
        r"(exceptions\.\w+)\.message",
        r"(issues\.\w+)\.(title|description|fix_flow\..+)",
        r"(services\.\w+)\.(name|description|service)",
        r"(services\.\w+\.fields\.\w+)\.(name|description)",
        r"((config|options)\.step\.\w+)\.(title|description)",
        r"((config|options)\.step\.\w+\.data(_description)?\.\w+)",
        r"((config|options)\.(error|abort)\.\w+)",
        r"(config\.flow_title)",
    )
]


def _anchors(tree: dict[str, Any]) -> dict[str, str]:
    """Anchor -> a path of ``tree`` that stands for it (unknown shapes stand for themselves)."""
    found: dict[str, str] = {}
    for path in _leaves(tree):
        match = next((m for p in _ANCHORS if (m := p.fullmatch(path))), None)
        found[match.group(1) if match else path] = path
    return found


def _untranslated(usage: Usage, translations: dict[str, Any]) -> list[str]:
    return sorted(usage.required - _anchors(translations).keys())


def _unused(usage: Usage, tree: dict[str, Any]) -> list[str]:
    anchors = _anchors(tree)
    return sorted(anchors[a] for a in anchors.keys() - usage.required - usage.optional)


def test_everything_the_code_shows_is_translated() -> None:
    usage = _code_usage()
    assert {p.split(".")[0] for p in usage.required} >= {"config", "entity", "exceptions"}
    assert _untranslated(usage, TRANSLATIONS) == []
    # Shared abort keys: 2026.2 reads them from the integration.
    assert {"already_configured", "already_in_progress", "no_devices_found"} <= set(
        TRANSLATIONS["config"]["abort"]
    )


def test_every_translation_and_icon_is_used() -> None:
    usage = _code_usage()
    assert _unused(usage, TRANSLATIONS) == []
    assert _unused(usage, ICONS) == []


@pytest.mark.parametrize(
    ("change", "anchor"),
    [
        # made by helpers: f"probe_{kind}" and f"program_{kind}" with kind from the caller
        (_drop("entity.number.probe_pre_alert"), "entity.number.probe_pre_alert"),
        (_drop("entity.number.probe_range_max"), "entity.number.probe_range_max"),
        (_drop("entity.select.probe_preset"), "entity.select.probe_preset"),
        (_drop("entity.button.program_skip_step"), "entity.button.program_skip_step"),
        (_drop("entity.event.program_alarm"), "entity.event.program_alarm"),
        (_drop("entity.sensor.right_element_setpoint"), "entity.sensor.right_element_setpoint"),
        # states of a select, an enum sensor and events
        (
            _drop("entity.select.probe_preset.state.brisket"),
            "entity.select.probe_preset.state.brisket",
        ),
        (
            _drop("entity.sensor.program_state.state.paused"),
            "entity.sensor.program_state.state.paused",
        ),
        (
            _drop("entity.event.program_alarm.state_attributes.event_type.state.deviation"),
            "entity.event.program_alarm.state_attributes.event_type.state.deviation",
        ),
        # raised as a constant, through invalid(...), as err.key of a library error
        (_drop("exceptions.not_connected"), "exceptions.not_connected"),
        (_drop("exceptions.no_thermometer"), "exceptions.no_thermometer"),
        (_drop("exceptions.unknown_alarm"), "exceptions.unknown_alarm"),
        (_drop("exceptions.unknown_source"), "exceptions.unknown_source"),
        (_drop("exceptions.reach_timeout_out_of_range"), "exceptions.reach_timeout_out_of_range"),
        (_drop("exceptions.step_invalid_value"), "exceptions.step_invalid_value"),
        # the config flow: a ConnectError's reason, a helper's abort, a schema field
        (_drop("config.error.no_free_slot"), "config.error.no_free_slot"),
        (_drop("config.abort.already_in_progress"), "config.abort.already_in_progress"),
        (_drop("config.step.user.data.address"), "config.step.user.data.address"),
        # the options flow: its step and fields, an OptionsError's reason, its abort
        (_drop("options.step.init"), "options.step.init"),
        (_drop("options.step.init.data.min_duration"), "options.step.init.data.min_duration"),
        (_drop("options.error.password_missing"), "options.error.password_missing"),
        (_drop("options.error.cannot_connect"), "options.error.cannot_connect"),
        (_drop("options.abort.no_options"), "options.abort.no_options"),
        (_drop("services.get_session.fields.session_id"), "services.get_session.fields.session_id"),
    ],
)
def test_a_missing_translation_fails(change: Callable[[dict[str, Any]], None], anchor: str) -> None:
    translations = copy.deepcopy(TRANSLATIONS)
    change(translations)
    assert anchor in _untranslated(_code_usage(), translations)


@pytest.mark.parametrize(
    ("file", "path"),
    [
        ("en.json", "entity.sensor.probe_target.name"),  # a number's key, another platform
        ("en.json", "entity.select.probe_preset.state.venison"),
        ("en.json", "entity.event.probe_alert.state_attributes.event_type.state.burnt"),
        ("en.json", "entity.binary_sensor.alarm.state.maybe"),
        ("en.json", "entity.sensor.propane.unit_of_measurement"),
        ("en.json", "exceptions.program_exploded.message"),
        ("en.json", "issues.cold_grill.title"),
        ("en.json", "services.end_session.fields.force.name"),
        ("en.json", "config.abort.reauth_successful"),
        ("en.json", "config.error.not_supported"),  # the flow aborts instead
        ("en.json", "config.step.user.data.name"),
        ("en.json", "config.step.reauth_confirm.description"),
        ("en.json", "options.error.invalid_address"),
        ("en.json", "options.step.init.data.api_token"),
        ("icons.json", "entity.sensor.probe_target.default"),
        ("icons.json", "entity.event.program_alarm.state_attributes.event_type.state.burnt"),
        ("icons.json", "services.bake.service"),
    ],
)
def test_an_unused_translation_or_icon_fails(file: str, path: str) -> None:
    tree = copy.deepcopy(TRANSLATIONS if file == "en.json" else ICONS)
    assert path not in _unused(_code_usage(), tree)
    _put(path, "text")(tree)
    assert path in _unused(_code_usage(), tree)


PROBE = """
from .library.brewing.program import ProgramError
from .library.espresso.profiles.errors import ProfileError


def program_key(err: ProgramError) -> str:
    return err.key


def profile_key(err: ProfileError) -> str:
    return err.key
"""


def test_the_reading_knows_the_libraries_error_keys() -> None:
    """Every key the brewing library lists, and the profile errors' table (a guard)."""
    code = Code(INTEGRATION, {f"{PACKAGE}.probe": PROBE})
    returns = {
        func.name: func.body[0].value
        for func in code.nodes(ast.FunctionDef, f"{PACKAGE}.probe")
        if isinstance(func.body[0], ast.Return) and func.body[0].value is not None
    }
    assert code.strings(returns["program_key"]) >= brewing_program.ERROR_KEYS
    assert code.strings(returns["profile_key"]) == set(profile_errors.PROFILE_ERROR_MESSAGES)


def _returned(source: str) -> set[str]:
    """The strings ``key()`` of a module made of ``source`` can return."""
    code = Code(INTEGRATION, {f"{PACKAGE}.probe": source})
    (func,) = (f for f in code.nodes(ast.FunctionDef, f"{PACKAGE}.probe") if f.name == "key")
    returned = [node.value for node in ast.walk(func) if isinstance(node, ast.Return)]
    return {found for value in returned if value for found in code.strings(value)}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # a default, a keyword argument
        (
            'def key(kind="target"):\n    return f"probe_{kind}"\nkey()\nkey(kind="label")',
            {
                "probe_target",
                "probe_label",
            },
        ),
        # a value ruled out before it is used
        (
            'def key(reason):\n    if reason == "gone":\n        return None\n    return reason\n'
            'key("gone")\nkey("busy")',
            {"busy"},
        ),
        # a table's values, a loop over a list, a method of str
        ('T = {"a": "x", "b": "y"}\ndef key(r):\n    return T.get(r)\n', {"x", "y"}),
        (
            'def key():\n    for k in ("on_x", "on_y"):\n        return k.removeprefix("on_")\n',
            {"x", "y"},
        ),
        # a class attribute set from the constructor
        (
            "class E(Exception):\n    def __init__(self, key):\n        self.key = key\n"
            'def key(err: E):\n    return err.key\nE("a")\nE(key="b")\n',
            {"a", "b"},
        ),
    ],
    ids=["default-and-keyword", "ruled-out", "table-get", "loop-str-method", "init-attribute"],
)
def test_the_reading_follows_what_makes_a_key(source: str, expected: set[str]) -> None:
    assert _returned(source) == expected


def test_the_reading_names_what_it_cannot_follow() -> None:
    code = Code(INTEGRATION, {f"{PACKAGE}.probe": "def key(err):\n    return err.key\n"})
    (func,) = code.nodes(ast.FunctionDef, f"{PACKAGE}.probe")
    with pytest.raises(Unresolved, match=r"probe:2: cannot follow 'err'"):
        code.strings(func.body[0].value)
