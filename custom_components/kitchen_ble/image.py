"""Images: an espresso machine's last shot, a thermometer's last finished cook, as SVG.

The pictures are drawn by the library (``render_shot_svg``, ``render_cook_svg``)
from what the archives keep, so they survive a restart; the image's state (the
time it changed) moves when a new shot or cook is archived. A dashboard
fetches them through Home Assistant's image proxy like any image.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Final

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import EVENT_SESSION_ENDED
from .cooking import get_runtime
from .coordinator import LinkCoordinator
from .entity import EntityTable, KitchenBleEntity, async_setup_tables
from .library.espresso.records import RecordError, render_cook_svg, render_shot_svg
from .models import KitchenBleConfigEntry
from .shots import ShotEntity, shot_entities

_LOGGER = logging.getLogger(__name__)

SVG: Final = "image/svg+xml"

LAST_SHOT = ImageEntityDescription(key="last_shot_chart", translation_key="last_shot_chart")
LAST_COOK = ImageEntityDescription(key="last_cook_chart", translation_key="last_cook_chart")


def _changed_at(epoch: object) -> datetime | None:
    return None if not isinstance(epoch, int | float) else datetime.fromtimestamp(epoch, UTC)


class LastShotImage(ShotEntity, ImageEntity):
    """The machine's last espresso: pressure, flow, weight and temperature over time."""

    _attr_content_type = SVG

    def __init__(self, link: LinkCoordinator, description: ImageEntityDescription) -> None:
        ShotEntity.__init__(self, link, description)
        ImageEntity.__init__(self, link.hass)

    def snapshot(self) -> object:
        shot = self.last_shot
        # the image changes with the shot; its state is the time the shot ended
        self._attr_image_last_updated = None if shot is None else _changed_at(shot.get("ended_at"))
        return None if shot is None else shot["id"]

    async def async_image(self) -> bytes | None:
        shot = self.last_shot
        if shot is None:
            return None
        record = await self.runtime.archive.async_get(shot["id"])
        svg: str = await self.hass.async_add_executor_job(render_shot_svg, record)
        return svg.encode()


class LastCookImage(KitchenBleEntity, ImageEntity):
    """The thermometer's last finished cook session: each probe's curve and its alerts."""

    _attr_content_type = SVG
    always_available = True  # history: shown while the thermometer is away

    def __init__(self, link: LinkCoordinator, description: ImageEntityDescription) -> None:
        KitchenBleEntity.__init__(self, link, description)
        ImageEntity.__init__(self, link.hass)
        self._session: dict[str, Any] | None = None

    def _device_id(self) -> str | None:
        registry = dr.async_get(self.hass)
        devices = dr.async_entries_for_config_entry(registry, self.coordinator.entry.entry_id)
        return devices[0].id if devices else None

    def snapshot(self) -> object:
        device_id = self._device_id()
        archive = get_runtime(self.hass).archive
        self._session = next(
            (
                summary
                for summary in archive.page(1, max(1, len(archive)))
                if device_id in summary.get("devices", ())
            ),
            None,
        )
        session = self._session
        self._attr_image_last_updated = (
            None if session is None else _changed_at(session.get("ended_at"))
        )
        return None if session is None else session.get("id")

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        @callback
        def ended(_event: Event) -> None:
            update()

        return self.hass.bus.async_listen(EVENT_SESSION_ENDED, ended)

    async def async_image(self) -> bytes | None:
        if self._session is None:
            return None
        summary = await get_runtime(self.hass).archive.async_get(self._session["id"])
        if summary is None:  # pragma: no cover - the index named it a moment ago
            return None
        try:
            svg: str = await self.hass.async_add_executor_job(render_cook_svg, summary)
        except RecordError as err:
            _LOGGER.warning("Cook session %s cannot be drawn: %s", self._session["id"], err)
            return None
        return svg.encode()


def _cook_images(link: LinkCoordinator, _entry: Any, add: AddConfigEntryEntitiesCallback) -> None:
    add([LastCookImage(link, LAST_COOK)])


TABLES = (
    shot_entities(LastShotImage, (LAST_SHOT,)),
    EntityTable(lambda data: data.cooking, _cook_images),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the images of one entry."""
    await async_setup_tables(entry, async_add_entities, *TABLES)
