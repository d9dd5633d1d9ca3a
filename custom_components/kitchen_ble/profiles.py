"""DE1 profiles in Home Assistant: the library, the actions on it, and what each machine holds.

* Library. The built-in profiles (shipped with the integration, always
  listed, never deleted or replaced) and the imported ones, kept in one
  ``Store``. A profile is known by its title (any case) or its id, the slug of
  its title; titles are unique. Each profile's stop targets (weight, volume)
  and brew temperature are at hand as ``ProfileTargets``.
* Actions. ``import_profile`` takes exactly one of JSON text, Tcl text, a file
  inside the configuration directory or a Visualizer share code / shot or
  profile URL; ``export_profile`` gives JSON v2 text; ``delete_profile``;
  ``list_profiles``. Bad input raises a translated ``ServiceValidationError``
  (a profile's own error carries the reader's key and placeholders) and changes
  nothing.
* Machines. Choosing a profile (the Profile select) writes it to the machine
  (de1.md §8.5, each write acknowledged, the header read back). Per machine
  the store keeps the writes of the last choice and whether they all went
  out. Before the first write the choice counts as cut off, so an upload the
  link interrupts leaves it so: the select says unknown, an espresso start is
  refused, and the next connection writes it again (a choice that saw the link
  drop waits once for that). On every new connection (a reconnect, a restart)
  the integration looks before it claims: the machine's header must still be
  the one it wrote, then the same bytes are written again, so the select only
  ever shows a profile the machine was given on this very connection. A
  machine that holds another header (another app chose) shows unknown and is
  left alone. A library profile replaced since it was chosen no longer
  matches what the machine holds: unknown too.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import aiohttp
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
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import slugify
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .coordinator import LinkCoordinator
from .library.espresso.profiles import (
    Profile,
    ProfileError,
    builtin_profiles,
    encode_profile,
    export_json,
    profile_to_json,
    read_json_profile,
    read_profile,
    read_tcl_profile,
)
from .library.espresso.profiles.json_v2 import profile_from_json
from .library.listeners import Unsubscribe
from .runtime import FeatureRuntime, invalid
from .util import espresso_driver, espresso_state

_LOGGER = logging.getLogger(__name__)

DATA_PROFILES: Final[HassKey[ProfileRuntime]] = HassKey(f"{DOMAIN}_profiles")
STORE_KEY: Final = f"{DOMAIN}.espresso_profiles"
MAX_SOURCE_BYTES: Final = 256 * 1024  # a profile is a few kB; de1app's largest under 20
MAX_TITLE_LENGTH: Final = 100
VISUALIZER_URL: Final = "https://visualizer.coffee"
FETCH_TIMEOUT: Final = 15.0  # s per request to Visualizer
# After a link drop part-way, how long a choice waits for the next connection's rewrite.
RETRY_WAIT: Final = 30.0  # s: the unavailable grace; the machine is usually back well before
SOURCES: Final = ("json", "tcl", "file", "visualizer")
SHARE_CODE: Final = re.compile(r"[A-Za-z]{4}")
_SHOT_PATH: Final = re.compile(r"/(?:api/)?shots/([0-9A-Za-z-]{1,64})(?:/profile)?/?")


def get_profiles(hass: HomeAssistant) -> ProfileRuntime:
    return hass.data[DATA_PROFILES]


def profile_invalid(err: ProfileError) -> ServiceValidationError:
    """The translated error of a profile that cannot be read or written."""
    return invalid(err.key, **err.placeholders)


def profile_id(title: str) -> str:
    """A profile's id: the slug of its title (a hash where the title has no letters)."""
    slug = slugify(title)
    if slug and slug != "unknown":
        return slug
    return "profile_" + hashlib.sha256(title.encode()).hexdigest()[:8]


def _positive(value: float) -> float | None:
    return value if value > 0 else None


