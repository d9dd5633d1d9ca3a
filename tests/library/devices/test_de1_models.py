"""DE1 recognition, models, firmware gates, registers, tank table and state (de1.md §1-§9)."""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.devices.base import (
    DeviceKind,
    ModelInfo,
    UnsupportedDeviceError,
)
from custom_components.kitchen_ble.library.devices.de1 import models, registers
from custom_components.kitchen_ble.library.devices.de1.codec import (
    CalCommand,
    Calibration,
    CalTarget,
    StateInfo,
)
from custom_components.kitchen_ble.library.devices.de1.errors import (
    De1CommandError,
    De1EncodeError,
    De1FirmwareError,
)
from custom_components.kitchen_ble.library.devices.de1.firmware import FirmwareFeatures
from custom_components.kitchen_ble.library.devices.de1.state import De1State, StartBlock
from custom_components.kitchen_ble.library.devices.de1.states import (
    FLOW_STATES,
    FlowPhase,
    MachineState,
    Substate,
    flow_phase,
    is_error_substate,
    is_flow_state,
)

# §1, §3 ------------------------------------------------------------------------------


def test_the_plain_de1_model() -> None:
    assert (
        ModelInfo("de1", "DE1", "Decent Espresso", "de1", kind=DeviceKind.ESPRESSO_MACHINE)
        == models.DE1
    )
    assert models.FAMILY == "de1"


def test_uuids() -> None:
    assert models.SERVICE_UUID == "0000a000-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_VERSIONS == "0000a001-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_REQUESTED_STATE == "0000a002-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_READ_FROM_MMR == "0000a005-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_WRITE_TO_MMR == "0000a006-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_SHOT_SETTINGS == "0000a00b-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_SHOT_SAMPLE == "0000a00d-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_STATE_INFO == "0000a00e-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_HEADER_WRITE == "0000a00f-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_FRAME_WRITE == "0000a010-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_WATER_LEVELS == "0000a011-0000-1000-8000-00805f9b34fb"
    assert models.CHAR_CALIBRATION == "0000a012-0000-1000-8000-00805f9b34fb"
    assert models.ADVERTISED_SERVICE_UUID == "0000ffff-0000-1000-8000-00805f9b34fb"


@pytest.mark.parametrize("name", ["DE1", "DE1+", "DE1XL", "DE1 something"])
def test_names_starting_de1_are_a_de1(name: str) -> None:
    assert models.model_from_name(name) is models.DE1


@pytest.mark.parametrize("name", ["Bengle", "nRF5x", "de1", "XDE1", "", "iGrill_V3"])
def test_other_names_are_not(name: str) -> None:
    assert models.model_from_name(name) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (0, "DE1"),
        (1, "DE1"),
        (2, "DE1+"),
        (3, "DE1 Pro"),
        (4, "DE1 XL"),
        (5, "DE1 Cafe"),
        (6, "DE1 XXL"),
    ],
)
def test_machine_model_codes(code: int, name: str) -> None:
    model = models.model_from_machine_model(code)
    assert model.name == name
    assert model.family == "de1"
    assert model.kind is DeviceKind.ESPRESSO_MACHINE
    assert model in models.MODELS


def test_unknown_de1_code_is_a_de1() -> None:
    assert models.model_from_machine_model(7) is models.DE1
    assert models.model_from_machine_model(127) is models.DE1


@pytest.mark.parametrize("code", [128, 200, 0xFFFFFFFF])
def test_bengle_codes_are_unsupported(code: int) -> None:
    assert models.is_bengle_code(code)
    with pytest.raises(UnsupportedDeviceError, match="Bengle"):
        models.model_from_machine_model(code)


def test_model_ids_are_unique() -> None:
    assert len({model.model_id for model in models.MODELS}) == 6


# §5.4 water tank ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mm", "ml"),
    [
        (0, 0),
        (10, 261),
        (20, 537),
        (30, 816),
        (40, 1104),
        (50, 1453),
        (60, 1808),
        (65, 1986),
        (5, 130.5),
        (62.5, 1897),
        (25.54296875, 691.648828125),  # the LB capture: 537 + 279 × 0.554296875
        (-3, 0),
        (80, 1986),
    ],
)
def test_water_table(mm: float, ml: float) -> None:
    assert models.water_ml_from_mm(mm) == pytest.approx(ml)


def test_water_level_correction_constant() -> None:
    assert models.WATER_LEVEL_CORRECTION_MM == 5.0


# §9.1 firmware gates ---------------------------------------------------------------


