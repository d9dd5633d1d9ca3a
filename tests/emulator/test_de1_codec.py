"""The emulated DE1's own encoders and decoders on the sheet's vectors (de1.md §2, §10)."""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.de1 import codec
from emulator.de1.codec import (
    Calibration,
    CodecError,
    FwMapRequest,
    ShotSample,
    ShotSettings,
    VersionBlock,
)
from emulator.de1.shot import Exit, Frame, Header, Limiter, Tail


def fuzz_examples() -> int:
    return int(os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES", "200"))


# §10.1 ShotSample -------------------------------------------------------------


def test_encodes_the_real_idle_sample() -> None:  # §10.1, LB data.js
    sample = ShotSample(
        sample_time=604,
        pressure=68 / 4096,
        flow=0.0,
        mix_temp=8682 / 256,
        head_temp=34 + 0x1EDA / 65536,
        set_mix_temp=90.0,
        set_head_temp=94.0,
        set_pressure=0.0,
        set_flow=0.0,
        frame=2,
        steam_temp=77,
    )
    assert codec.encode_shot_sample(sample) == bytes.fromhex(
        "025c0044000021ea221eda5a005e000000024d"
    )


def test_encodes_the_derived_mid_shot_sample() -> None:  # §10.1, derived
    sample = ShotSample(0x1234, 9.0, 2.0, 92.5, 93.25, 93.0, 93.0, 9.0, 0.0, 2, 150)
    assert codec.encode_shot_sample(sample) == bytes.fromhex(
        "1234900020005c805d40005d005d0090000296"
    )


def test_sample_time_wraps_and_fields_clamp() -> None:
    sample = ShotSample(65536 + 3, 20.0, -1.0, 300.0, 300.0, 0, 0, 20.0, 0, 300, 400)
    data = codec.encode_shot_sample(sample)
    assert data[0:2] == b"\x00\x03"
    assert data[2:4] == b"\xff\xff"
    assert data[4:6] == b"\x00\x00"
    assert data[6:8] == b"\xff\xff"
    assert data[8:11] == b"\xff\xff\xff"
    assert data[15] == 0xFF
    assert data[17] == 0xFF
    assert data[18] == 0xFF


# §10.2–10.5 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "substate", "wire"),
    [(0, 0, "0000"), (2, 0, "0200"), (4, 5, "0405"), (0x0F, 5, "0f05"), (5, 0x13, "0513")],
)
def test_state_info(state: int, substate: int, wire: str) -> None:  # §10.2
    assert codec.encode_state_info(state, substate) == bytes.fromhex(wire)


def test_water_levels() -> None:  # §10.3
    assert codec.encode_water_levels(6539 / 256, 5.0) == bytes.fromhex("198b0500")
    assert codec.encode_water_levels(5.2, 6.0) == bytes.fromhex("05330600")
    assert codec.decode_water_levels(bytes.fromhex("00000500")) == (0.0, 5.0)
    # pyDE1's whole-millimetre byte (§12.16) reads as 5/256 mm on a machine taking U16P8.
    assert codec.decode_water_levels(bytes.fromhex("00000005")) == (0.0, 5 / 256)
    with pytest.raises(CodecError):
        codec.decode_water_levels(b"\x05")


def test_versions() -> None:  # §10.4
    real = VersionBlock(api=4, release=0.9, commits=449, changes=81, sha=0x092C5EE0)
    assert codec.encode_versions(real) == bytes.fromhex("040901c151092c5ee0") + bytes(9)
    rebuilt = VersionBlock(api=4, release=1.5, commits=559, changes=124, sha=3319390896)
    assert codec.encode_versions(rebuilt, VersionBlock()) == bytes.fromhex(
        "040f022f7cc5d9e2b0"
    ) + bytes(9)


def test_shot_settings() -> None:  # §10.5
    wire = bytes.fromhex("00a07850323cc85e00")
    settings_ = codec.decode_shot_settings(wire)
    assert settings_ == ShotSettings(0, 160, 120, 80, 50, 60, 200, 94.0)
    assert codec.encode_shot_settings(settings_) == wire
    with pytest.raises(CodecError):
        codec.decode_shot_settings(wire[:8])


# §10.6 profile ----------------------------------------------------------------


