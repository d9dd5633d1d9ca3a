"""Whether an espresso may start: a policy the caller checks before a start command."""

from __future__ import annotations

from enum import StrEnum


class StartRefusal(StrEnum):
    """Why an espresso would not be started."""

    NO_SCALE = "no_scale"  # the policy wants a scale and none is paired
    SCALE_NOT_CONNECTED = "scale_not_connected"  # paired, but not connected now


def espresso_start_refusal(
    *, require_scale: bool, scale_paired: bool, scale_connected: bool
) -> StartRefusal | None:
    """Why an espresso must not start now under the "scale required" policy; None: it may."""
    if not require_scale:
        return None
    if not scale_paired:
        return StartRefusal.NO_SCALE
    if not scale_connected:
        return StartRefusal.SCALE_NOT_CONNECTED
    return None
