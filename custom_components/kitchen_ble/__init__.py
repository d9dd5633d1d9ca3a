"""Kitchen BLE: kitchen, grill and home-brewery Bluetooth devices."""

from __future__ import annotations

from homeassistant.const import CONF_ADDRESS, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .bluedot_alarm import async_follow_device_alarm
from .brewing_runtime import DATA_BREWING, BrewingRuntime
from .brewing_services import async_setup_brewing_services
from .const import CONF_MODEL, DOMAIN
from .cooking_runtime import DATA_COOKING, CookingRuntime, get_runtime, thermometer_state
from .coordinator import KitchenBleConfigEntry, KitchenBleCoordinator
from .devices import is_passive, model_by_id
from .node_coordinator import NODE_PLATFORMS, async_setup_node_entry, is_node_entry
from .services import async_setup_services
from .voice import async_setup_voice, get_voice

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.DATETIME,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up what all devices share: the cooking runtime and the services."""
    runtime = CookingRuntime(hass)
    await runtime.async_load()
    hass.data[DATA_COOKING] = runtime
    async_setup_services(hass)
    async_setup_voice(hass)
    brewing = hass.data[DATA_BREWING] = BrewingRuntime(hass)
    await brewing.async_load()
    async_setup_brewing_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: KitchenBleConfigEntry) -> bool:
    """Set up one device: entities now, the connection when it advertises."""
    model = model_by_id(entry.data[CONF_MODEL])
    if model is None:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="unknown_model",
            translation_placeholders={"model": str(entry.data[CONF_MODEL])},
        )
    if is_passive(model):  # a sensor node: advertisements only (node_coordinator.py)
        node = await async_setup_node_entry(hass, entry)
        entry.async_on_unload(hass.data[DATA_BREWING].async_add_node(node))  # its temperature
        return True
    coordinator = KitchenBleCoordinator(hass, entry, model)
    entry.runtime_data = coordinator
    entry.async_on_unload(coordinator.async_stop)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if thermometer_state(coordinator) is not None:  # pragma: no branch - only thermometers today
        entry.async_on_unload(get_runtime(hass).async_add_thermometer(coordinator))
        entry.async_on_unload(async_follow_device_alarm(hass, coordinator))  # BlueDOT
        entry.async_on_unload(get_voice(hass).async_add_thermometer(coordinator))
        entry.async_on_unload(hass.data[DATA_BREWING].async_add_thermometer(coordinator))
    coordinator.async_start()
    return True


async def async_unload_entry(hass: HomeAssistant, entry: KitchenBleConfigEntry) -> bool:
    """Disconnect and cancel everything the entry started."""
    platforms = NODE_PLATFORMS if is_node_entry(entry) else PLATFORMS
    unload_ok: bool = await hass.config_entries.async_unload_platforms(entry, platforms)
    return unload_ok


async def async_remove_entry(hass: HomeAssistant, entry: KitchenBleConfigEntry) -> None:
    """The device is deleted: forget its probe settings (archived sessions stay)."""
    if (runtime := hass.data.get(DATA_COOKING)) is not None:  # pragma: no branch - set up first
        runtime.async_forget(entry.data[CONF_ADDRESS])
