"""DE1 number encodings against de1.md §2 and the F8_1_7 vectors of §10.7."""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.espresso.profiles import encodings


@pytest.mark.parametrize(
    ("seconds", "raw"),
    [(5.0, 0x32), (12.7, 0x7F), (12.75, 0x8D), (13, 0x8D), (30, 0x9E), (127, 0xFF)],
)
def test_f8_1_7_encode_vectors_10_7(seconds: float, raw: int) -> None:
    assert encodings.encode_f8_1_7(seconds) == raw


@pytest.mark.parametrize(("raw", "seconds"), [(0x09, 0.9), (0xB2, 50.0), (0x7F, 12.7)])
def test_f8_1_7_decode_vectors_10_7(raw: int, seconds: float) -> None:
    # 0x7F must be exactly 12.7, not pyDE1's 12.700000000000001 (§2).
    assert encodings.decode_f8_1_7(raw) == seconds


def test_rounding_is_half_away_from_zero_as_de1app_2() -> None:
    # §2: 92.25 °C × 2 = 184.5 is 185 in de1app; Python's round would give 184.
    assert encodings.encode_u8p1(92.25) == 0xB9
    assert encodings.round_half_up(184.5) == 185
    assert encodings.round_half_up(0.49) == 0


def test_u8p4_sixteenths() -> None:
    assert encodings.encode_u8p4(9) == 0x90
    assert encodings.encode_u8p4(0.6) == 0x0A  # 9.6 rounds to 10 (§10.6 ext frame)
    assert encodings.encode_u8p4(8.4) == 0x86  # 134.4: de1app's 8.375 bar (§1.7)
    assert encodings.encode_u8p4(15.9375) == 0xFF
    assert encodings.decode_u8p4(0x16) == 1.375


def test_u8p1_half_degrees() -> None:
    assert encodings.encode_u8p1(94) == 0xBC
    assert encodings.encode_u8p1(127.5) == 0xFF
    assert encodings.decode_u8p1(0xBB) == 93.5


def test_u10p0_sets_and_ignores_bit_10() -> None:
    assert encodings.encode_u10p0(0) == 0x0400
    assert encodings.encode_u10p0(100) == 0x0464
    assert encodings.encode_u10p0(1023) == 0x07FF
    assert encodings.decode_u10p0(0x0464) == 100
    assert encodings.decode_u10p0(0x0064) == 100  # pyDE1 does not set bit 10
