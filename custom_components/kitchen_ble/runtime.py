"""The skeleton every feature runtime shares: cooking, brewing, later espresso.

A runtime is one per Home Assistant. It keeps its feature's state in one
``Store`` (saved after a delay that a busy stream of changes cannot
postpone), tells listeners keyed by device or program, runs its timers until
Home Assistant stops, raises translated validation errors and reads one
clock. The feature's logic stays in the library; a runtime only wires it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar, Final

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .library.listeners import Unsubscribe

_LOGGER = logging.getLogger(__name__)

ROUTINE_SAVE_DELAY: Final = 60.0  # s; readings, curves, clocks moving on
PROMPT_SAVE_DELAY: Final = 1.0  # s; settings, commands, alerts, sessions


def now() -> float:
    """The runtimes' clock: UTC epoch seconds (what the library keeps times in)."""
    return dt_util.utcnow().timestamp()


def invalid(translation_key: str, **placeholders: str) -> ServiceValidationError:
    """A translated error for input the user can correct; nothing was changed."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


async def async_load_or_set_aside(
    hass: HomeAssistant,
    store: Store[dict[str, Any]],
    restore: Callable[[dict[str, Any]], None],
) -> None:
    """Give ``restore`` what ``store`` holds; a file of the wrong shape is set aside.

    ``restore`` raises ValueError for data whose shape it cannot use (a list
    where an object belongs) before it changes anything; then what the file
    holds is kept in a file beside it (never deleted), the user is told by a
    repair issue, and ``restore`` starts afresh. (Home Assistant itself does the same for a file
    that is not JSON at all.) Broken parts of a well-shaped file are for
    ``restore`` to skip with a warning.
    """
    data = await store.async_load()
    try:
        if data is not None and not isinstance(data, dict):
            raise ValueError(f"expected an object, found {type(data).__name__}")
        restore(data or {})
    except ValueError as err:
        # kept through Store as well (a file beside the original, never deleted)
        aside: Store[Any] = Store(
            hass, store.version, f"{store.key}.damaged.{dt_util.utcnow():%Y%m%dT%H%M%S}"
        )
        await aside.async_save(data)
        kept = aside.path
        _LOGGER.warning("Stored data %s is damaged (%s); kept as %s", store.key, err, kept)
        ir.async_create_issue(
            hass,
            DOMAIN,
            f"damaged_store_{store.key}",
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="damaged_store",
            translation_placeholders={"store": store.key, "kept_as": kept, "reason": str(err)},
        )
        restore({})


class KeyedListeners[K, **P]:
    """Listeners per key (a device, a program), each called with the same arguments."""

    def __init__(self) -> None:
        self._listeners: dict[K, list[Callable[P, None]]] = {}

    @callback
    def async_add(self, key: K, listener: Callable[P, None]) -> CALLBACK_TYPE:
        listeners = self._listeners.setdefault(key, [])
        listeners.append(listener)
        return Unsubscribe(listeners, listener)

    @callback
    def notify(self, key: K, *args: P.args, **kwargs: P.kwargs) -> None:
        for listener in list(self._listeners.get(key, ())):
            listener(*args, **kwargs)

    @callback
    def notify_all(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for key in list(self._listeners):
            self.notify(key, *args, **kwargs)


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


class FeatureRuntime:
    """Store, delayed saves and timers of one feature; subclasses restore and dump data."""

    store_key: ClassVar[str]
    store_version: ClassVar[int] = 1

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self._store: Store[dict[str, Any]] = Store(hass, self.store_version, self.store_key)
        self._saver = DelayedSave(hass, self._store, self._data)
        self._timers: list[CALLBACK_TYPE] = []

    async def async_load(self) -> None:
        """Read what the last run stored, then start the runtime's timers."""
        await async_load_or_set_aside(self.hass, self._store, self._restore)
        self._async_started()
        self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_on_stop)

    def _restore(self, data: dict[str, Any]) -> None:
        """Take over the stored data; broken parts start afresh with a warning.

        Raises ValueError, before changing anything, for data of a shape it
        cannot use at all (the file is then set aside).
        """
        raise NotImplementedError

    def _data(self) -> dict[str, Any]:
        """Everything to store."""
        raise NotImplementedError

    @callback
    def _async_started(self) -> None:
        """The stored data is in: start timers (``async_track_interval``)."""

    @callback
    def _async_stopping(self) -> None:
        """Home Assistant stops: cancel what the timers do not cover."""

    @callback
    def async_save_soon(self) -> None:
        """Settings, commands, alerts: saved within a second."""
        self._saver.async_save(PROMPT_SAVE_DELAY)

    @callback
    def async_save_later(self) -> None:
        """Readings and moving clocks: saved within a minute."""
        self._saver.async_save(ROUTINE_SAVE_DELAY)

    @callback
    def async_track_interval(
        self, seconds: float, action: Callable[[datetime], None], name: str
    ) -> CALLBACK_TYPE:
        """Call ``action`` every ``seconds`` until Home Assistant stops (or the unsubscribe)."""
        cancel = async_track_time_interval(
            self.hass, action, timedelta(seconds=seconds), name=f"{DOMAIN} {name}"
        )
        self._timers.append(cancel)

        @callback
        def remove() -> None:
            if cancel in self._timers:  # not after the stop, which cancelled it already
                self._timers.remove(cancel)
                cancel()

        return remove

    @callback
    def _async_on_stop(self, _event: Event) -> None:
        for cancel in self._timers:
            cancel()
        self._timers.clear()
        self._async_stopping()
