"""Weber / iDevices iGrill family: iGrill mini, V2, V3, Kitchen Thermometer, Pulse."""

from .driver import IGrillDriver
from .models import (
    FAMILY,
    MODEL_BY_SERVICE,
    MODELS,
    TEMPERATURE_SERVICE_UUIDS,
    model_from_name,
    model_from_services,
)

__all__ = [
    "FAMILY",
    "MODELS",
    "MODEL_BY_SERVICE",
    "TEMPERATURE_SERVICE_UUIDS",
    "IGrillDriver",
    "model_from_name",
    "model_from_services",
]
