"""Frame encoder and decoder against de1.md §8 and the vectors of §10.6."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.kitchen_ble.library.espresso.profiles import (
    ExitCondition,
    ExitType,
    Limiter,
    Profile,
    ProfileError,
    Pump,
    Sensor,
    Step,
    StepExit,
    Transition,
    decode_frames,
    encode_profile,
)
from custom_components.kitchen_ble.library.espresso.profiles.frames import (
    decode_frame,
    decode_header,
    encode_frame,
)

HEADER = "0000a00f-0000-1000-8000-00805f9b34fb"
FRAME = "0000a010-0000-1000-8000-00805f9b34fb"
MMR_WRITE = "0000a006-0000-1000-8000-00805f9b34fb"

# §10.6 "Derived, de1app rules": the two-step JSON v2 profile.
STEP_0 = Step(
    name="hold",
    pump=Pump.PRESSURE,
    pressure=9,
    flow=0,
    transition=Transition.FAST,
    temperature=92,
    sensor=Sensor.COFFEE,
    seconds=30,
    volume=0,
)
STEP_1 = Step(
    name="flow",
    pump=Pump.FLOW,
    pressure=0,
    flow=4,
    transition=Transition.SMOOTH,
    temperature=93,
    sensor=Sensor.WATER,
    seconds=8,
    volume=100,
    exit=StepExit(ExitType.PRESSURE, ExitCondition.OVER, 4),
    limiter=Limiter(6, 0.6),
)
TWO_STEPS = Profile(title="§10.6", steps=(STEP_0, STEP_1), target_volume_count_start=1)


def test_10_6_derived_two_step_profile_writes() -> None:
    upload = encode_profile(TWO_STEPS)
    assert [(write.characteristic, write.data.hex(" ")) for write in upload.writes] == [
        (HEADER, "01 02 01 00 60"),
        (FRAME, "00 40 90 b8 9e 00 04 00"),
        (FRAME, "01 77 40 ba 50 40 04 64"),
        (FRAME, "21 60 0a 00 00 00 00 00"),
        (FRAME, "02 00 00 00 00 00 00 00"),
        (MMR_WRITE, "04 80 38 0c 00 00 00 00" + " 00" * 12),
    ]


def test_10_6_upload_parts() -> None:
    upload = encode_profile(TWO_STEPS)
    assert upload.header == bytes.fromhex("0102010060")
    assert upload.frames == (
        bytes.fromhex("004090b89e000400"),
        bytes.fromhex("017740ba50400464"),
    )
    assert upload.extension_frames == (bytes.fromhex("21600a0000000000"),)
    assert upload.tail == bytes.fromhex("0200000000000000")
    assert upload.tank_temperature == bytes.fromhex("0480380c") + bytes(16)


# What the frames carry back: no names, and the range 0.6 as the 10/16 it was sent as.
CARRIED = (replace(STEP_0, name=""), replace(STEP_1, name="", limiter=Limiter(6, 0.625)))


def test_10_6_derived_profile_decodes_back() -> None:
    upload = encode_profile(TWO_STEPS)
    decoded = decode_frames(upload.header, [*upload.frames, *upload.extension_frames, upload.tail])
    assert decoded.header.frame_count == 2
    assert decoded.header.preinfuse_frame_count == 1
    assert decoded.header.maximum_flow == 6.0
    assert decoded.max_total_volume == 0
    assert decoded.steps == CARRIED


def test_10_6_pyde1_variant_decodes_to_the_same_steps() -> None:
    # pyDE1: MaximumFlow 10, no bit 10 in MaxVol, tail from its native-endian bug.
    decoded = decode_frames(
        bytes.fromhex("01020100a0"),
        [
            bytes.fromhex("004090b89e000000"),
            bytes.fromhex("017740ba50400064"),
            bytes.fromhex("21600a0000000000"),
            bytes.fromhex("0224800000000000"),
        ],
    )
    assert decoded.header.maximum_flow == 10.0
    assert decoded.steps == CARRIED
    assert decoded.max_total_volume == 0x2480


def test_10_6_real_header_readback() -> None:
    header = decode_header(bytes.fromhex("0103010060"))
    assert (header.version, header.frame_count, header.preinfuse_frame_count) == (1, 3, 1)
    assert (header.minimum_pressure, header.maximum_flow) == (0.0, 6.0)


def test_10_6_real_frame_readback() -> None:
    index, step = decode_frame(bytes.fromhex("026016bcb2000400"))
    assert index == 2
    assert step == Step(
        name="",
        pump=Pump.PRESSURE,
        pressure=1.375,
        flow=0.0,
        transition=Transition.SMOOTH,
        temperature=94.0,
        sensor=Sensor.COFFEE,
        seconds=50.0,
        volume=0.0,
    )


PYDE1_REFERENCE_STEP = Step(
    name="",
    pump=Pump.FLOW,
    pressure=0.0,
    flow=5.0,
    transition=Transition.FAST,
    temperature=93.5,
    sensor=Sensor.COFFEE,
    seconds=20.0,
    volume=100.0,
    exit=StepExit(ExitType.PRESSURE, ExitCondition.OVER, 4.0),
)


def test_10_6_pyde1_reference_frame_decodes() -> None:
    assert decode_frame(bytes.fromhex("004750bb94400464")) == (0, PYDE1_REFERENCE_STEP)


def test_10_6_pyde1_reference_frame_encodes() -> None:
    assert encode_frame(0, PYDE1_REFERENCE_STEP) == bytes.fromhex("004750bb94400464")


@pytest.mark.parametrize(
    ("exit_type", "condition", "bits"),
    [
        (ExitType.PRESSURE, ExitCondition.UNDER, 0x02),
        (ExitType.PRESSURE, ExitCondition.OVER, 0x06),
        (ExitType.FLOW, ExitCondition.UNDER, 0x0A),
        (ExitType.FLOW, ExitCondition.OVER, 0x0E),
    ],
)
def test_8_6_exit_type_flag_combinations(
    exit_type: ExitType, condition: ExitCondition, bits: int
) -> None:
    step = replace(STEP_0, exit=StepExit(exit_type, condition, 2.0))
    frame = encode_frame(0, step)
    assert frame[1] == 0x40 | bits
    assert frame[5] == 0x20
    assert decode_frame(frame)[1].exit == StepExit(exit_type, condition, 2.0)


def test_8_6_without_exit_compare_bits_and_trigger_are_zero() -> None:
    frame = encode_frame(0, STEP_0)
    assert frame[1] & 0x0E == 0
    assert frame[5] == 0


def test_8_2_flag_bits_for_pump_transition_and_sensor() -> None:
    step = replace(STEP_0, pump=Pump.FLOW, transition=Transition.SMOOTH, sensor=Sensor.WATER)
    assert encode_frame(0, step)[1] == 0x40 | 0x01 | 0x20 | 0x10


def test_8_3_extension_frame_only_for_a_limiter() -> None:
    upload = encode_profile(replace(TWO_STEPS, steps=(STEP_1, STEP_0, STEP_1)))
    assert [frame.hex(" ") for frame in upload.extension_frames] == [
        "20 60 0a 00 00 00 00 00",
        "22 60 0a 00 00 00 00 00",
    ]


def test_8_3_zero_limiter_built_in_code_sends_no_extension_frame() -> None:
    profile = replace(TWO_STEPS, steps=(replace(STEP_1, limiter=Limiter(0, 0.6)),))
    assert encode_profile(profile).extension_frames == ()


def test_8_5_tank_temperature_is_the_last_write_little_endian() -> None:
    upload = encode_profile(replace(TWO_STEPS, tank_temperature=44.5))
    last = upload.writes[-1]
    assert last.characteristic == MMR_WRITE
    assert last.data == bytes.fromhex("0480380c2d000000") + bytes(12)  # 44.5 rounds up to 45


def test_fingerprint_is_stable_and_follows_every_write() -> None:
    first = encode_profile(TWO_STEPS).fingerprint
    assert first == encode_profile(replace(TWO_STEPS, title="renamed")).fingerprint
    assert len(first) == 16
    assert int(first, 16) >= 0
    assert first != encode_profile(replace(TWO_STEPS, tank_temperature=30)).fingerprint
    changed = replace(TWO_STEPS, steps=(replace(STEP_0, seconds=31), STEP_1))
    assert first != encode_profile(changed).fingerprint


def test_fingerprint_value_is_sha256_of_the_writes() -> None:
    import hashlib

    upload = encode_profile(TWO_STEPS)
    digest = hashlib.sha256()
    for characteristic, data in upload.writes:
        digest.update(characteristic.encode() + bytes([len(data)]) + data)
    assert upload.fingerprint == digest.hexdigest()[:16]


@pytest.mark.parametrize(
    ("change", "step", "field", "value", "allowed"),
    [
        ({"pressure": 16.0}, 1, "pressure", "16", "0–15.9375 bar"),
        ({"pressure": -0.5}, 1, "pressure", "-0.5", "0–15.9375 bar"),
        ({"temperature": 128.0}, 1, "temperature", "128", "0–127.5 °C"),
        ({"seconds": 128.0}, 1, "seconds", "128", "0–127 s"),
        ({"seconds": float("nan")}, 1, "seconds", "nan", "0–127 s"),
        ({"volume": 1024.0}, 1, "volume", "1024", "0–1023 mL"),
        (
            {"exit": StepExit(ExitType.FLOW, ExitCondition.OVER, 20.0)},
            1,
            "exit.value",
            "20",
            "0–15.9375 mL/s",
        ),
        ({"limiter": Limiter(16.5, 1)}, 1, "limiter.value", "16.5", "0–15.9375 mL/s"),
        ({"limiter": Limiter(6, 17)}, 1, "limiter.range", "17", "0–15.9375"),
    ],
)
def test_values_a_frame_cannot_carry_name_the_step_and_field(
    change: dict[str, object], step: int, field: str, value: str, allowed: str
) -> None:
    profile = replace(TWO_STEPS, steps=(replace(STEP_0, **change), STEP_1))  # type: ignore[arg-type]
    with pytest.raises(ProfileError) as caught:
        encode_profile(profile)
    assert caught.value.key == "step_field_out_of_range"
    assert caught.value.placeholders == {
        "step": str(step),
        "field": field,
        "value": value,
        "allowed": allowed,
    }


def test_flow_setpoint_and_second_step_are_named() -> None:
    profile = replace(TWO_STEPS, steps=(STEP_0, replace(STEP_1, flow=99)))
    with pytest.raises(ProfileError) as caught:
        encode_profile(profile)
    assert caught.value.placeholders["step"] == "2"
    assert caught.value.placeholders["field"] == "flow"
    assert str(caught.value) == "Step 2's flow is 99, outside 0–15.9375 mL/s."


@pytest.mark.parametrize("count", [0, 21])
def test_step_count_outside_1_to_20(count: int) -> None:
    with pytest.raises(ProfileError) as caught:
        encode_profile(replace(TWO_STEPS, steps=(STEP_0,) * count))
    assert caught.value.key == "step_count_out_of_range"
    assert caught.value.placeholders["value"] == str(count)


def test_twenty_steps_use_extension_indices_up_to_51() -> None:
    upload = encode_profile(replace(TWO_STEPS, steps=(STEP_1,) * 20))
    assert upload.extension_frames[-1][0] == 51
    assert upload.tail[0] == 20


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_volume_count_start": 21}, "target_volume_count_start"),
        ({"tank_temperature": 61}, "tank_temperature"),
    ],
)
def test_profile_values_out_of_range(change: dict[str, float], field: str) -> None:
    with pytest.raises(ProfileError) as caught:
        encode_profile(replace(TWO_STEPS, **change))  # type: ignore[arg-type]
    assert caught.value.key == "profile_field_out_of_range"
    assert caught.value.placeholders["field"] == field


@pytest.mark.parametrize(
    ("header", "frames", "reason"),
    [
        ("010101", [], "the header is 3 bytes"),
        ("0201000060", [], "header version 2"),
        ("0101000060", ["00400000"], "a frame is 4 bytes"),
        ("0101000060", ["00c0000000000400", "0100000000000000"], "unknown flag bits"),
        ("0101000060", ["0040000000000400"] * 2, "frame 0 is written twice"),
        ("0101000060", ["0100000000000000"] * 2, "the tail is written twice"),
        ("0101000060", ["2060000000000000"] * 2, "extension frame 32 is written twice"),
        ("0101000060", ["2160000000000000"], "frame index 33 does not belong"),
        ("0102000060", ["0040000000000400", "0200000000000000"], "frames 1 are missing"),
        ("0101000060", ["0040000000000400"], "the tail (frame 1) is missing"),
    ],
)
def test_decode_rejects_bad_bytes(header: str, frames: list[str], reason: str) -> None:
    with pytest.raises(ProfileError) as caught:
        decode_frames(bytes.fromhex(header), [bytes.fromhex(frame) for frame in frames])
    assert caught.value.key == "frame_bytes_invalid"
    assert reason in caught.value.placeholders["reason"]


def test_decode_extension_frame_of_zero_is_no_limiter() -> None:
    decoded = decode_frames(
        bytes.fromhex("0101000060"),
        [
            bytes.fromhex("2000050000000000"),
            bytes.fromhex("0040000000000400"),
            bytes.fromhex("0100000000000000"),
        ],
    )
    assert decoded.steps[0].limiter is None
