"""Bookoo Themis scales: GATT UUIDs and the model (fact sheet §5.1, §5.2).

Names start with "BOOKOO_SC" (de1app, Beanconqueror) or "bkscale" (Decenza).
"BOOKOO_EM" is BooKoo's espresso monitor, a pressure sensor, never a scale.
The 0FFE service is BooKoo's own, so it identifies a scale unless the name
says espresso monitor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ..base import Capability, DeviceKind, ModelInfo

FAMILY: Final = "bookoo"
NAME_PREFIXES: Final = ("BOOKOO_SC", "BKSCALE")  # compared upper-cased
EXCLUDED_PREFIX: Final = "BOOKOO_EM"

SERVICE_UUID: Final = "00000ffe-0000-1000-8000-00805f9b34fb"
CHAR_WEIGHT: Final = "0000ff11-0000-1000-8000-00805f9b34fb"  # notify: 20-byte frames
CHAR_COMMAND: Final = "0000ff12-0000-1000-8000-00805f9b34fb"  # write; notify: events, replies

THEMIS: Final = ModelInfo(
    "bookoo_themis",
    "Themis",
    "BooKoo",
    FAMILY,
    capabilities=frozenset(
        {
            Capability.BATTERY,
            Capability.TIMER,
            Capability.FLOW,
            Capability.BEEP,
            Capability.AUTO_OFF,
        }
    ),
    kind=DeviceKind.SCALE,
)
MODELS: Final = (THEMIS,)


def model_from_name(local_name: str) -> ModelInfo | None:
    """A Themis if the advertised name starts with "BOOKOO_SC" or "bkscale" (any case)."""
    return THEMIS if local_name.upper().startswith(NAME_PREFIXES) else None


def model_from_advertisement(
    local_name: str | None, service_uuids: Iterable[str] = (), manufacturer_ids: Iterable[int] = ()
) -> ModelInfo | None:
    """By name, or by BooKoo's service unless the name is the espresso monitor's."""
    if local_name and (model := model_from_name(local_name)) is not None:
        return model
    if local_name and local_name.upper().startswith(EXCLUDED_PREFIX):
        return None
    return THEMIS if SERVICE_UUID in {uuid.lower() for uuid in service_uuids} else None
