"""The cooking runtime: one per Home Assistant, between the thermometers and the library.

It keeps every probe's target, alert engine and time-to-target estimator and
the session manager, persists them in one ``Store``, and hears every
thermometer through its link: each reading (converted to °C) feeds the
engines, the estimators and the running session; the link going away and
coming back (after the link's grace period) is a device lost or back for the
session. Alerts go out three ways: the probe's event entity, a
``kitchen_ble_alert`` bus event and, through ``logbook.py``, the logbook.
Targets are mirrored into the devices' own alarms (capability
``probe_alarm``), and a device that reports its alarm (``reports_alarm``) has
a change made on it adopted as the target (``library/cooking/device_alarm.py``).
Entities and services call the methods below; the logic stays in the library.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.ulid import ulid_now

from .archive import SessionArchive, without_curves
from .const import (
    DOMAIN,
    EVENT_ALERT,
    EVENT_SESSION_ENDED,
    EVENT_SESSION_STARTED,
    UNAVAILABLE_GRACE_SECONDS,
)
from .coordinator import LinkCoordinator
from .library.cooking.alerts import Alert, AlertType
from .library.cooking.device_alarm import AlarmFollower, AlarmReporting, AlarmWrites
from .library.cooking.eta import REFRESH_SECONDS
from .library.cooking.manager import SessionManager
from .library.cooking.session import DeviceStatus, Session
from .library.cooking.state import CookDevice, ProbeCook
from .library.cooking.targets import ProbeTarget, TargetError
from .library.cooking.validation import MAX_TIMESTAMP, MAX_TIMESTAMP_TEXT, as_mapping
from .library.devices.base import Capability, ProbeAlarmDriver
from .library.devices.thermometer import to_celsius, to_device_unit
from .runtime import FeatureRuntime, KeyedListeners, invalid, now
from .util import thermometer_state, user_temperature

_LOGGER = logging.getLogger(__name__)

DATA_COOKING: Final[HassKey[CookingRuntime]] = HassKey(DOMAIN)
STORE_KEY: Final = f"{DOMAIN}.cooking"


def get_runtime(hass: HomeAssistant) -> CookingRuntime:
    return hass.data[DATA_COOKING]


def ready_by_utc(when: datetime, at: float) -> datetime:
    """A "ready by" time in UTC (without a zone: local time); a translated error if unusable.

    It must lie ahead (else the cook is behind schedule at once) and within
    the dates every time zone can show; a time that is no UTC date at all
    (the first or last hours of the calendar) is in the past or too late.
    """
    try:
        utc: datetime | None = dt_util.as_utc(when)
    except OverflowError:
        if when.year <= 1:
            raise invalid("ready_by_in_the_past", ready_by=when.isoformat()) from None
        utc = None
    if utc is None or utc.timestamp() > MAX_TIMESTAMP:
        raise invalid("ready_by_too_late", ready_by=when.isoformat(), max=MAX_TIMESTAMP_TEXT)
    if utc.timestamp() <= at:
        try:
            shown = dt_util.as_local(utc).isoformat()
        except OverflowError:  # the first hours of the calendar, east of UTC
            shown = utc.isoformat()
        raise invalid("ready_by_in_the_past", ready_by=shown)
    return utc


type Device = CookDevice[LinkCoordinator]


class CookingRuntime(FeatureRuntime):
    """Targets, alerts, time to target and sessions of every thermometer."""

    store_key = STORE_KEY

    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(hass)
        self.manager = SessionManager(max_history=0)  # archive.py keeps ended sessions
        self.archive = SessionArchive(hass)
        self._devices: dict[str, Device] = {}
        self._alarm_writes: dict[str, AlarmWrites] = {}  # per device, on its current link
        self._cancel_expiry: CALLBACK_TYPE | None = None
        self.listeners: KeyedListeners[str, []] = KeyedListeners()
        self.alert_listeners: KeyedListeners[str, [Alert]] = KeyedListeners()

    # --- lifecycle ------------------------------------------------------------

    async def async_load(self) -> None:
        await self.archive.async_load()
        await super().async_load()

    def _restore(self, data: dict[str, Any]) -> None:
        """Anything broken starts afresh, with a warning."""
        devices = as_mapping(data.get("devices") or {}, "devices")
        for key, raw in devices.items():
            try:
                self._devices[key] = CookDevice.from_dict(key, raw)
            except ValueError as err:
                _LOGGER.warning("Stored cooking data of %s ignored: %s", key, err)
        if (sessions := data.get("sessions")) is not None:
            try:
                self.manager = SessionManager.from_dict(sessions, max_history=0)
            except ValueError as err:
                _LOGGER.warning("Stored cook session ignored: %s", err)

    @callback
    def _async_started(self) -> None:
        self._async_schedule_expiry()

    @callback
    def _async_stopping(self) -> None:
        self._async_cancel_expiry()

    @callback
    def async_add_thermometer(self, link: LinkCoordinator) -> CALLBACK_TYPE:
        """Hear this thermometer from now on; returns the callback that stops it."""
        device = self.device(link.address)
        device.link = link
        registry = dr.async_get(self.hass)
        device.device_id = registry.async_get_or_create(
            config_entry_id=link.entry.entry_id, **link.device_info
        ).id
        for number in range(1, link.model.probes + 1):
            device.probe(number)
        device.available = link.available
        device.connected = link.connected
        device.unit = thermometer_state(link).unit
        unsubs = [
            link.async_add_listener(partial(self._async_link_updated, device)),
            self.async_track_interval(
                REFRESH_SECONDS, partial(self._async_reevaluate, device), f"cooking {device.key}"
            ),
            # A device starts unavailable, so one that never comes back after a restart
            # shows no change to react to: check it once the usual grace is over.
            async_call_later(
                self.hass,
                UNAVAILABLE_GRACE_SECONDS,
                partial(self._async_check_absent, device),
            ),
        ]
        if link.model.has(Capability.REPORTS_ALARM):
            unsubs.append(self._async_follow_device_alarm(device, link))

        @callback
        def remove() -> None:
            for unsub in unsubs:
                unsub()
            device.link = None
            device.available = device.connected = False

        return remove

    @callback
    def async_forget(self, key: str) -> None:
        """The device's config entry was deleted: drop its settings (sessions keep it)."""
        self._devices.pop(key, None)
        self.async_save_soon()

    # --- what entities read -----------------------------------------------------

    def device(self, key: str) -> Device:
        device = self._devices.get(key)
        if device is None:
            device = self._devices[key] = CookDevice(key)
        return device

    def probe(self, key: str, number: int) -> ProbeCook:
        return self.device(key).probe(number)

    @property
    def session(self) -> Session | None:
        return self.manager.active

    def in_session(self, key: str) -> bool:
        """Whether the device takes part in the running cook (active, or lost within grace)."""
        session = self.manager.active
        member = None if session is None else session.members.get(key)
        return member is not None and member.status is not DeviceStatus.LEFT

    @callback
    def async_add_listener(self, key: str, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` when the device's cooking state may have changed."""
        return self.listeners.async_add(key, listener)

    @callback
    def async_add_alert_listener(
        self, key: str, listener: Callable[[Alert], None]
    ) -> CALLBACK_TYPE:
        return self.alert_listeners.async_add(key, listener)

    # --- targets ----------------------------------------------------------------

    @callback
    def async_change_probe(
        self,
        key: str,
        number: int,
        change: Callable[[ProbeTarget], ProbeTarget],
        *,
        range_alarm: bool | None = None,
    ) -> None:
        """Change one probe's settings; a rejected change raises and changes nothing."""
        probe = self.probe(key, number)
        try:
            setting = change(probe.setting)
        except TargetError as err:
            raise invalid(err.key, **err.placeholders) from err
        old_limits = probe.device_limits()
        probe.apply(setting, probe.range_alarm if range_alarm is None else range_alarm)
        probe.update_eta(now())
        device = self.device(key)
        if probe.device_limits() != old_limits:
            self._async_write_alarms(device, [number])
        self.async_save_soon()
        self.listeners.notify(key)

    # --- the devices' own alarms ---------------------------------------------------

    @callback
    def _async_write_alarms(self, device: Device, numbers: Iterable[int]) -> None:
        """Mirror the targets into the device's own alarms, where it has them."""
        link = device.link
        if link is None or not link.connected or not link.model.has(Capability.PROBE_ALARM):
            return
        wanted = [(n, *device.probe(n).device_limits()) for n in numbers]
        link.entry.async_create_background_task(
            self.hass, self._async_write(link, wanted), f"{DOMAIN} alarms {device.key}"
        )

    async def _async_write(
        self, link: LinkCoordinator, wanted: list[tuple[int, float | None, float | None]]
    ) -> None:
        for number, high, low in wanted:
            await self.async_write_probe_alarm(link, number, high, low)

    async def async_write_probe_alarm(
        self,
        link: LinkCoordinator,
        probe: int,
        high_celsius: float | None,
        low_celsius: float | None,
    ) -> bool:
        """Write one probe's device alarms (None clears one); False if not written.

        A failed write is logged at debug level and never raised: the device
        alarm only mirrors the integration's own target alerts.
        """
        driver = link.driver
        assert isinstance(driver, ProbeAlarmDriver)  # capability probe_alarm
        unit = thermometer_state(link).unit
        high, low = (
            None if celsius is None else round(to_device_unit(celsius, unit))
            for celsius in (high_celsius, low_celsius)
        )
        writes = self.alarm_writes(link.address)
        writes.add(probe, high, unit)
        try:
            await link.async_command(
                lambda gatt: driver.async_set_probe_alarm(gatt, probe, high, low),
                name="probe alarm",
            )
        except (HomeAssistantError, ValueError) as err:  # ValueError: a probe it lacks
            writes.failed(probe, high, unit)
            _LOGGER.debug(
                "%s: probe %d alarm not written: %r", link.address, probe, err.__cause__ or err
            )
            return False
        return True

    def alarm_writes(self, key: str) -> AlarmWrites:
        """The device alarms written on the device's current link, not yet confirmed."""
        return self._alarm_writes.setdefault(key, AlarmWrites())

    @callback
    def _async_follow_device_alarm(self, device: Device, link: LinkCoordinator) -> CALLBACK_TYPE:
        """Adopt the alarm the device reports as probe 1's target when it was changed there."""
        driver = link.driver
        assert isinstance(driver, AlarmReporting)  # capability reports_alarm
        follower = AlarmFollower(1, self.alarm_writes(link.address))

        @callback
        def update() -> None:
            state = thermometer_state(link)
            target = device.probe(1).setting.target
            adopt, new = follower.update(driver, link.connected, state.alarm, state.unit, target)
            if not adopt:
                return
            _LOGGER.debug("%s: the device's alarm changed; target now %s °C", link.address, new)
            try:
                self.async_change_probe(device.key, 1, lambda t: t.with_target(new))
            except HomeAssistantError as err:  # a value no target can have
                _LOGGER.debug("%s: device alarm not adopted: %s", link.address, err)

        return link.async_add_listener(update)

    # --- readings -----------------------------------------------------------------

    @callback
    def _async_link_updated(self, device: Device) -> None:
        link = device.link
        if link is None:  # pragma: no cover - listeners go before this is cleared
            return
        at = now()
        if link.available != device.available:
            device.available = link.available
            if device.available:
                self._async_device_back(device, at)
            else:
                self._async_device_lost(device, at)
            self.listeners.notify(device.key)  # time-to-target sensors follow availability
        unit = thermometer_state(link).unit
        fresh = link.connected and not device.connected
        if fresh:
            self.alarm_writes(device.key).clear()  # what was written on the old link is gone
        if link.connected and (not device.connected or unit != device.unit):
            # a fresh link: the device may have lost or changed its alarms meanwhile;
            # a new display unit: the alarms are kept in it, so they need rewriting
            self._async_write_alarms(
                device, [n for n, p in device.probes.items() if p.device_limits() != (None, None)]
            )
        device.connected = link.connected
        device.unit = unit
        if device.connected:
            # on a fresh link every probe, also an empty socket: else the first reading
            # after a socket is filled would be taken for no change at all
            self._async_evaluate(device, link, at, every=fresh)

    @callback
    def _async_reevaluate(self, device: Device, _now_dt: datetime) -> None:
        link = device.link
        if link is not None and link.connected:
            self._async_evaluate(device, link, now(), every=True)

    @callback
    def _async_evaluate(
        self,
        device: Device,
        link: LinkCoordinator,
        at: float,
        *,
        every: bool = False,
    ) -> None:
        """Feed the probes' readings to the cooking logic: the changed ones, or ``every`` one."""
        state = thermometer_state(link)
        session = self.manager.active
        in_session = session is not None and session.is_active(device.key)
        ready_by = session.ready_by if session is not None and in_session else None
        shown_changed = False
        for index, raw in enumerate(state.probes):
            probe = device.probe(index + 1)
            temperature = None if raw is None else to_celsius(raw, state.unit)
            if not every and temperature == probe.temperature:
                continue  # a notification of another probe (or of the battery)
            if temperature is not None and probe.temperature is None:
                probe.eta.reset()  # a probe put in: maybe into another piece of food
            probe.temperature = temperature
            probe.eta.add(at, temperature)
            alerts = probe.engine.update(temperature, at, in_session=in_session)
            shown_changed |= probe.update_eta(at)
            remaining = None if probe.remaining is None else probe.remaining * 60.0
            if probe.schedule.update(ready_by, remaining, at):
                alerts.append(
                    Alert(
                        AlertType.BEHIND_SCHEDULE,
                        device.key,
                        probe.number,
                        probe.setting.label,
                        temperature,
                        probe.setting.target,
                        at,
                    )
                )
            if session is not None and in_session:
                session.record_reading(
                    device.key,
                    probe.number,
                    temperature,
                    at,
                    target=probe.setting.target,
                    label=probe.setting.label,
                )
            for alert in alerts:
                self._async_deliver(device, alert, record=in_session)
        self.async_save_later()
        if shown_changed:
            self.listeners.notify(device.key)

    # --- alerts -----------------------------------------------------------------

    @callback
    def _async_deliver(self, device: Device, alert: Alert, *, record: bool) -> None:
        if record and (session := self.manager.active) is not None:
            session.record_alert(alert)
        self.alert_listeners.notify(device.key, alert)
        self.hass.bus.async_fire(
            EVENT_ALERT,
            {
                "device_id": device.device_id,
                "probe": alert.probe,
                "label": alert.label,
                "type": alert.type.value,
                "temperature": user_temperature(self.hass, alert.temperature),
                "target": user_temperature(self.hass, alert.target),
                "unit": self.hass.config.units.temperature_unit,
                "name": self._device_name(device),
            },
        )
        self.async_save_soon()

    def _device_name(self, device: Device) -> str:
        entry = (
            None
            if device.device_id is None
            else dr.async_get(self.hass).async_get(device.device_id)
        )
        if entry is not None:
            return entry.name_by_user or entry.name or device.key
        return device.key  # pragma: no cover - registered devices have an entry

    # --- sessions -----------------------------------------------------------------

    @callback
    def _async_device_lost(self, device: Device, at: float) -> None:
        session = self.manager.active
        if session is None:
            return
        alert = session.device_lost(device.key, at)  # recorded by the session itself
        if alert is None:
            return
        self._async_deliver(device, alert, record=False)
        self._async_schedule_expiry()
        self._async_session_changed()

    @callback
    def _async_check_absent(self, device: Device, _now_dt: datetime) -> None:
        if device.link is not None and not device.link.available:
            self._async_device_lost(device, now())

    @callback
    def _async_device_back(self, device: Device, at: float) -> None:
        session = self.manager.active
        if session is not None and device.key in session.members:
            session.device_back(device.key, at)
            self._async_session_changed()

    @callback
    def _async_schedule_expiry(self) -> None:
        """Let lost devices leave the session when their grace period is over."""
        self._async_cancel_expiry()
        session = self.manager.active
        if session is None:
            return
        lost = [m.since for m in session.members.values() if m.status is DeviceStatus.LOST]
        if lost:
            delay = max(min(lost) + session.grace - now(), 0.0) + 1.0
            self._cancel_expiry = async_call_later(self.hass, delay, self._async_expire)

    @callback
    def _async_cancel_expiry(self) -> None:
        if self._cancel_expiry is not None:
            self._cancel_expiry()
            self._cancel_expiry = None

    @callback
    def _async_expire(self, _now_dt: datetime) -> None:
        self._cancel_expiry = None
        session = self.manager.active
        if session is not None:  # pragma: no branch - ending a session cancels this timer
            # readings of other devices may have expired it already: notify anyway
            session.expire(now())
            self._async_session_changed()
        self._async_schedule_expiry()

    @callback
    def _async_session_changed(self) -> None:
        self.async_save_soon()
        self.listeners.notify_all()

    def key_for_device_id(self, device_id: str) -> str:
        """The thermometer behind a device registry id; raises for anything else."""
        for device in self._devices.values():
            if device.device_id == device_id and device.link is not None:
                return device.key
        raise invalid("not_a_thermometer", device_id=device_id)

    def _device_ids(self, keys: Iterable[str]) -> list[str]:
        return [self._devices[k].device_id or k if k in self._devices else k for k in keys]

    @callback
    def async_start_session(
        self, *, name: str | None = None, keys: list[str], ready_by: datetime | None = None
    ) -> Session:
        session = self.manager.active
        if session is not None:
            raise invalid("session_running", name=session.name)
        if not keys:
            raise invalid("no_thermometer")
        at = now()
        if ready_by is not None:
            ready_by = ready_by_utc(ready_by, at)
        if not name:
            name = f"Cook {dt_util.as_local(dt_util.utc_from_timestamp(at)):%Y-%m-%d %H:%M}"
        session = self.manager.start(
            at,
            session_id=ulid_now(),
            name=name,
            devices=keys,
            ready_by=None if ready_by is None else ready_by.timestamp(),
        )
        self.hass.bus.async_fire(
            EVENT_SESSION_STARTED,
            {
                "session_id": session.id,
                "name": session.name,
                "started_at": dt_util.utc_from_timestamp(at).isoformat(),
                "ready_by": None if ready_by is None else dt_util.as_utc(ready_by).isoformat(),
                "devices": self._device_ids(keys),
            },
        )
        self._async_session_changed()
        return session

    @callback
    def async_add_to_session(self, key: str) -> None:
        session = self._require_session()
        session.add_device(key, now())
        self._async_session_changed()

    @callback
    def async_start_or_join(self, key: str) -> None:
        """The "Start cook" button: a new session with this device, or join the running one."""
        if self.manager.active is None:
            self.async_start_session(keys=[key])
        else:
            self.async_add_to_session(key)

    @callback
    def async_set_ready_by(self, when: datetime) -> None:
        session = self._require_session()
        session.ready_by = ready_by_utc(when, now()).timestamp()
        self._async_session_changed()

    async def async_end_session(self) -> dict[str, Any]:
        """End the running session: archive it and announce it; returns its summary."""
        self._require_session()
        summary = self._present(self.manager.end(now()))
        self._async_cancel_expiry()
        self._async_session_changed()
        await self.archive.async_add(summary)
        compact = without_curves(summary)
        self.hass.bus.async_fire(EVENT_SESSION_ENDED, compact)
        return compact

    def _require_session(self) -> Session:
        session = self.manager.active
        if session is None:
            raise invalid("no_active_session")
        return session

    def _present(self, summary: dict[str, Any]) -> dict[str, Any]:
        """The core's summary with device registry ids in place of device keys."""
        ids = dict(zip(summary["devices"], self._device_ids(summary["devices"]), strict=True))
        return {
            **summary,
            "devices": [ids[key] for key in summary["devices"]],
            "probes": [
                {**p, "device_id": ids.get(p["device_id"], p["device_id"])}
                for p in summary["probes"]
            ],
            "alerts": [
                {**a, "device_id": ids.get(a["device_id"], a["device_id"])}
                for a in summary["alerts"]
            ],
        }

    def list_sessions(self, page: int, page_size: int) -> dict[str, Any]:
        if page < 1:
            raise invalid("invalid_page", page=str(page))
        if not 1 <= page_size <= 100:
            raise invalid("invalid_page_size", page_size=str(page_size))
        return {
            "sessions": self.archive.page(page, page_size),
            "page": page,
            "page_size": page_size,
            "total": len(self.archive),
        }

    async def async_get_session(self, session_id: str) -> dict[str, Any]:
        session = self.manager.active
        if session is not None and session.id == session_id:
            return {**self._present(session.summary()), "active": True}
        record = await self.archive.async_get(session_id)
        if record is None:
            raise invalid("unknown_session", session_id=session_id)
        return {**record, "active": False}

    # --- storage and diagnostics ----------------------------------------------

    def _data(self) -> dict[str, Any]:
        return {
            "devices": {key: device.to_dict() for key, device in self._devices.items()},
            "sessions": self.manager.to_dict(),
        }

    def diagnostics(self, key: str) -> dict[str, Any]:
        """This device's cooking data for a bug report."""
        device = self.device(key)
        probes = {}
        for number, probe in sorted(device.probes.items()):
            alerts = {k: v for k, v in probe.engine.to_dict().items() if k != "device_id"}
            probes[str(number)] = {
                "setting": probe.setting.to_dict(),
                "range_alarm": probe.range_alarm,
                "temperature": probe.temperature,
                "time_remaining": probe.remaining,
                "ready_at": None if probe.ready_at is None else probe.ready_at.isoformat(),
                "alert_state": alerts,
            }
        session = self.manager.active
        member = None if session is None else session.members.get(key)
        return {
            "probes": probes,
            "session": None
            if session is None or member is None
            else {
                "id": session.id,
                "started_at": session.started_at,
                "ready_by": session.ready_by,
                "status": member.status.value,
                "devices": len(session.members),
            },
            "archived_sessions": len(self.archive),
        }
