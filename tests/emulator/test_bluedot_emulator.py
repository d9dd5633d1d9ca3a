# mypy: disable-error-code="unreachable"
# (asserting a property before and after a call trips mypy's narrowing)
"""The emulated BlueDOT through a bleak client: packets, cadence, alarm, faults."""

from __future__ import annotations

from typing import Any

import pytest
from bleak import BleakClient
from bleak.exc import BleakError

from emulator.bluedot import (
    ATT_VALUE_NOT_ALLOWED,
    HIGH_ALARM,
    INTERVAL,
    LOW_ALARM,
    SERVICE,
    UNITS,
    UPDATES,
    BlueDotDevice,
    convert,
    create_bluedot,
    encode_packet,
    to_unit,
)
from emulator.faults import Fault
from emulator.gatt import (
    ATT_INVALID_ATTRIBUTE_VALUE_LENGTH,
    ATT_READ_NOT_PERMITTED,
    ATT_WRITE_NOT_PERMITTED,
    AttError,
)
from emulator.proxy import VirtualProxy

from .common import connect

B1 = bytes.fromhex("00480000009600000000000100aabbccddeeff00")


async def subscribed(
    proxy: VirtualProxy, **options: Any
) -> tuple[BlueDotDevice, BleakClient, list[bytes]]:
    device = proxy.add(create_bluedot(**options))
    client = await connect(proxy, device.address)
    packets: list[bytes] = []
    await client.start_notify(UPDATES, lambda _char, data: packets.append(bytes(data)))
    return device, client, packets


def fields(packet: bytes) -> dict[str, int]:
    """The sheet's layout, read back (independent of the emulator's encoder)."""
    assert len(packet) == 20
    return {
        "status": packet[0],
        "temperature": int.from_bytes(packet[1:5], "little", signed=True),
        "high": int.from_bytes(packet[5:9], "little", signed=True),
        "silenced": packet[9],
        "disabled": packet[10],
        "unit": packet[11],
        "alarm": packet[19],
    }


# Advertisement, GATT table, bytes ------------------------------------------


def test_advertisement_is_the_name_only() -> None:
    adv = create_bluedot().advertisement()
    assert adv.local_name == "BlueDOT"
    assert adv.service_uuids == []
    assert adv.manufacturer_data == {}
    assert adv.service_data == {}


def test_factory() -> None:
    device = create_bluedot("00:a0:50:aa:bb:cc", "BlueDOT Smoker", unit=0, high_alarm=70)
    assert device.address == "00:A0:50:AA:BB:CC"
    assert device.name == "BlueDOT Smoker"
    assert device.model == "bluedot"
    assert (device.unit, device.high_alarm) == (0, 70)
    default = create_bluedot()
    assert default.address == "00:A0:50:00:00:01"
    assert (default.unit, default.high_alarm, default.interval) == (1, 150, 1)
    assert create_bluedot(unit=0).high_alarm == 65
    with pytest.raises(ValueError, match="unit must be 0"):
        create_bluedot(unit=2)


async def test_gatt_table(proxy: VirtualProxy) -> None:
    device = proxy.add(create_bluedot())
    client = await connect(proxy, device.address)
    assert [service.uuid for service in client.services] == [SERVICE]
    props = {
        uuid: client.services.get_characteristic(uuid).properties  # type: ignore[union-attr]
        for uuid in (UPDATES, INTERVAL, HIGH_ALARM, LOW_ALARM, UNITS)
    }
    assert props == {
        UPDATES: ["notify"],
        INTERVAL: ["write"],
        HIGH_ALARM: ["write"],
        LOW_ALARM: ["write"],
        UNITS: ["read", "write"],
    }
    with pytest.raises(AttError) as err:
        await client.read_gatt_char(UPDATES)  # readability is unknown: not readable here
    assert err.value.code == ATT_READ_NOT_PERMITTED
    assert await client.read_gatt_char(UNITS) == b"\x01"
    await client.disconnect()


def test_packet_matches_vector_b1() -> None:
    device = create_bluedot("AA:BB:CC:DD:EE:FF", high_alarm=150)
    device.reading = 72
    assert device.packet() == B1
    assert (
        encode_packet(
            status=0,
            temperature=72,
            high_alarm=150,
            silenced=False,
            disabled=False,
            unit=1,
            mac=bytes.fromhex("aabbccddeeff"),
            alarm=False,
        )
        == B1
    )
    with pytest.raises(ValueError, match="6 bytes"):
        encode_packet(
            status=0,
            temperature=0,
            high_alarm=0,
            silenced=False,
            disabled=False,
            unit=0,
            mac=b"\x00",
            alarm=False,
        )


