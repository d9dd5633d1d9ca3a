"""Atomax Skale II: one-byte commands, a 16-bit weight in 0.1 g, two buttons."""

from .codec import TIMER_MAJORITY, TIMER_PYDE1, TimerOpcodes, decode_button, decode_weight
from .driver import SkaleDriver
from .models import FAMILY, MODELS, SKALE, model_from_advertisement, model_from_name

__all__ = [
    "FAMILY",
    "MODELS",
    "SKALE",
    "TIMER_MAJORITY",
    "TIMER_PYDE1",
    "SkaleDriver",
    "TimerOpcodes",
    "decode_button",
    "decode_weight",
    "model_from_advertisement",
    "model_from_name",
]
