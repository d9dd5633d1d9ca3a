# mypy: disable-error-code="unreachable"
"""Profile uploads through the write path, and shots that follow them (de1.md §8, §10.6)."""

from __future__ import annotations

import pytest

from emulator.de1 import Frame, Header, Limiter, Tail
from emulator.gatt import AttError
from emulator.proxy import VirtualProxy

from .common import connect
from .test_de1_codec import STEP_0, STEP_1
from .test_de1_wire import (
    ENDING,
    ESPRESSO,
    FINAL_HEATING,
    FRAME_WRITE,
    HEADER_WRITE,
    IDLE,
    POUR,
    PREINFUSION,
    READY,
    STABILISING,
    Link,
    Sample,
    awake,
    frame,
    relink,
    upload,
)

# Flags (§8.2), spelled out on the test side.
CTRL_F, DO_COMPARE, DC_GT, DC_COMP_F, T_MIX, INTERPOLATE, IGNORE_LIMIT = (
    0x01,
    0x02,
    0x04,
    0x08,
    0x10,
    0x20,
    0x40,
)
PRE_4_BAR = frame(0, 0x40 | 0x01 | 0x06, 0x40, 0xBA, 0x94, 0x40)  # 4 mL/s until over 4 bar


Record = list[tuple[tuple[int, int], Sample]]


def record_shot(link: Link, limit: float = 120.0) -> Record:
    record: Record = []
    waited = 0.0
    while waited < limit:
        link.device.advance(0.25)
        waited += 0.25
        record.append((link.device.state, link.samples()[-1]))
        if link.device.state[0] == IDLE:
            return record
    raise AssertionError("the shot did not end")


async def shot(link: Link) -> Record:
    link.device.advance(0.5)  # REA's guard after an upload (§4.3)
    await link.request(ESPRESSO, 0.0)
    return record_shot(link)


def frames_of(record: Record, number: int) -> list[Sample]:
    return [
        s
        for state, s in record
        if state[0] == ESPRESSO and state[1] in (4, 5) and s.frame == number
    ]


async def test_the_sheets_two_step_profile(proxy: VirtualProxy) -> None:  # §10.6, derived
    link = await awake(proxy)
    await upload(
        link.client,
        bytes.fromhex("0102010060"),
        [bytes.fromhex("004090b89e000400"), bytes.fromhex("017740ba50400464")],
        [bytes.fromhex("21600a0000000000")],
        bytes.fromhex("0200000000000000"),
    )
    device = link.device
    assert device.profile_complete
    assert device.profile.header == Header(1, 2, 1, 0.0, 6.0)
    assert device.profile_frames == (STEP_0, STEP_1)  # the codec test's reading of §10.6
    assert device.profile.limiters == {1: Limiter(6.0, 0.625)}
    assert device.profile.tail == Tail(0, False)
    assert await link.client.read_gatt_char(HEADER_WRITE) == bytes.fromhex("0102010060")
    assert await link.client.read_gatt_char(FRAME_WRITE) == bytes.fromhex("0200000000000000")
    record = await shot(link)
    first = frames_of(record, 0)
    assert {s.set_pressure for s in first} == {9.0}
    assert {(s.set_mix, s.set_head) for s in first} == {(92.0, 92.0)}
    assert len(first) / 4 == pytest.approx(30.0, abs=0.5)
    # Frame 1 exits at once: the pressure is already over its 4 bar.
    assert len(frames_of(record, 1)) <= 1
    assert [s for s, _ in record if s[0] == ESPRESSO][-1] == (ESPRESSO, ENDING)


