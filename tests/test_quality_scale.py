"""quality_scale.yaml names every rule of Home Assistant's quality scale, honestly.

The rules as the quality scale lists them in 2026 (Bronze with docs-triggers
and docs-conditions, added that year; Silver; Gold; Platinum). Every rule has
a status, and an exemption always says why.
"""

from __future__ import annotations

from pathlib import Path

import yaml

FILE = Path(__file__).parent.parent / "custom_components" / "kitchen_ble" / "quality_scale.yaml"

BRONZE = {
    "action-setup", "appropriate-polling", "brands", "common-modules",
    "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
    "docs-conditions", "docs-high-level-description", "docs-installation-instructions",
    "docs-removal-instructions", "docs-triggers", "entity-event-setup", "entity-unique-id",
    "has-entity-name", "runtime-data", "test-before-configure", "test-before-setup",
    "unique-config-entry",
}  # fmt: skip
SILVER = {
    "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
    "docs-installation-parameters", "entity-unavailable", "integration-owner",
    "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
}  # fmt: skip
GOLD = {
    "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
    "docs-examples", "docs-known-limitations", "docs-supported-devices",
    "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
    "entity-category", "entity-device-class", "entity-disabled-by-default",
    "entity-translations", "exception-translations", "icon-translations",
    "reconfiguration-flow", "repair-issues", "stale-devices",
}  # fmt: skip
PLATINUM = {"async-dependency", "inject-websession", "strict-typing"}


def _rules() -> dict[str, object]:
    rules: dict[str, object] = yaml.safe_load(FILE.read_text())["rules"]
    return rules


def test_every_rule_of_every_tier_is_there() -> None:
    rules = _rules()
    assert len(BRONZE | SILVER | GOLD | PLATINUM) == 54
    assert set(rules) == BRONZE | SILVER | GOLD | PLATINUM


def test_every_rule_is_done_or_exempt_with_a_reason() -> None:
    for name, rule in _rules().items():
        if isinstance(rule, str):
            assert rule == "done", name
            continue
        assert isinstance(rule, dict), name
        assert rule["status"] in ("done", "exempt"), name
        if rule["status"] == "exempt":
            assert len(str(rule.get("comment", ""))) > 20, f"{name}: an exemption says why"


def test_repair_issues_and_log_when_unavailable_are_done() -> None:
    """Both were exempt or partial before; the integration now has them."""
    rules = _rules()
    for name in ("repair-issues", "log-when-unavailable"):
        rule = rules[name]
        assert (rule if isinstance(rule, str) else rule["status"]) == "done"  # type: ignore[index]
