"""Event: per probe the alerts of the cooking runtime (device-wide ones reach every probe)."""

from __future__ import annotations

from functools import cache

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import brewing_entities
from .brewing_entities import async_setup_program_entities
from .cooking.alerts import Alert, AlertType
from .cooking_entity import CookingEntity, probe_numbers
from .coordinator import KitchenBleConfigEntry
from .node_coordinator import is_node_entry
from .units import user_temperature

PARALLEL_UPDATES = 0

EVENT_TYPES = [kind.value for kind in AlertType]


@cache  # one per probe number, shared by every device (descriptions are frozen)
def description(n: int) -> EventEntityDescription:
    return EventEntityDescription(
        key=f"probe_{n}_alert",
        translation_key="probe_alert",
        translation_placeholders={"probe": str(n)},
        event_types=EVENT_TYPES,
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the alert event of every probe of one thermometer; the program alarms of any source."""
    coordinator = entry.runtime_data
    if not is_node_entry(entry):  # a passive sensor node has no probes
        async_add_entities(
            ProbeAlertEvent(coordinator, description(n), n) for n in probe_numbers(coordinator)
        )
    async_setup_program_entities(hass, entry, async_add_entities, brewing_entities.events)


class ProbeAlertEvent(CookingEntity, EventEntity):
    """Fires once per alert; stays available so a disconnect alert is visible."""

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.runtime.async_add_alert_listener(self.key, self._async_alert))

    @callback
    def _async_alert(self, alert: Alert) -> None:
        if alert.probe not in (None, self.number):
            return
        self._trigger_event(
            alert.type.value,
            {
                "label": alert.label,
                "temperature": user_temperature(self.hass, alert.temperature),
                "target": user_temperature(self.hass, alert.target),
                "unit": self.hass.config.units.temperature_unit,
            },
        )
        self.async_write_ha_state()
