"""``kitchen_ble.upload_shot``: an archived espresso to Visualizer (a local fake) now.

The action uses the account of the shot's machine and returns the Visualizer
id and page; every refusal is a translated error. Its schema is fuzzed with
what YAML and templates can produce.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hypothesis import strategies as st
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.kitchen_ble import visualizer as visualizer_module
from custom_components.kitchen_ble.const import CONF_MODEL, DOMAIN
from custom_components.kitchen_ble.shots import get_shots
from emulator.proxy import VirtualProxy
from tests.fuzz import drawn, yaml_values
from tests.library.espresso.records.shots import espresso

from . import visualizer
from .common import assert_no_errors, settle
from .shots import action, pull
from .test_visualizer_uploads import de1_with, shot
from .visualizer import (
    DROP,
    HANG,
    UPLOADED,
    Answer,
    FakeVisualizer,
    account,
)

TRANSLATIONS = Path(__file__).parents[2] / "custom_components" / "kitchen_ble" / "translations"
EXCEPTIONS = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))["exceptions"]

fake_visualizer = visualizer.fake_visualizer  # the fixture


async def _upload_fails(hass: HomeAssistant, shot_id: Any) -> HomeAssistantError:
    with pytest.raises(HomeAssistantError) as caught:
        await action(hass, "upload_shot", shot_id=shot_id)
    assert caught.value.translation_domain == DOMAIN
    assert caught.value.translation_key in EXCEPTIONS
    return caught.value


async def test_an_old_shot_is_uploaded_with_its_machines_account(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    uploaded = async_capture_events(hass, UPLOADED)
    device, entry = await de1_with(hass, virtual_proxy, {})
    await shot(hass, freezer, virtual_proxy, device)
    await shot(hass, freezer, virtual_proxy, device, "flush")
    flush, espresso_item = (await action(hass, "list_shots"))["shots"]
    assert fake_visualizer.uploads == [], "no account: nothing went out"

    refused = await _upload_fails(hass, espresso_item["id"])
    assert isinstance(refused, ServiceValidationError)
    assert refused.translation_key == "visualizer_no_account"
    unknown = await _upload_fails(hass, "nope")
    assert unknown.translation_key == "unknown_shot"

    hass.config_entries.async_update_entry(entry, options=account(auto_upload=False))
    assert (await _upload_fails(hass, flush["id"])).translation_key == "shot_not_uploadable"
    assert fake_visualizer.uploads == []

    answer = await action(hass, "upload_shot", shot_id=espresso_item["id"])
    visualizer_id = answer["visualizer_id"]
    assert answer == {
        "shot_id": espresso_item["id"],
        "visualizer_id": visualizer_id,
        "url": f"{fake_visualizer.url}/shots/{visualizer_id}",
    }
    (event,) = uploaded
    assert event.data["shot_id"] == espresso_item["id"]
    assert event.data["device_id"] == espresso_item["device_id"]
    got = await action(hass, "get_shot", shot_id=espresso_item["id"])
    assert got["visualizer"] == {"id": visualizer_id, "url": answer["url"]}
    # a second upload (after notes, say) is the same shot on Visualizer
    again = await action(hass, "upload_shot", shot_id=espresso_item["id"])
    assert again["visualizer_id"] == visualizer_id
    assert len(fake_visualizer.accepted) == 2
    assert_no_errors(caplog)


@pytest.mark.parametrize(
    ("answer", "key", "placeholders"),
    [
        (Answer(401), "visualizer_credentials_refused", {"name": "DE1"}),
        (
            Answer(422, {"error": "Could not save the provided file. Start time is blank"}),
            "visualizer_rejected",
            {
                "status": "HTTP 422",
                "reason": "Could not save the provided file. Start time is blank",
            },
        ),
        (  # over in a day at most: not the shot's fault
            Answer(422, {"error": "You've reached your daily limit of 50 shots"}),
            "visualizer_unavailable",
            {"reason": "HTTP 422 You've reached your daily limit of 50 shots"},
        ),
        (Answer(500, {"error": "boom"}), "visualizer_unavailable", {"reason": "HTTP 500 boom"}),
        (Answer(DROP), "visualizer_unavailable", None),
    ],
    ids=["401", "422", "422 daily limit", "500", "dropped"],
)
async def test_a_refused_upload_says_why(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    config_dir: Path,
    answer: Answer,
    key: str,
    placeholders: dict[str, str] | None,
) -> None:
    device, entry = await de1_with(hass, virtual_proxy, account(auto_upload=False))
    await shot(hass, freezer, virtual_proxy, device)
    (item,) = (await action(hass, "list_shots"))["shots"]
    fake_visualizer.upload_answers = [answer]

    error = await _upload_fails(hass, item["id"])

    assert error.translation_key == key
    if placeholders is not None:
        assert error.translation_placeholders == placeholders
    else:
        assert error.translation_placeholders["reason"].startswith("no answer")
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"visualizer_credentials_refused_{entry.entry_id}"
    )
    assert (issue is not None) is (answer.status == 401), "a repair issue for 401 only"
    assert "visualizer" not in (await action(hass, "get_shot", shot_id=item["id"]))


async def test_no_answer_in_time_is_tried_again(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    fake_visualizer: FakeVisualizer,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    """Without a frozen clock (a timeout must expire): a shot queued before the start, a
    Visualizer that does not answer within the time allowed, then answers."""
    address = "D9:B2:48:DE:00:01"
    hass_storage["kitchen_ble.visualizer_uploads"] = {
        "version": 1,
        "minor_version": 1,
        "key": "kitchen_ble.visualizer_uploads",
        "data": {
            "queues": {
                address: {"jobs": [{"shot_id": "shot-1", "added_at": 0, "next_attempt_at": 0}]}
            }
        },
    }
    uploaded = async_capture_events(hass, UPLOADED)
    assert await async_setup_component(hass, DOMAIN, {})
    await get_shots(hass).archive.async_add(espresso(), machine=address, device_id=None)
    fake_visualizer.upload_answers = [Answer(HANG)]
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=address,
        title="DE1",
        data={CONF_ADDRESS: address, CONF_MODEL: "de1_plus"},
        options=account(),
    )
    entry.add_to_hass(hass)
    with patch.object(visualizer_module, "REQUEST_TIMEOUT", 0.3):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await settle(hass)
    assert len(fake_visualizer.uploads) == 1
    assert uploaded == []
    job = get_visualizer_jobs(hass, entry)
    assert (job["attempts"], job["last_status"], job["state"]) == (1, None, "waiting")

    async_fire_time_changed(hass, dt_util.utcnow() + dt_util.dt.timedelta(seconds=31))
    await settle(hass)
    assert len(fake_visualizer.uploads) == 2
    (event,) = uploaded
    assert event.data["shot_id"] == "shot-1"
    await hass.config_entries.async_unload(entry.entry_id)
    assert_no_errors(caplog)


def get_visualizer_jobs(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    (job,) = visualizer_module.get_visualizer(hass).diagnostics(entry)["jobs"]
    return dict(job)


SHOT_IDS = st.one_of(
    st.just("<the shot's id>"),
    st.text(max_size=70),
    st.sampled_from(["", " ", "../../secrets", "shot-1\n", "0" * 5000]),
    yaml_values,
)


async def test_fuzz_the_action_gives_typed_errors_only(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    fake_visualizer: FakeVisualizer,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    device, _entry = await de1_with(hass, virtual_proxy, account(auto_upload=False))
    await pull(hass, freezer, virtual_proxy, device)
    (item,) = (await action(hass, "list_shots"))["shots"]
    outcomes: dict[str, int] = {}
    for drawn_id in drawn(SHOT_IDS, 50):
        shot_id = item["id"] if drawn_id == "<the shot's id>" else drawn_id
        try:
            await hass.services.async_call(
                DOMAIN, "upload_shot", {"shot_id": shot_id}, blocking=True, return_response=True
            )
            kind = "uploaded"
        except vol.Invalid:
            kind = "schema"
        except HomeAssistantError as err:
            kind = err.translation_key or repr(err)
        outcomes[kind] = outcomes.get(kind, 0) + 1
    assert set(outcomes) <= {"uploaded", "schema", "unknown_shot"}, outcomes  # all in en.json
    assert len(fake_visualizer.uploads) == outcomes.get("uploaded", 0)
    assert_no_errors(caplog)
