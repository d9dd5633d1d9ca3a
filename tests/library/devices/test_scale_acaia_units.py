"""An Acaia set to ounces still gives grams; a reset acknowledgement zeroes the timer.

The weight body holds the display unit's value (scales.md §2.4: magnitude /
10^exponent) and the settings frame says which unit (byte 5: 02 grams, 05
ounces); the reset acknowledgement (code 41, §2.4) carries no time.
"""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.devices.acaia import PYXIS, AcaiaDriver
from custom_components.kitchen_ble.library.devices.acaia.models import NEW_CHAR_NOTIFY
from tests.library.devices.scale_fakes import FakeClient, make_scale_driver
from tests.library.devices.test_scale_acaia import new_chars

# §2.7 A2 with byte 5 = 05 (ounces); Acaia frames are not rejected on checksum (§2.4).
SETTINGS_OUNCES = bytes.fromhex("EF DD 08 09 5D 05 02 01 00 01 01 00 0D 60")
SETTINGS_GRAMS = bytes.fromhex("EF DD 08 09 5D 02 02 01 00 01 01 00 0D 60")  # A2 itself
A8 = bytes.fromhex("EF DD 0C 08 05 DF 06 00 00 01 03 E8 0E")  # -175.9 in the display unit
# A3 with code 41 (reset) in place of 01 (start): weight body -0.45
RESET_ACK = bytes.fromhex("EF DD 0C 0B 0B 00 41 05 2D 00 00 00 02 02 12 3B")


async def _started() -> tuple[AcaiaDriver, FakeClient, list[object]]:
    client = FakeClient(new_chars())
    driver, recorder, _, _ = make_scale_driver(AcaiaDriver, PYXIS, client)
    await driver.async_start(client)
    return driver, client, recorder.received


async def test_an_acaia_in_ounces_gives_grams() -> None:
    driver, client, received = await _started()
    client.notify(NEW_CHAR_NOTIFY, SETTINGS_OUNCES)
    assert driver.state.unit == "oz"
    client.notify(NEW_CHAR_NOTIFY, A8)
    assert driver.state.weight == pytest.approx(-4986.68, abs=0.01)  # -175.9 oz
    assert received[-1].grams == pytest.approx(-4986.68, abs=0.01)  # type: ignore[attr-defined]


async def test_an_acaia_in_grams_is_not_converted() -> None:
    driver, client, _ = await _started()
    client.notify(NEW_CHAR_NOTIFY, SETTINGS_GRAMS)
    client.notify(NEW_CHAR_NOTIFY, A8)
    assert driver.state.unit == "g"
    assert driver.state.weight == -175.9


async def test_a_reset_acknowledgement_zeroes_the_timer() -> None:
    driver, client, _ = await _started()
    driver.state.timer, driver.state.timer_running = 12.3, True
    client.notify(NEW_CHAR_NOTIFY, RESET_ACK)
    assert driver.state.timer == 0.0
    assert driver.state.timer_running is False
