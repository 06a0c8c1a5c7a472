"""Adaptive arms: deterministic cold start, seeded Thompson sampling (SPEC §3.4)."""

from __future__ import annotations

import random

import pytest

from simulator.engine import MIN_SAMPLE_FLOOR, ArmStats, choose_arm
from simulator.engine.bandit import cold_start_arm
from simulator.engine.holdout import fnv1a32

ARMS = ["discount", "education"]


def _choose(stats, user="usr_a", rng=None):
    return choose_arm(
        ARMS,
        stats,
        journey_id="j",
        step_id="branch-2",
        end_user_id=user,
        rng=rng or random.Random(0),
    )


def test_cold_start_is_the_documented_hash_and_ignores_the_random_source():
    for n in range(50):
        user = f"usr_{n}"
        expected = fnv1a32(f"j::branch-2::{user}") % 2
        picks = {_choose(None, user, random.Random(seed)).index for seed in range(5)}
        assert picks == {expected}
        assert _choose(None, user).mode == "cold_start"
        assert _choose(None, user).arm_id == ARMS[expected]


def test_cold_start_spreads_subjects_over_the_arms():
    counts = [0, 0, 0]
    for n in range(3000):
        counts[cold_start_arm("j", "s", f"usr_{n}", 3)] += 1
    assert all(900 < c < 1100 for c in counts)


def test_cold_start_lasts_while_any_arm_is_below_the_floor():
    below = {"discount": ArmStats(5000, 400), "education": ArmStats(MIN_SAMPLE_FLOOR - 1, 0)}
    at_floor = {"discount": ArmStats(5000, 400), "education": ArmStats(MIN_SAMPLE_FLOOR, 0)}
    missing = {"discount": ArmStats(5000, 400)}
    assert _choose(below).mode == "cold_start"
    assert _choose(missing).mode == "cold_start"
    assert _choose(at_floor).mode == "thompson"


def test_thompson_prefers_the_better_arm_in_more_than_95_percent_of_draws():
    # Beta(90, 1152) vs Beta(55, 1134): goal 89 of 1240 reached vs 54 of 1187.
    stats = {"discount": ArmStats(1240, 89), "education": ArmStats(1187, 54)}
    assert (stats["discount"].alpha, stats["discount"].beta) == (90, 1152)
    assert (stats["education"].alpha, stats["education"].beta) == (55, 1134)
    rng = random.Random(20260601)
    first = sum(_choose(stats, rng=rng).arm_id == "discount" for _ in range(10_000))
    assert first > 9_500


def test_thompson_with_equal_posteriors_splits_evenly():
    stats = {"discount": ArmStats(1000, 100), "education": ArmStats(1000, 100)}
    rng = random.Random(7)
    first = sum(_choose(stats, rng=rng).arm_id == "discount" for _ in range(10_000))
    assert 4_800 <= first <= 5_200


def test_thompson_reports_posteriors_and_draws_and_is_reproducible():
    stats = {"discount": ArmStats(1240, 89), "education": ArmStats(1187, 54)}
    one = _choose(stats, rng=random.Random(3))
    two = _choose(stats, rng=random.Random(3))
    assert one == two
    assert [round(a.posterior_mean, 4) for a in one.arms] == [0.0725, 0.0463]
    assert all(a.sample is not None for a in one.arms)
    assert one.arm_id == max(one.arms, key=lambda a: a.sample).arm_id


@pytest.mark.parametrize(("reached", "goals"), [(-1, 0), (10, 11), (10, -1)])
def test_impossible_statistics_are_refused(reached, goals):
    with pytest.raises(ValueError):
        ArmStats(reached, goals)
