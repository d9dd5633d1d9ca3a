"""Emulated coffee scales, one model per family (scales.md), for the virtual proxy.

``create_scale(model, address, name, **options)`` makes one; ``OPTIONS`` says
which options each model takes (anything else is refused) and
``default_address(model, index)`` gives stable addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from .acaia import NEW_MODEL as ACAIA_NEW
from .acaia import OLD_MODEL as ACAIA_OLD
from .acaia import AcaiaDevice, create_acaia
from .base import EmulatedScale, ScaleCommandError, Unit
from .bookoo import BookooDevice, create_bookoo
from .decent import DecentDevice, create_decent
from .felicita import FelicitaDevice, create_felicita
from .physics import GRAMS_PER_OUNCE, RateSource
from .skale import SkaleDevice, create_skale

SKALE: Final = "skale2"
FELICITA: Final = "felicita_arc"
DECENT: Final = "decent_scale"
BOOKOO: Final = "bookoo_themis"

MODELS: Final[tuple[str, ...]] = (SKALE, ACAIA_OLD, ACAIA_NEW, FELICITA, DECENT, BOOKOO)

COMMON_OPTIONS: Final = frozenset(
    {
        "unit",
        "battery",
        "battery_drain_per_hour",
        "charging",
        "auto_off",
        "sensor_lag",
        "noise",
        "drip_delay",
        "tare_delay",
        "update_rate",
        "manufacturer_data",
        "rssi",
        "seed",
    }
)
_ACAIA_OPTIONS: Final = COMMON_OPTIONS | {
    "heartbeat_required",
    "heartbeat_timeout",
    "split_header",
    "fragment_rate",
    "decimals",
    "handshakes_ignored",
    "beep",
    "capacity",
}
OPTIONS: Final[Mapping[str, frozenset[str]]] = {
    SKALE: COMMON_OPTIONS
    | {"timer_opcodes", "bulk_reports", "drops_unacknowledged_writes", "command_spacing"},
    ACAIA_OLD: _ACAIA_OPTIONS,
    ACAIA_NEW: _ACAIA_OPTIONS,
    FELICITA: COMMON_OPTIONS | {"precision", "space_for_plus"},
    DECENT: COMMON_OPTIONS
    | {"frame_size", "heartbeat_capable", "bad_checksums", "command_drop_rate", "firmware"},
    BOOKOO: COMMON_OPTIONS
    | {"beep_level", "flow_smoothing", "auto_stop_mode", "spike_rate", "command_checksum"},
}

_FACTORIES: Final[Mapping[str, Callable[..., EmulatedScale]]] = {
    SKALE: create_skale,
    ACAIA_OLD: lambda address, name, **o: create_acaia(ACAIA_OLD, address, name, **o),
    ACAIA_NEW: lambda address, name, **o: create_acaia(ACAIA_NEW, address, name, **o),
    FELICITA: create_felicita,
    DECENT: create_decent,
    BOOKOO: create_bookoo,
}

__all__ = [
    "GRAMS_PER_OUNCE",
    "MODELS",
    "OPTIONS",
    "AcaiaDevice",
    "BookooDevice",
    "DecentDevice",
    "EmulatedScale",
    "FelicitaDevice",
    "RateSource",
    "ScaleCommandError",
    "SkaleDevice",
    "Unit",
    "create_scale",
    "default_address",
]


def default_address(model: str, index: int = 1) -> str:
    """A stable address for the ``index``-th emulated scale of ``model``."""
    if model not in MODELS:
        raise ValueError(f"unknown scale model {model!r}; known: {', '.join(MODELS)}")
    return f"5C:A1:E5:{MODELS.index(model) + 1:02X}:00:{index:02X}"


def create_scale(
    family: str, address: str | None = None, name: str | None = None, **options: Any
) -> EmulatedScale:
    """An emulated scale of ``family`` (a name in ``MODELS``) with its allowed options."""
    if family not in OPTIONS:
        raise ValueError(f"unknown scale model {family!r}; known: {', '.join(MODELS)}")
    if unknown := set(options) - OPTIONS[family]:
        raise ValueError(f"{family} takes no option {', '.join(sorted(unknown))}")
    return _FACTORIES[family](address or default_address(family), name, **options)
