"""DE1 number encodings (de1.md §2) and the F8_1_7 vectors of §10.7."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from custom_components.kitchen_ble.library.devices.de1 import numbers as n
from custom_components.kitchen_ble.library.devices.de1.errors import (
    De1DecodeError,
    De1EncodeError,
)

# §10.7 F8_1_7 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "byte"),
    [
        (5.0, 0x32),
        (12.7, 0x7F),
        (12.75, 0x8D),  # the boundary: whole seconds from 12.75
        (13, 0x8D),
        (30, 0x9E),
        (127, 0xFF),
    ],
)
def test_10_7_f8_1_7_encode(seconds: float, byte: int) -> None:
    assert n.encode_f8_1_7(seconds) == bytes([byte])


@pytest.mark.parametrize(("byte", "value"), [(0x09, 0.9), (0xB2, 50.0), (0x7F, 12.7), (0x00, 0.0)])
def test_10_7_f8_1_7_decode(byte: int, value: float) -> None:
    assert n.decode_f8_1_7(bytes([byte])) == value


def test_f8_1_7_just_below_the_switch_stays_in_tenths() -> None:
    assert n.encode_f8_1_7(12.74) == b"\x7f"
    assert n.encode_f8_1_7(0.05) == b"\x01"  # 0.5 tenths rounds half away from zero


@pytest.mark.parametrize(
    "bad", [-0.1, 127.5, 200, float("nan"), float("inf"), -float("inf"), "5", None]
)
def test_f8_1_7_out_of_range(bad: object) -> None:
    with pytest.raises(De1EncodeError):
        n.encode_f8_1_7(bad)  # type: ignore[arg-type]


# The other encodings --------------------------------------------------------------------


def test_rounding_halves_away_from_zero_like_de1app() -> None:
    # §2: 92.25 °C × 2 = 184.5 is 185 in de1app, 184 with Python's round()
    assert n.encode_u8p1(92.25) == bytes([185])
    assert n.round_half_away(2.5) == 3
    assert n.round_half_away(-2.5) == -3
    assert n.round_half_away(-2.4) == -2


@pytest.mark.parametrize(
    ("encode", "value", "wire"),
    [
        (n.encode_u8p0, 160, "a0"),
        (n.encode_u8p1, 94.0, "bc"),
        (n.encode_u8p4, 9.0, "90"),
        (n.encode_u8p4, 1.375, "16"),
        (n.encode_u8p4, 15.9375, "ff"),
        (n.encode_u16p8, 94.0, "5e00"),
        (n.encode_u16p8, 5.0, "0500"),
        (n.encode_u16p12, 9.0, "9000"),
        (n.encode_u24p16, 93.25, "5d4000"),
        (n.encode_u24p0, 0x80381C, "80381c"),
        (n.encode_s32p16, -0.5, "ffff8000"),
        (n.encode_s32p16, 1.25, "00014000"),
        (n.encode_u10p0, 100, "0464"),  # bit 10 set, as de1app (§12.1)
        (n.encode_u10p0, 0, "0400"),
    ],
)
def test_encodings(encode: Callable[[float], bytes], value: float, wire: str) -> None:
    assert encode(value) == bytes.fromhex(wire)


def test_u10p0_without_the_flag() -> None:
    assert n.encode_u10p0(100, flag=False) == bytes.fromhex("0064")


@pytest.mark.parametrize(
    ("decode", "wire", "value"),
    [
        (n.decode_u8p0, "a0", 160),
        (n.decode_u8p1, "bc", 94.0),
        (n.decode_u8p4, "16", 1.375),
        (n.decode_u8p4, "60", 6.0),
        (n.decode_u16p8, "198b", 25.54296875),
        (n.decode_u16p12, "0044", 0.0166015625),
        (n.decode_u24p16, "221eda", 34.120513916015625),
        (n.decode_u24p0, "800010", 0x800010),
        (n.decode_s32p16, "ffff8000", -0.5),
        (n.decode_u10p0, "0464", 100),  # bit 10 masked (pyDE1 shows 1124, §12.12)
        (n.decode_u10p0, "0400", 0),
    ],
)
def test_decodings(decode: Callable[[bytes], float], wire: str, value: float) -> None:
    assert decode(bytes.fromhex(wire)) == value


@pytest.mark.parametrize(
    ("encode", "bad"),
    [
        (n.encode_u8p0, 256),
        (n.encode_u8p0, -1),
        (n.encode_u8p0, 255.5),
        (n.encode_u8p1, 128),
        (n.encode_u8p4, 15.97),  # rounds to 256: de1app's overflow, refused here
        (n.encode_u8p4, -0.5),
        (n.encode_u16p8, 256),
        (n.encode_u16p12, 16),
        (n.encode_u24p16, 256),
        (n.encode_u24p0, 0x1000000),
        (n.encode_s32p16, 32768),
        (n.encode_s32p16, -32769),
        (n.encode_u10p0, 1024),
        (n.encode_u8p4, float("nan")),
        (n.encode_u8p4, float("inf")),
        (n.encode_u16p8, 1e308),
        (n.encode_u8p4, True),
        (n.encode_u8p4, "9"),
    ],
)
def test_encoding_out_of_range(encode: Callable[[object], bytes], bad: object) -> None:
    with pytest.raises(De1EncodeError):
        encode(bad)


def test_a_negative_half_step_below_the_range_is_refused() -> None:
    # -2^31 - 0.5 raw rounds away from zero to -2^31 - 1: one past the field
    with pytest.raises(De1EncodeError):
        n.encode_s32p16(-32768 - 0.5 / 65536)
    assert n.encode_s32p16(-32768) == bytes.fromhex("80000000")


def test_values_inside_by_less_than_half_a_step_round_in() -> None:
    assert n.encode_u8p4(15.96) == b"\xff"
    assert n.encode_u8p4(-0.01) == b"\x00"


@pytest.mark.parametrize(
    ("decode", "size"),
    [
        (n.decode_u8p0, 2),
        (n.decode_u8p1, 0),
        (n.decode_u8p4, 2),
        (n.decode_u16p8, 1),
        (n.decode_u16p12, 3),
        (n.decode_u24p16, 2),
        (n.decode_u24p0, 4),
        (n.decode_s32p16, 3),
        (n.decode_u10p0, 1),
        (n.decode_f8_1_7, 2),
    ],
)
def test_decoding_the_wrong_length(decode: Callable[[bytes], float], size: int) -> None:
    with pytest.raises(De1DecodeError):
        decode(bytes(size))
