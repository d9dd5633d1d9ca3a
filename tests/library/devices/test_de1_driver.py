# mypy: disable-error-code="unreachable"
# (asserting a state field before and after a notification trips mypy's narrowing)
"""De1Driver against an in-test fake DE1 (de1.md §3-§9): start, notifications, commands, poll.

The fake builds its own bytes from the fact sheet (it answers MMR and
calibration requests by notification, soon after the write returns, and can
answer a RequestedState write with a StateInfo change), so a misunderstanding
in the driver's codec shows as a failing test.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.devices.base import (
    NotifyCallback,
    UnsupportedDeviceError,
)
from custom_components.kitchen_ble.library.devices.de1 import driver as driver_module
from custom_components.kitchen_ble.library.devices.de1 import registers
from custom_components.kitchen_ble.library.devices.de1.codec import (
    CalCommand,
    Calibration,
    CalTarget,
    ShotSample,
    ShotSettings,
    StateInfo,
)
from custom_components.kitchen_ble.library.devices.de1.driver import De1Driver
from custom_components.kitchen_ble.library.devices.de1.errors import (
    De1CommandError,
    De1EncodeError,
    De1FirmwareError,
    De1MmrTimeoutError,
    De1StartRefusedError,
    De1StateTimeoutError,
    De1TimeoutError,
)
from custom_components.kitchen_ble.library.devices.de1.models import DE1, DE1_PRO
from custom_components.kitchen_ble.library.devices.de1.state import StartBlock
from custom_components.kitchen_ble.library.devices.de1.states import MachineState, Substate
from tests.library.devices.test_de1_codec import MID_SHOT, MID_SHOT_BYTES


def uuid16(short: int) -> str:
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


SERVICE = uuid16(0xA000)
VERSIONS = uuid16(0xA001)
REQUESTED_STATE = uuid16(0xA002)
READ_FROM_MMR = uuid16(0xA005)
WRITE_TO_MMR = uuid16(0xA006)
SHOT_SETTINGS = uuid16(0xA00B)
SHOT_SAMPLE = uuid16(0xA00D)
STATE_INFO = uuid16(0xA00E)
WATER_LEVELS = uuid16(0xA011)
CALIBRATION = uuid16(0xA012)
ALL_CHARS = [
    VERSIONS,
    REQUESTED_STATE,
    uuid16(0xA003),
    uuid16(0xA004),
    READ_FROM_MMR,
    WRITE_TO_MMR,
    uuid16(0xA009),
    uuid16(0xA00A),
    SHOT_SETTINGS,
    SHOT_SAMPLE,
    STATE_INFO,
    uuid16(0xA00F),
    uuid16(0xA010),
    WATER_LEVELS,
    CALIBRATION,
]
NOTIFYING = [SHOT_SAMPLE, STATE_INFO, WATER_LEVELS, SHOT_SETTINGS, READ_FROM_MMR, CALIBRATION]

# §10 vectors
VERSIONS_LB = bytes.fromhex("040901c151092c5ee0000000000000000000")
SETTINGS_LB = bytes.fromhex("00a07850323cc85e00")
WATER_LB = bytes.fromhex("198b0500")
IDLE = bytes.fromhex("0200")
SAMPLE_IDLE = bytes.fromhex("025c0044000021ea221eda5a005e000000024d")

# A DE1PRO on firmware 1333 with no GHC; flush 6.0 mL/s, 85 °C, 20 s; hot water 1.0 mL/s.
DEFAULT_MMR = {
    0x800008: 1300,
    0x80000C: 3,
    0x800010: 1333,
    0x80381C: 0,
    0x803828: 70,
    0x80382C: 70,
    0x803830: 12345,
    0x803834: 1230,
    0x803840: 60,
    0x803844: 850,
    0x803848: 200,
    0x80384C: 10,
    0x803850: 0,
    0x803854: 1,
    0x803858: 0,
    0x80385C: 2,
}


@dataclass
class FakeCharacteristic:
    uuid: str


@dataclass
class FakeService:
    uuid: str
    characteristics: list[FakeCharacteristic]


class FakeServices:
    def __init__(self, service: str | None, chars: list[str]) -> None:
        self._services = (
            []
            if service is None
            else [FakeService(service, [FakeCharacteristic(c) for c in chars])]
        )

    def __iter__(self) -> Iterator[FakeService]:
        return iter(self._services)

    def get_characteristic(self, uuid: str) -> FakeCharacteristic | None:
        chars = (c for s in self._services for c in s.characteristics)
        return next((c for c in chars if c.uuid == uuid.lower()), None)


def mmr_reply(address: int, words: list[int]) -> bytes:
    """§7.1: [valid bytes][address BE 24][LE words], zero-padded to 20 bytes."""
    data = b"".join(word.to_bytes(4, "little") for word in words)
    frame = bytes([len(data)]) + address.to_bytes(3, "big") + data
    return frame + bytes(20 - len(frame))


@dataclass
class FakeDe1:
    """Records every GATT operation; answers like a DE1."""

    service: str | None = SERVICE
    chars: list[str] = field(default_factory=lambda: list(ALL_CHARS))
    values: dict[str, bytes] = field(
        default_factory=lambda: {
            VERSIONS: VERSIONS_LB,
            SHOT_SETTINGS: SETTINGS_LB,
            WATER_LEVELS: WATER_LB,
            STATE_INFO: IDLE,
        }
    )
    mmr: dict[int, int] = field(default_factory=lambda: dict(DEFAULT_MMR))
    silent: set[int] = field(default_factory=set)  # MMR addresses never answered
    ignore_first: dict[int, int] = field(default_factory=dict)  # address → requests dropped
    short_reply: set[int] = field(default_factory=set)  # answered with one word too few
    state_answers: dict[int, bytes] = field(default_factory=dict)  # requested byte → StateInfo
    calibration_answer: bytes | None = None
    echo_settings: bool = True  # a written ShotSettings is what a read returns next
    writes: list[tuple[str, bytes, bool]] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    callbacks: dict[str, NotifyCallback] = field(default_factory=dict)

    @property
    def is_connected(self) -> bool:
        return True

    @property
    def services(self) -> FakeServices:
        return FakeServices(self.service, self.chars)

    async def read_gatt_char(self, char_specifier: Any, **kwargs: Any) -> bytearray:
        self.reads.append(char_specifier)
        return bytearray(self.values[char_specifier])

    async def write_gatt_char(
        self, char_specifier: Any, data: bytes | bytearray, response: bool
    ) -> None:
        data = bytes(data)
        self.writes.append((char_specifier, data, response))
        if char_specifier == READ_FROM_MMR:
            self._answer_mmr(data)
        elif char_specifier == WRITE_TO_MMR:
            address = int.from_bytes(data[1:4], "big")
            self.mmr[address] = int.from_bytes(data[4:8], "little")
        elif char_specifier == REQUESTED_STATE and data[0] in self.state_answers:
            self.later(STATE_INFO, self.state_answers[data[0]])
        elif char_specifier == CALIBRATION and self.calibration_answer is not None:
            self.later(CALIBRATION, self.calibration_answer)
        elif char_specifier == SHOT_SETTINGS and self.echo_settings:
            self.values[SHOT_SETTINGS] = data

    async def start_notify(
        self, char_specifier: Any, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self.callbacks[char_specifier] = callback

    def notify(self, uuid: str, data: bytes) -> None:
        self.callbacks[uuid](object(), bytearray(data))

    def later(self, uuid: str, data: bytes) -> None:
        asyncio.get_running_loop().call_soon(self.notify, uuid, data)

    def _answer_mmr(self, request: bytes) -> None:
        words = request[0] + 1
        address = int.from_bytes(request[1:4], "big")
        if address in self.silent:
            return
        if self.ignore_first.get(address, 0) > 0:
            self.ignore_first[address] -= 1
            return
        count = words - 1 if address in self.short_reply else words
        values = [self.mmr.get(address + 4 * i, 0) for i in range(count)]
        self.later(READ_FROM_MMR, mmr_reply(address, values))

    def written(self, uuid: str) -> list[bytes]:
        return [data for char, data, _ in self.writes if char == uuid]

    def mmr_reads(self) -> list[str]:
        """The read requests as "len address" hex, e.g. "00 800010"."""
        return [f"{data[0]:02x} {data[1:4].hex()}" for data in self.written(READ_FROM_MMR)]


# Test helpers -----------------------------------------------------------------------

FAST = {"mmr_timeout": 0.05, "mmr_retry_delay": 0.001, "sleep_settle_timeout": 0.05}
ZEROS_12 = "00" * 12
ZEROS_16 = "00" * 16


def fuzz_examples() -> int:
    """Fuzz examples per test; KITCHEN_BLE_FUZZ_EXAMPLES raises it for a long run."""
    return int(os.environ.get("KITCHEN_BLE_FUZZ_EXAMPLES", "200"))


class Events:
    """What the driver reported, in order: ShotSamples and "update" marks."""

    def __init__(self) -> None:
        self.log: list[object] = []

    def update(self) -> None:
        self.log.append("update")

    def sample(self, sample: ShotSample) -> None:
        self.log.append(sample)

    @property
    def updates(self) -> int:
        return self.log.count("update")

    @property
    def samples(self) -> list[object]:
        return [event for event in self.log if isinstance(event, ShotSample)]


def make(**kwargs: Any) -> tuple[De1Driver, Events]:
    events = Events()
    return De1Driver(DE1, events.update, events.sample, **{**FAST, **kwargs}), events


async def started(
    client: FakeDe1 | None = None, **kwargs: Any
) -> tuple[De1Driver, Events, FakeDe1]:
    driver, events = make(**kwargs)
    client = client or FakeDe1()
    await driver.async_start(client)
    client.writes.clear()
    client.reads.clear()
    events.log.clear()
    return driver, events, client


def with_mmr(**changes: int) -> FakeDe1:
    """A fake whose registers differ from the default by name, e.g. build=1260."""
    names = {"build": 0x800010, "model": 0x80000C, "ghc": 0x80381C, "flags": 0x803858}
    mmr = dict(DEFAULT_MMR)
    for name, value in changes.items():
        mmr[names[name]] = value
    return FakeDe1(mmr=mmr)


def in_state(driver: De1Driver, client: FakeDe1, spaced: str) -> None:
    client.notify(STATE_INFO, bytes.fromhex(spaced.replace(" ", "")))


# Start ------------------------------------------------------------------------------


async def test_start_subscribes_reads_and_refines_the_model() -> None:
    driver, events = make()
    client = FakeDe1()
    assert driver.poll_interval == 30.0
    assert driver.model is DE1

    await driver.async_start(client)

    assert set(client.callbacks) == set(NOTIFYING)
    assert client.reads == [VERSIONS, SHOT_SETTINGS, WATER_LEVELS, STATE_INFO]
    # identity (3 words from 0x800008, de1app), GHC, steam/serial/voltage, flush, app flags
    assert client.mmr_reads() == ["02 800008", "00 80381c", "03 803828", "03 803840", "03 803850"]
    assert client.written(READ_FROM_MMR)[0] == bytes.fromhex("02800008" + ZEROS_16)
    assert all(response is True for _, _, response in client.writes)
    assert driver.model is DE1_PRO
    state = driver.state
    assert (state.firmware_build, state.machine_model_code, state.serial_number) == (1333, 3, 12345)
    assert state.cpu_board_model == 1.3
    assert state.features is not None
    assert state.features.build == 1333
    assert (state.ghc_info, state.ghc_present, state.ghc_active) == (0, False, False)
    assert state.register(registers.FLUSH_FLOW_RATE) == 6.0
    assert state.register(registers.FLUSH_TEMP) == 85.0
    assert state.register(registers.FLUSH_TIMEOUT) == 20.0
    assert state.register(registers.HOT_WATER_FLOW_RATE) == 1.0
    assert state.register(registers.TARGET_STEAM_FLOW) == 0.7
    assert state.register(registers.STEAM_START_SECS) == 0.7
    assert state.register(registers.HEATER_VOLTAGE) == 1230
    assert state.register(registers.ALLOW_USB_CHARGING) == 1
    assert state.register(registers.REFILL_KIT_PRESENT) == 2
    assert state.versions is not None
    assert state.versions.ble.api_version == 4
    assert state.shot_settings == ShotSettings(0, 160, 120, 80, 50, 60, 200, 94.0)
    assert (state.water_level_mm, state.refill_threshold_mm) == (25.54296875, 5.0)
    assert state.water_level_ml == pytest.approx(691.648828125)
    assert (state.machine_state, state.substate) == (MachineState.IDLE, Substate.NO_STATE)
    assert state.remote_start_allowed
    assert events.log[-1] == "update"
    assert events.samples == []


@pytest.mark.parametrize(
    ("build", "reads"),
    [
        (1249, ["02 800008", "00 80381c", "03 803828"]),
        (1282, ["02 800008", "00 80381c", "03 803828"]),
        (1283, ["02 800008", "00 80381c", "03 803828", "03 803840"]),
        (1319, ["02 800008", "00 80381c", "03 803828", "03 803840"]),
        (1320, ["02 800008", "00 80381c", "03 803828", "03 803840", "03 803850"]),
    ],
)
async def test_start_reads_only_registers_the_firmware_has(build: int, reads: list[str]) -> None:
    driver, _ = make()
    client = with_mmr(build=build)
    await driver.async_start(client)
    assert client.mmr_reads() == reads
    assert driver.state.firmware_build == build


async def test_start_without_mmr_on_ble_api_3() -> None:
    client = FakeDe1()
    client.values[VERSIONS] = bytes.fromhex("030901c151092c5ee0000000000000000000")
    driver, events = make()
    await driver.async_start(client)
    assert client.written(READ_FROM_MMR) == []
    assert driver.state.features is None
    assert driver.model is DE1
    assert events.updates >= 1


async def test_start_without_the_mmr_characteristics() -> None:
    client = FakeDe1(chars=[c for c in ALL_CHARS if c != WRITE_TO_MMR])
    driver, _ = make()
    await driver.async_start(client)
    assert client.written(READ_FROM_MMR) == []
    with pytest.raises(De1CommandError, match="MMR is not available"):
        await driver.async_mmr_write(client, registers.FAN_THRESHOLD, 50)


async def test_start_without_optional_characteristics() -> None:
    client = FakeDe1(chars=[REQUESTED_STATE, SHOT_SAMPLE, STATE_INFO, READ_FROM_MMR, WRITE_TO_MMR])
    driver, _ = make()
    await driver.async_start(client)
    assert client.reads == [STATE_INFO]
    assert set(client.callbacks) == {SHOT_SAMPLE, STATE_INFO, READ_FROM_MMR}
    assert driver.state.versions is None
    assert driver.state.firmware_build == 1333  # no Versions: MMR is tried
    with pytest.raises(De1CommandError, match="no calibration"):
        await driver.async_read_calibration(client, CalTarget.FLOW)


@pytest.mark.parametrize("service", [None, "0000180f-0000-1000-8000-00805f9b34fb"])
async def test_start_refuses_a_device_without_the_de1_service(service: str | None) -> None:
    driver, _ = make()
    with pytest.raises(UnsupportedDeviceError, match="0xA000"):
        await driver.async_start(FakeDe1(service=service))


async def test_start_refuses_a_de1_service_without_state_info() -> None:
    driver, _ = make()
    client = FakeDe1(chars=[c for c in ALL_CHARS if c != STATE_INFO])
    with pytest.raises(UnsupportedDeviceError, match="a00e"):
        await driver.async_start(client)


async def test_start_refuses_a_bengle() -> None:
    driver, _ = make()
    with pytest.raises(UnsupportedDeviceError, match="Bengle"):
        await driver.async_start(with_mmr(model=128))


async def test_start_fails_when_the_identity_registers_never_answer() -> None:
    driver, _ = make()
    client = FakeDe1(silent={0x800008})
    with pytest.raises(De1MmrTimeoutError, match="0x800008"):
        await driver.async_start(client)
    assert client.mmr_reads() == ["02 800008"] * 3  # REA: one try and two retries


async def test_start_retries_an_unanswered_mmr_read() -> None:
    driver, _ = make()
    client = FakeDe1(ignore_first={0x800008: 2})
    await driver.async_start(client)
    assert client.mmr_reads()[:3] == ["02 800008"] * 3
    assert driver.state.firmware_build == 1333


async def test_start_survives_an_optional_register_that_never_answers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)
    driver, _ = make()
    client = FakeDe1(silent={0x80381C})
    await driver.async_start(client)
    assert client.mmr_reads().count("00 80381c") == 3
    assert driver.state.ghc_info is None
    assert driver.state.remote_start_allowed  # unknown GHC: starts are confirmed by StateInfo
    assert driver.state.serial_number == 12345
    assert "Skipping GHC_INFO" in caplog.text


async def test_a_short_mmr_reply_is_stored_but_does_not_answer_the_request() -> None:
    driver, _ = make()
    client = FakeDe1(short_reply={0x803828})
    await driver.async_start(client)
    assert client.mmr_reads().count("03 803828") == 3
    assert driver.state.serial_number == 12345  # third of the three words that came
    assert driver.state.register(registers.HEATER_VOLTAGE) is None


async def test_start_skips_malformed_reads(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)
    client = FakeDe1()
    client.values.update(
        {
            VERSIONS: bytes(17),
            SHOT_SETTINGS: bytes(8),
            WATER_LEVELS: bytes(3),
            STATE_INFO: bytes(3),
        }
    )
    driver, events = make()
    await driver.async_start(client)
    state = driver.state
    assert (state.versions, state.shot_settings, state.water_level_mm, state.state_info) == (
        None,
        None,
        None,
        None,
    )
    assert state.firmware_build == 1333
    assert caplog.text.count("Skipping malformed read") == 4
    assert events.updates >= 1


async def test_a_new_start_forgets_the_last_link() -> None:
    driver, _, _ = await started(with_mmr(ghc=4))
    assert driver.state.ghc_active is True
    await driver.async_start(FakeDe1(silent={0x80381C}))
    assert driver.state.ghc_info is None
    assert driver.state.remote_start_allowed


# Notifications ----------------------------------------------------------------------


async def test_shot_sample_reaches_on_sample_then_on_update() -> None:
    driver, events, client = await started()
    client.notify(SHOT_SAMPLE, MID_SHOT_BYTES)
    assert events.log == [MID_SHOT, "update"]
    assert driver.state.sample == MID_SHOT


async def test_on_sample_once_per_sample_at_full_rate() -> None:
    _, events, client = await started()
    for _ in range(5):
        client.notify(SHOT_SAMPLE, SAMPLE_IDLE)  # identical samples still all count
    assert len(events.samples) == 5
    assert events.log == [events.samples[0], "update"] * 5
    assert events.samples[0] == ShotSample(
        604, 0.0166015625, 0.0, 33.9140625, 34.120513916015625, 90.0, 94.0, 0.0, 0.0, 2, 77.0
    )


async def test_state_info_notification() -> None:
    driver, events, client = await started()
    client.notify(STATE_INFO, bytes.fromhex("0405"))
    assert (driver.state.machine_state, driver.state.substate) == (
        MachineState.ESPRESSO,
        Substate.POUR,
    )
    assert driver.state.remote_start_block is StartBlock.NOT_IDLE
    assert events.log == ["update"]
    client.notify(STATE_INFO, bytes.fromhex("0405"))
    assert events.log == ["update"]  # unchanged: no update


async def test_water_levels_notification() -> None:
    driver, events, client = await started()
    client.notify(WATER_LEVELS, bytes.fromhex("05330600"))
    assert (driver.state.water_level_mm, driver.state.refill_threshold_mm) == (5.19921875, 6.0)
    assert events.log == ["update"]
    client.notify(WATER_LEVELS, bytes.fromhex("05330600"))
    assert events.log == ["update"]


async def test_shot_settings_notification() -> None:
    driver, events, client = await started()
    client.notify(SHOT_SETTINGS, bytes.fromhex("c0964b5a640a285c80"))
    assert driver.state.shot_settings == ShotSettings(0xC0, 150, 75, 90, 100, 10, 40, 92.5)
    assert events.log == ["update"]
    client.notify(SHOT_SETTINGS, bytes.fromhex("c0964b5a640a285c80"))
    assert events.log == ["update"]  # unchanged: no update


async def test_unsolicited_mmr_notification_updates_registers() -> None:
    driver, events, client = await started()
    client.notify(READ_FROM_MMR, mmr_reply(0x80381C, [4]))  # the real GHC_INFO = 4 (§10.8)
    assert driver.state.ghc_active is True
    assert driver.state.remote_start_block is StartBlock.GHC_ACTIVE
    assert events.log == ["update"]
    client.notify(READ_FROM_MMR, mmr_reply(0x80381C, [4]))
    assert events.log == ["update"]


async def test_calibration_notifications() -> None:
    driver, events, client = await started()
    client.notify(CALIBRATION, bytes.fromhex("00000001 00 00 00010000 00014000".replace(" ", "")))
    assert driver.state.calibration == {
        CalTarget.FLOW: Calibration(1, CalCommand.READ, CalTarget.FLOW, 1.0, 1.25)
    }
    assert events.log == ["update"]
    # a factory value and an error reply leave the current calibration alone
    client.notify(CALIBRATION, bytes.fromhex("00000001 03 00 00020000 00020000".replace(" ", "")))
    client.notify(CALIBRATION, bytes.fromhex("00000000 00 ff 00000000 00000000".replace(" ", "")))
    assert list(driver.state.calibration) == [CalTarget.FLOW]
    assert events.log == ["update"]


@pytest.mark.parametrize(
    ("uuid", "bad"),
    [
        (SHOT_SAMPLE, "025c00440000"),
        (SHOT_SAMPLE, "00" * 18),
        (STATE_INFO, "04"),
        (STATE_INFO, "040500"),
        (WATER_LEVELS, "198b05"),
        (SHOT_SETTINGS, "00a078"),
        (READ_FROM_MMR, "08 80381c 04000000".replace(" ", "")),
        (READ_FROM_MMR, "0480"),
        (CALIBRATION, "00000001 07 00".replace(" ", "")),
        (CALIBRATION, "00000001 00 09 00000000 00000000".replace(" ", "")),
    ],
)
async def test_malformed_notifications_are_ignored(
    uuid: str, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)
    driver, events, client = await started()
    before = repr(driver.state)
    client.notify(uuid, bytes.fromhex(bad))
    assert events.log == []
    assert repr(driver.state) == before
    assert "Ignoring malformed" in caplog.text


# Requesting states (§4.3) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "byte"),
    [
        (MachineState.ESPRESSO, "04"),
        (MachineState.STEAM, "05"),
        (MachineState.HOT_WATER, "06"),
        (MachineState.HOT_WATER_RINSE, "0f"),
        (MachineState.CLEAN, "12"),
        (MachineState.DESCALE, "0a"),
        (MachineState.AIR_PURGE, "14"),
        (MachineState.NO_REQUEST, "0d"),
        (MachineState.SCHED_IDLE, "15"),
        (MachineState.IDLE, "02"),
    ],
)
async def test_requests_from_idle_write_one_byte(state: MachineState, byte: str) -> None:
    driver, _, client = await started()
    assert await driver.async_request_state(client, state) is True
    assert client.writes == [(REQUESTED_STATE, bytes.fromhex(byte), True)]


@pytest.mark.parametrize(
    "state",
    [
        MachineState.ESPRESSO,
        MachineState.STEAM,
        MachineState.HOT_WATER,
        MachineState.HOT_WATER_RINSE,
    ],
)
async def test_starts_are_refused_with_an_active_ghc(state: MachineState) -> None:
    driver, _, client = await started(with_mmr(ghc=7))  # pyDE1's example: LED, touch, active
    with pytest.raises(De1StartRefusedError) as refused:
        await driver.async_request_state(client, state)
    assert refused.value.reason is StartBlock.GHC_ACTIVE
    assert client.writes == []


async def test_starts_are_refused_unless_idle() -> None:
    driver, _, client = await started()
    in_state(driver, client, "00 00")
    with pytest.raises(De1StartRefusedError) as refused:
        await driver.async_request_state(client, MachineState.ESPRESSO)
    assert refused.value.reason is StartBlock.NOT_IDLE
    assert client.writes == []


async def test_starts_are_refused_before_the_state_is_known() -> None:
    driver, _ = make()
    client = FakeDe1()
    with pytest.raises(De1StartRefusedError) as refused:
        await driver.async_request_state(client, MachineState.STEAM)
    assert refused.value.reason is StartBlock.STATE_UNKNOWN
    assert client.writes == []


async def test_a_start_is_confirmed_by_state_info() -> None:
    driver, _, client = await started()
    client.state_answers[0x04] = bytes.fromhex("0401")
    await driver.async_request_state(client, MachineState.ESPRESSO)
    info = await driver.async_wait_for_state(
        lambda info: info.state is MachineState.ESPRESSO, timeout=1.0
    )
    assert info == StateInfo(4, 1)


async def test_a_start_the_machine_ignores_times_out() -> None:
    # §9.2: the write is acknowledged and StateInfo stays 02 00
    driver, _, client = await started()
    await driver.async_request_state(client, MachineState.ESPRESSO)
    with pytest.raises(De1StateTimeoutError):
        await driver.async_wait_for_state(lambda info: info.state is MachineState.ESPRESSO, 0.05)
    assert driver._state_waiters == []


async def test_wait_for_state_returns_a_state_already_reached() -> None:
    driver, _, _ = await started()
    info = await driver.async_wait_for_state(lambda info: info.state is MachineState.IDLE, 0)
    assert info == StateInfo(2, 0)


async def test_wait_for_state_hands_back_the_predicates_error() -> None:
    driver, _, client = await started()

    def broken(info: StateInfo) -> bool:
        if info.state is MachineState.SLEEP:
            raise RuntimeError("predicate failed")
        return False

    waiting = asyncio.ensure_future(driver.async_wait_for_state(broken, 1.0))
    await asyncio.sleep(0)
    in_state(driver, client, "00 00")
    with pytest.raises(RuntimeError, match="predicate failed"):
        await waiting


async def test_two_waiters_one_already_answered() -> None:
    driver, _, client = await started()
    first = asyncio.ensure_future(
        driver.async_wait_for_state(lambda info: info.state is MachineState.SLEEP, 1.0)
    )
    second = asyncio.ensure_future(
        driver.async_wait_for_state(lambda info: info.substate is Substate.HEAT_WATER_TANK, 1.0)
    )
    await asyncio.sleep(0)
    in_state(driver, client, "00 00")
    in_state(driver, client, "00 01")  # the first is done already and is left alone
    assert await first == StateInfo(0, 0)
    assert await second == StateInfo(0, 1)


@pytest.mark.parametrize(
    "state", [MachineState.CLEAN, MachineState.DESCALE, MachineState.AIR_PURGE]
)
async def test_maintenance_only_from_idle(state: MachineState) -> None:
    driver, _, client = await started()
    in_state(driver, client, "00 00")
    with pytest.raises(De1CommandError, match="only requested from Idle"):
        await driver.async_request_state(client, state)
    assert client.writes == []


@pytest.mark.parametrize(
    "state",
    [
        MachineState.SELF_TEST,
        MachineState.LONG_CAL,
        MachineState.IN_BOOTLOADER,
        MachineState.FW_UPGRADE,
        MachineState.REFILL,
    ],
)
async def test_states_the_app_never_requests(state: MachineState) -> None:
    driver, _, client = await started()
    with pytest.raises(De1CommandError, match="not a state the app requests"):
        await driver.async_request_state(client, state)
    assert client.writes == []


async def test_skip_to_next_during_a_pour() -> None:
    driver, _, client = await started()
    in_state(driver, client, "04 05")
    await driver.async_skip_to_next(client)
    in_state(driver, client, "04 04")
    await driver.async_request_state(client, MachineState.SKIP_TO_NEXT)
    assert client.written(REQUESTED_STATE) == [b"\x0e", b"\x0e"]


@pytest.mark.parametrize("spaced", ["02 00", "04 02", "04 06", "05 07"])
async def test_skip_to_next_outside_a_pour_is_refused(spaced: str) -> None:
    driver, _, client = await started()
    in_state(driver, client, spaced)
    with pytest.raises(De1CommandError, match="preinfusion or pour"):
        await driver.async_skip_to_next(client)
    assert client.writes == []


async def test_skip_to_next_needs_firmware_1260() -> None:
    driver, _, client = await started(with_mmr(build=1259))
    in_state(driver, client, "04 05")
    with pytest.raises(De1FirmwareError, match="1260"):
        await driver.async_skip_to_next(client)
    assert client.writes == []


async def test_skip_to_next_needs_a_known_build() -> None:
    client = FakeDe1()
    client.values[VERSIONS] = bytes.fromhex("030901c151092c5ee0000000000000000000")
    driver, _, client = await started(client)
    in_state(driver, client, "04 05")
    with pytest.raises(De1FirmwareError, match="known firmware build"):
        await driver.async_skip_to_next(client)


async def test_sched_idle_needs_firmware_1293() -> None:
    driver, _, client = await started(with_mmr(build=1292))
    with pytest.raises(De1FirmwareError, match="1293"):
        await driver.async_request_state(client, MachineState.SCHED_IDLE)
    assert client.writes == []


@pytest.mark.parametrize("spaced", ["02 00", "00 00", "01 00"])
async def test_sleep_straight_from_idle_or_sleep(spaced: str) -> None:
    driver, _, client = await started()
    in_state(driver, client, spaced)
    await driver.async_request_state(client, MachineState.SLEEP)
    assert client.written(REQUESTED_STATE) == [b"\x00"]


async def test_sleep_from_a_shot_goes_idle_first() -> None:
    driver, _, client = await started()
    in_state(driver, client, "04 05")
    client.state_answers[0x02] = bytes.fromhex("0200")
    await driver.async_request_state(client, MachineState.SLEEP)
    assert client.written(REQUESTED_STATE) == [b"\x02", b"\x00"]


async def test_sleep_is_sent_even_if_idle_never_comes(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)
    driver, _, client = await started()
    in_state(driver, client, "05 07")
    await driver.async_request_state(client, MachineState.SLEEP)
    assert client.written(REQUESTED_STATE) == [b"\x02", b"\x00"]
    assert "asking for sleep anyway" in caplog.text


@pytest.mark.parametrize(("build", "written"), [(1357, ["00"]), (1356, ["02", "00"])])
async def test_sleep_from_refill_by_firmware(build: int, written: list[str]) -> None:
    driver, _, client = await started(with_mmr(build=build))
    in_state(driver, client, "11 11")
    await driver.async_request_state(client, MachineState.SLEEP)
    assert client.written(REQUESTED_STATE) == [bytes.fromhex(byte) for byte in written]


async def test_a_repeated_idle_within_a_quarter_second_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    driver, _, client = await started()
    now = [100.0]
    monkeypatch.setattr(driver_module, "monotonic", lambda: now[0])
    assert await driver.async_request_state(client, MachineState.IDLE) is True
    now[0] = 100.2
    assert await driver.async_request_state(client, MachineState.IDLE) is False
    now[0] = 100.5
    assert await driver.async_request_state(client, MachineState.IDLE) is True
    assert client.written(REQUESTED_STATE) == [b"\x02", b"\x02"]


@pytest.mark.parametrize(
    ("spaced", "sent"),
    [("04 05", True), ("04 02", True), ("05 07", True), ("04 06", False), ("02 00", False)],
)
async def test_stop_flow_only_before_or_during_a_flow(spaced: str, sent: bool) -> None:
    driver, _, client = await started()
    in_state(driver, client, spaced)
    assert await driver.async_stop_flow(client) is sent
    assert client.written(REQUESTED_STATE) == ([b"\x02"] if sent else [])


async def test_espresso_waits_half_a_second_after_a_profile_upload(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    driver, _, client = await started()
    clock = iter([10.0, 10.45])  # uploaded at 10.0, Espresso asked at 10.45
    monkeypatch.setattr(driver_module, "monotonic", lambda: next(clock))
    driver.note_profile_uploaded()
    loop = asyncio.get_running_loop()
    began = loop.time()
    await driver.async_request_state(client, MachineState.ESPRESSO)
    assert loop.time() - began >= 0.04
    assert client.written(REQUESTED_STATE) == [b"\x04"]


async def test_espresso_long_after_a_profile_upload_does_not_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    driver, _, client = await started()
    clock = iter([10.0, 20.0])
    monkeypatch.setattr(driver_module, "monotonic", lambda: next(clock))
    driver.note_profile_uploaded()
    loop = asyncio.get_running_loop()
    began = loop.time()
    await driver.async_request_state(client, MachineState.ESPRESSO)
    assert loop.time() - began < 0.4
    assert client.written(REQUESTED_STATE) == [b"\x04"]


# Settings ---------------------------------------------------------------------------


async def test_write_shot_settings_and_read_them_back() -> None:
    driver, events, client = await started()
    settings_ = ShotSettings(0, 150, 90, 85, 250, 45, 200, 92.5)
    await driver.async_write_shot_settings(client, settings_)
    assert client.writes == [(SHOT_SETTINGS, bytes.fromhex("00965a55fa2dc85c80"), True)]
    assert client.reads == [SHOT_SETTINGS]
    assert driver.state.shot_settings == settings_
    assert events.log == ["update"]


async def test_write_shot_settings_keeps_the_written_ones_if_the_read_back_is_bad() -> None:
    driver, _, client = await started()
    settings_ = ShotSettings(0, 0, 255, 85, 250, 45, 200, 92.5)
    client.values[SHOT_SETTINGS] = bytes(3)
    client.echo_settings = False
    await driver.async_write_shot_settings(client, settings_)
    assert driver.state.shot_settings == settings_


async def test_bad_shot_settings_are_not_written() -> None:
    driver, _, client = await started()
    with pytest.raises(De1EncodeError):
        await driver.async_write_shot_settings(client, ShotSettings(0, 300, 0, 0, 0, 0, 0, 90.0))
    assert client.writes == []


async def test_write_refill_threshold() -> None:
    driver, events, client = await started()
    await driver.async_write_refill_threshold(client, 7.5)
    assert client.writes == [(WATER_LEVELS, bytes.fromhex("00000780"), True)]
    assert driver.state.refill_threshold_mm == 7.5
    assert events.log == ["update"]
    await driver.async_write_refill_threshold(client, 5)  # §10.3
    assert client.written(WATER_LEVELS)[-1] == bytes.fromhex("00000500")


async def test_bad_refill_threshold_is_not_written() -> None:
    driver, _, client = await started()
    with pytest.raises(De1EncodeError):
        await driver.async_write_refill_threshold(client, -1)
    assert client.writes == []


# MMR commands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("register", "value", "frame", "read_back"),
    [
        (registers.FLUSH_TIMEOUT, 5.0, "0480384832000000", "00 803848"),  # §10.8
        (registers.TARGET_STEAM_FLOW, 0.7, "0480382846000000", "00 803828"),  # §10.8
        (registers.ALLOW_USB_CHARGING, 1, "0480385401000000", "00 803854"),  # §10.8
    ],
)
async def test_mmr_write_and_read_back(
    register: registers.MmrRegister, value: float, frame: str, read_back: str
) -> None:
    driver, _, client = await started()
    await driver.async_mmr_write(client, register, value)
    assert client.writes[0] == (WRITE_TO_MMR, bytes.fromhex(frame + ZEROS_12), True)
    assert client.mmr_reads() == [read_back]
    assert driver.state.register(register) == value


async def test_mmr_write_without_read_back() -> None:
    driver, events, client = await started()
    await driver.async_mmr_write(client, registers.FLUSH_TEMP, 90.0, verify=False)
    assert client.mmr_reads() == []
    assert driver.state.register(registers.FLUSH_TEMP) == 90.0
    assert events.log == ["update"]
    await driver.async_mmr_write(client, registers.FLUSH_TEMP, 90.0, verify=False)
    assert events.log == ["update"]


async def test_mmr_write_firmware_gate() -> None:
    driver, _, client = await started(with_mmr(build=1282))
    with pytest.raises(De1FirmwareError, match="1283"):
        await driver.async_mmr_write(client, registers.FLUSH_TIMEOUT, 5.0)
    with pytest.raises(De1FirmwareError, match="1320"):
        await driver.async_mmr_write(client, registers.STEAM_PURGE_MODE, 1)
    assert client.writes == []


async def test_mmr_write_range_and_read_only() -> None:
    driver, _, client = await started()
    with pytest.raises(De1EncodeError):
        await driver.async_mmr_write(client, registers.FAN_THRESHOLD, 61)
    with pytest.raises(De1CommandError, match="read-only"):
        await driver.async_mmr_write(client, registers.SERIAL_NUMBER, 1)
    assert client.writes == []


async def test_mmr_read() -> None:
    driver, _, client = await started()
    assert await driver.async_mmr_read(client, registers.FLUSH_TEMP) == 85.0
    assert client.writes == [(READ_FROM_MMR, bytes.fromhex("00803844" + ZEROS_16), True)]


async def test_mmr_read_gate_for_the_ghc_preference() -> None:
    driver, _, client = await started(with_mmr(build=1260))
    with pytest.raises(De1FirmwareError, match="1265"):
        await driver.async_mmr_read(client, registers.PREF_GHC_MCI)
    assert client.writes == []


async def test_mmr_read_timeout() -> None:
    driver, _, client = await started()
    client.silent.add(0x803844)
    with pytest.raises(De1MmrTimeoutError):
        await driver.async_mmr_read(client, registers.FLUSH_TEMP)
    assert client.mmr_reads() == ["00 803844"] * 3
    assert driver._mmr_waiters == {}


# Calibration --------------------------------------------------------------------------


async def test_read_calibration() -> None:
    driver, _, client = await started()
    client.calibration_answer = bytes.fromhex("0000000100010001000000014000")
    calibration = await driver.async_read_calibration(client, CalTarget.PRESSURE)
    assert calibration == Calibration(1, CalCommand.READ, CalTarget.PRESSURE, 1.0, 1.25)
    assert client.writes == [(CALIBRATION, bytes.fromhex("0000000100010000000000000000"), True)]
    assert driver.state.calibration[CalTarget.PRESSURE] == calibration


async def test_read_calibration_error_reply() -> None:
    driver, _, client = await started()
    client.calibration_answer = bytes.fromhex("00000000 00 ff 00000000 00000000".replace(" ", ""))
    with pytest.raises(De1CommandError, match="calibration error"):
        await driver.async_read_calibration(client, CalTarget.FLOW)


async def test_read_calibration_timeout() -> None:
    driver, _, client = await started()
    with pytest.raises(De1TimeoutError, match="TEMPERATURE"):
        await driver.async_read_calibration(client, CalTarget.TEMPERATURE)
    assert driver._calibration_waiter is None


# Poll and presence (§7.3) -------------------------------------------------------------


async def test_poll_reads_state_info() -> None:
    driver, events, client = await started(with_mmr(build=1319))
    client.values[STATE_INFO] = bytes.fromhex("0000")
    await driver.async_poll(client)
    assert client.reads == [STATE_INFO]
    assert client.writes == []  # no presence registers before 1320
    assert driver.state.machine_state is MachineState.SLEEP
    assert events.log == ["update"]


async def test_poll_without_the_presence_flag_sends_no_heartbeat() -> None:
    driver, _, client = await started()
    await driver.async_poll(client)
    assert client.mmr_reads() == ["00 803858"]
    assert client.written(WRITE_TO_MMR) == []


async def test_poll_sends_user_present_when_the_flag_is_set() -> None:
    driver, _, client = await started(with_mmr(flags=1))
    await driver.async_poll(client)
    assert client.mmr_reads() == ["00 803858"]
    assert client.written(WRITE_TO_MMR) == [bytes.fromhex("0480386001000000" + ZEROS_12)]
    assert all(response is True for _, _, response in client.writes)


async def test_heartbeat_follows_the_flag_another_app_sets() -> None:
    driver, _, client = await started()
    client.mmr[0x803858] = 1
    await driver.async_poll(client)
    assert len(client.written(WRITE_TO_MMR)) == 1


async def test_heartbeat_at_most_every_5_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    driver, _, client = await started(with_mmr(flags=1))
    now = [50.0]
    monkeypatch.setattr(driver_module, "monotonic", lambda: now[0])
    await driver.async_poll(client)
    now[0] = 54.0
    await driver.async_poll(client)
    assert len(client.written(WRITE_TO_MMR)) == 1
    now[0] = 55.0
    await driver.async_poll(client)
    assert len(client.written(WRITE_TO_MMR)) == 2


async def test_heartbeat_can_be_switched_off() -> None:
    driver, _, client = await started(with_mmr(flags=1), presence_heartbeat=False)
    await driver.async_poll(client)
    assert client.written(WRITE_TO_MMR) == []


async def test_poll_keeps_the_last_flag_when_its_read_times_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=driver_module.__name__)
    driver, _, client = await started(with_mmr(flags=1))
    client.silent.add(0x803858)
    await driver.async_poll(client)
    assert "Presence flag not re-read" in caplog.text
    assert len(client.written(WRITE_TO_MMR)) == 1


async def test_user_present_needs_firmware_1320_and_mmr() -> None:
    driver, _, client = await started(with_mmr(build=1319))
    assert await driver.async_user_present(client) is False
    driver, _ = make()
    assert await driver.async_user_present(FakeDe1()) is False  # never started
    assert await started_and_present() is True


async def started_and_present() -> bool:
    driver, _, client = await started()
    return await driver.async_user_present(client)


# Fuzz: notification handlers ----------------------------------------------------------

VALID_FRAMES = [
    (SHOT_SAMPLE, SAMPLE_IDLE),
    (SHOT_SAMPLE, MID_SHOT_BYTES),
    (STATE_INFO, bytes.fromhex("0405")),
    (WATER_LEVELS, WATER_LB),
    (SHOT_SETTINGS, SETTINGS_LB),
    (READ_FROM_MMR, mmr_reply(0x800010, [1333])),
    (READ_FROM_MMR, mmr_reply(0x803840, [60, 850, 200, 10])),
    (CALIBRATION, bytes.fromhex("0000000100010001000000014000")),
]


@cache
def fuzz_target() -> tuple[De1Driver, FakeDe1, Events]:
    """One started driver the fuzz examples all talk to (handlers must survive anything)."""
    driver, events = make()
    client = FakeDe1()
    loop = asyncio.new_event_loop()  # not asyncio.run: it would unset the thread's loop
    try:
        loop.run_until_complete(driver.async_start(client))
    finally:
        loop.close()
    return driver, client, events


@st.composite
def mutated_frames(draw: st.DrawFn) -> tuple[str, bytes]:
    uuid, frame = draw(st.sampled_from(VALID_FRAMES))
    data = bytearray(frame)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["flip", "cut", "grow"]))
        if action == "flip" and data:
            index = draw(st.integers(0, len(data) - 1))
            data[index] = draw(st.integers(0, 255))
        elif action == "cut" and data:
            del data[draw(st.integers(0, len(data) - 1)) :]
        else:
            data += draw(st.binary(min_size=1, max_size=4))
    return uuid, bytes(data)


@given(uuid=st.sampled_from(NOTIFYING), data=st.binary(max_size=40))
@settings(max_examples=fuzz_examples(), deadline=None)
def test_fuzz_notifications_with_random_bytes(uuid: str, data: bytes) -> None:
    _driver, client, events = fuzz_target()
    count = len(events.samples)
    client.notify(uuid, data)
    if uuid == SHOT_SAMPLE and len(data) in (17, 19):
        assert len(events.samples) == count + 1
    else:
        assert len(events.samples) == count


@given(frame=mutated_frames())
@settings(max_examples=fuzz_examples(), deadline=None)
def test_fuzz_notifications_with_mutated_vectors(frame: tuple[str, bytes]) -> None:
    _driver, client, _ = fuzz_target()
    uuid, data = frame
    client.notify(uuid, data)  # never raises: a bad frame is logged and ignored