async def test_a_flow_profile_gives_a_plausible_pressure(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    # Pre-infusion, then 2 mL/s for 30 s at 92 °C.
    await upload(
        link.client, bytes.fromhex("0102010060"), [PRE_4_BAR, frame(1, 0x41, 0x20, 0xB8, 0x9E)]
    )
    assert link.device.profile_frames[1] == Frame(
        flow_control=True, goal=2.0, temperature=92.0, seconds=30.0
    )
    record = await shot(link)
    pour = frames_of(record, 1)
    assert {(s.set_flow, s.set_pressure) for s in pour} == {(2.0, 0.0)}
    assert all(s.flow == pytest.approx(2.0, abs=0.1) for s in pour[4:])
    pressures = [s.pressure for s in pour]
    peak = max(pressures)
    assert 7.0 < peak < 11.0  # the swelling puck pushes back ...
    assert pressures.index(peak) > 4
    assert pressures[-1] < peak - 0.5  # ... less as it erodes
    assert len(pour) / 4 == pytest.approx(30.0, abs=0.5)


def run_frames(link: Link, limit: float = 90.0) -> list[tuple[int, float, float]]:
    """(frame, pressure, flow) after each 50 ms step of a shot: the machine's own view."""
    machine = link.device.machine
    steps: list[tuple[int, float, float]] = []
    waited = 0.0
    while waited < limit:
        link.device.advance(0.05)
        waited += 0.05
        if machine.state == IDLE:
            return steps
        runner = machine.runner
        if runner is not None and runner.volume > 0 and machine.substate in (4, 5):
            steps.append((runner.index, machine.group.pressure, machine.group.pump_flow))
    raise AssertionError("the shot did not end")


EXITS = {
    # pressure_over (0x06): 4 mL/s until the wet puck pushes over 3 bar.
    "pressure_over": (frame(0, 0x41 | 0x06, 0x40, 0xBA, 0x9E, 0x30), 1, 3.0, True),
    # flow_over (0x0E): a flow ramp from 0 to 6 mL/s over 10 s, out above 3 mL/s.
    "flow_over": (frame(0, 0x41 | 0x20 | 0x0E, 0x60, 0xBA, 0x64, 0x30), 2, 3.0, True),
    # flow_under (0x0A): 9 bar, the pump races while the puck soaks, out once under 3 mL/s.
    "flow_under": (frame(0, 0x40 | 0x0A, 0x90, 0xBA, 0x9E, 0x30), 2, 3.0, False),
}


@pytest.mark.parametrize("case", list(EXITS))
async def test_exit_conditions(proxy: VirtualProxy, case: str) -> None:  # §8.6
    test_frame, measured, trigger, over = EXITS[case]
    link = await awake(proxy)
    await upload(
        link.client, bytes.fromhex("0102000060"), [test_frame, frame(1, 0x40, 0x60, 0xBA, 0x85)]
    )
    await link.request(ESPRESSO, 0.0)
    steps = run_frames(link)
    first = [step for step in steps if step[0] == 0]
    exit_step = next(step for step in steps if step[0] == 1)
    assert 1.0 < len(first) * 0.05 < 20.0  # well before the frame's 30 s (10 s for the ramp)

    def holds(step: tuple[int, float, float]) -> bool:
        return step[measured] > trigger if over else step[measured] < trigger

    assert not any(holds(step) for step in first)
    assert holds(exit_step)


async def test_pressure_under_exit(proxy: VirtualProxy) -> None:  # 0x02
    link = await awake(proxy)
    await upload(
        link.client,
        bytes.fromhex("0103000060"),
        [
            frame(0, 0x40, 0x60, 0xBA, 0x8F),  # 6 bar, 15 s
            frame(1, 0x40 | 0x02, 0x10, 0xBA, 0x9E, 0x20),  # 1 bar until under 2 bar
            frame(2, 0x40, 0x60, 0xBA, 0x83),  # 6 bar, 3 s
        ],
    )
    await link.request(ESPRESSO, 0.0)
    steps = run_frames(link)
    middle = [step for step in steps if step[0] == 1]
    assert 0.5 < len(middle) * 0.05 < 10.0
    assert all(step[1] >= 2.0 for step in middle)
    assert next(step for step in steps if step[0] == 2)[1] < 2.0


async def test_frame_volume_and_tail_volume(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    # 4 mL/s for 60 s but at most 20 mL in the frame, then 9 bar; the tail stops at 30 mL
    # of pour (pre-infusion not counted).
    await upload(
        link.client,
        bytes.fromhex("0102010060"),
        [frame(0, 0x41, 0x40, 0xBA, 0xBC, 0, 0x0400 | 20), frame(1, 0x40, 0x90, 0xBA, 0xBC)],
        tail=bytes([2]) + (30).to_bytes(2, "big") + bytes(5),
    )
    assert link.device.profile.tail == Tail(30, False)
    record = await shot(link)
    pre, pour = frames_of(record, 0), frames_of(record, 1)
    assert sum(s.flow for s in pre) / 4 == pytest.approx(20, abs=2.5)
    assert sum(s.flow for s in pour) / 4 == pytest.approx(30, abs=3.5)
    # With 0x0400 the pre-infusion counts too: the shot ends sooner.
    await upload(
        link.client,
        bytes.fromhex("0102010060"),
        [frame(0, 0x41, 0x40, 0xBA, 0xBC, 0, 0x0400 | 20), frame(1, 0x40, 0x90, 0xBA, 0xBC)],
        tail=bytes([2]) + (0x0400 | 30).to_bytes(2, "big") + bytes(5),
    )
    record = await shot(link)
    assert sum(s.flow for s in frames_of(record, 1)) / 4 == pytest.approx(10, abs=3.5)


async def test_smooth_transition_ramps_the_goal(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    await upload(
        link.client,
        bytes.fromhex("0102010060"),
        [PRE_4_BAR, frame(1, 0x40 | 0x20, 0x90, 0xBA, 0x64)],  # to 9 bar over 10 s
    )
    record = await shot(link)
    ramp = [s.set_pressure for s in frames_of(record, 1)]
    assert ramp == sorted(ramp)
    assert 3.5 < ramp[0] < 5.0  # from what the group held when the frame began
    assert ramp[len(ramp) // 2] == pytest.approx(6.5, abs=0.5)
    assert ramp[-1] == pytest.approx(9.0, abs=0.2)


async def test_limiters(proxy: VirtualProxy) -> None:  # §8.3
    link = await awake(proxy)
    # 9 bar with flow limited to 1.5 mL/s; then 6 mL/s with pressure limited to 3 bar.
    await upload(
        link.client,
        bytes.fromhex("0103010060"),
        [PRE_4_BAR, frame(1, 0x40, 0x90, 0xBA, 0x8F), frame(2, 0x41, 0x60, 0xBA, 0x8A)],
        [bytes.fromhex("2118040000000000"), bytes.fromhex("2230060000000000")],
    )
    assert link.device.profile.limiters == {1: Limiter(1.5, 0.25), 2: Limiter(3.0, 0.375)}
    record = await shot(link)
    limited = frames_of(record, 1)[8:]
    assert all(s.flow <= 1.55 for s in limited)
    assert all(s.pressure < 8.5 for s in limited)  # 9 bar was out of reach
    capped = frames_of(record, 2)
    assert capped[0].pressure > 5.0  # the pump holds off until the group eases to 3 bar
    assert all(s.pressure <= 3.1 for s in capped[28:])
    assert all(s.flow < 2.0 for s in capped)


async def test_header_limits_apply_without_ignore_limit(proxy: VirtualProxy) -> None:  # §8.1
    link = await awake(proxy)
    # MaximumFlow 1.0 and MinimumPressure 6 bar; frames without IgnoreLimit honour them.
    await upload(
        link.client,
        bytes.fromhex("0103016010"),
        [PRE_4_BAR, frame(1, 0x00, 0x90, 0xBA, 0x8A), frame(2, 0x01, 0x08, 0xBA, 0x8A)],
    )
    record = await shot(link)
    assert all(s.flow <= 1.05 for s in frames_of(record, 1)[4:])
    held = frames_of(record, 2)[8:]
    assert all(s.pressure > 5.5 for s in held)  # 0.5 mL/s alone would let it sag
    assert all(s.flow > 0.5 for s in held)


async def test_end_of_shot_frame(proxy: VirtualProxy) -> None:  # §8.2 firmware comment
    link = await awake(proxy)
    await upload(
        link.client,
        bytes.fromhex("0103010060"),
        [PRE_4_BAR, frame(1, 0x00, 0x00, 0x00, 0x00, 0, 0), frame(2, 0x40, 0x90, 0xBA, 0x9E)],
    )
    assert link.device.profile_frames[1].ends_shot
    record = await shot(link)
    assert frames_of(record, 1) == frames_of(record, 2) == []
    first = await awake(VirtualProxy(suffix="first"))
    await upload(first.client, bytes.fromhex("0101000060"), [frame(0, 0, 0, 0, 0, 0, 0)])
    await first.request(ESPRESSO, 0.0)
    record_shot(first)
    assert (ESPRESSO, PREINFUSION) not in first.states()
    assert (ESPRESSO, POUR) not in first.states()


async def test_a_new_upload_drops_old_limiters(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    header = bytes.fromhex("0102010060")
    frames = [PRE_4_BAR, frame(1, 0x40, 0x90, 0xBA, 0x9E)]
    await upload(link.client, header, frames, [bytes.fromhex("2118040000000000")])
    assert link.device.profile.limiters == {1: Limiter(1.5, 0.25)}
    await upload(link.client, header, frames)
    assert link.device.profile.limiters == {}


# Half uploads and refused writes ------------------------------------------------------


async def test_half_upload_leaves_a_mix(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    device = link.device
    old = device.profile_frames
    await link.client.disconnect()
    client = await connect(proxy, device.address)
    device.faults.drop_link_after = 2  # header and frame 0 get through, then the link drops
    new = [
        frame(0, 0x41, 0x30, 0xB4, 0x94, 0),  # 3 mL/s, 90 °C, 20 s
        frame(1, 0x40, 0x70, 0xB4, 0x8A),
        frame(2, 0x40, 0x50, 0xB4, 0x8A),
    ]
    with pytest.raises(Exception, match="not connected"):
        await upload(client, bytes.fromhex("0103010060"), new)
    assert not client.is_connected
    assert not device.profile_complete
    frames = device.profile_frames
    assert len(frames) == 3
    assert frames[0] == Frame(flow_control=True, goal=3.0, temperature=90.0, seconds=20.0)
    assert frames[1] == old[1]  # still the built-in 9-bar frame
    assert frames[2].ends_shot  # never written
    # A shot now runs the mix: the new frame 0, the old frame 1, and stops there.
    device.faults.drop_link_after = None
    again = await relink(proxy, device)
    again.device.press(ESPRESSO)
    record = record_shot(again)
    ran = {s.frame: s for _, s in record if s.set_flow or s.set_pressure}
    assert ran[0].set_flow == 3.0
    assert ran[1].set_pressure == 9.0
    assert 2 not in ran
    # Completing the upload makes it whole.
    await upload(again.client, bytes.fromhex("0103010060"), new)
    assert device.profile_complete
    assert device.profile_frames[1].goal == 7.0


async def test_frames_without_a_header_and_a_lost_tail(proxy: VirtualProxy) -> None:
    link = await awake(proxy)
    write = link.client.write_gatt_char
    await write(FRAME_WRITE, frame(1, 0x40, 0x80, 0xBA, 0x9E), response=True)
    assert not link.device.profile_complete  # edited, no tail yet
    await write(FRAME_WRITE, bytes([2]) + bytes(7), response=True)
    assert link.device.profile_complete
    assert link.device.profile_frames[1].goal == 8.0
    await write(HEADER_WRITE, bytes.fromhex("0102010060"), response=True)
    await write(FRAME_WRITE, PRE_4_BAR, response=True)
    await write(FRAME_WRITE, bytes([2]) + bytes(7), response=True)  # frame 1 never came
    assert not link.device.profile_complete


@pytest.mark.parametrize(
    ("char", "data"),
    [
        (HEADER_WRITE, bytes.fromhex("0202010060")),  # version 2 is the Bengle's
        (HEADER_WRITE, bytes.fromhex("0100000060")),  # no frames
        (HEADER_WRITE, bytes.fromhex("0115000060")),  # 21 frames
        (HEADER_WRITE, bytes.fromhex("0102030060")),  # more preinfusion frames than frames
        (FRAME_WRITE, frame(20, 0x40, 0x90, 0xBA, 0x9E)),
        (FRAME_WRITE, frame(52, 0x40, 0x90, 0xBA, 0x9E)),
    ],
)
async def test_refused_profile_writes(proxy: VirtualProxy, char: str, data: bytes) -> None:
    link = await awake(proxy)
    before = link.device.profile
    with pytest.raises(AttError) as err:
        await link.client.write_gatt_char(char, data, response=True)
    assert err.value.code == 0x13
    assert link.device.profile == before
    assert link.device.profile_complete


async def test_twenty_frames(proxy: VirtualProxy) -> None:  # §8.5: pyDE1's limit
    link = await awake(proxy)
    frames = [frame(i, 0x41, 0x20, 0xBA, 0x0A) for i in range(20)]  # 2 mL/s, 1 s each
    await upload(
        link.client, bytes.fromhex("0114000060"), frames, [bytes([32 + 19, 0x90, 0x10]) + bytes(5)]
    )
    assert len(link.device.profile_frames) == 20
    assert link.device.profile.limiters == {19: Limiter(9.0, 1.0)}
    record = await shot(link)
    assert max(s.frame for _, s in record) == 19
    assert record[-1][0] == (IDLE, READY)
    assert (ESPRESSO, STABILISING) in link.states()
    assert link.states()[0] == (ESPRESSO, FINAL_HEATING)


async def test_espresso_too_soon_after_an_upload(proxy: VirtualProxy) -> None:  # §4.3, REA
    link = await awake(proxy, flash_write_seconds=0.5)
    await upload(
        link.client, bytes.fromhex("0102010060"), [PRE_4_BAR, frame(1, 0x40, 0x90, 0xBA, 0x9E)]
    )
    await link.request(ESPRESSO, 0.0)  # no wait: the profile is still being written to flash
    record = record_shot(link)
    assert frames_of(record, 0)
    assert frames_of(record, 1) == []  # aborted after pre-infusion
    link.device.advance(0.5)
    await link.request(ESPRESSO, 0.0)
    assert frames_of(record_shot(link), 1)
