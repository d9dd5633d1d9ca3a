"""Event-loop time per advertisement of a configured iGrill.

Floor: the same advertisements of an identical iGrill for which only an empty
``bluetooth.async_register_callback`` is registered, so what is left over is
the integration's own cost on the event loop. Three cases:

* identical advertisements, device released: Home Assistant drops them as
  unchanged before any callback, so ours and the floor should be equal;
* changing advertisements, device released ("hold connection" off): the
  callback runs and returns early;
* changing advertisements, device disconnected and waiting out the back-off
  after a failed attempt: the callback runs its full check and returns.

The advertisements go to the virtual proxy's scanner in a tight loop, the way
``proxy.advertise`` sends them, but built once beforehand: building one in the
emulator takes about 3 µs, most of what Home Assistant spends on an unchanged
advertisement, and would hide the difference being measured.
"""

from __future__ import annotations

from collections.abc import Callable
from unittest.mock import patch

from bluetooth_data_tools import monotonic_time_coarse
from homeassistant.components import bluetooth
from homeassistant.core import HomeAssistant, callback
from homeassistant.generated.bluetooth import BLUETOOTH

from benchmarks.common import alternate, per_call_us, set_hold_connection
from benchmarks.report import median, note, record
from custom_components.kitchen_ble.coordinator import LinkCoordinator
from emulator.faults import Fault
from emulator.igrill import MODELS, IGrillDevice, default_address
from emulator.proxy import VirtualProxy
from tests.ha.common import settle, setup_device

ROUNDS = 25  # per case, for each of ours and the floor
PER_ROUND = 5_000  # advertisements timed together
AIM = 2.0

COORDINATOR = "custom_components.kitchen_ble.coordinator"
# A company id no Home Assistant integration matches (0xFFFF, the SIG's test
# id, is taken by kegtron), so flipping it starts no discovery.
TEST_COMPANY_ID = 0xFFFE
_FLIPS = ({TEST_COMPANY_ID: b"\x00"}, {TEST_COMPANY_ID: b"\x01"})


class FlippingIGrill(IGrillDevice):
    """An iGrill V2 that can flip its manufacturer data on every advertisement.

    Home Assistant calls advertisement callbacks only when the content
    changes; flipping makes every advertisement a changed one.
    """

    def __init__(self, index: int) -> None:
        super().__init__(MODELS["igrill_v2"], default_address("igrill_v2", index))
        self.flipping = False
        self._flips = 0

    def advertised_manufacturer_data(self) -> dict[int, bytes]:
        if not self.flipping:
            return {}
        self._flips += 1
        return _FLIPS[self._flips % 2]


def _replayer(proxy: VirtualProxy, device: IGrillDevice) -> Callable[[], None]:
    """Sends the device's next two advertisements, built now, in turn, forever.

    A flipping device's two differ; a steady device's two are equal (but not
    the same objects, as from a real proxy).
    """
    assert device.advertising, f"{device.address} is not advertising"
    scanner = proxy.scanner
    address = device.address
    ads = (device.advertisement(), device.advertisement())
    turn = 0

    def advertise() -> None:  # what proxy.advertise does, minus building the advertisement
        nonlocal turn
        turn ^= 1
        ad = ads[turn]
        scanner._async_on_advertisement(
            address,
            ad.rssi,
            ad.local_name,
            ad.service_uuids,
            ad.service_data,
            ad.manufacturer_data,
            ad.tx_power,
            {},
            monotonic_time_coarse(),
        )

    return advertise


def _rounds(proxy: VirtualProxy, device: IGrillDevice) -> Callable[[], float]:
    """One round: µs per advertisement of ``device``."""
    advertise = _replayer(proxy, device)
    return lambda: per_call_us(advertise, PER_ROUND)


def _callbacks_fired(
    hass: HomeAssistant, proxy: VirtualProxy, device: IGrillDevice, count: int
) -> int:
    """How many of ``count`` advertisements reach a callback for the device."""
    calls: list[bluetooth.BluetoothChange] = []
    advertise = _replayer(proxy, device)

    @callback
    def counting(
        _info: bluetooth.BluetoothServiceInfoBleak, change: bluetooth.BluetoothChange
    ) -> None:
        calls.append(change)

    cancel = bluetooth.async_register_callback(
        hass,
        counting,
        bluetooth.BluetoothCallbackMatcher(address=device.address, connectable=True),
        bluetooth.BluetoothScanningMode.ACTIVE,
    )
    replayed = len(calls)  # a new callback is handed the last advertisement at once
    try:
        for _ in range(count):
            advertise()
    finally:
        cancel()
    return len(calls) - replayed


