"""DE1 codec against the fact sheet's vectors (de1.md §10.1-§10.5, §10.7-§10.9) and bad frames."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.kitchen_ble.library.devices.base import DeviceError
from custom_components.kitchen_ble.library.devices.de1 import codec, registers
from custom_components.kitchen_ble.library.devices.de1.codec import (
    CalCommand,
    Calibration,
    CalTarget,
    MmrReadReply,
    ShotSample,
    ShotSettings,
    StateInfo,
    VersionBlock,
    Versions,
    WaterLevels,
)
from custom_components.kitchen_ble.library.devices.de1.errors import (
    De1DecodeError,
    De1EncodeError,
)
from custom_components.kitchen_ble.library.devices.de1.states import (
    FlowPhase,
    MachineState,
    Substate,
)


def hexbytes(spaced: str) -> bytes:
    return bytes.fromhex(spaced.replace(" ", ""))


ZEROS_12 = " 00" * 12
ZEROS_16 = " 00" * 16


def test_errors_are_device_errors() -> None:
    assert issubclass(De1DecodeError, DeviceError)
    assert issubclass(De1EncodeError, DeviceError)
    assert issubclass(De1EncodeError, ValueError)


# §10.1 ShotSample -------------------------------------------------------------------


def test_10_1_real_idle_shot_sample() -> None:
    sample = codec.decode_shot_sample(
        hexbytes("02 5c 00 44 00 00 21 ea 22 1e da 5a 00 5e 00 00 00 02 4d")
    )
    assert sample == ShotSample(
        sample_time=604,
        group_pressure=0.0166015625,  # 68 / 4096
        group_flow=0.0,
        mix_temp=33.9140625,  # 8682 / 256
        head_temp=34.120513916015625,  # 34 + 0x1EDA / 65536
        set_mix_temp=90.0,
        set_head_temp=94.0,
        set_group_pressure=0.0,
        set_group_flow=0.0,
        frame_number=2,
        steam_temp=77.0,
        legacy=False,
    )
    assert round(sample.group_pressure, 4) == 0.0166
    assert round(sample.head_temp, 4) == 34.1205


# §10.1 derived: a mid-shot sample (the driver tests deliver it too).
MID_SHOT_BYTES = hexbytes("12 34 90 00 20 00 5c 80 5d 40 00 5d 00 5d 00 90 00 02 96")
MID_SHOT = ShotSample(
    sample_time=4660,
    group_pressure=9.0,
    group_flow=2.0,
    mix_temp=92.5,
    head_temp=93.25,
    set_mix_temp=93.0,
    set_head_temp=93.0,
    set_group_pressure=9.0,
    set_group_flow=0.0,
    frame_number=2,
    steam_temp=150.0,
)


def test_10_1_derived_mid_shot_sample() -> None:
    assert codec.decode_shot_sample(MID_SHOT_BYTES) == MID_SHOT


def test_10_1_sample_times_step_by_25() -> None:
    base = hexbytes("00 00 00 44 00 00 21 ea 22 1e da 5a 00 5e 00 00 00 02 4d")
    times = [
        codec.decode_shot_sample(bytes.fromhex(word) + base[2:]).sample_time
        for word in ("2d53", "2d6c", "2d85")
    ]
    assert times == [11603, 11628, 11653]


def test_legacy_17_byte_shot_sample() -> None:
    # §5.1, derived: the same field order with pressure and flow as U8P4 and head and
    # steam temperatures as U16P8: 9 bar, 2 mL/s, 92.5 °C, 93.25 °C, 93/93, 9 bar, 0, frame 2, 150.5
    sample = codec.decode_shot_sample(
        hexbytes("12 34 90 20 5c 80 5d 40 5d 00 5d 00 90 00 02 96 80")
    )
    assert sample == replace(MID_SHOT, steam_temp=150.5, legacy=True)


@pytest.mark.parametrize("size", [0, 1, 16, 18, 20, 40])
def test_shot_sample_of_another_length_is_refused(size: int) -> None:
    with pytest.raises(De1DecodeError, match="ShotSample"):
        codec.decode_shot_sample(bytes(size))


# §10.2 StateInfo --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spaced", "state", "substate", "phase"),
    [
        ("00 00", MachineState.SLEEP, Substate.NO_STATE, None),  # real, LB
        ("02 00", MachineState.IDLE, Substate.NO_STATE, None),  # real, Decenza log
        ("04 05", MachineState.ESPRESSO, Substate.POUR, FlowPhase.DURING),
        ("0f 05", MachineState.HOT_WATER_RINSE, Substate.POUR, FlowPhase.DURING),
        ("05 13", MachineState.STEAM, Substate.USER_NOT_PRESENT, None),
    ],
)
def test_10_2_state_info(
    spaced: str, state: MachineState, substate: Substate, phase: FlowPhase | None
) -> None:
    info = codec.decode_state_info(hexbytes(spaced))
    assert info == StateInfo(state.value, substate.value)
    assert info.state is state
    assert info.substate is substate
    assert info.flow_phase == phase


def test_state_info_literal_values() -> None:
    info = codec.decode_state_info(hexbytes("04 05"))
    assert (info.state_code, info.substate_code) == (4, 5)
    assert info.state == 0x04
    assert info.substate == 5


def test_state_info_keeps_values_no_source_names() -> None:
    info = codec.decode_state_info(hexbytes("17 c7"))
    assert (info.state_code, info.substate_code) == (0x17, 199)
    assert info.state is None
    assert info.substate is None
    assert info.flow_phase is None


def test_state_info_error_substate_217() -> None:
    assert codec.decode_state_info(hexbytes("02 d9")).substate is Substate.ERROR_NO_AC


@pytest.mark.parametrize("size", [0, 1, 3, 20])
def test_state_info_of_another_length_is_refused(size: int) -> None:
    with pytest.raises(De1DecodeError, match="StateInfo"):
        codec.decode_state_info(bytes(size))


# §10.3 WaterLevels ------------------------------------------------------------------


def test_10_3_real_water_levels_data_js() -> None:
    levels = codec.decode_water_levels(hexbytes("19 8b 05 00"))
    assert levels == WaterLevels(level_mm=25.54296875, refill_threshold_mm=5.0)
    assert round(levels.level_mm, 2) == 25.54


def test_10_3_real_water_levels_data2_js() -> None:
    levels = codec.decode_water_levels(hexbytes("05 33 06 00"))
    assert levels == WaterLevels(level_mm=5.19921875, refill_threshold_mm=6.0)
    assert round(levels.level_mm, 2) == 5.20


def test_10_3_refill_threshold_write() -> None:
    assert codec.encode_refill_threshold(5) == hexbytes("00 00 05 00")
    assert codec.encode_refill_threshold(5.0) == hexbytes("00 00 05 00")


def test_refill_threshold_rounds_to_256ths() -> None:
    assert codec.encode_refill_threshold(7.5) == hexbytes("00 00 07 80")


@pytest.mark.parametrize("bad", [-1, 256, float("nan"), float("inf")])
def test_refill_threshold_out_of_range(bad: float) -> None:
    with pytest.raises(De1EncodeError):
        codec.encode_refill_threshold(bad)


@pytest.mark.parametrize("size", [0, 3, 5])
def test_water_levels_of_another_length_is_refused(size: int) -> None:
    with pytest.raises(De1DecodeError, match="WaterLevels"):
        codec.decode_water_levels(bytes(size))


# §10.4 Versions ---------------------------------------------------------------------


def test_10_4_real_versions() -> None:
    versions = codec.decode_versions(
        hexbytes("04 09 01 c1 51 09 2c 5e e0 00 00 00 00 00 00 00 00 00")
    )
    assert versions == Versions(
        ble=VersionBlock(api_version=4, release=0.9, commits=449, changes=81, sha=0x092C5EE0),
        firmware=VersionBlock(api_version=0, release=0.0, commits=0, changes=0, sha=0),
    )
    assert versions.ble.sha_text == "092c5ee"
    assert versions.ble.dirty is False
    assert versions.mmr_available is True


def test_10_4_reconstructed_versions() -> None:
    versions = codec.decode_versions(
        hexbytes("04 0f 02 2f 7c c5 d9 e2 b0 00 00 00 00 00 00 00 00 00")
    )
    assert versions.ble == VersionBlock(
        api_version=4, release=1.5, commits=559, changes=124, sha=3319390896
    )


def test_versions_dirty_bit_and_firmware_block_at_offset_9() -> None:
    versions = codec.decode_versions(
        hexbytes("03 09 00 01 02 00 00 00 01 05 8d 00 02 03 00 00 00 11")
    )
    assert versions.ble.dirty is True
    assert versions.mmr_available is False  # de1app: MMR only when the API version is above 3
    assert versions.firmware == VersionBlock(
        api_version=5, release=13.0, commits=2, changes=3, sha=0x11
    )


@pytest.mark.parametrize("size", [0, 9, 17, 19])
def test_versions_of_another_length_is_refused(size: int) -> None:
    with pytest.raises(De1DecodeError, match="Versions"):
        codec.decode_versions(bytes(size))


# §10.5 ShotSettings -----------------------------------------------------------------

LB_SETTINGS = ShotSettings(
    steam_flags=0,
    target_steam_temp=160,
    target_steam_length=120,
    target_hot_water_temp=80,
    target_hot_water_volume=50,
    target_hot_water_length=60,
    target_espresso_volume=200,
    target_group_temp=94.0,
)


def test_10_5_real_shot_settings_decode() -> None:
    assert codec.decode_shot_settings(hexbytes("00 a0 78 50 32 3c c8 5e 00")) == LB_SETTINGS


def test_10_5_real_shot_settings_encode() -> None:
    assert codec.encode_shot_settings(LB_SETTINGS) == hexbytes("00 a0 78 50 32 3c c8 5e 00")


def test_shot_settings_steam_flags() -> None:
    fast = codec.decode_shot_settings(hexbytes("80 a0 78 50 32 3c c8 5e 00"))
    power = codec.decode_shot_settings(hexbytes("40 a0 78 50 32 3c c8 5e 00"))
    assert (fast.steam_fast_start, fast.steam_high_power) == (True, False)
    assert (power.steam_fast_start, power.steam_high_power) == (False, True)
    assert (LB_SETTINGS.steam_fast_start, LB_SETTINGS.steam_high_power) == (False, False)


def test_shot_settings_group_temperature_rounds_half_away() -> None:
    settings = ShotSettings(0, 0, 255, 85, 250, 60, 200, 92.001953125)  # 23552.5 / 256
    assert codec.encode_shot_settings(settings)[7:] == hexbytes("5c 01")


@pytest.mark.parametrize(
    "field",
    [
        "steam_flags",
        "target_steam_temp",
        "target_steam_length",
        "target_hot_water_temp",
        "target_hot_water_volume",
        "target_hot_water_length",
        "target_espresso_volume",
    ],
)
@pytest.mark.parametrize("bad", [-1, 256, 1.5, True])
def test_shot_settings_byte_fields_out_of_range(field: str, bad: object) -> None:
    values = {
        "steam_flags": 0,
        "target_steam_temp": 160,
        "target_steam_length": 120,
        "target_hot_water_temp": 80,
        "target_hot_water_volume": 50,
        "target_hot_water_length": 60,
        "target_espresso_volume": 200,
        "target_group_temp": 94.0,
    }
    values[field] = bad  # type: ignore[assignment]
    with pytest.raises(De1EncodeError):
        codec.encode_shot_settings(ShotSettings(**values))  # type: ignore[arg-type]


def test_shot_settings_group_temperature_out_of_range() -> None:
    with pytest.raises(De1EncodeError, match="U16P8"):
        codec.encode_shot_settings(ShotSettings(0, 160, 120, 80, 50, 60, 200, 256.0))


@pytest.mark.parametrize("size", [0, 8, 10])
def test_shot_settings_of_another_length_is_refused(size: int) -> None:
    with pytest.raises(De1DecodeError, match="ShotSettings"):
        codec.decode_shot_settings(bytes(size))


# §10.8 MMR --------------------------------------------------------------------------


def test_10_8_read_request_firmware_build() -> None:
    assert codec.encode_mmr_read(0x800010) == hexbytes("00 80 00 10" + ZEROS_16)
    assert codec.encode_mmr_read(registers.CPU_FIRMWARE_BUILD.address, 1) == hexbytes(
        "00 80 00 10" + ZEROS_16
    )


def test_read_request_three_words_from_0x800008() -> None:
    # §7.1: Len counts words minus one (de1app's board/model/firmware read)
    assert codec.encode_mmr_read(0x800008, 3) == hexbytes("02 80 00 08" + ZEROS_16)


def test_10_8_read_reply_firmware_build_1333() -> None:
    reply = codec.decode_mmr_read(hexbytes("04 80 00 10 35 05 00 00" + ZEROS_12))
    assert reply == MmrReadReply(address=0x800010, data=hexbytes("35 05 00 00"))
    assert reply.words == (1333,)
    assert reply.registers == {0x800010: 1333}


def test_10_8_read_reply_ghc_info_4() -> None:
    padded = codec.decode_mmr_read(hexbytes("04 80 38 1c 04 00 00 00" + ZEROS_12))
    short = codec.decode_mmr_read(hexbytes("04 80 38 1c 04 00 00 00"))
    assert padded == short == MmrReadReply(0x80381C, hexbytes("04 00 00 00"))
    assert padded.registers == {0x80381C: 4}


def test_read_reply_of_three_words_splits_by_address() -> None:
    # §7.1 example: 3 words from 0x800008 come back with Len = 12
    reply = codec.decode_mmr_read(hexbytes("0c 80 00 08 14 05 00 00 03 00 00 00 35 05 00 00"))
    assert reply.registers == {0x800008: 1300, 0x80000C: 3, 0x800010: 1333}


def test_read_reply_words_are_unsigned() -> None:
    reply = codec.decode_mmr_read(hexbytes("04 80 38 1c ff ff ff ff"))
    assert reply.words == (0xFFFFFFFF,)


def test_read_reply_of_four_words_len_16_is_accepted() -> None:
    # pyDE1 rejects Len 16 (§12.12); it is the largest single reply
    reply = codec.decode_mmr_read(
        hexbytes("10 80 38 40 3c 00 00 00 52 03 00 00 c8 00 00 00 0a 00 00 00")
    )
    assert reply.words == (60, 850, 200, 10)


@pytest.mark.parametrize(
    "spaced",
    [
        "",
        "04 80 38",  # no full header
        "14 80 38 1c" + ZEROS_16,  # Len 20 > 16
        "03 80 38 1c 04 00 00",  # not whole words
        "08 80 38 1c 04 00 00 00",  # claims two words, has one
        "04 80 38 1c" + ZEROS_16 + " 00",  # 21 bytes
    ],
)
def test_malformed_read_replies(spaced: str) -> None:
    with pytest.raises(De1DecodeError, match="MMR"):
        codec.decode_mmr_read(hexbytes(spaced))


def test_empty_read_reply_has_no_words() -> None:
    assert codec.decode_mmr_read(hexbytes("00 80 38 1c")).words == ()


def test_10_8_write_flush_timeout_5_s() -> None:
    raw = registers.FLUSH_TIMEOUT.to_raw(5.0)
    assert raw == 50
    assert codec.encode_mmr_write(0x803848, raw) == hexbytes("04 80 38 48 32 00 00 00" + ZEROS_12)


def test_10_8_write_steam_flow_0_7() -> None:
    raw = registers.TARGET_STEAM_FLOW.to_raw(0.7)
    assert raw == 70
    assert codec.encode_mmr_write(0x803828, raw) == hexbytes("04 80 38 28 46 00 00 00" + ZEROS_12)


def test_10_8_write_usb_charger_on() -> None:
    raw = registers.ALLOW_USB_CHARGING.to_raw(1)
    assert codec.encode_mmr_write(0x803854, raw) == hexbytes("04 80 38 54 01 00 00 00" + ZEROS_12)


def test_mmr_write_value_is_little_endian_32_bit() -> None:
    assert codec.encode_mmr_write(0x803834, 1230) == hexbytes("04 80 38 34 ce 04 00 00" + ZEROS_12)


@pytest.mark.parametrize("bad", [-1, 2**32, 1.0, True])
def test_mmr_write_value_out_of_range(bad: object) -> None:
    with pytest.raises(De1EncodeError):
        codec.encode_mmr_write(0x803854, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("address", [-1, 0x1000000])
def test_mmr_address_out_of_range(address: int) -> None:
    with pytest.raises(De1EncodeError):
        codec.encode_mmr_write(address, 0)
    with pytest.raises(De1EncodeError):
        codec.encode_mmr_read(address)


@pytest.mark.parametrize("words", [0, 257, -1, True, 1.0])
def test_mmr_read_word_count_out_of_range(words: object) -> None:
    with pytest.raises(De1EncodeError):
        codec.encode_mmr_read(0x800010, words)  # type: ignore[arg-type]


def test_mmr_read_of_256_words_is_len_255() -> None:
    assert codec.encode_mmr_read(0x802804, 256)[0] == 0xFF


# §10.9 RequestedState ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "byte"),
    [
        (MachineState.ESPRESSO, "04"),
        (MachineState.STEAM, "05"),
        (MachineState.HOT_WATER, "06"),
        (MachineState.HOT_WATER_RINSE, "0f"),
        (MachineState.IDLE, "02"),
        (MachineState.SLEEP, "00"),
        (MachineState.SKIP_TO_NEXT, "0e"),
        (MachineState.SCHED_IDLE, "15"),
    ],
)
def test_10_9_requested_state(state: MachineState, byte: str) -> None:
    assert codec.encode_requested_state(state) == bytes.fromhex(byte)


@pytest.mark.parametrize("bad", [4, 0x17, "04"])
def test_requested_state_must_be_a_machine_state(bad: object) -> None:
    with pytest.raises(De1EncodeError):
        codec.encode_requested_state(bad)  # type: ignore[arg-type]


# Calibration (§6.3) -------------------------------------------------------------------


def test_calibration_read_request() -> None:
    # de1app's read: key 1, command Read, target Pressure, zeros
    assert codec.encode_calibration_read(CalTarget.PRESSURE) == hexbytes(
        "00 00 00 01 00 01 00 00 00 00 00 00 00 00"
    )
    assert codec.encode_calibration_read(CalTarget.TEMPERATURE, factory=True) == hexbytes(
        "00 00 00 01 03 02 00 00 00 00 00 00 00 00"
    )


@pytest.mark.parametrize("bad", [CalTarget.ERROR, 0])
def test_calibration_read_of_no_target_is_refused(bad: object) -> None:
    with pytest.raises(De1EncodeError):
        codec.encode_calibration_read(bad)  # type: ignore[arg-type]


def test_calibration_reply() -> None:
    # Derived: flow ratio 1.0 reported, 1.25 measured; a temperature offset of -0.5
    flow = codec.decode_calibration(hexbytes("00 00 00 01 00 00 00 01 00 00 00 01 40 00"))
    assert flow == Calibration(
        write_key=1,
        command=CalCommand.READ,
        target=CalTarget.FLOW,
        reported=1.0,
        measured=1.25,
    )
    offset = codec.decode_calibration(hexbytes("ca fe f0 0d 03 02 ff ff 80 00 00 00 00 00"))
    assert (offset.write_key, offset.command, offset.target) == (
        0xCAFEF00D,
        CalCommand.READ_FACTORY,
        CalTarget.TEMPERATURE,
    )
    assert offset.reported == -0.5
    error = codec.decode_calibration(hexbytes("00 00 00 00 00 ff 00 00 00 00 00 00 00 00"))
    assert error.target is CalTarget.ERROR


@pytest.mark.parametrize(
    "spaced",
    [
        "00 00 00 01 04 00 00 00 00 00 00 00 00 00",  # command 4
        "00 00 00 01 00 03 00 00 00 00 00 00 00 00",  # target 3
        "00 00 00 01 00 00 00 00 00 00 00 00 00",  # 13 bytes
    ],
)
def test_malformed_calibration(spaced: str) -> None:
    with pytest.raises(De1DecodeError):
        codec.decode_calibration(hexbytes(spaced))
