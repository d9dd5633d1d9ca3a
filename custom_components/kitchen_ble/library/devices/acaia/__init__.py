"""Acaia scales (Lunar, Pearl, Pearl S, Pyxis, Cinco): ``EF DD`` frames on two transports."""

from .codec import AcaiaMessage, decode_frame
from .driver import AcaiaDriver
from .framing import AcaiaFramer
from .models import (
    ACAIA,
    CINCO,
    FAMILY,
    LUNAR,
    MANUFACTURER_ID,
    MODELS,
    PEARL,
    PEARL_S,
    PYXIS,
    AcaiaProtocol,
    model_from_advertisement,
    model_from_name,
    protocol_from_uuids,
)

__all__ = [
    "ACAIA",
    "CINCO",
    "FAMILY",
    "LUNAR",
    "MANUFACTURER_ID",
    "MODELS",
    "PEARL",
    "PEARL_S",
    "PYXIS",
    "AcaiaDriver",
    "AcaiaFramer",
    "AcaiaMessage",
    "AcaiaProtocol",
    "decode_frame",
    "model_from_advertisement",
    "model_from_name",
    "protocol_from_uuids",
]
