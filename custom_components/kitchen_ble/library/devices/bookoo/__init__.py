"""Bookoo Themis (Mini, Ultra): a 20-byte XOR-checked frame with the scale's own flow."""

from .codec import BookooReading, decode_command_notification, decode_reading
from .driver import BookooDriver
from .models import FAMILY, MODELS, THEMIS, model_from_advertisement, model_from_name

__all__ = [
    "FAMILY",
    "MODELS",
    "THEMIS",
    "BookooDriver",
    "BookooReading",
    "decode_command_notification",
    "decode_reading",
    "model_from_advertisement",
    "model_from_name",
]
