"""Shots of the emulated DE1 go to Visualizer (a local fake of it) as its options say.

A complete espresso of a machine with an account and automatic uploads on is
sent once it is kept, as de1app's JSON v2 in a multipart ``file`` part with
HTTP Basic authentication; the Visualizer id and page are kept on the shot
and announced with ``kitchen_ble_shot_uploaded``. Short shots, cleaning
profiles (unless asked for), other sequences and machines without automatic
uploads send nothing.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped,unused-ignore]
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    ClientSessionGenerator,
)

from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.visualizer import get_visualizer
from emulator.de1 import DE1Device
from emulator.proxy import VirtualProxy

from . import visualizer
from .common import assert_no_errors, settle, warnings_logged
from .espresso import add_de1, advance, link_of, setup_de1
from .shots import action, pull
from .test_espresso_profiles_machine import choose
from .visualizer import (
    DROP,
    EMAIL,
    PASSWORD,
    UPLOADED,
    Answer,
    FakeVisualizer,
    account,
    basic,
    restarted,
)

fake_visualizer = visualizer.fake_visualizer  # the fixture


async def de1_with(
    hass: HomeAssistant, proxy: VirtualProxy, options: dict[str, Any]
) -> tuple[DE1Device, MockConfigEntry]:
    """A connected DE1 whose entry has ``options``."""
    device = await add_de1(hass, proxy, awake=True)
    entry = await setup_de1(hass, device)
    hass.config_entries.async_update_entry(entry, options=options)
    assert link_of(entry).connected
    return device, entry


async def shot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    what: str = "espresso",
) -> None:
    """One sequence, kept, and whatever it sends sent."""
    await pull(hass, freezer, proxy, device, what)
    await advance(hass, freezer, proxy, 5)  # the last drops, the archive, the upload


async def uploads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    fake: FakeVisualizer,
    count: int,
    limit: int = 300,
) -> int:
    """Let whole seconds pass until the fake has seen ``count`` uploads; returns how many."""
    waited = 0
    while len(fake.uploads) < count:
        assert waited < limit, f"{len(fake.uploads)} uploads after {limit} s"
        await advance(hass, freezer, proxy, 1.0, step=1.0)
        waited += 1
    assert len(fake.uploads) == count
    return waited


async def test_a_shot_is_uploaded_once_kept_and_shows_its_visualizer_page(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    uploaded = async_capture_events(hass, UPLOADED)
    device, entry = await de1_with(hass, virtual_proxy, account())
    await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar")

    await shot(hass, freezer, virtual_proxy, device)

    (upload,) = fake_visualizer.uploads
    assert upload.authorization == basic(EMAIL, PASSWORD)
    assert upload.form == "multipart", "a file part, as de1app sends it"
    sent = upload.shot
    assert sent is not None
    assert sent["version"] == "2"
    assert sent["profile"]["title"] == "Classic 9 bar"
    assert len(sent["elapsed"]) > 40, "the shot's series"
    assert sent["app"]["data"]["settings"]["enable_fahrenheit"] == "0"

    listed = await action(hass, "list_shots")
    (item,) = listed["shots"]
    (event,) = uploaded
    (device_entry,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    visualizer_id = event.data["visualizer_id"]
    assert event.data == {
        "device_id": device_entry.id,
        "shot_id": item["id"],
        "visualizer_id": visualizer_id,
        "url": f"{fake_visualizer.url}/shots/{visualizer_id}",
    }
    assert item["visualizer"] == {"id": visualizer_id, "url": event.data["url"]}
    got = await action(hass, "get_shot", shot_id=item["id"])
    assert got["visualizer"]["id"] == visualizer_id

    # notes written afterwards keep the page
    noted = await action(hass, "annotate_shot", shot_id=item["id"], bean="Guji")
    assert noted["annotations"]["bean"] == "Guji"
    await advance(hass, freezer, virtual_proxy, 2)
    again = (await action(hass, "list_shots"))["shots"][0]
    assert again["visualizer"]["id"] == visualizer_id
    assert len(fake_visualizer.uploads) == 1, "uploaded once"
    assert_no_errors(caplog)


async def test_what_is_not_uploaded_by_itself(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    device, entry = await de1_with(hass, virtual_proxy, account())
    await shot(hass, freezer, virtual_proxy, device, "flush")  # not an espresso
    await choose(hass, freezer, virtual_proxy, device, "Backflush clean")
    await shot(hass, freezer, virtual_proxy, device)  # a cleaning profile
    assert fake_visualizer.uploads == []

    hass.config_entries.async_update_entry(entry, options=account(skip_cleaning=False))
    await shot(hass, freezer, virtual_proxy, device)
    (cleaning,) = fake_visualizer.uploads
    assert cleaning.shot is not None
    assert cleaning.shot["app"]["data"]["settings"]["beverage_type"] == "cleaning"

    await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar")
    hass.config_entries.async_update_entry(entry, options=account(auto_upload=False))
    await shot(hass, freezer, virtual_proxy, device)
    hass.config_entries.async_update_entry(entry, options=account(min_duration=600))
    await shot(hass, freezer, virtual_proxy, device)  # shorter than 10 minutes
    hass.config_entries.async_update_entry(entry, options={})
    await shot(hass, freezer, virtual_proxy, device)  # no account
    assert len(fake_visualizer.uploads) == 1

    hass.config_entries.async_update_entry(entry, options=account(min_duration=10))
    await shot(hass, freezer, virtual_proxy, device)
    assert len(fake_visualizer.uploads) == 2
    assert (await action(hass, "list_shots"))["total"] == 7
    assert_no_errors(caplog)


async def test_a_server_error_is_tried_again_with_a_growing_delay(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    uploaded = async_capture_events(hass, UPLOADED)
    fake_visualizer.upload_answers = [Answer(500), Answer(DROP), Answer(503)]
    device, _entry = await de1_with(hass, virtual_proxy, account())
    await pull(hass, freezer, virtual_proxy, device)
    await uploads(hass, freezer, virtual_proxy, fake_visualizer, 1)
    # 30 s, then 60 s, then 120 s: the library's backoff (visualizer_api.backoff_delay)
    for count in (2, 3, 4):
        await uploads(hass, freezer, virtual_proxy, fake_visualizer, count)
    times = [upload.at for upload in fake_visualizer.uploads]
    waits = [later - earlier for earlier, later in pairwise(times)]
    assert waits == pytest.approx([30, 60, 120], abs=1.0)
    (event,) = uploaded
    assert {u.shot["elapsed"][-1] for u in fake_visualizer.uploads if u.shot} == {
        fake_visualizer.uploads[0].shot["elapsed"][-1]  # type: ignore[index]
    }, "the same shot each time"
    assert event.data["shot_id"] == (await action(hass, "list_shots"))["shots"][0]["id"]
    await advance(hass, freezer, virtual_proxy, 600, step=10.0)
    assert len(fake_visualizer.uploads) == 4, "nothing after the upload"
    assert_no_errors(caplog)


async def test_refused_credentials_raise_a_repair_issue_and_hold_the_uploads(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    uploaded = async_capture_events(hass, UPLOADED)
    device, entry = await de1_with(hass, virtual_proxy, account(**{CONF_PASSWORD: "old"}))
    await shot(hass, freezer, virtual_proxy, device)
    (refused,) = fake_visualizer.uploads
    assert refused.authorization == basic(EMAIL, "old")
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"visualizer_credentials_refused_{entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_key == "visualizer_credentials_refused"
    assert issue.translation_placeholders == {"name": "DE1"}
    assert any("refused the account of DE1" in line for line in warnings_logged(caplog))

    await shot(hass, freezer, virtual_proxy, device)  # queued, not sent
    await advance(hass, freezer, virtual_proxy, 7200, step=60.0)
    assert len(fake_visualizer.uploads) == 1, "no retry with refused credentials"

    flow = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {CONF_EMAIL: EMAIL, CONF_PASSWORD: PASSWORD, "auto_upload": True, "min_duration": 10},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass)
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, f"visualizer_credentials_refused_{entry.entry_id}"
        )
        is None
    )
    assert len(fake_visualizer.accepted) == 2, "both waiting shots go out"
    assert len(uploaded) == 2
    assert_no_errors(caplog)


async def test_a_refused_file_is_logged_and_not_sent_again(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    fake_visualizer.upload_answers = [
        Answer(422, {"error": "Could not save the provided file. Start time is blank"})
    ]
    device, entry = await de1_with(hass, virtual_proxy, account())
    await shot(hass, freezer, virtual_proxy, device)
    (warning,) = [line for line in warnings_logged(caplog) if "Visualizer refused shot" in line]
    assert "HTTP 422" in warning
    assert "Start time is blank" in warning
    await advance(hass, freezer, virtual_proxy, 7200, step=60.0)
    assert len(fake_visualizer.uploads) == 1, "final: no retry"
    diagnostics = get_visualizer(hass).diagnostics(entry)
    assert [job["state"] for job in diagnostics["jobs"]] == ["failed"]
    assert diagnostics["jobs"][0]["last_status"] == 422

    await shot(hass, freezer, virtual_proxy, device)  # the next shot is not held back
    assert len(fake_visualizer.uploads) == 2
    assert fake_visualizer.uploads[1].shot is not None
    assert_no_errors(caplog)


@pytest.mark.parametrize(
    ("headers", "wait"),
    [({}, 600), ({"Retry-After": "1800"}, 1800)],
    ids=["no Retry-After: 10 minutes", "Retry-After: 30 minutes"],
)
async def test_too_many_requests_slow_the_uploads_down(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
    headers: dict[str, str],
    wait: int,
) -> None:
    fake_visualizer.upload_answers = [
        Answer(429, {"error": "Too many requests. Please try again later."}, headers)
    ]
    device, _entry = await de1_with(hass, virtual_proxy, account())
    await shot(hass, freezer, virtual_proxy, device)
    assert len(fake_visualizer.uploads) == 1
    await advance(hass, freezer, virtual_proxy, wait - 20, step=10.0)
    assert len(fake_visualizer.uploads) == 1, f"nothing for {wait} s"
    await advance(hass, freezer, virtual_proxy, 30, step=10.0)
    assert len(fake_visualizer.uploads) == 2
    assert len(fake_visualizer.accepted) == 2
    assert_no_errors(caplog)


async def test_an_upload_waiting_at_the_stop_goes_out_after_the_start(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    fake_visualizer.upload_answers = [Answer(502)]
    device, entry = await de1_with(hass, virtual_proxy, account())
    await shot(hass, freezer, virtual_proxy, device)
    shot_id = (await action(hass, "list_shots"))["shots"][0]["id"]
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_stop()
    (queue,) = hass_storage["kitchen_ble.visualizer_uploads"]["data"]["queues"].values()
    (job,) = queue["jobs"]
    assert (job["shot_id"], job["attempts"], job["last_status"]) == (shot_id, 1, 502)

    async with restarted(config_dir, device, account()) as again:
        proxy: VirtualProxy = again.data["test_proxy"]
        await advance(again, freezer, proxy, 35, step=1.0)  # its retry time
        (event,) = again.data["test_uploaded"]
        assert event.data["shot_id"] == shot_id
        assert len(fake_visualizer.uploads) == 2
        listed = await action(again, "list_shots")
        assert listed["shots"][0]["visualizer"]["id"] == event.data["visualizer_id"]
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert [r.getMessage() for r in ours if r.levelname in ("WARNING", "ERROR")] == []


async def test_diagnostics_hide_the_account(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    fake_visualizer: FakeVisualizer,
    hass_client: ClientSessionGenerator,
    config_dir: Path,
) -> None:
    _device, entry = await de1_with(hass, virtual_proxy, account(min_duration=12))
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    options = diagnostics["entry"]["options"]
    assert options["email"] == options["password"] == "**REDACTED**"
    assert options["min_duration"] == 12
    text = json.dumps(diagnostics)
    assert EMAIL not in text
    assert PASSWORD not in text
    assert json.dumps(PASSWORD)[1:-1] not in text
    assert diagnostics["visualizer"] == {
        "account": True,
        "auto_upload": True,
        "min_duration": 12.0,
        "skip_cleaning": True,
        "paused": False,
        "uploaded": 0,
        "jobs": [],
    }
