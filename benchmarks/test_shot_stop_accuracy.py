"""Stop-at-weight accuracy over simulated shots on every scale family (no Home Assistant).

The emulated DE1 pours into each emulated scale (``shot_stop_accuracy``);
ours learns from the first shot on, beside a naive stop and the fixed leads
of pyDE1 and de1app, all on the same shots. Aims (accuracy, not time):
mean |final − target| ≤ 0.3 g and p95 ≤ 0.8 g for ours on every family; a
new scale or a new profile is within 0.5 g by its third shot.
"""

from __future__ import annotations

import os
import statistics

import pytest

from custom_components.kitchen_ble.library.espresso.shots import LeadLearner

from .report import NOTES, Compare, record
from .shot_stop_accuracy import FAMILIES, all_families, convergence, family_accuracy

SHOTS = int(os.environ.get("KITCHEN_BLE_SHOTS_PER_FAMILY", "200"))
WORKERS = min(2, os.cpu_count() or 1)


@pytest.mark.timeout(900)  # 1000 shots: about a minute on two free cores
def test_stop_at_weight_accuracy() -> None:
    results = all_families(SHOTS, seed=7, workers=WORKERS)
    for family, accuracy in results.items():
        assert accuracy.missed["ours"] == 0, f"{family}: ours never stopped some shots"
        for rule in ("naive", "pydee1", "de1app"):
            record(
                f"stop at weight, {family}: mean |error|, ours vs {rule}",
                "g",
                accuracy.mean["ours"],
                accuracy.mean[rule],
                compare=Compare.DIFFERENCE,
            )
        record(f"stop at weight, {family}: mean |error|", "g", accuracy.mean["ours"], aim=0.3)
        record(f"stop at weight, {family}: p95 |error|", "g", accuracy.p95["ours"], aim=0.8)
        NOTES.append(
            f"stop at weight, {family} ({accuracy.shots} shots, flows 1–4 g/s, 18–60 g): "
            + ", ".join(
                f"{rule} mean {accuracy.mean[rule]:.2f} g p95 {accuracy.p95[rule]:.2f} g"
                for rule in accuracy.mean
            )
        )
    for family, accuracy in results.items():
        assert accuracy.mean["ours"] <= 0.3, f"{family}: mean {accuracy.mean['ours']:.2f} g"
        assert accuracy.p95["ours"] <= 0.8, f"{family}: p95 {accuracy.p95['ours']:.2f} g"


@pytest.mark.timeout(300)
def test_a_new_scale_or_profile_converges_within_three_shots() -> None:
    after_scale: list[list[float]] = []
    after_profile: list[list[float]] = []
    families = list(FAMILIES)
    for index, family in enumerate(families):
        learner = LeadLearner()
        family_accuracy_seed = 100 + index
        convergence(learner, family, "flat9", scale_id="first", shots=5, seed=family_accuracy_seed)
        # Another scale (of the next family) on the same profile, then a new profile.
        other = families[(index + 1) % len(families)]
        after_scale.append(
            convergence(learner, other, "flat9", scale_id="second", shots=5, seed=200 + index)
        )
        after_profile.append(
            convergence(learner, other, "decline", scale_id="second", shots=5, seed=300 + index)
        )
    for name, runs in (("new scale", after_scale), ("new profile", after_profile)):
        by_shot = [statistics.fmean(run[shot] for run in runs) for shot in range(5)]
        NOTES.append(
            f"stop at weight, {name}: mean |error| of shots 1–5: "
            + ", ".join(f"{error:.2f}" for error in by_shot)
            + " g"
        )
        record(f"stop at weight, {name}: mean |error| of its 3rd shot", "g", by_shot[2], aim=0.5)
        for run in runs:
            assert max(run[2:]) <= 0.8, f"{name}: shots 3–5 miss by {run[2:]}"
        assert by_shot[2] <= 0.5, f"{name}: third shot {by_shot[2]:.2f} g"


def test_the_benchmark_runs_the_families_alone_too() -> None:
    """The single-process path (one family, a few shots) gives the same kind of figures."""
    accuracy = family_accuracy("decent", 3, seed=11)
    assert accuracy.shots == 3
    assert set(accuracy.mean) == {"ours", "naive", "pydee1", "de1app"}
