"""The layer contracts of pyproject.toml hold, and break when a layer is crossed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
LINT = str(Path(sys.executable).with_name("lint-imports"))


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT, "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("custom_components", "emulator"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "custom_components/kitchen_ble/library/cooking/presets.py",
            "from homeassistant.const import Platform",
            "The library imports nothing from Home Assistant BROKEN",
        ),
        (
            "custom_components/kitchen_ble/library/devices/base.py",
            "from ...const import DOMAIN",
            "The library imports nothing from the Home Assistant layer around it BROKEN",
        ),
        (
            "emulator/device.py",
            "from custom_components.kitchen_ble.library.devices import base",
            "The emulator writes its own bytes: it imports nothing of the integration BROKEN",
        ),
    ],
)
def test_crossing_a_layer_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    tree = _copy(tmp_path)
    with (tree / module).open("a") as source:
        source.write(f"\n{line}  # noqa\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert contract in result.stdout
