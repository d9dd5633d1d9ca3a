"""The link of one connected device: connect, keep, release, run commands, tell listeners.

It connects when the device advertises and a connection is wanted, keeps the
link while the device is on, lets go on request, and tells its listeners what
the driver reports. It never retries blindly: a device that is off does not
advertise, and only an advertisement newer than the last attempt is a reason
to try again.

Home Assistant calls advertisement callbacks only when the advertised content
changes, and a device that comes back after a drop usually advertises exactly
what it did before. So besides the callback, a cheap presence check looks at
the time of the device's last advertisement while the link is down.

Two kinds of listeners: state listeners (entities and runtimes; told after
every change of the driver's snapshot or of availability) and sample
listeners (every decoded sample at the device's full rate, for recording and
for stopping a shot on time; entities never see those).

The driver talks to the device through ``SerialGattClient``: one GATT
operation at a time, the lock held per operation, never across a sequence,
so a single urgent write goes through between the writes of a long one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

from bleak import BleakClient
from homeassistant.components import bluetooth
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import CONNECTION_BLUETOOTH, DeviceInfo
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util import dt as dt_util

from .connection import ConnectError, async_connect, async_disconnect, async_release
from .const import (
    CONNECT_BACKOFF_MAX_SECONDS,
    CONNECT_BACKOFF_SECONDS,
    DOMAIN,
    OPTION_HOLD_CONNECTION,
    PRESENCE_CHECK_SECONDS,
    SETUP_TIMEOUT_SECONDS,
    UNAVAILABLE_GRACE_SECONDS,
)
from .library.devices import Driver, create_driver
from .library.devices.base import (
    LINK_ERRORS,
    DeviceError,
    HandshakeError,
    ModelInfo,
    SerialGattClient,
)
from .library.listeners import Unsubscribe
from .models import KIND_LOST_HINT, KIND_STATE_INTERVAL

if TYPE_CHECKING:
    from .models import KitchenBleConfigEntry

_LOGGER = logging.getLogger(__name__)

type SampleListener = Callable[[object], None]

# Reachability problems the user can fix, as repair issues: the problem, and
# how long it must last (or how often happen in a row) before the user is told.
NO_ADAPTER: Final = "no_connectable_adapter"  # at once: nothing can connect at all
SLOTS_FULL: Final = "no_free_slot"  # for five minutes: a proxy's slots stay taken
SLOTS_FULL_FOR_SECONDS: Final = 300.0
HANDSHAKE_REFUSED: Final = "handshake_refused"  # three times in a row
HANDSHAKE_REFUSED_TIMES: Final = 3
REACHABILITY_PROBLEMS: Final = (NO_ADAPTER, SLOTS_FULL, HANDSHAKE_REFUSED)


class LinkCoordinator:
    """Connection lifecycle, state and commands of one connected device."""

    def __init__(self, hass: HomeAssistant, entry: KitchenBleConfigEntry, model: ModelInfo) -> None:
        self.hass = hass
        self.entry = entry
        self.address: str = entry.data[CONF_ADDRESS]
        self.driver: Driver = create_driver(model, self._async_driver_updated, self._async_sample)
        self.client: BleakClient | None = None
        self.gatt: SerialGattClient | None = None  # what the driver talks to while connected
        self.connected = False
        self.available = False
        self.rssi: int | None = None
        self.last_error: str | None = None
        self.connect_count = 0
        # released for a while by the integration itself (a paired scale while its machine sleeps)
        self.lent = False
        self._listeners: list[CALLBACK_TYPE] = []
        self._sample_listeners: list[SampleListener] = []
        self._gatt_lock = asyncio.Lock()
        self._connect_task: asyncio.Task[None] | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._cancel_poll: CALLBACK_TYPE | None = None
        self._cancel_grace: CALLBACK_TYPE | None = None
        self._cancel_presence: CALLBACK_TYPE | None = None
        self._backoff = 0.0
        self._retry_after = 0.0
        # The advertisement the last attempt (or the last drop) answered to;
        # only a newer one is a reason to connect again.
        self._acted_on: bluetooth.BluetoothServiceInfoBleak | None = None
        self._reported_lost = False
        self._stopping = False
        # the reachability problem of the failed attempts in a row: (problem, since, times)
        self._problem: tuple[str, float, int] | None = None
        # state notifications of a fast device: the earliest loop time of the next,
        # and the one held back until then
        self._state_interval = KIND_STATE_INTERVAL[model.kind]
        self._lost_hint = KIND_LOST_HINT.get(model.kind, "")
        self._next_state_at = 0.0
        self._held_state: asyncio.TimerHandle | None = None

    # --- what entities read -------------------------------------------------

    @property
    def model(self) -> ModelInfo:
        """The model, as refined by the driver once connected."""
        return self.driver.model

    @property
    def hold_connection(self) -> bool:
        """Whether the user wants the integration to hold the device."""
        return bool(self.entry.options.get(OPTION_HOLD_CONNECTION, True))

    @property
    def takes_device(self) -> bool:
        """Whether the integration connects now: the user's wish, unless the device is lent."""
        return self.hold_connection and not self.lent

    @cached_property
    def device_info(self) -> DeviceInfo:
        """Device registry entry of this device (entities only read it when added)."""
        return DeviceInfo(
            identifiers={(DOMAIN, self.address)},
            connections={(CONNECTION_BLUETOOTH, self.address)},
            name=self.entry.title,
            manufacturer=self.model.manufacturer,
            model=self.model.name,
            model_id=self.model.model_id,
        )

    @callback
    def async_add_listener(self, update_callback: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update_callback`` whenever state or availability changes."""
        self._listeners.append(update_callback)
        return Unsubscribe(self._listeners, update_callback)

    @callback
    def async_add_sample_listener(self, listener: SampleListener) -> CALLBACK_TYPE:
        """Call ``listener`` with every sample the driver decodes, at its full rate."""
        self._sample_listeners.append(listener)
        return Unsubscribe(self._sample_listeners, listener)

    @callback
    def _async_notify(self) -> None:
        for update_callback in list(self._listeners):
            update_callback()

    # --- lifecycle ------------------------------------------------------------

    @callback
    def async_start(self) -> None:
        """Listen for the device's advertisements; connect on the first one."""
        self._unsubs.append(
            bluetooth.async_register_callback(
                self.hass,
                self._async_on_advertisement,
                bluetooth.BluetoothCallbackMatcher(address=self.address, connectable=True),
                bluetooth.BluetoothScanningMode.ACTIVE,
            )
        )
        self._async_watch_presence()
        self._async_check_presence()
        # A device that never comes after a restart shows no change to log: look once
        # the usual grace is over.
        self._unsubs.append(
            async_call_later(self.hass, UNAVAILABLE_GRACE_SECONDS, self._async_check_first_link)
        )

    @callback
    def _async_check_first_link(self, _now: Any) -> None:
        if not self.available and self.takes_device and not self._reported_lost:
            _LOGGER.info(
                "%s (%s) is unavailable%s", self.entry.title, self.address, self._lost_hint
            )
            self._reported_lost = True

    async def async_stop(self) -> None:
        """Cancel everything this coordinator started and let the device go."""
        self._stopping = True
        self._async_clear_problems()
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._cancel_timers()
        await self._async_cancel_connect()
        await self._async_release()

    async def _async_cancel_connect(self) -> None:
        """Stop a connection attempt under way (its client, if any, is released after)."""
        if self._connect_task is not None and not self._connect_task.done():
            self._connect_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connect_task

    async def async_set_hold_connection(self, hold: bool) -> None:
        """Take the device (connect) or release it for another app."""
        self.hass.config_entries.async_update_entry(
            self.entry, options={**self.entry.options, OPTION_HOLD_CONNECTION: hold}
        )
        await self._async_take_or_release()

    async def async_lend(self, lent: bool) -> None:
        """Let the device go for a while (its phone app may have it), or take it back.

        The user's Keep connected stays as it is: a device lent and then taken back
        is connected again only where the user wants it held.
        """
        if lent == self.lent:
            return
        self.lent = lent
        await self._async_take_or_release()

    async def _async_take_or_release(self) -> None:
        if self.takes_device:
            self._retry_after = 0.0
            self._acted_on = None
            self._async_watch_presence()
            self._async_check_presence()
        else:
            await self._async_cancel_connect()  # else it would take the device after all
            await self._async_release()
            self._mark_unavailable()
            self._async_clear_problems()  # released on purpose: nothing to fix
        self._async_notify()

    # --- connecting -----------------------------------------------------------

    @callback
    def _async_watch_presence(self) -> None:
        """Look for fresh advertisements while the link is down (never while up)."""
        if self._cancel_presence is None and not self._stopping:
            self._cancel_presence = async_track_time_interval(
                self.hass,
                self._async_check_presence,
                timedelta(seconds=PRESENCE_CHECK_SECONDS),
                name=f"{DOMAIN} presence {self.address}",
            )

    @callback
    def _async_check_presence(self, _now: Any = None) -> None:
        """While the link is down, treat a fresh advertisement as a callback."""
        if self.connected:
            return
        service_info = bluetooth.async_last_service_info(self.hass, self.address, connectable=True)
        if service_info is not None and service_info is not self._acted_on:
            self._async_on_advertisement(service_info, bluetooth.BluetoothChange.ADVERTISEMENT)

    @callback
    def _async_on_advertisement(
        self, service_info: bluetooth.BluetoothServiceInfoBleak, change: bluetooth.BluetoothChange
    ) -> None:
        """Hot path: runs for every changed advertisement of this address."""
        self.rssi = service_info.rssi
        if (
            self.connected
            or self._stopping
            or not self.takes_device
            or (self._connect_task is not None and not self._connect_task.done())
            or bluetooth.MONOTONIC_TIME() < self._retry_after
        ):
            return
        self._acted_on = service_info
        self._connect_task = self.entry.async_create_background_task(
            self.hass, self._async_connect(), f"{DOMAIN} connect {self.address}"
        )

    async def _async_connect(self) -> None:
        try:
            client = await async_connect(
                self.hass, self.address, self.entry.title, self._on_disconnected
            )
        except ConnectError as err:
            self._async_connect_failed(err.reason, err)
            return
        self.client = client
        gatt = SerialGattClient(client, self._gatt_lock)
        try:
            async with asyncio.timeout(SETUP_TIMEOUT_SECONDS):
                await self.driver.async_start(gatt)
        except (DeviceError, *LINK_ERRORS) as err:
            self.client = None
            await async_disconnect(client)
            self._async_connect_failed("setup_failed", err)
            return
        self.gatt = gatt
        self._async_connected()

    @callback
    def _async_connect_failed(self, reason: str, err: Exception) -> None:
        self.last_error = reason
        self._backoff = min(
            max(self._backoff * 2, CONNECT_BACKOFF_SECONDS), CONNECT_BACKOFF_MAX_SECONDS
        )
        self._retry_after = bluetooth.MONOTONIC_TIME() + self._backoff
        _LOGGER.debug("%s: connection failed (%s): %s", self.address, reason, err)
        self._async_note_problem(reason, err)

    @callback
    def _async_note_problem(self, reason: str, err: Exception) -> None:
        """Tell the user by a repair issue about a reachability problem they can fix."""
        problem = {NO_ADAPTER: NO_ADAPTER, SLOTS_FULL: SLOTS_FULL}.get(reason)
        if reason == "setup_failed" and isinstance(err, HandshakeError):
            problem = HANDSHAKE_REFUSED
        now = dt_util.utcnow().timestamp()
        if problem is None:
            self._problem = None
            return
        if self._problem is not None and self._problem[0] == problem:
            since, times = self._problem[1], self._problem[2] + 1
        else:
            since, times = now, 1
        self._problem = (problem, since, times)
        if (
            problem == NO_ADAPTER
            or (problem == SLOTS_FULL and now - since >= SLOTS_FULL_FOR_SECONDS)
            or (problem == HANDSHAKE_REFUSED and times >= HANDSHAKE_REFUSED_TIMES)
        ):
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"{problem}_{self.entry.entry_id}",
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=problem,
                translation_placeholders={"name": self.entry.title},
            )

    @callback
    def _async_clear_problems(self) -> None:
        self._problem = None
        for problem in REACHABILITY_PROBLEMS:
            ir.async_delete_issue(self.hass, DOMAIN, f"{problem}_{self.entry.entry_id}")

    @callback
    def _async_connected(self) -> None:
        self.connected = True
        self.available = True
        self.connect_count += 1
        self.last_error = None
        self._backoff = 0.0
        self._async_clear_problems()
        self._cancel_timers()
        if self._reported_lost:
            _LOGGER.info("%s (%s) is available again", self.entry.title, self.address)
            self._reported_lost = False
        self._cancel_poll = async_track_time_interval(
            self.hass,
            self._async_poll,
            timedelta(seconds=self.driver.poll_interval),
            name=f"{DOMAIN} poll {self.address}",
        )
        self._async_update_device_registry()
        self._async_notify()

    def _on_disconnected(self, client: BleakClient) -> None:
        """Called by bleak when the link drops; may run off the event loop."""
        self.hass.loop.call_soon_threadsafe(self._async_on_link_lost, client)

    @callback
    def _async_on_link_lost(self, client: BleakClient) -> None:
        if client is not self.client:
            return  # an old link; its replacement is already up
        self.client = self.gatt = None
        self.connected = False
        # The device's last advertisement is from before the link; wait for a newer one.
        self._acted_on = bluetooth.async_last_service_info(
            self.hass, self.address, connectable=True
        )
        if self._cancel_poll is not None:
            self._cancel_poll()
            self._cancel_poll = None
        _LOGGER.debug("%s: link lost", self.address)
        self._async_watch_presence()
        if self._cancel_grace is None and self.available:
            self._cancel_grace = async_call_later(
                self.hass, UNAVAILABLE_GRACE_SECONDS, self._async_grace_expired
            )
        self._async_notify()

    @callback
    def _async_grace_expired(self, _now: Any) -> None:
        self._cancel_grace = None
        self._mark_unavailable()
        self._async_notify()

    @callback
    def _mark_unavailable(self) -> None:
        if self.available and not self._reported_lost:
            _LOGGER.info(
                "%s (%s) is unavailable%s", self.entry.title, self.address, self._lost_hint
            )
            self._reported_lost = True
        self.available = False
        self.rssi = None  # until it is heard again

    async def _async_release(self) -> None:
        client, self.client, self.gatt = self.client, None, None
        self.connected = False
        if self._cancel_poll is not None:
            self._cancel_poll()
            self._cancel_poll = None
        if client is not None:
            # the driver's goodbye first, one operation at a time like every other
            await async_release(self.driver, client, gatt=SerialGattClient(client, self._gatt_lock))

    @callback
    def _cancel_timers(self) -> None:
        for name in ("_cancel_poll", "_cancel_grace", "_cancel_presence"):
            if (cancel := getattr(self, name)) is not None:
                cancel()
                setattr(self, name, None)
        if self._held_state is not None:
            self._held_state.cancel()
            self._held_state = None

    # --- talking to the device -----------------------------------------------

    async def _async_poll(self, _now: Any = None) -> None:
        gatt = self.gatt
        if gatt is None:
            return
        try:
            await self.driver.async_poll(gatt)
        except (DeviceError, *LINK_ERRORS) as err:
            # The link is probably going away; bleak's callback follows.
            _LOGGER.debug("%s: poll failed: %s", self.address, err)

    async def async_command[T](
        self, command: Callable[[SerialGattClient], Awaitable[T]], *, name: str
    ) -> T:
        """Run ``command`` on the connected device; a translated error if it cannot be.

        The command's GATT operations queue one at a time with every other
        exchange on this link, but the command holds no lock of its own: a
        long sequence never keeps a short urgent one waiting behind it.
        """
        gatt = self.gatt
        if gatt is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="not_connected",
                translation_placeholders={"name": self.entry.title},
            )
        try:
            return await command(gatt)
        except (DeviceError, *LINK_ERRORS) as err:
            _LOGGER.debug("%s: %s failed: %r", self.address, name, err)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_failed",
                translation_placeholders={"name": self.entry.title, "command": name},
            ) from err

    @callback
    def _async_driver_updated(self) -> None:
        """The driver's state changed: tell state listeners, at most once per interval."""
        if not self._state_interval:
            self._async_notify()
            return
        if self._held_state is not None:
            return  # one is waiting already and will carry this change too
        now = self.hass.loop.time()
        if now >= self._next_state_at:
            self._async_notify_state()
        else:
            self._held_state = self.hass.loop.call_at(self._next_state_at, self._async_notify_state)

    @callback
    def _async_notify_state(self) -> None:
        self._held_state = None
        self._next_state_at = self.hass.loop.time() + self._state_interval
        self._async_notify()

    @callback
    def _async_sample(self, sample: object) -> None:
        for listener in list(self._sample_listeners):
            listener(sample)

    @callback
    def _async_update_device_registry(self) -> None:
        registry = dr.async_get(self.hass)
        firmware: str | None = getattr(self.driver.state, "firmware", None)
        for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id):
            registry.async_update_device(
                device.id,
                sw_version=firmware,
                model=self.model.name,
                model_id=self.model.model_id,
                manufacturer=self.model.manufacturer,
            )
