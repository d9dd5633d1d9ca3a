"""Felicita Arc: an 18-byte ASCII weight notification and one-letter commands."""

from .codec import FelicitaReading, decode_reading
from .driver import FelicitaDriver
from .models import ARC, FAMILY, MODELS, model_from_advertisement, model_from_name

__all__ = [
    "ARC",
    "FAMILY",
    "MODELS",
    "FelicitaDriver",
    "FelicitaReading",
    "decode_reading",
    "model_from_advertisement",
    "model_from_name",
]
