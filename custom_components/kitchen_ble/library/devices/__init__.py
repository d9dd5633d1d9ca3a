"""Registry of device families: which model is this, and which driver talks to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Final, Protocol

from . import acaia, advertisers, bluedot, bookoo, de1, decent_scale, felicita, igrill, skale
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
    # coffee scales stream WeightSamples and ButtonPresses besides their state
    skale.FAMILY: skale.SkaleDriver,
    acaia.FAMILY: acaia.AcaiaDriver,
    felicita.FAMILY: felicita.FelicitaDriver,
    decent_scale.FAMILY: decent_scale.DecentScaleDriver,
    bookoo.FAMILY: bookoo.BookooDriver,
}
_MODEL_BY_SERVICE: Final[dict[str, ModelInfo]] = {**igrill.MODEL_BY_SERVICE}
_NAME_RULES: Final[tuple[Callable[[str], ModelInfo | None], ...]] = (
    igrill.model_from_name,
    bluedot.model_from_name,
    de1.model_from_name,  # "DE1…"; the connection reads the exact model from MMR
    skale.model_from_name,  # "Skale…"
    acaia.model_from_name,  # "ACAIA…", "LUNAR-…", "PEARL…", "PROCH…", "PYXIS…", "CINCO…"
    felicita.model_from_name,  # "FELICITA…"
    decent_scale.model_from_name,  # "Decent Scale…"
    bookoo.model_from_name,  # "BOOKOO_SC…" (never "BOOKOO_EM", BooKoo's pressure monitor)
)
# After the names: whole advertisements that identify a scale without a known name
# (BooKoo's own 0FFE service unless the name says espresso monitor; Home Assistant
# core's Acaia company id 0x4242). Which Acaia transport (old IPS or new Pyxis
# style) is decided from the GATT table once connected (scales.md §2.1).
_ADVERTISEMENT_RULES: Final[
    tuple[Callable[[str | None, Iterable[str], Iterable[int]], ModelInfo | None], ...]
] = (
    bookoo.model_from_advertisement,
    acaia.model_from_advertisement,
)

MODELS: Final[tuple[ModelInfo, ...]] = (
    *igrill.MODELS,
    *bluedot.MODELS,
    *advertisers.MODELS,
    *de1.MODELS,
    *skale.MODELS,
    *acaia.MODELS,
    *felicita.MODELS,
    *decent_scale.MODELS,
    *bookoo.MODELS,
)
_MODEL_BY_ID: Final = {model.model_id: model for model in MODELS}


def identify(
    local_name: str | None,
    service_uuids: Iterable[str],
    manufacturer_data: Mapping[int, bytes] | None = None,
) -> ModelInfo | None:
    """The model an advertisement most likely comes from.

    Service UUIDs first, then the name, then a scale's whole advertisement,
    then a passive node's payload (which must decode completely: other
    devices use the node's company id too).
    """
    present = {uuid.lower() for uuid in service_uuids}
    for uuid, model in _MODEL_BY_SERVICE.items():
        if uuid in present:
            return model
    if local_name:
        for rule in _NAME_RULES:
            if (guess := rule(local_name)) is not None:
                return guess
    companies = tuple(manufacturer_data or ())
    for advertisement_rule in _ADVERTISEMENT_RULES:
        if (found := advertisement_rule(local_name, present, companies)) is not None:
            return found
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
