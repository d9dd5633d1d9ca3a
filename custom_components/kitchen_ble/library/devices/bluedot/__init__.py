"""ThermoWorks BlueDOT: a one-probe thermometer that pushes a 20-byte packet."""

from .codec import BlueDotUpdate, decode_update
from .driver import BlueDotDriver
from .models import BLUEDOT, FAMILY, MODELS, model_from_name

__all__ = [
    "BLUEDOT",
    "FAMILY",
    "MODELS",
    "BlueDotDriver",
    "BlueDotUpdate",
    "decode_update",
    "model_from_name",
]
