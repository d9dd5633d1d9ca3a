"""Shot records of the DE1, without Home Assistant: record, summarise, store, export, draw.

What the Home Assistant layer calls:

* Recording: ``ShotRecorder(kind, at=monotonic, wall_time=epoch)`` (``kind_for_state``
  gives the kind of a flow state), then ``state_changed(StateInfo, at)``,
  ``add_sample(ShotSample, at)``, ``add_weight(WeightSample)``, the shot controller's
  ``add_gate_event(GateEvent)`` (or ``add_gate(name, at)``) and ``apply_result(ShotResult)``
  (or ``set_stop``), ``set_profile(ProfileRef)``, ``set_scale``, ``set_dose`` (the weight
  before the auto-tare); close with ``finish(at)`` or ``abandon(IncompleteReason, at)``.
  ``snapshot()`` for a store against restarts, ``as_incomplete(record,
  IncompleteReason.RESTART)`` after one.
* Figures and events: ``summarize(record)`` → ``ShotSummary`` (``to_dict`` for
  JSON); ``event_payload(record)`` → summary and compact curves, at most
  ``EVENT_MAX_BYTES`` of JSON; ``logbook_text``/``voice_text`` of a summary.
* Archive: ``record_to_dict`` / ``record_from_dict`` (strict);
  ``parse_annotations`` / ``ShotAnnotations.updated`` for the user's notes, then
  ``dataclasses.replace(record, annotations=…)``.
* Visualizer: ``should_upload`` (``can_upload``, ``is_special``),
  ``export_visualizer_json`` (de1app JSON v2),
  ``upload_request`` / ``credentials_check_request`` (an ``HttpRequest`` to send),
  ``interpret_upload`` / ``interpret_credentials`` (what the answer means), and
  ``UploadQueue`` (stored with ``to_dict``/``from_dict``).
* Images: ``render_shot_svg(record)``, ``render_cook_svg(session or its summary)``.
* Statistics: ``shots_per_day``, ``espresso_count``, ``water_used``, ``count_on_day``,
  ``hour_start``;
  ``MaintenanceCounters`` with ``MaintenanceThresholds`` and ``maintenance_for_state``.

Every refusal is a ``RecordError`` (a ValueError) whose ``key`` and
``placeholders`` match ``RECORD_ERROR_MESSAGES``.
"""

from .annotations import ShotAnnotations, parse_annotations
from .charts import (
    cook_chart,
    cook_chart_from_summary,
    render_cook_svg,
    render_shot_svg,
    shot_chart,
)
from .curves import EVENT_MAX_BYTES, compact_curves, event_payload, payload_size
from .errors import RECORD_ERROR_MESSAGES, RecordError
from .model import (
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
    kind_for_state,
)
from .recorder import ShotRecorder, as_incomplete, new_record_id
from .stats import (
    Maintenance,
    MaintenanceCounters,
    MaintenanceDue,
    MaintenanceThresholds,
    count_on_day,
    espresso_count,
    hour_start,
    maintenance_for_state,
    shots_per_day,
    water_used,
)
from .storage import record_from_dict, record_to_dict
from .summary import ShotSummary, summarize
from .svg import render_svg
from .text import espressos_today_text, logbook_text, voice_text
from .upload_queue import JobState, UploadJob, UploadQueue
from .visualizer_api import (
    BodyForm,
    CredentialsCheck,
    HttpRequest,
    UploadOutcome,
    UploadResult,
    VisualizerCredentials,
    backoff_delay,
    credentials_check_request,
    interpret_credentials,
    interpret_upload,
    upload_request,
)
from .visualizer_json import (
    can_upload,
    export_visualizer_json,
    is_special,
    shot_to_visualizer,
    should_upload,
)

__all__ = [
    "EVENT_MAX_BYTES",
    "RECORD_ERROR_MESSAGES",
    "BodyForm",
    "CredentialsCheck",
    "Gate",
    "HttpRequest",
    "IncompleteReason",
    "JobState",
    "MachinePoint",
    "Maintenance",
    "MaintenanceCounters",
    "MaintenanceDue",
    "MaintenanceThresholds",
    "ProfileRef",
    "RecordError",
    "RecordStatus",
    "ScalePoint",
    "ShotAnnotations",
    "ShotKind",
    "ShotRecord",
    "ShotRecorder",
    "ShotSummary",
    "StateChange",
    "StopInfo",
    "StopReason",
    "UploadJob",
    "UploadOutcome",
    "UploadQueue",
    "UploadResult",
    "VisualizerCredentials",
    "as_incomplete",
    "backoff_delay",
    "can_upload",
    "compact_curves",
    "cook_chart",
    "cook_chart_from_summary",
    "count_on_day",
    "credentials_check_request",
    "espresso_count",
    "espressos_today_text",
    "event_payload",
    "export_visualizer_json",
    "hour_start",
    "interpret_credentials",
    "interpret_upload",
    "is_special",
    "kind_for_state",
    "logbook_text",
    "maintenance_for_state",
    "new_record_id",
    "parse_annotations",
    "payload_size",
    "record_from_dict",
    "record_to_dict",
    "render_cook_svg",
    "render_shot_svg",
    "render_svg",
    "shot_chart",
    "shot_to_visualizer",
    "shots_per_day",
    "should_upload",
    "summarize",
    "upload_request",
    "voice_text",
    "water_used",
]
