"""ThermoWorks BlueDOT: GATT UUIDs and the model (fact sheet §2.1 and §2.2).

One model, one probe. It is recognised by its advertised name only: whether it
advertises a service UUID is unknown (§5.10), and no manufacturer data is known.
"""

from __future__ import annotations

from typing import Final

from ..base import Capability, DeviceKind, ModelInfo

FAMILY: Final = "bluedot"
NAME_PREFIX: Final = "BlueDOT"  # case-sensitive, as every source compares it


# One source (a coffee app) puts the characteristics in this service; it may be a
# BLE module vendor's default profile (§2.1). Never use it to identify a BlueDOT.
SERVICE_UUID: Final = "bb56aab0-4111-40cf-963b-4a4450ea0822"

CHAR_UPDATES: Final = "783f2991-23e0-4bdc-ac16-78601bd84b39"  # notify: 20-byte packet
CHAR_INTERVAL: Final = "60721d99-6698-4eec-8e0a-50d0c37f17b9"  # write: 1 byte, seconds
CHAR_HIGH_ALARM: Final = "de0415cf-d54a-4ea4-a58f-c7aa07f79baa"  # write: 1 byte, display unit
CHAR_LOW_ALARM: Final = "bfdbeb45-11a3-4406-bcb4-ed7c6f939fbc"  # never exercised; format unknown
CHAR_UNITS: Final = "c86cf012-5c33-48aa-82d1-84a57c908ca0"  # never exercised; values unknown

# Its high alarm is written by the integration and reported back by the device.
BLUEDOT: Final = ModelInfo(
    "bluedot",
    "BlueDOT",
    "ThermoWorks",
    FAMILY,
    1,
    frozenset({Capability.PROBE_ALARM, Capability.REPORTS_ALARM}),
    kind=DeviceKind.THERMOMETER,
)
MODELS: Final = (BLUEDOT,)


def model_from_name(local_name: str) -> ModelInfo | None:
    """The BlueDOT if the advertised name starts with "BlueDOT" (case-sensitive)."""
    return BLUEDOT if local_name.startswith(NAME_PREFIX) else None
