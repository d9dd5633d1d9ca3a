"""iGrill family: GATT UUIDs and the model table (fact sheet §1.1 and §1.3).

Every model speaks the same protocol; the temperature service UUID tells them apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ..base import Capability, DeviceKind, ModelInfo

FAMILY: Final = "igrill"


# Authentication service 64ac0000-4a4b-4b58-9f37-94d3c52ffdf7
CHAR_FIRMWARE: Final = "64ac0001-4a4b-4b58-9f37-94d3c52ffdf7"
CHAR_APP_CHALLENGE: Final = "64ac0002-4a4b-4b58-9f37-94d3c52ffdf7"
CHAR_DEVICE_CHALLENGE: Final = "64ac0003-4a4b-4b58-9f37-94d3c52ffdf7"
CHAR_DEVICE_RESPONSE: Final = "64ac0004-4a4b-4b58-9f37-94d3c52ffdf7"

# Inside each model's temperature service
CHAR_UNIT: Final = "06ef0001-2e06-4b79-9e33-fce2c42805ec"
CHAR_PROBES: Final = (  # probe 1 (left-most socket) to probe 4
    "06ef0002-2e06-4b79-9e33-fce2c42805ec",
    "06ef0004-2e06-4b79-9e33-fce2c42805ec",
    "06ef0006-2e06-4b79-9e33-fce2c42805ec",
    "06ef0008-2e06-4b79-9e33-fce2c42805ec",
)
CHAR_THRESHOLDS: Final = (  # alarm limits of probe 1 to probe 4
    "06ef0003-2e06-4b79-9e33-fce2c42805ec",
    "06ef0005-2e06-4b79-9e33-fce2c42805ec",
    "06ef0007-2e06-4b79-9e33-fce2c42805ec",
    "06ef0009-2e06-4b79-9e33-fce2c42805ec",
)

CHAR_BATTERY: Final = "00002a19-0000-1000-8000-00805f9b34fb"  # standard Battery Level
CHAR_PROPANE: Final = "f5d40001-3548-4c22-9947-f3673fce3cd9"  # iGrill V3
CHAR_ELEMENTS: Final = "6c91000a-58dc-41c7-943f-518b278ceaaa"  # Weber Pulse

_KIND: Final = DeviceKind.THERMOMETER
# Every model keeps a high (and low) alarm per probe that the integration writes.
_PROBES_ONLY = frozenset({Capability.BATTERY, Capability.PROBE_ALARM})

IGRILL_MINI: Final = ModelInfo(
    "igrill_mini", "iGrill mini", "Weber", FAMILY, 1, _PROBES_ONLY, kind=_KIND
)
IGRILL_MINI_V2: Final = ModelInfo(
    "igrill_mini_v2", "iGrill mini V2", "Weber", FAMILY, 1, _PROBES_ONLY, kind=_KIND
)
IGRILL_V2: Final = ModelInfo("igrill_v2", "iGrill V2", "Weber", FAMILY, 4, _PROBES_ONLY, kind=_KIND)
IGRILL_V202: Final = ModelInfo(
    "igrill_v202", "iGrill V2 (V202)", "Weber", FAMILY, 4, _PROBES_ONLY, kind=_KIND
)
IGRILL_V3: Final = ModelInfo(
    "igrill_v3",
    "iGrill V3",
    "Weber",
    FAMILY,
    4,
    frozenset({Capability.BATTERY, Capability.PROPANE, Capability.PROBE_ALARM}),
    kind=_KIND,
)
KITCHEN_THERMOMETER: Final = ModelInfo(
    "kitchen_thermometer", "Kitchen Thermometer", "iDevices", FAMILY, 2, _PROBES_ONLY, kind=_KIND
)
PULSE_1000: Final = ModelInfo(
    "pulse_1000",
    "Pulse 1000",
    "Weber",
    FAMILY,
    2,
    frozenset({Capability.ELEMENTS, Capability.SINGLE_ELEMENT, Capability.PROBE_ALARM}),
    kind=_KIND,
)
PULSE_2000: Final = ModelInfo(
    "pulse_2000",
    "Pulse 2000",
    "Weber",
    FAMILY,
    4,
    frozenset({Capability.ELEMENTS, Capability.PROBE_ALARM}),
    kind=_KIND,
)

# Temperature service UUID -> model.
MODEL_BY_SERVICE: Final[dict[str, ModelInfo]] = {
    "63c70000-4a82-4261-95ff-92cf32477861": IGRILL_MINI,
    "9d610c43-ae1d-41a9-9b09-3c7ecd5c6035": IGRILL_MINI_V2,
    "a5c50000-f186-4bd6-97f2-7ebacba0d708": IGRILL_V2,
    "ada7590f-2e6d-469e-8f7b-1822b386a5e9": IGRILL_V202,
    "6e910000-58dc-41c7-943f-518b278cea88": IGRILL_V3,
    "19450000-9b05-40bb-80d8-7c85840aec34": KITCHEN_THERMOMETER,
    "7e920000-68dc-41c7-943f-518b278cea87": PULSE_1000,
    "7e920000-68dc-41c7-943f-518b278cea88": PULSE_2000,
}
TEMPERATURE_SERVICE_UUIDS: Final = tuple(MODEL_BY_SERVICE)
MODELS: Final = tuple(MODEL_BY_SERVICE.values())


def model_from_services(service_uuids: Iterable[str]) -> ModelInfo | None:
    """The model whose temperature service is among these UUIDs (any case)."""
    present = {uuid.lower() for uuid in service_uuids}
    return next((m for uuid, m in MODEL_BY_SERVICE.items() if uuid in present), None)


def model_from_name(local_name: str) -> ModelInfo | None:
    """Best guess from an advertised name (fact sheet §1.2); the connection refines it."""
    if local_name.startswith(("iGrill_mini", "iGrill Mini")):
        return IGRILL_MINI
    if local_name.startswith("iGrill_V3"):
        return IGRILL_V3
    if local_name == "KT":
        return KITCHEN_THERMOMETER
    # Unverified: the Pulse names come from one community integration's list.
    if local_name.lower().startswith("pulse_1000"):
        return PULSE_1000
    if local_name.lower().startswith("pulse_2000"):
        return PULSE_2000
    if local_name.startswith("iGrill"):  # iGrill_V2 and names nobody has captured yet
        return IGRILL_V2
    return None
