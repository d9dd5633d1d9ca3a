# mypy: disable-error-code="unreachable"
# (asserting a property before and after a call trips mypy's narrowing)
"""Emulated iGrills through a bleak client: handshake, probes, alarms, extras."""

from __future__ import annotations

import pytest
from bleak import BleakClient
from bleak.exc import BleakError

from emulator.gatt import (
    ATT_INSUFFICIENT_AUTHENTICATION,
    ATT_INVALID_ATTRIBUTE_VALUE_LENGTH,
    ATT_UNLIKELY_ERROR,
    AttError,
)
from emulator.igrill import MODELS, IGrillDevice, ProbeKind, create_igrill
from emulator.igrill.auth import aes_encrypt
from emulator.igrill.const import (
    APP_CHALLENGE,
    BATTERY_LEVEL,
    DEVICE_CHALLENGE,
    DEVICE_RESPONSE,
    FIRMWARE_VERSION,
    MANUFACTURER_NAME,
    MINI_KEY,
    PROPANE_LEVEL,
    PULSE_ELEMENT,
    UNIT,
    probe_threshold_uuid,
    probe_value_uuid,
)
from emulator.proxy import VirtualProxy

from .common import connect, zero_challenge_handshake

PROBE_1 = probe_value_uuid(1)


async def connected(
    proxy: VirtualProxy, model: str, **options: object
) -> tuple[IGrillDevice, BleakClient]:
    device = proxy.add(create_igrill(model, **options))  # type: ignore[arg-type]
    return device, await connect(proxy, device.address)


async def authenticated(
    proxy: VirtualProxy, model: str, **options: object
) -> tuple[IGrillDevice, BleakClient]:
    device, client = await connected(proxy, model, **options)
    await zero_challenge_handshake(client)
    assert device.authenticated
    return device, client


# Advertisements and GATT tables ------------------------------------------


@pytest.mark.parametrize(
    ("model", "name", "advertised"),
    [
        ("igrill_mini", "iGrill_mini", "63c70000-4a82-4261-95ff-92cf32477861"),
        ("igrill_mini_v2", "iGrill_mini_2", "9d610c43-ae1d-41a9-9b09-3c7ecd5c6035"),
        ("igrill_v2", "iGrill_V2", "a5c50000-f186-4bd6-97f2-7ebacba0d708"),
        ("igrill_v202", "iGrill_V2_2", "ada7590f-2e6d-469e-8f7b-1822b386a5e9"),
        ("igrill_v3", "iGrill_V3", "6e910000-58dc-41c7-943f-518b278cea88"),
        ("kitchen_thermometer", "KT", None),
        ("pulse_1000", "Pulse_1000", None),
        ("pulse_2000", "Pulse_2000", None),
    ],
)
def test_advertisements(model: str, name: str, advertised: str | None) -> None:
    adv = create_igrill(model).advertisement()
    assert adv.local_name == name
    assert adv.service_uuids == ([advertised] if advertised else [])
    assert adv.manufacturer_data == {}


@pytest.mark.parametrize("model", list(MODELS))
async def test_gatt_table(proxy: VirtualProxy, model: str) -> None:
    device, client = await connected(proxy, model)
    spec = MODELS[model]
    uuids = {service.uuid for service in client.services}
    assert spec.temperature_service in uuids
    assert "64ac0000-4a4b-4b58-9f37-94d3c52ffdf7" in uuids
    assert "0000180f-0000-1000-8000-00805f9b34fb" in uuids
    assert ("f5d40000-3548-4c22-9947-f3673fce3cd9" in uuids) == spec.propane
    assert ("6c910000-58dc-41c7-943f-518b278ceaaa" in uuids) == bool(spec.elements)
    for number in range(1, 5):
        probe = client.services.get_characteristic(probe_value_uuid(number))
        threshold = client.services.get_characteristic(probe_threshold_uuid(number))
        assert (probe is not None) == (number <= spec.probes)
        if probe is not None and threshold is not None:
            assert probe.properties == ["read", "notify"]
            assert threshold.properties == ["read", "write"]
    firmware = await client.read_gatt_char(FIRMWARE_VERSION)  # readable before auth
    assert firmware.rstrip(b"\x00").decode() == spec.firmware
    assert (await client.read_gatt_char(MANUFACTURER_NAME)).decode() == spec.manufacturer
    assert len(device.probes) == spec.probes
    await client.disconnect()


def test_factory() -> None:
    device = create_igrill("igrill_v2", "70:91:8f:00:00:99", "Smoker", unit=0)
    assert device.address == "70:91:8F:00:00:99"
    assert device.name == "Smoker"
    assert device.unit == 0
    assert create_igrill("igrill_mini").address == "70:91:8F:01:00:01"
    with pytest.raises(ValueError, match="unknown iGrill model 'igrill_v9'"):
        create_igrill("igrill_v9")


