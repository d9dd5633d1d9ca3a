"""Passive advertisers: devices that only broadcast (no connection, no driver)."""

from .node import (
    COMPANY_ID,
    FAMILY,
    MODELS,
    NODE,
    PAYLOAD_SIZE,
    NodeReading,
    decode_manufacturer_data,
    decode_node,
    is_node,
)

__all__ = [
    "COMPANY_ID",
    "FAMILY",
    "MODELS",
    "NODE",
    "PAYLOAD_SIZE",
    "NodeReading",
    "decode_manufacturer_data",
    "decode_node",
    "is_node",
]
