"""Fixtures for the emulator tests."""

from __future__ import annotations

import pytest

from emulator.proxy import VirtualProxy


@pytest.fixture
def proxy() -> VirtualProxy:
    """An empty proxy that no Home Assistant knows about."""
    return VirtualProxy(suffix="test")
