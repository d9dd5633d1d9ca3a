"""The soak's emulated kitchen, its plan, and taps on what the devices deliver.

Two thermometers and a sensor node:

* an iGrill V2 (°C) in a smoker at 110 °C: probe 1 a brisket (slow, with the
  stall between 65 and 75 °C; its target 93 °C comes after about ten hours),
  probe 2 pork chops (63 °C) replaced by a cold piece every two and a half
  hours, probe 3 the chamber, probe 4 empty;
* a BlueDOT (°F) in an oven at 120 °C: chicken (74 °C), a cold piece every
  two hours or so;
* a passive environment node in the kitchen.

Every probe goes in a minute after the cook session has started. The taps record
every probe reading a thermometer delivers over its link (notifications and
reads), converted to °C, with Home Assistant's clock at arrival: what the
soak compares the session and the alerts with. A reading the device took
while its link was down is not delivered, so it is not in the taps either.
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from unittest.mock import patch

from emulator.bluedot import (
    STATUS_CONNECTED,
    UPDATES,
    BlueDotDevice,
    create_bluedot,
)
from emulator.bluedot import (
    UNIT_FAHRENHEIT as BLUEDOT_FAHRENHEIT,
)
from emulator.gatt import ATT_UNLIKELY_ERROR, AttError, normalize_uuid
from emulator.igrill import IGrillDevice, ProbeKind, create_igrill
from emulator.igrill.const import UNIT_CELSIUS as IGRILL_CELSIUS
from emulator.igrill.const import UNPLUGGED, probe_value_uuid
from emulator.node import NodeDevice, create_node

from .soak_model import AlertRules, ProbeSeries

COLD = 5.0  # °C, meat out of the fridge


def fahrenheit_to_celsius(value: float) -> float:
    return (value - 32.0) * 5.0 / 9.0


# --- the plan ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """When what happens, in seconds of cook time (Home Assistant's clock since the start)."""

    hours: int = 12
    step: float = 5.0  # s per step, for Home Assistant's clock and the devices alike
    igrill_drop_every: float = 420.0
    igrill_drop_offset: float = 180.0
    bluedot_drop_every: float = 660.0
    bluedot_drop_offset: float = 300.0
    probes_in: float = 60.0  # s after the session starts, the probes go in
    restart_downtime: float = 60.0  # s with Home Assistant down; the devices cook on
    swap_out: float = 60.0  # s a probe is out of the meat while it is replaced
    chops_swaps: tuple[float, ...] = (2.5 * 3600, 5.0 * 3600, 7.5 * 3600, 10.0 * 3600)
    chicken_swaps: tuple[float, ...] = (2 * 3600, 4 * 3600, 7 * 3600, 9 * 3600, 11 * 3600)

    def __post_init__(self) -> None:
        if self.hours < 4:
            raise ValueError("the soak needs at least 4 hours: two per Home Assistant instance")
        if 3600 % self.step:
            raise ValueError(f"a step of {self.step} s does not divide an hour")

    @classmethod
    def from_environment(cls) -> Plan:
        """The default plan; KITCHEN_BLE_SOAK_HOURS shortens (or lengthens) it."""
        return cls(hours=int(os.environ.get("KITCHEN_BLE_SOAK_HOURS", "12")))

    @property
    def steps_per_hour(self) -> int:
        return round(3600 / self.step)

    @property
    def steps(self) -> int:
        return self.hours * self.steps_per_hour

    @property
    def restart_after_hour(self) -> int:
        return self.hours // 2

    def at(self, index: int) -> float:
        """The cook time after step ``index`` (0-based) is done."""
        return (index + 1) * self.step

    def drops(self, seconds: float, every: float, offset: float) -> bool:
        return seconds >= offset and (seconds - offset) % every == 0


# --- the devices --------------------------------------------------------------------


@dataclass
class Kitchen:
    """The emulated devices and every probe reading they delivered."""

    igrill: IGrillDevice
    bluedot: BlueDotDevice
    node: NodeDevice
    series: dict[tuple[str, int], ProbeSeries] = field(default_factory=dict)
    rules: dict[tuple[str, int], AlertRules] = field(default_factory=dict)
    names: dict[tuple[str, int], str] = field(default_factory=dict)

    def probes(self) -> list[tuple[str, int]]:
        """The probes the soak follows (the empty socket 4 of the iGrill is left out)."""
        return list(self.names)

    def reading(self, key: tuple[str, int], at: float, celsius: float | None) -> None:
        self.series.setdefault(key, ProbeSeries()).add(at, celsius)


def create_kitchen() -> Kitchen:
    """The devices, probes out, as the cook begins."""
    igrill = create_igrill(
        "igrill_v2", unit=IGRILL_CELSIUS, plugged=[False] * 4, cooker_temperature=110.0, seed=7
    )
    bluedot = create_bluedot(
        unit=BLUEDOT_FAHRENHEIT, probe_connected=False, cooker_temperature=120.0, seed=11
    )
    node = create_node(seed=13)
    kitchen = Kitchen(igrill, bluedot, node)
    kitchen.names = {
        (igrill.address, 1): "iGrill probe 1 (brisket)",
        (igrill.address, 2): "iGrill probe 2 (pork chops)",
        (igrill.address, 3): "iGrill probe 3 (chamber)",
        (bluedot.address, 1): "BlueDOT (chicken)",
    }
    kitchen.rules = {
        (igrill.address, 1): AlertRules(target=93.0),
        (igrill.address, 2): AlertRules(target=63.0),
        # 74 °C and the levels around it (69, 77; minus 1 °C) fall between whole °F, so
        # no reading sits exactly on a level however the conversion rounds.
        (bluedot.address, 1): AlertRules(target=74.0),
    }
    return kitchen


def put_probes_in(kitchen: Kitchen) -> None:
    """The cook starts: brisket, chops and the chamber probe in the smoker, chicken in the oven."""
    igrill = kitchen.igrill
    igrill.plug(1, COLD)
    brisket = igrill.probe(1)
    brisket.kind = ProbeKind.MEAT
    brisket.stall = True
    brisket.time_constant = 3 * 3600.0  # about ten hours to 93 °C at 110 °C, stall included
    igrill.plug(2, COLD)
    chops = igrill.probe(2)
    chops.kind = ProbeKind.MEAT
    chops.stall = False
    chops.time_constant = 1500.0
    igrill.plug(3, 20.0)
    igrill.probe(3).kind = ProbeKind.AMBIENT
    kitchen.bluedot.plug(COLD)


# --- the taps -----------------------------------------------------------------------


def _igrill_value(data: bytes, unit: int) -> float | None:
    (raw,) = struct.unpack_from("<h", data)
    if raw == UNPLUGGED:
        return None
    return float(raw) if unit == IGRILL_CELSIUS else fahrenheit_to_celsius(raw)


def _bluedot_value(packet: bytes) -> float | None:
    if packet[0] != STATUS_CONNECTED:
        return None
    raw = int.from_bytes(packet[1:5], "little", signed=True)
    return fahrenheit_to_celsius(raw) if packet[11] == BLUEDOT_FAHRENHEIT else float(raw)


@contextlib.contextmanager
def tapped(kitchen: Kitchen, clock: Callable[[], float]) -> Iterator[None]:
    """Record every probe reading the thermometers deliver while this is open."""
    igrill, bluedot = kitchen.igrill, kitchen.bluedot
    probe_uuids = {
        normalize_uuid(probe_value_uuid(number)): number
        for number in range(1, len(igrill.probes) + 1)
    }

    def igrill_reading(number: int, celsius: float | None) -> None:
        if (igrill.address, number) in kitchen.names:
            kitchen.reading((igrill.address, number), clock(), celsius)

    igrill_notify = igrill.notify
    igrill_read = igrill.gatt_read
    bluedot_notify = bluedot.notify

    def notify_igrill(uuid: str, data: bytes) -> bool:
        sent = igrill_notify(uuid, data)
        number = probe_uuids.get(normalize_uuid(uuid))
        if sent and number is not None:
            igrill_reading(number, _igrill_value(data, igrill.unit))
        return sent

    async def read_igrill(uuid: str) -> bytes:
        number = probe_uuids.get(normalize_uuid(uuid))
        try:
            data = await igrill_read(uuid)
        except AttError as err:
            if number is not None and err.code == ATT_UNLIKELY_ERROR:  # a V2's empty socket
                igrill_reading(number, None)
            raise
        if number is not None:
            igrill_reading(number, _igrill_value(data, igrill.unit))
        return data

    def notify_bluedot(uuid: str, data: bytes) -> bool:
        sent = bluedot_notify(uuid, data)
        if sent and normalize_uuid(uuid) == normalize_uuid(UPDATES):
            kitchen.reading((bluedot.address, 1), clock(), _bluedot_value(data))
        return sent

    read: Callable[[str], Awaitable[bytes]] = read_igrill
    with (
        patch.object(igrill, "notify", notify_igrill),
        patch.object(igrill, "gatt_read", read),
        patch.object(bluedot, "notify", notify_bluedot),
    ):
        yield