def test_features_of_an_old_build() -> None:
    features = FirmwareFeatures.from_build(1174)
    assert features.fan_runs_in_sleep
    assert features.heater_voltage_required
    assert not features.skip_to_next
    assert not features.flush_control
    assert features.last_mmr_address == 0x803838
    assert features.flow_calibration_max == 2.0


@pytest.mark.parametrize(
    ("attribute", "first_build"),
    [
        ("heater_voltage_required", 1142),
        ("skip_to_next", 1260),
        ("safe_to_read_ghc_preference", 1265),
        ("flush_control", 1283),
        ("hot_water_flow_register", 1283),
        ("sched_idle", 1293),
        ("presence_substates", 1315),
        ("steam_purge_mode", 1320),
        ("usb_charging_control", 1320),
        ("user_presence", 1320),
        ("refill_kit_auto_detect", 1320),
        ("usb_charging_restores_itself", 1324),
        ("reliable_no_ac_error", 1337),
        ("cold_ghc_maintenance", 1356),
        ("sleep_from_refill", 1357),
    ],
)
def test_feature_gates(attribute: str, first_build: int) -> None:
    assert getattr(FirmwareFeatures.from_build(first_build - 1), attribute) is False
    assert getattr(FirmwareFeatures.from_build(first_build), attribute) is True


def test_fan_sleep_bug_up_to_1174() -> None:
    assert FirmwareFeatures.from_build(1174).fan_runs_in_sleep
    assert not FirmwareFeatures.from_build(1175).fan_runs_in_sleep


@pytest.mark.parametrize(
    ("build", "last"), [(1249, 0x803838), (1250, 0x80383C), (1282, 0x80383C), (1283, 0x803860)]
)
def test_last_readable_register(build: int, last: int) -> None:
    assert FirmwareFeatures.from_build(build).last_mmr_address == last


def test_flow_calibration_cap() -> None:
    assert FirmwareFeatures.from_build(1336).flow_calibration_max == 2.0
    assert FirmwareFeatures.from_build(1337).flow_calibration_max == 3.0


# §7.2 registers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("register", "address", "scale"),
    [
        (registers.HW_CONFIG, 0x800000, 1),
        (registers.MODEL, 0x800004, 1),
        (registers.CPU_BOARD_MODEL, 0x800008, 1000),
        (registers.MACHINE_MODEL, 0x80000C, 1),
        (registers.CPU_FIRMWARE_BUILD, 0x800010, 1),
        (registers.DEBUG_LEN, 0x802800, 1),
        (registers.DEBUG_BUFFER, 0x802804, 1),
        (registers.DEBUG_CONFIG, 0x803804, 1),
        (registers.FAN_THRESHOLD, 0x803808, 1),
        (registers.TANK_TEMP, 0x80380C, 1),
        (registers.HEATER_UP1_FLOW, 0x803810, 10),
        (registers.HEATER_UP2_FLOW, 0x803814, 10),
        (registers.WATER_HEATER_IDLE_TEMP, 0x803818, 10),
        (registers.GHC_INFO, 0x80381C, 1),
        (registers.PREF_GHC_MCI, 0x803820, 1),
        (registers.MAX_SHOT_PRESS, 0x803824, 1),
        (registers.TARGET_STEAM_FLOW, 0x803828, 100),
        (registers.STEAM_START_SECS, 0x80382C, 100),
        (registers.SERIAL_NUMBER, 0x803830, 1),
        (registers.HEATER_VOLTAGE, 0x803834, 1),
        (registers.HEATER_UP2_TIMEOUT, 0x803838, 10),
        (registers.CAL_FLOW_EST, 0x80383C, 1000),
        (registers.FLUSH_FLOW_RATE, 0x803840, 10),
        (registers.FLUSH_TEMP, 0x803844, 10),
        (registers.FLUSH_TIMEOUT, 0x803848, 10),
        (registers.HOT_WATER_FLOW_RATE, 0x80384C, 10),
        (registers.STEAM_PURGE_MODE, 0x803850, 1),
        (registers.ALLOW_USB_CHARGING, 0x803854, 1),
        (registers.APP_FEATURE_FLAGS, 0x803858, 1),
        (registers.REFILL_KIT_PRESENT, 0x80385C, 1),
        (registers.USER_PRESENT, 0x803860, 1),
    ],
)
def test_register_map(register: registers.MmrRegister, address: int, scale: int) -> None:
    assert (register.address, register.scale) == (address, scale)
    assert registers.REGISTER_BY_ADDRESS[address] is register


def test_register_lengths() -> None:
    assert registers.DEBUG_BUFFER.length == 4096
    assert {r.length for r in registers.REGISTERS if r is not registers.DEBUG_BUFFER} == {4}


