"""Fuzz every DE1 decoder and encoder: only the typed errors (or none) may come out."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.de1 import codec, registers
from custom_components.kitchen_ble.library.devices.de1 import numbers as n
from custom_components.kitchen_ble.library.devices.de1.codec import CalTarget, ShotSettings
from custom_components.kitchen_ble.library.devices.de1.errors import (
    De1CommandError,
    De1DecodeError,
    De1EncodeError,
)
from custom_components.kitchen_ble.library.devices.de1.firmware import FirmwareFeatures
from custom_components.kitchen_ble.library.devices.de1.states import MachineState


def fuzz_examples() -> int:
    """Fuzz examples per test; KITCHEN_BLE_FUZZ_EXAMPLES raises it for a long run."""
    return int(os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES", "200"))


FUZZ = settings(max_examples=fuzz_examples(), deadline=None)

# Each decoder with the §10 vectors it must survive being mutated from.
DECODERS: dict[str, tuple[Callable[[bytes], object], list[str]]] = {
    "shot_sample": (
        codec.decode_shot_sample,
        [
            "025c0044000021ea221eda5a005e000000024d",
            "1234900020005c805d40005d005d0090000296",
            "123490205c805d405d005d0090000296 80",  # the 17-byte legacy layout
        ],
    ),
    "state_info": (codec.decode_state_info, ["0000", "0200", "0405", "0f05", "0513"]),
    "water_levels": (codec.decode_water_levels, ["198b0500", "05330600"]),
    "versions": (
        codec.decode_versions,
        ["040901c151092c5ee0000000000000000000", "040f022f7cc5d9e2b0000000000000000000"],
    ),
    "shot_settings": (codec.decode_shot_settings, ["00a07850323cc85e00"]),
    "calibration": (codec.decode_calibration, ["0000000100010001000000014000"]),
    "mmr_read": (
        codec.decode_mmr_read,
        [
            "04800010 35050000" + "00" * 12,
            "0480381c04000000",
            "10803840 3c000000 52030000 c8000000 0a000000",
        ],
    ),
}
NUMBER_DECODERS = [
    n.decode_u8p0,
    n.decode_u8p1,
    n.decode_u8p4,
    n.decode_u16p8,
    n.decode_u16p12,
    n.decode_u24p16,
    n.decode_u24p0,
    n.decode_s32p16,
    n.decode_u10p0,
    n.decode_f8_1_7,
]
NUMBER_ENCODERS = [
    n.encode_u8p0,
    n.encode_u8p1,
    n.encode_u8p4,
    n.encode_u16p8,
    n.encode_u16p12,
    n.encode_u24p16,
    n.encode_u24p0,
    n.encode_s32p16,
    n.encode_u10p0,
    n.encode_f8_1_7,
    codec.encode_refill_threshold,
]


def _vector(spaced: str) -> bytes:
    return bytes.fromhex(spaced.replace(" ", ""))


@st.composite
def mutated(draw: st.DrawFn, vectors: list[str]) -> bytes:
    data = bytearray(_vector(draw(st.sampled_from(vectors))))
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["flip", "cut", "grow", "insert"]))
        if action == "flip" and data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        elif action == "cut" and data:
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif action == "insert":
            index = draw(st.integers(0, len(data)))
            data[index:index] = draw(st.binary(min_size=1, max_size=3))
        else:
            data += draw(st.binary(min_size=1, max_size=4))
    return bytes(data)


def _decode_or_typed_error(decode: Callable[[bytes], object], data: bytes) -> None:
    with contextlib.suppress(De1DecodeError):
        decode(data)


def test_vectors_in_the_fuzz_tables_decode() -> None:
    for decode, vectors in DECODERS.values():
        for vector in vectors:
            decode(_vector(vector))


@pytest.mark.parametrize("name", list(DECODERS))
@given(data=st.binary(max_size=40))
@FUZZ
def test_decoders_on_random_bytes(name: str, data: bytes) -> None:
    _decode_or_typed_error(DECODERS[name][0], data)


@given(data=st.data())
@FUZZ
def test_decoders_on_mutated_vectors(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(list(DECODERS)))
    decode, vectors = DECODERS[name]
    _decode_or_typed_error(decode, data.draw(mutated(vectors)))


@given(decode=st.sampled_from(NUMBER_DECODERS), data=st.binary(max_size=6))
@FUZZ
def test_number_decoders_on_random_bytes(decode: Callable[[bytes], object], data: bytes) -> None:
    _decode_or_typed_error(decode, data)


ANY_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)


@given(encode=st.sampled_from(NUMBER_ENCODERS), value=ANY_NUMBER)
@FUZZ
def test_number_encoders_on_anything(encode: Callable[[object], bytes], value: object) -> None:
    with contextlib.suppress(De1EncodeError):
        encode(value)


@given(value=st.floats(min_value=0, max_value=255.99, allow_nan=False))
@FUZZ
def test_u16p8_round_trips_within_half_a_step(value: float) -> None:
    assert abs(n.decode_u16p8(n.encode_u16p8(value)) - value) <= 1 / 512


@given(value=st.floats(min_value=0, max_value=127, allow_nan=False))
@FUZZ
def test_f8_1_7_round_trips(value: float) -> None:
    decoded = n.decode_f8_1_7(n.encode_f8_1_7(value))
    assert abs(decoded - value) <= (0.05 if value < 12.75 else 0.5) + 1e-9


@given(
    address=st.integers(-10, 2**25),
    words=st.integers(-2, 300),
    raw=st.one_of(st.integers(-(2**33), 2**33), st.floats(), st.booleans()),
)
@FUZZ
def test_mmr_encoders(address: int, words: int, raw: int) -> None:
    for encode in (
        lambda: codec.encode_mmr_read(address, words),
        lambda: codec.encode_mmr_write(address, raw),
    ):
        try:
            frame = encode()
        except De1EncodeError:
            continue
        assert len(frame) == 20


@given(
    fields=st.lists(
        st.one_of(st.integers(-5, 300), st.floats(), st.booleans()), min_size=8, max_size=8
    )
)
@FUZZ
def test_shot_settings_encoder(fields: list[object]) -> None:
    settings_ = ShotSettings(*fields)  # type: ignore[arg-type]
    try:
        encoded = codec.encode_shot_settings(settings_)
    except De1EncodeError:
        return
    assert len(encoded) == 9


@given(value=st.one_of(st.integers(), st.sampled_from(list(MachineState)), st.text(max_size=2)))
@FUZZ
def test_requested_state_encoder(value: object) -> None:
    try:
        frame = codec.encode_requested_state(value)  # type: ignore[arg-type]
    except De1EncodeError:
        return
    assert len(frame) == 1


@given(target=st.one_of(st.sampled_from(list(CalTarget)), st.integers()), factory=st.booleans())
@FUZZ
def test_calibration_request_encoder(target: object, factory: bool) -> None:
    try:
        frame = codec.encode_calibration_read(target, factory=factory)  # type: ignore[arg-type]
    except De1EncodeError:
        return
    assert len(frame) == 14


@given(
    register=st.sampled_from(registers.REGISTERS),
    value=st.one_of(st.floats(allow_nan=True), st.integers(-(2**34), 2**34)),
    build=st.one_of(st.none(), st.integers(0, 2000)),
)
@FUZZ
def test_register_writes_raise_only_typed_errors(
    register: registers.MmrRegister, value: float, build: int | None
) -> None:
    features = None if build is None else FirmwareFeatures.from_build(build)
    try:
        raw = registers.validate_write(register, value, features)
    except (De1EncodeError, De1CommandError):
        return
    assert 0 <= raw <= 0xFFFF_FFFF