def test_lb_header_and_frame_readbacks() -> None:  # §10.6, real
    assert codec.decode_header(bytes.fromhex("0103010060")) == Header(1, 3, 1, 0.0, 6.0)
    data = bytes.fromhex("026016bcb2000400")
    assert codec.frame_index(data) == 2
    assert codec.decode_frame(data) == Frame(
        flow_control=False,
        goal=1.375,
        temperature=94.0,
        seconds=50.0,
        smooth=True,
        mix_sensor=False,
        exit=None,
        max_volume=0,
        ignore_limit=True,
    )
    assert codec.encode_frame(2, codec.decode_frame(data)) == data


def test_pyde1_reference_frame() -> None:  # §10.6, pyDE1 profile.py
    data = bytes([0]) + bytes.fromhex("4750bb94400464")
    assert codec.decode_frame(data) == Frame(
        flow_control=True,
        goal=5.0,
        temperature=93.5,
        seconds=20.0,
        exit=Exit(on_flow=False, over=True, value=4.0),
        max_volume=100,
    )


STEP_0 = Frame(flow_control=False, goal=9.0, temperature=92.0, seconds=30.0)
STEP_1 = Frame(
    flow_control=True,
    goal=4.0,
    temperature=93.0,
    seconds=8.0,
    smooth=True,
    mix_sensor=True,
    exit=Exit(on_flow=False, over=True, value=4.0),
    max_volume=100,
)


def test_two_step_profile_encodes_as_de1app_sends_it() -> None:  # §10.6, derived
    assert codec.encode_header(Header(1, 2, 1, 0.0, 6.0)) == bytes.fromhex("0102010060")
    assert codec.encode_frame(0, STEP_0) == bytes.fromhex("004090b89e000400")
    assert codec.encode_frame(1, STEP_1) == bytes.fromhex("017740ba50400464")
    assert codec.encode_limiter(1, Limiter(6.0, 0.6)) == bytes.fromhex("21600a0000000000")
    assert codec.encode_tail(2, Tail()) == bytes.fromhex("0200000000000000")


def test_two_step_profile_decodes() -> None:  # §10.6, derived and pyDE1's variant
    assert codec.decode_frame(bytes.fromhex("004090b89e000400")) == STEP_0
    assert codec.decode_frame(bytes.fromhex("017740ba50400464")) == STEP_1
    # pyDE1 leaves out bit 10 of MaxVol: the same frames.
    assert codec.decode_frame(bytes.fromhex("004090b89e000000")) == STEP_0
    assert codec.decode_frame(bytes.fromhex("017740ba50400064")) == STEP_1
    assert codec.decode_header(bytes.fromhex("01020100a0")).max_flow == 10.0
    assert codec.decode_limiter(bytes.fromhex("21600a0000000000")) == Limiter(6.0, 0.625)
    assert codec.decode_tail(bytes.fromhex("0200000000000000")) == Tail(0, False)


def test_tails() -> None:  # §8.4, §12.2
    # pyDE1's byte-swapped tail (36 | 0x8000 little-endian) read big-endian: the low
    # ten bits say 128 mL and 0x0400 (REA's "count preinfusion") is set.
    assert codec.decode_tail(bytes.fromhex("0224800000000000")) == Tail(128, True)
    assert codec.encode_tail(3, Tail(100, True)) == bytes.fromhex("0304640000000000")
    assert codec.encode_tail(3, Tail(5000)) == bytes.fromhex("0303ff0000000000")


def test_mmr_vectors() -> None:  # §10.8, §10.6 (tank temperature)
    assert codec.decode_mmr_read(bytes.fromhex("00800010") + bytes(16)) == (4, 0x800010)
    assert codec.decode_mmr_read(bytes.fromhex("02800008") + bytes(16)) == (12, 0x800008)
    assert codec.encode_mmr_response(0x800010, codec.mmr_bytes([1333])) == bytes.fromhex(
        "0480001035050000"
    ) + bytes(12)
    assert codec.encode_mmr_response(0x80381C, codec.mmr_bytes([4]))[:8] == bytes.fromhex(
        "0480381c04000000"
    )
    writes = {
        "0480380c00000000": (0x80380C, 0),
        "0480384832000000": (0x803848, 50),
        "0480382846000000": (0x803828, 70),
        "0480385401000000": (0x803854, 1),
    }
    for wire, (address, value) in writes.items():
        got_address, data = codec.decode_mmr_write(bytes.fromhex(wire) + bytes(12))
        assert (got_address, codec.mmr_words(data)) == (address, [value])
    assert codec.mmr_words(b"\x01\x02") == [0x0201]
    with pytest.raises(CodecError):
        codec.encode_mmr_response(0x800000, bytes(17))
    with pytest.raises(CodecError):
        codec.decode_mmr_write(bytes(20))  # Len 0
    with pytest.raises(CodecError):
        codec.decode_mmr_write(bytes([17]) + bytes(19))


