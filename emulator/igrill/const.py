"""iGrill family constants, written from the fact sheet (thermometers.md §1).

Kept apart from the integration on purpose: if the two disagree, a test fails.
"""

from __future__ import annotations

from dataclasses import dataclass

# Authentication service (§1.3).
AUTH_SERVICE = "64ac0000-4a4b-4b58-9f37-94d3c52ffdf7"
FIRMWARE_VERSION = "64ac0001-4a4b-4b58-9f37-94d3c52ffdf7"
APP_CHALLENGE = "64ac0002-4a4b-4b58-9f37-94d3c52ffdf7"
DEVICE_CHALLENGE = "64ac0003-4a4b-4b58-9f37-94d3c52ffdf7"
DEVICE_RESPONSE = "64ac0004-4a4b-4b58-9f37-94d3c52ffdf7"

# Characteristics of the model's temperature service all share one family.
UNIT = "06ef0001-2e06-4b79-9e33-fce2c42805ec"


def probe_value_uuid(number: int) -> str:
    """Probe 1..4 temperature: 06ef0002 / 0004 / 0006 / 0008."""
    return f"06ef{2 * number:04x}-2e06-4b79-9e33-fce2c42805ec"


def probe_threshold_uuid(number: int) -> str:
    """Probe 1..4 threshold (alarm): 06ef0003 / 0005 / 0007 / 0009."""
    return f"06ef{2 * number + 1:04x}-2e06-4b79-9e33-fce2c42805ec"


BATTERY_SERVICE = "0000180f-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL = "00002a19-0000-1000-8000-00805f9b34fb"
PROPANE_SERVICE = "f5d40000-3548-4c22-9947-f3673fce3cd9"
PROPANE_LEVEL = "f5d40001-3548-4c22-9947-f3673fce3cd9"
PULSE_ELEMENT_SERVICE = "6c910000-58dc-41c7-943f-518b278ceaaa"
PULSE_ELEMENT = "6c91000a-58dc-41c7-943f-518b278ceaaa"
DEVICE_INFO_SERVICE = "0000180a-0000-1000-8000-00805f9b34fb"
MODEL_NUMBER = "00002a24-0000-1000-8000-00805f9b34fb"
SERIAL_NUMBER = "00002a25-0000-1000-8000-00805f9b34fb"
MANUFACTURER_NAME = "00002a29-0000-1000-8000-00805f9b34fb"

# The mini's AES-128 key (KVT). The emulator uses it for every model: with
# the zero challenge the client never needs a key, whatever the device uses.
MINI_KEY = bytes.fromhex("ed5e308e8bcc9113306cd46854153edd")

UNIT_FAHRENHEIT = 0
UNIT_CELSIUS = 1
UNPLUGGED = -2000  # the 30 f8 sentinel, read signed
NO_LOW_LIMIT = -32768
NO_HIGH_LIMIT = 32767
OUI = "70:91:8F"


@dataclass(frozen=True, slots=True)
class IGrillModel:
    """One model of the family, as the emulator builds it."""

    key: str
    local_name: str
    temperature_service: str
    probes: int
    model_number: str  # Device Information 2a24; not captured, plausible text
    manufacturer: str
    firmware: str
    advertises_service: bool = True  # temperature-service UUID in the advertisement
    three_byte_notify: bool = False  # V2 capture: probe notifications "49 00 00"
    empty_socket_error: bool = False  # V2/V202 answer a read of an empty socket with 0x0E
    propane: bool = False
    elements: int = 0  # Pulse heating elements
    mains_powered: bool = False


MODELS: dict[str, IGrillModel] = {
    model.key: model
    for model in (
        IGrillModel(
            "igrill_mini",
            "iGrill_mini",
            "63c70000-4a82-4261-95ff-92cf32477861",
            probes=1,
            model_number="iGrill mini",
            manufacturer="iDevices",
            firmware="1.18",  # kvantetore/igrill#7
        ),
        IGrillModel(
            "igrill_mini_v2",
            # Name not captured; SANJ's lower-case prefix "igrill_mini_2" suggests it.
            "iGrill_mini_2",
            "9d610c43-ae1d-41a9-9b09-3c7ecd5c6035",
            probes=1,
            model_number="iGrill mini 2",
            manufacturer="Weber",
            firmware="1.0",
        ),
        IGrillModel(
            "igrill_v2",
            "iGrill_V2",
            "a5c50000-f186-4bd6-97f2-7ebacba0d708",
            probes=4,
            model_number="iGrill 2",
            manufacturer="iDevices",
            firmware="1.5",  # kvantetore/igrill#4
            three_byte_notify=True,
            empty_socket_error=True,
        ),
        IGrillModel(
            "igrill_v202",
            # Name not captured; SANJ's prefix "igrill_v2_2" suggests it.
            "iGrill_V2_2",
            "ada7590f-2e6d-469e-8f7b-1822b386a5e9",
            probes=4,
            model_number="iGrill 2",
            manufacturer="Weber",
            firmware="2.0",
            empty_socket_error=True,
        ),
        IGrillModel(
            "igrill_v3",
            "iGrill_V3",
            "6e910000-58dc-41c7-943f-518b278cea88",
            probes=4,
            model_number="iGrill 3",
            manufacturer="Weber",
            firmware="1.0",
            propane=True,
        ),
        IGrillModel(
            "kitchen_thermometer",
            "KT",  # esphome-igrill#35
            "19450000-9b05-40bb-80d8-7c85840aec34",
            probes=2,
            model_number="Kitchen Thermometer",
            manufacturer="iDevices",
            firmware="1.0",
            advertises_service=False,  # unverified, so not advertised
        ),
        IGrillModel(
            "pulse_1000",
            # Name not captured; SANJ's prefix "pulse_1000" suggests it.
            "Pulse_1000",
            "7e920000-68dc-41c7-943f-518b278cea87",
            probes=2,
            model_number="Pulse 1000",
            manufacturer="Weber",
            firmware="0.07-rc1",
            advertises_service=False,
            elements=1,
            mains_powered=True,
        ),
        IGrillModel(
            "pulse_2000",
            # Name not captured; SANJ's prefix "pulse_2000" suggests it.
            "Pulse_2000",
            "7e920000-68dc-41c7-943f-518b278cea88",
            probes=4,
            model_number="Pulse 2000",
            manufacturer="Weber",
            firmware="0.07-rc1",  # esp32_iGrill#18
            advertises_service=False,
            elements=2,
            mains_powered=True,
        ),
    )
}

# The iGrill models a demo shows by default (one of each).
DEFAULT_MODELS = (
    "igrill_mini",
    "igrill_mini_v2",
    "igrill_v2",
    "igrill_v202",
    "igrill_v3",
    "pulse_2000",
)


def default_address(model: str, index: int = 1) -> str:
    """A stable address for the ``index``-th emulated device of a model."""
    number = list(MODELS).index(model) + 1
    return f"{OUI}:{number:02X}:00:{index:02X}"
