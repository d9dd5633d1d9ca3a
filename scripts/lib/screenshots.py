"""Drive a develop instance and capture the README's screenshots.

Run by scripts/screenshots with the Python of the lane Home Assistant runs in
(it has aiohttp and Pillow), once Home Assistant answers and Chromium listens:
    python screenshots.py HA_URL CHROMIUM_DEBUG_URL OUT_DIR

Onboards through the HTTP API, adds the emulated devices through config flows,
sets a probe target and starts a cook on the thermometer, wakes the DE1 and
pulls a shot, then captures pages in Chromium through its DevTools protocol,
logged in by the tokens put into the frontend's localStorage (hassTokens).
"""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import json
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from PIL import Image

USER = {"name": "Kitchen", "username": "kitchen", "password": "kitchen-ble-demo", "language": "en"}
ONBOARDING_EXTRAS = {"met", "radio_browser", "google_translate", "shopping_list"}
MAX_BYTES = 200_000  # each image stays below this
WIDTH, HEIGHT = 1280, 860


def log(message: str) -> None:
    print(f"screenshots: {message}", file=sys.stderr, flush=True)


async def wait_for(
    what: str, check: Callable[[], Awaitable[Any]], seconds: float, every: float = 1.0
) -> Any:
    """Poll ``check`` until it returns something truthy, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {seconds:.0f} s")
        await asyncio.sleep(every)


class HomeAssistant:
    """The REST and WebSocket APIs of one instance, as its first user."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url.rstrip("/")
        self.client_id = f"{self.url}/"
        self.tokens: dict[str, Any] = {}
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ws_lock = asyncio.Lock()  # one command and its reply at a time
        self._ids = itertools.count(1)

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    async def onboard(self) -> None:
        async with self.session.post(
            f"{self.url}/api/onboarding/users", json={"client_id": self.client_id, **USER}
        ) as response:
            response.raise_for_status()
            code = (await response.json())["auth_code"]
        async with self.session.post(
            f"{self.url}/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        ) as response:
            response.raise_for_status()
            self.tokens = await response.json()
        # The remaining steps as the frontend finishes them (whichever this release has).
        steps = {
            "core_config": {},
            "analytics": {},
            "integration": {"client_id": self.client_id, "redirect_uri": self.client_id},
        }
        async with self.session.get(f"{self.url}/api/onboarding") as response:
            pending = [s["step"] for s in await response.json() if not s["done"]]
        for step in pending:
            if step in steps:
                async with self.session.post(
                    f"{self.url}/api/onboarding/{step}", json=steps[step], headers=self._auth
                ) as response:
                    response.raise_for_status()
        # Onboarding adds a few integrations (weather, radio, speech) whose
        # libraries the develop lanes do not install: they would only show errors.
        for entry in await self.ws({"type": "config_entries/get"}):
            if entry["domain"] in ONBOARDING_EXTRAS:
                await self.rest("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")

    async def ws(self, message: dict[str, Any]) -> Any:
        async with self._ws_lock:
            try:
                return await self._ws_command(message)
            except (aiohttp.ClientError, ConnectionError, TypeError):
                # The connection went away while the script waited: connect again.
                self._ws = None
                return await self._ws_command(message)

    async def _ws_command(self, message: dict[str, Any]) -> Any:
        if self._ws is None or self._ws.closed:
            self._ws = await self.session.ws_connect(f"{self.url}/api/websocket", max_msg_size=0)
            await self._ws.receive_json()  # auth_required
            await self._ws.send_json({"type": "auth", "access_token": self.tokens["access_token"]})
            if (await self._ws.receive_json())["type"] != "auth_ok":
                raise RuntimeError("websocket authentication failed")
        ident = next(self._ids)
        await self._ws.send_json({"id": ident, **message})
        while True:
            reply = await self._ws.receive_json()
            if reply.get("id") == ident and reply["type"] == "result":
                if not reply["success"]:
                    raise RuntimeError(f"{message['type']}: {reply['error']}")
                return reply["result"]

    async def rest(self, method: str, path: str, body: Any = None) -> Any:
        async with self.session.request(
            method, f"{self.url}{path}", json=body, headers=self._auth
        ) as response:
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {await response.text()}")
            return await response.json()

    async def state(self, entity_id: str) -> dict[str, Any]:
        return dict(await self.rest("GET", f"/api/states/{entity_id}"))

    async def call(self, domain: str, service: str, **data: Any) -> None:
        await self.rest("POST", f"/api/services/{domain}/{service}", data)

    async def add_discovered(self, models: dict[str, str]) -> dict[str, str]:
        """Confirm the discovery flow of each device named; their device ids by key."""

        async def flows() -> list[dict[str, Any]]:
            found = await self.ws({"type": "config_entries/flow/progress"})
            return [f for f in found if f["handler"] == "kitchen_ble"]

        added: dict[str, str] = {}
        titles: dict[str, str] = {}
        for key, title in models.items():

            async def match(title: str = title) -> dict[str, Any] | None:
                for flow in await flows():
                    if title in flow["context"].get("title_placeholders", {}).get("name", ""):
                        return flow
                return None

            flow = await wait_for(f"discovery of {title}", match, 90)
            result = await self.rest(
                "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", {}
            )
            if result.get("type") != "create_entry":
                raise RuntimeError(f"adding {title}: {result}")
            titles[result["result"]["entry_id"]] = key
            log(f"added {result['title']}")
        for device in await self.ws({"type": "config/device_registry/list"}):
            for entry_id in device["config_entries"]:
                if entry_id in titles:
                    added[titles[entry_id]] = device["id"]
        return added

    async def entities(self, device_id: str) -> list[dict[str, Any]]:
        entries = await self.ws({"type": "config/entity_registry/list"})
        return sorted(
            (e for e in entries if e["device_id"] == device_id), key=lambda e: e["entity_id"]
        )


def pick(entities: list[dict[str, Any]], translation_key: str) -> str:
    """The first entity (by id: probe 1 before probe 2) with that translation key."""
    for entity in entities:
        if entity.get("translation_key") == translation_key:
            return str(entity["entity_id"])
    raise LookupError(translation_key)


async def number(ha: HomeAssistant, entity_id: str) -> float | None:
    try:
        return float((await ha.state(entity_id))["state"])
    except ValueError:
        return None


async def cook(ha: HomeAssistant, device_id: str) -> tuple[list[str], datetime]:
    """Label probe 1, set its target a few degrees above it, start a cook; wait for the alert."""
    entities = await ha.entities(device_id)
    probe = pick(entities, "probe_temperature")
    started = datetime.now(UTC)
    now = await wait_for("a probe reading", lambda: number(ha, probe), 60)
    target = round(now) + 5
    await ha.call("text", "set_value", entity_id=pick(entities, "probe_label"), value="Brisket")
    await ha.call("number", "set_value", entity_id=pick(entities, "probe_target"), value=target)
    await ha.call("button", "press", entity_id=pick(entities, "start_cook"))
    log(f"cook started: probe 1 at {now} °C, target {target} °C")

    async def reached() -> bool:
        value = await number(ha, probe)
        return value is not None and value >= target + 1

    await wait_for("the probe reaching its target", reached, 300, every=3)
    probes = [e["entity_id"] for e in entities if e.get("translation_key") == "probe_temperature"]
    return probes, started


async def wake(ha: HomeAssistant, device_id: str) -> None:
    """Wake the DE1 and wait until it is ready."""
    entities = await ha.entities(device_id)
    await ha.call("switch", "turn_on", entity_id=pick(entities, "power"))
    ready = pick(entities, "ready")

    async def is_ready() -> bool:
        return bool((await ha.state(ready))["state"] == "on")

    await wait_for("the DE1 ready", is_ready, 300, every=2)


async def shot(ha: HomeAssistant, device_id: str) -> str:
    """Pull an espresso; the Last shot image once the shot is recorded."""
    image = pick(await ha.entities(device_id), "last_shot_chart")
    before = (await ha.state(image))["state"]
    await ha.call("kitchen_ble", "start", device_id=device_id, what="espresso")
    log("espresso started")

    async def recorded() -> bool:
        return bool((await ha.state(image))["state"] not in (before, "unavailable"))

    await wait_for("the shot recorded", recorded, 300, every=2)
    return image


class Chromium:
    """One page of a running headless Chromium, through the DevTools protocol."""

    def __init__(self, session: aiohttp.ClientSession, debug_url: str) -> None:
        self.session, self.debug_url = session, debug_url.rstrip("/")
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    async def open(self) -> None:
        async with self.session.get(f"{self.debug_url}/json/list") as response:
            pages = [t for t in await response.json() if t["type"] == "page"]
        self._ws = await self.session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        assert self._ws is not None
        ident = next(self._ids)
        await self._ws.send_json({"id": ident, "method": method, "params": params})
        while True:
            reply = await self._ws.receive_json()
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    async def goto(self, url: str, settle: float) -> None:
        await self.send("Page.navigate", url=url)
        await asyncio.sleep(settle)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def capture(self, path: Path, url: str, *, fit: bool = False) -> None:
        """Open ``url``, let it settle, and save the page (``fit``: only the document's box)."""
        await self.goto(url, 8)
        params: dict[str, Any] = {"format": "png"}
        if fit:
            box = await self.evaluate(
                "(() => { const r = document.documentElement.getBoundingClientRect();"
                " return [Math.ceil(r.width), Math.ceil(r.height)]; })()"
            )
            params["clip"] = {"x": 0, "y": 0, "width": box[0], "height": box[1], "scale": 1}
        data = await self.send("Page.captureScreenshot", **params)
        save_small(base64.b64decode(data["data"]), path)


def save_small(png: bytes, path: Path) -> None:
    """Save optimised; down to a 256-colour palette where the full colours are too big."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    if buffer.tell() > MAX_BYTES:
        buffer = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buffer, "PNG", optimize=True
        )
    path.write_bytes(buffer.getvalue())
    log(f"{path.name}: {buffer.tell() // 1024} KiB")


async def main(ha_url: str, debug_url: str, out: Path) -> None:
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistant(session, ha_url)
        await ha.onboard()
        log("onboarded")
        devices = await ha.add_discovered(
            {"thermometer": "iGrill V2", "de1": "DE1", "scale": "Decent Scale"}
        )
        browser = Chromium(session, debug_url)
        await browser.open()
        await browser.goto(ha.url, 3)
        tokens = {
            **ha.tokens,
            "hassUrl": ha.url,
            "clientId": ha.client_id,
            "expires": int(time.time() * 1000) + ha.tokens["expires_in"] * 1000,
        }
        await browser.evaluate(
            f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
            "localStorage.setItem('selectedLanguage', '\"en\"');"
        )
        device_page = f"{ha.url}/config/devices/device/"

        # The cook.
        probes, started = await cook(ha, devices["thermometer"])
        await asyncio.sleep(5)  # a few more readings on the graph
        end = datetime.now(UTC) + timedelta(seconds=30)
        await browser.capture(out / "thermometer.png", device_page + devices["thermometer"])
        await browser.capture(out / "activity.png", f"{ha.url}/logbook")
        await browser.capture(
            out / "cook-graph.png",
            f"{ha.url}/history?entity_id={','.join(probes[:2])}"
            f"&start_date={quote((started - timedelta(seconds=30)).isoformat())}"
            f"&end_date={quote(end.isoformat())}",
        )

        # The shot.
        await wake(ha, devices["de1"])
        image = await shot(ha, devices["de1"])
        await browser.capture(out / "de1.png", device_page + devices["de1"])
        await browser.capture(out / "scale.png", device_page + devices["scale"])
        picture = (await ha.state(image))["attributes"]["entity_picture"]
        await browser.capture(out / "last-shot.png", ha.url + picture, fit=True)


if __name__ == "__main__":
    Path(sys.argv[3]).mkdir(parents=True, exist_ok=True)
    asyncio.run(main(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
