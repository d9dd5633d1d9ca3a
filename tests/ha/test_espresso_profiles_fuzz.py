"""The profile actions called through Home Assistant with generated data.

Profiles of the right shape with mutated fields (any JSON value anywhere),
anything YAML or a template can produce in any field, and fields the actions
lack. A call works or is refused with ``vol.Invalid`` (the schema) or a
translated ``ServiceValidationError`` whose key en.json has and whose
placeholders its message takes; a refused call leaves the stored library as
it was, and what is stored after any call loads again.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from hypothesis import strategies as st

from custom_components.kitchen_ble.const import DOMAIN
from custom_components.kitchen_ble.profiles import ProfileRuntime, get_profiles
from tests.fuzz import drawn, mutated, yaml_values

from .common import assert_no_errors
from .profiles import CORPUS, EASY_BLOOMING, RESPONSES

EXCEPTIONS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components" / "kitchen_ble" / "translations" / "en.json"
    ).read_text(encoding="utf-8")
)["exceptions"]
TCL = (CORPUS / "best_overall_pressure.tcl").read_text(encoding="utf-8")


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


@st.composite
def mutated_profile(draw: st.DrawFn) -> Any:
    # what YAML or a template can give: no integer beyond what text holds (4300 digits)
    return draw(mutated(EASY_BLOOMING, yaml_values))  # type: ignore[call-arg]


def as_text(value: Any) -> str:
    """JSON text of a drawn value (bytes have none: then text that is not a profile)."""
    try:
        return json.dumps(value)
    except TypeError:
        return '{"title": "bytes are no JSON"}'


profile_json = weighted(
    (2, st.just(EASY_BLOOMING)),
    (4, mutated_profile()),
    (2, mutated_profile().map(as_text)),
    (1, yaml_values),
)
tcl = weighted(
    (2, st.just(TCL)),
    (2, st.integers(0, len(TCL)).map(lambda cut: TCL[:cut])),
    (1, st.text(max_size=40)),
    (1, yaml_values),
)
names = weighted(
    (3, st.sampled_from(["Classic 9 bar", "classic_9_bar", EASY_BLOOMING["title"], "nope"])),
    (1, yaml_values),
)
IMPORT = st.fixed_dictionaries(
    {},
    optional={
        "json": profile_json,
        "tcl": tcl,
        "file": weighted(
            (2, st.sampled_from(["../x.json", "nope.tcl", "/etc/passwd"])), (1, yaml_values)
        ),
        "title": weighted((3, st.text(max_size=30)), (1, yaml_values)),
        "overwrite": weighted((3, st.booleans()), (1, yaml_values)),
        "colour": yaml_values,
    },
)
ACTIONS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "import_profile": IMPORT,
    "export_profile": st.fixed_dictionaries({"profile": names}),
    "delete_profile": st.fixed_dictionaries({"profile": names}),
    "list_profiles": st.fixed_dictionaries({}, optional={"colour": yaml_values}),
}


@pytest.fixture
async def setup(hass: HomeAssistant, tmp_path: Path) -> None:
    hass.config.config_dir = str(tmp_path)  # file imports look here
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.usefixtures("setup")
async def test_generated_profile_calls_work_or_are_refused_and_change_nothing(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, action: str
) -> None:
    runtime = get_profiles(hass)
    outcomes: Counter[str] = Counter()
    for example in drawn(ACTIONS[action], 50):
        if action != "import_profile" and EASY_BLOOMING["title"] not in runtime.titles():
            await hass.services.async_call(
                DOMAIN, "import_profile", {"json": EASY_BLOOMING}, blocking=True
            )
        before = runtime._data()
        try:
            await hass.services.async_call(
                DOMAIN, action, example, blocking=True, return_response=RESPONSES.get(action, False)
            )
        except (vol.Invalid, ServiceValidationError) as err:
            outcomes["refused"] += 1
            if isinstance(err, ServiceValidationError):
                if err.translation_domain != DOMAIN:
                    pytest.fail(f"{action} {example!r:.300}: {err} is not ours")
                message = EXCEPTIONS[err.translation_key]["message"]
                message.format(**(err.translation_placeholders or {}))
            assert runtime._data() == before, f"{action} {example!r:.300} refused, yet changed"
        except Exception as err:  # the point: name the example
            pytest.fail(f"{action} {example!r:.300} raised {type(err).__name__}: {err}")
        else:
            outcomes["worked"] += 1
        ProfileRuntime(hass)._restore(runtime._data())  # loads again
    assert outcomes["worked"] > 0, "every action works with some of the data"
    if action != "list_profiles":
        assert outcomes["refused"] > 0, "and refuses some"
    assert_no_errors(caplog)
