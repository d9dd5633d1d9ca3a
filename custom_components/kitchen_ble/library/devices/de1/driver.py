"""DE1 driver: subscribe, read once, follow notifications, send commands (fact sheet §3-§9).

The machine streams ShotSamples (~4 Hz, idle or not), WaterLevels and StateInfo
changes; MMR registers and calibration are read by writing a request and
waiting for the answer as a notification. Every GATT operation is serialised
(BlueZ fails overlapping ones, §3) and every write is acknowledged
(``response=True``), as de1app and REA do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from time import monotonic
from typing import Any, Final

from ..base import (
    GattClient,
    ModelInfo,
    UnsupportedDeviceError,
    has_characteristic,
    service_uuids_of,
)
from . import codec, registers
from .codec import (
    CalCommand,
    Calibration,
    CalTarget,
    MmrReadReply,
    ShotSample,
    ShotSettings,
    StateInfo,
)
from .errors import (
    De1CommandError,
    De1DecodeError,
    De1FirmwareError,
    De1MmrTimeoutError,
    De1StartRefusedError,
    De1StateTimeoutError,
    De1TimeoutError,
)
from .firmware import APP_FEATURES, FLUSH_CONTROL, FirmwareFeatures
from .models import (
    CHAR_CALIBRATION,
    CHAR_FRAME_WRITE,
    CHAR_HEADER_WRITE,
    CHAR_READ_FROM_MMR,
    CHAR_REQUESTED_STATE,
    CHAR_SHOT_SAMPLE,
    CHAR_SHOT_SETTINGS,
    CHAR_STATE_INFO,
    CHAR_VERSIONS,
    CHAR_WATER_LEVELS,
    CHAR_WRITE_TO_MMR,
    SERVICE_UUID,
    model_from_machine_model,
)
from .numbers import Payload
from .registers import MmrRegister, MmrValue
from .state import De1State
from .states import MAINTENANCE_STATES, START_STATES, FlowPhase, MachineState, Substate

_LOGGER = logging.getLogger(__name__)

POLL_INTERVAL: Final = 30.0  # s; the machine pushes, a poll checks it still answers
MMR_TIMEOUT: Final = 4.0  # s per attempt (REA)
MMR_ATTEMPTS: Final = 3  # REA retries twice
MMR_RETRY_DELAY: Final = 0.3  # s between attempts (REA)
STOP_REPEAT_WINDOW: Final = 0.25  # s; pyDE1 drops a repeated stop within this
PROFILE_GUARD: Final = 0.5  # s; REA: no Espresso this soon after a profile upload
SLEEP_SETTLE_TIMEOUT: Final = 10.0  # s to wait for Idle before asking for Sleep
PRESENCE_MIN_INTERVAL: Final = 5.0  # s; REA sends USER_PRESENT at most this often
# pyDE1 accepts these steam temperatures (or 0, off); for the HA entity's range.
STEAM_TEMP_MIN: Final = 135
STEAM_TEMP_MAX: Final = 160

REQUIRED_CHARACTERISTICS: Final = (CHAR_REQUESTED_STATE, CHAR_STATE_INFO, CHAR_SHOT_SAMPLE)
# What may be requested; the calibration, self-test, bootloader and upgrade states are not.
REQUESTABLE: Final = frozenset(
    {
        MachineState.SLEEP,
        MachineState.IDLE,
        MachineState.NO_REQUEST,
        MachineState.SKIP_TO_NEXT,
        MachineState.SCHED_IDLE,
        *START_STATES,
        *MAINTENANCE_STATES,
    }
)
# Asleep or settling there: Sleep may be requested straight away (pyDE1 ``sleep``).
_SLEEP_READY: Final = frozenset(
    {MachineState.IDLE, MachineState.SLEEP, MachineState.GOING_TO_SLEEP}
)
# Identity first: CPU board, machine model and firmware build in one read (de1app).
_IDENTITY: Final = (registers.CPU_BOARD_MODEL, 3)
# Then what the HA layer shows or sets: (first register, words, firmware build needed).
_START_READS: Final = (
    (registers.GHC_INFO, 1, 0),
    (registers.TARGET_STEAM_FLOW, 4, 0),  # steam flow, steam start, serial, heater voltage
    (registers.FLUSH_FLOW_RATE, 4, FLUSH_CONTROL),  # flush flow, temp, timeout, hot water flow
    (registers.STEAM_PURGE_MODE, 4, APP_FEATURES),  # purge, USB charging, app flags, refill kit
)

type StatePredicate = Callable[[StateInfo], bool]


class De1Driver:
    """Talks to one Decent DE1 over a connected GattClient."""

    def __init__(
        self,
        model: ModelInfo,
        on_update: Callable[[], None],
        on_sample: Callable[[ShotSample], None],
        *,
        mmr_timeout: float = MMR_TIMEOUT,
        mmr_attempts: int = MMR_ATTEMPTS,
        mmr_retry_delay: float = MMR_RETRY_DELAY,
        sleep_settle_timeout: float = SLEEP_SETTLE_TIMEOUT,
        presence_heartbeat: bool = True,
    ) -> None:
        self.model = model
        self.state = De1State()
        self.poll_interval: float = POLL_INTERVAL
        self._on_update = on_update
        self._on_sample = on_sample
        self._mmr_timeout = mmr_timeout
        self._mmr_attempts = max(1, mmr_attempts)
        self._mmr_retry_delay = mmr_retry_delay
        self._sleep_settle_timeout = sleep_settle_timeout
        self._presence_heartbeat = presence_heartbeat
        self._gatt = asyncio.Lock()  # one GATT operation at a time
        self._mmr_lock = asyncio.Lock()  # one MMR request/answer at a time
        self._calibration_lock = asyncio.Lock()
        self._upload_lock = asyncio.Lock()  # one profile upload at a time (REA)
        self._mmr_waiters: dict[int, tuple[int, asyncio.Future[MmrReadReply]]] = {}
        self._calibration_waiter: asyncio.Future[Calibration] | None = None
        self._state_waiters: list[tuple[StatePredicate, asyncio.Future[StateInfo]]] = []
        self._mmr_usable = False
        self._last_idle_request: float | None = None
        self._last_presence: float | None = None
        self._profile_uploaded_at: float | None = None

    # Connection ---------------------------------------------------------------------

    async def async_start(self, client: GattClient) -> None:
        """Check it is a DE1, subscribe, read what is known, then announce once.

        Raises UnsupportedDeviceError without the 0xA000 service (or for a
        Bengle, §12.15) and De1MmrTimeoutError when the identity registers
        (model, firmware build) do not answer. Malformed reads are skipped.
        """
        if SERVICE_UUID not in service_uuids_of(client):
            raise UnsupportedDeviceError("no DE1 service (0xA000) on this device")
        missing = [
            uuid for uuid in REQUIRED_CHARACTERISTICS if not has_characteristic(client, uuid)
        ]
        if missing:
            raise UnsupportedDeviceError(f"DE1 characteristics missing: {', '.join(missing)}")
        self._reset()
        for uuid, handler in self._notifiers():
            if has_characteristic(client, uuid):
                await client.start_notify(uuid, handler)

        self.state.versions = await self._read(client, CHAR_VERSIONS, codec.decode_versions)
        if (settings := await self._read_settings(client)) is not None:
            self.state.shot_settings = settings
        levels = await self._read(client, CHAR_WATER_LEVELS, codec.decode_water_levels)
        if levels is not None:
            self._store_levels(levels)
        await self._refresh_state_info(client)

        versions = self.state.versions
        self._mmr_usable = (
            has_characteristic(client, CHAR_READ_FROM_MMR)
            and has_characteristic(client, CHAR_WRITE_TO_MMR)
            and (versions is None or versions.mmr_available)
        )
        if self._mmr_usable:
            await self._read_identity(client)
            await self._read_start_registers(client)
        self._on_update()

    async def async_poll(self, client: GattClient) -> None:
        """Liveness: read StateInfo; keep up USER_PRESENT where the firmware wants it (§7.3).

        The presence flag (APP_FEATURE_FLAGS bit 0) is set by other apps, never
        by this driver; while it is set the DE1 reports UserNotPresent unless
        someone sends USER_PRESENT, so the poll does (``presence_heartbeat``).
        """
        await self._refresh_state_info(client)
        features = self.state.features
        if not (self._mmr_usable and features is not None and features.user_presence):
            return
        try:
            await self._mmr_read_words(client, registers.APP_FEATURE_FLAGS.address, 1)
        except De1MmrTimeoutError as err:
            _LOGGER.debug("Presence flag not re-read: %s", err)
        if self._presence_heartbeat and self.state.user_presence_expected:
            await self.async_user_present(client)

    # Commands -----------------------------------------------------------------------

    async def async_request_state(self, client: GattClient, state: MachineState) -> bool:
        """Ask for a state (§4.3); True when a request was written.

        Starts are sent only from Idle and never with an active GHC
        (De1StartRefusedError, reason in ``state.remote_start_block``); the
        machine may still ignore one, so confirm it with ``async_wait_for_state``.
        Clean, Descale and AirPurge only from Idle; SkipToNext (≥ 1260) only
        during an espresso pour; SchedIdle from 1293. Sleep first sends Idle when
        the machine is busy. A second Idle within 0.25 s is dropped (False).
        """
        if state not in REQUESTABLE:
            raise De1CommandError(f"{state!r} is not a state the app requests")
        if state in START_STATES:
            await self._check_start(state)
        elif state in MAINTENANCE_STATES:
            if self.state.machine_state is not MachineState.IDLE:
                raise De1CommandError(f"{state.name} is only requested from Idle")
        elif state is MachineState.SKIP_TO_NEXT:
            self._check_skip()
        elif state is MachineState.SCHED_IDLE:
            features = self._features("SchedIdle")
            if not features.sched_idle:
                raise De1FirmwareError(f"SchedIdle needs firmware 1293, not {features.build}")
        elif state is MachineState.SLEEP:
            await self._prepare_sleep(client)
        elif state is MachineState.IDLE and self._idle_requested_recently():
            _LOGGER.debug("Dropping a repeated Idle request")
            return False
        await self._write(client, CHAR_REQUESTED_STATE, codec.encode_requested_state(state))
        if state is MachineState.IDLE:
            self._last_idle_request = monotonic()
        return True

    async def async_stop_flow(self, client: GattClient) -> bool:
        """Request Idle if a flow is before or during its pour (pyDE1 ``stop_flow``)."""
        if self.state.flow_phase not in (FlowPhase.BEFORE, FlowPhase.DURING):
            return False
        return await self.async_request_state(client, MachineState.IDLE)

    async def async_skip_to_next(self, client: GattClient) -> None:
        """Move the running espresso profile to its next frame (firmware ≥ 1260, §9.4)."""
        await self.async_request_state(client, MachineState.SKIP_TO_NEXT)

    async def async_wait_for_state(
        self,
        predicate: StatePredicate,
        timeout: float,  # noqa: ASYNC109 - a bounded wait that ends in a typed error
    ) -> StateInfo:
        """The first StateInfo (the current one included) for which ``predicate`` holds.

        Raises De1StateTimeoutError when none comes within ``timeout`` seconds,
        e.g. after a start the machine ignored (§9.2).
        """
        current = self.state.state_info
        if current is not None and predicate(current):
            return current
        future: asyncio.Future[StateInfo] = asyncio.get_running_loop().create_future()
        waiter = (predicate, future)
        self._state_waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError as err:
            raise De1StateTimeoutError(f"machine state not reached within {timeout} s") from err
        finally:
            self._state_waiters.remove(waiter)

    def note_profile_uploaded(self) -> None:
        """Tell the driver a profile was just written: Espresso waits 0.5 s after it (§4.3)."""
        self._profile_uploaded_at = monotonic()

    async def async_upload_profile(
        self, client: GattClient, writes: Iterable[tuple[str, bytes]]
    ) -> None:
        """Write a profile as given: header, frames, extension frames, tail, tank (§8.5).

        Each write is a write-with-response awaited before the next: its
        completion is the machine's acknowledgement, the one de1app counts.
        Two uploads never interleave (REA: that wedges the firmware's profile
        state machine); other operations may run between the writes. Then the
        header is read back: a machine that holds another one did not take the
        profile (De1CommandError). Espresso waits 0.5 s after the last write.
        """
        ordered = list(writes)
        if not ordered or ordered[0][0] != CHAR_HEADER_WRITE:
            raise De1CommandError("a profile upload starts with its header")
        for uuid in (CHAR_HEADER_WRITE, CHAR_FRAME_WRITE):
            if not has_characteristic(client, uuid):
                raise De1CommandError(f"this machine has no profile characteristic {uuid}")
        async with self._upload_lock:
            for uuid, data in ordered:
                await self._write(client, uuid, data)
            self.note_profile_uploaded()
            held = await self.async_read_profile_header(client)
        header = bytes(ordered[0][1])
        if held != header:
            raise De1CommandError(f"the machine holds header {held.hex()}, not {header.hex()}")

    async def async_read_profile_header(self, client: GattClient) -> bytes:
        """The profile header the machine holds (a read of HeaderWrite returns it, §8.5)."""
        if not has_characteristic(client, CHAR_HEADER_WRITE):
            raise De1CommandError("this machine has no profile header characteristic")
        async with self._gatt:
            return bytes(await client.read_gatt_char(CHAR_HEADER_WRITE))

    async def async_write_shot_settings(self, client: GattClient, settings: ShotSettings) -> None:
        """Write ShotSettings, then read them back (pyDE1) so the state shows what took."""
        data = codec.encode_shot_settings(settings)
        await self._write(client, CHAR_SHOT_SETTINGS, data)
        stored = await self._read_settings(client)
        self._store("shot_settings", settings if stored is None else stored)

    async def async_write_refill_threshold(self, client: GattClient, threshold_mm: float) -> None:
        """Set the refill threshold in mm (WaterLevels, level bytes 0)."""
        data = codec.encode_refill_threshold(threshold_mm)
        await self._write(client, CHAR_WATER_LEVELS, data)
        self._store("refill_threshold_mm", codec.decode_water_levels(data).refill_threshold_mm)

    async def async_mmr_read(self, client: GattClient, register: MmrRegister) -> MmrValue:
        """Read one register (checked against the firmware first); the state keeps it too."""
        registers.validate_read(register, self.state.features)
        self._check_mmr()
        words = await self._mmr_read_words(client, register.address, register.length // 4)
        return register.from_raw(words[0])

    async def async_mmr_write(
        self, client: GattClient, register: MmrRegister, value: float, *, verify: bool = True
    ) -> None:
        """Write a register after checking it is writable, in range and on the firmware.

        No confirmation exists, so with ``verify`` the register is read back
        (pyDE1) and the state shows what the machine kept.
        """
        raw = registers.validate_write(register, value, self.state.features)
        self._check_mmr()
        await self._write(client, CHAR_WRITE_TO_MMR, codec.encode_mmr_write(register.address, raw))
        if self.state.mmr.get(register.address) != raw:
            self.state.mmr[register.address] = raw
            self._on_update()
        if verify and register.readable:
            await self._mmr_read_words(client, register.address, 1)

    async def async_user_present(self, client: GattClient) -> bool:
        """Send USER_PRESENT (firmware ≥ 1320), at most every 5 s; True when sent."""
        features = self.state.features
        if not (self._mmr_usable and features is not None and features.user_presence):
            return False
        now = monotonic()
        if self._last_presence is not None and now - self._last_presence < PRESENCE_MIN_INTERVAL:
            return False
        self._last_presence = now
        await self.async_mmr_write(client, registers.USER_PRESENT, 1, verify=False)
        return True

    async def async_read_calibration(
        self, client: GattClient, target: CalTarget, *, factory: bool = False
    ) -> Calibration:
        """Read one calibration value (never written by this package, §6.3)."""
        request = codec.encode_calibration_read(target, factory=factory)
        if not has_characteristic(client, CHAR_CALIBRATION):
            raise De1CommandError("this machine has no calibration characteristic")
        async with self._calibration_lock:
            future: asyncio.Future[Calibration] = asyncio.get_running_loop().create_future()
            self._calibration_waiter = future
            try:
                await self._write(client, CHAR_CALIBRATION, request)
                async with asyncio.timeout(self._mmr_timeout):
                    return await future
            except TimeoutError as err:
                raise De1TimeoutError(f"no calibration answer for {target.name}") from err
            finally:
                self._calibration_waiter = None

    # Start-up helpers -----------------------------------------------------------------

    def _reset(self) -> None:
        self.state.reset()
        self._mmr_usable = False
        self._last_idle_request = None
        self._last_presence = None

    def _notifiers(self) -> list[tuple[str, Callable[[Any, bytearray], None]]]:
        return [
            (CHAR_SHOT_SAMPLE, self._on_shot_sample),
            (CHAR_STATE_INFO, self._on_state_info),
            (CHAR_WATER_LEVELS, self._on_water_levels),
            (CHAR_SHOT_SETTINGS, self._on_shot_settings),
            (CHAR_READ_FROM_MMR, self._on_mmr),
            (CHAR_CALIBRATION, self._on_calibration),
        ]

    async def _read_identity(self, client: GattClient) -> None:
        register, words = _IDENTITY
        _board, code, _build = await self._mmr_read_words(client, register.address, words)
        model = model_from_machine_model(code)  # a Bengle raises UnsupportedDeviceError
        if model != self.model:
            _LOGGER.debug("Machine model %d is a %s, not %s", code, model.name, self.model.name)
            self.model = model

    async def _read_start_registers(self, client: GattClient) -> None:
        """Optional registers: one that does not answer is logged, not fatal."""
        build = self.state.firmware_build or 0
        for register, words, build_needed in _START_READS:
            if build < build_needed:
                continue
            try:
                await self._mmr_read_words(client, register.address, words)
            except De1MmrTimeoutError as err:
                _LOGGER.debug("Skipping %s: %s", register.name, err)

    # GATT helpers ---------------------------------------------------------------------

    async def _write(self, client: GattClient, uuid: str, data: bytes) -> None:
        async with self._gatt:
            await client.write_gatt_char(uuid, data, response=True)

    async def _read[T](
        self, client: GattClient, uuid: str, decode: Callable[[Payload], T]
    ) -> T | None:
        """Read and decode a characteristic; None when it is absent or malformed."""
        if not has_characteristic(client, uuid):
            return None
        async with self._gatt:
            data = await client.read_gatt_char(uuid)
        try:
            return decode(data)
        except De1DecodeError as err:
            _LOGGER.debug("Skipping malformed read of %s (%s): %s", uuid, bytes(data).hex(), err)
            return None

    def _decode[T](self, decode: Callable[[Payload], T], data: bytearray, what: str) -> T | None:
        """A notification decoded, or None (logged) when it is malformed."""
        try:
            return decode(data)
        except De1DecodeError as err:
            _LOGGER.debug("Ignoring malformed %s %s: %s", what, data.hex(), err)
            return None

    async def _read_settings(self, client: GattClient) -> ShotSettings | None:
        return await self._read(client, CHAR_SHOT_SETTINGS, codec.decode_shot_settings)

    async def _refresh_state_info(self, client: GattClient) -> None:
        info = await self._read(client, CHAR_STATE_INFO, codec.decode_state_info)
        if info is not None:
            self._store_state_info(info)

    async def _mmr_read_words(
        self, client: GattClient, address: int, words: int
    ) -> tuple[int, ...]:
        """Request ``words`` registers from ``address`` and wait for their notification.

        Answers are matched by address (§7.1); each attempt waits ``mmr_timeout``.
        """
        request = codec.encode_mmr_read(address, words)
        loop = asyncio.get_running_loop()
        async with self._mmr_lock:
            for attempt in range(1, self._mmr_attempts + 1):
                future: asyncio.Future[MmrReadReply] = loop.create_future()
                self._mmr_waiters[address] = (words, future)
                try:
                    await self._write(client, CHAR_READ_FROM_MMR, request)
                    try:
                        async with asyncio.timeout(self._mmr_timeout):
                            reply = await future
                    except TimeoutError:
                        _LOGGER.debug("MMR 0x%06x: no answer (attempt %d)", address, attempt)
                        if attempt < self._mmr_attempts:
                            await asyncio.sleep(self._mmr_retry_delay)
                        continue
                finally:
                    self._mmr_waiters.pop(address, None)
                return reply.words[:words]
        raise De1MmrTimeoutError(
            f"MMR 0x{address:06x}: no answer after {self._mmr_attempts} attempt(s)"
        )

    # Command checks -------------------------------------------------------------------

    def _features(self, what: str) -> FirmwareFeatures:
        features = self.state.features
        if features is None:
            raise De1FirmwareError(f"{what} needs a known firmware build")
        return features

    def _check_mmr(self) -> None:
        if not self._mmr_usable:
            raise De1CommandError("MMR is not available on this connection")

    async def _check_start(self, state: MachineState) -> None:
        block = self.state.remote_start_block
        if block is not None:
            raise De1StartRefusedError(block, f"{state.name} refused: {block.value}")
        if state is MachineState.ESPRESSO and self._profile_uploaded_at is not None:
            remaining = PROFILE_GUARD - (monotonic() - self._profile_uploaded_at)
            if remaining > 0:
                await asyncio.sleep(remaining)

    def _check_skip(self) -> None:
        features = self._features("SkipToNext")
        if not features.skip_to_next:
            raise De1FirmwareError(f"SkipToNext needs firmware 1260, not {features.build}")
        if self.state.machine_state is not MachineState.ESPRESSO or self.state.substate not in (
            Substate.PRE_INFUSE,
            Substate.POUR,
        ):
            raise De1CommandError("SkipToNext only during an espresso's preinfusion or pour")

    def _idle_requested_recently(self) -> bool:
        last = self._last_idle_request
        return last is not None and monotonic() - last < STOP_REPEAT_WINDOW

    async def _prepare_sleep(self, client: GattClient) -> None:
        """Idle first unless the machine can go to sleep from where it is (pyDE1, REA)."""
        current = self.state.machine_state
        features = self.state.features
        if current in _SLEEP_READY:
            return
        if current is MachineState.REFILL and features is not None and features.sleep_from_refill:
            return
        await self._write(
            client, CHAR_REQUESTED_STATE, codec.encode_requested_state(MachineState.IDLE)
        )
        self._last_idle_request = monotonic()
        try:
            await self.async_wait_for_state(
                lambda info: info.state in _SLEEP_READY, self._sleep_settle_timeout
            )
        except De1StateTimeoutError:
            _LOGGER.debug("Machine not idle yet; asking for sleep anyway")

    # Notifications --------------------------------------------------------------------

    def _on_shot_sample(self, _sender: Any, data: bytearray) -> None:
        sample = self._decode(codec.decode_shot_sample, data, "ShotSample")
        if sample is None:
            return
        self.state.sample = sample
        self._on_sample(sample)
        self._on_update()

    def _on_state_info(self, _sender: Any, data: bytearray) -> None:
        info = self._decode(codec.decode_state_info, data, "StateInfo")
        if info is None:
            return
        self._store_state_info(info)

    def _on_water_levels(self, _sender: Any, data: bytearray) -> None:
        levels = self._decode(codec.decode_water_levels, data, "WaterLevels")
        if levels is None:
            return
        self._store_levels(levels)

    def _on_shot_settings(self, _sender: Any, data: bytearray) -> None:
        settings = self._decode(codec.decode_shot_settings, data, "ShotSettings")
        if settings is None:
            return
        self._store("shot_settings", settings)

    def _on_mmr(self, _sender: Any, data: bytearray) -> None:
        reply = self._decode(codec.decode_mmr_read, data, "MMR reply")
        if reply is None:
            return
        values = reply.registers
        changed = any(self.state.mmr.get(address) != raw for address, raw in values.items())
        self.state.mmr.update(values)
        waiter = self._mmr_waiters.get(reply.address)
        if waiter is not None:
            words, future = waiter
            if len(reply.words) >= words and not future.done():
                future.set_result(reply)
        if changed:
            self._on_update()

    def _on_calibration(self, _sender: Any, data: bytearray) -> None:
        calibration = self._decode(codec.decode_calibration, data, "calibration")
        if calibration is None:
            return
        future = self._calibration_waiter
        if calibration.target is CalTarget.ERROR:
            if future is not None and not future.done():
                future.set_exception(De1CommandError("the machine answered a calibration error"))
            return
        if future is not None and not future.done():
            future.set_result(calibration)
        if calibration.command is CalCommand.READ:
            stored = dict(self.state.calibration)
            stored[calibration.target] = calibration
            self._store("calibration", stored)

    # State updates --------------------------------------------------------------------

    def _store(self, field: str, value: object) -> None:
        if getattr(self.state, field) != value:
            setattr(self.state, field, value)
            self._on_update()

    def _store_levels(self, levels: codec.WaterLevels) -> None:
        before = (self.state.water_level_mm, self.state.refill_threshold_mm)
        self.state.water_level_mm = levels.level_mm
        self.state.refill_threshold_mm = levels.refill_threshold_mm
        if before != (levels.level_mm, levels.refill_threshold_mm):
            self._on_update()

    def _store_state_info(self, info: StateInfo) -> None:
        changed = self.state.state_info != info
        self.state.state_info = info
        for predicate, future in list(self._state_waiters):
            if future.done():
                continue
            try:
                if predicate(info):
                    future.set_result(info)
            except Exception as err:  # the caller's predicate: hand its error back to it
                future.set_exception(err)
        if changed:
            self._on_update()
