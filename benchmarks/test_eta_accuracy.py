"""Time-to-target accuracy: our estimator against a straight line through the last two readings.

The cooks are simulated by the cooking core (several heating curves, noise, a
stall for the large cuts); both estimators see the same readings. The error
is taken at 50 % and at 80 % of the way from the start to the target.
"""

from __future__ import annotations

from custom_components.kitchen_ble.cooking.simulate import evaluate_estimators

from .report import NOTES, record


def test_eta_accuracy() -> None:
    scores = evaluate_estimators()
    assert scores.cooks >= 20, "too few simulated cooks to mean anything"
    # The naive line often has no answer at all (a flat or falling pair of
    # readings); its floor here is its error where it did answer, the kinder
    # comparison for it. The unknown counts are in the note below.
    record(
        "time-to-target |error| at 50 % of the way (min)",
        "min",
        scores.estimator_50,
        scores.naive_answered_50,
        aim=1.0,
    )
    record(
        "time-to-target |error| at 80 % of the way (min)",
        "min",
        scores.estimator_80,
        scores.naive_answered_80,
        aim=1.0,
    )
    NOTES.append(
        "time to target: floor = straight line through the last two readings, where it answered; "
        + str(scores).replace("\n", ";")
    )