def test_register_scaling_both_ways() -> None:
    assert registers.CPU_BOARD_MODEL.from_raw(1300) == 1.3
    assert registers.FLUSH_TEMP.from_raw(850) == 85.0
    assert registers.FLUSH_TEMP.to_raw(85.0) == 850
    assert registers.STEAM_START_SECS.to_raw(0.7) == 70
    assert registers.SERIAL_NUMBER.from_raw(12345) == 12345
    assert isinstance(registers.SERIAL_NUMBER.from_raw(12345), int)


@pytest.mark.parametrize(
    ("register", "bad"),
    [
        (registers.FAN_THRESHOLD, 61),
        (registers.FAN_THRESHOLD, -1),
        (registers.TANK_TEMP, 61),
        (registers.STEAM_START_SECS, 4.01),
        (registers.CAL_FLOW_EST, 0.12),
        (registers.CAL_FLOW_EST, 3.1),
        (registers.HEATER_VOLTAGE, 110),
        (registers.STEAM_PURGE_MODE, 2),
        (registers.REFILL_KIT_PRESENT, 3),
        (registers.USER_PRESENT, 0),
        (registers.STEAM_PURGE_MODE, 0.6),  # rounds to 1, but is not one of the values
        (registers.HEATER_VOLTAGE, 120.4),
        (registers.FLUSH_TIMEOUT, -1),
        (registers.FLUSH_TIMEOUT, 429496729.6),  # ×10 is past 32 bits
    ],
)
def test_register_ranges(register: registers.MmrRegister, bad: float) -> None:
    with pytest.raises(De1EncodeError):
        register.to_raw(bad)


@pytest.mark.parametrize("volts", [0, 120, 230, 1120, 1230])
def test_heater_voltage_values(volts: int) -> None:
    assert registers.HEATER_VOLTAGE.to_raw(volts) == volts


def test_refill_kit_auto_detect_is_2() -> None:
    assert registers.REFILL_KIT_PRESENT.to_raw(2) == 2


def test_validate_write_gates() -> None:
    old = FirmwareFeatures.from_build(1282)
    new = FirmwareFeatures.from_build(1283)
    assert registers.validate_write(registers.FLUSH_TIMEOUT, 5.0, new) == 50
    with pytest.raises(De1FirmwareError, match="1283"):
        registers.validate_write(registers.FLUSH_TIMEOUT, 5.0, old)
    with pytest.raises(De1FirmwareError, match="known firmware"):
        registers.validate_write(registers.FLUSH_TIMEOUT, 5.0, None)
    with pytest.raises(De1CommandError, match="read-only"):
        registers.validate_write(registers.SERIAL_NUMBER, 1, new)
    # ungated registers need no known build
    assert registers.validate_write(registers.FAN_THRESHOLD, 50, None) == 50


def test_validate_write_flow_calibration_cap_by_build() -> None:
    assert (
        registers.validate_write(registers.CAL_FLOW_EST, 2.5, FirmwareFeatures.from_build(1337))
        == 2500
    )
    with pytest.raises(De1EncodeError, match="caps"):
        registers.validate_write(registers.CAL_FLOW_EST, 2.5, FirmwareFeatures.from_build(1336))


def test_validate_read() -> None:
    registers.validate_read(registers.SERIAL_NUMBER, None)
    registers.validate_read(registers.PREF_GHC_MCI, FirmwareFeatures.from_build(1265))
    with pytest.raises(De1FirmwareError, match="1265"):
        registers.validate_read(registers.PREF_GHC_MCI, FirmwareFeatures.from_build(1260))
    with pytest.raises(De1CommandError, match="not read"):
        registers.validate_read(registers.DEBUG_BUFFER, FirmwareFeatures.from_build(1333))
    with pytest.raises(De1CommandError, match="not read"):
        registers.validate_read(registers.DEBUG_LEN, FirmwareFeatures.from_build(1333))


def test_models_re_exports_gates_and_registers() -> None:
    assert models.FirmwareFeatures is FirmwareFeatures
    assert models.registers is registers


# §4 states ---------------------------------------------------------------------------


def test_every_machine_state_value() -> None:
    assert [int(state) for state in MachineState] == list(range(0x17))
    assert int(MachineState.HOT_WATER_RINSE) == 0x0F
    assert int(MachineState.SCHED_IDLE) == 0x15
    assert int(MachineState.FW_UPGRADE) == 0x16


def test_every_substate_value() -> None:
    assert [int(sub) for sub in Substate] == [*range(21), *range(200, 218)]
    assert int(Substate.PAUSED_REFILL) == 17
    assert int(Substate.ERROR_NO_AC) == 217


