"""Decent Scale and Half Decent Scale: 7-byte XOR-checked commands, a heartbeat on the HDS."""

from .codec import DecentMessage, decode_notification
from .driver import DecentScaleDriver
from .models import DECENT_SCALE, FAMILY, MODELS, model_from_advertisement, model_from_name

__all__ = [
    "DECENT_SCALE",
    "FAMILY",
    "MODELS",
    "DecentMessage",
    "DecentScaleDriver",
    "decode_notification",
    "model_from_advertisement",
    "model_from_name",
]
