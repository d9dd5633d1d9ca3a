"""Acaia scales: GATT UUIDs of both transports, the models, name rules (fact sheet §2.1, §2.2).

Two transports carry the same ``EF DD`` framed protocol:

* old / IPS: service 1820, one characteristic 2A80 for commands and
  notifications, written without response (pre-2021 Lunar, original Pearl
  "PROCH…", names "ACAIA…");
* new / "Pyxis style": the Microchip ISSC service 49535343-fe7d-…, a command
  characteristic (8841) written with response and a notify one (1e4d) (Lunar
  2021, Pyxis, Pearl S, Cinco).

The name only guesses the model; the transport is decided from the GATT table
once connected (``protocol_from_uuids``), as aioacaia and Decenza do.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from ..base import Capability, DeviceKind, ModelInfo

FAMILY: Final = "acaia"
MANUFACTURER: Final = "Acaia"
# In Home Assistant core's acaia manifest; its origin is undocumented (§9.3).
MANUFACTURER_ID: Final = 16962  # 0x4242

OLD_SERVICE: Final = "00001820-0000-1000-8000-00805f9b34fb"
OLD_CHAR: Final = "00002a80-0000-1000-8000-00805f9b34fb"  # notify + write
NEW_SERVICE: Final = "49535343-fe7d-4ae5-8fa9-9fafd205e455"
NEW_CHAR_COMMAND: Final = "49535343-8841-43f4-a8d4-ecbe34729bb3"  # write
NEW_CHAR_NOTIFY: Final = "49535343-1e4d-4bd9-ba61-23c647249616"  # notify


class AcaiaProtocol(StrEnum):
    """Which transport a scale speaks."""

    OLD = "old"  # IPS: 1820/2A80, writes without response
    NEW = "new"  # Pyxis style: 49535343-…, writes with response


_CAPABILITIES: Final = frozenset(
    {Capability.BATTERY, Capability.TIMER, Capability.BUTTONS, Capability.AUTO_OFF, Capability.BEEP}
)


def _model(model_id: str, name: str) -> ModelInfo:
    return ModelInfo(
        model_id, name, MANUFACTURER, FAMILY, capabilities=_CAPABILITIES, kind=DeviceKind.SCALE
    )


LUNAR: Final = _model("acaia_lunar", "Lunar")
PEARL: Final = _model("acaia_pearl", "Pearl")
PEARL_S: Final = _model("acaia_pearl_s", "Pearl S")
PYXIS: Final = _model("acaia_pyxis", "Pyxis")
CINCO: Final = _model("acaia_cinco", "Cinco")  # name pattern from one source only
ACAIA: Final = _model("acaia", "Acaia scale")  # "ACAIA…" names and the manufacturer id
MODELS: Final = (LUNAR, PEARL, PEARL_S, PYXIS, CINCO, ACAIA)

# Upper-cased name prefix -> model, most specific first (§2.1 table).
_NAME_PREFIXES: Final[tuple[tuple[str, ModelInfo], ...]] = (
    ("ACAIAL", LUNAR),  # ACAIAL1: an early Lunar (pyDE1, aioacaia)
    ("ACAIA", ACAIA),
    ("LUNAR", LUNAR),  # LUNAR-E01E31: Lunar 2021
    ("PEARLS", PEARL_S),
    ("PEARL", PEARL),  # PEARL-…
    ("PROCH", PEARL),  # PROCHBT001: the original Pearl
    ("PYXIS", PYXIS),
    ("CINCO", CINCO),
)


def model_from_name(local_name: str) -> ModelInfo | None:
    """Best guess from an advertised name (any case); the connection decides the transport."""
    upper = local_name.upper()
    return next((model for prefix, model in _NAME_PREFIXES if upper.startswith(prefix)), None)


def model_from_advertisement(
    local_name: str | None, service_uuids: Iterable[str] = (), manufacturer_ids: Iterable[int] = ()
) -> ModelInfo | None:
    """By name first; an unknown name with Home Assistant's Acaia company id is an Acaia.

    The transport services alone prove nothing: 49535343-… is a generic UART
    module's service, 1820 a generic one (§0).
    """
    if local_name and (model := model_from_name(local_name)) is not None:
        return model
    return ACAIA if MANUFACTURER_ID in set(manufacturer_ids) else None


def protocol_from_uuids(uuids: Iterable[str]) -> AcaiaProtocol | None:
    """The transport from the service or characteristic UUIDs a scale exposes (any case).

    The new one wins when both are there: the Lunar 2021 exposes the Pyxis
    service and may keep a 2A80 (Decenza prefers Pyxis; pyDE1 saw a 2A80 "Age").
    """
    present = {uuid.lower() for uuid in uuids}
    if {NEW_SERVICE, NEW_CHAR_COMMAND, NEW_CHAR_NOTIFY} & present:
        return AcaiaProtocol.NEW
    if {OLD_SERVICE, OLD_CHAR} & present:
        return AcaiaProtocol.OLD
    return None