@pytest.mark.parametrize(
    ("seconds", "raw"),
    [(5.0, 0x32), (12.7, 0x7F), (12.75, 0x8D), (13.0, 0x8D), (30.0, 0x9E), (127.0, 0xFF)],
)
def test_f8_1_7_encode(seconds: float, raw: int) -> None:  # §10.7
    assert codec.f8_1_7(seconds) == raw


def test_f8_1_7_decode_and_limits() -> None:  # §10.7
    assert codec.from_f8_1_7(0x09) == 0.9
    assert codec.from_f8_1_7(0xB2) == 50.0
    assert codec.from_f8_1_7(0x7F) == 12.7  # not 12.700000000000001
    assert codec.f8_1_7(300.0) == 0xFF
    assert codec.f8_1_7(-1.0) == 0


def test_rounding_is_half_up_like_de1app() -> None:  # §2 encoding notes
    assert codec.u8p1(92.25) == 185  # Python's round() would give 184
    assert codec.u8p4(16.0) == 0xFF  # capped at 15.9375, never 256
    assert codec.u8p4(15.9375) == 0xFF
    assert codec.from_u8p4(0x60) == 6.0
    assert codec.from_u8p1(0xBB) == 93.5
    assert codec.u16p8(94.0) == b"\x5e\x00"
    assert codec.from_u16p8(b"\x19\x8b") == 6539 / 256
    assert codec.s32p16(-1.5) == -98304
    assert codec.s32p16(1e9) == 2**31 - 1


def test_calibration_and_fw_map() -> None:  # §6.3, §7.4
    cal = Calibration(0xCAFEF00D, 1, 1, 1.5, -0.25)
    wire = codec.encode_calibration(cal)
    assert wire == bytes.fromhex("cafef00d 01 01 00018000 ffffc000")
    assert codec.decode_calibration(wire) == cal
    request = FwMapRequest(0, 1, 1, 0xFFFFFF)
    assert codec.encode_fw_map(request) == bytes.fromhex("0000 01 01 ffffff")
    assert codec.decode_fw_map(bytes.fromhex("00000101ffffff")) == request


# Fuzz: only CodecError comes out ----------------------------------------------

DECODERS = [
    codec.decode_water_levels,
    codec.decode_shot_settings,
    codec.decode_calibration,
    codec.decode_header,
    codec.frame_index,
    codec.decode_frame,
    codec.decode_limiter,
    codec.decode_tail,
    codec.decode_mmr_read,
    codec.decode_mmr_write,
    codec.decode_fw_map,
]
VALID = [
    bytes.fromhex("00000500"),
    bytes.fromhex("00a07850323cc85e00"),
    bytes.fromhex("cafef00d0101000180000000c000"),
    bytes.fromhex("0102010060"),
    bytes.fromhex("017740ba50400464"),
    bytes.fromhex("017740ba50400464"),
    bytes.fromhex("21600a0000000000"),
    bytes.fromhex("0200000000000000"),
    bytes.fromhex("00800010") + bytes(16),
    bytes.fromhex("0480384832000000") + bytes(12),
    bytes.fromhex("00000101ffffff"),
]


@settings(max_examples=fuzz_examples(), deadline=None)
@given(data=st.binary(max_size=24), which=st.integers(0, len(DECODERS) - 1))
def test_fuzz_random_bytes(data: bytes, which: int) -> None:
    with contextlib.suppress(CodecError):
        DECODERS[which](data)


@settings(max_examples=fuzz_examples(), deadline=None)
@given(
    which=st.integers(0, len(DECODERS) - 1),
    position=st.integers(0, 40),
    value=st.integers(0, 255),
    cut=st.integers(0, 3),
)
def test_fuzz_mutated_valid_frames(which: int, position: int, value: int, cut: int) -> None:
    data = bytearray(VALID[which])
    data[position % len(data)] = value
    mutated = bytes(data[: len(data) - cut]) if cut < 3 else bytes(data) + b"\x00"
    with contextlib.suppress(CodecError):
        DECODERS[which](mutated)
