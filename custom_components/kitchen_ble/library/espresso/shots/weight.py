"""When to act on weight: the stop (with the learned lead) and the move to the next step.

A ``FlowEstimate`` says the cup held ``weight`` at ``time`` (arrival minus
the scale's lag) and fills at ``flow``; so at ``t`` it holds
``weight + flow × (t − time)``. The stop goes at the moment that, plus the
drips still to come (``Lead.after``), reaches the target — usually between two
scale samples, so the caller is woken for it.
"""

from __future__ import annotations

from typing import Final

from ...devices.scale_flow import FlowEstimate
from .learning import DE1_STOP_LAG, Lead

MIN_FLOW: Final = 0.1  # g/s; below it the cup is not filling and no moment can be predicted


def weight_stop_time(estimate: FlowEstimate, target: float, lead: Lead) -> float | None:
    """When to request the stop so the cup ends at ``target`` g; None without a flow.

    A cup already at the target stops at once (its estimate's time).
    """
    if estimate.weight >= target:
        return estimate.time
    if estimate.flow < MIN_FLOW:
        return None
    return estimate.time + (target - estimate.weight - lead.after(estimate.flow)) / estimate.flow


def step_skip_time(
    estimate: FlowEstimate, step_weight: float, stop_lag: float = DE1_STOP_LAG
) -> float | None:
    """When to ask for the next step so the cup holds ``step_weight`` g as the step changes."""
    if estimate.weight >= step_weight:
        return estimate.time
    if estimate.flow < MIN_FLOW:
        return None
    return estimate.time + (step_weight - estimate.weight) / estimate.flow - stop_lag
