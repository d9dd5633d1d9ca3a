# mypy: disable-error-code="unreachable"
# (asserting a property before and after a call trips mypy's narrowing)
"""The emulated DE1: advertisement, GATT table, registers, calibration (de1.md §1, §3, §6, §7)."""

from __future__ import annotations

import asyncio

import pytest
from bleak.exc import BleakError

from emulator.de1 import GHC_PRESENT_ACTIVE, create_de1, default_address
from emulator.gatt import (
    ATT_INVALID_ATTRIBUTE_VALUE_LENGTH,
    ATT_READ_NOT_PERMITTED,
    AttError,
)
from emulator.proxy import VirtualProxy

from .common import connect
from .test_de1_wire import (
    CALIBRATION,
    DELETE_SHOT_RANGE,
    DEPRECATED,
    FRAME_WRITE,
    FW_MAP_REQUEST,
    HEADER_WRITE,
    READ_FROM_MMR,
    REQUESTED_STATE,
    SET_TIME,
    SHOT_DIRECTORY,
    SHOT_MAP_REQUEST,
    SHOT_SAMPLE,
    SHOT_SETTINGS,
    STATE_INFO,
    TEMPERATURES,
    VERSIONS,
    WATER_LEVELS,
    WRITE_TO_MMR,
    awake,
    linked,
    mmr_write,
    read_levels,
    read_sample,
    shot_settings,
    uuid,
)

# Advertisement and factory ----------------------------------------------------


def test_advertisement() -> None:  # §1
    adv = create_de1().advertisement()
    assert adv.local_name == "DE1"
    assert adv.service_uuids == ["0000ffff-0000-1000-8000-00805f9b34fb"]
    assert adv.manufacturer_data == {}
    assert create_de1(advertise_service=False).advertisement().service_uuids == []


