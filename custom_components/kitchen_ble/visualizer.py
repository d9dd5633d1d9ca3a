"""Shot records to Visualizer (visualizer.coffee): the account, the upload queue, the action.

An espresso machine's entry may hold a Visualizer account in its options
(email and password, HTTP Basic; checked with ``GET /api/me`` before they are
saved, profiles fact sheet §4.1, §4.3) with three settings: upload
automatically, the shortest shot uploaded, and whether cleaning and
calibration profiles are skipped (as de1app's plugin does, §4.4).

Every record the shot runtime keeps is heard here. A complete espresso of the
machine that qualifies is queued (``UploadQueue``, in a ``Store``: a shot
waiting when Home Assistant stops goes out after the start) and sent as
de1app's JSON v2 in a multipart ``file`` part (§4.2). What an answer means is
the library's (``interpret_upload``): transient failures (no answer, a
timeout, 5xx) are tried again with a growing delay, 429 holds the machine's
queue (longer when Visualizer says so in Retry-After), 401 pauses it and
raises a repair issue until the account is entered again, 422 is final and
logged. An upload keeps the Visualizer id and page on the record's summary
(``list_shots``, ``get_shot``) and fires ``kitchen_ble_shot_uploaded``.

``kitchen_ble.upload_shot`` sends one archived espresso now (complete or cut
short) with its machine's account and returns the id and page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import aiohttp
import voluptuous as vol
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ADDRESS, CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import (
    CALLBACK_TYPE,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.loader import async_get_integration
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import CONF_MODEL, DOMAIN
from .library.devices import model_by_id
from .library.devices.base import DeviceKind
from .library.espresso.records import (
    HttpRequest,
    JobState,
    RecordError,
    ShotRecord,
    UploadOutcome,
    UploadQueue,
    UploadResult,
    VisualizerCredentials,
    can_upload,
    credentials_check_request,
    export_visualizer_json,
    interpret_credentials,
    interpret_upload,
    should_upload,
    upload_request,
)
from .runtime import FeatureRuntime, invalid, now
from .shots import ATTR_SHOT_ID, KeptShot, get_shots

_LOGGER = logging.getLogger(__name__)

VISUALIZER_URL: Final = "https://visualizer.coffee"  # the API is under /api, shots under /shots
REQUEST_TIMEOUT: Final = 30.0  # s, as de1app's plugin waits
MAX_ANSWER: Final = 64 * 1024  # bytes of an answer read (an id, or an error message)
EVENT_SHOT_UPLOADED: Final = f"{DOMAIN}_shot_uploaded"
DATA_VISUALIZER: Final[HassKey[VisualizerRuntime]] = HassKey(f"{DOMAIN}_visualizer")
ISSUE_CREDENTIALS: Final = "visualizer_credentials_refused"
UPLOAD_KEY: Final = "visualizer"  # on a record's summary: {"id": …, "url": …}

CONF_AUTO_UPLOAD: Final = "auto_upload"
CONF_MIN_DURATION: Final = "min_duration"
CONF_SKIP_CLEANING: Final = "skip_cleaning"
DEFAULT_MIN_DURATION: Final = 10.0  # s of flow, as pyDE1's uploader (§4.4)
MAX_MIN_DURATION: Final = 600.0
ACCOUNT_KEYS: Final = (CONF_EMAIL, CONF_PASSWORD)


def get_visualizer(hass: HomeAssistant) -> VisualizerRuntime:
    return hass.data[DATA_VISUALIZER]


def shot_page(visualizer_id: str) -> str:
    return f"{VISUALIZER_URL}/shots/{visualizer_id}"


def _api() -> str:
    return f"{VISUALIZER_URL}/api"


def is_espresso_entry(entry: ConfigEntry) -> bool:
    """An espresso machine's entry: the only kind with a Visualizer account."""
    model = model_by_id(str(entry.data.get(CONF_MODEL)))
    return model is not None and model.kind is DeviceKind.ESPRESSO_MACHINE


def credentials_of(options: Mapping[str, Any]) -> VisualizerCredentials | None:
    """The entry's Visualizer account, if it has one."""
    email, password = options.get(CONF_EMAIL), options.get(CONF_PASSWORD)
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        return None
    return VisualizerCredentials(email, password)


