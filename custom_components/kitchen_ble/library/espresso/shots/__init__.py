"""Shot control for the Decent DE1 without Home Assistant: gates, stops, learning.

The caller (the Home Assistant layer) keeps one ``ShotController`` per DE1
and feeds it, each with the time it arrived on one monotonic clock:

* ``set_plan(ShotPlan.from_profile(profile, firmware_build=...))`` before a
  shot (targets: weight, volume, time limit, step weights, hot-water weight,
  steam temperature);
* ``scale_connected(ScaleKey(family, address))`` / ``scale_disconnected(now)``;
* ``on_state(now, state, substate)`` for every StateInfo;
* ``on_shot_sample(now, sample)`` for every ShotSample;
* ``on_weight(sample)`` for every ``WeightSample`` of the scale;
* ``on_milk_temperature(now, celsius)`` for a milk probe while steaming;
* ``tick(now)`` when the last answer's ``wake_at`` comes.

Every call answers a ``Reaction``: ``commands`` to send at once, in order
(``StopFlow`` → request Idle, ``SkipToNext`` → next frame, ``TareScale`` →
tare, then call ``tare_sent(now)`` if the tare went later than the call),
the ``events`` (gates of §9.3) passed, a ``ShotResult`` when a sequence ends
(stop reason, fallback, final weight and stop error) and ``wake_at``.

After every result, store ``controller.learner.to_dict()``; at start-up give
``ShotController(LeadLearner.load(stored))`` (bad data means nothing learned,
never a crash). Before a remote espresso start, ``espresso_start_refusal``
applies the "scale required" policy.
"""

from .controller import ShotController
from .errors import LearnedStateError, ShotConfigError, ShotError
from .events import (
    Command,
    Fallback,
    Gate,
    GateEvent,
    Reaction,
    SequenceEnd,
    ShotResult,
    SkipToNext,
    StopFlow,
    StopReason,
    TareScale,
)
from .learning import Lead, LeadLearner, ScaleKey
from .plan import ShotPlan
from .policy import StartRefusal, espresso_start_refusal
from .sequencer import ShotSequencer
from .steam import SteamStopPredictor

__all__ = [
    "Command",
    "Fallback",
    "Gate",
    "GateEvent",
    "Lead",
    "LeadLearner",
    "LearnedStateError",
    "Reaction",
    "ScaleKey",
    "SequenceEnd",
    "ShotConfigError",
    "ShotController",
    "ShotError",
    "ShotPlan",
    "ShotResult",
    "ShotSequencer",
    "SkipToNext",
    "StartRefusal",
    "SteamStopPredictor",
    "StopFlow",
    "StopReason",
    "TareScale",
    "espresso_start_refusal",
]
