"""Faults a test or demo can switch on for one emulated device.

Each fault is a flag on ``Faults``; set and clear them directly
(``device.faults.slow = True``) or by name (``device.faults.set("slow")``).
``drop_link`` is an action rather than a state, so it lives on the device
(``device.drop_link()``); ``set("drop_link")`` forwards to it when the
``Faults`` belongs to a device. To drop a link part-way through a connection
(say right after the iGrill handshake), arm it instead: ``drop_link_after = 3``
drops every link once it has served three GATT operations, until cleared.
Devices that honour the arming call ``link_up`` and ``operation`` (the iGrill).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum


class Fault(StrEnum):
    """The names of the faults."""

    DROP_LINK = "drop_link"  # disconnect now (or armed: after N operations of each link)
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
    drop_link_after: int | None = None  # armed DROP_LINK: GATT operations each link serves
    # Called for DROP_LINK; the owning device sets it.
    drop_link: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    _operations: int = field(default=0, init=False, repr=False, compare=False)

    def set(self, fault: Fault | str, on: bool = True) -> None:
        """Switch a fault on (or off with ``on=False``); DROP_LINK drops at once.

        ``set(DROP_LINK, on=False)`` disarms ``drop_link_after``.
        """
        fault = Fault(fault)
        if fault is Fault.DROP_LINK:
            if not on:
                self.drop_link_after = None
            elif self.drop_link is not None:
                self.drop_link()
            return
        setattr(self, fault.value, on)

    def clear(self, fault: Fault | str | None = None) -> None:
        """Switch one fault off, or all of them when no fault is named."""
        if fault is not None:
            self.set(fault, on=False)
            return
        for name in self.active:
            self.set(name, on=False)

    @property
    def active(self) -> frozenset[Fault]:
        """The faults that are switched on."""
        flags = [f.name for f in fields(self) if f.type in ("bool", bool)]
        active = {Fault(name) for name in flags if getattr(self, name)}
        if self.drop_link_after is not None:
            active.add(Fault.DROP_LINK)
        return frozenset(active)

    @property
    def latency(self) -> float:
        """Extra seconds each GATT operation takes."""
        return self.slow_latency if self.slow else 0.0

    def link_up(self) -> None:
        """A new link: the armed DROP_LINK counts its operations from zero."""
        self._operations = 0

    def operation(self) -> bool:
        """Count one GATT operation; True when the armed DROP_LINK must drop the link now."""
        self._operations += 1
        return self.drop_link_after is not None and self._operations > self.drop_link_after
