"""Registry of device families: which model is this, and which driver talks to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final, Protocol

from . import igrill
from .base import GattClient, ModelInfo, UnsupportedDeviceError
from .thermometer import ThermometerState


class Driver(Protocol):
    """What the coordinator needs from any family's driver."""

    @property
    def model(self) -> ModelInfo: ...

    @property
    def state(self) -> ThermometerState: ...  # widen to a union when other families arrive

    @property
    def poll_interval(self) -> float: ...

    async def async_start(self, client: GattClient) -> None: ...

    async def async_poll(self, client: GattClient) -> None: ...


type DriverFactory = Callable[[ModelInfo, Callable[[], None]], Driver]

_DRIVERS: Final[dict[str, DriverFactory]] = {igrill.FAMILY: igrill.IGrillDriver}
_MODEL_BY_SERVICE: Final[dict[str, ModelInfo]] = {**igrill.MODEL_BY_SERVICE}
_NAME_RULES: Final[tuple[Callable[[str], ModelInfo | None], ...]] = (igrill.model_from_name,)

MODELS: Final[tuple[ModelInfo, ...]] = (*igrill.MODELS,)
_MODEL_BY_ID: Final = {model.model_id: model for model in MODELS}


def identify(local_name: str | None, service_uuids: Iterable[str]) -> ModelInfo | None:
    """The model an advertisement most likely comes from: service UUIDs first, then name."""
    present = {uuid.lower() for uuid in service_uuids}
    for uuid, model in _MODEL_BY_SERVICE.items():
        if uuid in present:
            return model
    if local_name:
        for rule in _NAME_RULES:
            if (guess := rule(local_name)) is not None:
                return guess
    return None


def model_by_id(model_id: str) -> ModelInfo | None:
    """The model stored in a config entry, or None if this version does not know it."""
    return _MODEL_BY_ID.get(model_id)


def create_driver(model: ModelInfo, on_update: Callable[[], None]) -> Driver:
    """A fresh driver for the model's family."""
    factory = _DRIVERS.get(model.family)
    if factory is None:
        raise UnsupportedDeviceError(f"no driver for family {model.family!r}")
    return factory(model, on_update)


__all__ = ["MODELS", "Driver", "create_driver", "identify", "model_by_id"]
