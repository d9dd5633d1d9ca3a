"""Passive environment node: the worked example, the sentinel, and what is not a node."""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.devices.advertisers import (
    COMPANY_ID,
    MODELS,
    NODE,
    PAYLOAD_SIZE,
    NodeReading,
    decode_manufacturer_data,
    decode_node,
    is_node,
)
from custom_components.kitchen_ble.library.devices.advertisers.node import VALUE_SIZES
from emulator.node import create_foreign, create_node

EXAMPLE = bytes.fromhex("01 00 02 2D 03 00 FD 04 00 00 01 B8 05 5F")
EXAMPLE_READING = NodeReading(window_open=False, humidity=45, temperature=25.3, co2=440, battery=95)


def frame(
    window: str = "00",
    humidity: str = "2D",
    temp: str = "00FD",
    co2: str = "000001B8",
    battery: str = "5F",
) -> bytes:
    return bytes.fromhex(f"01{window} 02{humidity} 03{temp} 04{co2} 05{battery}")


def test_constants() -> None:
    assert COMPANY_ID == 0xFFFF
    assert PAYLOAD_SIZE == 14
    assert sum(1 + size for size in VALUE_SIZES.values()) == PAYLOAD_SIZE
    assert MODELS == (NODE,)
    assert (NODE.model_id, NODE.family, NODE.probes) == ("thingy_node", "node", 0)
    assert NODE.kind == "sensor_node"  # advertisements only: no driver, no connection
    assert NODE.capabilities == frozenset()


def test_worked_example() -> None:
    assert frame() == EXAMPLE
    assert decode_node(EXAMPLE) == EXAMPLE_READING
    assert decode_node(bytearray(EXAMPLE)) == EXAMPLE_READING
    assert decode_manufacturer_data({COMPANY_ID: EXAMPLE}) == EXAMPLE_READING
    assert is_node({COMPANY_ID: EXAMPLE})


def test_co2_sentinel_drops_only_co2() -> None:
    reading = decode_node(frame(co2="FFFFFFFF"))
    assert reading == NodeReading(
        window_open=False, humidity=45, temperature=25.3, co2=None, battery=95
    )


def test_window_open() -> None:
    reading = decode_node(frame(window="01"))
    assert reading is not None
    assert reading.window_open is True


@pytest.mark.parametrize(
    ("temp", "celsius"),
    [
        ("FFCE", -5.0),
        ("FFFF", -0.1),
        ("0000", 0.0),
        ("FF38", -20.0),
        ("8000", -3276.8),
        ("7FFF", 3276.7),
        ("00C8", 20.0),
    ],
)
def test_temperature_is_signed_tenths(temp: str, celsius: float) -> None:
    reading = decode_node(frame(temp=temp))
    assert reading is not None
    assert reading.temperature == celsius


def test_big_co2() -> None:
    reading = decode_node(frame(co2="FFFFFFFE"))
    assert reading is not None
    assert reading.co2 == 0xFFFFFFFE


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"window": "02"}, "window_open"),
        ({"humidity": "65"}, "humidity"),
        ({"battery": "FF"}, "battery"),
    ],
)
def test_out_of_range_values_drop_only_that_value(changes: dict[str, str], field: str) -> None:
    reading = decode_node(frame(**changes))
    assert reading is not None
    assert getattr(reading, field) is None
    assert reading.temperature == 25.3


def test_edge_values_kept() -> None:
    assert decode_node(frame(humidity="64", battery="64")) == NodeReading(
        False, 100, 25.3, 440, 100
    )
    assert decode_node(frame(humidity="00", battery="00")) == NodeReading(False, 0, 25.3, 440, 0)


@pytest.mark.parametrize(
    "order",
    [(5, 4, 3, 2, 1), (4, 1, 3, 5, 2), (3, 4, 5, 1, 2)],
)
def test_reordered_keys(order: tuple[int, ...]) -> None:
    records = {key: EXAMPLE[i : i + 1 + VALUE_SIZES[key]] for i, key in _offsets(EXAMPLE)}
    reordered = b"".join(records[key] for key in order)
    assert len(reordered) == PAYLOAD_SIZE
    assert decode_node(reordered) == EXAMPLE_READING


def _offsets(payload: bytes) -> list[tuple[int, int]]:
    offsets, index = [], 0
    while index < len(payload):
        offsets.append((index, payload[index]))
        index += 1 + VALUE_SIZES[payload[index]]
    return offsets


@pytest.mark.parametrize("size", [0, 1, 13, 15, 20, 31])
def test_wrong_sizes_are_not_nodes(size: int) -> None:
    payload = (EXAMPLE * 3)[:size]
    assert decode_node(payload) is None
    assert not is_node({COMPANY_ID: payload})


@pytest.mark.parametrize(
    "payload",
    [
        bytes.fromhex("06 00 02 2D 03 00 FD 04 00 00 01 B8 05 5F"),  # unknown key first
        bytes.fromhex("01 00 02 2D 03 00 FD 00 00 00 01 B8 05 5F"),  # unknown key 0 midway
        bytes.fromhex("01 00 02 2D 03 00 FD 04 00 00 01 B8 FF 5F"),  # unknown key last
        bytes.fromhex("01 00 01 00 01 00 01 00 01 00 01 00 01 00"),  # one key repeated
        bytes.fromhex("04 00 00 01 B8 04 00 00 01 B8 01 00 05 5F"),  # CO2 twice
        bytes(14),
        bytes([0xFF]) * 14,
    ],
    ids=["first", "midway", "last", "repeated", "co2-twice", "zeros", "ones"],
)
def test_unframed_payloads_are_not_nodes(payload: bytes) -> None:
    assert len(payload) == PAYLOAD_SIZE
    assert decode_node(payload) is None
    assert not is_node({COMPANY_ID: payload})


def test_other_company_ids_are_ignored() -> None:
    assert decode_manufacturer_data({}) is None
    assert decode_manufacturer_data({0x0059: EXAMPLE}) is None
    assert not is_node({0x004C: EXAMPLE})
    assert is_node({0x004C: b"\x02\x15", COMPANY_ID: EXAMPLE})


def test_emulated_node_frames_decode() -> None:
    """The emulator writes its own bytes from the same sheet; they must agree."""
    node = create_node(seed=5, co2_warmup=120.0)
    first = decode_manufacturer_data(node.advertisement().manufacturer_data)
    assert first is not None
    assert first.co2 is None  # warming up
    node.advance(180.0)
    node.advance(60.0)
    later = decode_manufacturer_data(node.advertisement().manufacturer_data)
    assert later is not None
    assert later.co2 is not None
    assert 300 < later.co2 < 3000
    assert later.temperature is not None
    assert 5 < later.temperature < 30
    assert later.humidity is not None
    assert later.battery is not None
    node.faults.malformed = True
    for _ in range(20):
        assert decode_manufacturer_data(node.advertisement().manufacturer_data) is None


@pytest.mark.parametrize("size", [8, 14, 2, 0])
def test_emulated_foreign_device_is_not_a_node(size: int) -> None:
    foreign = create_foreign(payload_size=size)
    for _ in range(5):
        foreign.advance(1.0)
        data = foreign.advertisement().manufacturer_data
        assert set(data) == {COMPANY_ID}
        assert not is_node(data)
