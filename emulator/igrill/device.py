"""The emulated iGrill: GATT table of §1.3, handshake of §1.4, bytes of §1.5."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from emulator.device import EmulatedDevice, physics_steps
from emulator.gatt import (
    ATT_INSUFFICIENT_AUTHENTICATION,
    ATT_INVALID_ATTRIBUTE_VALUE_LENGTH,
    ATT_UNLIKELY_ERROR,
    AttError,
    Characteristic,
    Service,
)

from . import codec
from .auth import Authenticator
from .const import (
    APP_CHALLENGE,
    AUTH_SERVICE,
    BATTERY_LEVEL,
    BATTERY_SERVICE,
    DEVICE_CHALLENGE,
    DEVICE_INFO_SERVICE,
    DEVICE_RESPONSE,
    FIRMWARE_VERSION,
    MANUFACTURER_NAME,
    MINI_KEY,
    MODEL_NUMBER,
    PROPANE_LEVEL,
    PROPANE_SERVICE,
    PULSE_ELEMENT,
    PULSE_ELEMENT_SERVICE,
    SERIAL_NUMBER,
    UNIT,
    UNIT_CELSIUS,
    IGrillModel,
    probe_threshold_uuid,
    probe_value_uuid,
)
from .physics import HeatingElement, Probe, Supply, default_probes

NOTIFY_INTERVAL = 1.0  # s of device time between probe notifications
PHYSICS_STEP = 5.0  # s; long advances are cut into steps so the stall shows
ROOM = 20.0  # °C


class IGrillDevice(EmulatedDevice):
    """One iGrill-family thermometer (or Pulse grill)."""

    def __init__(
        self,
        model: IGrillModel,
        address: str,
        name: str | None = None,
        *,
        unit: int = UNIT_CELSIUS,
        plugged: Sequence[bool] | None = None,
        cooker_temperature: float = 120.0,
        battery: float = 87.0,
        battery_drain_per_hour: float = 1.0,
        propane: float = 1.0,
        propane_drain_per_hour: float = 0.05,
        setpoints: Sequence[int] | None = None,
        firmware: str | None = None,
        key: bytes = MINI_KEY,
        require_pairing: bool = False,
        rssi: int = -60,
        seed: int | None = None,
    ) -> None:
        self.igrill = model  # build_services (called by the base) needs it
        super().__init__(address, name or model.local_name, rssi=rssi, seed=seed)
        self.model = model.key
        self.unit = unit
        self.cooker_temperature = cooker_temperature  # °C, unless elements heat
        self.firmware = firmware or model.firmware
        self.require_pairing = require_pairing  # app challenge needs a bond first
        self.probes: list[Probe] = default_probes(model.probes, self.random, ROOM)
        for probe, is_plugged in zip(self.probes, plugged or (), strict=False):
            probe.plugged = is_plugged
        self.battery = Supply(
            100.0 if model.mains_powered else battery,
            0.0 if model.mains_powered else battery_drain_per_hour,
        )
        self.propane = Supply(propane, propane_drain_per_hour, full=1.0)
        default_setpoints = [180] * model.elements
        self.elements = [
            HeatingElement(setpoint)
            for setpoint in (list(setpoints) if setpoints is not None else default_setpoints)
        ][: model.elements]
        self.alarms: list[tuple[float, int, int]] = []  # (elapsed, probe, reading)
        self._auth = Authenticator(key, self.random)
        self._since_notify = 0.0
        self._last_sent: dict[str, bytes] = {}

    # Advertising -------------------------------------------------------

    def advertised_service_uuids(self) -> list[str]:
        """Only the models evidenced to advertise their temperature service."""
        return [self.igrill.temperature_service] if self.igrill.advertises_service else []

    # State a test or demo changes --------------------------------------

    @property
    def authenticated(self) -> bool:
        """Whether the current connection passed the handshake."""
        return self._auth.authenticated

    @property
    def beeping(self) -> bool:
        """Whether any probe alarm is latched."""
        return any(probe.alarm for probe in self.probes)

    def probe(self, number: int) -> Probe:
        """Probe ``number`` (1-based)."""
        return self.probes[number - 1]

    def plug(self, number: int, temperature: float = ROOM) -> None:
        """Plug a probe in; it starts at ``temperature`` °C."""
        probe = self.probe(number)
        probe.plugged = True
        probe.temperature = temperature

    def unplug(self, number: int) -> None:
        """Pull a probe out of its socket."""
        probe = self.probe(number)
        probe.plugged = False
        probe.alarm = False

    def set_setpoint(self, element: int, setpoint: int) -> None:
        """Turn a Pulse element's knob (1 = left, 2 = right); 0 is off."""
        self.elements[element - 1].setpoint = setpoint

    def reading(self, number: int) -> int | None:
        """Probe ``number`` as the device reports it (device unit), None if empty."""
        probe = self.probe(number)
        if not probe.plugged:
            return None
        return round(codec.to_device_unit(probe.reading(self.random), self.unit))

    def cooker(self) -> float:
        """The temperature the probes cook in (°C)."""
        heating = [e.actual for e in self.elements if e.setpoint > 0]
        if heating:
            return sum(heating) / len(heating)
        return ROOM if self.elements else self.cooker_temperature

    # Physics -----------------------------------------------------------

    def step(self, seconds: float) -> None:
        """Heat, drain, beep, and notify what changed."""
        elapsed = self.elapsed - seconds
        for chunk in physics_steps(seconds, PHYSICS_STEP):
            elapsed += chunk
            for element in self.elements:
                element.step(chunk, ROOM)
            cooker = self.cooker()
            for probe in self.probes:
                if probe.plugged:
                    probe.step(chunk, cooker, elapsed)
            self._check_alarms(elapsed)
        self.battery.step(seconds)
        self.propane.step(seconds)
        self._since_notify += seconds
        if self._since_notify >= NOTIFY_INTERVAL:
            self._since_notify = 0.0
            self._send_notifications()

    def _check_alarms(self, elapsed: float) -> None:
        for probe in self.probes:
            if not probe.plugged or probe.alarm:
                continue
            value = round(codec.to_device_unit(probe.temperature, self.unit))
            if value >= probe.high_limit or value <= probe.low_limit:
                probe.alarm = True
                self.alarms.append((elapsed, probe.number, value))

    def _send_notifications(self) -> None:
        if not self.authenticated:
            return
        for probe in self.probes:
            value = self.reading(probe.number)
            data = codec.encode_probe(value, three_bytes=self.igrill.three_byte_notify)
            self.notify(probe_value_uuid(probe.number), data)
        # Battery, propane and elements only notify on change.
        self._notify_change(BATTERY_LEVEL, self._battery_bytes())
        if self.igrill.propane:
            self._notify_change(PROPANE_LEVEL, codec.encode_propane(self.propane.level))
        if self.elements:
            self._notify_change(PULSE_ELEMENT, self._element_bytes())

    def _notify_change(self, uuid: str, data: bytes) -> None:
        if self._last_sent.get(uuid) != data and self.notify(uuid, data):
            self._last_sent[uuid] = data

    # Connection --------------------------------------------------------

    def on_connect(self) -> None:
        """Every connection starts unauthenticated."""
        self._auth.reset()
        self._last_sent.clear()
        self.faults.link_up()

    def on_disconnect(self) -> None:
        """The handshake does not outlive the link."""
        self._auth.reset()

    # GATT operations (an armed DROP_LINK counts them) -----------------

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
        # The base class then answers "not connected", as a real stack would.
        if self.connected and self.faults.operation():
            self.drop_link()

    # GATT table --------------------------------------------------------

    def build_services(self) -> list[Service]:
        """Device information, auth, temperature, battery, and the extras."""
        model = self.igrill
        services = [
            Service(
                DEVICE_INFO_SERVICE,
                [
                    Characteristic(MODEL_NUMBER, ["read"], model.model_number.encode()),
                    Characteristic(SERIAL_NUMBER, ["read"], self.address.replace(":", "").encode()),
                    Characteristic(MANUFACTURER_NAME, ["read"], model.manufacturer.encode()),
                ],
            ),
            Service(
                AUTH_SERVICE,
                [
                    Characteristic(
                        FIRMWARE_VERSION,
                        ["read"],
                        on_read=lambda: codec.encode_firmware(self.firmware),
                    ),
                    Characteristic(APP_CHALLENGE, ["write"], on_write=self._write_app_challenge),
                    Characteristic(DEVICE_CHALLENGE, ["read"], on_read=self._read_device_challenge),
                    Characteristic(
                        DEVICE_RESPONSE, ["write"], on_write=self._write_device_response
                    ),
                ],
            ),
            Service(model.temperature_service, self._temperature_characteristics()),
            Service(
                BATTERY_SERVICE,
                [Characteristic(BATTERY_LEVEL, ["read", "notify"], on_read=self._read_battery)],
            ),
        ]
        if model.propane:
            services.append(
                Service(
                    PROPANE_SERVICE,
                    [Characteristic(PROPANE_LEVEL, ["read", "notify"], on_read=self._read_propane)],
                )
            )
        if model.elements:
            services.append(
                Service(
                    PULSE_ELEMENT_SERVICE,
                    [
                        Characteristic(
                            PULSE_ELEMENT, ["read", "notify"], on_read=self._read_elements
                        )
                    ],
                )
            )
        return services

    def _temperature_characteristics(self) -> list[Characteristic]:
        chars = [
            Characteristic(
                UNIT, ["read", "write"], on_read=self._read_unit, on_write=self._write_unit
            )
        ]
        for number in range(1, self.igrill.probes + 1):
            chars.append(
                Characteristic(
                    probe_value_uuid(number), ["read", "notify"], on_read=self._probe_reader(number)
                )
            )
            chars.append(
                Characteristic(
                    probe_threshold_uuid(number),
                    ["read", "write"],
                    on_read=self._threshold_reader(number),
                    on_write=self._threshold_writer(number),
                )
            )
        return chars

    # GATT handlers -----------------------------------------------------

    def _require_auth(self) -> None:
        if not self.authenticated:
            raise AttError(ATT_INSUFFICIENT_AUTHENTICATION, "authenticate first")

    def _write_app_challenge(self, data: bytes) -> None:
        if self.require_pairing and not self.paired:
            # kvantetore/igrill#4: refused until the link was bonded.
            raise AttError(ATT_INSUFFICIENT_AUTHENTICATION, "pair first")
        try:
            self._auth.receive_app_challenge(data)
        except ValueError as err:
            raise AttError(ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, str(err)) from err

    def _read_device_challenge(self) -> bytes:
        if not self._auth.challenged:
            raise AttError(ATT_UNLIKELY_ERROR, "no app challenge written yet")
        return self._auth.device_challenge(garbled=self.faults.refuse_handshake)

    def _write_device_response(self, data: bytes) -> None:
        if len(data) != 16:
            raise AttError(ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, "the response is 16 bytes")
        if not self._auth.check_response(data) or self.faults.refuse_handshake:
            self._auth.authenticated = False
            raise AttError(ATT_UNLIKELY_ERROR, "wrong device response")

    def _read_unit(self) -> bytes:
        self._require_auth()
        return bytes([self.unit])

    def _write_unit(self, data: bytes) -> None:
        self._require_auth()
        if len(data) != 1:
            raise AttError(ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, "the unit is 1 byte")
        self.unit = data[0]

    def _probe_reader(self, number: int) -> Callable[[], bytes]:
        def read() -> bytes:
            self._require_auth()
            value = self.reading(number)
            if value is None and self.igrill.empty_socket_error:
                # V2/V202 answer a read of an empty socket with 0x0E (JAYK).
                raise AttError(ATT_UNLIKELY_ERROR, f"probe {number} socket is empty")
            return codec.encode_probe(value)

        return read

    def _threshold_reader(self, number: int) -> Callable[[], bytes]:
        def read() -> bytes:
            self._require_auth()
            probe = self.probe(number)
            return codec.encode_threshold(probe.low_limit, probe.high_limit)

        return read

    def _threshold_writer(self, number: int) -> Callable[[bytes], None]:
        def write(data: bytes) -> None:
            self._require_auth()
            try:
                low, high = codec.decode_threshold(data)
            except ValueError as err:
                raise AttError(ATT_INVALID_ATTRIBUTE_VALUE_LENGTH, str(err)) from err
            probe = self.probe(number)
            probe.low_limit, probe.high_limit = low, high
            probe.alarm = False  # a new limit silences the beep

        return write

    def _read_battery(self) -> bytes:
        self._require_auth()
        return self._battery_bytes()

    def _battery_bytes(self) -> bytes:
        return bytes([round(self.battery.level)])

    def _read_propane(self) -> bytes:
        self._require_auth()
        return codec.encode_propane(self.propane.level)

    def _read_elements(self) -> bytes:
        self._require_auth()
        return self._element_bytes()

    def _element_bytes(self) -> bytes:
        return codec.encode_elements(
            [round(e.actual) for e in self.elements], [e.setpoint for e in self.elements]
        )
