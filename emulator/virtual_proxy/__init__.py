"""Kitchen BLE virtual proxy: emulated devices for a develop or demo instance.

Symlinked into a config's ``custom_components``; the repository root must be
on ``sys.path`` so ``emulator`` imports (absolute imports only: this package
is loaded as ``custom_components.kitchen_ble_virtual_proxy``).

    kitchen_ble_virtual_proxy:
      speed: 20            # device seconds per real second
      devices:             # omit for one of each iGrill model
        - model: igrill_v2
          address: "70:91:8F:00:00:01"   # optional
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import voluptuous as vol
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from emulator.ha import async_start_proxy
from emulator.igrill import DEFAULT_MODELS, MODELS, create_igrill, default_address
from emulator.proxy import DEFAULT_SLOTS, VirtualProxy

DOMAIN = "kitchen_ble_virtual_proxy"

DEVICE_SCHEMA = vol.Schema(
    {
        vol.Required("model"): vol.In(list(MODELS)),
        vol.Optional("address"): vol.Match(r"^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$"),
        vol.Optional("name"): cv.string,
        vol.Optional("unit"): vol.In([0, 1]),
        vol.Optional("cooker_temperature"): vol.Coerce(float),
    }
)

CONFIG_SCHEMA = vol.Schema(
    {
        DOMAIN: vol.Schema(
            {
                vol.Optional("speed", default=1.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
                vol.Optional("interval", default=1.0): vol.All(
                    vol.Coerce(float), vol.Range(min=0.1)
                ),
                vol.Optional("slots", default=DEFAULT_SLOTS): vol.All(int, vol.Range(min=1)),
                vol.Optional("suffix", default="default"): cv.string,
                vol.Optional("devices"): vol.All(cv.ensure_list, [DEVICE_SCHEMA]),
            }
        )
    },
    extra=vol.ALLOW_EXTRA,
)


def build_proxy(conf: dict[str, Any]) -> VirtualProxy:
    """A proxy with the configured devices (one of each iGrill by default)."""
    proxy = VirtualProxy(suffix=conf["suffix"], slots=conf["slots"], speed=conf["speed"])
    devices = conf.get("devices") or [{"model": model} for model in DEFAULT_MODELS]
    seen: Counter[str] = Counter()
    for entry in devices:
        options = dict(entry)
        model = options.pop("model")
        seen[model] += 1
        address = options.pop("address", None) or default_address(model, seen[model])
        proxy.add(create_igrill(model, address, options.pop("name", None), **options))
    return proxy


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Start the proxy from YAML; stop it when Home Assistant stops."""
    if DOMAIN not in config:
        return True
    proxy = build_proxy(config[DOMAIN])
    stop = async_start_proxy(hass, proxy, interval=config[DOMAIN]["interval"])
    hass.data[DOMAIN] = proxy

    @callback
    def _on_stop(_event: Event) -> None:
        stop()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _on_stop)
    return True
