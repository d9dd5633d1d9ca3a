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


class TargetError(ValueError):
    """A probe setting that cannot be: ``key`` names the rule (a translation key)."""

    def __init__(self, key: str, **placeholders: str) -> None:
        super().__init__(f"{key}: {placeholders}")
        self.key = key
        self.placeholders = placeholders


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
        _check_temperature(self.target, "target_out_of_range")
        _check_temperature(self.range_min, "range_out_of_range")
        _check_temperature(self.range_max, "range_out_of_range")
        if not is_preset(self.preset):
            raise TargetError("unknown_preset", preset=self.preset)
        if not 0.0 <= self.pre_alert_offset <= MAX_PRE_ALERT_OFFSET:
            raise TargetError(
                "pre_alert_out_of_range",
                value=f"{self.pre_alert_offset:g}",
                max=f"{MAX_PRE_ALERT_OFFSET:g}",
            )
        # a shorter interval than a minute is no reminder but a siren (and a tiny
        # one overflows the reminder grid); the negated form also rejects NaN
        interval = self.reminder_interval
        if interval != 0.0 and not MIN_REMINDER_INTERVAL <= interval <= MAX_REMINDER_INTERVAL:
            raise TargetError(  # in minutes, as the user sets it
                "reminder_out_of_range",
                value=f"{interval / 60:g}",
                max=f"{MAX_REMINDER_INTERVAL / 60:g}",
            )
        if len(self.label) > MAX_LABEL_LENGTH:
            raise TargetError("label_too_long", max=str(MAX_LABEL_LENGTH))
        if (
            self.range_min is not None
            and self.range_max is not None
            and not self.range_min < self.range_max
        ):
            raise TargetError(
                "range_inverted", min=f"{self.range_min:g}", max=f"{self.range_max:g}"
            )

    @property
    def has_range(self) -> bool:
        return self.range_min is not None or self.range_max is not None

    def with_preset(self, preset_id: str) -> ProbeTarget:
        """Select a preset: it sets the target; "custom" keeps the current one."""
        if not is_preset(preset_id):
            raise TargetError("unknown_preset", preset=preset_id)
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


def _check_temperature(value: float | None, key: str) -> None:
    # the negated form also rejects NaN
    if value is not None and not MIN_TEMPERATURE <= value <= MAX_TEMPERATURE:
        raise TargetError(
            key,
            value=f"{value:g}",
            min=f"{MIN_TEMPERATURE:g}",
            max=f"{MAX_TEMPERATURE:g}",
        )