@dataclass(frozen=True, slots=True)
class UploadSettings:
    """What the options say about automatic uploads of one machine."""

    auto_upload: bool
    min_duration: float
    skip_cleaning: bool

    @classmethod
    def of(cls, options: Mapping[str, Any]) -> UploadSettings:
        minimum = options.get(CONF_MIN_DURATION, DEFAULT_MIN_DURATION)
        return cls(
            auto_upload=bool(options.get(CONF_AUTO_UPLOAD, True)),
            min_duration=float(minimum) if isinstance(minimum, int | float) else 0.0,
            skip_cleaning=bool(options.get(CONF_SKIP_CLEANING, True)),
        )


# --- HTTP --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """Visualizer's answer; ``status`` None when none came (``body`` then says why)."""

    status: int | None
    body: bytes = b""
    retry_after: str | None = None


async def async_send(hass: HomeAssistant, request: HttpRequest) -> Answer:
    """Send ``request`` with Home Assistant's session; a failed transport is no exception."""
    session = async_get_clientsession(hass)
    try:
        async with session.request(
            request.method,
            request.url,
            headers=request.header_dict,
            data=request.body or None,
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
        ) as response:
            body = await response.content.read(MAX_ANSWER)
            return Answer(response.status, body, response.headers.get("Retry-After"))
    except (aiohttp.ClientError, TimeoutError) as err:
        reason = str(err) or type(err).__name__
        _LOGGER.debug("No answer from Visualizer (%s): %s", request.url, reason)
        return Answer(None, reason.encode())


async def async_check_account(hass: HomeAssistant, email: str, password: str) -> None:
    """Visualizer takes the account, or OptionsError says why not."""
    try:
        request = credentials_check_request(VisualizerCredentials(email, password), base_url=_api())
    except RecordError:  # an email with a colon cannot be sent (RFC 7617)
        raise OptionsError("base", "invalid_auth") from None
    answer = await async_send(hass, request)
    verdict = interpret_credentials(answer.status, answer.body)
    if verdict.valid is None:
        raise OptionsError("base", "cannot_connect")
    if not verdict.valid:
        raise OptionsError("base", "invalid_auth")


# --- the options ---------------------------------------------------------------------------


class OptionsError(Exception):
    """The options form's error: the field it belongs to ("base": the form) and its key."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class NewOptions:
    """The options to save, and what changed about the account."""

    options: dict[str, Any]
    checked: bool = False  # a new account that Visualizer accepted
    cleared: bool = False  # the account was removed


async def async_new_options(
    hass: HomeAssistant, current: Mapping[str, Any], user_input: Mapping[str, Any]
) -> NewOptions:
    """The options the form asks for; OptionsError (nothing saved) when they cannot be.

    An empty email removes the account; an empty password keeps the saved one
    (for the same email); new credentials are checked with Visualizer first.
    """
    minimum = user_input.get(CONF_MIN_DURATION, DEFAULT_MIN_DURATION)
    if not isinstance(minimum, int | float) or not 0 <= minimum <= MAX_MIN_DURATION:
        raise OptionsError(CONF_MIN_DURATION, "invalid_duration")
    settings = {
        CONF_AUTO_UPLOAD: bool(user_input.get(CONF_AUTO_UPLOAD, True)),
        CONF_MIN_DURATION: float(minimum),
        CONF_SKIP_CLEANING: bool(user_input.get(CONF_SKIP_CLEANING, True)),
    }
    others = {key: value for key, value in current.items() if key not in ACCOUNT_KEYS}
    email = str(user_input.get(CONF_EMAIL) or "").strip()
    password = str(user_input.get(CONF_PASSWORD) or "")
    saved = credentials_of(current)
    if not email:
        return NewOptions({**others, **settings}, cleared=saved is not None)
    if not password:
        if saved is None or saved.username.casefold() != email.casefold():
            raise OptionsError(CONF_PASSWORD, "password_missing")
        return NewOptions({**others, **settings, **_account(email, saved.password)})
    await async_check_account(hass, email, password)
    return NewOptions({**others, **settings, **_account(email, password)}, checked=True)


def _account(email: str, password: str) -> dict[str, str]:
    return {CONF_EMAIL: email, CONF_PASSWORD: password}


# --- the runtime ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Machine:
    """An espresso machine's entry that is set up: its timer and its running upload."""

    entry: ConfigEntry
    timer: CALLBACK_TYPE | None = None
    running: bool = False
    again: bool = False  # asked to run while running: run once more

    @property
    def address(self) -> str:
        return str(self.entry.data[CONF_ADDRESS])