def _coordinator_hears(
    proxy: VirtualProxy, device: IGrillDevice, coordinator: LinkCoordinator
) -> bool:
    """Whether changing advertisements reach our callback (it stores the RSSI)."""
    device.rssi -= 1
    advertise = _replayer(proxy, device)
    advertise()  # may repeat the last content ...
    advertise()  # ... but this one differs from it
    heard = coordinator.rssi == device.rssi
    device.rssi += 1
    return heard


async def test_advertisement_cost(hass: HomeAssistant, virtual_proxy: VirtualProxy) -> None:
    assert not [m for m in BLUETOOTH if m.get("manufacturer_id") == TEST_COMPANY_ID]
    proxy = virtual_proxy
    released = proxy.add(FlippingIGrill(1))
    backing_off = proxy.add(FlippingIGrill(2))
    bare = proxy.add(FlippingIGrill(3))
    proxy.advertise_all()
    await settle(hass)

    # Ours, released: connected once, then let go with the switch.
    released_entry = await setup_device(hass, released, title="Released")
    assert released_entry.runtime_data.link.connect_count == 1, (
        "the released iGrill never connected"
    )
    await set_hold_connection(hass, released, False)
    assert not released.connected
    assert not released_entry.runtime_data.link.connected

    # Ours, backing off: the handshake failed; the device would now accept,
    # but the coordinator must wait (an hour here, so the loop cannot end it).
    backing_off.faults.set(Fault.REFUSE_HANDSHAKE)
    with (
        patch(f"{COORDINATOR}.CONNECT_BACKOFF_SECONDS", 3600),
        patch(
            "custom_components.kitchen_ble.library.devices.igrill.driver.HANDSHAKE_RETRY_DELAY", 0
        ),
    ):
        backoff_entry = await setup_device(hass, backing_off, title="Backing off")
    backing_off.faults.clear()
    assert backoff_entry.runtime_data.link.last_error == "setup_failed"
    assert not backing_off.connected

    # Floor: an identical iGrill with nothing but an empty callback.
    @callback
    def empty(
        _info: bluetooth.BluetoothServiceInfoBleak, _change: bluetooth.BluetoothChange
    ) -> None:
        """Does nothing: the cheapest possible listener."""

    cancel_empty = bluetooth.async_register_callback(
        hass,
        empty,
        bluetooth.BluetoothCallbackMatcher(address=bare.address, connectable=True),
        bluetooth.BluetoothScanningMode.ACTIVE,
    )

    # (a) Identical advertisements: deduplicated before any callback.
    for device in (released, bare):
        proxy.advertise(device)
        assert _callbacks_fired(hass, proxy, device, 10) == 0, "identical ads reached a callback"
    ours, floor = await alternate(_rounds(proxy, released), _rounds(proxy, bare), ROUNDS)
    record("advertisement, unchanged (deduplicated)", "µs", median(ours), median(floor), aim=AIM)

    # (b) Changing advertisements: every one reaches the callbacks.
    for device in (released, backing_off, bare):
        device.flipping = True
        assert _callbacks_fired(hass, proxy, device, 10) == 10, "changed ads were dropped"
    for device, entry in ((released, released_entry), (backing_off, backoff_entry)):
        assert _coordinator_hears(proxy, device, entry.runtime_data.link)

    ours, floor = await alternate(_rounds(proxy, released), _rounds(proxy, bare), ROUNDS)
    record("advertisement, changed, released", "µs", median(ours), median(floor), aim=AIM)

    ours, floor = await alternate(_rounds(proxy, backing_off), _rounds(proxy, bare), ROUNDS)
    record("advertisement, changed, in back-off", "µs", median(ours), median(floor), aim=AIM)

    cancel_empty()
    await settle(hass)
    # Nothing the loop did may have connected either device.
    assert not released.connected
    assert not backing_off.connected
    assert backoff_entry.runtime_data.link.connect_count == 0
    note(
        f"advertisements: median of {ROUNDS} rounds of {PER_ROUND} per case and side, "
        "interleaved; floor = the same iGrill with only an empty bluetooth callback"
    )
