"""iGrill codec against the fact sheet's vectors I-2..I-15 and malformed input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from custom_components.kitchen_ble.library.devices.igrill import codec
from custom_components.kitchen_ble.library.devices.thermometer import HeatingElements

MINI_KEY = bytes.fromhex("ed5e308e8bcc9113306cd46854153edd")
DEVICE_RANDOM = bytes.fromhex("0011223344556677")
OFFICIAL_APP_CHALLENGE = bytes.fromhex("5f4a7f27c6bf2e740000000000000000")


def _aes(block: bytes, *, decrypt: bool = False) -> bytes:
    cipher = Cipher(algorithms.AES(MINI_KEY), modes.ECB())
    worker = cipher.decryptor() if decrypt else cipher.encryptor()
    return worker.update(block) + worker.finalize()


def _device_challenge(app_challenge: bytes) -> bytes:
    """What the device sends: AES(C[0:8] ‖ D)."""
    return _aes(app_challenge[:8] + DEVICE_RANDOM)


def _full_response(device_challenge: bytes) -> bytes:
    """The keyed algorithm: decrypt, zero the first half, encrypt again."""
    plain = _aes(device_challenge, decrypt=True)
    return _aes(bytes(8) + plain[8:])


def test_i2_probe_reading() -> None:
    assert codec.decode_probe(bytes.fromhex("9600")) == 150


def test_i3_probe_unplugged() -> None:
    assert codec.decode_probe(bytes.fromhex("30f8")) is None


def test_i4_probe_zero_is_a_reading() -> None:
    assert codec.decode_probe(bytes.fromhex("0000")) == 0


@pytest.mark.parametrize(("hex_data", "value"), [("490000", 73), ("4a0000", 74), ("4b0000", 75)])
def test_i5_probe_notification_third_byte_ignored(hex_data: str, value: int) -> None:
    assert codec.decode_probe(bytearray.fromhex(hex_data)) == value


def test_i6_probe_notification_unplugged() -> None:
    assert codec.decode_probe(bytearray.fromhex("30f800")) is None


def test_i7_battery() -> None:
    assert codec.decode_battery(bytes.fromhex("46")) == 70


def test_i8_probe_above_255_uses_high_byte() -> None:
    assert codec.decode_probe(bytes.fromhex("0201")) == 258


def test_i9_probe_below_zero_is_signed() -> None:
    assert codec.decode_probe(bytes.fromhex("ecff")) == -20


@pytest.mark.parametrize(("hex_data", "unit"), [("00", "°F"), ("01", "°C"), ("02", "°C")])
def test_i10_unit(hex_data: str, unit: str) -> None:
    assert codec.decode_unit(bytes.fromhex(hex_data)) == unit


def test_i11_app_challenge_has_the_official_apps_shape() -> None:
    assert len(codec.APP_CHALLENGE) == len(OFFICIAL_APP_CHALLENGE) == 16
    assert OFFICIAL_APP_CHALLENGE[8:] == codec.APP_CHALLENGE[8:] == bytes(8)
    assert bytes(16) == codec.APP_CHALLENGE


def test_i12_zero_challenge_echo_equals_the_keyed_response() -> None:
    expected = bytes.fromhex("069d8e760a0581fcd24714b100c039b8")
    echoed = _device_challenge(codec.APP_CHALLENGE)
    assert echoed == expected
    assert codec.device_response(echoed) == _full_response(echoed) == expected

    official = _device_challenge(OFFICIAL_APP_CHALLENGE)
    assert official == bytes.fromhex("c55bbb639989b6468afd673c4a58ee72")
    assert _full_response(official) == expected  # the response does not depend on C


def test_i13_threshold_without_limits() -> None:
    assert codec.encode_threshold(None, None) == bytes.fromhex("0080ff7f")


def test_i14_threshold_high_only() -> None:
    assert codec.encode_threshold(None, 203) == bytes.fromhex("0080cb00")


@pytest.mark.parametrize(("hex_data", "percent"), [("02", 50), ("04", 100), ("00", 0), ("05", 100)])
def test_i15_propane_quarters_clamped(hex_data: str, percent: int) -> None:
    assert codec.decode_propane(bytes.fromhex(hex_data)) == percent


def test_threshold_both_limits_signed() -> None:
    assert codec.encode_threshold(-20, 300) == bytes.fromhex("ecff2c01")


@pytest.mark.parametrize(("low", "high"), [(-32769, None), (None, 32768)])
def test_threshold_out_of_int16(low: int | None, high: int | None) -> None:
    with pytest.raises(ValueError, match="int16"):
        codec.encode_threshold(low, high)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b" 200 210 225 230", HeatingElements(200, 210, 225, 230)),
        (b"\x00 20\x0021 \x00225\x00 50", HeatingElements(20, 21, 225, 50)),
        (b" 180     200    ", HeatingElements(180, None, 200, None)),  # Pulse 1000 style
        (b" 180 000 200", HeatingElements(180, 0, 200, None)),  # short tail
    ],
)
def test_elements(data: bytes, expected: HeatingElements) -> None:
    assert codec.decode_elements(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b" 200 210 22", "too short"),
        (b" 200 2\xff0 225 230", "not ASCII"),
        (b" 2 0 210 225 230", "not a number"),
        (b" abc 210 225 230", "not a number"),
    ],
)
def test_elements_malformed(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        codec.decode_elements(data)


@pytest.mark.parametrize(
    ("data", "version"),
    [(b"1.5\x00\x00\x00", "1.5"), (b"0.07-rc1", "0.07-rc1"), (b" 1.18\r\n\x00", "1.18")],
)
def test_firmware(data: bytes, version: str) -> None:
    assert codec.decode_firmware(data) == version


def test_firmware_not_ascii() -> None:
    with pytest.raises(ValueError, match="not ASCII"):
        codec.decode_firmware(b"1.\xe95")


@pytest.mark.parametrize("data", [b"", b"\x96"])
def test_probe_too_short(data: bytes) -> None:
    with pytest.raises(ValueError, match="too short"):
        codec.decode_probe(data)


ONE_BYTE_DECODERS = [codec.decode_unit, codec.decode_battery, codec.decode_propane]


@pytest.mark.parametrize("decode", ONE_BYTE_DECODERS)
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x01\x00",  # a plausible first byte must not hide the extra ones
        bytes.fromhex("46ab12"),  # what the emulator's malformed fault sends for 1 byte
        bytes(20),
    ],
)
def test_one_byte_values_reject_other_lengths(
    decode: Callable[[bytes], object], data: bytes
) -> None:
    with pytest.raises(ValueError, match=f"{len(data)} bytes, not 1"):
        decode(data)


@pytest.mark.parametrize(
    ("decode", "data", "value"),
    [
        (codec.decode_unit, "00", "°F"),  # I-10
        (codec.decode_unit, "01", "°C"),  # I-10
        (codec.decode_battery, "46", 70),  # I-7
        (codec.decode_propane, "02", 50),  # I-15
        (codec.decode_propane, "04", 100),  # I-15
    ],
    ids=["unit-F", "unit-C", "battery", "propane-half", "propane-full"],
)
def test_one_byte_values_accept_a_bytearray(
    decode: Callable[[bytes | bytearray], object], data: str, value: object
) -> None:
    """Notifications arrive as bytearray: decoded to the fact sheet's value, as bytes are."""
    assert decode(bytearray.fromhex(data)) == value
    assert decode(bytearray.fromhex(data)) == decode(bytes.fromhex(data))


def test_battery_above_100() -> None:
    assert codec.decode_battery(b"\x64") == 100
    with pytest.raises(ValueError, match="above 100"):
        codec.decode_battery(b"\x65")


@pytest.mark.parametrize("length", [0, 15, 17])
def test_device_response_wrong_length(length: int) -> None:
    with pytest.raises(ValueError, match="not 16"):
        codec.device_response(bytes(length))
