"""The GATT model: characteristics, services, ATT errors."""

from __future__ import annotations

import pytest
from bleak.exc import BleakError

from emulator.gatt import (
    ATT_INSUFFICIENT_AUTHENTICATION,
    ATT_READ_NOT_PERMITTED,
    ATT_UNLIKELY_ERROR,
    ATT_WRITE_NOT_PERMITTED,
    AttError,
    Characteristic,
    Service,
    find_characteristic,
    normalize_uuid,
)


def test_att_error_is_a_bleak_error_with_a_code() -> None:
    err = AttError(ATT_UNLIKELY_ERROR)
    assert isinstance(err, BleakError)
    assert err.code == 0x0E
    assert getattr(err, "code", None) == 14  # how integrations read it on bleak 2 and 3
    assert "ATT error 0x0e" in str(err)
    assert "Unlikely Error" in str(err)


def test_att_error_detail_and_unknown_code() -> None:
    err = AttError(ATT_INSUFFICIENT_AUTHENTICATION, "authenticate first")
    assert str(err) == "ATT error 0x05 (Insufficient Authentication): authenticate first"
    assert str(AttError(0x99)) == "ATT error 0x99 (Unknown)"


def test_uuids_are_normalised() -> None:
    assert normalize_uuid("180F") == "0000180f-0000-1000-8000-00805f9b34fb"
    char = Characteristic("2A19", ["read"])
    assert char.uuid == "00002a19-0000-1000-8000-00805f9b34fb"
    assert Service("180f").uuid == "0000180f-0000-1000-8000-00805f9b34fb"


def test_stored_value_reads_and_writes() -> None:
    char = Characteristic("2a19", ["read", "write"], b"\x01")
    assert char.read() == b"\x01"
    char.write(b"\x02", response=True)
    assert char.read() == b"\x02"


def test_handlers_serve_reads_and_writes() -> None:
    written: list[bytes] = []
    char = Characteristic(
        "2a19", ["read", "write-without-response"], on_read=lambda: b"hi", on_write=written.append
    )
    assert char.read() == b"hi"
    char.write(b"\x07", response=False)
    assert written == [b"\x07"]


def test_properties_are_enforced() -> None:
    write_only = Characteristic("2a19", ["write"])
    with pytest.raises(AttError) as err:
        write_only.read()
    assert err.value.code == ATT_READ_NOT_PERMITTED
    with pytest.raises(AttError) as err:
        write_only.write(b"\x00", response=False)  # no write-without-response
    assert err.value.code == ATT_WRITE_NOT_PERMITTED
    read_only = Characteristic("2a19", ["read"])
    with pytest.raises(AttError):
        read_only.write(b"\x00", response=True)


def test_notify_capability() -> None:
    assert Characteristic("2a19", ["read", "notify"]).can_notify
    assert Characteristic("2a19", ["indicate"]).can_notify
    assert not Characteristic("2a19", ["read"]).can_notify


def test_find_characteristic_across_services() -> None:
    battery = Characteristic("2a19", ["read"])
    services = [Service("180a", [Characteristic("2a29", ["read"])]), Service("180f", [battery])]
    assert find_characteristic(services, "00002A19-0000-1000-8000-00805F9B34FB") is battery
    assert find_characteristic(services, "2a00") is None
