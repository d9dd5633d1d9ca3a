"""A probe's shown time to target: to the minute, moving only when it is really off."""

from __future__ import annotations

from datetime import UTC, datetime

from custom_components.kitchen_ble.library.cooking import simulate
from custom_components.kitchen_ble.library.cooking.eta import REFRESH_SECONDS
from custom_components.kitchen_ble.library.cooking.state import ProbeCook
from custom_components.kitchen_ble.library.cooking.targets import ProbeTarget

T0 = 1_780_000_020.0  # a whole minute


class Estimate:
    """An estimator that says what the test wants (seconds to the target)."""

    def __init__(self) -> None:
        self.remaining: float | None = None

    def estimate(self, target: float | None, now: float) -> float | None:
        return self.remaining


def _probe() -> tuple[ProbeCook, Estimate]:
    probe = ProbeCook("AA:BB", 1, ProbeTarget(target=95.0))
    fake = Estimate()
    probe.eta = fake  # type: ignore[assignment]
    return probe, fake


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_three_hours_away_a_wander_of_ten_minutes_is_not_shown() -> None:
    probe, estimate = _probe()
    estimate.remaining = 3 * 3600
    assert probe.update_eta(T0)
    assert probe.ready_at == _at(T0 + 3 * 3600)
    assert probe.remaining == 180

    estimate.remaining = 3 * 3600 + 10 * 60  # 10 min later than shown: under a tenth of 3 h
    assert not probe.update_eta(T0)
    assert probe.ready_at == _at(T0 + 3 * 3600)

    estimate.remaining = 3 * 3600 + 20 * 60  # 20 min: more than a tenth (18 min)
    assert probe.update_eta(T0)
    assert probe.ready_at == _at(T0 + 3 * 3600 + 20 * 60)


def test_near_the_end_a_minute_is_shown() -> None:
    probe, estimate = _probe()
    estimate.remaining = 5 * 60
    probe.update_eta(T0)
    estimate.remaining = 6 * 60  # a minute off, 5 minutes away
    assert probe.update_eta(T0)
    assert probe.ready_at == _at(T0 + 6 * 60)
    estimate.remaining = 6 * 60 + 20  # less than a minute: kept
    assert not probe.update_eta(T0)


def test_the_minutes_left_count_down_while_the_shown_time_stays() -> None:
    probe, estimate = _probe()
    estimate.remaining = 3600
    probe.update_eta(T0)
    estimate.remaining = 3600 - 60 + 120  # a minute later, the estimate two minutes later
    assert probe.update_eta(T0 + 60)
    assert probe.ready_at == _at(T0 + 3600)  # within a tenth of the hour: not moved
    assert probe.remaining == 59


def test_unknown_in_a_stall_and_back() -> None:
    probe, estimate = _probe()
    estimate.remaining = 3600
    probe.update_eta(T0)
    estimate.remaining = None
    assert probe.update_eta(T0 + 60)
    assert (probe.ready_at, probe.remaining) == (None, None)


def test_a_brisket_moves_the_shown_time_about_a_hundred_times_not_a_thousand() -> None:
    """README: a brisket moves it about 117 times (the rule of a minute: about 1060)."""
    profile = next(p for p in simulate.PROFILES if p.name == "brisket")
    moves = []
    for seed in range(3):
        cook = simulate.simulate_cook(profile, seed)
        probe = ProbeCook("AA:BB", 1, ProbeTarget(target=profile.target))
        fed: tuple[float, float] | None = None
        count = 0
        for t, reading in zip(cook.times, cook.readings, strict=True):
            if fed is None or reading != fed[1] or t - fed[0] >= REFRESH_SECONDS:
                probe.eta.add(t, reading)
                fed = (t, reading)
                shown = probe.ready_at
                probe.update_eta(t)
                count += probe.ready_at != shown
            if reading >= profile.target:
                break
        moves.append(count)
    assert all(60 <= count <= 200 for count in moves), moves
