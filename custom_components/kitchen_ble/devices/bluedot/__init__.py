"""ThermoWorks BlueDOT: a one-probe thermometer that pushes a 20-byte packet."""

from .codec import BlueDotUpdate, decode_update
from .driver import BlueDotAlarm, BlueDotDriver
from .models import BLUEDOT, FAMILY, FEATURE_ALARM, MODELS, model_from_name

__all__ = [
    "BLUEDOT",
    "FAMILY",
    "FEATURE_ALARM",
    "MODELS",
    "BlueDotAlarm",
    "BlueDotDriver",
    "BlueDotUpdate",
    "decode_update",
    "model_from_name",
]
