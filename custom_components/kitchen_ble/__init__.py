"""Kitchen BLE: kitchen, grill and home-brewery Bluetooth devices."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError

from .const import CONF_MODEL, DOMAIN
from .coordinator import KitchenBleConfigEntry, KitchenBleCoordinator
from .devices import model_by_id

PLATFORMS = [Platform.BINARY_SENSOR, Platform.SENSOR, Platform.SWITCH]


async def async_setup_entry(hass: HomeAssistant, entry: KitchenBleConfigEntry) -> bool:
    """Set up one device: entities now, the connection when it advertises."""
    model = model_by_id(entry.data[CONF_MODEL])
    if model is None:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="unknown_model",
            translation_placeholders={"model": str(entry.data[CONF_MODEL])},
        )
    coordinator = KitchenBleCoordinator(hass, entry, model)
    entry.runtime_data = coordinator
    entry.async_on_unload(coordinator.async_stop)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.async_start()
    return True


async def async_unload_entry(hass: HomeAssistant, entry: KitchenBleConfigEntry) -> bool:
    """Disconnect and cancel everything the entry started."""
    unload_ok: bool = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    return unload_ok
