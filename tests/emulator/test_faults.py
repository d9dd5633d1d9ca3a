"""Fault switches."""

from __future__ import annotations

import pytest

from emulator.faults import Fault, Faults


def test_all_faults_start_off() -> None:
    faults = Faults()
    assert faults.active == frozenset()
    assert faults.latency == 0.0


def test_set_and_clear_by_name() -> None:
    faults = Faults()
    faults.set("slow")
    faults.set(Fault.MALFORMED)
    assert faults.active == {Fault.SLOW, Fault.MALFORMED}
    assert faults.latency == faults.slow_latency
    faults.clear("slow")
    assert faults.active == {Fault.MALFORMED}
    faults.set(Fault.SILENT)
    faults.clear()
    assert faults.active == frozenset()


def test_drop_link_is_an_action() -> None:
    dropped: list[bool] = []
    faults = Faults(drop_link=lambda: dropped.append(True))
    faults.set(Fault.DROP_LINK)
    faults.set(Fault.DROP_LINK, on=False)  # nothing to switch off
    assert dropped == [True]
    assert Fault.DROP_LINK not in faults.active
    Faults().set(Fault.DROP_LINK)  # not attached to a device: nothing happens


def test_unknown_fault_name() -> None:
    with pytest.raises(ValueError, match="melting"):
        Faults().set("melting")


def test_drop_link_armed_after_operations() -> None:
    dropped: list[bool] = []
    faults = Faults(drop_link=lambda: dropped.append(True))
    faults.drop_link_after = 2
    assert faults.active == {Fault.DROP_LINK}
    faults.link_up()
    assert [faults.operation() for _ in range(4)] == [False, False, True, True]
    faults.link_up()  # a new link counts from zero
    assert not faults.operation()
    assert dropped == []  # the device drops the link when ``operation`` says so
    faults.set(Fault.DROP_LINK, on=False)
    assert faults.drop_link_after is None
    assert faults.active == frozenset()
    assert not faults.operation()


def test_clear_all_disarms_drop_link() -> None:
    faults = Faults(drop_link_after=0, slow=True)
    assert faults.active == {Fault.DROP_LINK, Fault.SLOW}
    faults.clear()
    assert faults.active == frozenset()
    assert faults.drop_link_after is None
