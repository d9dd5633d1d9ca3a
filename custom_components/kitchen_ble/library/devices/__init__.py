"""Registry of device families: which model is this, and which driver talks to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Final, Protocol

from . import advertisers, bluedot, de1, igrill
from .base import DeviceKind, GattClient, ModelInfo, UnsupportedDeviceError


class Driver(Protocol):
    """What the coordinator needs from any family's driver."""

    @property
    def model(self) -> ModelInfo: ...

    @property
    def state(self) -> object: ...  # the family's snapshot (ThermometerState, ...)

    @property
    def poll_interval(self) -> float: ...

    async def async_start(self, client: GattClient) -> None: ...

    async def async_poll(self, client: GattClient) -> None: ...


# (model, on_update, on_sample): on_update after every change of ``state``,
# on_sample with every decoded sample at the device's full rate.
type DriverFactory = Callable[[ModelInfo, Callable[[], None], Callable[[object], None]], Driver]

_DRIVERS: Final[dict[str, DriverFactory]] = {
    # thermometers report state only, no samples
    igrill.FAMILY: lambda model, on_update, _on_sample: igrill.IGrillDriver(model, on_update),
    bluedot.FAMILY: lambda model, on_update, _on_sample: bluedot.BlueDotDriver(model, on_update),
    # an espresso machine streams ShotSamples besides its state
    de1.FAMILY: lambda model, on_update, on_sample: de1.De1Driver(model, on_update, on_sample),
}
_MODEL_BY_SERVICE: Final[dict[str, ModelInfo]] = {**igrill.MODEL_BY_SERVICE}
_NAME_RULES: Final[tuple[Callable[[str], ModelInfo | None], ...]] = (
    igrill.model_from_name,
    bluedot.model_from_name,
    de1.model_from_name,  # "DE1…"; the connection reads the exact model from MMR
)

MODELS: Final[tuple[ModelInfo, ...]] = (
    *igrill.MODELS,
    *bluedot.MODELS,
    *advertisers.MODELS,
    *de1.MODELS,
)
_MODEL_BY_ID: Final = {model.model_id: model for model in MODELS}


def identify(
    local_name: str | None,
    service_uuids: Iterable[str],
    manufacturer_data: Mapping[int, bytes] | None = None,
) -> ModelInfo | None:
    """The model an advertisement most likely comes from.

    Service UUIDs first, then the name, then a passive node's payload (which
    must decode completely: other devices use the node's company id too).
    """
    present = {uuid.lower() for uuid in service_uuids}
    for uuid, model in _MODEL_BY_SERVICE.items():
        if uuid in present:
            return model
    if local_name:
        for rule in _NAME_RULES:
            if (guess := rule(local_name)) is not None:
                return guess
    if manufacturer_data and advertisers.is_node(manufacturer_data):
        return advertisers.NODE
    return None


def is_passive(model: ModelInfo) -> bool:
    """Whether the model only advertises: no connection, no driver."""
    return model.kind is DeviceKind.SENSOR_NODE


def model_by_id(model_id: str) -> ModelInfo | None:
    """The model stored in a config entry, or None if this version does not know it."""
    return _MODEL_BY_ID.get(model_id)


def create_driver(
    model: ModelInfo, on_update: Callable[[], None], on_sample: Callable[[object], None]
) -> Driver:
    """A fresh driver for the model's family."""
    factory = _DRIVERS.get(model.family)
    if factory is None:
        raise UnsupportedDeviceError(f"no driver for family {model.family!r}")
    return factory(model, on_update, on_sample)


__all__ = ["MODELS", "Driver", "create_driver", "identify", "is_passive", "model_by_id"]
