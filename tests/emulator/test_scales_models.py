# mypy: disable-error-code="unreachable"
"""Every emulated scale through a bleak client: factory, advertisement, pour, tare, sleep."""

from __future__ import annotations

import pytest
from bleak.exc import BleakError

from emulator.proxy import VirtualProxy
from emulator.scales import MODELS, OPTIONS, Unit, create_scale, default_address

from .common import connect
from .scales_helpers import WEIGHT_UUID, Stream, heartbeat, open_stream, start

# (model, sensor lag of §7.1 used, frames per second, display resolution in g)
FAMILIES = [
    ("skale2", 0.33, 10, 0.1),
    ("acaia_lunar_old", 0.64, 5, 0.1),
    ("acaia_lunar_2021", 0.64, 5, 0.01),
    ("felicita_arc", 0.45, 10, 0.1),
    ("decent_scale", 0.33, 10, 0.1),
    ("bookoo_themis", 0.33, 10, 0.01),
]

# (characteristic, bytes of the sheet, with response) per command.
TARE = {
    "skale2": ("0000ef80-0000-1000-8000-00805f9b34fb", "10", True),
    "acaia_lunar_old": ("00002a80-0000-1000-8000-00805f9b34fb", "EF DD 04 00 00 00", False),
    "acaia_lunar_2021": ("49535343-8841-43f4-a8d4-ecbe34729bb3", "EF DD 04 00 00 00", True),
    "felicita_arc": ("0000ffe1-0000-1000-8000-00805f9b34fb", "54", True),
    "decent_scale": ("000036f5-0000-1000-8000-00805f9b34fb", "03 0F FD 00 00 00 F1", True),
    "bookoo_themis": ("0000ff12-0000-1000-8000-00805f9b34fb", "03 0A 01 00 00 08", True),
}


def test_models_and_addresses() -> None:
    assert MODELS == (
        "skale2",
        "acaia_lunar_old",
        "acaia_lunar_2021",
        "felicita_arc",
        "decent_scale",
        "bookoo_themis",
    )
    assert default_address("skale2") == "5C:A1:E5:01:00:01"
    assert default_address("bookoo_themis", 3) == "5C:A1:E5:06:00:03"
    assert len({default_address(m, i) for m in MODELS for i in (1, 2)}) == 12
    with pytest.raises(ValueError, match="unknown scale model"):
        default_address("lunar")


def test_factory_checks_models_and_options() -> None:
    scale = create_scale("felicita_arc", "c8:fd:19:8e:3e:3c", "FELICITA-2", precision=0.01)
    assert (scale.address, scale.name, scale.model) == (
        "C8:FD:19:8E:3E:3C",
        "FELICITA-2",
        "felicita_arc",
    )
    assert create_scale("acaia_lunar_old").model == "acaia_lunar_old"
    with pytest.raises(ValueError, match="unknown scale model"):
        create_scale("orion")
    with pytest.raises(ValueError, match="takes no option precision"):
        create_scale("skale2", precision=0.1)
    for model in MODELS:
        assert {"unit", "battery", "sensor_lag", "noise", "auto_off", "seed"} <= OPTIONS[model]
        create_scale(model, unit="oz", battery=50.0, auto_off=0.0, sensor_lag=0.2, seed=3)


@pytest.mark.parametrize(
    ("model", "name", "services", "manufacturer"),
    [
        ("skale2", "Skale", [], {0x81EF: bytes.fromhex("000000ff")}),  # §1.7 ef81000000ff
        ("acaia_lunar_old", "ACAIAL1", [], {}),
        ("acaia_lunar_2021", "LUNAR-030001", [], {}),
        (
            "felicita_arc",
            "FELICITA",
            ["0000ffe0-0000-1000-8000-00805f9b34fb", "0000fee0-0000-1000-8000-00805f9b34fb"],
            {0x1D2C: bytes([136, 160, 0x5C, 0xA1, 0xE5, 0x04, 0x00, 0x01])},  # §3.1 dump
        ),
        ("decent_scale", "Decent Scale", [], {}),
        ("bookoo_themis", "BOOKOO_SC", ["00000ffe-0000-1000-8000-00805f9b34fb"], {}),
    ],
)
def test_advertisements(
    model: str, name: str, services: list[str], manufacturer: dict[int, bytes]
) -> None:
    adv = create_scale(model).advertisement()
    assert adv.local_name == name
    assert adv.service_uuids == services
    assert adv.manufacturer_data == manufacturer
    assert adv.service_data == {}


def test_manufacturer_data_option_replaces_the_familys() -> None:
    scale = create_scale("acaia_lunar_2021", name="PEARLS-1234", manufacturer_data={16962: b""})
    adv = scale.advertisement()
    assert (adv.local_name, adv.manufacturer_data) == ("PEARLS-1234", {16962: b""})