def test_addresses_are_random_static() -> None:  # §1: ADDR_TYPE_RANDOM
    assert default_address(1) == "D9:B2:48:DE:00:01"
    assert default_address(0x102) == "D9:B2:48:DE:01:02"
    assert int(default_address(3)[:2], 16) >> 6 == 0b11
    device = create_de1("d9:b2:48:00:00:09", "DE1 kitchen")
    assert (device.address, device.name, device.model) == (
        "D9:B2:48:00:00:09",
        "DE1 kitchen",
        "de1",
    )
    assert create_de1().address == "D9:B2:48:DE:00:01"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"model_code": 128}, "Bengle"),
        ({"model_code": -1}, "model_code"),
        ({"mains_hz": 55}, "mains_hz"),
        ({"heating_speed": 0}, "heating_speed"),
    ],
)
def test_factory_refuses(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_de1(**options)  # type: ignore[arg-type]


PROPERTIES = {
    0xA001: ["read", "notify"],
    0xA002: ["read", "write", "notify"],
    0xA003: ["read", "write", "notify"],
    0xA004: ["read", "write", "notify"],
    0xA005: ["read", "write", "notify"],
    0xA006: ["write", "notify"],
    0xA007: ["write", "notify"],
    0xA008: ["write", "notify"],
    0xA009: ["write", "notify"],
    0xA00A: ["read", "notify"],
    0xA00B: ["read", "write", "notify"],
    0xA00C: ["read", "write", "notify"],
    0xA00D: ["read", "notify"],
    0xA00E: ["read", "notify"],
    0xA00F: ["read", "write", "notify"],
    0xA010: ["read", "write", "notify"],
    0xA011: ["read", "write", "notify"],
    0xA012: ["read", "write", "notify"],
}


async def test_gatt_table(proxy: VirtualProxy) -> None:  # §3, pyDE1's column
    device = proxy.add(create_de1())
    client = await connect(proxy, device.address)
    assert [s.uuid for s in client.services] == ["0000a000-0000-1000-8000-00805f9b34fb"]
    found = {
        short: client.services.get_characteristic(uuid(short)).properties  # type: ignore[union-attr]
        for short in PROPERTIES
    }
    assert found == PROPERTIES
    assert client.services.get_characteristic(uuid(0xA013)) is None  # Bengle only
    await client.disconnect()


async def test_fixed_reads(proxy: VirtualProxy) -> None:  # §3, §10.4, LB's zero reads
    link = await linked(proxy)
    read = link.client.read_gatt_char
    assert await read(VERSIONS) == bytes.fromhex("040f022f7cc5d9e2b0") + bytes(9)
    assert await read(REQUESTED_STATE) == b"\x00"
    assert await read(SET_TIME) == bytes(8)
    assert await read(SHOT_DIRECTORY) == bytes(24)
    assert await read(READ_FROM_MMR) == bytes(20)
    assert await read(TEMPERATURES) == bytes(16)
    assert await read(DEPRECATED) == bytes(20)
    assert await read(STATE_INFO) == b"\x00\x00"  # asleep
    assert await read(HEADER_WRITE) == bytes.fromhex("0102010060")  # the built-in profile
    assert await read(FRAME_WRITE) == bytes.fromhex("0140 90ba 9e 00 0400")
    assert await read(CALIBRATION) == bytes(14)
    assert await read(SHOT_SETTINGS) == bytes.fromhex("00a07850323cc85e00")
    assert read_levels(await read(WATER_LEVELS)) == pytest.approx((40.0, 5.0), abs=0.01)
    sample = read_sample(await read(SHOT_SAMPLE))
    assert sample.head == pytest.approx(20.0, abs=0.2)  # asleep and cold
    assert sample.set_head == 94.0
    with pytest.raises(AttError) as err:
        await read(WRITE_TO_MMR)
    assert err.value.code == ATT_READ_NOT_PERMITTED


async def test_writes_kept_or_ignored(proxy: VirtualProxy) -> None:
    link = await linked(proxy)
    write = link.client.write_gatt_char
    await write(SET_TIME, bytes.fromhex("0000000065000000"), response=True)
    assert await link.client.read_gatt_char(SET_TIME) == bytes.fromhex("0000000065000000")
    for char in (SHOT_DIRECTORY, SHOT_MAP_REQUEST, DELETE_SHOT_RANGE, DEPRECATED):
        await write(char, b"\x01\x02", response=True)  # acknowledged, nothing happens
    assert await link.client.read_gatt_char(SHOT_DIRECTORY) == bytes(24)
    assert link.device.state == (0, 0)


@pytest.mark.parametrize(
    ("char", "data"),
    [
        (REQUESTED_STATE, b""),
        (REQUESTED_STATE, b"\x02\x00"),
        (SET_TIME, b"\x00"),
        (SHOT_SETTINGS, bytes(8)),
        (WATER_LEVELS, bytes(3)),
        (HEADER_WRITE, bytes(4)),
        (FRAME_WRITE, bytes(7)),
        (READ_FROM_MMR, bytes(4)),
        (WRITE_TO_MMR, bytes(8)),
        (WRITE_TO_MMR, bytes(20)),  # Len 0
        (CALIBRATION, bytes(13)),
        (FW_MAP_REQUEST, bytes(6)),
    ],
)
async def test_bad_lengths_are_att_errors(proxy: VirtualProxy, char: str, data: bytes) -> None:
    link = await linked(proxy)
    with pytest.raises(AttError) as err:
        await link.client.write_gatt_char(char, data, response=True)
    assert err.value.code == ATT_INVALID_ATTRIBUTE_VALUE_LENGTH


async def test_one_central_at_a_time(proxy: VirtualProxy) -> None:
    device = proxy.add(create_de1())
    first = await connect(proxy, device.address)
    assert not device.advertising
    with pytest.raises(BleakError, match="already connected"):
        await connect(proxy, device.address)
    await first.disconnect()
    assert device.advertising


# Settings ---------------------------------------------------------------------


async def test_shot_settings_and_refill_threshold_write_read_back(proxy: VirtualProxy) -> None:
    link = await linked(proxy)
    wire = shot_settings(steam_temp=0, steam_length=255, water_volume=250, group=92.5)
    await link.client.write_gatt_char(SHOT_SETTINGS, wire, response=True)
    assert await link.client.read_gatt_char(SHOT_SETTINGS) == wire
    assert link.device.machine.settings.group_temp == 92.5
    await link.client.write_gatt_char(WATER_LEVELS, bytes.fromhex("00000700"), response=True)
    level, refill = read_levels(await link.client.read_gatt_char(WATER_LEVELS))
    assert refill == 7.0
    assert level == pytest.approx(40.0, abs=0.01)  # measured, not set by the write


# MMR (§7) -----------------------------------------------------------------------


async def test_mmr_read_answers_by_notification(proxy: VirtualProxy) -> None:  # §10.8
    link = await linked(proxy, firmware=1333, model_code=3, serial=98765)
    request = bytes.fromhex("00800010") + bytes(16)
    await link.client.write_gatt_char(READ_FROM_MMR, request, response=True)
    assert link.received[READ_FROM_MMR] == []  # not during the write itself
    await asyncio.sleep(0)
    assert link.received[READ_FROM_MMR] == [bytes.fromhex("0480001035050000") + bytes(12)]
    assert await link.client.read_gatt_char(READ_FROM_MMR) == request  # the last request
    # Three words from 0x800008: board, model, firmware (de1app's read).
    assert await link.mmr(0x800008, 3) == [(0x800008, [1300, 3, 1333])]
    assert await link.mmr(0x803830) == [(0x803830, [98765])]
    assert await link.mmr(0x800000) == [(0x800000, [0xFFFFFFFF])]


async def test_long_reads_come_in_parts(proxy: VirtualProxy) -> None:  # §7.1
    link = await linked(proxy)
    answers = await link.mmr(0x803808, 6)  # 24 bytes: 16, then 8
    assert [(a, len(w)) for a, w in answers] == [(0x803808, 4), (0x803818, 2)]
    assert answers[0][1] == [60, 0, 20, 40]
    assert answers[1][1] == [990, 0]
    raw = link.received[READ_FROM_MMR]
    assert (raw[0][0], raw[1][0]) == (16, 8)


async def test_ghc_info(proxy: VirtualProxy) -> None:  # §10.8 real log, §9.2
    link = await linked(proxy, ghc_info=4)
    await link.client.write_gatt_char(READ_FROM_MMR, bytes.fromhex("0080381c") + bytes(16), True)
    await asyncio.sleep(0)
    assert link.received[READ_FROM_MMR][0][:8] == bytes.fromhex("0480381c04000000")
    other = await linked(proxy.__class__(suffix="b"), ghc_info=GHC_PRESENT_ACTIVE)
    assert await other.mmr(0x80381C) == [(0x80381C, [7])]


async def test_mmr_write_stored_and_read_back(proxy: VirtualProxy) -> None:  # §10.8
    link = await linked(proxy)
    write = link.client.write_gatt_char
    await write(WRITE_TO_MMR, bytes.fromhex("0480384832000000") + bytes(12), response=True)
    await write(WRITE_TO_MMR, bytes.fromhex("0480382846000000") + bytes(12), response=True)
    await write(WRITE_TO_MMR, mmr_write(0x80380C, 0), response=True)  # §10.6 tank temperature
    assert await link.mmr(0x803848) == [(0x803848, [50])]
    assert await link.mmr(0x803828) == [(0x803828, [70])]
    # Two registers in one write: Len 8.
    two = (
        bytes([8])
        + (0x803840).to_bytes(3, "big")
        + (45).to_bytes(4, "little")
        + (900).to_bytes(4, "little")
    ).ljust(20, b"\0")
    await write(WRITE_TO_MMR, two, response=True)
    assert await link.mmr(0x803840, 2) == [(0x803840, [45, 900])]


async def test_read_only_and_unknown_registers(proxy: VirtualProxy) -> None:
    link = await linked(proxy, firmware=1352)
    write = link.client.write_gatt_char
    await write(WRITE_TO_MMR, mmr_write(0x800010, 9999), response=True)  # firmware build: R
    await write(WRITE_TO_MMR, mmr_write(0x80381C, 0), response=True)  # GHC_INFO: R
    await write(WRITE_TO_MMR, mmr_write(0x803870, 5), response=True)  # nothing there
    assert await link.mmr(0x800010) == [(0x800010, [1352])]
    assert await link.mmr(0x803870) == [(0x803870, [0])]
    assert await link.mmr(0x802800) == [(0x802800, [0])]  # DEBUG_LEN


@pytest.mark.parametrize(
    ("firmware", "address", "present"),
    [
        (1249, 0x803838, True),  # HEATER_UP2_TIMEOUT
        (1249, 0x80383C, False),  # CAL_FLOW_EST: from 1250
        (1282, 0x80383C, True),
        (1282, 0x803848, False),  # FLUSH_TIMEOUT: from 1283
        (1283, 0x803860, True),
        (1283, 0x803864, False),
    ],
)
async def test_registers_by_firmware(
    proxy: VirtualProxy, firmware: int, address: int, present: bool
) -> None:  # §7.2 availability, §9.1
    link = await linked(proxy, firmware=firmware)
    await link.client.write_gatt_char(WRITE_TO_MMR, mmr_write(address, 7), response=True)
    expected = 7 if present else 0
    assert await link.mmr(address) == [(address, [expected])]


async def test_old_firmware_freezes_on_ghc_reads(proxy: VirtualProxy) -> None:  # §9.1
    link = await linked(proxy, firmware=1260)
    link.device.advance(1.0)
    assert await link.mmr(0x803820) == []  # no answer: the machine hung
    assert link.device.machine.frozen
    sent = len(link.received[SHOT_SAMPLE])
    link.device.advance(5.0)
    assert len(link.received[SHOT_SAMPLE]) == sent  # no telemetry either
    assert await link.mmr(0x800010) == []
    await link.request(2, 1.0)
    assert link.device.state == (0, 0)
    link.device.reboot()
    link.device.advance(1.0)
    assert not link.device.machine.frozen
    assert await link.mmr(0x800010) == [(0x800010, [1260])]
    newer = await linked(VirtualProxy(suffix="new"), firmware=1265)
    assert await newer.mmr(0x803820) == [(0x803820, [0])]


async def test_usb_charging_comes_back_on_new_firmware(proxy: VirtualProxy) -> None:  # §9.1
    link = await awake(proxy, firmware=1324)
    await link.client.write_gatt_char(WRITE_TO_MMR, mmr_write(0x803854, 0), response=True)
    link.device.advance(590.0)
    assert await link.mmr(0x803854) == [(0x803854, [0])]
    link.device.advance(20.0)
    assert await link.mmr(0x803854) == [(0x803854, [1])]
    older = await awake(VirtualProxy(suffix="old"), firmware=1323)
    await older.client.write_gatt_char(WRITE_TO_MMR, mmr_write(0x803854, 0), response=True)
    older.device.advance(700.0)
    assert await older.mmr(0x803854) == [(0x803854, [0])]


async def test_firmware_upload_path(proxy: VirtualProxy) -> None:  # §7.4
    link = await linked(proxy)
    write = link.client.write_gatt_char
    await write(FW_MAP_REQUEST, bytes.fromhex("00000101000000"), response=True)  # erase
    chunk = bytes([0x10]) + (0x000010).to_bytes(3, "big") + bytes(range(16))
    await write(WRITE_TO_MMR, chunk, response=True)
    await write(WRITE_TO_MMR, chunk, response=True)
    assert link.device.firmware_bytes == 32
    await write(FW_MAP_REQUEST, bytes.fromhex("00000001ffffff"), response=True)  # verify
    await asyncio.sleep(0)
    assert link.received[FW_MAP_REQUEST] == [
        bytes.fromhex("00000101000000"),
        bytes.fromhex("00000001fffffd"),
    ]
    await write(FW_MAP_REQUEST, bytes.fromhex("00000001000000"), response=True)  # map only
    assert link.device.firmware_bytes == 32
    await write(FW_MAP_REQUEST, bytes.fromhex("00000101000000"), response=True)
    assert link.device.firmware_bytes == 0


# Calibration (§6.3) -------------------------------------------------------------


def cal(key: int, command: int, target: int, reported: int = 0, measured: int = 0) -> bytes:
    return (
        key.to_bytes(4, "big")
        + bytes([command, target])
        + reported.to_bytes(4, "big", signed=True)
        + measured.to_bytes(4, "big", signed=True)
    )


async def test_calibration_read_write_reset(proxy: VirtualProxy) -> None:
    link = await linked(proxy)
    write, got = link.client.write_gatt_char, link.received[CALIBRATION]
    await write(CALIBRATION, cal(1, 0, 1), response=True)  # de1app reads with key 1
    await asyncio.sleep(0)
    assert got[-1] == cal(1, 0, 1, 0x10000, 0x10000)  # pressure ratio 1.0 / 1.0
    await write(CALIBRATION, cal(0xCAFEF00D, 1, 0, 0x10000, 0x11000), response=True)
    await write(CALIBRATION, cal(0, 0, 0), response=True)  # pyDE1 reads with key 0
    await asyncio.sleep(0)
    assert got[-1] == cal(0, 0, 0, 0x10000, 0x11000)
    assert await link.client.read_gatt_char(CALIBRATION) == got[-1]
    await write(CALIBRATION, cal(0, 3, 0), response=True)  # factory value
    await asyncio.sleep(0)
    assert got[-1] == cal(0, 3, 0, 0x10000, 0x10000)
    await write(CALIBRATION, cal(0xCAFEF00D, 2, 0), response=True)  # reset
    await write(CALIBRATION, cal(0, 0, 0), response=True)
    await asyncio.sleep(0)
    assert got[-1] == cal(0, 0, 0, 0x10000, 0x10000)
    await write(CALIBRATION, cal(0, 0, 2), response=True)
    await asyncio.sleep(0)
    assert got[-1] == cal(0, 0, 2)  # temperature offset 0


@pytest.mark.parametrize(
    "request_",
    [cal(0, 0, 7), cal(1, 1, 0, 5, 5), cal(1, 2, 0), cal(0, 9, 0)],
    ids=["unknown target", "write without key", "reset without key", "unknown command"],
)
async def test_calibration_errors(proxy: VirtualProxy, request_: bytes) -> None:
    link = await linked(proxy)
    await link.client.write_gatt_char(CALIBRATION, request_, response=True)
    await asyncio.sleep(0)
    answer = link.received[CALIBRATION][-1]
    assert answer[5] == 255  # CalTarget 255: an error reply
    assert link.device.calibration == link.device.factory_calibration


def test_answers_without_a_running_loop() -> None:
    device = create_de1()
    sent: list[tuple[str, bytes]] = []

    class Listener:
        def on_notification(self, uuid_: str, data: bytes) -> None:
            sent.append((uuid_, data))

        def on_link_lost(self) -> None:
            """Not used."""

    device.attach(Listener())
    device._subscribed.add(READ_FROM_MMR)
    device.characteristic(READ_FROM_MMR).write(bytes.fromhex("00800010") + bytes(16), True)
    assert sent == [(READ_FROM_MMR, bytes.fromhex("0480001048050000") + bytes(12))]
