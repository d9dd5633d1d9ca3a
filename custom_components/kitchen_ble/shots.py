"""Shot records of the DE1: every espresso, hot water, steam and flush, kept and served.

One recorder per machine hears the link: every ShotSample at full rate (the
sample listeners) and every StateInfo change (read from the driver's snapshot
at each sample and each state notification, so the link's once-a-second
throttle of entities does not blur a substate change). A record starts when
the machine enters a flow state and closes when it leaves it:

* complete: the machine left the flow state;
* incomplete (``link_lost``): the link dropped mid-shot; what came before is
  kept, and the rest of that sequence (after a reconnect) is not recorded as a
  second shot: recording waits until the machine is seen at rest;
* incomplete (``restart``): Home Assistant stopped (or the entry was unloaded)
  mid-shot. The running record is written to the store every few seconds
  (``SNAPSHOT_SECONDS``); a snapshot found at start-up is closed as incomplete.

A closed record is archived (one JSON file per record, ``<config>/kitchen_ble/
shots/``, and its summary in an index ``Store``), announced as
``kitchen_ble_shot_completed`` (summary and compact curves, always under the
recorder's 32 KiB) and shown by the machine's Last shot entities. The archive
keeps it by id, so a record is stored and counted exactly once; it outlives
the recorder's purge.

The shot controller (``library/espresso/shots``) reports its gates and its
result through ``ShotRuntime.add_gate_event`` and ``apply_result``: they go to
the machine's open record (before it closes when the machine leaves the flow
state) and are ignored when none is open.

Actions: ``list_shots``, ``get_shot``, ``annotate_shot``, ``delete_shot``,
``export_shot`` (de1app JSON v2, what Visualizer reads).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import voluptuous as vol
from homeassistant.core import (
    CALLBACK_TYPE,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.json import json_dumps
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .archive import _read, _write
from .const import DOMAIN
from .coordinator import LinkCoordinator
from .entity import EntityTable, KitchenBleEntity
from .library.devices.de1 import ShotSample
from .library.espresso.records import (
    IncompleteReason,
    ProfileRef,
    RecordError,
    ShotKind,
    ShotRecord,
    ShotRecorder,
    as_incomplete,
    event_payload,
    export_visualizer_json,
    kind_for_state,
    record_from_dict,
    record_to_dict,
    summarize,
)
from .library.espresso.records.annotations import FIELDS as ANNOTATION_FIELDS
from .library.espresso.shots import GateEvent, ShotResult
from .library.listeners import Unsubscribe
from .profiles import get_profiles
from .runtime import FeatureRuntime, KeyedListeners, async_load_or_set_aside, invalid, now
from .util import espresso_state

_LOGGER = logging.getLogger(__name__)

EVENT_SHOT_COMPLETED: Final = f"{DOMAIN}_shot_completed"
DATA_SHOTS: Final[HassKey[ShotRuntime]] = HassKey(f"{DOMAIN}_shots")
# The running record reaches the store at most this long after its last sample:
# what a stop or crash of Home Assistant can cost.
SNAPSHOT_SECONDS: Final = 5.0
# A record stays open this long after its flow state ends, for the drops still falling
# into the cup; the shot controller's result (3 s of last drops, de1.md §9.3) closes it
# sooner.
LAST_DROPS_SECONDS: Final = 4.0
INDEX_KEY: Final = f"{DOMAIN}.shot_index"
INDEX_VERSION: Final = 1
INDEX_SAVE_DELAY: Final = 1.0


def get_shots(hass: HomeAssistant) -> ShotRuntime:
    return hass.data[DATA_SHOTS]


def record_invalid(err: RecordError) -> ServiceValidationError:
    """A refused shot note (or stored record) as a translated error."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=err.key,
        translation_placeholders=err.placeholders,
    )


def _profile_ref(hass: HomeAssistant, link: LinkCoordinator) -> ProfileRef | None:
    """The profile the machine holds, where the profiles runtime vouches for it; else None."""
    entry = get_profiles(hass).held(link)
    if entry is None:
        return None
    return ProfileRef(entry.title, entry.fingerprint, entry.profile)


# --- the archive -------------------------------------------------------------------------


