"""The emulated DE1: advertisement, GATT table of §3, telemetry and faults.

The machine itself lives in ``machine.py``; this module turns GATT writes
into requests and registers, and the machine into notifications:
StateInfo on every change, ShotSample every 25 AC half-cycles (75 while
asleep, about a third of the rate, as de1app reports), WaterLevels with every
other ShotSample. Answers to MMR reads, Calibration and FWMapRequest arrive
as notifications just after the write is acknowledged.

Choices where the sheet says "unknown": one central at a time; 0xFFFF is
advertised (REA's filter); ShotSettings writes are not echoed by a
notification; a read of FrameWrite returns the last frame written; Temperatures
(A00A) reads as zeros, as LB captured. ``refuse_handshake`` has no effect
(the DE1 has no handshake).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Unpack

from emulator.device import EmulatedDevice, physics_steps
from emulator.gatt import ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, AttError, Characteristic, Service

from . import codec
from .codec import Calibration, CodecError, VersionBlock
from .const import (
    ADVERTISED_SERVICE,
    CAL_ERROR_TARGET,
    CAL_READ_FACTORY,
    CAL_RESET,
    CAL_WRITE,
    CAL_WRITE_KEY,
    CALIBRATION,
    DELETE_SHOT_RANGE,
    DEPRECATED_SHOT_DESC,
    FLOW_STATES,
    FRAME_WRITE,
    FW_FREEZES_ON_GHC_READ,
    FW_MAP_REQUEST,
    FW_NO_ERRORS,
    FW_VERIFY,
    HEADER_WRITE,
    LOCAL_NAME,
    READ_FROM_MMR,
    REQUESTED_STATE,
    SERVICE,
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
    Mmr,
    State,
    Substate,
)
from .machine import REST_STEP, Machine, MachineOptions, PourListener
from .shot import Frame, Profile, ProfileError

ATT_VALUE_NOT_ALLOWED: Final = 0x13
MIN_STEP: Final = 1e-9  # s
SAMPLE_PERIOD: Final = 25  # AC half-cycles between ShotSamples (§5.1)
SLEEP_SAMPLE_PERIOD: Final = 75  # about a third of the rate while asleep
WATER_LEVELS_EVERY: Final = 2  # ShotSamples per WaterLevels notification
MMR_REGISTERS: Final = 0x800000  # below: firmware-upload chunks (§7.4)
# The LB capture's Versions: BLE API 4 with an all-zero firmware block (§5.5, §10.4).
DEFAULT_VERSIONS: Final = VersionBlock(api=4, release=1.5, commits=559, changes=124, sha=0xC5D9E2B0)
R, W, N = "read", "write", "notify"


@dataclass
class MachineFaults:
    """DE1 faults beyond the common ones (``device.faults``)."""

    drop_link_mid_shot: bool = False  # the link drops as an espresso starts to pour
    ignore_start: bool = False  # start requests are acknowledged, the machine stays put
    malformed_shot_sample: bool = False  # ShotSample notifications of a wrong length


class _OtherCentral:
    """A tablet (or phone) holding the machine's only link."""

    def on_notification(self, uuid: str, data: bytes) -> None:
        """The tablet listens; nothing to do here."""

    def on_link_lost(self) -> None:
        """The tablet's link went."""