def test_flow_states_and_phases() -> None:
    assert {int(state) for state in FLOW_STATES} == {0x04, 0x05, 0x06, 0x0F}
    assert is_flow_state(MachineState.ESPRESSO)
    assert not is_flow_state(MachineState.IDLE)
    assert not is_flow_state(None)
    assert flow_phase(MachineState.ESPRESSO, Substate.HEAT_WATER_HEATER) is FlowPhase.BEFORE
    assert flow_phase(MachineState.ESPRESSO, Substate.PRE_INFUSE) is FlowPhase.DURING
    assert flow_phase(MachineState.STEAM, Substate.STEAMING) is FlowPhase.DURING
    assert flow_phase(MachineState.ESPRESSO, Substate.FLUSH) is FlowPhase.AFTER
    assert flow_phase(MachineState.ESPRESSO, Substate.NO_STATE) is None
    assert flow_phase(MachineState.ESPRESSO, None) is None
    assert flow_phase(MachineState.IDLE, Substate.POUR) is None


def test_error_substates() -> None:
    assert is_error_substate(Substate.ERROR_NAN)
    assert is_error_substate(Substate.ERROR_NO_AC)
    assert not is_error_substate(Substate.STEAM_PUFF)
    assert not is_error_substate(None)


# De1State ----------------------------------------------------------------------------


def test_empty_state() -> None:
    state = De1State()
    assert state.machine_state is None
    assert state.substate is None
    assert state.flow_phase is None
    assert not state.is_flowing_state
    assert state.water_level_ml is None
    assert state.firmware_build is None
    assert state.features is None
    assert state.machine_model_code is None
    assert state.cpu_board_model is None
    assert state.serial_number is None
    assert state.ghc_info is None
    assert state.ghc_present is None
    assert state.ghc_active is None
    assert not state.user_presence_expected
    assert state.register(registers.FLUSH_TEMP) is None
    assert state.remote_start_block is StartBlock.STATE_UNKNOWN
    assert not state.remote_start_allowed


def test_state_from_registers() -> None:
    state = De1State(
        state_info=StateInfo(4, 5),
        water_level_mm=20.0,
        mmr={
            0x800008: 1300,
            0x80000C: 3,
            0x800010: 1333,
            0x803830: 4242,
            0x80381C: 3,
            0x803844: 850,
            0x803858: 1,
        },
    )
    assert state.machine_state is MachineState.ESPRESSO
    assert state.substate is Substate.POUR
    assert state.flow_phase is FlowPhase.DURING
    assert state.is_flowing_state
    assert state.water_level_ml == 537
    assert state.firmware_build == 1333
    assert state.features == FirmwareFeatures.from_build(1333)
    assert state.machine_model_code == 3
    assert state.cpu_board_model == 1.3
    assert state.serial_number == 4242
    assert state.ghc_present is True
    assert state.ghc_active is False
    assert state.user_presence_expected
    assert state.register(registers.FLUSH_TEMP) == 85.0
    assert state.remote_start_block is StartBlock.NOT_IDLE


@pytest.mark.parametrize(
    ("ghc", "state_code", "block"),
    [
        (None, 2, None),
        (0, 2, None),
        (3, 2, None),  # LED and touch fitted, not active: pyDE1's bit reading (§9.2)
        (4, 2, StartBlock.GHC_ACTIVE),  # the real machine that refused starts
        (7, 2, StartBlock.GHC_ACTIVE),
        (4, None, StartBlock.GHC_ACTIVE),
        (0, 0, StartBlock.NOT_IDLE),
    ],
)
def test_remote_start_block(
    ghc: int | None, state_code: int | None, block: StartBlock | None
) -> None:
    state = De1State(
        state_info=None if state_code is None else StateInfo(state_code, 0),
        mmr={} if ghc is None else {0x80381C: ghc},
    )
    assert state.remote_start_block is block
    assert state.remote_start_allowed is (block is None)


def test_ghc_present_bits() -> None:
    assert De1State(mmr={0x80381C: 1}).ghc_present is True
    assert De1State(mmr={0x80381C: 2}).ghc_present is True
    assert De1State(mmr={0x80381C: 4}).ghc_present is False
    assert De1State(mmr={0x80381C: 0x80000000}).ghc_active is False


def test_reset_forgets_everything() -> None:
    calibration = Calibration(1, CalCommand.READ, CalTarget.FLOW, 1.0, 1.0)
    state = De1State(
        state_info=StateInfo(2, 0),
        water_level_mm=3.0,
        calibration={CalTarget.FLOW: calibration},
        mmr={0x800010: 1333},
    )
    state.reset()
    assert state == De1State()