class ShotArchive:
    """Closed records: one file each, and their summaries in an index (oldest first)."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self._store: Store[dict[str, Any]] = Store(hass, INDEX_VERSION, INDEX_KEY)
        self._index: list[dict[str, Any]] = []
        self.directory = hass.config.path(DOMAIN, "shots")

    async def async_load(self) -> None:
        await async_load_or_set_aside(self._hass, self._store, self._restore)

    def _restore(self, data: dict[str, Any]) -> None:
        shots = data.get("shots", [])
        if not isinstance(shots, list):
            raise ValueError(f"shots: expected a list, found {type(shots).__name__}")
        self._index = [
            item for item in shots if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]

    def __contains__(self, shot_id: object) -> bool:
        return any(item["id"] == shot_id for item in self._index)

    def newest_first(self) -> list[dict[str, Any]]:
        return self._index[::-1]

    def last_of(self, machine: str, kind: ShotKind) -> dict[str, Any] | None:
        """The newest summary of ``kind`` recorded on ``machine``."""
        found: dict[str, Any] | None = next(
            (
                item
                for item in reversed(self._index)
                if item.get("machine") == machine and item.get("kind") == kind.value
            ),
            None,
        )
        return found

    async def async_add(self, record: ShotRecord, *, machine: str, device_id: str | None) -> None:
        """Archive one closed record (ignored when its id is kept already)."""
        if record.id in self:
            return
        await self._async_write(record)
        self._index.append(_index_item(record, machine=machine, device_id=device_id))
        self._save()

    async def async_get(self, shot_id: str) -> ShotRecord:
        """The archived record; a translated error for an unknown id or a damaged file.

        Only ids from the index become file names: an argument never names a file.
        """
        self.item(shot_id)
        try:
            raw = await self._hass.async_add_executor_job(_read, self._path(shot_id))
        except (OSError, ValueError) as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="shot_unreadable",
                translation_placeholders={"shot_id": shot_id, "reason": str(err)[:200]},
            ) from err
        try:
            return record_from_dict(raw)
        except RecordError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=err.key,
                translation_placeholders=err.placeholders,
            ) from err

    async def async_replace(self, record: ShotRecord) -> dict[str, Any]:
        """Write a changed record (its notes) over the archived one; returns its new summary."""
        item = self.item(record.id)
        await self._async_write(record)
        updated = _index_item(record, machine=item.get("machine"), device_id=item.get("device_id"))
        self._index[self._index.index(item)] = updated
        self._save()
        return updated

    async def async_delete(self, shot_id: str) -> None:
        item = self.item(shot_id)
        self._index.remove(item)
        self._save()
        await self._hass.async_add_executor_job(_remove, self._path(shot_id))

    def item(self, shot_id: str) -> dict[str, Any]:
        for item in self._index:
            if item["id"] == shot_id:
                return item
        raise invalid("unknown_shot", shot_id=shot_id[:100])

    async def _async_write(self, record: ShotRecord) -> None:
        text = json_dumps(record_to_dict(record))
        await self._hass.async_add_executor_job(_write, self._path(record.id), text)

    def _path(self, shot_id: str) -> str:
        return os.path.join(self.directory, f"{shot_id}.json")

    def _save(self) -> None:
        self._store.async_delay_save(lambda: {"shots": self._index}, INDEX_SAVE_DELAY)


def _index_item(
    record: ShotRecord, *, machine: str | None, device_id: str | None
) -> dict[str, Any]:
    return {
        **summarize(record).to_dict(),
        "device_id": device_id,
        "machine": machine,
        "annotations": record.annotations.to_dict(),
    }


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def public(item: Mapping[str, Any]) -> dict[str, Any]:
    """An index item as actions return it (without the machine's address)."""
    return {key: value for key, value in item.items() if key != "machine"}


# --- recording -------------------------------------------------------------------------


@dataclass(slots=True)
class _Machine:
    """One DE1 being followed: its open recorder and what it last reported."""

    link: LinkCoordinator
    recorder: ShotRecorder | None = None
    kind: ShotKind | None = None
    # after a drop (or before the first link) a sequence under way is not a new record
    wait_for_rest: bool = True
    last_info: object = None
    closing: asyncio.TimerHandle | None = None  # the flow ended: closed once its drops are in


@dataclass(slots=True)
class _Closed:
    """A record to archive, with the machine it came from."""

    record: ShotRecord
    machine: str
    device_id: str | None
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "device_id": self.device_id,
            "name": self.name,
            "record": record_to_dict(self.record),
        }


