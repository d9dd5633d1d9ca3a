"""Decent Scale and Half Decent Scale: GATT UUIDs and the model (fact sheet §4.1, §4.2).

Both advertise "Decent Scale" and speak the same protocol (the Half Decent
adds commands and the heartbeat), so one model covers both; nothing in the
advertisement tells them apart. "ButtsHaus Scale" is a clone de1app maps to
this protocol. FFF0 alone is generic.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ..base import Capability, DeviceKind, ModelInfo

FAMILY: Final = "decent_scale"
NAME_PREFIXES: Final = ("Decent Scale", "ButtsHaus Scale")

SERVICE_UUID: Final = "0000fff0-0000-1000-8000-00805f9b34fb"
CHAR_NOTIFY: Final = "0000fff4-0000-1000-8000-00805f9b34fb"  # weight, buttons, acks
CHAR_COMMAND: Final = "000036f5-0000-1000-8000-00805f9b34fb"  # write: 7-byte commands
CHAR_WRITEBACK: Final = "83cdc3d4-3ba2-13fc-cc5e-106c351a9352"  # notify; not needed

DECENT_SCALE: Final = ModelInfo(
    "decent_scale",
    "Decent Scale",
    "Decent Espresso",
    FAMILY,
    capabilities=frozenset({Capability.BATTERY, Capability.TIMER, Capability.BUTTONS}),
    kind=DeviceKind.SCALE,
)
MODELS: Final = (DECENT_SCALE,)


def model_from_name(local_name: str) -> ModelInfo | None:
    """The Decent Scale if the advertised name starts with "Decent Scale" (or the clone's)."""
    return DECENT_SCALE if local_name.startswith(NAME_PREFIXES) else None


def model_from_advertisement(
    local_name: str | None, service_uuids: Iterable[str] = (), manufacturer_ids: Iterable[int] = ()
) -> ModelInfo | None:
    """The model an advertisement comes from: by name only."""
    return model_from_name(local_name) if local_name else None