# Handshake ----------------------------------------------------------------


async def test_zero_challenge_echo_authenticates(proxy: VirtualProxy) -> None:
    device, client = await connected(proxy, "igrill_v3")
    assert not device.authenticated
    answer = await zero_challenge_handshake(client)
    assert len(answer) == 16
    assert device.authenticated
    await client.disconnect()
    assert not device.authenticated  # the handshake does not outlive the link


async def test_full_algorithm_with_the_key(proxy: VirtualProxy) -> None:
    _, client = await connected(proxy, "igrill_mini")
    challenge = bytes.fromhex("5f4a7f27c6bf2e74") + bytes(8)
    await client.write_gatt_char(APP_CHALLENGE, challenge, response=True)
    encrypted = bytes(await client.read_gatt_char(DEVICE_CHALLENGE))
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    decryptor = Cipher(algorithms.AES(MINI_KEY), modes.ECB()).decryptor()
    plain = decryptor.update(encrypted) + decryptor.finalize()
    assert plain[:8] == challenge[:8]
    response = aes_encrypt(MINI_KEY, bytes(8) + plain[8:])
    await client.write_gatt_char(DEVICE_RESPONSE, response, response=True)
    assert await client.read_gatt_char(PROBE_1)
    await client.disconnect()


async def test_wrong_response_is_rejected(proxy: VirtualProxy) -> None:
    device, client = await connected(proxy, "igrill_v2")
    await client.write_gatt_char(APP_CHALLENGE, bytes(16), response=True)
    await client.read_gatt_char(DEVICE_CHALLENGE)
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(DEVICE_RESPONSE, bytes(16), response=True)
    assert err.value.code == ATT_UNLIKELY_ERROR
    assert not device.authenticated
    with pytest.raises(AttError) as err:
        await client.read_gatt_char(PROBE_1)
    assert err.value.code == ATT_INSUFFICIENT_AUTHENTICATION
    await client.disconnect()


async def test_refuse_handshake_fault(proxy: VirtualProxy) -> None:
    device, client = await connected(proxy, "igrill_v2")
    device.faults.refuse_handshake = True
    with pytest.raises(AttError) as err:
        await zero_challenge_handshake(client)
    assert err.value.code == ATT_UNLIKELY_ERROR
    assert not device.authenticated
    device.faults.clear()
    await zero_challenge_handshake(client)
    assert device.authenticated
    await client.disconnect()


async def test_handshake_out_of_order_and_bad_lengths(proxy: VirtualProxy) -> None:
    _, client = await connected(proxy, "igrill_mini")
    with pytest.raises(AttError) as err:
        await client.read_gatt_char(DEVICE_CHALLENGE)
    assert err.value.code == ATT_UNLIKELY_ERROR
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(APP_CHALLENGE, bytes(8), response=True)
    assert err.value.code == ATT_INVALID_ATTRIBUTE_VALUE_LENGTH
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(DEVICE_RESPONSE, bytes(15), response=True)
    assert err.value.code == ATT_INVALID_ATTRIBUTE_VALUE_LENGTH
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(DEVICE_RESPONSE, bytes(16), response=True)
    assert err.value.code == ATT_UNLIKELY_ERROR
    await client.disconnect()


async def test_pairing_required_before_the_challenge(proxy: VirtualProxy) -> None:
    device, client = await connected(proxy, "igrill_v2", require_pairing=True)
    with pytest.raises(AttError) as err:
        await zero_challenge_handshake(client)
    assert err.value.code == ATT_INSUFFICIENT_AUTHENTICATION
    await client.pair()
    await zero_challenge_handshake(client)
    assert device.authenticated
    await client.disconnect()


@pytest.mark.parametrize(
    "uuid", [PROBE_1, probe_threshold_uuid(1), UNIT, BATTERY_LEVEL, PROPANE_LEVEL]
)
async def test_reads_before_auth_are_refused(proxy: VirtualProxy, uuid: str) -> None:
    _, client = await connected(proxy, "igrill_v3")
    with pytest.raises(AttError) as err:
        await client.read_gatt_char(uuid)
    assert err.value.code == ATT_INSUFFICIENT_AUTHENTICATION
    await client.disconnect()


# Probes -------------------------------------------------------------------


async def test_probe_reads_in_the_device_unit(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "igrill_mini", seed=1)
    device.probe(1).temperature = 100.0
    assert await client.read_gatt_char(UNIT) == b"\x01"
    celsius = int.from_bytes(await client.read_gatt_char(PROBE_1), "little", signed=True)
    assert 99 <= celsius <= 101
    await client.write_gatt_char(UNIT, b"\x00", response=True)
    fahrenheit = int.from_bytes(await client.read_gatt_char(PROBE_1), "little", signed=True)
    assert 211 <= fahrenheit <= 213
    with pytest.raises(AttError):
        await client.write_gatt_char(UNIT, b"\x00\x00", response=True)
    await client.disconnect()