@dataclass(frozen=True, slots=True)
class ProfileTargets:
    """What a shot with the profile aims at: stop at weight / volume (None: off), brew °C."""

    weight: float | None  # g in the cup
    volume: float | None  # mL poured
    temperature: float  # °C of the first step, the temperature the machine brews at

    @classmethod
    def of(cls, profile: Profile) -> ProfileTargets:
        return cls(
            weight=_positive(profile.target_weight),
            volume=_positive(profile.target_volume),
            temperature=profile.steps[0].temperature,
        )

    def as_dict(self) -> dict[str, float | None]:
        return {"weight": self.weight, "volume": self.volume, "temperature": self.temperature}


@dataclass(frozen=True, slots=True)
class LibraryProfile:
    """A profile of the library with what the machine would be sent."""

    id: str
    profile: Profile
    builtin: bool
    writes: tuple[tuple[str, bytes], ...]
    fingerprint: str

    @property
    def title(self) -> str:
        return self.profile.title

    @property
    def targets(self) -> ProfileTargets:
        return ProfileTargets.of(self.profile)

    @classmethod
    def of(cls, profile: Profile, *, builtin: bool = False) -> LibraryProfile:
        """``ProfileError`` for a profile the machine cannot take or a title not usable here."""
        title = " ".join(profile.title.split())
        if not title:
            raise ProfileError(
                "profile_field_invalid",
                {"field": "title", "value": repr(profile.title), "reason": "it is empty"},
            )
        if len(title) > MAX_TITLE_LENGTH:
            raise ProfileError(
                "profile_field_invalid",
                {
                    "field": "title",
                    "value": title[:20] + "…",
                    "reason": f"it is longer than {MAX_TITLE_LENGTH} characters",
                },
            )
        profile = replace(profile, title=title)
        upload = encode_profile(profile)
        return cls(
            id=profile_id(title),
            profile=profile,
            builtin=builtin,
            writes=tuple((write.characteristic, write.data) for write in upload.writes),
            fingerprint=upload.fingerprint,
        )

    def describe(self) -> dict[str, Any]:
        profile = self.profile
        return {
            "id": self.id,
            "title": self.title,
            "author": profile.author,
            "notes": profile.notes,
            "beverage_type": profile.beverage_type.value,
            "builtin": self.builtin,
            "steps": len(profile.steps),
            "target_weight": self.targets.weight,
            "target_volume": self.targets.volume,
            "temperature": self.targets.temperature,
            "tank_temperature": profile.tank_temperature,
            "fingerprint": self.fingerprint,
        }


@dataclass(slots=True)
class HeldRecord:
    """What the integration last chose for a machine: the exact writes, and whether all went."""

    profile_id: str
    title: str
    fingerprint: str
    writes: tuple[tuple[str, bytes], ...]
    targets: ProfileTargets
    complete: bool = False

    @classmethod
    def of(cls, entry: LibraryProfile) -> HeldRecord:
        return cls(entry.id, entry.title, entry.fingerprint, entry.writes, entry.targets)

    @property
    def header(self) -> bytes:
        return self.writes[0][1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile_id": self.profile_id,
            "title": self.title,
            "fingerprint": self.fingerprint,
            "writes": [[uuid, data.hex()] for uuid, data in self.writes],
            "targets": self.targets.as_dict(),
            "complete": self.complete,
        }

    @classmethod
    def from_dict(cls, data: object) -> HeldRecord:
        """ValueError for anything not of the shape ``to_dict`` writes."""
        if not isinstance(data, Mapping):
            raise ValueError("not an object")
        try:
            writes = tuple((str(uuid), bytes.fromhex(raw)) for uuid, raw in data["writes"])
            targets = data["targets"]
            record = cls(
                profile_id=str(data["profile_id"]),
                title=str(data["title"]),
                fingerprint=str(data["fingerprint"]),
                writes=writes,
                targets=ProfileTargets(
                    weight=_optional_float(targets["weight"]),
                    volume=_optional_float(targets["volume"]),
                    temperature=float(targets["temperature"]),
                ),
                complete=bool(data["complete"]),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{type(err).__name__}: {err}") from None
        if not writes:
            raise ValueError("no writes")
        return record


def _optional_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


def _link_up(link: LinkCoordinator) -> bool:
    client = link.client
    return link.connected and client is not None and client.is_connected


def _builtin_entries() -> dict[str, LibraryProfile]:
    return {
        entry.id: entry
        for entry in (LibraryProfile.of(p, builtin=True) for p in builtin_profiles())
    }


class ProfileRuntime(FeatureRuntime):
    """The profile library, and per espresso machine the profile it was given."""

    store_key = STORE_KEY

    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(hass)
        self._builtin: dict[str, LibraryProfile] = {}  # read from files in async_load
        self._imported: dict[str, LibraryProfile] = {}
        self._kept: dict[str, Any] = {}  # stored profiles not usable now, written back as found
        self._held: dict[str, HeldRecord] = {}  # address → the last choice
        self._vouched: dict[str, int] = {}  # address → the connection that got the writes
        self._seen: dict[str, int] = {}  # address → the last connection looked at
        self._to_check: set[str] = set()  # connections whose machine is still to be looked at
        self._locks: dict[str, asyncio.Lock] = {}
        self._attempts: dict[str, asyncio.Future[bool]] = {}  # a choice waiting for a rewrite
        self._listeners: list[CALLBACK_TYPE] = []

    # --- storage -------------------------------------------------------------------

    async def async_load(self) -> None:
        """The built-in profiles (files: read off the event loop), then the stored ones."""
        self._builtin = await self.hass.async_add_executor_job(_builtin_entries)
        await super().async_load()

    def _restore(self, data: dict[str, Any]) -> None:
        profiles = data.get("profiles", {})
        machines = data.get("machines", {})
        if not isinstance(profiles, dict) or not isinstance(machines, dict):
            raise ValueError("profiles and machines must be objects")
        for key, raw in profiles.items():
            try:
                if not isinstance(raw, Mapping):
                    raise ValueError("not an object")
                entry = LibraryProfile.of(profile_from_json(raw))
            except (ProfileError, ValueError) as err:
                _LOGGER.warning("Stored DE1 profile %s not loaded (kept as stored): %s", key, err)
                self._kept[str(key)] = raw
                continue
            if entry.id in self._builtin or entry.id in self._imported:
                _LOGGER.warning("Stored DE1 profile %s not loaded (kept): its title is taken", key)
                self._kept[str(key)] = raw
                continue
            self._imported[entry.id] = entry
        for address, raw in machines.items():
            try:
                self._held[str(address)] = HeldRecord.from_dict(raw)
            except ValueError as err:
                _LOGGER.warning("Stored profile of machine %s ignored: %s", address, err)

    def _data(self) -> dict[str, Any]:
        return {
            "profiles": {
                **self._kept,
                **{key: profile_to_json(entry.profile) for key, entry in self._imported.items()},
            },
            "machines": {address: record.to_dict() for address, record in self._held.items()},
        }

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` when the library or what a machine holds changes."""
        self._listeners.append(listener)
        return Unsubscribe(self._listeners, listener)

    @callback
    def _async_changed(self) -> None:
        self.async_save_soon()
        for listener in list(self._listeners):
            listener()

    # --- the library -----------------------------------------------------------------

    def profiles(self) -> list[LibraryProfile]:
        """Built-in profiles first (as shipped), then the imported ones by title."""
        imported = sorted(self._imported.values(), key=lambda e: e.title.casefold())
        return [*self._builtin.values(), *imported]

    def titles(self) -> list[str]:
        return [entry.title for entry in self.profiles()]

    def get(self, key: str) -> LibraryProfile | None:
        return self._builtin.get(key) or self._imported.get(key)

    def find(self, name: str) -> LibraryProfile:
        """A profile by id or title (any case, spaces as typed); a translated error if none."""
        wanted = " ".join(str(name).split()).casefold()
        for entry in self.profiles():
            if name in (entry.id, entry.title) or wanted == entry.title.casefold():
                return entry
        raise invalid("profile_unknown", profile=str(name))

    def targets(self, name: str) -> ProfileTargets:
        """A library profile's stop targets and brew temperature."""
        return self.find(name).targets

    @callback
    def async_add(self, profile: Profile, *, overwrite: bool = False) -> LibraryProfile:
        try:
            entry = LibraryProfile.of(profile)
        except ProfileError as err:
            raise profile_invalid(err) from err
        if entry.id in self._builtin:
            raise invalid("profile_builtin", profile=entry.title)
        if entry.id in self._imported and not overwrite:
            raise invalid("profile_exists", profile=entry.title)
        self._imported[entry.id] = entry
        self._async_changed()
        return entry

    @callback
    def async_delete(self, name: str) -> None:
        entry = self.find(name)
        if entry.builtin:
            raise invalid("profile_builtin", profile=entry.title)
        del self._imported[entry.id]
        self._async_changed()

    # --- reading what a user gives -------------------------------------------------------

    async def async_read_source(self, data: Mapping[str, Any]) -> Profile:
        """The profile of exactly one source; translated errors, nothing changed."""
        given = [source for source in SOURCES if source in data]
        if len(given) != 1:
            raise invalid("profile_source_count", given=", ".join(given) or "-")
        source = given[0]
        value = data[source]
        try:
            if source == "json":
                text = value if isinstance(value, str) else _json_text(value)
                return read_json_profile(_bounded(text))
            if source == "tcl":
                return read_tcl_profile(_bounded(value))
            if source == "file":
                return read_profile(await self._async_read_file(value))
            return read_profile(await self._async_fetch_visualizer(value))
        except ProfileError as err:
            raise profile_invalid(err) from err

    async def _async_read_file(self, path: str) -> bytes:
        base = self.hass.config.config_dir

        def read() -> bytes:
            try:
                root = Path(base).resolve()
                found = (root / path).resolve()  # symlinks followed: they must stay inside too
                if not found.is_relative_to(root):
                    raise invalid("profile_file_outside", path=path)
                with found.open("rb") as file:
                    return file.read(MAX_SOURCE_BYTES + 1)
            except (OSError, ValueError) as err:  # ValueError: a NUL in the path
                reason = getattr(err, "strerror", None) or str(err)
                raise invalid("profile_file_unreadable", path=path, reason=reason) from None

        content = await self.hass.async_add_executor_job(read)
        return _bounded(content)

    async def _async_fetch_visualizer(self, reference: str) -> bytes:
        """A share code (resolved to its shot) or a shot or profile URL of Visualizer."""
        reference = reference.strip()
        if SHARE_CODE.fullmatch(reference):
            status, body = await self._async_get(
                f"{VISUALIZER_URL}/api/shots/shared", {"code": reference.upper()}
            )
            if status == 404:
                raise invalid("visualizer_code_unknown", code=reference.upper())
            shot = _visualizer_json(status, body)
            # an array answers an authenticated caller whose code was not found (§4.5)
            url = shot.get("profile_url") if isinstance(shot, dict) else None
            if not isinstance(url, str):
                if isinstance(shot, dict):
                    raise invalid("visualizer_no_profile", reference=reference)
                raise invalid("visualizer_code_unknown", code=reference.upper())
            reference = url
        url = _profile_url(reference)
        status, body = await self._async_get(url, {"format": "json"})
        if status in (404, 422):
            raise invalid("visualizer_no_profile", reference=reference)
        if status != 200:
            raise invalid("visualizer_unreachable", reason=f"HTTP {status}")
        return body

    async def _async_get(self, url: str, params: dict[str, str]) -> tuple[int, bytes]:
        session = async_get_clientsession(self.hass)
        try:
            async with (
                asyncio.timeout(FETCH_TIMEOUT),
                session.get(url, params=params, allow_redirects=False) as response,
            ):
                body = b""
                async for chunk in response.content.iter_chunked(64 * 1024):
                    body = _bounded(body + chunk)
                return response.status, body
        except (aiohttp.ClientError, TimeoutError) as err:
            reason = str(err) or type(err).__name__
            raise invalid("visualizer_unreachable", reason=reason) from None

    # --- machines ----------------------------------------------------------------------

    @callback
    def async_add_machine(self, link: LinkCoordinator) -> CALLBACK_TYPE:
        """Follow a machine's link: look at it on every connection; returns the stop."""
        unsub = link.async_add_listener(lambda: self._async_link_changed(link))
        self._async_link_changed(link)

        @callback
        def remove() -> None:
            unsub()
            self._seen.pop(link.address, None)
            self._vouched.pop(link.address, None)
            self._to_check.discard(link.address)

        return remove

    def held(self, link: LinkCoordinator) -> LibraryProfile | None:
        """The library profile the machine holds, as far as the integration can vouch."""
        record = self._held.get(link.address)
        if (
            record is None
            or not record.complete
            or self._vouched.get(link.address) != link.connect_count
        ):
            return None
        entry = self.get(record.profile_id)
        if entry is None or entry.fingerprint != record.fingerprint:
            return None  # replaced or deleted since: the machine holds the old bytes
        return entry

    def held_targets(self, link: LinkCoordinator) -> ProfileTargets | None:
        """Stop targets and brew temperature of the profile the machine holds, if vouched."""
        entry = self.held(link)
        return None if entry is None else entry.targets

    def upload_cut_off(self, link: LinkCoordinator) -> bool:
        """The last choice did not reach the machine whole (or is being written now)."""
        record = self._held.get(link.address)
        return record is not None and not record.complete

    def diagnostics(self, link: LinkCoordinator) -> dict[str, Any]:
        record = self._held.get(link.address)
        shown = self.held(link)
        return {
            "shown": None if shown is None else shown.title,
            "last_choice": None
            if record is None
            else {
                "title": record.title,
                "profile_id": record.profile_id,
                "fingerprint": record.fingerprint,
                "complete": record.complete,
                "written_on_this_connection": self._vouched.get(link.address) == link.connect_count,
            },
        }

    async def async_choose(self, link: LinkCoordinator, name: str) -> None:
        """Write a library profile to the machine; translated errors when it does not take."""
        entry = self.find(name)
        if not _link_up(link):
            raise _machine_error(link, "not_connected")
        if espresso_state(link).is_flowing_state:
            raise _machine_error(link, "profile_busy")
        try:
            await self._async_write(link, HeldRecord.of(entry))
        except HomeAssistantError as err:
            if _link_up(link):  # the machine refused a write: the choice did not take
                raise _upload_failed(link, entry) from err
            # the link dropped part-way: the next connection writes it again; wait for it once
            waiting = self._attempts.get(link.address)
            if waiting is None:
                waiting = self._attempts[link.address] = self.hass.loop.create_future()
            try:
                async with asyncio.timeout(RETRY_WAIT):
                    written = await asyncio.shield(waiting)
            except TimeoutError:
                written = False
            if not written:
                raise _upload_failed(link, entry) from err

    async def _async_write(self, link: LinkCoordinator, record: HeldRecord) -> None:
        """Write ``record`` to the machine; counted as cut off until every write went."""
        address = link.address
        driver = espresso_driver(link)
        async with self._locks.setdefault(address, asyncio.Lock()):
            record.complete = False
            self._held[address] = record
            self._vouched.pop(address, None)
            self._async_changed()
            try:
                await link.async_command(
                    lambda gatt: driver.async_upload_profile(gatt, record.writes),
                    name="write profile",
                )
            except HomeAssistantError:
                self._async_attempt_done(address, written=False)
                raise
            record.complete = True
            self._vouched[address] = link.connect_count
            self._async_changed()
            self._async_attempt_done(address, written=True)

    @callback
    def _async_attempt_done(self, address: str, *, written: bool) -> None:
        waiting = self._attempts.pop(address, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(written)

    @callback
    def _async_link_changed(self, link: LinkCoordinator) -> None:
        """A new connection is looked at once the machine is not pouring."""
        address = link.address
        if not link.connected:
            return
        if self._seen.get(address) != link.connect_count:
            self._seen[address] = link.connect_count
            if address in self._held:
                self._to_check.add(address)
        if address in self._to_check and not espresso_state(link).is_flowing_state:
            self._to_check.discard(address)
            link.entry.async_create_background_task(
                self.hass, self._async_check(link), f"{DOMAIN} profile check {address}"
            )

    async def _async_check(self, link: LinkCoordinator) -> None:
        """On a new connection: write a cut-off choice again; re-vouch for a complete one."""
        record = self._held.get(link.address)
        if record is None:  # pragma: no cover - only machines with a record are checked
            return
        try:
            if record.complete:
                driver = espresso_driver(link)
                header = await link.async_command(
                    driver.async_read_profile_header, name="read profile header"
                )
                if header != record.header:
                    _LOGGER.info(
                        "%s holds another profile than %s now", link.entry.title, record.title
                    )
                    del self._held[link.address]
                    self._async_changed()
                    return
            await self._async_write(link, record)
        except HomeAssistantError as err:
            # the link went again (or the machine refused): the next connection tries again
            _LOGGER.debug("%s: profile not written again: %s", link.address, err)


def _bounded[T: (str, bytes)](content: T) -> T:
    size = len(content.encode() if isinstance(content, str) else content)
    if size > MAX_SOURCE_BYTES:
        raise invalid("profile_too_large", max=str(MAX_SOURCE_BYTES))
    return content


def _json_text(value: object) -> str:
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ProfileError("invalid_json", {"reason": str(err)[:120]}) from None


def _visualizer_json(status: int, body: bytes) -> object:
    if status != 200:
        raise invalid("visualizer_unreachable", reason=f"HTTP {status}")
    try:
        return json.loads(body)
    except ValueError:
        raise invalid("visualizer_unreachable", reason="the answer is not JSON") from None


def _profile_url(reference: str) -> str:
    """The profile download of a Visualizer shot or profile URL; a translated error otherwise."""
    base = urlsplit(VISUALIZER_URL)
    url = urlsplit(reference)
    match = _SHOT_PATH.fullmatch(url.path)
    if (url.scheme, url.netloc) != (base.scheme, base.netloc) or match is None:
        raise invalid("visualizer_reference_invalid", reference=reference)
    return f"{VISUALIZER_URL}/api/shots/{match.group(1)}/profile"


def _machine_error(link: LinkCoordinator, key: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"name": link.entry.title},
    )


def _upload_failed(link: LinkCoordinator, entry: LibraryProfile) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="profile_upload_failed",
        translation_placeholders={"name": link.entry.title, "profile": entry.title},
    )


# --- actions -----------------------------------------------------------------------------

IMPORT_SCHEMA: Any = vol.Schema(
    {
        vol.Optional("json"): vol.Any(dict, cv.string),
        vol.Optional("tcl"): cv.string,
        vol.Optional("file"): cv.string,
        vol.Optional("visualizer"): cv.string,
        vol.Optional("title"): cv.string,
        vol.Optional("overwrite", default=False): cv.boolean,
    }
)
PROFILE_SCHEMA: Any = vol.Schema({vol.Required("profile"): cv.string})
LIST_SCHEMA: Any = vol.Schema({})


@callback
def async_setup_profile_services(hass: HomeAssistant) -> None:
    """Register the profile actions (response data: the profile, its JSON, the list)."""
    runtime = get_profiles(hass)

    async def import_profile(call: ServiceCall) -> ServiceResponse:
        profile = await runtime.async_read_source(call.data)
        if (title := call.data.get("title")) is not None:
            profile = replace(profile, title=title)
        entry = runtime.async_add(profile, overwrite=call.data["overwrite"])
        return entry.describe()

    async def export_profile(call: ServiceCall) -> ServiceResponse:
        entry = runtime.find(call.data["profile"])
        return {"id": entry.id, "title": entry.title, "json": export_json(entry.profile)}

    async def delete_profile(call: ServiceCall) -> None:
        runtime.async_delete(call.data["profile"])

    async def list_profiles(call: ServiceCall) -> ServiceResponse:
        return {"profiles": [entry.describe() for entry in runtime.profiles()]}

    register: Callable[..., None] = hass.services.async_register
    register(
        DOMAIN,
        "import_profile",
        import_profile,
        IMPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    register(
        DOMAIN,
        "export_profile",
        export_profile,
        PROFILE_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    register(DOMAIN, "delete_profile", delete_profile, PROFILE_SCHEMA)
    register(
        DOMAIN, "list_profiles", list_profiles, LIST_SCHEMA, supports_response=SupportsResponse.ONLY
    )
