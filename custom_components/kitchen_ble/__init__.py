"""Kitchen BLE: kitchen, grill and home-brewery Bluetooth devices."""

from __future__ import annotations

from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .brewing import DATA_BREWING, BrewingRuntime
from .const import CONF_MODEL, DOMAIN
from .control import DATA_CONTROL, ShotControlRuntime
from .cooking import DATA_COOKING, CookingRuntime
from .coordinator import LinkCoordinator
from .library.devices import is_passive, model_by_id
from .maintenance import DATA_MAINTENANCE, MaintenanceRuntime
from .models import KitchenBleConfigEntry, KitchenBleData
from .passive import NodeCoordinator
from .profiles import DATA_PROFILES, ProfileRuntime
from .scale import ScaleMonitor, is_scale
from .services import async_setup_services
from .shot_statistics import DATA_SHOT_STATISTICS, ShotStatistics
from .shots import DATA_SHOTS, ShotRuntime
from .visualizer import DATA_VISUALIZER, VisualizerRuntime, async_setup_visualizer_services
from .voice import async_setup_voice, get_voice

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up what all devices share: the feature runtimes, the services, voice."""
    cooking = hass.data[DATA_COOKING] = CookingRuntime(hass)
    await cooking.async_load()
    brewing = hass.data[DATA_BREWING] = BrewingRuntime(hass)
    await brewing.async_load()
    profiles = hass.data[DATA_PROFILES] = ProfileRuntime(hass)
    await profiles.async_load()
    shots = hass.data[DATA_SHOTS] = ShotRuntime(hass)
    maintenance = hass.data[DATA_MAINTENANCE] = MaintenanceRuntime(hass)
    await maintenance.async_load()
    # both hear the records kept from now on, those closed as the shots load too
    maintenance.async_start(shots)
    hass.data[DATA_SHOT_STATISTICS] = ShotStatistics(hass)
    hass.data[DATA_SHOT_STATISTICS].async_start(shots)
    await shots.async_load()
    control = hass.data[DATA_CONTROL] = ShotControlRuntime(hass)
    await control.async_load()
    visualizer = hass.data[DATA_VISUALIZER] = VisualizerRuntime(hass)
    await visualizer.async_load()  # after the shots: it hears the records they keep
    async_setup_services(hass)
    async_setup_visualizer_services(hass)
    async_setup_voice(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: KitchenBleConfigEntry) -> bool:
    """Set up one device: entities now, the connection (or listening) when it advertises."""
    model = model_by_id(entry.data[CONF_MODEL])
    if model is None:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="unknown_model",
            translation_placeholders={"model": str(entry.data[CONF_MODEL])},
        )
    data = entry.runtime_data = KitchenBleData(model)
    if is_passive(model):  # advertisements only: no connection, ever
        data.node = NodeCoordinator(hass, entry, model)
    else:
        data.link = LinkCoordinator(hass, entry, model)
        entry.async_on_unload(data.link.async_stop)
        if is_scale(model):  # its flow, its tare and its buttons, from every sample
            data.scale = ScaleMonitor(data.link)
            entry.async_on_unload(data.scale.async_start())
            entry.async_on_unload(hass.data[DATA_CONTROL].async_add_scale(data.link))
    if (machine := data.espresso) is not None:  # its records and shot control, before entities
        entry.async_on_unload(hass.data[DATA_SHOTS].async_add_machine(machine))
        # after the recorder: the controller's gates and result go to the open record
        entry.async_on_unload(hass.data[DATA_CONTROL].async_add_machine(machine))
    await hass.config_entries.async_forward_entry_setups(entry, data.platforms)
    brewing = hass.data[DATA_BREWING]
    if (thermometer := data.cooking) is not None:  # its probes: cooking, voice, brewing
        entry.async_on_unload(hass.data[DATA_COOKING].async_add_thermometer(thermometer))
        entry.async_on_unload(get_voice(hass).async_add_thermometer(thermometer))
        entry.async_on_unload(brewing.async_add_thermometer(thermometer))
        entry.async_on_unload(hass.data[DATA_CONTROL].async_add_thermometer(thermometer))
    if data.node is not None and data.brewing_source is not None:  # its temperature
        entry.async_on_unload(brewing.async_add_node(data.node))
    if (machine := data.espresso) is not None:  # what Assist answers about it
        entry.async_on_unload(get_voice(hass).async_add_espresso(machine))
        entry.async_on_unload(hass.data[DATA_PROFILES].async_add_machine(machine))
        entry.async_on_unload(hass.data[DATA_VISUALIZER].async_add_machine(entry))
        entry.async_on_unload(hass.data[DATA_MAINTENANCE].async_add_machine(machine))
    # only now: entities and runtimes must hear the first advertisement
    if data.link is not None:
        data.link.async_start()
    if data.node is not None:
        entry.async_on_unload(data.node.async_start())
    return True


async def async_unload_entry(hass: HomeAssistant, entry: KitchenBleConfigEntry) -> bool:
    """Disconnect and cancel everything the entry started."""
    platforms = entry.runtime_data.platforms
    unload_ok: bool = await hass.config_entries.async_unload_platforms(entry, platforms)
    return unload_ok


async def async_remove_entry(hass: HomeAssistant, entry: KitchenBleConfigEntry) -> None:
    """The device is deleted: forget its probe settings and uploads (archived records stay)."""
    if (runtime := hass.data.get(DATA_COOKING)) is not None:  # pragma: no branch - set up first
        runtime.async_forget(entry.data[CONF_ADDRESS])
    if (visualizer := hass.data.get(DATA_VISUALIZER)) is not None:  # pragma: no branch
        visualizer.async_forget(entry)
