"""Typed errors of the DE1 family: what went wrong, never a bare struct or index error."""

from __future__ import annotations

from ..base import DeviceError


class De1Error(DeviceError):
    """Something about a DE1 did not go as its protocol says."""


class De1DecodeError(De1Error):
    """A frame from the machine does not have the shape its characteristic promises."""


class De1EncodeError(De1Error, ValueError):
    """A value cannot be put on the wire: out of its field's range, or unknown."""


class De1CommandError(De1Error):
    """A command was refused before anything was sent (the §4.3 rules, a read-only register)."""


class De1StartRefusedError(De1CommandError):
    """A start (espresso, steam, hot water, flush) the machine would not take now (§4.3, §9.2)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # a state.StartBlock value


class De1FirmwareError(De1CommandError):
    """The machine's firmware is too old for the command, or its build is not known yet."""


class De1TimeoutError(De1Error):
    """An answer the protocol delivers by notification did not arrive in time."""


class De1MmrTimeoutError(De1TimeoutError):
    """No MMR read notification for the requested address (after the retries)."""


class De1StateTimeoutError(De1TimeoutError):
    """The machine did not reach the awaited state, e.g. it ignored a start (§9.2)."""
