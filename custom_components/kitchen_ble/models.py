"""Device kinds as data: what an entry of each kind runs, and its typed runtime data.

A model declares its kind (``library/devices``); this module says what each
kind brings in Home Assistant: its platforms and its features. Platforms build
their entities from tables keyed by the parts of ``KitchenBleData`` (the link
of a connected device, the node of an advertiser, a thermometer's cooking,
a brewing source), so no platform branches on a family or an entry type.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform

from .library.devices.base import DeviceKind, ModelInfo

if TYPE_CHECKING:
    from .coordinator import LinkCoordinator
    from .passive import NodeCoordinator
    from .scale import ScaleMonitor

type KitchenBleConfigEntry = ConfigEntry[KitchenBleData]


class Feature(StrEnum):
    """What an entry takes part in besides its own device entities."""

    COOKING = "cooking"  # targets, alerts, time to target, cook sessions
    BREWING_SOURCE = "brewing_source"  # its temperature can drive a brewing program


KIND_FEATURES: Final[dict[DeviceKind, frozenset[Feature]]] = {
    DeviceKind.THERMOMETER: frozenset({Feature.COOKING, Feature.BREWING_SOURCE}),
    DeviceKind.SENSOR_NODE: frozenset({Feature.BREWING_SOURCE}),
    DeviceKind.ESPRESSO_MACHINE: frozenset(),
    DeviceKind.SCALE: frozenset(),
}

_ALL: Final = (
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.DATETIME,
    Platform.EVENT,
    Platform.IMAGE,  # the last shot, the last cook (image.py)
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
)
KIND_PLATFORMS: Final[dict[DeviceKind, tuple[Platform, ...]]] = {
    DeviceKind.THERMOMETER: _ALL,
    # button and event carry the entities of brewing programs on the node
    DeviceKind.SENSOR_NODE: (
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.EVENT,
        Platform.SENSOR,
    ),
    DeviceKind.ESPRESSO_MACHINE: _ALL,
    DeviceKind.SCALE: (
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.EVENT,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SENSOR,
        Platform.SWITCH,
    ),
}

# The shortest time between two state notifications of a device's link (s):
# telemetry at 5 Hz (an espresso machine) or 10 Hz (a scale) reaches entities
# at most this often, and every sample still reaches the sample listeners.
KIND_STATE_INTERVAL: Final[dict[DeviceKind, float]] = {
    DeviceKind.THERMOMETER: 0.0,
    DeviceKind.SENSOR_NODE: 0.0,
    DeviceKind.ESPRESSO_MACHINE: 1.0,
    DeviceKind.SCALE: 0.5,
}


# Said once in the log when a device of the kind goes away, after "is unavailable":
# a scale that stops advertising sleeps or is held by its phone app, and either
# way the integration only waits for it to advertise again.
KIND_LOST_HINT: Final[dict[DeviceKind, str]] = {
    DeviceKind.SCALE: (
        " (it stopped advertising: asleep, or connected to its phone app;"
        " it is taken again as soon as it advertises)"
    ),
}


@dataclass(slots=True)
class KitchenBleData:
    """The runtime data of every entry; a part is None where the kind has none."""

    model: ModelInfo
    link: LinkCoordinator | None = None  # a device the integration connects to
    node: NodeCoordinator | None = None  # a device heard only by its advertisements
    scale: ScaleMonitor | None = None  # a coffee scale's flow, tare and button presses

    @property
    def features(self) -> frozenset[Feature]:
        return KIND_FEATURES[self.model.kind]

    @property
    def platforms(self) -> tuple[Platform, ...]:
        return KIND_PLATFORMS[self.model.kind]

    @property
    def cooking(self) -> LinkCoordinator | None:
        """The thermometer's link, where the entry takes part in cooking."""
        return self.link if Feature.COOKING in self.features else None

    @property
    def espresso(self) -> LinkCoordinator | None:
        """The espresso machine's link, where the entry is one."""
        return self.link if self.model.kind is DeviceKind.ESPRESSO_MACHINE else None

    @property
    def brewing_source(self) -> LinkCoordinator | NodeCoordinator | None:
        """What measures the temperature of a brewing program's source on this entry."""
        if Feature.BREWING_SOURCE not in self.features:
            return None
        return self.link or self.node
