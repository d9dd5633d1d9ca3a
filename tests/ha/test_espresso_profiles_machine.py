"""Choosing a DE1 profile in Home Assistant writes it to the emulated machine, which runs it.

The Profile select lists the library; choosing a title writes the profile
(de1.md §8.5) through Home Assistant's Bluetooth stack to the emulated DE1,
which decodes the frames with its own code and pulls its next shot from
them. The select shows only what the integration can vouch for: a write cut
off by the link, another app's profile, a library profile replaced since, a
restart before the machine was looked at again all show unknown; a cut-off
write is written again on the next connection and an espresso start waits
for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.kitchen_ble.diagnostics import async_get_config_entry_diagnostics
from custom_components.kitchen_ble.library.devices.de1 import ShotSample
from custom_components.kitchen_ble.profiles import get_profiles
from emulator.de1 import DE1Device, Frame, State
from emulator.gatt import AttError
from emulator.proxy import VirtualProxy

from .common import assert_no_errors
from .espresso import advance, call, connected_de1, entity_id, link_of, run, set_number, state
from .profiles import EASY_BLOOMING, act

BUILTIN = (
    Path(__file__).parents[2]
    / "custom_components"
    / "kitchen_ble"
    / "library"
    / "espresso"
    / "profiles"
    / "builtin"
)
FILES = {
    "Classic 9 bar": "classic_9_bar.json",
    "Blooming espresso": "blooming.json",
    "Flat flow 2 mL/s": "flow_2_ml_per_second.json",
    "Backflush clean": "cleaning_backflush.json",
}
FRAME_WRITE = "0000a010-0000-1000-8000-00805f9b34fb"


async def choose(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    title: str,
    *,
    seconds: float = 10.0,
) -> None:
    select = entity_id(hass, device, "select", "profile")
    await run(
        hass,
        freezer,
        proxy,
        call(hass, "select", "select_option", select, option=title),
        seconds=seconds,
    )


def assert_frames_are(
    frames: tuple[Frame, ...], limiters: dict[int, Any], steps: list[Any]
) -> None:
    """The machine's frames carry the steps as the file states them (to the wire's steps)."""
    assert len(frames) == len(steps)
    for index, (frame, step) in enumerate(zip(frames, steps, strict=True)):
        flow = step["pump"] == "flow"
        assert frame.flow_control is flow, index
        goal = step["flow"] if flow else step["pressure"]
        assert frame.goal == pytest.approx(goal, abs=1 / 32), index  # U8P4
        assert frame.temperature == pytest.approx(step["temperature"], abs=0.25), index
        assert frame.seconds == pytest.approx(step["seconds"], abs=0.5), index
        assert frame.smooth is (step["transition"] == "smooth"), index
        assert frame.mix_sensor is (step["sensor"] == "water"), index
        assert frame.max_volume == step["volume"], index
        if "exit" in step:
            assert frame.exit is not None, index
            assert frame.exit.on_flow is (step["exit"]["type"] == "flow")
            assert frame.exit.over is (step["exit"]["condition"] == "over")
            assert frame.exit.value == pytest.approx(step["exit"]["value"], abs=1 / 32)
        else:
            assert frame.exit is None, index
        if "limiter" in step:
            assert limiters[index].value == pytest.approx(step["limiter"]["value"], abs=1 / 32)
            assert limiters[index].range == pytest.approx(step["limiter"]["range"], abs=1 / 32)
        else:
            assert index not in limiters


@pytest.mark.parametrize("title", list(FILES))
async def test_choosing_a_builtin_profile_writes_it(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    title: str,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    select = hass.states.get(entity_id(hass, device, "select", "profile"))
    assert select is not None
    assert select.state == "unknown"  # the machine holds what another app (or nobody) chose
    assert sorted(select.attributes["options"]) == sorted(FILES)

    await choose(hass, freezer, virtual_proxy, device, title)

    data = json.loads((BUILTIN / FILES[title]).read_text(encoding="utf-8"))
    held = device.profile
    assert device.profile_complete
    assert held.header.frames == len(data["steps"])
    assert held.header.preinfuse_frames == data["target_volume_count_start"]
    assert_frames_are(held.frames, held.limiters, data["steps"])
    assert held.tail.max_total_volume == 0  # the app stops at volume (§8.4)
    assert state(hass, device, "select", "profile") == title

    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["profile"]["shown"] == title
    assert diagnostics["profile"]["last_choice"]["title"] == title
    assert diagnostics["profile"]["last_choice"]["complete"] is True
    fingerprint = diagnostics["profile"]["last_choice"]["fingerprint"]
    assert len(fingerprint) == 16
    listed = await act(hass, "list_profiles")
    assert listed is not None
    assert fingerprint in [profile["fingerprint"] for profile in listed["profiles"]]
    targets = get_profiles(hass).held_targets(link_of(entry))
    assert targets is not None
    assert targets.weight == (data["target_weight"] or None)
    assert targets.temperature == data["steps"][0]["temperature"]
    assert_no_errors(caplog)


async def _shot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    proxy: VirtualProxy,
    device: DE1Device,
    entry: Any,
    seconds: float,
) -> list[ShotSample]:
    """Start an espresso by its button and record every sample the integration decodes."""
    samples: list[ShotSample] = []
    unsub = link_of(entry).async_add_sample_listener(samples.append)
    device.load_puck(18.0, 4.7)
    start = entity_id(hass, device, "button", "start_espresso")
    await run(hass, freezer, proxy, call(hass, "button", "press", start))
    await advance(hass, freezer, proxy, seconds, 0.25)
    unsub()
    # the shot: from the first sample with a goal to the last (a bloom's goal is flow 0)
    running = [i for i, s in enumerate(samples) if s.set_group_pressure or s.set_group_flow]
    return samples[running[0] : running[-1] + 1]


async def test_a_shot_follows_classic_9_bar(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar")
    samples = await _shot(hass, freezer, virtual_proxy, device, entry, 30)
    frames = [sample.frame_number for sample in samples]
    assert frames[0] == 0
    assert frames == sorted(frames), "frames only move forward"
    assert set(frames) == {0, 1}
    fill = [sample for sample in samples if sample.frame_number == 0]
    extract = [sample for sample in samples if sample.frame_number == 1]
    assert {sample.set_group_flow for sample in fill} == {4.0}  # flow 4 mL/s
    assert {sample.set_group_pressure for sample in fill} == {0.0}
    assert {sample.set_group_pressure for sample in extract} == {9.0}  # then 9 bar
    # the fill ends on its exit (pressure over 3 bar), well before its 8 s
    assert len(fill) < 8 * 4
    assert max(sample.group_pressure for sample in extract) == pytest.approx(9.0, abs=0.5)


async def test_a_shot_follows_blooming_espresso(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    await choose(hass, freezer, virtual_proxy, device, "Blooming espresso")
    samples = await _shot(hass, freezer, virtual_proxy, device, entry, 60)
    frames = [sample.frame_number for sample in samples]
    assert frames == sorted(frames)
    assert set(frames) >= {0, 1, 2, 3}
    by_frame = {n: [s for s in samples if s.frame_number == n] for n in range(4)}
    assert {s.set_group_flow for s in by_frame[0]} == {6.0}  # fill at 6 mL/s
    bloom = by_frame[1]
    assert {(s.set_group_flow, s.set_group_pressure) for s in bloom} == {(0.0, 0.0)}
    assert len(bloom) == pytest.approx(30 * 4, abs=4)  # the pump rests 30 s
    ramp = [s.set_group_flow for s in by_frame[2]]
    assert ramp == sorted(ramp), "the ramp rises smoothly"
    assert {s.set_group_flow for s in by_frame[3]} == {2.1875}  # 2.2 mL/s on the wire
    assert max(s.group_pressure for s in by_frame[3]) < 9.0 + 0.9  # the limiter caps 9 bar


async def test_a_shot_follows_flat_flow(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    await choose(hass, freezer, virtual_proxy, device, "Flat flow 2 mL/s")
    # no scale: its 36 g would stop the shot by volume; here the profile runs its time
    await set_number(hass, freezer, virtual_proxy, device, "target_weight", 0)
    samples = await _shot(hass, freezer, virtual_proxy, device, entry, 80)
    frames = [sample.frame_number for sample in samples]
    assert frames == sorted(frames)
    assert set(frames) == {0, 1}
    assert {s.set_group_flow for s in samples if s.frame_number == 0} == {4.0}
    pour = [s.set_group_flow for s in samples if s.frame_number == 1]
    assert pour == sorted(pour, reverse=True), "a smooth step down to 2 mL/s"
    assert pour[-1] == pytest.approx(2.0, abs=1 / 16)
    assert len(pour) == pytest.approx(60 * 4, abs=4)  # the 60 s step runs its time
    late = [s.group_flow for s in samples if s.frame_number == 1][-40:]  # its last 10 s
    assert sum(late) / len(late) == pytest.approx(2.0, abs=0.3)


async def test_a_profile_replaced_in_the_library_is_no_longer_claimed(
    hass: HomeAssistant, virtual_proxy: VirtualProxy, freezer: FrozenDateTimeFactory
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    await act(hass, "import_profile", {"json": EASY_BLOOMING})
    title = EASY_BLOOMING["title"]
    await choose(hass, freezer, virtual_proxy, device, title)
    assert state(hass, device, "select", "profile") == title
    assert device.profile.header.frames == 5
    # the library's version changes: the machine holds the old bytes
    await act(
        hass,
        "import_profile",
        {"json": {**EASY_BLOOMING, "tank_temperature": 40}, "overwrite": True},
    )
    assert state(hass, device, "select", "profile") == "unknown"
    await choose(hass, freezer, virtual_proxy, device, title)
    assert state(hass, device, "select", "profile") == title
    await act(hass, "delete_profile", {"profile": title})
    assert state(hass, device, "select", "profile") == "unknown"


async def test_choosing_refused_while_pouring_or_away(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    device.press(State.ESPRESSO)
    await advance(hass, freezer, virtual_proxy, 2, 0.25)
    before = device.profile
    with pytest.raises(HomeAssistantError) as caught:
        await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar")
    assert caught.value.translation_key == "profile_busy"
    assert caught.value.translation_placeholders == {"name": "DE1"}
    assert device.profile == before, "nothing written during a shot"
    assert get_profiles(hass).diagnostics(link_of(entry))["last_choice"] is None
    assert_no_errors(caplog)


async def test_a_write_the_machine_refuses_fails_and_espresso_waits(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device, entry = await connected_de1(hass, virtual_proxy)
    await choose(hass, freezer, virtual_proxy, device, "Classic 9 bar")
    real = device.characteristic(FRAME_WRITE).on_write
    frames = 0

    def refuse_second_frame(data: bytes) -> None:
        nonlocal frames
        frames += 1
        if frames == 2:
            raise AttError(0x13, "the firmware refuses this frame")  # value not allowed
        assert real is not None
        real(data)

    device.characteristic(FRAME_WRITE).on_write = refuse_second_frame
    with pytest.raises(HomeAssistantError) as caught:
        await choose(hass, freezer, virtual_proxy, device, "Blooming espresso")
    assert caught.value.translation_key == "profile_upload_failed"
    assert caught.value.translation_placeholders == {"name": "DE1", "profile": "Blooming espresso"}
    assert link_of(entry).connected
    assert state(hass, device, "select", "profile") == "unknown"
    start = entity_id(hass, device, "button", "start_espresso")
    with pytest.raises(HomeAssistantError) as refused:
        await run(hass, freezer, virtual_proxy, call(hass, "button", "press", start))
    assert refused.value.translation_key == "start_profile_incomplete"
    assert device.state[0] is State.IDLE, "no espresso with a mix of frames"
    device.characteristic(FRAME_WRITE).on_write = real
    await choose(hass, freezer, virtual_proxy, device, "Blooming espresso")
    assert state(hass, device, "select", "profile") == "Blooming espresso"
    await run(hass, freezer, virtual_proxy, call(hass, "button", "press", start))
    assert device.state[0] is State.ESPRESSO
    assert_no_errors(caplog)


async def test_an_option_not_in_the_library_is_refused(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    device, _entry = await connected_de1(hass, virtual_proxy)
    before = device.profile
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            "select",
            "select_option",
            {"entity_id": entity_id(hass, device, "select", "profile"), "option": "nope"},
            blocking=True,
        )
    assert device.profile == before
