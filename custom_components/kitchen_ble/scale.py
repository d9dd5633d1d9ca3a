"""A coffee scale in Home Assistant: its commands, its flow, and whether a tare landed.

Every family's driver keeps a ``ScaleState`` in grams (whatever the scale
displays) and hands each accepted weight to the link's sample listeners at the
scale's full rate. ``ScaleMonitor`` is one of those listeners, per scale:

* the flow: the scale's own where it measures one (Bookoo), else pyDE1's
  estimate over 11 samples (``library.devices.scale_flow``);
* *Tare confirmed*: off once a tare is sent (or an Acaia's tare key is
  pressed), on at the first reading within ``TARE_CONFIRM_GRAMS`` of zero in
  the ``TARE_CONFIRM_SECONDS`` after it, so an automation can wait for it
  before it starts a shot; it stays off when no such reading comes;
* the physical buttons, for the event entity;
* the Acaia transport (old IPS or new Pyxis style, decided from the GATT
  table at each connection) as the device's hardware version.

Entities read the monitor when the link tells them the state changed, at
most twice a second (``KIND_STATE_INTERVAL``), so recorder rows stay few while
the stop-at-weight logic hears every sample. Commands go through the link
(``async_command``): one GATT operation at a time, translated errors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr

from .coordinator import LinkCoordinator
from .library.devices import create_driver
from .library.devices.acaia import FAMILY as ACAIA
from .library.devices.acaia import AcaiaProtocol
from .library.devices.acaia.codec import AUTO_OFF_MINUTES as ACAIA_AUTO_OFF
from .library.devices.base import Capability, DeviceKind, GattClient, ModelInfo, SerialGattClient
from .library.devices.bookoo import FAMILY as BOOKOO
from .library.devices.bookoo.codec import AUTO_OFF_MINUTES as BOOKOO_AUTO_OFF
from .library.devices.bookoo.codec import BEEP_LEVELS as BOOKOO_BEEP_LEVELS
from .library.devices.decent_scale import FAMILY as DECENT_SCALE
from .library.devices.scale import ButtonPress, ScaleDriverBase, ScaleState, WeightSample
from .library.devices.scale_flow import FlowEstimator, sensor_lag
from .library.listeners import Unsubscribe

# A tare is confirmed by a reading this close to 0 g ...
TARE_CONFIRM_GRAMS: Final = 0.2
# ... within this many seconds of the first reading after the tare was sent.
# (de1app measured a Skale's tare at ~330 ms, "can be over 500 ms"; Acaia and
# Decent tares are repeated 100 ms apart: 5 s leaves room for all of them.)
TARE_CONFIRM_SECONDS: Final = 5.0

PROTOCOL_NAMES: Final = {
    AcaiaProtocol.OLD: "Old protocol (IPS)",
    AcaiaProtocol.NEW: "New protocol (Pyxis style)",
}


@dataclass(frozen=True, slots=True)
class ScaleSettings:
    """The settings a family's scale takes, as far as the fact sheet knows them."""

    auto_off_choices: tuple[int, ...] = ()  # minutes (0: never), only these
    auto_off_range: tuple[int, int] | None = None  # minutes, any whole one in between
    beep_levels: int = 0  # 0: no beep setting; 1: on or off; more: levels 0..n


# scales.md §2.4 (Acaia settings: auto-off 0/5/10/20/30/60 min, beep on/off) and
# §5.5 (Bookoo: auto-off 5-30 min, beep level 0-5).
SETTINGS: Final[dict[str, ScaleSettings]] = {
    ACAIA: ScaleSettings(auto_off_choices=ACAIA_AUTO_OFF, beep_levels=1),
    BOOKOO: ScaleSettings(
        auto_off_range=(BOOKOO_AUTO_OFF[0], BOOKOO_AUTO_OFF[-1]),
        beep_levels=BOOKOO_BEEP_LEVELS[-1],
    ),
}
NO_SETTINGS: Final = ScaleSettings()
# Families whose scale reports its own timer: Acaia (timer events and acks,
# §2.4), Bookoo (every frame, §5.4), Decent (10-byte frames from firmware 1.2,
# §4.4). The Skale and the Felicita only take timer commands (§1.5, §3.5).
REPORTS_TIMER: Final = frozenset({ACAIA, BOOKOO, DECENT_SCALE})


def is_scale(model: ModelInfo) -> bool:
    """Whether entities of a coffee scale exist for ``model``."""
    return model.kind is DeviceKind.SCALE


def settings_of(model: ModelInfo) -> ScaleSettings:
    """The settings ``model``'s family takes (none where the sheet knows of none)."""
    return SETTINGS.get(model.family, NO_SETTINGS)


def reports_timer(model: ModelInfo) -> bool:
    """Whether the scale tells its timer's time (the others only take timer commands)."""
    return is_scale(model) and model.has(Capability.TIMER) and model.family in REPORTS_TIMER


def has_capability(capability: Capability) -> Callable[[ModelInfo], bool]:
    """``exists_fn``: a scale with ``capability``."""
    return lambda model: is_scale(model) and model.has(capability)


def has_command(name: str) -> Callable[[ModelInfo], bool]:
    """``exists_fn``: a scale whose family's driver has the command ``name``."""

    def exists(model: ModelInfo) -> bool:
        if not is_scale(model):
            return False
        driver = create_driver(model, _nothing, _nothing)  # cheap: no I/O until started
        return callable(getattr(driver, name, None))

    return exists


