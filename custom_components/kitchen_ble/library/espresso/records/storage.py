"""A shot record as a JSON-ready dict for the archive, and a strict reader of it.

The series are stored by column (one list per quantity), which keeps a 90 s
shot near 40 KB of JSON. ``record_from_dict`` accepts exactly what
``record_to_dict`` writes (older files with fewer optional keys too) and
raises ``RecordError("stored_invalid")`` for anything else: a wrong type, a
non-finite number, series of unequal length or out of time order, a list
longer than a recording can be, a profile that no longer reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from itertools import pairwise
from typing import Any, Final

from ...cooking.validation import (
    as_enum,
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_opt_float,
    as_str,
)
from ..profiles import ProfileError, profile_to_json
from ..profiles.json_v2 import profile_from_json
from .annotations import parse_annotations
from .errors import RecordError, stored_invalid
from .model import (
    MAX_ID_LENGTH,
    MAX_TEXT,
    Gate,
    IncompleteReason,
    MachinePoint,
    ProfileRef,
    RecordStatus,
    ScalePoint,
    ShotKind,
    ShotRecord,
    StateChange,
    StopInfo,
    StopReason,
)
from .recorder import MAX_GATE_NAME, MAX_GATES, MAX_SAMPLES, MAX_STATES, MAX_WEIGHTS

FORMAT: Final = 1
_MACHINE_COLUMNS: Final = tuple(item.name for item in fields(MachinePoint))


def record_to_dict(record: ShotRecord) -> dict[str, Any]:
    profile = record.profile
    stop = record.stop
    return {
        "format": FORMAT,
        "id": record.id,
        "kind": record.kind.value,
        "status": record.status.value,
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "incomplete_reason": (
            None if record.incomplete_reason is None else record.incomplete_reason.value
        ),
        "profile": None
        if profile is None
        else {
            "title": profile.title,
            "fingerprint": profile.fingerprint,
            "json": None if profile.profile is None else profile_to_json(profile.profile),
        },
        "scale": record.scale,
        "dose": record.dose,
        "stop": None
        if stop is None
        else {"reason": stop.reason.value, "target": stop.target, "error": stop.error},
        "machine_error": record.machine_error,
        "preinfusion_volume": record.preinfusion_volume,
        "pour_volume": record.pour_volume,
        "states": [[c.t, c.state, c.substate] for c in record.states],
        "gates": [[g.name, g.t] for g in record.gates],
        "samples": {
            name: [getattr(point, name) for point in record.samples] for name in _MACHINE_COLUMNS
        },
        "weights": {
            "t": [w.t for w in record.weights],
            "weight": [w.weight for w in record.weights],
            "flow": [w.flow for w in record.weights],
        },
        "annotations": record.annotations.to_dict(),
    }


def record_from_dict(data: object) -> ShotRecord:
    """The record ``record_to_dict`` wrote; ``RecordError("stored_invalid")`` otherwise."""
    try:
        return _read(as_mapping(data, "record"))
    except RecordError as err:  # only the notes' validator raises one inside
        raise stored_invalid("annotations", str(err)) from None
    except ProfileError as err:
        raise stored_invalid("profile", str(err)) from None
    except (ValueError, RecursionError) as err:
        raise stored_invalid("record", str(err) or type(err).__name__) from None


def _read(raw: Mapping[str, Any]) -> ShotRecord:
    if as_int(raw.get("format"), "format") != FORMAT:
        raise ValueError(f"format: {raw.get('format')} is not {FORMAT}")
    record_id = as_str(raw.get("id"), "id")
    if not 0 < len(record_id) <= MAX_ID_LENGTH:
        raise ValueError(f"id: expected 1 to {MAX_ID_LENGTH} characters")
    reason = raw.get("incomplete_reason")
    return ShotRecord(
        id=record_id,
        kind=as_enum(ShotKind, raw.get("kind"), "kind"),
        started_at=_time(raw.get("started_at"), "started_at"),
        status=as_enum(RecordStatus, raw.get("status"), "status"),
        ended_at=_opt(_time, raw.get("ended_at"), "ended_at"),
        incomplete_reason=None
        if reason is None
        else as_enum(IncompleteReason, reason, "incomplete_reason"),
        profile=_profile(raw.get("profile")),
        scale=_opt(_text, raw.get("scale"), "scale"),
        dose=as_opt_float(raw.get("dose"), "dose"),
        stop=_stop(raw.get("stop")),
        machine_error=_opt(_text, raw.get("machine_error"), "machine_error"),
        preinfusion_volume=as_float(raw.get("preinfusion_volume", 0.0), "preinfusion_volume"),
        pour_volume=as_float(raw.get("pour_volume", 0.0), "pour_volume"),
        states=_states(raw.get("states", [])),
        gates=_gates(raw.get("gates", [])),
        samples=_samples(raw.get("samples", {})),
        weights=_weights(raw.get("weights", {})),
        annotations=parse_annotations(as_mapping(raw.get("annotations", {}), "annotations")),
    )


def _opt[T](read: Callable[[object, str], T], value: object, name: str) -> T | None:
    return None if value is None else read(value, name)


def _time(value: object, name: str) -> float:
    number = as_float(value, name)
    if number < 0:
        raise ValueError(f"{name}: a time before 1970")
    return number


def _text(value: object, name: str) -> str:
    text = as_str(value, name)
    if len(text) > MAX_TEXT:
        raise ValueError(f"{name}: longer than {MAX_TEXT} characters")
    return text


def _profile(value: object) -> ProfileRef | None:
    if value is None:
        return None
    raw = as_mapping(value, "profile")
    profile_json = raw.get("json")
    return ProfileRef(
        title=_text(raw.get("title"), "profile title"),
        fingerprint=_text(raw.get("fingerprint", ""), "profile fingerprint"),
        profile=None
        if profile_json is None
        else profile_from_json(as_mapping(profile_json, "profile json")),
    )


def _stop(value: object) -> StopInfo | None:
    if value is None:
        return None
    raw = as_mapping(value, "stop")
    return StopInfo(
        reason=as_enum(StopReason, raw.get("reason"), "stop reason"),
        target=as_opt_float(raw.get("target"), "stop target"),
        error=as_opt_float(raw.get("error"), "stop error"),
    )


def _rows(value: object, name: str, limit: int) -> list[Any]:
    rows = as_list(value, name)
    if len(rows) > limit:
        raise ValueError(f"{name}: more than {limit} entries")
    return rows


def _ordered(times: list[float], name: str) -> None:
    if any(t < 0 for t in times[:1]) or any(b < a for a, b in pairwise(times)):
        raise ValueError(f"{name}: times out of order")


def _pair(item: object, name: str, size: int) -> list[Any]:
    row = as_list(item, name)
    if len(row) != size:
        raise ValueError(f"{name}: expected {size} values")
    return row


def _byte(value: object, name: str) -> int:
    number = as_int(value, name)
    if not 0 <= number <= 255:
        raise ValueError(f"{name}: {number} is not a byte")
    return number


def _states(value: object) -> tuple[StateChange, ...]:
    states = []
    for item in _rows(value, "states", MAX_STATES):
        t, state, substate = _pair(item, "state", 3)
        states.append(
            StateChange(as_float(t, "state time"), _byte(state, "state"), _byte(substate, "sub"))
        )
    _ordered([change.t for change in states], "states")
    return tuple(states)


def _gates(value: object) -> tuple[Gate, ...]:
    gates = []
    for item in _rows(value, "gates", MAX_GATES):
        name, t = _pair(item, "gate", 2)
        gate_name = as_str(name, "gate name")
        if len(gate_name) > MAX_GATE_NAME:
            raise ValueError(f"gate name: longer than {MAX_GATE_NAME} characters")
        gates.append(Gate(gate_name, as_float(t, "gate time")))
    _ordered([gate.t for gate in gates], "gates")
    return tuple(gates)


def _columns(value: object, name: str, names: tuple[str, ...], limit: int) -> dict[str, list[Any]]:
    raw = as_mapping(value, name)
    columns = {column: _rows(raw.get(column, []), f"{name} {column}", limit) for column in names}
    if len({len(items) for items in columns.values()}) > 1:
        raise ValueError(f"{name}: columns of different lengths")
    return columns


def _samples(value: object) -> tuple[MachinePoint, ...]:
    columns = _columns(value, "samples", _MACHINE_COLUMNS, MAX_SAMPLES)
    points = []
    for row in zip(*columns.values(), strict=True):
        numbers: dict[str, Any] = {
            name: as_float(item, f"sample {name}")
            for name, item in zip(_MACHINE_COLUMNS, row, strict=True)
            if name != "frame"
        }
        numbers["frame"] = _byte(row[_MACHINE_COLUMNS.index("frame")], "sample frame")
        points.append(MachinePoint(**numbers))
    _ordered([point.t for point in points], "samples")
    return tuple(points)


def _weights(value: object) -> tuple[ScalePoint, ...]:
    columns = _columns(value, "weights", ("t", "weight", "flow"), MAX_WEIGHTS)
    points = [
        ScalePoint(
            as_float(t, "weight time"),
            as_float(weight, "weight"),
            as_opt_float(flow, "weight flow"),
        )
        for t, weight, flow in zip(columns["t"], columns["weight"], columns["flow"], strict=True)
    ]
    _ordered([point.t for point in points], "weights")
    return tuple(points)
