"""AlarmFollower and AlarmWrites: every rule of ``library/cooking/device_alarm.py``.

The device here is a fake with a BlueDOT-like mapping written out in numbers:
"no alarm" is written as 255; in °F 255 and above mean "no alarm", in °C 255 and
above and 124 (what 255 °F becomes when the device is switched to °C). The last
tests run the same rules against the real BlueDOT driver.
"""

from __future__ import annotations

import pytest

from custom_components.kitchen_ble.library.cooking.device_alarm import (
    AlarmFollower,
    AlarmReporting,
    AlarmWrites,
    device_value,
)
from custom_components.kitchen_ble.library.devices.bluedot.driver import BlueDotDriver
from custom_components.kitchen_ble.library.devices.bluedot.models import BLUEDOT
from custom_components.kitchen_ble.library.devices.thermometer import (
    DeviceAlarm,
    TemperatureUnit,
)

NO_ADOPTION = (False, None)


class FakeDevice:
    """A device that holds one byte and says which values mean "no alarm" in each unit."""

    def reported_alarm(self, high: int | None) -> int:
        return 255 if high is None else min(high, 255)

    def alarm_target(self, reported: int, unit: TemperatureUnit) -> int | None:
        no_alarm = reported >= 255 or (unit == "°C" and reported == 124)
        return None if no_alarm else reported


DEVICE = FakeDevice()


def alarm(high: int) -> DeviceAlarm:
    """A fresh report: the driver makes a new object for every packet."""
    return DeviceAlarm(high=high, active=False, silenced=False, disabled=False)


class Probe:
    """One probe's follower fed the way the cooking runtime feeds it."""

    def __init__(self, target: float | None = None, device: AlarmReporting = DEVICE) -> None:
        self.writes = AlarmWrites()
        self.follower = AlarmFollower(1, self.writes)
        self.device = device
        self.target = target
        self.held: DeviceAlarm | None = None  # what the driver holds

    def report(
        self, high: int, unit: TemperatureUnit = "°F", *, connected: bool = True
    ) -> tuple[bool, float | None]:
        self.held = alarm(high)
        return self.update(unit, connected=connected)

    def update(
        self, unit: TemperatureUnit = "°F", *, connected: bool = True
    ) -> tuple[bool, float | None]:
        adopt, new = self.follower.update(self.device, connected, self.held, unit, self.target)
        if adopt:
            self.target = new
        return adopt, new

    def heard(self, high: int, unit: TemperatureUnit = "°F") -> Probe:
        """A first report on the link, whatever it says: the next one is not the first.

        The target stays what the test set, so a test starts from a known one.
        """
        target = self.target
        self.report(high, unit)
        self.target = target
        return self


def test_the_fake_and_the_bluedot_driver_are_alarm_reporting() -> None:
    assert isinstance(DEVICE, AlarmReporting)
    assert isinstance(BlueDotDriver(BLUEDOT, lambda: None), AlarmReporting)


# Before anything is heard ----------------------------------------------------------


def test_nothing_while_disconnected_or_before_a_report() -> None:
    probe = Probe()
    assert probe.update() == NO_ADOPTION  # connected, nothing reported yet
    probe.held = alarm(150)
    assert probe.update(connected=False) == NO_ADOPTION  # not connected: nothing is looked at
    assert probe.update(connected=False) == NO_ADOPTION
    assert probe.target is None
    assert probe.update() == NO_ADOPTION, "held when the link went: old, not a report"


def test_what_the_driver_holds_before_the_first_link_is_a_report() -> None:
    """Only a link that went makes the driver's alarm old."""
    probe = Probe()
    probe.held = alarm(150)
    assert probe.update(connected=False) == NO_ADOPTION
    assert probe.update() == (True, 65.6)


def test_only_a_change_of_value_or_unit_is_looked_at() -> None:
    probe = Probe()
    assert probe.report(150) == (True, 65.6)
    assert probe.report(150) == NO_ADOPTION  # another packet, same (value, unit)
    probe.target = None  # cleared in Home Assistant; the device still says 150 °F
    assert probe.report(150) == NO_ADOPTION, "no change, nothing adopted again"
    assert probe.report(150, "°C") == (True, 150.0)  # same number, another unit: a change


# Rule 1: our own write, confirmed ----------------------------------------------------