@dataclass(frozen=True, slots=True)
class KeptShot:
    """A new record, archived: what the kept listeners hear."""

    record: ShotRecord
    machine: str  # the machine's address
    device_id: str | None
    name: str


class ShotRuntime(FeatureRuntime):
    """The recorders of every DE1, the snapshots against restarts, the archive."""

    store_key = f"{DOMAIN}.shot_recordings"

    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(hass)
        self.archive = ShotArchive(hass)
        self._machines: dict[str, _Machine] = {}
        self._left: list[dict[str, Any]] = []  # snapshots of an earlier run, not yet closed
        self._closing: list[_Closed] = []  # closed, being archived
        self._listeners: KeyedListeners[str, []] = KeyedListeners()
        self._kept: list[Callable[[KeptShot], None]] = []

    async def async_load(self) -> None:
        await self.archive.async_load()
        await super().async_load()
        left, self._left = self._left, []
        for raw in left:
            await self._async_close_left(raw)

    def _restore(self, data: dict[str, Any]) -> None:
        left = data.get("recording", [])
        if not isinstance(left, list):
            raise ValueError(f"recording: expected a list, found {type(left).__name__}")
        self._left = [item for item in left if isinstance(item, dict)]

    def _data(self) -> dict[str, Any]:
        snapshots = [*self._left, *(closed.to_dict() for closed in self._closing)]
        for address, machine in self._machines.items():
            if machine.recorder is not None:
                snapshots.append(
                    _Closed(
                        machine.recorder.snapshot(),
                        address,
                        self.device_id(machine.link),
                        machine.link.entry.title,
                    ).to_dict()
                )
        return {"recording": snapshots}

    @callback
    def _async_stopping(self) -> None:
        self.async_save_soon()  # the running records as they are now

    # --- machines --------------------------------------------------------------------

    @callback
    def async_add_machine(self, link: LinkCoordinator) -> CALLBACK_TYPE:
        """Record the machine's sequences; returns the stop (a running record is kept)."""
        machine = self._machines[link.address] = _Machine(link)
        unsub_state = link.async_add_listener(
            lambda: self._async_observe(machine, self.hass.loop.time())
        )
        unsub_sample = link.async_add_sample_listener(
            lambda sample: self._async_sample(machine, sample)
        )
        for raw in [item for item in self._left if item.get("machine") == link.address]:
            self._left.remove(raw)  # kept by the task as it starts (eagerly): never twice
            self.hass.async_create_task(self._async_close_left(raw), f"{DOMAIN} close shot")

        @callback
        def remove() -> None:
            unsub_state()
            unsub_sample()
            if machine.closing is not None:  # the flow was over: complete
                self._async_close(machine, self.hass.loop.time(), None)
            if machine.recorder is not None:  # kept as a snapshot, closed when it is back
                self._left.append(
                    _Closed(
                        machine.recorder.snapshot(),
                        link.address,
                        self.device_id(link),
                        link.entry.title,
                    ).to_dict()
                )
                machine.recorder = None
                self.async_save_soon()
            self._machines.pop(link.address, None)

        return remove

    def recording(self, link: LinkCoordinator) -> ShotRecorder | None:
        """The machine's open recorder, if a sequence is being recorded."""
        machine = self._machines.get(link.address)
        return None if machine is None else machine.recorder

    @callback
    def add_gate_event(self, link: LinkCoordinator, event: GateEvent) -> bool:
        """A gate the shot controller passed; False when no record is open."""
        recorder = self.recording(link)
        if recorder is None:
            return False
        recorder.add_gate_event(event)
        return True

    @callback
    def apply_result(self, link: LinkCoordinator, result: ShotResult) -> bool:
        """The shot controller's result (stop reason, target, error); False when none is open."""
        machine = self._machines.get(link.address)
        if machine is None or machine.recorder is None:
            return False
        machine.recorder.apply_result(result)
        if machine.closing is not None:  # the sequence is complete, its last drops in
            self._async_close(machine, self.hass.loop.time(), None)
        return True

    @callback
    def _async_sample(self, machine: _Machine, sample: object) -> None:
        if not isinstance(sample, ShotSample):
            return  # pragma: no cover - a DE1's driver reports nothing else
        at = self.hass.loop.time()
        self._async_observe(machine, at)
        if machine.recorder is not None and machine.closing is None:  # not the machine at rest
            machine.recorder.add_sample(sample, at)
            self._saver.async_save(SNAPSHOT_SECONDS)

    @callback
    def _async_observe(self, machine: _Machine, at: float) -> None:
        """Start, feed or close the machine's record from its link and StateInfo."""
        link = machine.link
        if not link.connected:
            if machine.recorder is not None:  # after the flow: complete, its drops are lost
                reason = None if machine.closing is not None else IncompleteReason.LINK_LOST
                self._async_close(machine, at, reason)
            machine.wait_for_rest = True
            machine.last_info = None
            return
        info = espresso_state(link).state_info
        if info is None or info == machine.last_info:
            return
        machine.last_info = info
        kind = kind_for_state(info.state)
        if (
            machine.recorder is not None
            and kind is not None
            and (kind is not machine.kind or machine.closing is not None)
        ):
            self._async_close(machine, at, None)  # another flow began
        if kind is None:
            machine.wait_for_rest = False
            if machine.recorder is not None and machine.closing is None:
                # the last drops still fall: closed by the controller's result, or then
                machine.closing = self.hass.loop.call_later(
                    LAST_DROPS_SECONDS, self._async_close_due, machine
                )
            return
        if machine.recorder is None:
            if machine.wait_for_rest:
                return
            profile = _profile_ref(self.hass, link) if kind is ShotKind.ESPRESSO else None
            machine.recorder = ShotRecorder(kind, at=at, wall_time=now(), profile=profile)
            machine.kind = kind
        machine.recorder.state_changed(info, at)
        self._saver.async_save(SNAPSHOT_SECONDS)

    @callback
    def _async_close_due(self, machine: _Machine) -> None:
        machine.closing = None
        if machine.recorder is not None:
            self._async_close(machine, self.hass.loop.time(), None)

    @callback
    def _async_close(self, machine: _Machine, at: float, reason: IncompleteReason | None) -> None:
        if machine.closing is not None:
            machine.closing.cancel()
            machine.closing = None
        recorder, machine.recorder = machine.recorder, None
        assert recorder is not None
        record = recorder.finish(at) if reason is None else recorder.abandon(reason, at)
        link = machine.link
        closed = _Closed(record, link.address, self.device_id(link), link.entry.title)
        self._closing.append(closed)
        self.async_save_soon()
        self.hass.async_create_task(self._async_keep(closed), f"{DOMAIN} archive shot")

    async def _async_close_left(self, raw: dict[str, Any]) -> None:
        """A record of an earlier run (or an unloaded entry): closed as cut short, archived.

        The caller has taken ``raw`` out of the leftovers; until the first await it is
        among the records being kept, so every store written holds it.
        """
        try:
            record = as_incomplete(record_from_dict(raw.get("record")), IncompleteReason.RESTART)
        except RecordError as err:
            _LOGGER.warning("A shot recorded before the restart is damaged: %s", err)
            self.async_save_soon()
            return
        closed = _Closed(
            record,
            str(raw.get("machine")),
            _text_or_none(raw.get("device_id")),
            str(raw.get("name")),
        )
        self._closing.append(closed)
        await self._async_keep(closed)

    async def _async_keep(self, closed: _Closed) -> None:
        """Archive, announce, show; counted once however often it is asked."""
        record = closed.record
        new = record.id not in self.archive
        try:
            await self.archive.async_add(record, machine=closed.machine, device_id=closed.device_id)
        except OSError as err:  # the snapshot stays in the store: tried again at start-up
            _LOGGER.warning("Shot %s could not be archived: %s", record.id, err)
            return
        self._closing.remove(closed)
        self.async_save_soon()
        if not new:
            return
        self.hass.bus.async_fire(
            EVENT_SHOT_COMPLETED,
            {"device_id": closed.device_id, "name": closed.name, **event_payload(record)},
        )
        self._listeners.notify(closed.machine)
        kept = KeptShot(record, closed.machine, closed.device_id, closed.name)
        for listener in list(self._kept):
            listener(kept)

    def device_id(self, link: LinkCoordinator) -> str | None:
        devices = dr.async_entries_for_config_entry(dr.async_get(self.hass), link.entry.entry_id)
        return devices[0].id if devices else None

    # --- what entities read ------------------------------------------------------------

    @callback
    def async_add_listener(self, machine: str, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """``listener`` is told when a record of ``machine`` was archived (or removed)."""
        return self._listeners.async_add(machine, listener)

    @callback
    def async_add_kept_listener(self, listener: Callable[[KeptShot], None]) -> CALLBACK_TYPE:
        """``listener`` hears every new record once it is archived (statistics, uploads)."""
        self._kept.append(listener)
        return Unsubscribe(self._kept, listener)

    def last_shot(self, machine: str) -> dict[str, Any] | None:
        """The summary of the machine's last espresso."""
        return self.archive.last_of(machine, ShotKind.ESPRESSO)

    # --- actions -----------------------------------------------------------------------

    def list_shots(
        self,
        page: int,
        page_size: int,
        *,
        profile: str | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str, Any]:
        if page < 1:
            raise invalid("invalid_page", page=_shown(page))
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise invalid("invalid_page_size", page_size=_shown(page_size))
        if page > MAX_PAGE:
            raise invalid("page_too_high", page=_shown(page), max=str(MAX_PAGE))
        wanted = None if profile is None else profile.strip().casefold()
        low = -math.inf if since is None else _epoch(since)
        high = math.inf if until is None else _epoch(until)
        found = [
            public(item)
            for item in self.archive.newest_first()
            if (wanted is None or str(item.get("profile") or "").casefold() == wanted)
            and (kind is None or item.get("kind") == kind)
            and low <= float(item.get("started_at", 0.0)) <= high
        ]
        start = (page - 1) * page_size
        return {
            "shots": found[start : start + page_size],
            "page": page,
            "page_size": page_size,
            "total": len(found),
        }

    async def async_get_shot(self, shot_id: str) -> dict[str, Any]:
        record = await self.archive.async_get(shot_id)
        item = self.archive.item(shot_id)
        return {**public(item), "record": record_to_dict(record)}

    async def async_annotate(self, shot_id: str, changes: Mapping[str, object]) -> dict[str, Any]:
        """Apply the user's notes (``None`` clears one); nothing changes when one is refused."""
        record = await self.archive.async_get(shot_id)
        try:
            notes = record.annotations.updated(changes)
        except RecordError as err:
            raise record_invalid(err) from None
        item = await self.archive.async_replace(replace(record, annotations=notes))
        self._listeners.notify(str(item.get("machine")))
        return public(item)

    async def async_delete(self, shot_id: str) -> None:
        machine = str(self.archive.item(shot_id).get("machine"))
        await self.archive.async_delete(shot_id)
        self._listeners.notify(machine)

    async def async_export(self, shot_id: str) -> dict[str, Any]:
        record = await self.archive.async_get(shot_id)
        return {"filename": f"{shot_id}.json", "json": export_visualizer_json(record)}


def _epoch(when: datetime) -> float:
    """Epoch seconds; a time at the calendar's edge (year 1, 9999) is before or after every shot."""
    try:
        return when.timestamp()
    except (ValueError, OverflowError, OSError):
        return -math.inf if when.year < 1970 else math.inf


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _shown(value: int) -> str:
    """A whole number for a message (str() refuses integers of 4300 digits and more)."""
    return str(value) if abs(value) < 10**15 else format(Decimal(value), ".6g")


# --- entities ----------------------------------------------------------------------------


class ShotEntity(KitchenBleEntity):
    """An entity of the machine's last shot: history, so available while the machine is away."""

    always_available = True

    def __init__(self, link: LinkCoordinator, description: EntityDescription) -> None:
        super().__init__(link, description)
        self.runtime = get_shots(link.hass)

    @property
    def last_shot(self) -> dict[str, Any] | None:
        return self.runtime.last_shot(self.coordinator.address)

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        return self.runtime.async_add_listener(self.coordinator.address, update)


def shot_entities[D: EntityDescription](
    entity: Callable[[LinkCoordinator, D], ShotEntity], descriptions: tuple[D, ...]
) -> EntityTable[LinkCoordinator]:
    """Entities of an espresso machine's last shot."""

    def add(link: LinkCoordinator, _entry: Any, add: AddConfigEntryEntitiesCallback) -> None:
        add([entity(link, description) for description in descriptions])

    return EntityTable(lambda data: data.espresso, add)


# --- actions -----------------------------------------------------------------------------

ATTR_SHOT_ID: Final = "shot_id"
DEFAULT_PAGE_SIZE: Final = 20
MAX_PAGE: Final = 1_000_000
MAX_PAGE_SIZE: Final = 100
NUMBER_NOTES: Final = frozenset({"dose", "tds", "extraction_yield", "enjoyment"})


def _whole(value: Any) -> int:
    """A whole number as YAML or a template gives it; vol.Invalid otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise vol.Invalid("expected a whole number")


def _note(name: str) -> Callable[[Any], Any]:
    """A note as given; numeric text for a number note (the notes' parser checks the rest)."""

    def convert(value: Any) -> Any:
        if name in NUMBER_NOTES and isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return value  # refused by the parser, translated
        return value

    return convert


SHOT_ID_SCHEMA: Any = vol.Schema({vol.Required(ATTR_SHOT_ID): cv.string})
LIST_SHOTS_SCHEMA: Any = vol.Schema(
    {
        vol.Optional("page", default=1): _whole,
        vol.Optional("page_size", default=DEFAULT_PAGE_SIZE): _whole,
        vol.Optional("profile"): cv.string,
        vol.Optional("kind"): vol.In([kind.value for kind in ShotKind]),
        vol.Optional("since"): cv.datetime,
        vol.Optional("until"): cv.datetime,
    }
)
_NOTES: dict[Any, Any] = {vol.Optional(name): _note(name) for name in ANNOTATION_FIELDS}
ANNOTATE_SCHEMA: Any = vol.Schema({vol.Required(ATTR_SHOT_ID): cv.string, **_NOTES})


@callback
def async_setup_shot_services(hass: HomeAssistant) -> None:
    """Register the shot record actions (the runtime is looked up per call)."""

    async def list_shots(call: ServiceCall) -> ServiceResponse:
        data = call.data
        return get_shots(hass).list_shots(
            data["page"],
            data["page_size"],
            profile=data.get("profile"),
            kind=data.get("kind"),
            since=data.get("since"),
            until=data.get("until"),
        )

    async def get_shot(call: ServiceCall) -> ServiceResponse:
        return await get_shots(hass).async_get_shot(call.data[ATTR_SHOT_ID])

    async def annotate_shot(call: ServiceCall) -> ServiceResponse:
        changes = {key: value for key, value in call.data.items() if key != ATTR_SHOT_ID}
        return await get_shots(hass).async_annotate(call.data[ATTR_SHOT_ID], changes)

    async def delete_shot(call: ServiceCall) -> None:
        await get_shots(hass).async_delete(call.data[ATTR_SHOT_ID])

    async def export_shot(call: ServiceCall) -> ServiceResponse:
        return await get_shots(hass).async_export(call.data[ATTR_SHOT_ID])

    register = hass.services.async_register
    only, optional = SupportsResponse.ONLY, SupportsResponse.OPTIONAL
    register(DOMAIN, "list_shots", list_shots, LIST_SHOTS_SCHEMA, supports_response=only)
    register(DOMAIN, "get_shot", get_shot, SHOT_ID_SCHEMA, supports_response=only)
    register(DOMAIN, "annotate_shot", annotate_shot, ANNOTATE_SCHEMA, supports_response=optional)
    register(DOMAIN, "delete_shot", delete_shot, SHOT_ID_SCHEMA)
    register(DOMAIN, "export_shot", export_shot, SHOT_ID_SCHEMA, supports_response=only)
