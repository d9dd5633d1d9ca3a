# mypy: disable-error-code="unreachable"
"""The emulated Felicita Arc (scales.md §3)."""

from __future__ import annotations

import pytest
from bleak import BleakClient

from emulator.proxy import VirtualProxy
from emulator.scales import FelicitaDevice, Unit, create_scale
from emulator.scales.felicita import battery_raw, encode_frame

from .common import connect
from .scales_helpers import FELICITA, Stream


async def felicita(
    proxy: VirtualProxy, **options: object
) -> tuple[FelicitaDevice, BleakClient, Stream]:
    scale = proxy.add(create_scale("felicita_arc", noise=0.0, **options))  # type: ignore[arg-type]
    assert isinstance(scale, FelicitaDevice)
    client = await connect(proxy, scale.address)
    stream = Stream("felicita_arc")
    await client.start_notify(FELICITA, stream)
    return scale, client, stream


# §3.7 vectors ----------------------------------------------------------------------


def test_captured_minus_zero_frame() -> None:
    frame = encode_frame(
        digits=0,
        negative=True,
        unit=Unit.GRAMS,
        battery=battery_raw(72),
        unknown=bytes.fromhex("43 E3 4F 22"),
    )
    assert frame == bytes.fromhex("01 02 2D 30 30 30 30 30 30 20 67 43 E3 4F 22 96 0D 0A")


def test_captured_plus_zero_frame() -> None:
    frame = encode_frame(digits=0, negative=False, unit=Unit.GRAMS, battery=0x89)
    assert frame == bytes.fromhex("01 02 2B 30 30 30 30 30 30 20 67 53 4F 30 22 89 0D 0A")


def test_battery_scale_and_encoder_limits() -> None:
    assert (battery_raw(0), battery_raw(100), battery_raw(150), battery_raw(-5)) == (
        129,
        158,
        158,
        129,
    )
    with pytest.raises(ValueError, match="six digits"):
        encode_frame(digits=1_000_000, negative=False, unit=Unit.GRAMS, battery=150)
    with pytest.raises(ValueError, match="4 bytes"):
        encode_frame(digits=0, negative=False, unit=Unit.GRAMS, battery=150, unknown=b"")
    with pytest.raises(ValueError, match="precision"):
        create_scale("felicita_arc", precision=1.0)


# On the wire -----------------------------------------------------------------------


async def test_frames_need_no_handshake(proxy: VirtualProxy) -> None:
    scale, _client, stream = await felicita(proxy, battery=72.0)
    scale.place(18.27)
    proxy.tick(2.0)
    assert len(stream.frames) == 20
    last = stream.frames[-1]
    assert len(last) == 18
    assert last[:3] == b"\x01\x02+"
    assert last[3:9] == b"001830"  # 0.1 g precision, as hundredths
    assert last[9:11] == b" g"
    assert last[15] == 0x96
    assert last[16:] == b"\r\n"


async def test_commands_tare_timer_precision_and_unit(proxy: VirtualProxy) -> None:
    scale, client, stream = await felicita(proxy)
    scale.place(28.349523125)
    proxy.tick(2.0)
    for byte in b"RB":  # start, toggle: stopped
        await client.write_gatt_char(FELICITA, bytes([byte]), response=True)
    await client.write_gatt_char(FELICITA, b"B", response=False)  # running again
    proxy.tick(1.0)
    await client.write_gatt_char(FELICITA, b"S")
    assert scale.timer.seconds == pytest.approx(1.0)
    await client.write_gatt_char(FELICITA, b"C")
    assert scale.timer.seconds == 0.0
    await client.write_gatt_char(FELICITA, b"D")
    assert scale.precision == 0.01
    await client.write_gatt_char(FELICITA, b"U")
    proxy.tick(0.2)
    assert stream.frames[-1][3:11] == b"010000oz"  # ounces x 10000 (felicita-hacs)
    await client.write_gatt_char(FELICITA, b"UDT")
    assert (scale.unit, scale.precision, scale.taring) == (Unit.GRAMS, 0.1, True)
    proxy.tick(1.0)
    assert stream.frames[-1][2:9] == b"+000000"
    assert scale.commands[:3] == ["timer R", "timer B", "timer B"]


async def test_an_acaia_identify_switches_display_modes(proxy: VirtualProxy) -> None:
    scale, client, _ = await felicita(proxy)
    identify = bytes.fromhex("EF DD 0B 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 9A 6D")
    await client.write_gatt_char(FELICITA, identify, response=True)
    assert scale.display_mode == 4  # the last of 31..35 in it
    assert [c for c in scale.commands if c.startswith("display")] == [
        "display mode 1",
        "display mode 2",
        "display mode 3",
        "display mode 4",
        "display mode 5",
        "display mode 1",
        "display mode 2",
        "display mode 3",
        "display mode 4",
    ]
    assert b"\xef" in scale.ignored


async def test_sign_of_a_hair_under_zero_and_a_space_for_plus(proxy: VirtualProxy) -> None:
    scale, _client, stream = await felicita(proxy, space_for_plus=True)
    scale.offset = 0.001  # a tare a hair above the load
    proxy.tick(0.1)
    assert stream.frames[-1][2:9] == b"-000000"  # the captured "-0 g"
    scale.offset = 0.0
    scale.place(1.0)
    proxy.tick(2.0)
    assert stream.frames[-1][2:9] == b" 000100"


async def test_buttons_act_and_are_not_reported(proxy: VirtualProxy) -> None:
    scale, _client, stream = await felicita(proxy)
    proxy.tick(0.5)
    count = len(stream.frames)
    scale.press_button("timer")
    assert scale.timer.running
    scale.press_button("unit")
    assert scale.unit is Unit.OUNCES
    scale.press_button("tare")
    assert scale.taring
    assert len(stream.frames) == count
