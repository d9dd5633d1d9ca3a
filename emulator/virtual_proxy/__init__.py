"""Kitchen BLE virtual proxy: emulated devices for a develop or demo instance.

Symlinked into a config's ``custom_components``; the repository root must be
on ``sys.path`` so ``emulator`` imports (absolute imports only: this package
is loaded as ``custom_components.kitchen_ble_virtual_proxy``).

    kitchen_ble_virtual_proxy:
      speed: 20            # device seconds per real second
      devices:             # omit for the default set (DEFAULT_DEVICES)
        - model: igrill_v2
          address: "70:91:8F:00:00:01"   # optional
        - model: bluedot   # also: node, foreign_ffff (another 0xFFFF advertiser)
        - model: node
          passive: true    # heard through a second, passive-only proxy
        - model: de1       # options: firmware, model_code, ghc_info, awake, ...
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import voluptuous as vol
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from emulator.catalog import MODELS, OPTIONS, create_device, default_address
from emulator.de1 import DE1Device
from emulator.ha import async_start_proxy
from emulator.igrill import DEFAULT_MODELS
from emulator.passive_proxy import PassiveProxy
from emulator.proxy import DEFAULT_SLOTS, VirtualProxy
from emulator.scales import MODELS as SCALE_MODELS
from emulator.scales import EmulatedScale

DOMAIN = "kitchen_ble_virtual_proxy"
DATA_PASSIVE = f"{DOMAIN}_passive"

# One of each iGrill, a BlueDOT, two environment nodes (one heard through the
# ordinary proxy, one only through a passive proxy, like a Shelly gateway), a
# DE1 asleep and one coffee scale of each family (the Acaia with each of its
# transports), kept awake (no auto-off) so they stay discoverable. The DE1's cup
# stands on the Decent Scale: a shot pours onto it, so stopping at weight can be
# tried in a develop instance.
DEFAULT_DEVICES: list[dict[str, Any]] = [
    *({"model": model} for model in DEFAULT_MODELS),
    {"model": "bluedot"},
    {"model": "node"},
    {"model": "node", "passive": True},
    {"model": "de1", "awake": False},
    *(
        {"model": model, "auto_off": 0} | ({"under_de1": True} if model == "decent_scale" else {})
        for model in SCALE_MODELS
    ),
]


def _model_options(device: dict[str, Any]) -> dict[str, Any]:
    allowed = OPTIONS[device["model"]] | {"model", "address", "name", "passive"}
    if device["model"] in SCALE_MODELS:
        allowed |= {"under_de1"}
    if unknown := set(device) - allowed:
        raise vol.Invalid(f"{device['model']} takes no option {', '.join(sorted(unknown))}")
    return device


DEVICE_SCHEMA = vol.All(
    vol.Schema(
        {
            vol.Required("model"): vol.In(list(MODELS)),
            vol.Optional("address"): vol.Match(r"^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$"),
            vol.Optional("name"): cv.string,
            vol.Optional("unit"): vol.In([0, 1]),
            vol.Optional("cooker_temperature"): vol.Coerce(float),
            vol.Optional("high_alarm"): vol.All(int, vol.Range(min=0, max=255)),
            vol.Optional("measurement_interval"): vol.All(vol.Coerce(float), vol.Range(min=1)),
            # the DE1 (emulator.de1.create_de1)
            vol.Optional("firmware"): vol.All(int, vol.Range(min=0)),
            vol.Optional("model_code"): vol.All(int, vol.Range(min=0, max=127)),
            vol.Optional("serial"): vol.All(int, vol.Range(min=0)),
            vol.Optional("ghc_info"): vol.All(int, vol.Range(min=0, max=0xFFFFFFFF)),
            vol.Optional("water_level"): vol.All(vol.Coerce(float), vol.Range(min=0, max=65)),
            vol.Optional("refill_level"): vol.All(vol.Coerce(float), vol.Range(min=0, max=65)),
            vol.Optional("heating_speed"): vol.All(vol.Coerce(float), vol.Range(min=0.01)),
            vol.Optional("mains_hz"): vol.In([50, 60]),
            vol.Optional("awake"): cv.boolean,
            vol.Optional("temperature"): vol.Coerce(float),
            vol.Optional("flash_write_seconds"): vol.All(vol.Coerce(float), vol.Range(min=0)),
            vol.Optional("advertise_service"): cv.boolean,
            vol.Optional("passive"): cv.boolean,
            # a scale: the DE1s' cups stand on it (what they pour, it weighs)
            vol.Optional("under_de1"): cv.boolean,
        }
    ),
    _model_options,
)

CONFIG_SCHEMA = vol.Schema(
    {
        DOMAIN: vol.Schema(
            {
                vol.Optional("speed", default=1.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
                # s between the devices' steps: a tenth, so a scale's ten frames a
                # second arrive one by one (in bursts a second apart they would look
                # lost to the shot control), as over the air
                vol.Optional("interval", default=0.1): vol.All(
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
    """A proxy with the configured devices (``DEFAULT_DEVICES`` by default)."""
    return build_proxies(conf)[0]


def build_proxies(conf: dict[str, Any]) -> tuple[VirtualProxy, PassiveProxy | None]:
    """The proxy, and a passive-only one if any device is ``passive``."""
    proxy = VirtualProxy(suffix=conf["suffix"], slots=conf["slots"], speed=conf["speed"])
    passive: PassiveProxy | None = None
    seen: Counter[str] = Counter()
    machines: list[DE1Device] = []
    cups: list[EmulatedScale] = []
    for entry in conf.get("devices") or DEFAULT_DEVICES:
        options = dict(entry)
        model = options.pop("model")
        seen[model] += 1
        address = options.pop("address", None) or default_address(model, seen[model])
        behind_passive = options.pop("passive", False)
        under_de1 = options.pop("under_de1", False)
        device = create_device(model, address, options.pop("name", None), **options)
        if isinstance(device, DE1Device):
            machines.append(device)
        elif under_de1 and isinstance(device, EmulatedScale):
            cups.append(device)
        if behind_passive:
            if passive is None:
                passive = PassiveProxy(suffix=f"{conf['suffix']}-passive", speed=conf["speed"])
            passive.add(device)
        else:
            proxy.add(device)
    for machine in machines:
        for scale in cups:
            machine.on_pour.append(scale.receive_pour)
    return proxy, passive


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Start the proxy from YAML; stop it when Home Assistant stops."""
    if DOMAIN not in config:
        return True
    proxy, passive = build_proxies(config[DOMAIN])
    interval = config[DOMAIN]["interval"]
    stops = [async_start_proxy(hass, proxy, interval=interval)]
    hass.data[DOMAIN] = proxy
    if passive is not None:
        stops.append(async_start_proxy(hass, passive, interval=interval))
        hass.data[DATA_PASSIVE] = passive

    @callback
    def _on_stop(_event: Event) -> None:
        for stop in stops:
            stop()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _on_stop)
    return True