def test_unit_helpers() -> None:
    assert to_unit(100.0, 1) == 212.0
    assert to_unit(100.0, 0) == 100.0
    assert convert(150, 1, 0) == 66
    assert convert(65, 0, 1) == 149
    assert convert(42, 0, 0) == 42


# Cadence -------------------------------------------------------------------


async def test_one_packet_per_interval_only_while_subscribed(proxy: VirtualProxy) -> None:
    device = proxy.add(create_bluedot(seed=1))
    proxy.tick(5.0)  # nobody listens
    assert device.packets_sent == 0
    client = await connect(proxy, device.address)
    packets: list[bytes] = []
    await client.start_notify(UPDATES, lambda _char, data: packets.append(bytes(data)))
    for _ in range(4):
        proxy.tick(1.0)
    assert len(packets) == 4
    assert device.packets_sent == 4
    await client.write_gatt_char(INTERVAL, b"\x03", response=True)
    assert device.interval == 3
    for _ in range(6):
        proxy.tick(1.0)
    assert len(packets) == 6
    proxy.tick(60.0)  # a long step still sends one packet
    assert len(packets) == 7
    await client.stop_notify(UPDATES)
    proxy.tick(3.0)
    assert len(packets) == 7
    assert all(len(p) == 20 for p in packets)
    await client.disconnect()


async def test_interval_outlives_the_connection(proxy: VirtualProxy) -> None:
    device, client, _ = await subscribed(proxy)
    await client.write_gatt_char(INTERVAL, b"\x3c", response=True)
    await client.disconnect()
    assert device.interval == 60


@pytest.mark.parametrize(
    ("uuid", "data", "code"),
    [
        (INTERVAL, b"", ATT_INVALID_ATTRIBUTE_VALUE_LENGTH),
        (INTERVAL, b"\x01\x00", ATT_INVALID_ATTRIBUTE_VALUE_LENGTH),
        (INTERVAL, b"\x00", ATT_VALUE_NOT_ALLOWED),
        (HIGH_ALARM, b"\x2c\x01\x00\x00", ATT_INVALID_ATTRIBUTE_VALUE_LENGTH),  # wider: unknown
        (UNITS, b"\x02", ATT_VALUE_NOT_ALLOWED),
        (UNITS, b"", ATT_INVALID_ATTRIBUTE_VALUE_LENGTH),
    ],
)
async def test_refused_writes(proxy: VirtualProxy, uuid: str, data: bytes, code: int) -> None:
    device, client, _ = await subscribed(proxy)
    before = (device.interval, device.high_alarm, device.unit)
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(uuid, data, response=True)
    assert err.value.code == code
    assert (device.interval, device.high_alarm, device.unit) == before


async def test_write_without_response_refused(proxy: VirtualProxy) -> None:
    _device, client, _ = await subscribed(proxy)
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(HIGH_ALARM, b"\x20", response=False)
    assert err.value.code == ATT_WRITE_NOT_PERMITTED


# Physics and alarm ---------------------------------------------------------


def test_cooking_curve_rises_toward_the_cooker() -> None:
    device = create_bluedot(unit=0, temperature=5.0, cooker_temperature=120.0, seed=2)
    readings = []
    for _ in range(12):
        device.advance(600.0)
        readings.append(device.reading)
    assert readings[0] < readings[5] < readings[-1] <= 122
    assert readings[-1] > 90  # two hours with a 25-minute time constant


def test_seeded_runs_repeat() -> None:
    def run(seed: int) -> list[bytes]:
        device = create_bluedot(seed=seed)
        packets = []
        for _ in range(10):
            device.advance(30.0)
            packets.append(device.packet())
        return packets

    assert run(9) == run(9)
    assert run(9) != run(10)  # same curve, other noise


async def test_alarm_sounds_silences_and_rearms(proxy: VirtualProxy) -> None:
    device, client, packets = await subscribed(proxy, temperature=60.0, high_alarm=150, seed=4)
    proxy.tick(1.0)
    assert fields(packets[-1])["alarm"] == 0  # 140 °F
    device.probe.temperature = 80.0  # 176 °F
    proxy.tick(1.0)
    assert device.alarm_active
    assert fields(packets[-1])["alarm"] == 1

    device.silence()
    proxy.tick(1.0)
    assert (fields(packets[-1])["alarm"], fields(packets[-1])["silenced"]) == (0, 1)

    await client.write_gatt_char(HIGH_ALARM, bytes([200]), response=True)  # new alarm un-silences
    proxy.tick(1.0)
    assert fields(packets[-1])["high"] == 200
    assert (fields(packets[-1])["alarm"], fields(packets[-1])["silenced"]) == (0, 0)

    await client.write_gatt_char(HIGH_ALARM, bytes([170]), response=True)
    proxy.tick(1.0)
    assert fields(packets[-1])["alarm"] == 1
    device.silence()
    device.probe.temperature = 60.0  # falls below: the next crossing sounds again
    proxy.tick(1.0)
    assert not device.alarm_silenced
    device.silence()  # nothing sounding: nothing to silence
    assert not device.alarm_silenced

    device.alarm_disabled = True
    device.probe.temperature = 90.0
    proxy.tick(1.0)
    assert (fields(packets[-1])["alarm"], fields(packets[-1])["disabled"]) == (0, 1)
    await client.disconnect()


