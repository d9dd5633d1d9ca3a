"""Config flow: Bluetooth discovery or a pick from discovered devices.

Before an entry is made the flow connects and completes the device's
handshake, so an entry always stands for a device that answered. Passive
advertisers (sensor nodes) are never connected: their advertisement, which
must decode completely, is the check.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import voluptuous as vol
from homeassistant.components.bluetooth import (
    BluetoothServiceInfoBleak,
    async_discovered_service_info,
)
from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_ADDRESS, CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .connection import ConnectError, async_connect, async_disconnect, async_release
from .const import CONF_MODEL, DOMAIN, SETUP_TIMEOUT_SECONDS
from .library.devices import create_driver, identify, is_passive
from .library.devices.base import (
    LINK_ERRORS,
    DeviceError,
    DeviceKind,
    HandshakeError,
    ModelInfo,
    UnsupportedDeviceError,
)
from .visualizer import (
    CONF_AUTO_UPLOAD,
    CONF_MIN_DURATION,
    CONF_SKIP_CLEANING,
    MAX_MIN_DURATION,
    OptionsError,
    UploadSettings,
    async_new_options,
    get_visualizer,
    is_espresso_entry,
)

_LOGGER = logging.getLogger(__name__)

# Kinds whose vendor app usually holds the device's only link (a DE1's tablet, a
# scale's phone app or the tablet that brews with it): there a connection that
# is refused, or a device that went quiet, most likely means that app is
# connected, and the flow says so (per kind) instead of "did not answer".
HELD_BY_APP_ERRORS = {
    DeviceKind.ESPRESSO_MACHINE: "held_by_app",
    DeviceKind.SCALE: "scale_held_by_app",
}
HELD_BY_APP_REASONS = frozenset({"cannot_connect", "device_not_found"})


async def async_check_device(hass: HomeAssistant, address: str, model: ModelInfo) -> ModelInfo:
    """Connect, run the handshake and let go; return the model the device has.

    Raises ConnectError with a translation key as its reason.
    """
    client = await async_connect(hass, address, model.name)
    driver = create_driver(model, lambda: None, lambda _sample: None)
    started = False
    try:
        async with asyncio.timeout(SETUP_TIMEOUT_SECONDS):
            await driver.async_start(client)
        started = True
    except UnsupportedDeviceError as err:
        raise ConnectError("not_supported", str(err)) from err
    except HandshakeError as err:
        raise ConnectError("handshake_failed", str(err)) from err
    except (DeviceError, *LINK_ERRORS) as err:
        raise ConnectError("cannot_connect", str(err)) from err
    finally:
        if started:
            await async_release(driver, client)  # the driver's goodbye (if it has one) first
        else:
            await async_disconnect(client)
    return driver.model


def _title(info: BluetoothServiceInfoBleak, model: ModelInfo) -> str:
    return f"{model.name} {info.address[-5:].replace(':', '')}"


class KitchenBleConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Kitchen BLE device."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> KitchenBleOptionsFlow:
        return KitchenBleOptionsFlow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Only an espresso machine has options (its Visualizer account)."""
        return is_espresso_entry(config_entry)

    def __init__(self) -> None:
        self._discovery: BluetoothServiceInfoBleak | None = None
        self._model: ModelInfo | None = None
        self._candidates: dict[str, tuple[BluetoothServiceInfoBleak, ModelInfo]] = {}

    async def async_step_bluetooth(
        self, discovery_info: BluetoothServiceInfoBleak
    ) -> ConfigFlowResult:
        """A matcher in the manifest found a device."""
        await self.async_set_unique_id(discovery_info.address)
        self._abort_if_unique_id_configured()
        model = identify(
            discovery_info.name, discovery_info.service_uuids, discovery_info.manufacturer_data
        )
        if model is None:
            return self.async_abort(reason="not_supported")
        self._discovery, self._model = discovery_info, model
        self.context["title_placeholders"] = {"name": _title(discovery_info, model)}
        if is_passive(model):
            return await self.async_step_passive_confirm()
        return await self.async_step_bluetooth_confirm()

    async def async_step_passive_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask before adding a discovered passive advertiser (nothing to connect to)."""
        assert self._discovery is not None
        assert self._model is not None
        if user_input is not None:
            return self.async_create_entry(
                title=_title(self._discovery, self._model),
                data={CONF_ADDRESS: self._discovery.address, CONF_MODEL: self._model.model_id},
            )
        return self.async_show_form(
            step_id="passive_confirm",
            description_placeholders={
                "name": _title(self._discovery, self._model),
                "model": self._model.name,
                "address": self._discovery.address,
            },
        )

    async def async_step_bluetooth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask before adding the discovered device; retry on errors."""
        assert self._discovery is not None
        assert self._model is not None
        errors: dict[str, str] = {}
        if user_input is not None:
            result = await self._async_create(self._discovery, self._model, errors)
            if result is not None:
                return result
        return self.async_show_form(
            step_id="bluetooth_confirm",
            description_placeholders={
                "name": _title(self._discovery, self._model),
                "model": self._model.name,
                "address": self._discovery.address,
            },
            errors=errors,
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick one of the supported devices seen nearby."""
        errors: dict[str, str] = {}
        if user_input is not None:
            address = user_input[CONF_ADDRESS]
            await self.async_set_unique_id(address, raise_on_progress=False)
            self._abort_if_unique_id_configured()
            info, model = self._candidates[address]
            result = await self._async_create(info, model, errors)
            if result is not None:
                return result

        configured = self._async_current_ids(include_ignore=False)
        # Connectable devices first; then what only passive scanners hear, of
        # which only passive advertisers can be added.
        heard = (
            *async_discovered_service_info(self.hass, connectable=True),
            *async_discovered_service_info(self.hass, connectable=False),
        )
        for info in heard:
            if info.address in configured or info.address in self._candidates:
                continue
            found = identify(info.name, info.service_uuids, info.manufacturer_data)
            if found is not None and (info.connectable or is_passive(found)):
                self._candidates[info.address] = (info, found)
        if not self._candidates:
            return self.async_abort(reason="no_devices_found")
        choices = {
            address: f"{_title(info, model)} ({address})"
            for address, (info, model) in self._candidates.items()
        }
        # Typed loosely: 2026.10 annotates forms with probatio's Schema, which
        # `voluptuous` is an alias of there at run time but not for the type checker.
        schema: Any = vol.Schema({vol.Required(CONF_ADDRESS): vol.In(choices)})
        return self.async_show_form(step_id="user", data_schema=schema, errors=errors)

    async def _async_create(
        self, info: BluetoothServiceInfoBleak, model: ModelInfo, errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Check the device; make the entry, abort, or fill ``errors`` and return None."""
        try:
            if not is_passive(model):  # a passive advertiser never takes a connection
                model = await async_check_device(self.hass, info.address, model)
        except ConnectError as err:
            _LOGGER.debug("%s: check failed (%s): %s", info.address, err.reason, err)
            if err.reason == "not_supported":
                # Its own GATT services say so: trying again cannot change the answer.
                return self.async_abort(reason="not_supported")
            held = HELD_BY_APP_ERRORS.get(model.kind)
            if held is not None and err.reason in HELD_BY_APP_REASONS:
                errors["base"] = held
                return None
            errors["base"] = err.reason
            return None
        return self.async_create_entry(
            title=_title(info, model),
            data={CONF_ADDRESS: info.address, CONF_MODEL: model.model_id},
        )


class KitchenBleOptionsFlow(OptionsFlow):
    """An espresso machine's Visualizer account and automatic uploads.

    The options are saved here (not by the flow's result) so the upload queue
    resumes with the account that was just checked.
    """

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        entry = self.config_entry
        if not is_espresso_entry(entry):
            return self.async_abort(reason="no_options")
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                found = await async_new_options(self.hass, entry.options, user_input)
            except OptionsError as err:
                errors[err.field] = err.reason
            else:
                self.hass.config_entries.async_update_entry(entry, options=found.options)
                get_visualizer(self.hass).async_account_changed(
                    entry, checked=found.checked, cleared=found.cleared
                )
                return self.async_create_entry(data=found.options)
        settings = UploadSettings.of(entry.options)
        email = entry.options.get(CONF_EMAIL) or ""
        schema: Any = vol.Schema(  # the password is never shown
            {
                vol.Optional(CONF_EMAIL, description={"suggested_value": email}): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
                ),
                vol.Optional(CONF_PASSWORD): TextSelector(
                    TextSelectorConfig(
                        type=TextSelectorType.PASSWORD, autocomplete="current-password"
                    )
                ),
                vol.Required(CONF_AUTO_UPLOAD, default=settings.auto_upload): BooleanSelector(),
                vol.Required(CONF_MIN_DURATION, default=settings.min_duration): NumberSelector(
                    NumberSelectorConfig(
                        min=0,
                        max=MAX_MIN_DURATION,
                        step=1,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                vol.Required(CONF_SKIP_CLEANING, default=settings.skip_cleaning): BooleanSelector(),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=schema,
            errors=errors,
            description_placeholders={"name": entry.title},
        )
