"""Print the requirements of Home Assistant integrations and all they depend on.

Run with the lane's Python after Home Assistant is installed:
    python ha_requirements.py DOMAIN...
The develop instance loads these integrations; installing their requirements
up front means Home Assistant never pip-installs at run time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import homeassistant

COMPONENTS = Path(homeassistant.__file__).parent / "components"


def closure(domains: list[str]) -> list[str]:
    """Requirements of the domains and of everything they depend on."""
    seen: set[str] = set()
    requirements: list[str] = []
    pending = list(domains)
    while pending:
        domain = pending.pop()
        manifest_path = COMPONENTS / domain / "manifest.json"
        if domain in seen or not manifest_path.exists():
            continue
        seen.add(domain)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        requirements.extend(r for r in manifest.get("requirements", []) if r not in requirements)
        pending.extend(manifest.get("dependencies", []))
    return requirements


if __name__ == "__main__":
    # The manifest's pins, as Home Assistant installs them for its users: a core
    # integration a benchmark compares against runs with the library it was written for.
    for requirement in closure(sys.argv[1:]):
        print(requirement)