@pytest.mark.parametrize(("model", "lag", "rate", "resolution"), FAMILIES)
async def test_pour_frames_follow_the_flow_with_the_lag(
    proxy: VirtualProxy, model: str, lag: float, rate: int, resolution: float
) -> None:
    options: dict[str, object] = {"noise": 0.0, "drip_delay": 0.17}
    if model == "skale2":
        options["bulk_reports"] = False  # every report goes out when it is made
    scale, client, stream = await open_stream(proxy, model, **options)
    start_time = scale.now
    scale.pour(2.0)
    for _ in range(60):
        proxy.tick(0.1)
        await heartbeat(client, model)
    timed = stream.timed_weights()
    assert len(timed) == pytest.approx(6 * rate, abs=1)
    steady = [(t, w) for t, w in timed if t - start_time > 0.17 + 2 * lag + 0.05]
    assert len(steady) > 3 * rate
    for t, w in steady:
        # 2 g/s reaching the cup 0.17 s after it left, shown `lag` seconds late.
        assert w == pytest.approx(2.0 * (t - start_time - 0.17 - lag), abs=resolution / 2 + 1e-6)
    early = [w for t, w in timed if t - start_time < 0.17 + 0.01]
    assert all(w == 0.0 for w in early)  # nothing has landed yet
    await client.disconnect()


@pytest.mark.parametrize("model", MODELS)
async def test_tare_over_the_wire_zeroes_the_display(proxy: VirtualProxy, model: str) -> None:
    scale, client, stream = await open_stream(proxy, model, noise=0.0)
    scale.place(312.5)
    proxy.tick(3.0)
    await heartbeat(client, model)
    assert stream.weights()[-1] == pytest.approx(312.5, abs=0.05)
    uuid, command, response = TARE[model]
    await client.write_gatt_char(uuid, bytes.fromhex(command), response=response)
    assert "tare" in scale.commands
    proxy.tick(1.0)
    assert stream.weights()[-1] == 0.0
    scale.place(18.0)
    proxy.tick(3.0)
    assert stream.weights()[-1] == pytest.approx(18.0, abs=0.05)
    await client.disconnect()


@pytest.mark.parametrize("model", MODELS)
async def test_sleep_drops_the_link_and_wake_brings_it_back(
    proxy: VirtualProxy, model: str
) -> None:
    scale = proxy.add(create_scale(model, auto_off=1.0, noise=0.0))
    dropped: list[object] = []
    client = await connect(proxy, scale.address, disconnected_callback=dropped.append)
    stream = Stream(model)
    await client.start_notify(WEIGHT_UUID[model], stream)
    await start(client, model)
    for _ in range(61):
        proxy.tick(1.0)
        await heartbeat(client, model) if client.is_connected else None
    assert scale.asleep
    assert dropped == [client]
    assert not scale.advertising
    with pytest.raises(TimeoutError):
        await connect(proxy, scale.address)
    scale.place(100.0)  # on a switched-off scale: zeroed at power-on
    proxy.tick(1.0)
    scale.press_button(scale.BUTTONS[0])
    assert not scale.asleep
    assert scale.advertising
    scale, client, stream = scale, await connect(proxy, scale.address), Stream(model)
    await client.start_notify(WEIGHT_UUID[model], stream)
    await start(client, model)
    proxy.tick(1.0)
    assert stream.weights()[-1] == 0.0
    await client.disconnect()


@pytest.mark.parametrize("model", MODELS)
async def test_ounces_differ_on_the_wire(proxy: VirtualProxy, model: str) -> None:
    scale, client, stream = await open_stream(proxy, model, noise=0.0)
    scale.place(283.5)
    proxy.tick(3.0)
    await heartbeat(client, model)
    grams = stream.weights()[-1]
    scale.set_unit(Unit.OUNCES)
    proxy.tick(1.0)
    assert scale.unit is Unit.OUNCES
    assert stream.weights()[-1] != grams
    await client.disconnect()


@pytest.mark.parametrize("model", MODELS)
async def test_one_central_at_a_time(proxy: VirtualProxy, model: str) -> None:
    scale = proxy.add(create_scale(model))
    first = await connect(proxy, scale.address)
    assert not scale.advertising
    with pytest.raises(BleakError, match="already connected"):
        await connect(proxy, scale.address)
    assert not scale.hold_by_other_central()  # taken already
    await first.disconnect()
    assert scale.advertising


@pytest.mark.parametrize("model", ["acaia_lunar_2021", "decent_scale"])
async def test_a_finger_on_the_cup_shows_and_unsettles(proxy: VirtualProxy, model: str) -> None:
    scale, client, stream = await open_stream(proxy, model, noise=0.0, sensor_lag=0.1)
    scale.place(200.0)
    proxy.tick(2.0)
    settled = stream.frames[-1]
    scale.bump(30.0, 0.5)
    proxy.tick(0.4)
    await heartbeat(client, model)
    bumped = stream.frames[-1]
    proxy.tick(2.0)
    after = stream.frames[-1]
    if model == "decent_scale":  # CE stable, CA changing (Beanconqueror)
        assert (settled[1], bumped[1], after[1]) == (0xCE, 0xCA, 0xCE)
    else:  # flag bit 0: unsettled (pyDE1)
        assert (settled[10] & 1, bumped[10] & 1, after[10] & 1) == (0, 1, 0)
    weights = stream.weights()
    assert max(weights) == pytest.approx(230.0, abs=0.05)
    assert weights[-1] == pytest.approx(200.0)
    await client.disconnect()
