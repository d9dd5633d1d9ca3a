"""Atomax Skale II: GATT UUIDs and the model (fact sheet §1.1 and §1.2).

Recognised by its advertised name ("Skale", "Skale2"). Its manufacturer data
(company id 0x81EF?) comes from a single dump and is not used.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ..base import Capability, DeviceKind, ModelInfo

FAMILY: Final = "skale"
NAME_PREFIX: Final = "skale"  # compared case-insensitively, as reaprime does

SERVICE_UUID: Final = "0000ff08-0000-1000-8000-00805f9b34fb"
CHAR_COMMAND: Final = "0000ef80-0000-1000-8000-00805f9b34fb"  # write: one-byte commands
CHAR_WEIGHT: Final = "0000ef81-0000-1000-8000-00805f9b34fb"  # notify
CHAR_BUTTONS: Final = "0000ef82-0000-1000-8000-00805f9b34fb"  # notify
CHAR_BATTERY: Final = "00002a19-0000-1000-8000-00805f9b34fb"  # read; Skale I always says 100

SKALE: Final = ModelInfo(
    "skale_ii",
    "Skale II",
    "Atomax",
    FAMILY,
    capabilities=frozenset({Capability.BATTERY, Capability.TIMER, Capability.BUTTONS}),
    kind=DeviceKind.SCALE,
)
MODELS: Final = (SKALE,)


def model_from_name(local_name: str) -> ModelInfo | None:
    """The Skale if the advertised name starts with "Skale" (any case)."""
    return SKALE if local_name.lower().startswith(NAME_PREFIX) else None


def model_from_advertisement(
    local_name: str | None, service_uuids: Iterable[str] = (), manufacturer_ids: Iterable[int] = ()
) -> ModelInfo | None:
    """The model an advertisement comes from: by name only (nothing else is confirmed)."""
    return model_from_name(local_name) if local_name else None