async def test_below_zero_is_signed(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "igrill_mini")
    device.probe(1).temperature = -20.0
    value = int.from_bytes(await client.read_gatt_char(PROBE_1), "little", signed=True)
    assert -21 <= value <= -19
    await client.disconnect()


@pytest.mark.parametrize("model", ["igrill_v2", "igrill_v202"])
async def test_empty_socket_read_is_att_0x0e_on_v2(proxy: VirtualProxy, model: str) -> None:
    device, client = await authenticated(proxy, model)
    assert not device.probe(4).plugged
    with pytest.raises(AttError) as err:
        await client.read_gatt_char(probe_value_uuid(4))
    assert err.value.code == ATT_UNLIKELY_ERROR
    device.plug(4, temperature=30.0)  # plugging in while connected works
    value = await client.read_gatt_char(probe_value_uuid(4))
    assert 29 <= int.from_bytes(value, "little", signed=True) <= 31
    await client.disconnect()


async def test_empty_socket_read_is_sentinel_elsewhere(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "igrill_v3")
    device.unplug(1)
    assert await client.read_gatt_char(PROBE_1) == bytearray.fromhex("30f8")
    assert device.reading(1) is None
    await client.disconnect()


async def test_plugged_option(proxy: VirtualProxy) -> None:
    device = create_igrill("igrill_v2", plugged=[False, True, True, True])
    assert [p.plugged for p in device.probes] == [False, True, True, True]


async def test_probe_notifications(proxy: VirtualProxy) -> None:
    device, client = await connected(proxy, "igrill_v2")
    received: list[bytes] = []
    await client.start_notify(PROBE_1, lambda char, data: received.append(bytes(data)))
    device.advance(1.0)
    assert received == []  # subscribed but not authenticated: nothing
    await zero_challenge_handshake(client)
    device.advance(0.5)
    assert received == []  # not a full second yet
    device.advance(0.5)
    device.advance(1.0)
    assert len(received) == 2
    assert all(len(packet) == 3 and packet[2] == 0 for packet in received)  # V2: 3 bytes
    device.unplug(1)
    device.advance(1.0)
    assert received[-1] == bytes.fromhex("30f800")
    await client.disconnect()


async def test_notifications_are_two_bytes_on_the_mini(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "igrill_mini")
    received: list[bytes] = []
    await client.start_notify(PROBE_1, lambda char, data: received.append(bytes(data)))
    device.advance(3.0)
    assert len(received) == 1  # at most one per advance, however long
    assert len(received[0]) == 2
    await client.disconnect()


def test_cooking_curve_with_a_stall() -> None:
    device = create_igrill("igrill_v2", cooker_temperature=120.0)
    brisket, steak, chamber, empty = device.probes
    assert brisket.stall
    assert chamber.kind is ProbeKind.AMBIENT
    device.advance(3600)
    assert 60 <= brisket.temperature <= 70
    assert steak.temperature > brisket.temperature
    assert abs(chamber.temperature - 120) <= 4
    assert empty.temperature == 5.0  # empty sockets do not cook
    start = brisket.temperature
    device.advance(3600)
    assert brisket.temperature - start < 10  # the plateau
    device.advance(6 * 3600)
    assert brisket.temperature > 110
    assert device.cooker() == 120.0


def test_same_seed_same_readings() -> None:
    first, second = create_igrill("igrill_v2"), create_igrill("igrill_v2")
    for device in (first, second):
        device.advance(600)
    assert [first.reading(n) for n in (1, 2, 3)] == [second.reading(n) for n in (1, 2, 3)]


# Thresholds and alarms ------------------------------------------------------


async def test_threshold_write_read_back_and_alarm(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "igrill_v2")
    threshold = probe_threshold_uuid(2)
    assert await client.read_gatt_char(threshold) == bytearray.fromhex("0080ff7f")
    await client.write_gatt_char(threshold, bytes.fromhex("00803c00"), response=True)  # high 60
    assert await client.read_gatt_char(threshold) == bytearray.fromhex("00803c00")
    assert not device.beeping
    device.advance(3600)
    assert device.probe(2).alarm
    assert device.beeping
    _, number, value = device.alarms[0]
    assert number == 2
    assert 60 <= value <= 62  # caught within one physics step of the crossing
    await client.write_gatt_char(threshold, bytes.fromhex("0080ff7f"), response=True)
    assert not device.probe(2).alarm  # a new limit silences it
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(threshold, b"\x00\x00", response=True)
    assert err.value.code == ATT_INVALID_ATTRIBUTE_VALUE_LENGTH
    await client.disconnect()


