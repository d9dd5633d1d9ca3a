"""Start a virtual proxy inside Home Assistant (the only HA-aware module).

Home Assistant's ``bluetooth`` integration must be set up first: the proxy's
scanner registers with its manager.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from homeassistant.components import bluetooth
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval

from .proxy import VirtualProxy

_LOGGER = logging.getLogger(__name__)


@callback
def async_start_proxy(
    hass: HomeAssistant, proxy: VirtualProxy, *, interval: float | None = 1.0
) -> CALLBACK_TYPE:
    """Register the proxy's scanner, advertise once and tick every ``interval``
    seconds (never with ``interval=None``: tests call ``proxy.tick`` themselves).

    Returns a callback that stops the timer, drops every connection and
    unregisters the scanner; calling it twice is harmless.
    """
    scanner = proxy.scanner
    # Only connection_slots: the other keywords differ between HA releases.
    unregister = bluetooth.async_register_scanner(hass, scanner, connection_slots=proxy.slots)
    unsetup = scanner.async_setup()
    proxy.advertise_all()

    cancel_timer: CALLBACK_TYPE | None = None
    if interval is not None:

        @callback
        def _tick(_now: datetime) -> None:
            proxy.tick(interval)

        cancel_timer = async_track_time_interval(hass, _tick, timedelta(seconds=interval))

    stopped = False

    @callback
    def _stop() -> None:
        nonlocal stopped
        if stopped:
            return
        stopped = True
        if cancel_timer is not None:
            cancel_timer()
        proxy.disconnect_all()
        unsetup()
        unregister()
        _LOGGER.debug("%s: stopped", proxy.source)

    _LOGGER.debug("%s: started with %d device(s)", proxy.source, len(proxy.devices))
    return _stop
