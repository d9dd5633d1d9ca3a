"""The cooking runtime: one per Home Assistant, between the thermometers and ``cooking/``.

It keeps every probe's target, alert engine and time-to-target estimator and
the session manager, persists them in one ``Store``, and hears every
thermometer through its coordinator: each reading (converted to °C) feeds
the engines, the estimators and the running session; the link going away
and coming back (after the coordinator's grace period) is a device lost or
back for the session. Alerts go out three ways: the probe's event entity, a
``kitchen_ble_alert`` bus event and, through ``logbook.py``, the logbook.
Entities and services call the methods below; the logic stays in ``cooking/``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.ulid import ulid_now

from .const import (
    DOMAIN,
    EVENT_ALERT,
    EVENT_SESSION_ENDED,
    EVENT_SESSION_STARTED,
    UNAVAILABLE_GRACE_SECONDS,
)
from .cooking.alerts import Alert, AlertType
from .cooking.eta import REFRESH_SECONDS
from .cooking.manager import SessionManager
from .cooking.session import DeviceStatus, Session
from .cooking.targets import ProbeTarget
from .cooking_state import AlertListener, CookDevice, Listener, ProbeCook
from .coordinator import KitchenBleCoordinator
from .devices.thermometer import ThermometerState, to_celsius
from .history import SessionArchive, without_curves
from .listeners import Unsubscribe
from .storage import DelayedSave
from .units import user_temperature

_LOGGER = logging.getLogger(__name__)

DATA_COOKING: Final[HassKey[CookingRuntime]] = HassKey(DOMAIN)
STORE_KEY: Final = f"{DOMAIN}.cooking"
STORE_VERSION: Final = 1
ROUTINE_SAVE_DELAY: Final = 60.0  # s; readings and curves
PROMPT_SAVE_DELAY: Final = 1.0  # s; settings, alerts, sessions
# Readings only arrive when a value changes; reminders and the alerts' hold
# times still need the clock to move on a steady probe.
CELSIUS: Final = "°C"


def thermometer_state(coordinator: KitchenBleCoordinator) -> ThermometerState | None:
    """The thermometer snapshot, or None for a device that is not a thermometer."""
    state: object = coordinator.driver.state
    return state if isinstance(state, ThermometerState) else None


def get_runtime(hass: HomeAssistant) -> CookingRuntime:
    return hass.data[DATA_COOKING]


def _invalid(*, translation_key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


def _check_ready_by(when: datetime | None, now: float) -> None:
    """A "ready by" time must lie ahead, or the cook would be behind schedule at once."""
    if when is not None and when.timestamp() <= now:
        raise _invalid(
            translation_key="ready_by_in_the_past", ready_by=dt_util.as_local(when).isoformat()
        )


def _now() -> float:
    return dt_util.utcnow().timestamp()


class CookingRuntime:
    """Targets, alerts, time to target and sessions of every thermometer."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.manager = SessionManager(max_history=0)  # history.py archives ended sessions
        self.archive = SessionArchive(hass)
        self._store: Store[dict[str, Any]] = Store(hass, STORE_VERSION, STORE_KEY)
        self._saver = DelayedSave(hass, self._store, self._data)
        self._devices: dict[str, CookDevice] = {}
        self._cancel_expiry: CALLBACK_TYPE | None = None

    # --- lifecycle ------------------------------------------------------------

    async def async_load(self) -> None:
        """Read what the last run stored; anything broken starts afresh, with a warning."""
        await self.archive.async_load()
        data = await self._store.async_load() or {}
        for key, raw in (data.get("devices") or {}).items():
            try:
                self._devices[key] = CookDevice.from_dict(key, raw)
            except ValueError as err:
                _LOGGER.warning("Stored cooking data of %s ignored: %s", key, err)
        if (sessions := data.get("sessions")) is not None:
            try:
                self.manager = SessionManager.from_dict(sessions, max_history=0)
            except ValueError as err:
                _LOGGER.warning("Stored cook session ignored: %s", err)
        self._async_schedule_expiry()
        self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_stop)

    @callback
    def _async_stop(self, _event: Event) -> None:
        self._async_cancel_expiry()

    @callback
    def async_add_thermometer(self, coordinator: KitchenBleCoordinator) -> CALLBACK_TYPE:
        """Hear this thermometer from now on; returns the callback that stops it."""
        device = self.device(coordinator.address)
        device.coordinator = coordinator
        registry = dr.async_get(self.hass)
        device.device_id = registry.async_get_or_create(
            config_entry_id=coordinator.entry.entry_id, **coordinator.device_info
        ).id
        for number in range(1, coordinator.model.probes + 1):
            device.probe(number)
        device.available = coordinator.available
        device.connected = coordinator.connected
        device.unit = getattr(coordinator.driver.state, "unit", CELSIUS)
        unsubs = [
            coordinator.async_add_listener(partial(self._async_coordinator_updated, device)),
            async_track_time_interval(
                self.hass,
                partial(self._async_reevaluate, device),
                timedelta(seconds=REFRESH_SECONDS),
                name=f"{DOMAIN} cooking {device.key}",
            ),
            # A device starts unavailable, so one that never comes back after a restart
            # shows no change to react to: check it once the usual grace is over.
            async_call_later(
                self.hass,
                UNAVAILABLE_GRACE_SECONDS,
                partial(self._async_check_absent, device),
            ),
        ]

        @callback
        def remove() -> None:
            for unsub in unsubs:
                unsub()
            device.coordinator = None
            device.available = device.connected = False

        return remove

    @callback
    def async_forget(self, key: str) -> None:
        """The device's config entry was deleted: drop its settings (sessions keep it)."""
        self._devices.pop(key, None)
        self._saver.async_save(PROMPT_SAVE_DELAY)

    # --- what entities read -----------------------------------------------------

    def device(self, key: str) -> CookDevice:
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
    def async_add_listener(self, key: str, listener: Listener) -> CALLBACK_TYPE:
        """Call ``listener`` when the device's cooking state may have changed."""
        listeners = self.device(key).listeners
        listeners.append(listener)
        return Unsubscribe(listeners, listener)

    @callback
    def async_add_alert_listener(self, key: str, listener: AlertListener) -> CALLBACK_TYPE:
        listeners = self.device(key).alert_listeners
        listeners.append(listener)
        return Unsubscribe(listeners, listener)

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
        except ValueError as err:
            raise _invalid(translation_key="invalid_setting", reason=str(err)) from err
        old_limits = probe.device_limits()
        probe.apply(setting, probe.range_alarm if range_alarm is None else range_alarm)
        probe.update_eta(_now())
        device = self.device(key)
        if probe.device_limits() != old_limits:
            self._async_write_alarms(device, [number])
        self._saver.async_save(PROMPT_SAVE_DELAY)
        device.notify()

    @callback
    def _async_write_alarms(self, device: CookDevice, numbers: Iterable[int]) -> None:
        """Mirror the targets into the device's own alarms, where it has them."""
        coordinator = device.coordinator
        if coordinator is None or not coordinator.connected or not coordinator.supports_probe_alarm:
            return
        wanted = [(n, *device.probe(n).device_limits()) for n in numbers]
        coordinator.entry.async_create_background_task(
            self.hass, self._async_write(coordinator, wanted), f"{DOMAIN} alarms {device.key}"
        )

    async def _async_write(
        self,
        coordinator: KitchenBleCoordinator,
        wanted: list[tuple[int, float | None, float | None]],
    ) -> None:
        for number, high, low in wanted:
            await coordinator.async_set_probe_alarm(number, high, low)

    # --- readings -----------------------------------------------------------------

    @callback
    def _async_coordinator_updated(self, device: CookDevice) -> None:
        coordinator = device.coordinator
        if coordinator is None:  # pragma: no cover - listeners go before this is cleared
            return
        now = _now()
        if coordinator.available != device.available:
            device.available = coordinator.available
            if device.available:
                self._async_device_back(device, now)
            else:
                self._async_device_lost(device, now)
            device.notify()  # time-to-target sensors follow the device's availability
        unit = getattr(coordinator.driver.state, "unit", CELSIUS)
        if coordinator.connected and (not device.connected or unit != device.unit):
            # a fresh link: the device may have lost or changed its alarms meanwhile;
            # a new display unit: the alarms are kept in it, so they need rewriting
            self._async_write_alarms(
                device, [n for n, p in device.probes.items() if p.device_limits() != (None, None)]
            )
        device.connected = coordinator.connected
        device.unit = unit
        if device.connected:
            self._async_evaluate(device, coordinator, now)

    @callback
    def _async_reevaluate(self, device: CookDevice, _now_dt: datetime) -> None:
        coordinator = device.coordinator
        if coordinator is not None and coordinator.connected:
            self._async_evaluate(device, coordinator, _now(), every=True)

    @callback
    def _async_evaluate(
        self,
        device: CookDevice,
        coordinator: KitchenBleCoordinator,
        now: float,
        *,
        every: bool = False,
    ) -> None:
        """Feed the probes' readings to the cooking logic: the changed ones, or ``every`` one."""
        state = thermometer_state(coordinator)
        if state is None:  # pragma: no cover - only thermometers are registered
            return
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
            probe.eta.add(now, temperature)
            alerts = probe.engine.update(temperature, now, in_session=in_session)
            shown_changed |= probe.update_eta(now)
            remaining = None if probe.remaining is None else probe.remaining * 60.0
            if probe.schedule.update(ready_by, remaining, now):
                alerts.append(
                    Alert(
                        AlertType.BEHIND_SCHEDULE,
                        device.key,
                        probe.number,
                        probe.setting.label,
                        temperature,
                        probe.setting.target,
                        now,
                    )
                )
            if session is not None and in_session:
                session.record_reading(
                    device.key,
                    probe.number,
                    temperature,
                    now,
                    target=probe.setting.target,
                    label=probe.setting.label,
                )
            for alert in alerts:
                self._async_deliver(device, alert, record=in_session)
        self._saver.async_save(ROUTINE_SAVE_DELAY)
        if shown_changed:
            device.notify()

    # --- alerts -----------------------------------------------------------------

    @callback
    def _async_deliver(self, device: CookDevice, alert: Alert, *, record: bool) -> None:
        if record and (session := self.manager.active) is not None:
            session.record_alert(alert)
        for listener in list(device.alert_listeners):
            listener(alert)
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
        self._saver.async_save(PROMPT_SAVE_DELAY)

    def _device_name(self, device: CookDevice) -> str:
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
    def _async_device_lost(self, device: CookDevice, now: float) -> None:
        session = self.manager.active
        if session is None:
            return
        alert = session.device_lost(device.key, now)  # recorded by the session itself
        if alert is None:
            return
        self._async_deliver(device, alert, record=False)
        self._async_schedule_expiry()
        self._async_session_changed()

    @callback
    def _async_check_absent(self, device: CookDevice, _now_dt: datetime) -> None:
        if device.coordinator is not None and not device.coordinator.available:
            self._async_device_lost(device, _now())

    @callback
    def _async_device_back(self, device: CookDevice, now: float) -> None:
        session = self.manager.active
        if session is not None and device.key in session.members:
            session.device_back(device.key, now)
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
            delay = max(min(lost) + session.grace - _now(), 0.0) + 1.0
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
            session.expire(_now())
            self._async_session_changed()
        self._async_schedule_expiry()

    @callback
    def _async_session_changed(self) -> None:
        self._saver.async_save(PROMPT_SAVE_DELAY)
        for device in list(self._devices.values()):
            device.notify()

    def key_for_device_id(self, device_id: str) -> str:
        """The thermometer behind a device registry id; raises for anything else."""
        for device in self._devices.values():
            if device.device_id == device_id and device.coordinator is not None:
                return device.key
        raise _invalid(translation_key="not_a_thermometer", device_id=device_id)

    def _device_ids(self, keys: Iterable[str]) -> list[str]:
        return [self._devices[k].device_id or k if k in self._devices else k for k in keys]

    @callback
    def async_start_session(
        self, *, name: str | None = None, keys: list[str], ready_by: datetime | None = None
    ) -> Session:
        session = self.manager.active
        if session is not None:
            raise _invalid(translation_key="session_running", name=session.name)
        if not keys:
            raise _invalid(translation_key="no_thermometer")
        now = _now()
        _check_ready_by(ready_by, now)
        if not name:
            name = f"Cook {dt_util.as_local(dt_util.utc_from_timestamp(now)):%Y-%m-%d %H:%M}"
        session = self.manager.start(
            now,
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
                "started_at": dt_util.utc_from_timestamp(now).isoformat(),
                "ready_by": None if ready_by is None else dt_util.as_utc(ready_by).isoformat(),
                "devices": self._device_ids(keys),
            },
        )
        self._async_session_changed()
        return session

    @callback
    def async_add_to_session(self, key: str) -> None:
        session = self._require_session()
        session.add_device(key, _now())
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
        _check_ready_by(when, _now())
        session.ready_by = when.timestamp()
        self._async_session_changed()

    async def async_end_session(self) -> dict[str, Any]:
        """End the running session: archive it and announce it; returns its summary."""
        self._require_session()
        summary = self._present(self.manager.end(_now()))
        self._async_cancel_expiry()
        self._async_session_changed()
        await self.archive.async_add(summary)
        compact = without_curves(summary)
        self.hass.bus.async_fire(EVENT_SESSION_ENDED, compact)
        return compact

    def _require_session(self) -> Session:
        session = self.manager.active
        if session is None:
            raise _invalid(translation_key="no_active_session")
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
            raise _invalid(translation_key="invalid_page", page=str(page))
        if not 1 <= page_size <= 100:
            raise _invalid(translation_key="invalid_page_size", page_size=str(page_size))
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
            raise _invalid(translation_key="unknown_session", session_id=session_id)
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