def test_rule_1_our_write_is_a_confirmation_and_older_writes_go_with_it() -> None:
    probe = Probe(target=60.0).heard(140)
    for high in (130, 135, 138):
        probe.writes.add(1, high, "°F")
    probe.target = 58.9  # the last one, 138 °F
    assert probe.report(135) == NO_ADOPTION
    assert probe.writes.of(1) == [(138, "°F")], "it and the older ones are forgotten"
    assert probe.target == 58.9
    assert probe.report(138) == NO_ADOPTION
    assert probe.writes.of(1) == []


@pytest.mark.parametrize(("written", "reported"), [(None, 255), (302, 255), (255, 255)])
def test_rule_1_a_write_is_compared_as_the_device_reports_it(
    written: int | None, reported: int
) -> None:
    """None and values above one byte read back as 255: still ours, not "no target"."""
    probe = Probe(target=150.0).heard(140)
    probe.writes.add(1, written, "°F")
    assert probe.report(reported) == NO_ADOPTION
    assert probe.target == 150.0
    assert probe.writes.of(1) == []


def test_rule_1_a_write_in_another_unit_is_not_ours() -> None:
    probe = Probe(target=None).heard(150)
    probe.writes.add(1, 57, "°C")
    assert probe.report(57) == (True, 13.9)  # 57 °F: the device's own, adopted
    assert probe.writes.of(1) == [], "what we wrote before is history (rule 4)"


def test_rule_1_a_write_of_another_probe_is_not_ours() -> None:
    probe = Probe(target=None).heard(150)
    probe.writes.add(2, 135, "°F")
    assert probe.report(135) == (True, 57.2)
    assert probe.writes.of(2) == [(135, "°F")]  # only this probe's writes are history


# Rule 2: in agreement -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "high", "unit"),
    [
        (65.3, 150, "°F"),  # 65.3 °C is 149.5 °F: 150
        (65.3, 65, "°C"),
        (57.0, 135, "°F"),  # 134.6 °F
        (150.0, 255, "°F"),  # 302 °F, held as 255: the capped value agrees
        (-10.0, 14, "°F"),
    ],
)
def test_rule_2_the_value_the_target_maps_to_in_the_unit_agrees(
    target: float, high: int, unit: TemperatureUnit
) -> None:
    """Not a first report, nothing written: only the agreement keeps the target as it is.

    Compared without the unit, 150 would be taken for 65.6 °C and the target drift.
    """
    probe = Probe(target=target).heard(100, unit)
    assert probe.report(high, unit) == NO_ADOPTION
    assert probe.target == target


@pytest.mark.parametrize(
    ("target", "high", "unit", "adopted"),
    [
        (65.3, 65, "°F", 18.3),  # the °C number in °F is another alarm
        (65.3, 150, "°C", 150.0),  # the °F number in °C too
    ],
)
def test_rule_2_the_number_in_the_other_unit_does_not_agree(
    target: float, high: int, unit: TemperatureUnit, adopted: float
) -> None:
    probe = Probe(target=target).heard(100, unit)
    assert probe.report(high, unit) == (True, adopted)


@pytest.mark.parametrize(
    ("high", "unit"), [(255, "°F"), (300, "°F"), (491, "°F"), (255, "°C"), (124, "°C")]
)
def test_rule_2_without_a_target_every_no_alarm_value_of_the_unit_agrees(
    high: int, unit: TemperatureUnit
) -> None:
    probe = Probe(target=None).heard(100, unit)
    assert probe.report(high, unit) == NO_ADOPTION
    assert probe.target is None


def test_rule_2_without_a_target_a_no_alarm_value_of_the_other_unit_is_an_alarm() -> None:
    """124 means "no alarm" in °C only: 124 °F is 51.1 °C."""
    probe = Probe(target=None).heard(100)
    assert probe.report(124, "°F") == (True, 51.1)


# Rule 3: the runtime is writing the target back ----------------------------------------


def test_rule_3_the_first_report_on_a_link_with_a_target_is_not_taken() -> None:
    probe = Probe(target=57.0)
    assert probe.report(200) == NO_ADOPTION  # the vendor's app changed it meanwhile
    assert probe.target == 57.0
    assert probe.report(210) == (True, 98.9), "only the first one is left alone"


def test_rule_3_after_a_reconnect_the_old_value_and_the_first_new_one_are_not_taken() -> None:
    probe = Probe(target=57.0).heard(135)
    assert probe.update(connected=False) == NO_ADOPTION
    assert probe.update() == NO_ADOPTION  # connected again: the driver still holds the old one
    assert probe.report(200) == NO_ADOPTION  # the first fresh report
    assert probe.target == 57.0
    assert probe.report(190) == (True, 87.8)


