"""BlueDOT driver: no handshake; subscribe to the update packet and set the interval.

The device pushes a 20-byte packet every update interval (fact sheet §2.3-§2.5).
Nothing can be read (whether the update characteristic is readable is unknown),
so the state stays empty until the first packet arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

from bleak.exc import BleakError

from ..base import (
    GattClient,
    ModelInfo,
    UnsupportedDeviceError,
    has_characteristic,
)
from ..thermometer import DeviceAlarm, TemperatureUnit, ThermometerState
from . import codec
from .models import CHAR_HIGH_ALARM, CHAR_INTERVAL, CHAR_UPDATES

_LOGGER = logging.getLogger(__name__)

CONNECTED_INTERVAL: Final = 2  # s between packets while we hold the link
IDLE_INTERVAL: Final = 60  # s; what pyDE1 sets before letting the device go
POLL_INTERVAL: Final = 60.0  # s; the device pushes, a poll only checks it still does


class BlueDotDriver:
    """Talks to one ThermoWorks BlueDOT over a connected GattClient."""

    def __init__(
        self,
        model: ModelInfo,
        on_update: Callable[[], None],
        *,
        update_interval: int = CONNECTED_INTERVAL,
    ) -> None:
        codec.encode_interval(update_interval)  # refuse a bad interval now, not on connect
        self.model = model
        self.state = ThermometerState(probes=[None] * model.probes)
        self.poll_interval: float = POLL_INTERVAL
        self.update_interval = update_interval
        self._on_update = on_update
        self._heard = False  # a valid packet arrived since start or the last poll

    def reported_alarm(self, high: int | None) -> int:
        """What the device reports after ``high`` was written (None and above 255: 255)."""
        return codec.high_alarm_value(high)

    def alarm_target(self, reported: int, unit: TemperatureUnit) -> int | None:
        """The alarm ``reported`` (in ``unit``) stands for; None for a "no alarm" value.

        "No alarm" is 255 in either unit, and 124 (or 123) °C once the device
        converted 255 °F (``codec.means_no_alarm``).
        """
        return None if codec.means_no_alarm(reported, unit) else reported

    async def async_start(self, client: GattClient) -> None:
        """Ask for fast updates and subscribe; returns without waiting for a packet."""
        if not has_characteristic(client, CHAR_UPDATES):
            raise UnsupportedDeviceError("no BlueDOT update characteristic on this device")
        self._heard = False
        try:
            await self._write_interval(client, self.update_interval)
        except BleakError as err:  # optional: the device then keeps its own pace
            _LOGGER.debug("Could not set the update interval: %r", err)
        await client.start_notify(CHAR_UPDATES, self._on_notify)

    async def async_poll(self, client: GattClient) -> None:
        """Keep-alive: if no packet came since the last poll, ask for updates again.

        A write on a dead link fails, which tells the caller the link is gone.
        """
        if self._heard:
            self._heard = False
            return
        _LOGGER.debug("No update packet for %.0f s; writing the interval again", self.poll_interval)
        await self._write_interval(client, self.update_interval)

    async def async_set_probe_alarm(
        self, client: GattClient, probe: int, high: int | None, low: int | None = None
    ) -> None:
        """Set the high alarm of probe `probe` (only 1), in the device's display unit.

        The BlueDOT has no low alarm: ``low`` is ignored.

        One byte is the only width known to work (fact sheet §5.10) and no write
        is known to switch the alarm off (the packet's disabled flag is only read).
        So None "clears" it with the highest value, 255, and a value above 255
        (a target over 255 °F, 123.9 °C) is capped to 255: the device then
        sounds as late as it can, never at an old, lower alarm it kept. Raises
        ValueError for another probe or a negative value. The next packet confirms it.
        """
        if probe != 1:
            raise ValueError(f"{self.model.name} has no probe {probe}")
        value = codec.high_alarm_value(high)
        if high is not None and value != high:
            _LOGGER.debug("High alarm %d is more than the device holds; writing %d", high, value)
        await client.write_gatt_char(CHAR_HIGH_ALARM, codec.encode_high_alarm(value), response=True)

    async def async_stop(self, client: GattClient) -> None:
        """Before disconnecting: back to the slow interval. Best effort, never raises."""
        try:
            await self._write_interval(client, IDLE_INTERVAL)
        except (BleakError, TimeoutError) as err:
            _LOGGER.debug("Could not restore the idle interval: %r", err)

    async def _write_interval(self, client: GattClient, seconds: int) -> None:
        if not has_characteristic(client, CHAR_INTERVAL):
            _LOGGER.debug("No update interval characteristic; the device keeps its own pace")
            return
        await client.write_gatt_char(CHAR_INTERVAL, codec.encode_interval(seconds), response=True)

    def _on_notify(self, _sender: Any, data: bytearray) -> None:
        try:
            update = codec.decode_update(data)
        except ValueError as err:
            _LOGGER.debug("Ignoring malformed update packet %s: %s", data.hex(), err)
            return
        self._heard = True
        if self._store(update):
            self._on_update()

    def _store(self, update: codec.BlueDotUpdate) -> bool:
        probe = update.temperature if update.probe_connected else None
        alarm = DeviceAlarm(
            update.alarm_high, update.alarm_active, update.alarm_silenced, update.alarm_disabled
        )
        state = self.state
        if (state.probes[0], state.unit, state.alarm) == (probe, update.unit, alarm):
            return False
        state.probes[0] = probe
        state.unit = update.unit
        state.alarm = alarm
        state.probe_connected = update.probe_connected
        return True