class DE1Device(EmulatedDevice):
    """One Decent DE1 espresso machine."""

    model = "de1"

    def __init__(
        self,
        address: str,
        name: str | None = LOCAL_NAME,
        *,
        model_code: int = 2,
        mains_hz: int = 50,
        advertise_service: bool = True,
        versions: VersionBlock = DEFAULT_VERSIONS,
        rssi: int = -60,
        seed: int | None = None,
        **machine: Unpack[MachineOptions],
    ) -> None:
        super().__init__(address, name, rssi=rssi, seed=seed)
        self.machine = Machine(
            rng=self.random,
            model=model_code,
            heater_voltage=230 if mains_hz == 50 else 120,
            **machine,
        )
        self.machine.state_listeners.append(self._on_state)
        self.machine_faults = MachineFaults()
        self.mains_hz = mains_hz
        self.advertise_service = advertise_service
        self.versions = versions
        self.sample_time = 0  # the AC half-cycle counter in SampleTime
        self.samples_sent = 0
        self._samples_made = 0
        self.firmware_bytes = 0  # firmware-upload chunks received
        self.requested = 0  # what a read of RequestedState returns: the last byte written
        self._half_cycles = 0.0
        self._last_sample: bytes | None = None
        self._set_time = bytes(8)
        self._mmr_request = bytes(codec.MMR_SIZE)
        self._frame_write = codec.encode_frame(1, self.machine.profiles.slots[1])
        self._calibration_answer = bytes(codec.CALIBRATION_SIZE)
        self.factory_calibration: dict[int, tuple[float, float]] = {
            0: (1.0, 1.0),  # flow: a ratio
            1: (1.0, 1.0),  # pressure: a ratio
            2: (0.0, 0.0),  # temperature: an offset
        }
        self.calibration = dict(self.factory_calibration)
        self._other: _OtherCentral | None = None

    # Advertising -------------------------------------------------------

    def advertised_service_uuids(self) -> list[str]:
        """0xFFFF, as REA's scan filter implies (only REA says so, §1)."""
        return [ADVERTISED_SERVICE] if self.advertise_service else []

    # What a test, a demo or a scale uses -------------------------------

    @property
    def state(self) -> tuple[State, Substate]:
        """The machine's state and substate."""
        return self.machine.state, self.machine.substate

    @property
    def profile(self) -> Profile:
        """The profile the machine holds (a mix after a half upload)."""
        return self.machine.profiles.profile

    @property
    def profile_frames(self) -> tuple[Frame, ...]:
        """The frames the machine holds."""
        return self.profile.frames

    @property
    def profile_complete(self) -> bool:
        """Whether the last upload reached its tail with every frame."""
        return self.machine.profiles.complete

    @property
    def pour_rate_g_per_s(self) -> float:
        """Grams per second leaving the group or hot-water outlet now (drips included)."""
        return self.machine.pour_rate

    @property
    def on_pour(self) -> list[PourListener]:
        """Callbacks ``(grams, seconds)`` for what fell into the cup in each physics step."""
        return self.machine.pour_listeners

    @property
    def cup_grams(self) -> float:
        """Everything that ever fell into the cup."""
        return self.machine.cup_grams

    @property
    def water_level_mm(self) -> float:
        """The tank level the sensor reports."""
        return self.machine.tank.level_mm

    def fill_tank(self, level_mm: float = 60.0) -> None:
        """Fill the tank by hand."""
        self.machine.tank.fill_to(level_mm)

    def load_puck(self, dose: float = 18.0, resistance: float = 4.7) -> None:
        """Coffee for the next shots: grams, and bar per mL/s once wet."""
        self.machine.puck_dose = dose
        self.machine.puck_resistance = resistance

    def remove_portafilter(self) -> None:
        """Shots run through an open group from now on."""
        self.machine.puck_dose = None

    def press(self, state: int) -> None:
        """Ask for a state on the machine itself (GHC or a tablet), which a GHC never blocks."""
        self.machine.request(state, remote=False)

    def reboot(self) -> None:
        """Power-cycle (a hung machine, say): it comes back asleep, settings kept."""
        self.machine.reboot()

    @property
    def held_by_other(self) -> bool:
        """Whether a tablet holds the machine's link."""
        return self._other is not None

    def hold_by_other_central(self) -> None:
        """A tablet takes the link: no advertising, connections refused."""
        if self._other is None:
            other = _OtherCentral()
            self.attach(other)  # raises if one of ours is connected
            self._other = other

    def release_other_central(self) -> None:
        """The tablet lets go."""
        if self._other is not None:
            self.detach(self._other)
            self._other = None

    # Physics and telemetry ---------------------------------------------

    def step(self, seconds: float) -> None:
        """Run the machine; a ShotSample every sample period."""
        for chunk in physics_steps(seconds, REST_STEP):
            for part in physics_steps(chunk, self.machine.max_step):
                if part > MIN_STEP:  # not the float dust a split leaves behind
                    self.machine.step(part)
                    self._telemetry(part)

    def _telemetry(self, seconds: float) -> None:
        if self.machine.frozen:
            return
        self._half_cycles += seconds * 2 * self.mains_hz
        asleep = self.machine.state is State.SLEEP
        period = SLEEP_SAMPLE_PERIOD if asleep else SAMPLE_PERIOD
        while self._half_cycles >= period - 1e-6:
            self._half_cycles -= period
            self.sample_time = (self.sample_time + period) & 0xFFFF
            self._send_sample()

    def _send_sample(self) -> None:
        data = codec.encode_shot_sample(self.machine.sample(self.sample_time))
        self._last_sample = data
        self._samples_made += 1
        if self.machine_faults.malformed_shot_sample:
            data = data[: self.random.randrange(1, 17)]  # never 17 (the old layout) or 19
        if self.notify(SHOT_SAMPLE, data):
            self.samples_sent += 1
        if self._samples_made % WATER_LEVELS_EVERY == 0:
            self.notify(WATER_LEVELS, self._water_levels())

    def _on_state(self, state: State, substate: Substate) -> None:
        self.notify(STATE_INFO, codec.encode_state_info(state, substate))
        pouring = state is State.ESPRESSO and substate is Substate.POUR
        if pouring and self.machine_faults.drop_link_mid_shot:
            self.drop_link()

    def _notify_soon(self, uuid: str, data: bytes) -> None:
        """Notify just after the current write is acknowledged, as a radio would."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.notify(uuid, data)
        else:
            loop.call_soon(self.notify, uuid, data)

    # Connection and the armed DROP_LINK ----------------------------------

    def on_connect(self) -> None:
        """An armed DROP_LINK counts each link's operations from zero."""
        self.faults.link_up()

    async def gatt_read(self, uuid: str) -> bytes:
        """Serve a read, unless the armed DROP_LINK drops the link first."""
        self._count_operation()
        return await super().gatt_read(uuid)

    async def gatt_write(self, uuid: str, data: bytes, response: bool) -> None:
        """Serve a write, unless the armed DROP_LINK drops the link first."""
        self._count_operation()
        await super().gatt_write(uuid, data, response)

    async def gatt_subscribe(self, uuid: str) -> None:
        """Enable notifications, unless the armed DROP_LINK drops the link first."""
        self._count_operation()
        await super().gatt_subscribe(uuid)

    def _count_operation(self) -> None:
        if self.connected and self.faults.operation():
            self.drop_link()

    # GATT table --------------------------------------------------------

    def build_services(self) -> list[Service]:
        """Service 0xA000 with the properties pyDE1 lists (§3)."""

        def char(
            uuid: str,
            props: list[str],
            read: Callable[[], bytes] | None = None,
            write: Callable[[bytes], None] | None = None,
        ) -> Characteristic:
            return Characteristic(uuid, props, on_read=read, on_write=write or _ignore)

        return [
            Service(
                SERVICE,
                [
                    char(VERSIONS, [R, N], self._read_versions),
                    char(
                        REQUESTED_STATE,
                        [R, W, N],
                        lambda: bytes([self.requested]),
                        self._write_requested_state,
                    ),
                    char(SET_TIME, [R, W, N], lambda: self._set_time, self._write_set_time),
                    char(SHOT_DIRECTORY, [R, W, N], lambda: bytes(24)),
                    char(READ_FROM_MMR, [R, W, N], lambda: self._mmr_request, self._write_mmr_read),
                    char(WRITE_TO_MMR, [W, N], write=self._write_mmr),
                    char(SHOT_MAP_REQUEST, [W, N]),
                    char(DELETE_SHOT_RANGE, [W, N]),
                    char(FW_MAP_REQUEST, [W, N], write=self._write_fw_map),
                    char(TEMPERATURES, [R, N], lambda: bytes(16)),
                    char(
                        SHOT_SETTINGS,
                        [R, W, N],
                        self._read_shot_settings,
                        self._write_shot_settings,
                    ),
                    char(DEPRECATED_SHOT_DESC, [R, W, N], lambda: bytes(20)),
                    char(SHOT_SAMPLE, [R, N], self._read_shot_sample),
                    char(STATE_INFO, [R, N], self._read_state_info),
                    char(HEADER_WRITE, [R, W, N], self._read_header, self._write_header),
                    char(FRAME_WRITE, [R, W, N], lambda: self._frame_write, self._write_frame),
                    char(WATER_LEVELS, [R, W, N], self._water_levels, self._write_water_levels),
                    char(
                        CALIBRATION,
                        [R, W, N],
                        lambda: self._calibration_answer,
                        self._write_calibration,
                    ),
                ],
            )
        ]

    # Reads

    def _read_versions(self) -> bytes:
        return codec.encode_versions(self.versions)

    def _read_state_info(self) -> bytes:
        return codec.encode_state_info(self.machine.state, self.machine.substate)

    def _read_shot_sample(self) -> bytes:
        if self._last_sample is None:
            self._last_sample = codec.encode_shot_sample(self.machine.sample(self.sample_time))
        return self._last_sample

    def _read_shot_settings(self) -> bytes:
        return codec.encode_shot_settings(self.machine.settings)

    def _read_header(self) -> bytes:
        return codec.encode_header(self.machine.profiles.header)

    def _water_levels(self) -> bytes:
        tank = self.machine.tank
        return codec.encode_water_levels(tank.level_mm, tank.refill_mm)

    # Writes

    def _write_requested_state(self, data: bytes) -> None:
        _length(data, 1, "RequestedState")
        self.requested = data[0]
        if self.machine_faults.ignore_start and data[0] in FLOW_STATES:
            return  # acknowledged; the machine stays put
        self.machine.request(data[0])

    def _write_set_time(self, data: bytes) -> None:
        _length(data, 8, "SetTime")
        self._set_time = data

    def _write_shot_settings(self, data: bytes) -> None:
        self.machine.write_settings(_decode(codec.decode_shot_settings, data))

    def _write_water_levels(self, data: bytes) -> None:
        _level, refill = _decode(codec.decode_water_levels, data)
        self.machine.tank.refill_mm = refill  # the level itself is measured, not set

    def _write_header(self, data: bytes) -> None:
        header = _decode(codec.decode_header, data)
        try:
            self.machine.profiles.write_header(header)
        except ProfileError as err:
            raise AttError(ATT_VALUE_NOT_ALLOWED, str(err)) from err

    def _write_frame(self, data: bytes) -> None:
        profiles = self.machine.profiles
        index = _decode(codec.frame_index, data)
        try:
            kind = profiles.write(index)
        except ProfileError as err:
            raise AttError(ATT_VALUE_NOT_ALLOWED, str(err)) from err
        if kind == "tail":
            profiles.write_tail(codec.decode_tail(data))
            self.machine.profile_written_at = self.machine.clock
        elif kind == "limiter":
            profiles.write_limiter(index - 32, codec.decode_limiter(data))
        else:
            profiles.write_frame(index, codec.decode_frame(data))
        self._frame_write = data

    def _write_mmr_read(self, data: bytes) -> None:
        length, address = _decode(codec.decode_mmr_read, data)
        self._mmr_request = data
        machine = self.machine
        if machine.frozen:
            return
        addresses = [address + 4 * i for i in range(length // 4)]
        hangs = {Mmr.PREF_GHC_MCI, Mmr.MAX_SHOT_PRESS}
        if machine.firmware <= FW_FREEZES_ON_GHC_READ and hangs.intersection(addresses):
            machine.frozen = True  # §9.1: this read can freeze old firmware
            return
        raw = codec.mmr_bytes([machine.mmr.read(a) for a in addresses])
        for offset in range(0, len(raw), codec.MMR_DATA_MAX):
            chunk = raw[offset : offset + codec.MMR_DATA_MAX]
            self._notify_soon(READ_FROM_MMR, codec.encode_mmr_response(address + offset, chunk))

    def _write_mmr(self, data: bytes) -> None:
        address, payload = _decode(codec.decode_mmr_write, data)
        if address < MMR_REGISTERS:
            self.firmware_bytes += len(payload)
            return
        for i, word in enumerate(codec.mmr_words(payload)):
            self.machine.write_register(address + 4 * i, word)

    def _write_fw_map(self, data: bytes) -> None:
        request = _decode(codec.decode_fw_map, data)
        if request.first_error == FW_VERIFY:
            answer = codec.FwMapRequest(request.window_increment, 0, request.map, FW_NO_ERRORS)
        else:
            if request.erase:
                self.firmware_bytes = 0
            answer = request
        self._notify_soon(FW_MAP_REQUEST, codec.encode_fw_map(answer))

    def _write_calibration(self, data: bytes) -> None:
        request = _decode(codec.decode_calibration, data)
        target, command = request.target, request.command
        known = target in self.calibration
        writes = command in (CAL_WRITE, CAL_RESET)
        if not known or command > CAL_READ_FACTORY or (writes and request.key != CAL_WRITE_KEY):
            answer = Calibration(request.key, command, CAL_ERROR_TARGET, 0.0, 0.0)
        else:
            if command == CAL_WRITE:
                self.calibration[target] = (request.reported, request.measured)
            elif command == CAL_RESET:
                self.calibration[target] = self.factory_calibration[target]
            source = self.factory_calibration if command == CAL_READ_FACTORY else self.calibration
            reported, measured = source[target]
            answer = Calibration(request.key, command, target, reported, measured)
        self._calibration_answer = codec.encode_calibration(answer)
        self._notify_soon(CALIBRATION, self._calibration_answer)


def _ignore(_data: bytes) -> None:
    """Writes the machine acknowledges and does nothing with."""


def _length(data: bytes, size: int, what: str) -> None:
    if len(data) != size:
        raise AttError(ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, f"{what} is {size} bytes")


def _decode[T](decoder: Callable[[bytes], T], data: bytes) -> T:
    try:
        return decoder(data)
    except CodecError as err:
        raise AttError(ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, str(err)) from err
