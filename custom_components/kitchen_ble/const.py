"""Constants shared by the Home Assistant side of Kitchen BLE."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "kitchen_ble"

CONF_MODEL: Final = "model"
OPTION_HOLD_CONNECTION: Final = "hold_connection"

# Entities go unavailable only when the link stays down this long, so a blip
# while the device reconnects does not flap every entity.
UNAVAILABLE_GRACE_SECONDS: Final = 30.0
# After a failed connection attempt, advertisements are ignored for a while
# (doubling up to the maximum) so a device that refuses us is not hammered.
CONNECT_BACKOFF_SECONDS: Final = 5.0
CONNECT_BACKOFF_MAX_SECONDS: Final = 120.0
# While the link is down: how often to look whether the device advertised.
PRESENCE_CHECK_SECONDS: Final = 5.0
# Upper bound for connecting plus the driver's handshake and first reads.
SETUP_TIMEOUT_SECONDS: Final = 30.0

# Cooking: bus events (their data is described in README.md).
EVENT_ALERT: Final = f"{DOMAIN}_alert"
EVENT_SESSION_STARTED: Final = f"{DOMAIN}_session_started"
EVENT_SESSION_ENDED: Final = f"{DOMAIN}_session_ended"