async def test_unplug_keeps_the_last_temperature(proxy: VirtualProxy) -> None:
    device, client, packets = await subscribed(proxy, temperature=80.0, high_alarm=100, seed=6)
    proxy.tick(1.0)
    last = fields(packets[-1])
    assert (last["status"], last["alarm"]) == (0, 1)
    device.unplug()
    assert not device.probe_connected
    proxy.tick(1.0)
    proxy.tick(100.0)
    unplugged = fields(packets[-1])
    assert unplugged["status"] == 3
    assert unplugged["temperature"] == last["temperature"]
    assert unplugged["alarm"] == 0
    device.plug(21.0)
    assert device.probe_connected
    proxy.tick(1.0)
    assert fields(packets[-1])["status"] == 0
    assert abs(fields(packets[-1])["temperature"] - 70) < 10  # °F
    await client.disconnect()


async def test_units_and_low_alarm(proxy: VirtualProxy) -> None:
    device, client, packets = await subscribed(proxy, high_alarm=212, seed=3)
    device.reading = 50
    await client.write_gatt_char(UNITS, b"\x00", response=True)
    assert await client.read_gatt_char(UNITS) == b"\x00"
    assert (device.unit, device.high_alarm, device.reading) == (0, 100, 10)
    await client.write_gatt_char(UNITS, b"\x00", response=True)  # no change
    assert device.high_alarm == 100
    proxy.tick(1.0)
    assert fields(packets[-1])["unit"] == 0
    await client.write_gatt_char(LOW_ALARM, b"\x10\x00", response=True)
    assert device.low_alarm == b"\x10\x00"
    await client.disconnect()


# Faults (the base class's, as for the iGrill) -------------------------------


async def test_malformed_sends_wrong_length_packets(proxy: VirtualProxy) -> None:
    device, client, packets = await subscribed(proxy, seed=5)
    device.faults.set(Fault.MALFORMED)
    for _ in range(3):
        proxy.tick(1.0)
    assert len(packets) == 3
    assert all(len(p) != 20 for p in packets)
    with pytest.raises(AttError):
        await client.read_gatt_char(UPDATES)
    await client.disconnect()


async def test_drop_link(proxy: VirtualProxy) -> None:
    dropped: list[object] = []
    device = proxy.add(create_bluedot())
    client = await connect(proxy, device.address, disconnected_callback=dropped.append)
    device.faults.set(Fault.DROP_LINK)
    assert dropped == [client]
    assert not client.is_connected
    assert not device.connected


async def test_silent(proxy: VirtualProxy) -> None:
    device = proxy.add(create_bluedot())
    assert device.advertising
    device.faults.silent = True
    assert not device.advertising
    with pytest.raises(TimeoutError):
        await connect(proxy, device.address)


async def test_read_timeout(proxy: VirtualProxy) -> None:
    device, client, _ = await subscribed(proxy)
    device.faults.read_timeout = True
    device.faults.read_timeout_delay = 0.0
    with pytest.raises(TimeoutError):
        await client.read_gatt_char(UNITS)
    await client.disconnect()


async def test_no_free_slot(proxy: VirtualProxy) -> None:
    device = proxy.add(create_bluedot())
    device.faults.no_free_slot = True
    with pytest.raises(BleakError, match="no available connection slot"):
        await connect(proxy, device.address)


async def test_slow_and_refuse_handshake(proxy: VirtualProxy) -> None:
    device, client, packets = await subscribed(proxy)
    device.faults.slow = True
    device.faults.slow_latency = 0.001
    device.faults.refuse_handshake = True  # no handshake on a BlueDOT: no effect
    await client.write_gatt_char(INTERVAL, b"\x01", response=True)
    proxy.tick(1.0)
    assert len(packets) == 1
    assert len(packets[0]) == 20
    await client.disconnect()


async def test_one_central_at_a_time(proxy: VirtualProxy) -> None:
    device = proxy.add(create_bluedot())
    first = await connect(proxy, device.address)
    assert not device.advertising  # a connected device stops advertising
    with pytest.raises(BleakError, match="already connected"):
        await connect(proxy, device.address)
    await first.disconnect()
    assert device.advertising
