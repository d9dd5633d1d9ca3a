"""Base of the cooking entities: fed by the coordinator and by the cooking runtime."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypedDict

from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity import EntityDescription

from .cooking_runtime import CookingRuntime, get_runtime, thermometer_state
from .cooking_state import ProbeCook
from .coordinator import KitchenBleCoordinator
from .entity import KitchenBleEntity


def probe_numbers(coordinator: KitchenBleCoordinator) -> range:
    """Probe numbers (1-based) of a thermometer; empty for any other device."""
    if thermometer_state(coordinator) is None:  # pragma: no cover - every family is one today
        return range(0)
    return range(1, coordinator.model.probes + 1)


class ProbeSetting(TypedDict):
    """The fields every per-probe setting description shares."""

    key: str
    translation_key: str
    translation_placeholders: dict[str, str]
    entity_category: EntityCategory


def probe_setting(n: int, kind: str) -> ProbeSetting:
    """Key, name and category of the ``kind`` setting of probe ``n``."""
    return ProbeSetting(
        key=f"probe_{n}_{kind}",
        translation_key=f"probe_{kind}",
        translation_placeholders={"probe": str(n)},
        entity_category=EntityCategory.CONFIG,
    )


def probe_entities[D: EntityDescription, E](
    coordinator: KitchenBleCoordinator,
    entity: Callable[[KitchenBleCoordinator, D, int], E],
    description: Callable[[int], D],
) -> Iterator[E]:
    """One ``entity`` per probe of a thermometer, described by ``description(n)``."""
    return (entity(coordinator, description(n), n) for n in probe_numbers(coordinator))


class CookingEntity(KitchenBleEntity):
    """Settings and session controls stay usable while the device is away.

    Per-probe descriptions carry ``translation_placeholders={"probe": ...}``.
    """

    always_available = True

    def __init__(
        self,
        coordinator: KitchenBleCoordinator,
        description: EntityDescription,
        probe: int | None = None,
    ) -> None:
        super().__init__(coordinator, description)
        self.runtime: CookingRuntime = get_runtime(coordinator.hass)
        self.key = coordinator.address
        self.number = probe or 0  # 0: a device-wide entity

    @property
    def probe(self) -> ProbeCook:
        return self.runtime.probe(self.key, self.number)

    @callback
    def _async_listen(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        # only the runtime: it also tells when the device's availability changes,
        # so readings of the device do not wake every cooking entity
        return self.runtime.async_add_listener(self.key, update)
