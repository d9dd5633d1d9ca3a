"""The archive of ended cook sessions: one JSON file per session plus an index.

The recorder keeps the ``kitchen_ble_session_ended`` event only until its
purge (10 days by default), so every ended session is also written here:
its full summary with the downsampled probe curves goes to
``<config>/kitchen_ble/sessions/<session id>.json`` (written in the executor),
and its summary without curves to the index (a ``Store``), newest last, which
``list_sessions`` pages through without opening a file.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.json import json_dumps
from homeassistant.helpers.storage import Store
from homeassistant.util.file import write_utf8_file_atomic
from homeassistant.util.json import json_loads_object

from .const import DOMAIN
from .runtime import async_load_or_set_aside

_LOGGER = logging.getLogger(__name__)

INDEX_KEY: Final = f"{DOMAIN}.sessions"
INDEX_VERSION: Final = 1
INDEX_SAVE_DELAY: Final = 1.0


def without_curves(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary with every probe's curve left out: what events and listings carry."""
    probes = [
        {key: value for key, value in probe.items() if key != "curve"}
        for probe in summary.get("probes", [])
    ]
    return {**summary, "probes": probes}


class SessionArchive:
    """Ended sessions, kept beyond the recorder's purge."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self._store: Store[dict[str, Any]] = Store(hass, INDEX_VERSION, INDEX_KEY)
        self._index: list[dict[str, Any]] = []  # summaries without curves, oldest first
        self.directory = hass.config.path(DOMAIN, "sessions")

    async def async_load(self) -> None:
        await async_load_or_set_aside(self._hass, self._store, self._restore)

    def _restore(self, data: dict[str, Any]) -> None:
        sessions = data.get("sessions", [])
        if not isinstance(sessions, list):
            raise ValueError(f"sessions: expected a list, found {type(sessions).__name__}")
        self._index = [item for item in sessions if isinstance(item, dict) and "id" in item]

    def __len__(self) -> int:
        return len(self._index)

    async def async_add(self, summary: dict[str, Any]) -> None:
        """Archive one ended session (its summary as the core made it, with curves)."""
        path = self._path(summary["id"])
        await self._hass.async_add_executor_job(_write, path, json_dumps(summary))
        self._index.append(without_curves(summary))
        self._store.async_delay_save(self._data, INDEX_SAVE_DELAY)

    def page(self, page: int, page_size: int) -> list[dict[str, Any]]:
        """Summaries of one page (1-based), newest first."""
        newest_first = self._index[::-1]
        start = (page - 1) * page_size
        return newest_first[start : start + page_size]

    async def async_get(self, session_id: str) -> dict[str, Any] | None:
        """The full record of an archived session; None if it is not in the index.

        Only ids from the index are turned into file names, so a service
        argument can never name a file outside the archive.
        """
        for item in self._index:
            if item["id"] == session_id:
                break
        else:
            return None
        try:
            return await self._hass.async_add_executor_job(_read, self._path(session_id))
        except (OSError, ValueError) as err:
            # the index still knows the summary; only the curves are lost
            _LOGGER.warning("Archive file of session %s is unreadable: %s", session_id, err)
            return {**item, "curves_missing": True}

    def _path(self, session_id: str) -> str:
        return os.path.join(self.directory, f"{session_id}.json")

    def _data(self) -> dict[str, Any]:
        return {"sessions": self._index}


def _read(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as file:
        return json_loads_object(file.read())


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_utf8_file_atomic(path, text)