def _nothing(*_args: object) -> None:
    """A callback that does nothing."""


def scale_state(link: LinkCoordinator) -> ScaleState:
    """The snapshot of a scale's driver."""
    state = link.driver.state
    assert isinstance(state, ScaleState)
    return state


def scale_driver(link: LinkCoordinator) -> ScaleDriverBase:
    """The driver of a scale, for its commands."""
    driver = link.driver
    assert isinstance(driver, ScaleDriverBase)
    return driver


def scale_of(link: LinkCoordinator) -> ScaleMonitor:
    """The monitor of a scale's link."""
    monitor = link.entry.runtime_data.scale
    assert monitor is not None
    return monitor


@runtime_checkable
class _Tares(Protocol):
    async def async_tare(self, client: GattClient) -> None: ...


class ScaleMonitor:
    """Flow, tare confirmation and button presses of one scale, from its samples."""

    def __init__(self, link: LinkCoordinator) -> None:
        self.link = link
        self.flow: float | None = None  # g/s
        self.tare_confirmed: bool | None = None  # None until the first tare
        self._estimator = FlowEstimator(lag=sensor_lag(link.model.family))
        self._tare_pending = False  # a tare was sent; no reading has come since
        self._tare_since: float | None = None  # sample time of the first reading after it
        self._press_listeners: list[Callable[[ButtonPress], None]] = []
        self._was_connected = False

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Listen to the link; returns what stops listening."""
        unsubs = (
            self.link.async_add_sample_listener(self._async_sample),
            self.link.async_add_listener(self._async_link_updated),
        )

        @callback
        def stop() -> None:
            for unsub in unsubs:
                unsub()

        return stop

    @callback
    def async_add_press_listener(self, listener: Callable[[ButtonPress], None]) -> CALLBACK_TYPE:
        """Call ``listener`` with every button pressed on the scale."""
        self._press_listeners.append(listener)
        return Unsubscribe(self._press_listeners, listener)

    # --- commands ---------------------------------------------------------------------

    async def async_tare(self) -> None:
        """Zero the scale; *Tare confirmed* goes off until the weight is back near zero."""
        driver = self.link.driver
        assert isinstance(driver, _Tares)  # every scale family can tare
        await self._async_tare_command(driver.async_tare, "tare")

    async def _async_tare_command(
        self, command: Callable[[SerialGattClient], Awaitable[None]], name: str
    ) -> None:
        """Send a command that tares; a tare that was not sent leaves the sensor as it was."""
        before = (self.tare_confirmed, self._tare_pending, self._tare_since)
        self._tare_requested()
        try:
            await self.link.async_command(command, name=name)
        except HomeAssistantError:
            self.tare_confirmed, self._tare_pending, self._tare_since = before
            raise

    async def async_command(self, name: str, *args: Any) -> None:
        """Run the driver's command ``name`` (e.g. ``async_timer_start``) with ``args``."""
        method = getattr(self.link.driver, name)

        async def command(gatt: SerialGattClient) -> None:
            await method(gatt, *args)

        if name == "async_tare_and_start":
            await self._async_tare_command(command, "tare and start timer")
            return
        await self.link.async_command(command, name=name.removeprefix("async_"))

    @callback
    def _tare_requested(self) -> None:
        self.tare_confirmed = False
        self._tare_pending = True
        self._tare_since = None

    # --- what the scale tells -----------------------------------------------------------

    @callback
    def _async_sample(self, sample: object) -> None:
        if isinstance(sample, WeightSample):
            self._weight(sample)
        elif isinstance(sample, ButtonPress):
            if sample.button == "tare":  # an Acaia's tare key zeroes the scale too
                self._tare_requested()
            for listener in list(self._press_listeners):
                listener(sample)

    def _weight(self, sample: WeightSample) -> None:
        if self._tare_pending:
            if self._tare_since is None:
                self._tare_since = sample.time
            if abs(sample.grams) <= TARE_CONFIRM_GRAMS:
                self._tare_pending = False
                self.tare_confirmed = True
                self._estimator.reset()  # the drop to zero is no flow
            elif sample.time - self._tare_since > TARE_CONFIRM_SECONDS:
                self._tare_pending = False  # not confirmed: it stays off
        if sample.flow is not None:  # the scale measures its own
            self.flow = round(max(sample.flow, 0.0), 1)
            return
        estimate = self._estimator.add_sample(sample)
        if estimate is not None:
            self.flow = round(estimate.flow, 1)

    @callback
    def _async_link_updated(self) -> None:
        connected = self.link.connected
        if connected and not self._was_connected:
            self._async_connected()
        elif not connected and self._was_connected:
            self._estimator.reset()
            self.flow = None
            self._tare_pending = False
        self._was_connected = connected

    @callback
    def _async_connected(self) -> None:
        """Show which Acaia transport the scale spoke on this connection."""
        protocol = getattr(self.link.driver, "protocol", None)
        if protocol not in PROTOCOL_NAMES:
            return
        registry = dr.async_get(self.link.hass)
        for device in dr.async_entries_for_config_entry(registry, self.link.entry.entry_id):
            registry.async_update_device(device.id, hw_version=PROTOCOL_NAMES[protocol])
