"""DE1 profiles: encode time per profile, and an upload through the emulated proxy.

Encode. ``encode_profile`` turns a profile into the bytes the machine takes
(header, frames, extension frames, tail, tank register; de1.md §8). Floor: the
same profile as JSON text by ``json.dumps`` (its exported dict), the least any
serialisation of it costs. Each of the shipped profiles, alternated.

Upload. The integration's upload on the link of an emulated, connected DE1:
every write with response, each awaited before the next (§8.5), under the
upload lock, then the header read back. Floor: the same writes, with
response, one after the other on the same client, nothing else. Both go
through the same emulated GATT path; the difference is the driver's own work
(the lock, the checks, the read back: one more GATT operation).
"""

from __future__ import annotations

import json
import time

from homeassistant.core import HomeAssistant

from benchmarks.common import alternate, per_call_us
from benchmarks.espresso_shot import connected_machine
from benchmarks.report import median, note, record
from custom_components.kitchen_ble.library.devices.base import SerialGattClient
from custom_components.kitchen_ble.library.espresso.profiles import (
    builtin_profiles,
    encode_profile,
    profile_to_json,
)
from custom_components.kitchen_ble.util import espresso_driver
from emulator.proxy import VirtualProxy

ENCODE_ROUNDS = 40  # per profile and side
ENCODE_CALLS = 200  # per measurement
UPLOAD_ROUNDS = 200  # per side
# Encoding is arithmetic on a few dozen fields per step, a small multiple of
# writing them out as text; an aim of 5x leaves room for noise.
ENCODE_AIM = 5.0
# One more GATT operation (the header read back) on top of 8-30 writes, and a lock.
UPLOAD_AIM = 1.5


async def test_espresso_profile_encode_time() -> None:
    for profile in builtin_profiles():
        as_json = profile_to_json(profile)
        ours, floor = await alternate(
            lambda profile=profile: per_call_us(lambda: encode_profile(profile), ENCODE_CALLS),
            lambda as_json=as_json: per_call_us(lambda: json.dumps(as_json), ENCODE_CALLS),
            ENCODE_ROUNDS,
        )
        writes = encode_profile(profile).writes
        record(
            f"DE1 profile encode, {profile.title} ({len(writes)} writes) (vs json.dumps)",
            "µs",
            median(ours),
            median(floor),
            aim=ENCODE_AIM,
        )


async def test_espresso_profile_upload_time(
    hass: HomeAssistant, virtual_proxy: VirtualProxy
) -> None:
    machine = await connected_machine(hass, virtual_proxy)
    link = machine.link
    driver = espresso_driver(link)
    profile = max(builtin_profiles(), key=lambda item: len(encode_profile(item).writes))
    upload = encode_profile(profile)
    writes = list(upload.writes)

    async def plain(gatt: SerialGattClient) -> None:
        for uuid, data in writes:
            await gatt.write_gatt_char(uuid, data, response=True)

    async def ours() -> float:
        start = time.perf_counter_ns()
        await link.async_command(
            lambda gatt: driver.async_upload_profile(gatt, writes), name="upload"
        )
        return (time.perf_counter_ns() - start) / 1000

    async def floor() -> float:
        start = time.perf_counter_ns()
        await link.async_command(plain, name="plain writes")
        return (time.perf_counter_ns() - start) / 1000

    ours_samples: list[float] = []
    floor_samples: list[float] = []
    for index in range(UPLOAD_ROUNDS):
        pair = ((ours, ours_samples), (floor, floor_samples))
        for measure, samples in pair if index % 2 == 0 else pair[::-1]:
            samples.append(await measure())

    # The machine took it whole: the header it holds says as many frames as the profile has.
    held = machine.device.machine.profiles
    assert held.complete
    assert held.header.frames == len(profile.steps)
    assert machine.link.connected
    record(
        f"DE1 profile upload, {profile.title} ({len(writes)} writes) (vs plain writes)",
        "µs",
        median(ours_samples),
        median(floor_samples),
        aim=UPLOAD_AIM,
    )
    note(
        f"DE1 profile upload: {UPLOAD_ROUNDS} uploads per side of the {len(writes)} writes "
        f"of {profile.title!r} through the emulated proxy (no radio: the figure is the "
        "software's share; on a real link each write waits for its acknowledgement)"
    )
