"""Felicita scales: GATT UUIDs and the model (fact sheet §3.1 and §3.2).

Recognised by the advertised name "FELICITA" (Decenza also accepts
"ecompass"). FFE0 alone is the generic HM-10 UART service, and the
manufacturer data of two sources disagree, so neither identifies a Felicita.
Only the Arc is verified; the Parallel and Incline probably speak the same
protocol under the same name (§3.8) and are shown as the Arc until known.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ..base import Capability, DeviceKind, ModelInfo

FAMILY: Final = "felicita"
NAME_PREFIXES: Final = ("FELICITA", "ECOMPASS")  # compared upper-cased

SERVICE_UUID: Final = "0000ffe0-0000-1000-8000-00805f9b34fb"
# Notify (weight) and write (one-byte commands). Subscribe here, not to FFE0.
CHAR_DATA: Final = "0000ffe1-0000-1000-8000-00805f9b34fb"

ARC: Final = ModelInfo(
    "felicita_arc",
    "Arc",
    "Felicita",
    FAMILY,
    capabilities=frozenset({Capability.BATTERY, Capability.TIMER}),
    kind=DeviceKind.SCALE,
)
MODELS: Final = (ARC,)


def model_from_name(local_name: str) -> ModelInfo | None:
    """The Arc if the advertised name starts with "FELICITA" or "ecompass" (any case)."""
    return ARC if local_name.upper().startswith(NAME_PREFIXES) else None


def model_from_advertisement(
    local_name: str | None, service_uuids: Iterable[str] = (), manufacturer_ids: Iterable[int] = ()
) -> ModelInfo | None:
    """The model an advertisement comes from: by name only."""
    return model_from_name(local_name) if local_name else None