def test_rule_3_the_first_report_in_a_new_unit_with_a_target_is_not_taken() -> None:
    probe = Probe(target=57.0).heard(200)  # 200 °F, nothing written yet
    assert probe.report(93, "°C") == NO_ADOPTION  # the device converted it
    assert probe.target == 57.0
    assert probe.report(90, "°C") == (True, 90.0)


def test_rule_3_needs_a_target() -> None:
    """Without one, the first report (on a link, in a unit) is adopted."""
    probe = Probe(target=None)
    assert probe.report(200) == (True, 93.3)
    probe.target = None
    assert probe.report(93, "°C") == (True, 93.0)
    fresh = Probe(target=None).heard(150)
    fresh.update(connected=False)
    fresh.target = None
    assert fresh.report(170) == (True, 76.7)


# Rule 4: adopted ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("high", "unit", "adopted"),
    [(150, "°F", 65.6), (135, "°F", 57.2), (-4, "°F", -20.0), (57, "°C", 57.0), (180, "°C", 180.0)],
)
def test_rule_4_anything_else_becomes_the_target_in_celsius_to_a_tenth(
    high: int, unit: TemperatureUnit, adopted: float
) -> None:
    probe = Probe(target=60.0).heard(140, unit)
    probe.writes.add(1, 100, unit)  # written before, never confirmed
    assert probe.report(high, unit) == (True, adopted)
    assert probe.target == adopted
    assert probe.writes.of(1) == [], "what we wrote before is history"


@pytest.mark.parametrize(("high", "unit"), [(255, "°F"), (491, "°F"), (255, "°C"), (124, "°C")])
def test_rule_4_a_no_alarm_value_means_no_target_in_either_unit(
    high: int, unit: TemperatureUnit
) -> None:
    """Set on the device's buttons while the probe has a target: the target goes."""
    probe = Probe(target=60.0).heard(140, unit)
    assert probe.report(high, unit) == (True, None)
    assert probe.target is None


# The BlueDOT, for real ------------------------------------------------------------------


def test_a_bluedot_switched_to_celsius_sets_itself_no_target() -> None:
    """255 °F is "no alarm"; the device shows it as 124 °C once switched: still none."""
    probe = Probe(target=None, device=BlueDotDriver(BLUEDOT, lambda: None))
    assert probe.report(255) == NO_ADOPTION  # "no alarm" and no target: in agreement
    assert probe.report(124, "°C") == NO_ADOPTION
    assert probe.report(255, "°F") == NO_ADOPTION  # and back
    assert probe.report(255, "°C") == NO_ADOPTION  # "no alarm" written in °C
    assert probe.report(491, "°F") == NO_ADOPTION  # ... and shown in °F
    assert probe.target is None
    assert probe.report(70, "°C") == (True, 70.0)  # a real alarm is still taken


def test_a_bluedot_target_of_124_celsius_in_fahrenheit_agrees_with_its_capped_alarm() -> None:
    probe = Probe(target=124.0, device=BlueDotDriver(BLUEDOT, lambda: None)).heard(140)
    assert probe.report(255) == NO_ADOPTION  # 255.2 °F is held as 255
    assert probe.target == 124.0


# device_value and AlarmWrites ------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "unit", "value"),
    [(None, "°F", None), (57.0, "°F", 135), (57.4, "°F", 135), (65.3, "°C", 65), (65.6, "°C", 66)],
)
def test_device_value_is_the_target_in_the_unit_to_a_whole_degree(
    target: float | None, unit: TemperatureUnit, value: int | None
) -> None:
    assert device_value(target, unit) == value


def test_writes_keep_the_latest_eight_per_probe() -> None:
    writes = AlarmWrites()
    for high in range(10):
        writes.add(1, high, "°C")
    writes.add(2, None, "°F")
    assert writes.of(1) == [(high, "°C") for high in range(2, 10)]
    assert writes.of(2) == [(None, "°F")]
    assert writes.of(3) == []


def test_a_failed_write_is_forgotten_and_clear_forgets_one_probe_or_all() -> None:
    writes = AlarmWrites()
    writes.add(1, 50, "°C")
    writes.add(1, 55, "°C")
    writes.failed(1, 50, "°F")  # not one of ours: nothing changes
    writes.failed(3, 50, "°C")
    writes.failed(1, 50, "°C")
    assert writes.of(1) == [(55, "°C")]
    writes.add(2, 60, "°C")
    writes.clear(1)
    assert writes.of(1) == []
    assert writes.of(2) == [(60, "°C")]
    writes.clear(1)  # twice is fine
    writes.add(1, 70, "°C")
    writes.clear()
    assert writes.of(1) == writes.of(2) == []
