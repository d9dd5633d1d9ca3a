"""Every emulated model by name, for the YAML proxy and demos.

iGrills, the BlueDOT, sensor nodes, the Decent DE1 and the coffee scales.
``create_device(model, address, name, **options)`` makes one; ``OPTIONS``
says which options each model takes (anything else is refused).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from emulator import scales
from emulator.bluedot import OUI as BLUEDOT_OUI
from emulator.bluedot import create_bluedot
from emulator.de1 import create_de1
from emulator.de1 import default_address as de1_address
from emulator.device import EmulatedDevice
from emulator.igrill import MODELS as IGRILL_MODELS
from emulator.igrill import create_igrill
from emulator.igrill import default_address as igrill_address
from emulator.node import create_foreign, create_node

BLUEDOT: Final = "bluedot"
NODE: Final = "node"  # a passive environment node (emulator.node)
FOREIGN: Final = "foreign_ffff"  # another product using company id 0xFFFF
DE1: Final = "de1"  # a Decent DE1 espresso machine (emulator.de1)

MODELS: Final[tuple[str, ...]] = (
    *IGRILL_MODELS,
    BLUEDOT,
    NODE,
    FOREIGN,
    DE1,
    *scales.MODELS,
)

_IGRILL_OPTIONS: Final = frozenset({"unit", "cooker_temperature"})
# What create_de1 takes that YAML can say (its Versions block is left at the default).
DE1_OPTIONS: Final = frozenset(
    {
        "firmware",
        "model_code",
        "serial",
        "ghc_info",
        "water_level",
        "refill_level",
        "heating_speed",
        "mains_hz",
        "awake",
        "temperature",
        "flash_write_seconds",
        "advertise_service",
        "rssi",
        "seed",
    }
)
OPTIONS: Final[Mapping[str, frozenset[str]]] = {
    **dict.fromkeys(IGRILL_MODELS, _IGRILL_OPTIONS),
    BLUEDOT: frozenset({"unit", "cooker_temperature", "high_alarm"}),
    NODE: frozenset({"measurement_interval"}),
    FOREIGN: frozenset(),
    DE1: DE1_OPTIONS,
    **scales.OPTIONS,
}


def default_address(model: str, index: int = 1) -> str:
    """A stable address for the ``index``-th emulated device of a model."""
    if model == BLUEDOT:
        return f"{BLUEDOT_OUI}:00:00:{index:02X}"
    if model == NODE:
        return f"E4:0D:E0:00:00:{index:02X}"
    if model == FOREIGN:
        return f"E4:0D:F0:00:00:{index:02X}"
    if model == DE1:
        return de1_address(index)
    if model in scales.MODELS:
        return scales.default_address(model, index)
    return igrill_address(model, index)


def create_device(
    model: str, address: str | None = None, name: str | None = None, **options: Any
) -> EmulatedDevice:
    """An emulated device of ``model`` (a name in ``MODELS``) with its allowed options."""
    if model not in OPTIONS:
        raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")
    if unknown := set(options) - OPTIONS[model]:
        raise ValueError(f"{model} takes no option {', '.join(sorted(unknown))}")
    address = address or default_address(model)
    if model == BLUEDOT:
        return create_bluedot(address, name or "BlueDOT", **options)
    if model == NODE:
        return create_node(address, name, **options)
    if model == FOREIGN:
        return create_foreign(address)
    if model == DE1:
        return create_de1(address, name, **options)
    if model in scales.MODELS:
        return scales.create_scale(model, address, name, **options)
    return create_igrill(model, address, name, **options)
