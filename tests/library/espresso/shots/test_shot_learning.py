"""Learning the lead of stop at weight, and its storage (strict loader, fuzzed)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.kitchen_ble.library.espresso.shots import (
    Lead,
    LeadLearner,
    LearnedStateError,
    ScaleKey,
)

from .helpers import fuzz_settings

SKALE = ScaleKey("skale", "AA:BB")


def truth(flow: float) -> float:
    """Grams after the stop on a made-up machine: 0.3 g plus 0.9 s of flow."""
    return 0.3 + 0.9 * flow


def test_the_first_lead_is_the_de1_stop_lag_plus_the_fall_time() -> None:
    lead = LeadLearner().lead(SKALE, "any")
    assert lead.offset == 0.0
    assert lead.seconds == pytest.approx(0.27)  # 0.1 s DE1 lag (de1app) + 0.17 s fall (pyDE1)
    assert lead.after(2.0) == pytest.approx(0.54)


def test_a_new_scale_and_profile_converge_within_three_shots() -> None:
    learner = LeadLearner()
    misses = []
    for flow in (2.0, 2.5, 1.8, 3.0, 1.2):
        misses.append(truth(flow) - learner.lead(SKALE, "blooming").after(flow))
        learner.observe(SKALE, "blooming", flow, truth(flow))
    assert misses[0] == pytest.approx(1.56)  # 2.1 g to come, 0.54 g expected
    assert all(abs(miss) < 0.1 for miss in misses[1:])  # the second shot is already right
    assert learner.lead(SKALE, "blooming").shots == 5


def test_a_new_profile_or_a_new_scale_starts_from_what_is_known() -> None:
    learner = LeadLearner()
    for flow in (2.0, 2.5, 1.8):
        learner.observe(SKALE, "blooming", flow, truth(flow))
    same_scale_new_profile = learner.lead(SKALE, "turbo")
    same_family_new_scale = learner.lead(ScaleKey("skale", "CC:DD"), "blooming")
    other_family = learner.lead(ScaleKey("acaia", "EE"), "blooming")
    assert abs(truth(2.0) - same_scale_new_profile.after(2.0)) < 0.1
    assert abs(truth(2.0) - same_family_new_scale.after(2.0)) < 0.1
    assert other_family == Lead()
    assert len(learner) == 4  # (id, profile), (id, any), (family, profile), (family, any)


def test_a_key_without_an_id_uses_the_family() -> None:
    learner = LeadLearner()
    learner.observe(ScaleKey("felicita"), "p", 2.0, 3.0)
    assert len(learner) == 2
    assert learner.lead(ScaleKey("felicita", "X"), "p").shots == 1


def test_nonsense_observations_change_nothing() -> None:
    learner = LeadLearner()
    for flow, after in ((0.0, 1.0), (-1.0, 1.0), (math.nan, 1.0), (2.0, math.inf)):
        assert learner.observe(SKALE, "p", flow, after) == Lead()
    assert len(learner) == 0


def test_corrections_stay_within_their_ranges() -> None:
    learner = LeadLearner()
    for _ in range(30):
        learner.observe(SKALE, "p", 0.2, 500.0)
    lead = learner.lead(SKALE, "p")
    assert lead.offset <= 10.0
    assert lead.seconds <= 5.0
    LeadLearner.from_dict(learner.to_dict())  # what it stores, it loads


def test_grams_per_ml_for_the_volume_fallback() -> None:
    learner = LeadLearner()
    assert learner.grams_per_ml("p") is None
    learner.observe_volume("p", 36.0, 40.0)
    assert learner.grams_per_ml("p") == pytest.approx(0.9)
    learner.observe_volume("p", 40.0, 40.0)  # half way to the new ratio
    assert learner.grams_per_ml("p") == pytest.approx(0.95)
    learner.observe_volume("p", 0.0, 40.0)
    learner.observe_volume("p", 10.0, math.nan)
    assert learner.grams_per_ml("p") == pytest.approx(0.95)


def test_the_learned_state_round_trips_through_json() -> None:
    learner = LeadLearner()
    for flow in (2.0, 2.5):
        learner.observe(SKALE, "blooming", flow, truth(flow))
    learner.observe_volume("blooming", 36.0, 40.0)
    stored = json.loads(json.dumps(learner.to_dict()))
    loaded = LeadLearner.from_dict(stored)
    assert loaded.to_dict() == learner.to_dict()
    assert loaded.lead(SKALE, "blooming") == learner.lead(SKALE, "blooming")


def valid() -> dict[str, Any]:
    learner = LeadLearner()
    learner.observe(SKALE, "p", 2.0, 2.0)
    learner.observe_volume("p", 36.0, 40.0)
    return learner.to_dict()


def lead_entry(**changes: Any) -> dict[str, Any]:
    data = valid()
    data["leads"][0].update(changes)
    return data


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"version": 2, "leads": []},
        {"version": 1, "leads": {}},
        {"version": 1, "leads": ["x"]},
        lead_entry(scale=""),
        lead_entry(scale=7),
        lead_entry(profile=None),
        lead_entry(offset="1"),
        lead_entry(offset=True),
        lead_entry(offset=math.nan),
        lead_entry(offset=11.0),
        lead_entry(seconds=-4.0),
        lead_entry(covariance=[1.0, 0.0]),
        lead_entry(covariance=[1.0, 2.0, 1.0]),  # not positive definite
        lead_entry(covariance=[0.0, 0.0, 1.0]),
        lead_entry(shots=-1),
        lead_entry(shots=1.5),
        {**valid(), "leads": valid()["leads"] * 2},
        {**valid(), "volume_ratios": [{"profile": "p", "grams_per_ml": 9.0, "shots": 1}]},
        {**valid(), "volume_ratios": valid()["volume_ratios"] * 2},
        {**valid(), "leads": [{}]},
    ],
)
def test_the_strict_loader_refuses_bad_data(data: Any) -> None:
    with pytest.raises(LearnedStateError):
        LeadLearner.from_dict(data)
    assert len(LeadLearner.load(data)) == 0  # the lenient one starts afresh


def test_load_keeps_good_data() -> None:
    assert len(LeadLearner.load(valid())) == 4


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


def mutated_entry(key: str, value: Any) -> dict[str, Any]:
    data = valid()
    data["leads"][0][key] = value
    return data


@fuzz_settings()
@given(
    st.one_of(
        json_values,
        st.builds(
            mutated_entry,
            st.sampled_from(["scale", "profile", "offset", "seconds", "covariance", "shots"]),
            json_values,
        ),
    )
)
def test_fuzz_the_loader_only_typed_errors(data: Any) -> None:
    try:
        learner = LeadLearner.from_dict(data)
    except LearnedStateError:
        return
    LeadLearner.from_dict(learner.to_dict())
    assert LeadLearner.load(data) is not None
