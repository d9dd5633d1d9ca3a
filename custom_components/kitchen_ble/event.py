"""Events: per probe the alerts of the cooking runtime; per brewing program its alarms; a
coffee scale's buttons."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .brewing import BrewingRuntime
from .control import ControlEntity, control_entities
from .entity import (
    CookingEntity,
    KitchenBleEntity,
    KitchenBleEntityDescription,
    ProgramEntity,
    SourceDevice,
    async_setup_tables,
    device_entities,
    probe_entities,
    program_entities,
    program_naming,
)
from .library.brewing.alarms import BrewAlarm, BrewAlarmType
from .library.brewing.program import Program
from .library.cooking.alerts import Alert, AlertType
from .library.devices.base import Capability
from .library.devices.scale import ButtonPress, ScaleButton
from .library.espresso.shots import Gate, GateEvent
from .models import KitchenBleConfigEntry
from .scale import has_capability, scale_of
from .util import user_temperature

PARALLEL_UPDATES = 0

# --- probe alerts ------------------------------------------------------------------------

EVENT_TYPES = [kind.value for kind in AlertType]


@cache  # one per probe number, shared by every device (descriptions are frozen)
def descriptions(n: int) -> tuple[EventEntityDescription, ...]:
    return (
        EventEntityDescription(
            key=f"probe_{n}_alert",
            translation_key="probe_alert",
            translation_placeholders={"probe": str(n)},
            event_types=EVENT_TYPES,
            # Off by default: every state it writes is a second logbook line beside the
            # integration's own, which says more ("... reached its target: 57 °C").
            # Automations use the kitchen_ble_alert event; enable it to trigger on it.
            entity_registry_enabled_default=False,
        ),
    )


class ProbeAlertEvent(CookingEntity, EventEntity):
    """Fires once per alert (device-wide ones reach every probe); stays available."""

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


# --- a coffee scale's buttons ------------------------------------------------------------

# Which button (Acaia reports what its key did: "how" says start, stop or reset).
BUTTON_TYPES = [button.value for button in ScaleButton]


@dataclass(frozen=True, kw_only=True)
class ScaleButtonEventDescription(KitchenBleEntityDescription, EventEntityDescription):
    """The physical buttons of a scale that reports them."""


SCALE_BUTTON_EVENT = ScaleButtonEventDescription(
    key="button",
    translation_key="scale_button",
    event_types=BUTTON_TYPES,
    exists_fn=has_capability(Capability.BUTTONS),
)


class ScaleButtonEvent(KitchenBleEntity, EventEntity):
    """Fires once per press of a button on the scale; unavailable while the scale is away."""

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(scale_of(self.coordinator).async_add_press_listener(self._press))

    @callback
    def _press(self, press: ButtonPress) -> None:
        self._trigger_event(press.button.value, {"press": press.how.value})
        self.async_write_ha_state()


# --- brewing programs -------------------------------------------------------------------

ALARM_TYPES = [kind.value for kind in BrewAlarmType]


def program_events(device: SourceDevice, runtime: BrewingRuntime, program: Program) -> list[Entity]:
    description = EventEntityDescription(
        **program_naming(program, "alarm"), event_types=ALARM_TYPES
    )
    return [ProgramAlarmEvent(device, runtime, program, description)]


class ProgramAlarmEvent(ProgramEntity, EventEntity):
    """Fires once per alarm of the program."""

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(
            self.runtime.async_add_alarm_listener(self.program_id, self._async_alarm)
        )

    @callback
    def _async_alarm(self, alarm: BrewAlarm) -> None:
        program = self.program_run.program
        self._trigger_event(
            alarm.type.value,
            {
                "alarm_id": alarm.id,
                "step": alarm.step + 1,
                "temperature": None if alarm.temperature is None else round(alarm.temperature, 1),
                "setpoint": None if alarm.setpoint is None else round(alarm.setpoint, 1),
                "unit": "°C",
                "program": program.name,
            },
        )
        self.async_write_ha_state()


# --- an espresso machine's shot gates -------------------------------------------------

SHOT_GATE = EventEntityDescription(
    key="shot_gate",
    translation_key="shot_gate",
    event_types=[gate.value for gate in Gate],
    # Off by default: eight states a shot would be eight logbook lines; automations use
    # the kitchen_ble_shot_gate event, and the shot record keeps the gates.
    entity_registry_enabled_default=False,
)


class ShotGateEvent(ControlEntity, EventEntity):
    """Fires at every gate of a shot sequence (de1.md §9.3)."""

    always_available = True

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(
            self.runtime.async_add_gate_listener(self.coordinator.address, self._async_gate)
        )

    def snapshot(self) -> object:
        return None  # written by its gates only

    @callback
    def _async_gate(self, event: GateEvent) -> None:
        self._trigger_event(event.gate.value, {"mode": event.mode.name.lower()})
        self.async_write_ha_state()


# --- the platform ---------------------------------------------------------------------

TABLES = (
    probe_entities(ProbeAlertEvent, descriptions),
    program_entities(program_events),
    device_entities(ScaleButtonEvent, [SCALE_BUTTON_EVENT]),
    control_entities(ShotGateEvent, (SHOT_GATE,)),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: KitchenBleConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the event entities of one entry."""
    await async_setup_tables(entry, async_add_entities, *TABLES)
