"""Properties over random valid profiles: frames carry the steps, JSON carries everything."""

from __future__ import annotations

from hypothesis import given

from custom_components.kitchen_ble.library.espresso.profiles import (
    Profile,
    Pump,
    Step,
    decode_frames,
    encode_profile,
    export_json,
    read_json_profile,
    read_profile,
)

from .profile_strategies import PROPERTY, profiles

# Half a step of each encoding (de1.md §2), plus float slack.
U8P4_HALF = 1 / 32 + 1e-9
U8P1_HALF = 1 / 4 + 1e-9
TENTHS_HALF = 0.05 + 1e-9
WHOLE_HALF = 0.5 + 1e-9


def _close(decoded: float, sent: float, half: float) -> bool:
    return abs(decoded - sent) <= half


def _carried(sent: Step, decoded: Step) -> None:
    assert decoded.pump is sent.pump
    assert decoded.transition is sent.transition
    assert decoded.sensor is sent.sensor
    assert _close(decoded.setpoint, sent.setpoint, U8P4_HALF)
    inactive = decoded.pressure if sent.pump is Pump.FLOW else decoded.flow
    assert inactive == 0.0  # the frame carries only the setpoint
    assert _close(decoded.temperature, sent.temperature, U8P1_HALF)
    seconds_half = TENTHS_HALF if sent.seconds < 12.75 else WHOLE_HALF
    assert _close(decoded.seconds, sent.seconds, seconds_half)
    assert _close(decoded.volume, sent.volume, WHOLE_HALF)
    assert (decoded.name, decoded.weight) == ("", 0.0)  # app-side, not in frames
    if sent.exit is None:
        assert decoded.exit is None
    else:
        assert decoded.exit is not None
        assert (decoded.exit.type, decoded.exit.condition) == (
            sent.exit.type,
            sent.exit.condition,
        )
        assert _close(decoded.exit.value, sent.exit.value, U8P4_HALF)
    if sent.limiter is None or sent.limiter.value < 1 / 32:
        assert decoded.limiter is None  # a limiter that rounds to 0 reads back as none
    else:
        assert decoded.limiter is not None
        assert _close(decoded.limiter.value, sent.limiter.value, U8P4_HALF)
        assert _close(decoded.limiter.range, sent.limiter.range, U8P4_HALF)


@PROPERTY
@given(profiles)
def test_encode_then_decode_gives_the_steps(profile: Profile) -> None:
    upload = encode_profile(profile)
    writes = upload.writes
    frames = [write.data for write in writes[1:-1]]
    decoded = decode_frames(writes[0].data, reversed(frames))  # order does not matter
    assert len(decoded.steps) == len(profile.steps)
    for sent, back in zip(profile.steps, decoded.steps, strict=True):
        _carried(sent, back)
    assert decoded.header.preinfuse_frame_count == profile.target_volume_count_start
    assert len(upload.frames) == len(profile.steps)
    assert all(len(frame) == 8 for frame in frames)
    assert len(writes[-1].data) == 20


@PROPERTY
@given(profiles)
def test_json_write_then_read_gives_the_same_profile(profile: Profile) -> None:
    text = export_json(profile)
    assert read_json_profile(text) == profile
    assert read_profile(text) == profile
