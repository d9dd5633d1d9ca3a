"""What a DE1 owner has must not change: every entity's registry entry, state and device.

As ``test_snapshots`` does for the other kinds: an awake DE1+ at rest, and one
asleep on old firmware (1250: no skip to the next step, no flush settings, no
USB charging or steam purge), through the emulator. A renamed entity loses its
history and breaks automations; this fails first.
"""

from __future__ import annotations

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.amber import AmberSnapshotExtension

from emulator.proxy import VirtualProxy

from .espresso import add_de1, advance, setup_de1
from .test_snapshots import START, _entities

pytestmark = pytest.mark.usefixtures("all_entities_enabled")


class _Snapshots(AmberSnapshotExtension):
    """Beside the other snapshots, in both lanes."""

    snapshot_dirname = "snapshots"


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(_Snapshots)


@pytest.mark.parametrize(
    ("options", "model"),
    [
        ({"awake": True}, "de1_plus"),
        ({"model_code": 3, "firmware": 1250, "ghc_info": 7, "serial": 1234}, "de1_pro"),
    ],
    ids=["awake", "asleep_old_firmware"],
)
async def test_de1(
    hass: HomeAssistant,
    virtual_proxy: VirtualProxy,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    options: dict[str, object],
    model: str,
) -> None:
    freezer.move_to(START)
    device = await add_de1(hass, virtual_proxy, **options)
    entry = await setup_de1(hass, device, model, title="Espresso")
    await advance(hass, freezer, virtual_proxy, 5, 0.25)
    assert _entities(hass, entry) == snapshot
