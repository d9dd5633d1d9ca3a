"""Shot-control settings and learning: kept across restarts, shown redacted, never a crash."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped,unused-ignore]
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (  # type: ignore[import-untyped,unused-ignore]
    ClientSessionGenerator,
)

from custom_components.kitchen_ble.control import ControlSettings, get_control
from emulator.proxy import VirtualProxy

from .common import add_igrill, setup_device
from .control import de1_with_scale, pour
from .espresso import advance, call, entity_id, link_of, run, set_number, state
from .scales import link_of as scale_link

FIELDS = {
    "scale": "auto",
    "target_weight": None,
    "target_volume": None,
    "targets_profile": None,
    "time_limit": 0.0,
    "hot_water_weight": 0.0,
    "auto_tare": True,
    "scale_required": False,
    "milk_probe": None,
    "milk_target": 60.0,
}

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(values, st.dictionaries(st.sampled_from([*FIELDS, "other"]), values)))
def test_stored_settings_of_any_shape_load_as_settings(data: Any) -> None:
    loaded = ControlSettings.load(data)
    for name, default in FIELDS.items():
        value = getattr(loaded, name)
        given_value = data.get(name, default) if isinstance(data, dict) else default
        assert value in (given_value, default), name
        if name in ("time_limit", "hot_water_weight", "milk_target") and value is not None:
            assert value >= 0, "a negative limit is no limit"
        if name in ("auto_tare", "scale_required"):
            assert isinstance(value, bool)


def test_the_defaults_are_what_the_readme_says() -> None:
    loaded = ControlSettings.load(None)
    assert (loaded.scale, loaded.auto_tare, loaded.scale_required) == ("auto", True, False)
    assert (loaded.time_limit, loaded.hot_water_weight, loaded.milk_target) == (0.0, 0.0, 60.0)


async def test_leads_and_settings_survive_a_restart_and_show_redacted(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
) -> None:
    device, entry, scale, _scale_entry = await de1_with_scale(hass, freezer, virtual_proxy)
    select = entity_id(hass, device, "select", "shot_scale")
    await run(
        hass, freezer, virtual_proxy, call(hass, "select", "select_option", select, option="Scale")
    )
    await pour(hass, freezer, virtual_proxy, device)
    await advance(hass, freezer, virtual_proxy, 2.0, step=0.5)  # saved within a second

    stored = hass_storage["kitchen_ble.shot_control"]["data"]["machines"][device.address]
    assert stored["settings"]["scale"] == scale.address
    leads = {(lead["scale"], lead["profile"]): lead for lead in stored["learner"]["leads"]}
    # this scale with this profile, and the wider keys a new profile or scale starts from
    assert leads[f"id:{scale.address}", "Classic 9 bar"]["shots"] == 1
    assert leads["family:felicita", ""]["shots"] == 1

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    shown = diagnostics["shot_control"]
    assert shown["settings"]["scale"] == "**REDACTED**"
    assert scale.address not in str(diagnostics), "no address of the user's scale"
    assert [lead["shots"] for lead in shown["leads"]] == [1, 1, 1, 1]
    assert shown["last_result"]["stop_reason"] == "weight"

    await hass.config_entries.async_reload(entry.entry_id)  # unloaded, stored, loaded again
    await advance(hass, freezer, virtual_proxy, 2.0, step=0.1)
    link = link_of(entry)
    control = get_control(hass)
    assert control.settings(link).scale == scale.address
    kept = control.diagnostics(link)["leads"]
    assert [lead["shots"] for lead in kept] == [1, 1, 1, 1], "what was learned stays"


async def test_a_chosen_scale_that_goes_leaves_the_machine_without_one(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry, _scale, scale_entry = await de1_with_scale(
        hass, freezer, virtual_proxy, profile=None
    )
    link = link_of(entry)
    control = get_control(hass)
    assert control.scale_of(link) is scale_link(scale_entry)
    await hass.config_entries.async_remove(scale_entry.entry_id)
    await advance(hass, freezer, virtual_proxy, 1.0, step=0.1)
    assert control.scale_of(link) is None
    assert control.scale_options() == {"auto": "auto"}
    await set_number(hass, freezer, virtual_proxy, device, "target_volume", 40)
    assert state(hass, device, "number", "target_volume") == "40.0"


async def test_the_milk_probe_choice_follows_the_thermometers(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry, _scale, _scale_entry = await de1_with_scale(
        hass, freezer, virtual_proxy, profile=None
    )
    igrill = await add_igrill(hass, virtual_proxy)
    thermometer = await setup_device(hass, igrill, title="iGrill")
    select = entity_id(hass, device, "select", "milk_thermometer")
    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "select", "select_option", select, option="iGrill #2"),
    )
    assert state(hass, device, "select", "milk_thermometer") == "iGrill #2"
    await hass.config_entries.async_remove(thermometer.entry_id)
    await advance(hass, freezer, virtual_proxy, 1.0, step=0.1)
    shown = hass.states.get(select)
    assert shown is not None
    assert shown.attributes["options"] == ["no_probe"]
    assert shown.state == "unknown", "the chosen probe is gone: no steam stop by it"
    await run(
        hass,
        freezer,
        virtual_proxy,
        call(hass, "select", "select_option", select, option="no_probe"),
    )
    assert get_control(hass).settings(link_of(entry)).milk_probe is None