def test_unplugging_silences_the_alarm() -> None:
    device = create_igrill("igrill_mini")
    device.probe(1).high_limit = 10
    device.advance(60)
    assert device.beeping
    device.unplug(1)
    assert not device.beeping


def test_low_limit_alarm() -> None:
    device = create_igrill("igrill_mini", cooker_temperature=-18.0)
    device.probe(1).low_limit = 0
    device.advance(3600)
    assert device.probe(1).alarm


async def test_threshold_needs_auth(proxy: VirtualProxy) -> None:
    _, client = await connected(proxy, "igrill_v2")
    with pytest.raises(AttError) as err:
        await client.write_gatt_char(probe_threshold_uuid(1), bytes(4), response=True)
    assert err.value.code == ATT_INSUFFICIENT_AUTHENTICATION
    await client.disconnect()


# Battery, propane, Pulse elements ---------------------------------------------


async def test_battery_drains_and_notifies_on_change(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "igrill_v2", battery=70.4)
    assert await client.read_gatt_char(BATTERY_LEVEL) == bytearray([70])  # I-7: 46 = 70 %
    received: list[bytes] = []
    await client.start_notify(BATTERY_LEVEL, lambda char, data: received.append(bytes(data)))
    device.advance(1)
    device.advance(1)
    assert received == [b"\x46"]  # once, then only on change
    device.advance(3600)
    assert received[-1] == b"\x45"
    await client.disconnect()


async def test_propane_drops_by_quarters(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "igrill_v3", propane_drain_per_hour=0.25)
    assert await client.read_gatt_char(PROPANE_LEVEL) == b"\x04"
    received: list[bytes] = []
    await client.start_notify(PROPANE_LEVEL, lambda char, data: received.append(bytes(data)))
    device.advance(1)
    for _ in range(5):
        device.advance(3600)
    assert received == [b"\x04", b"\x03", b"\x02", b"\x01", b"\x00"]
    await client.disconnect()


async def test_pulse_elements_approach_their_set_points(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "pulse_2000", setpoints=[200, 0])
    assert await client.read_gatt_char(PULSE_ELEMENT) == b" 020 020 200 000"
    assert await client.read_gatt_char(BATTERY_LEVEL) == b"\x64"  # mains powered
    device.advance(1800)
    text = (await client.read_gatt_char(PULSE_ELEMENT)).decode()
    left_actual, right_actual, left_set, right_set = (int(v) for v in text.split())
    assert 195 <= left_actual <= 200
    assert right_actual == 20
    assert (left_set, right_set) == (200, 0)
    assert device.cooker() == pytest.approx(left_actual, abs=1)
    device.set_setpoint(1, 0)
    device.advance(3600)
    assert device.cooker() == 20.0  # all off: the room
    await client.disconnect()


async def test_pulse_element_notifications(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "pulse_1000")
    received: list[bytes] = []
    await client.start_notify(PULSE_ELEMENT, lambda char, data: received.append(bytes(data)))
    device.advance(1)
    assert received == [b" 021 000 180 000"]
    await client.disconnect()


async def test_malformed_probe_reads(proxy: VirtualProxy) -> None:
    device, client = await authenticated(proxy, "igrill_mini")
    device.faults.malformed = True
    assert len(await client.read_gatt_char(PROBE_1)) == 1
    await client.disconnect()


@pytest.mark.parametrize("uuid", [UNIT, BATTERY_LEVEL, PROPANE_LEVEL])
async def test_malformed_one_byte_reads(proxy: VirtualProxy, uuid: str) -> None:
    """Unit, battery and propane are 1 byte; under the fault they come wrong-sized."""
    device, client = await authenticated(proxy, "igrill_v3")
    assert len(await client.read_gatt_char(uuid)) == 1
    device.faults.malformed = True
    assert len(await client.read_gatt_char(uuid)) != 1
    await client.disconnect()


async def test_armed_drop_link_after_the_handshake(proxy: VirtualProxy) -> None:
    device = proxy.add(create_igrill("igrill_v2"))
    device.faults.drop_link_after = 3  # the handshake's write, read and write
    lost: list[BleakClient] = []
    for _ in range(2):  # armed until cleared: every link drops at the same point
        client = await connect(proxy, device.address, disconnected_callback=lost.append)
        await zero_challenge_handshake(client)
        assert device.authenticated
        with pytest.raises(BleakError, match="not connected"):
            await client.read_gatt_char(UNIT)
        assert not device.connected
        assert not client.is_connected
    assert len(lost) == 2
    assert proxy.connections == 0

    device.faults.clear()
    assert device.faults.drop_link_after is None
    client = await connect(proxy, device.address)
    await zero_challenge_handshake(client)
    assert await client.read_gatt_char(UNIT) == bytearray([device.unit])
    await client.start_notify(PROBE_1, lambda char, data: None)
    assert device.connected
    await client.disconnect()
