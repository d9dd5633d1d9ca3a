"""What the user asked of one probe: target, preset, pre-alert, reminders, label, range."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final, Self

from .presets import CUSTOM, is_preset, preset_target
from .validation import as_float, as_mapping, as_opt_float, as_str

MIN_TEMPERATURE: Final = -50.0
MAX_TEMPERATURE: Final = 400.0
MAX_PRE_ALERT_OFFSET: Final = 100.0
MIN_REMINDER_INTERVAL: Final = 60.0  # s; 0 turns reminders off
MAX_REMINDER_INTERVAL: Final = 240 * 60.0  # s
MAX_LABEL_LENGTH: Final = 64


@dataclass(frozen=True, slots=True)
class ProbeTarget:
    """Frozen so every instance has passed validation; change it with the ``with_*`` helpers.

    ``preset`` records the last preset chosen; a hand-set target that differs
    from it turns it into "custom". Either range bound may be set alone.
    """

    target: float | None = None
    preset: str = CUSTOM
    pre_alert_offset: float = 5.0  # °C below target for "approaching"; 0 = off
    reminder_interval: float = 300.0  # seconds between reminders above target; 0 = off
    label: str = ""
    range_min: float | None = None
    range_max: float | None = None

    def __post_init__(self) -> None:
        _check_temperature(self.target, "target")
        _check_temperature(self.range_min, "range_min")
        _check_temperature(self.range_max, "range_max")
        if not is_preset(self.preset):
            raise ValueError(f"preset: unknown preset {self.preset!r}")
        if not 0.0 <= self.pre_alert_offset <= MAX_PRE_ALERT_OFFSET:
            raise ValueError(f"pre_alert_offset: {self.pre_alert_offset} not in 0..100 °C")
        # a shorter interval than a minute is no reminder but a siren (and a tiny
        # one overflows the reminder grid); the negated form also rejects NaN
        interval = self.reminder_interval
        if interval != 0.0 and not MIN_REMINDER_INTERVAL <= interval <= MAX_REMINDER_INTERVAL:
            raise ValueError(
                f"reminder_interval: {interval} s is neither 0 (off) nor in "
                f"{MIN_REMINDER_INTERVAL:g}..{MAX_REMINDER_INTERVAL:g} s"
            )
        if len(self.label) > MAX_LABEL_LENGTH:
            raise ValueError(f"label: longer than {MAX_LABEL_LENGTH} characters")
        if (
            self.range_min is not None
            and self.range_max is not None
            and not self.range_min < self.range_max
        ):
            raise ValueError(f"range: min {self.range_min} must be below max {self.range_max}")

    @property
    def has_range(self) -> bool:
        return self.range_min is not None or self.range_max is not None

    def with_preset(self, preset_id: str) -> ProbeTarget:
        """Select a preset: it sets the target; "custom" keeps the current one."""
        value = preset_target(preset_id)
        return replace(self, preset=preset_id, target=self.target if value is None else value)

    def with_target(self, target: float | None) -> ProbeTarget:
        """Set the target by hand; the preset survives only if it still matches."""
        keep = self.preset != CUSTOM and preset_target(self.preset) == target
        return replace(self, target=target, preset=self.preset if keep else CUSTOM)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "preset": self.preset,
            "pre_alert_offset": self.pre_alert_offset,
            "reminder_interval": self.reminder_interval,
            "label": self.label,
            "range_min": self.range_min,
            "range_max": self.range_max,
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """Missing keys take their defaults (older files); unknown keys are ignored."""
        raw = as_mapping(data, "probe target")
        default = cls()
        return cls(
            target=as_opt_float(raw.get("target"), "target"),
            preset=as_str(raw.get("preset", default.preset), "preset"),
            pre_alert_offset=as_float(
                raw.get("pre_alert_offset", default.pre_alert_offset), "pre_alert_offset"
            ),
            reminder_interval=as_float(
                raw.get("reminder_interval", default.reminder_interval), "reminder_interval"
            ),
            label=as_str(raw.get("label", default.label), "label"),
            range_min=as_opt_float(raw.get("range_min"), "range_min"),
            range_max=as_opt_float(raw.get("range_max"), "range_max"),
        )


def _check_temperature(value: float | None, name: str) -> None:
    # the negated form also rejects NaN
    if value is not None and not MIN_TEMPERATURE <= value <= MAX_TEMPERATURE:
        raise ValueError(f"{name}: {value} not in {MIN_TEMPERATURE:g}..{MAX_TEMPERATURE:g} °C")
