"""The shot record actions: list (paged, by profile, kind and date), get, annotate, delete, export.

Every refusal is a translated error and changes nothing; every error key of the
record package is translated in English and German with its placeholders. The
schemas are fuzzed with what YAML and templates can produce.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from string import Formatter
from typing import Any, Final

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.espresso.records import RECORD_ERROR_MESSAGES
from custom_components.kitchen_ble.shots import get_shots
from emulator.proxy import VirtualProxy
from tests.fuzz import date_texts, datetimes, drawn, numbers, yaml_values

from .common import assert_no_errors
from .espresso import advance, connected_de1
from .shots import action, pull
from .test_espresso_profiles_machine import choose

TRANSLATIONS = Path(__file__).parents[2] / "custom_components" / "kitchen_ble" / "translations"


def _exceptions(language: str) -> dict[str, Any]:
    data = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))
    exceptions: dict[str, Any] = data["exceptions"]
    return exceptions


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_record_error_is_translated_with_its_placeholders(language: str) -> None:
    exceptions = _exceptions(language)
    for key, english in RECORD_ERROR_MESSAGES.items():
        assert key in exceptions, f"{key} has no {language} message"
        assert _placeholders(exceptions[key]["message"]) == _placeholders(english), key


async def _refused(hass: HomeAssistant, service: str, **data: Any) -> ServiceValidationError:
    with pytest.raises(ServiceValidationError) as caught:
        await action(hass, service, **data)
    return caught.value


async def test_list_get_annotate_export_and_delete(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    await choose(hass, freezer, virtual_proxy, device, "Blooming espresso")
    await pull(hass, freezer, virtual_proxy, device)
    between = datetime.now(UTC)
    await advance(hass, freezer, virtual_proxy, 60)
    await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar")
    await pull(hass, freezer, virtual_proxy, device)
    await pull(hass, freezer, virtual_proxy, device, "flush")

    listed = await action(hass, "list_shots")
    assert listed["total"] == 3
    flush, classic, blooming = listed["shots"]  # newest first
    assert [flush["kind"], classic["profile"], blooming["profile"]] == [
        "flush",
        "Classic 9 bar",
        "Blooming espresso",
    ]
    second = await action(hass, "list_shots", page=2, page_size=1)
    assert [item["id"] for item in second["shots"]] == [classic["id"]]
    assert (second["total"], second["page"], second["page_size"]) == (3, 2, 1)
    by_profile = await action(hass, "list_shots", profile=" blooming ESPRESSO ")
    assert [item["id"] for item in by_profile["shots"]] == [blooming["id"]]
    since = await action(hass, "list_shots", since=between.isoformat())
    assert [item["id"] for item in since["shots"]] == [flush["id"], classic["id"]]
    until = await action(hass, "list_shots", until=(between - timedelta(hours=1)).isoformat())
    assert until["total"] == 0
    assert (await action(hass, "list_shots", page="1", page_size=2.0))["page_size"] == 2
    with pytest.raises(vol.Invalid):
        await action(hass, "list_shots", page="two")

    assert (await _refused(hass, "list_shots", page=0)).translation_key == "invalid_page"
    assert (await _refused(hass, "list_shots", page_size=101)).translation_key == (
        "invalid_page_size"
    )
    assert (await _refused(hass, "list_shots", page=10**7)).translation_key == "page_too_high"

    shot_id = blooming["id"]
    got = await action(hass, "get_shot", shot_id=shot_id)
    assert got["id"] == shot_id
    assert got["record"]["profile"]["title"] == "Blooming espresso"
    assert (await _refused(hass, "get_shot", shot_id="nope")).translation_key == "unknown_shot"

    # notes: numbers as YAML or a template may give them, a date as text
    noted = await action(
        hass,
        "annotate_shot",
        shot_id=shot_id,
        bean="Ethiopia Guji",
        roaster="Square Mile",
        roast_date="2026-11-20",
        grinder="Niche Zero",
        grinder_setting=12,
        dose="18.0",
        tds=9.5,
        extraction_yield=20.1,
        enjoyment=80,
        notes=" bright, a little thin ",
    )
    notes = {
        "bean": "Ethiopia Guji",
        "roaster": "Square Mile",
        "roast_date": "2026-11-20",
        "grinder": "Niche Zero",
        "grinder_setting": "12",
        "dose": 18.0,
        "tds": 9.5,
        "extraction_yield": 20.1,
        "enjoyment": 80.0,
        "notes": "bright, a little thin",
    }
    assert noted["annotations"] == notes
    assert noted["dose"] == 18.0, "the dose noted is the shot's dose"
    refused = await _refused(hass, "annotate_shot", shot_id=shot_id, tds=31, bean="Kenya")
    assert refused.translation_key == "value_out_of_range"
    assert refused.translation_placeholders == {
        "field": "tds",
        "value": "31",
        "min": "0",
        "max": "30",
    }
    refused = await _refused(hass, "annotate_shot", shot_id=shot_id, roast_date="yesterday")
    assert refused.translation_key == "value_not_date"
    refused = await _refused(hass, "annotate_shot", shot_id=shot_id, dose="a lot")
    assert refused.translation_key == "value_not_number"
    refused = await _refused(hass, "annotate_shot", shot_id=shot_id, grinder_setting="x" * 33)
    assert refused.translation_key == "text_too_long"
    with pytest.raises(vol.Invalid):
        await action(hass, "annotate_shot", shot_id=shot_id, colour="brown")
    assert (await action(hass, "get_shot", shot_id=shot_id))["annotations"] == notes
    cleared = await action(hass, "annotate_shot", shot_id=shot_id, notes=None, tds=None)
    assert set(cleared["annotations"]) == set(notes) - {"notes", "tds"}

    exported = await action(hass, "export_shot", shot_id=shot_id)
    assert exported["filename"] == f"{shot_id}.json"
    assert exported["json"].startswith("{")
    shot = json.loads(exported["json"])
    assert shot["version"] == "2"
    assert len(shot["elapsed"]) == len(shot["pressure"]["pressure"])
    assert shot["profile"]["title"] == "Blooming espresso"

    archived = config_dir / "kitchen_ble" / "shots" / f"{shot_id}.json"
    assert archived.is_file()
    await action(hass, "delete_shot", shot_id=shot_id)
    assert not archived.exists()
    assert (await action(hass, "list_shots"))["total"] == 2
    assert (await _refused(hass, "delete_shot", shot_id=shot_id)).translation_key == "unknown_shot"
    assert (await _refused(hass, "export_shot", shot_id=shot_id)).translation_key == (
        "unknown_shot"
    )
    assert_no_errors(caplog)


async def test_a_damaged_archive_file_is_a_translated_error(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    config_dir: Path,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    await pull(hass, freezer, virtual_proxy, device, "flush")
    (item,) = (await action(hass, "list_shots"))["shots"]
    path = config_dir / "kitchen_ble" / "shots" / f"{item['id']}.json"
    path.write_text('{"format": 1, "id": 5}', encoding="utf-8")
    with pytest.raises(HomeAssistantError) as caught:
        await action(hass, "get_shot", shot_id=item["id"])
    assert caught.value.translation_key == "stored_invalid"
    path.unlink()
    with pytest.raises(HomeAssistantError) as caught:
        await action(hass, "export_shot", shot_id=item["id"])
    assert caught.value.translation_key == "shot_unreadable"
    assert (await action(hass, "list_shots"))["total"] == 1, "the index still lists it"


# --- fuzzing -------------------------------------------------------------------------------

SHOT: Final = "<the recorded shot's id>"
EXCEPTIONS = _exceptions("en")


def _weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def _likely(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return _weighted((3, valid), (1, yaml_values))


shot_ids = _weighted((3, st.just(SHOT)), (1, st.sampled_from(["nope", "", "../../secrets"])))
texts = st.text(max_size=120)
NOTES: Final = {
    "bean": _likely(texts),
    "roaster": _likely(texts),
    "roast_date": _likely(date_texts | st.just("2026-11-20")),
    "grinder": _likely(texts),
    "grinder_setting": _likely(texts | numbers),
    "dose": _likely(st.floats(0.0, 120.0) | numbers),
    "tds": _likely(st.floats(-1.0, 35.0) | numbers),
    "extraction_yield": _likely(st.floats(-1.0, 45.0)),
    "enjoyment": _likely(st.integers(-5, 105)),
    "notes": _likely(st.text(max_size=2100)),
}
ACTIONS: Final = {
    "list_shots": st.fixed_dictionaries(
        {},
        optional={
            "page": _likely(st.integers(-2, 3) | numbers),
            "page_size": _likely(st.integers(-1, 120)),
            "profile": _likely(st.sampled_from(["Blooming espresso", "x"])),
            "kind": _likely(st.sampled_from(["espresso", "flush", "tea"])),
            "since": _likely(datetimes | date_texts),
            "until": _likely(datetimes | date_texts),
        },
    ),
    "get_shot": st.fixed_dictionaries({}, optional={"shot_id": shot_ids}),
    "annotate_shot": st.fixed_dictionaries(
        {"shot_id": shot_ids}, optional={**NOTES, "colour": texts}
    ),
    "export_shot": st.fixed_dictionaries({"shot_id": shot_ids}),
    "delete_shot": st.fixed_dictionaries({}, optional={"shot_id": shot_ids}),
}


# drawn here, not under the test's frozen clock (hypothesis refuses freezegun's datetimes)
EXAMPLES: Final = {name: drawn(strategy, 50) for name, strategy in ACTIONS.items()}


def _stored(hass: HomeAssistant, directory: Path) -> tuple[Any, ...]:
    runtime = get_shots(hass)
    files = {path.name: path.read_bytes() for path in sorted(directory.glob("*.json"))}
    return json.dumps(runtime.archive.newest_first(), sort_keys=True, default=str), files


def _resolved(data: dict[str, Any], shot_id: str) -> dict[str, Any]:
    return {key: (shot_id if value == SHOT else value) for key, value in data.items()}


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_generated_calls_work_or_are_refused_and_change_nothing(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    config_dir: Path,
    name: str,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    await pull(hass, freezer, virtual_proxy, device, "flush")
    (item,) = (await action(hass, "list_shots"))["shots"]
    directory = config_dir / "kitchen_ble" / "shots"
    outcomes: Counter[str] = Counter()
    for example in EXAMPLES[name]:
        data = _resolved(example, item["id"])
        before = _stored(hass, directory)
        try:
            await action(hass, name, **data)
        except (vol.Invalid, HomeAssistantError) as err:
            outcomes["refused"] += 1
            if isinstance(err, HomeAssistantError) and err.translation_key is not None:
                message = EXCEPTIONS[err.translation_key]["message"]
                assert re.sub(r"\{\w+\}", "", message)
                message.format(**(err.translation_placeholders or {}))
            assert _stored(hass, directory) == before, f"{name} {data!r:.300} refused, yet changed"
        except Exception as err:  # the point: name the example
            pytest.fail(f"{name} {data!r:.300} raised {type(err).__name__}: {err}")
        else:
            outcomes["worked"] += 1
        await hass.async_block_till_done()
    assert outcomes["worked"] > 0, "every action works with some of the data"
    assert outcomes["refused"] > 0, "and refuses some"
    assert_no_errors(caplog)


@pytest.mark.usefixtures("config_dir")
async def test_a_page_of_a_thousand_digits_is_refused_by_its_size(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    await connected_de1(hass, virtual_proxy)
    refused = await _refused(hass, "list_shots", page=-(10**1000))
    assert refused.translation_key == "invalid_page"
    assert refused.translation_placeholders == {"page": "-1.00000e+1000"}


async def test_dates_at_the_edge_of_the_calendar_are_before_or_after_every_shot(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    config_dir: Path,
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    await advance(hass, freezer, virtual_proxy, 2)
    await pull(hass, freezer, virtual_proxy, device, "flush")
    first, last = "0001-01-01T00:00:00", "9999-12-31T23:59:59"  # no zone: local time
    assert (await action(hass, "list_shots", since=first, until=last))["total"] == 1
    assert (await action(hass, "list_shots", since=last))["total"] == 0
    assert (await action(hass, "list_shots", until=first))["total"] == 0
