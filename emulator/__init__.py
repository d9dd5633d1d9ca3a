"""Device emulators behind a virtual Bluetooth proxy (design guide §5).

HA-free parts are importable from here; ``emulator.ha`` is the one module that
imports Home Assistant, and ``emulator.virtual_proxy`` is a tiny custom
integration that starts a proxy from YAML.
"""

from __future__ import annotations

from .client import EmulatedBleakClient, bind_client, build_service_collection
from .device import Advertisement, EmulatedDevice
from .faults import Fault, Faults
from .gatt import AttError, Characteristic, Service
from .igrill import IGrillDevice, create_igrill
from .proxy import VirtualProxy, VirtualProxyScanner

__all__ = [
    "Advertisement",
    "AttError",
    "Characteristic",
    "EmulatedBleakClient",
    "EmulatedDevice",
    "Fault",
    "Faults",
    "IGrillDevice",
    "Service",
    "VirtualProxy",
    "VirtualProxyScanner",
    "bind_client",
    "build_service_collection",
    "create_igrill",
]
