"""Delayed writes of a runtime's ``Store`` that a busy stream of changes cannot postpone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store


class DelayedSave:
    """Writes ``data()`` to ``store``; never postpones a write already due earlier.

    (``Store`` moves a pending write to the latest requested time, so
    readings asking every second would otherwise postpone it for ever.)
    """

    def __init__(
        self,
        hass: HomeAssistant,
        store: Store[dict[str, Any]],
        data: Callable[[], dict[str, Any]],
    ) -> None:
        self._hass = hass
        self._store = store
        self._data = data
        self._due: float | None = None  # loop time of the pending write

    @callback
    def async_save(self, delay: float) -> None:
        """Write within ``delay`` seconds."""
        due = self._hass.loop.time() + delay
        if self._due is not None and self._due <= due:
            return
        self._due = due
        self._store.async_delay_save(self._written, delay)

    def _written(self) -> dict[str, Any]:
        self._due = None
        return self._data()
