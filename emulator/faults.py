"""Faults a test or demo can switch on for one emulated device.

Each fault is a flag on ``Faults``; set and clear them directly
(``device.faults.slow = True``) or by name (``device.faults.set("slow")``).
``drop_link`` is an action rather than a state, so it lives on the device
(``device.drop_link()``); ``set("drop_link")`` forwards to it when the
``Faults`` belongs to a device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum


class Fault(StrEnum):
    """The names of the faults."""

    DROP_LINK = "drop_link"  # disconnect now; the client's disconnected callback fires
    REFUSE_HANDSHAKE = "refuse_handshake"  # the device rejects the auth exchange
    READ_TIMEOUT = "read_timeout"  # reads hang, then raise TimeoutError
    NO_FREE_SLOT = "no_free_slot"  # the proxy's connector reports no free slot
    MALFORMED = "malformed"  # reads and notifications carry garbage of the wrong length
    SILENT = "silent"  # stops advertising and refuses connections
    SLOW = "slow"  # every GATT operation takes extra time


@dataclass
class Faults:
    """The fault switches of one device, all off by default."""

    refuse_handshake: bool = False
    read_timeout: bool = False
    no_free_slot: bool = False
    malformed: bool = False
    silent: bool = False
    slow: bool = False
    read_timeout_delay: float = 0.2  # seconds a read hangs before TimeoutError
    slow_latency: float = 0.05  # seconds added to each GATT operation
    # Called for DROP_LINK; the owning device sets it.
    drop_link: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def set(self, fault: Fault | str, on: bool = True) -> None:
        """Switch a fault on (or off with ``on=False``); DROP_LINK drops at once."""
        fault = Fault(fault)
        if fault is Fault.DROP_LINK:
            if on and self.drop_link is not None:
                self.drop_link()
            return
        setattr(self, fault.value, on)

    def clear(self, fault: Fault | str | None = None) -> None:
        """Switch one fault off, or all of them when no fault is named."""
        if fault is not None:
            self.set(fault, on=False)
            return
        for name in self.active:
            setattr(self, name.value, False)

    @property
    def active(self) -> frozenset[Fault]:
        """The faults that are switched on."""
        flags = [f.name for f in fields(self) if f.type in ("bool", bool)]
        return frozenset(Fault(name) for name in flags if getattr(self, name))

    @property
    def latency(self) -> float:
        """Extra seconds each GATT operation takes."""
        return self.slow_latency if self.slow else 0.0
