"""iGrill device-side bytes against the fact sheet's test vectors (§3)."""

from __future__ import annotations

import pytest

from emulator.igrill import codec
from emulator.igrill.auth import Authenticator, aes_encrypt
from emulator.igrill.const import (
    MINI_KEY,
    NO_HIGH_LIMIT,
    NO_LOW_LIMIT,
    default_address,
    probe_threshold_uuid,
    probe_value_uuid,
)


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (150, "9600"),  # I-2
        (None, "30f8"),  # I-3 unplugged
        (0, "0000"),  # I-4
        (258, "0201"),  # I-8
        (-20, "ecff"),  # I-9
        (99999, "ff7f"),  # clamped to int16
    ],
)
def test_probe_values(value: int | None, wire: str) -> None:
    assert codec.encode_probe(value).hex() == wire


def test_v2_notifications_have_a_third_byte() -> None:
    assert codec.encode_probe(73, three_bytes=True).hex() == "490000"  # I-5
    assert codec.encode_probe(None, three_bytes=True).hex() == "30f800"  # I-6


def test_thresholds() -> None:
    assert codec.encode_threshold(NO_LOW_LIMIT, NO_HIGH_LIMIT).hex() == "0080ff7f"  # I-13
    assert codec.decode_threshold(bytes.fromhex("0080cb00")) == (NO_LOW_LIMIT, 203)  # I-14
    with pytest.raises(ValueError, match="4 bytes"):
        codec.decode_threshold(b"\x00\x00")


@pytest.mark.parametrize(
    ("fraction", "raw"), [(1.0, 4), (0.99, 4), (0.75, 3), (0.5, 2), (0.01, 1), (0.0, 0), (-1, 0)]
)
def test_propane_quarters(fraction: float, raw: int) -> None:
    assert codec.encode_propane(fraction) == bytes([raw])  # I-15: 02 = 50 %, 04 = 100 %


def test_pulse_elements_ascii() -> None:
    assert codec.encode_elements([181, 22], [200, 0]) == b" 181 022 200 000"
    assert codec.encode_elements([181], [200]) == b" 181 000 200 000"  # Pulse 1000
    assert codec.encode_elements([1234], [-5]) == b" 999 000 000 000"


def test_firmware_and_units() -> None:
    assert codec.encode_firmware("1.5") == b"1.5" + bytes(13)
    assert codec.to_device_unit(100, 1) == 100
    assert codec.to_device_unit(100, 0) == 212


def test_uuid_families() -> None:
    assert [probe_value_uuid(n)[:8] for n in range(1, 5)] == [
        "06ef0002",
        "06ef0004",
        "06ef0006",
        "06ef0008",
    ]
    assert [probe_threshold_uuid(n)[:8] for n in range(1, 5)] == [
        "06ef0003",
        "06ef0005",
        "06ef0007",
        "06ef0009",
    ]
    assert default_address("igrill_v2", 3) == "70:91:8F:03:00:03"


def test_aes_vector_i12() -> None:
    device_random = bytes.fromhex("0011223344556677")
    assert aes_encrypt(MINI_KEY, bytes(8) + device_random).hex() == (
        "069d8e760a0581fcd24714b100c039b8"
    )
    app = bytes.fromhex("5f4a7f27c6bf2e74") + bytes(8)  # I-11
    assert aes_encrypt(MINI_KEY, app[:8] + device_random).hex() == (
        "c55bbb639989b6468afd673c4a58ee72"
    )


class FixedRandom:
    """Hands out the device random of vector I-12."""

    def randbytes(self, n: int) -> bytes:
        return bytes.fromhex("0011223344556677")[:n] if n == 8 else bytes(n)


def test_authenticator_full_algorithm() -> None:
    auth = Authenticator(MINI_KEY, FixedRandom())  # type: ignore[arg-type]
    assert not auth.challenged
    with pytest.raises(ValueError, match="no app challenge"):
        auth.device_challenge()
    with pytest.raises(ValueError, match="16 bytes"):
        auth.receive_app_challenge(b"short")
    auth.receive_app_challenge(bytes.fromhex("5f4a7f27c6bf2e74") + bytes(8))
    assert auth.device_challenge().hex() == "c55bbb639989b6468afd673c4a58ee72"
    assert not auth.check_response(bytes(16))
    assert auth.check_response(bytes.fromhex("069d8e760a0581fcd24714b100c039b8"))
    auth.reset()
    assert not auth.authenticated
    assert not auth.challenged
