"""Fixtures of the Home Assistant tests (the cooking ones use them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest.mock import PropertyMock, patch

import pytest
from homeassistant.core import HomeAssistant

from .nodes import no_kegtron, passive_proxy  # noqa: F401  (fixtures for the node tests)


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """The archive writes under the config directory: keep it in the test's own."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


@pytest.fixture
def all_entities_enabled() -> Iterator[None]:
    """Every entity enabled, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield
