"""A local stand-in for Visualizer (visualizer.coffee) on aiohttp's test server, and its helpers.

It answers as the profiles fact sheet §4 says Visualizer does: ``GET /api/me``
200 with the account for the right HTTP Basic credentials and 401 otherwise;
``POST /api/shots/upload`` 200 ``{"id": …}`` for a shot in a multipart ``file``
part or a JSON body, 401 for bad credentials, 422 for no file or a file
without series. The id is made from the shot's series, so a re-upload of the
same shot gets the same id (§3.4). A test queues other answers (500, 429 with
Retry-After, 422, a dropped connection, no answer at all) for the next requests.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from homeassistant import loader
from homeassistant.const import CONF_ADDRESS, CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_capture_events,
    async_test_home_assistant,
)

from custom_components.kitchen_ble import visualizer as visualizer_module
from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from emulator.de1 import DE1Device
from emulator.ha import async_start_proxy
from emulator.proxy import VirtualProxy

from .common import settle

EMAIL = "barista@example.com"
PASSWORD = "s3cret:pass word"  # a colon and a space: Basic encodes the whole password
ACCOUNT_NAME = "Barista"
UPLOADED = "kitchen_ble_shot_uploaded"  # the event the README names
DROP = -1  # an answer "status" that closes the connection instead
HANG = -2  # an answer "status" that never comes


def basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def account(**settings: Any) -> dict[str, Any]:
    """Options of an entry with the fake's account (and any settings given)."""
    return {CONF_EMAIL: EMAIL, CONF_PASSWORD: PASSWORD, **settings}


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any = None  # JSON, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Upload:
    """One upload request as the server saw it."""

    authorization: str | None
    content_type: str
    form: str  # "multipart" (a file part) or "json" (the body)
    shot: dict[str, Any] | None  # the uploaded JSON, if it was JSON
    at: float  # when it came (the test's clock, frozen or not)


def _id_of(shot: dict[str, Any]) -> str:
    """Visualizer's dedup: the same series make the same shot (§3.4)."""
    series = json.dumps(
        [shot.get("elapsed"), shot.get("pressure"), shot.get("flow")], sort_keys=True
    )
    return str(uuid.UUID(hashlib.sha256(series.encode()).hexdigest()[:32]))


class FakeVisualizer:
    def __init__(self) -> None:
        self.upload_answers: list[Answer] = []  # the next upload requests, in order
        self.me_answers: list[Answer] = []
        self.uploads: list[Upload] = []
        self.checks: list[str | None] = []  # the Authorization of each /api/me
        self.release = asyncio.Event()  # lets a hanging answer end
        self.url = ""

    @property
    def accepted(self) -> list[Upload]:
        return [u for u in self.uploads if u.authorization == basic(EMAIL, PASSWORD)]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/me", self._me)
        app.router.add_post("/api/shots/upload", self._upload)
        return app

    async def _me(self, request: web.Request) -> web.StreamResponse:
        self.checks.append(request.headers.get("Authorization"))
        if self.me_answers:
            return await self._answer(request, self.me_answers.pop(0))
        if request.headers.get("Authorization") != basic(EMAIL, PASSWORD):
            return web.Response(status=401)
        return web.json_response({"id": "u-1", "name": ACCOUNT_NAME, "public": True})

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        authorization = request.headers.get("Authorization")
        text: str | None = None
        if request.content_type == "multipart/form-data":
            form, post = "multipart", await request.post()
            part = post.get("file")
            if isinstance(part, web.FileField):
                text = part.file.read().decode()
        else:
            form, text = "json", (await request.read()).decode()
        try:
            shot = json.loads(text) if text is not None else None
        except ValueError:
            shot = None
        self.uploads.append(Upload(authorization, request.content_type, form, shot, time.time()))
        if self.upload_answers:
            return await self._answer(request, self.upload_answers.pop(0))
        if authorization != basic(EMAIL, PASSWORD):
            return web.Response(status=401)
        if text is None or not text.startswith("{") or shot is None:
            return web.json_response({"error": "No shot file provided."}, status=422)
        if not shot.get("elapsed") or not shot.get("timestamp"):
            return web.json_response({"error": "Could not save the provided file."}, status=422)
        return web.json_response({"id": _id_of(shot)})

    async def _answer(self, request: web.Request, answer: Answer) -> web.StreamResponse:
        if answer.status == DROP:
            assert request.transport is not None
            request.transport.abort()  # the connection goes, no answer
            return web.Response(status=200)  # never reaches the client
        if answer.status == HANG:
            await self.release.wait()
            return web.Response(status=503)
        if answer.body is None:
            return web.Response(status=answer.status, headers=answer.headers)
        return web.json_response(answer.body, status=answer.status, headers=answer.headers)


@pytest.fixture
async def fake_visualizer(
    hass: HomeAssistant, socket_enabled: None
) -> AsyncIterator[FakeVisualizer]:
    """The fake on a local port (sockets to 127.0.0.1 only); the integration's URL points to it."""
    fake = FakeVisualizer()
    # no access log: aiohttp's fails under a frozen clock in the 2026.10 lane
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server(access_log=None)
    fake.url = str(server.make_url("")).rstrip("/")
    with patch.object(visualizer_module, "VISUALIZER_URL", fake.url):
        yield fake
    fake.release.set()
    await server.close()


@asynccontextmanager
async def restarted(
    config: Path, device: DE1Device, options: dict[str, Any]
) -> AsyncIterator[HomeAssistant]:
    """A second Home Assistant on the same (mocked) storage, with the machine in range.

    ``hass.data["test_uploaded"]`` captures its ``kitchen_ble_shot_uploaded`` events.
    """
    async with async_test_home_assistant(config_dir=str(config)) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # as enable_custom_integrations does
        bluetooth = MockConfigEntry(domain="bluetooth", unique_id="00:00:00:00:00:01")
        bluetooth.add_to_hass(hass)
        assert await hass.config_entries.async_setup(bluetooth.entry_id)
        proxy = VirtualProxy(suffix="restarted")
        proxy.add(device)
        stop = async_start_proxy(hass, proxy, interval=None)
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=device.address,
            title="DE1",
            data={CONF_ADDRESS: device.address, CONF_MODEL: "de1_plus"},
            options=options,
        )
        entry.add_to_hass(hass)
        hass.data["test_proxy"] = proxy
        hass.data["test_uploaded"] = async_capture_events(hass, UPLOADED)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await settle(hass)
        try:
            yield hass
        finally:
            stop()
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.config_entries.async_unload(bluetooth.entry_id)
            await hass.async_stop(force=True)