class VisualizerRuntime(FeatureRuntime):
    """The upload queue of every machine (by address), and the uploads."""

    store_key = f"{DOMAIN}.visualizer_uploads"

    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(hass)
        self._queues: dict[str, UploadQueue] = {}
        self._machines: dict[str, _Machine] = {}
        self._stopped = False
        self._app_version = "0"

    def _restore(self, data: dict[str, Any]) -> None:
        queues = data.get("queues", {})
        if not isinstance(queues, dict):
            raise ValueError(f"queues: expected an object, found {type(queues).__name__}")
        for address, raw in queues.items():
            try:
                self._queues[str(address)] = UploadQueue.from_dict(raw)
            except RecordError as err:
                _LOGGER.warning("A Visualizer upload queue was damaged and starts empty: %s", err)

    def _data(self) -> dict[str, Any]:
        return {"queues": {address: queue.to_dict() for address, queue in self._queues.items()}}

    async def async_load(self) -> None:
        self._app_version = str((await async_get_integration(self.hass, DOMAIN)).version)
        await super().async_load()

    @callback
    def _async_started(self) -> None:
        get_shots(self.hass).async_add_kept_listener(self._async_kept)

    @callback
    def _async_stopping(self) -> None:
        self._stopped = True
        for machine in self._machines.values():
            _cancel(machine)

    def _queue(self, address: str) -> UploadQueue:
        return self._queues.setdefault(address, UploadQueue())

    # --- machines --------------------------------------------------------------------

    @callback
    def async_add_machine(self, entry: ConfigEntry) -> CALLBACK_TYPE:
        """Upload the machine's shots with its account; returns the stop."""
        machine = _Machine(entry)
        self._machines[machine.address] = machine
        unlisten = get_shots(self.hass).async_add_listener(
            machine.address, lambda: self._async_shots_changed(machine.address)
        )
        self._async_run_soon(machine)  # what waited while it was not set up

        @callback
        def remove() -> None:
            unlisten()
            _cancel(machine)
            if self._machines.get(machine.address) is machine:
                del self._machines[machine.address]

        return remove

    @callback
    def async_account_changed(self, entry: ConfigEntry, *, checked: bool, cleared: bool) -> None:
        """The options flow saved the entry's options: a new account resumes its queue."""
        address = str(entry.data[CONF_ADDRESS])
        if not (checked or cleared):
            return
        ir.async_delete_issue(self.hass, DOMAIN, _issue_id(entry))
        queue = self._queue(address)
        if cleared:
            dropped = queue.clear()
            _LOGGER.debug("Visualizer account of %s removed; %s uploads dropped", address, dropped)
        else:
            queue.resume(now())
        self.async_save_soon()
        if (machine := self._machines.get(address)) is not None:
            self._async_run_soon(machine)

    @callback
    def async_forget(self, entry: ConfigEntry) -> None:
        """The entry is deleted: its queue and its repair issue go."""
        self._queues.pop(str(entry.data.get(CONF_ADDRESS)), None)
        ir.async_delete_issue(self.hass, DOMAIN, _issue_id(entry))
        self.async_save_soon()

    def diagnostics(self, entry: ConfigEntry) -> dict[str, Any]:
        queue = self._queues.get(str(entry.data[CONF_ADDRESS]))
        settings = UploadSettings.of(entry.options)
        jobs = [] if queue is None else list(queue.jobs.values())
        return {
            "account": credentials_of(entry.options) is not None,
            "auto_upload": settings.auto_upload,
            "min_duration": settings.min_duration,
            "skip_cleaning": settings.skip_cleaning,
            "paused": queue is not None and queue.paused,
            "uploaded": 0 if queue is None else len(queue.done),
            "jobs": [
                {
                    "state": job.state.value,
                    "attempts": job.attempts,
                    "last_status": job.last_status,
                    "last_message": job.last_message,
                }
                for job in jobs
            ],
        }

    # --- what the shot runtime tells ---------------------------------------------------

    @callback
    def _async_kept(self, kept: KeptShot) -> None:
        """A new record: queued when its machine uploads automatically and it qualifies."""
        machine = self._machines.get(kept.machine)
        if machine is None or credentials_of(machine.entry.options) is None:
            return
        settings = UploadSettings.of(machine.entry.options)
        if not settings.auto_upload:
            return
        if not should_upload(
            kept.record, settings.min_duration, skip_special=settings.skip_cleaning
        ):
            _LOGGER.debug("Shot %s is not one to upload", kept.record.id)
            return
        if self._queue(kept.machine).add(kept.record.id, now()):
            self.async_save_soon()
            self._async_run_soon(machine)

    @callback
    def _async_shots_changed(self, address: str) -> None:
        """A record of the machine was archived, changed or removed: it keeps its upload.

        (The archive writes a changed record's summary anew, soon after it tells
        its listeners: what is set here goes into that write.)
        """
        queue = self._queues.get(address)
        if queue is None or not queue.done:
            return
        for item in get_shots(self.hass).archive.newest_first():
            if item.get("machine") != address or UPLOAD_KEY in item:
                continue
            if visualizer_id := queue.done.get(item["id"]):
                item[UPLOAD_KEY] = {"id": visualizer_id, "url": shot_page(visualizer_id)}

    # --- the queue ---------------------------------------------------------------------

    @callback
    def _async_run_soon(self, machine: _Machine, not_before: float = 0.0) -> None:
        """Send the machine's due shots now (once at a time)."""
        _cancel(machine)
        if self._stopped:
            return
        if machine.running:
            machine.again = True
            return
        machine.running = True
        machine.entry.async_create_background_task(
            self.hass, self._async_run(machine, not_before), f"{DOMAIN} visualizer upload"
        )

    async def _async_run(self, machine: _Machine, not_before: float) -> None:
        try:
            machine.again = True
            while machine.again:
                machine.again = False
                await self._async_send_due(machine, max(now(), not_before))
        finally:
            machine.running = False
        self._async_schedule(machine)

    @callback
    def _async_schedule(self, machine: _Machine) -> None:
        """A timer for the machine's next due shot."""
        queue = self._queues.get(machine.address)
        due = None if queue is None else queue.next_due_at()
        if due is None or self._stopped or self._machines.get(machine.address) is not machine:
            return
        if credentials_of(machine.entry.options) is None:
            return

        @callback
        def fire(when: datetime) -> None:
            machine.timer = None
            self._async_run_soon(machine, when.timestamp())

        machine.timer = async_track_point_in_utc_time(
            self.hass, fire, dt_util.utc_from_timestamp(due)
        )

    async def _async_send_due(self, machine: _Machine, at: float) -> None:
        queue = self._queue(machine.address)
        for shot_id in queue.due(at):
            credentials = credentials_of(machine.entry.options)
            if credentials is None or self._machines.get(machine.address) is not machine:
                return
            if shot_id not in get_shots(self.hass).archive:  # deleted meanwhile
                queue.remove(shot_id)
                self.async_save_soon()
                continue
            outcome, record = await self._async_attempt(shot_id, credentials, queue)
            queue.record(shot_id, outcome, now())
            self.async_save_soon()
            await self._async_outcome(machine.entry, queue, shot_id, outcome, record)
            if outcome.result in (UploadResult.BAD_CREDENTIALS, UploadResult.SLOW_DOWN):
                return

    async def _async_attempt(
        self, shot_id: str, credentials: VisualizerCredentials, queue: UploadQueue
    ) -> tuple[UploadOutcome, ShotRecord | None]:
        try:
            record = await get_shots(self.hass).archive.async_get(shot_id)
        except HomeAssistantError as err:  # its file is damaged: no attempt can help
            message = str(err) or type(err).__name__
            return UploadOutcome(UploadResult.REJECTED, None, message=message), None
        outcome = await self._async_upload(record, credentials, queue.attempts_of(shot_id) + 1)
        return outcome, record

    async def _async_upload(
        self, record: ShotRecord, credentials: VisualizerCredentials, attempt: int
    ) -> UploadOutcome:
        text = export_visualizer_json(record, app_version=self._app_version)
        request = upload_request(text, credentials, base_url=_api())
        answer = await async_send(self.hass, request)
        return interpret_upload(
            answer.status, answer.body, attempt=attempt, retry_after=answer.retry_after
        )

    async def _async_outcome(
        self,
        entry: ConfigEntry,
        queue: UploadQueue,
        shot_id: str,
        outcome: UploadOutcome,
        record: ShotRecord | None,
    ) -> None:
        """Say and show what the answer to a queued upload means."""
        result, name = outcome.result, entry.title
        if result is UploadResult.UPLOADED:
            assert record is not None
            assert outcome.shot_id is not None
            await self._async_uploaded(record, outcome.shot_id)
        elif result is UploadResult.BAD_CREDENTIALS:
            self._async_refused(entry)
        elif result is UploadResult.REJECTED:
            _LOGGER.warning(
                "Visualizer refused shot %s of %s (%s): %s; it is not sent again",
                shot_id,
                name,
                _status(outcome),
                outcome.message or "no reason given",
            )
        elif result is UploadResult.SLOW_DOWN:
            _LOGGER.info(
                "Visualizer asks %s to slow down (%s); uploads wait %.0f s",
                name,
                _status(outcome),
                outcome.retry_after or 0.0,
            )
        elif queue.jobs[shot_id].state is JobState.FAILED:
            _LOGGER.warning(
                "Shot %s of %s did not reach Visualizer after %s attempts (last: %s %s)",
                shot_id,
                name,
                queue.jobs[shot_id].attempts,
                _status(outcome),
                outcome.message,
            )
        else:
            _LOGGER.debug(
                "Shot %s of %s did not reach Visualizer (%s %s); tried again in %.0f s",
                shot_id,
                name,
                _status(outcome),
                outcome.message,
                outcome.retry_after or 0.0,
            )

    @callback
    def _async_refused(self, entry: ConfigEntry) -> None:
        """Visualizer refused the account: uploads wait, the user is told once."""
        self._queue(str(entry.data[CONF_ADDRESS])).pause("credentials refused")
        self.async_save_soon()
        _LOGGER.warning(
            "Visualizer refused the account of %s; uploads wait until it is entered again",
            entry.title,
        )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            _issue_id(entry),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_CREDENTIALS,
            translation_placeholders={"name": entry.title},
        )

    async def _async_uploaded(self, record: ShotRecord, visualizer_id: str) -> dict[str, Any]:
        """Keep the id and page on the record's summary and tell the bus."""
        url = shot_page(visualizer_id)
        shots = get_shots(self.hass)
        try:
            item = await shots.archive.async_replace(record)
        except (HomeAssistantError, OSError) as err:  # deleted or unwritable meanwhile
            _LOGGER.warning("The upload of shot %s could not be noted: %s", record.id, err)
        else:
            item[UPLOAD_KEY] = {"id": visualizer_id, "url": url}
        found = {"shot_id": record.id, "visualizer_id": visualizer_id, "url": url}
        device_id = (
            shots.archive.item(record.id).get("device_id") if record.id in shots.archive else None
        )
        self.hass.bus.async_fire(EVENT_SHOT_UPLOADED, {"device_id": device_id, **found})
        return found

    # --- the action --------------------------------------------------------------------

    async def async_upload_shot(self, shot_id: str) -> dict[str, Any]:
        """Upload one archived espresso now with its machine's account."""
        archive = get_shots(self.hass).archive
        item = archive.item(shot_id)  # a translated error for an unknown id
        address = item.get("machine")
        entry = (
            self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, address)
            if isinstance(address, str)
            else None
        )
        credentials = None if entry is None else credentials_of(entry.options)
        if entry is None or credentials is None:
            raise invalid("visualizer_no_account", shot_id=shot_id)
        record = await archive.async_get(shot_id)
        if not can_upload(record):
            raise invalid("shot_not_uploadable", shot_id=shot_id)
        outcome = await self._async_upload(record, credentials, 1)
        queue = self._queue(str(entry.data[CONF_ADDRESS]))
        if outcome.result is UploadResult.UPLOADED:
            assert outcome.shot_id is not None
            queue.mark_done(shot_id, outcome.shot_id)
            self.async_save_soon()
            return await self._async_uploaded(record, outcome.shot_id)
        if outcome.result is UploadResult.BAD_CREDENTIALS:
            self._async_refused(entry)
            raise _failed(ISSUE_CREDENTIALS, name=entry.title)
        if outcome.result is UploadResult.REJECTED:
            raise _failed(
                "visualizer_rejected",
                status=_status(outcome),
                reason=outcome.message or "no reason given",
            )
        raise _failed(
            "visualizer_unavailable", reason=f"{_status(outcome)} {outcome.message}".strip()
        )


def _failed(translation_key: str, **placeholders: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


def _status(outcome: UploadOutcome) -> str:
    return "no answer" if outcome.status is None else f"HTTP {outcome.status}"


def _issue_id(entry: ConfigEntry) -> str:
    return f"{ISSUE_CREDENTIALS}_{entry.entry_id}"


def _cancel(machine: _Machine) -> None:
    if machine.timer is not None:
        machine.timer()
        machine.timer = None


# --- the action ----------------------------------------------------------------------------

UPLOAD_SHOT_SCHEMA: Any = vol.Schema({vol.Required(ATTR_SHOT_ID): cv.string})


@callback
def async_setup_visualizer_services(hass: HomeAssistant) -> None:
    """Register ``upload_shot`` (the runtime is looked up per call)."""

    async def upload_shot(call: ServiceCall) -> ServiceResponse:
        return await get_visualizer(hass).async_upload_shot(call.data[ATTR_SHOT_ID])

    hass.services.async_register(
        DOMAIN,
        "upload_shot",
        upload_shot,
        UPLOAD_SHOT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
