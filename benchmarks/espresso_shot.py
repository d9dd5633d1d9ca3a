"""What the espresso benchmarks share: a connected DE1 and the ShotSamples of a real shot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped,unused-ignore]
    MockConfigEntry,
)

from custom_components.kitchen_ble.coordinator import LinkCoordinator
from emulator.client import EmulatedBleakClient
from emulator.de1 import DE1Device, State
from emulator.de1.const import SHOT_SAMPLE
from emulator.gatt import normalize_uuid
from emulator.proxy import VirtualProxy
from tests.ha.common import settle
from tests.ha.espresso import connected_de1, link_of

SHOT_SAMPLE_UUID: Final = normalize_uuid(SHOT_SAMPLE)
SAMPLE_SIZE: Final = 19  # bytes of a ShotSample (de1.md §5.1)
STEP: Final = 0.25  # s of the machine's time per tick while recording

# The sensors a ShotSample feeds (de1.md §5.1): what "every sample to every
# telemetry entity" would write.
TELEMETRY_KEYS: Final = (
    "group_temperature",
    "mix_temperature",
    "steam_heater_temperature",
    "pressure",
    "flow",
    "group_temperature_setpoint",
    "mix_temperature_setpoint",
    "pressure_setpoint",
    "flow_setpoint",
)


@dataclass(frozen=True, slots=True)
class Machine:
    """A DE1 connected to Home Assistant, and what the benchmarks reach into."""

    device: DE1Device
    entry: MockConfigEntry
    link: LinkCoordinator
    client: EmulatedBleakClient  # the emulated bleak client Home Assistant connected with

    @property
    def on_shot_sample(self) -> Callable[[bytearray], None]:
        """The integration's ShotSample callback, as subscribed on the client."""
        return self.client._callbacks[SHOT_SAMPLE_UUID]

    def set_shot_sample_callback(self, callback: Callable[[bytearray], None]) -> None:
        self.client._callbacks[SHOT_SAMPLE_UUID] = callback

    def notify(self, payload: bytes) -> None:
        """Hand a ShotSample to the client as the proxy would (not through the device,
        whose UUID handling a real proxy does not do)."""
        self.client.on_notification(SHOT_SAMPLE_UUID, payload)

    def state_due(self) -> None:
        """As if a second had passed since the last state notification.

        The link sends entities at most one state notification a second; the
        benchmarks run far faster than the machine's 4 samples a second, so
        they open the window where a shot's second would.
        """
        self.drop_held_state()
        self.link._next_state_at = 0.0

    def drop_held_state(self) -> None:
        """Cancel the notification a throttled sample left waiting, so none fires
        between measurements (in a shot it fires once a second, measured by ``state_due``)."""
        held = self.link._held_state
        if held is not None:
            held.cancel()
            self.link._held_state = None


async def connected_machine(hass: HomeAssistant, proxy: VirtualProxy) -> Machine:
    """An awake DE1, set up and connected."""
    device, entry = await connected_de1(hass, proxy)
    client = device._central
    assert isinstance(client, EmulatedBleakClient)
    assert SHOT_SAMPLE_UUID in client._callbacks, "no ShotSample subscription"
    return Machine(device=device, entry=entry, link=link_of(entry), client=client)


async def record_shot(
    hass: HomeAssistant, proxy: VirtualProxy, machine: Machine, seconds: float
) -> list[bytes]:
    """Pull an espresso (pressed on the machine) and keep ``seconds`` of its ShotSamples.

    The samples still reach the integration while recorded.
    """
    recorded: list[bytes] = []
    integration = machine.on_shot_sample

    def keep(data: bytearray) -> None:
        recorded.append(bytes(data))
        integration(data)

    machine.set_shot_sample_callback(keep)
    machine.device.press(State.ESPRESSO)
    waited = 0.0
    while waited < seconds - 1e-9:
        proxy.tick(STEP)
        await settle(hass)
        waited += STEP
    machine.set_shot_sample_callback(integration)
    assert machine.device.state[0] is State.ESPRESSO, "the shot ended early"
    assert all(len(payload) == SAMPLE_SIZE for payload in recorded)
    return recorded
