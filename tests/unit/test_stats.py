"""Runtime statistics: credible intervals, calibrated impact and step counts (SPEC §5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import beta

from simulator.engine.bandit import ArmStats
from simulator.stats import (
    TREND_DAYS,
    CohortCounts,
    arm_performance,
    calibrated_impact,
    converts,
    credible_interval_95,
    step_stats,
)


def test_the_issue_example_interval_matches_scipy_to_four_places():
    low, high = credible_interval_95(ArmStats(subjects_reached=1240, goal_events=89))
    assert (low, high) == (0.0587, 0.0875)
    exact = beta.ppf([0.025, 0.975], 1 + 89, 1 + 1240 - 89)
    assert (low, high) == (round(exact[0], 4), round(exact[1], 4))


@given(n=st.integers(0, 5000), data=st.data())
def test_intervals_contain_the_posterior_mean(n, data):
    g = data.draw(st.integers(0, n))
    stats = ArmStats(n, g)
    low, high = credible_interval_95(stats)
    assert 0 <= low <= round(stats.posterior_mean, 4) <= high <= 1


def test_arms_below_the_floor_are_cold_start_without_an_interval():
    cold = arm_performance("education", ArmStats(199, 12)).to_wire()
    warm = arm_performance("discount", ArmStats(200, 12)).to_wire()
    assert cold["coldStart"] is True and "credibleInterval95" not in cold
    assert "coldStart" not in warm and len(warm["credibleInterval95"]) == 2
    assert warm["rate"] == 0.06


def test_an_arm_nobody_reached_has_rate_zero():
    assert arm_performance("a", ArmStats()).rate == 0.0


def test_the_seed_example_reproduces_its_rates_and_an_exact_lift():
    report = calibrated_impact(
        {date(2026, 6, 1): CohortCounts(4500, 240, 312, 9)}, date(2026, 6, 1)
    )
    wire = report.to_wire()
    assert wire["triggered"] == {"exposed": 4500, "holdout": 240}
    assert wire["converted"] == {"exposed": 312, "holdout": 9}
    assert (wire["exposureRate"], wire["holdoutRate"]) == (0.0693, 0.0375)
    # From the exact counts, not from the rounded rates (which would give the seed's 0.848).
    assert round(wire["lift"], 3) == 0.849
    assert wire["lift"] == round((312 / 4500 - 9 / 240) / (9 / 240), 4)
    assert wire["underpowered"] is False


@pytest.mark.parametrize(
    ("exposed", "holdout", "flag"), [(99, 500, True), (500, 99, True), (100, 100, False)]
)
def test_underpowered_when_either_cohort_is_below_one_hundred(exposed, holdout, flag):
    report = calibrated_impact(
        {date(2026, 6, 1): CohortCounts(exposed, holdout, 1, 1)}, date(2026, 6, 1)
    )
    assert report.underpowered is flag


def test_lift_is_null_when_the_holdout_never_converts():
    report = calibrated_impact({date(2026, 6, 1): CohortCounts(300, 200, 30, 0)}, date(2026, 6, 1))
    assert report.lift is None and report.holdout_rate == 0.0


def test_the_trend_has_thirty_days_ending_today_and_totals_cover_all_time():
    today = date(2026, 7, 1)
    old = today - timedelta(days=40)
    days = {old: CohortCounts(10, 1, 1, 0), today: CohortCounts(5, 2, 2, 1)}
    wire = calibrated_impact(days, today).to_wire()
    trend = wire["dailyTrend"]
    assert len(trend) == TREND_DAYS
    assert trend[0]["date"] == (today - timedelta(days=29)).isoformat()
    assert trend[-1] == {"date": "2026-07-01", **CohortCounts(5, 2, 2, 1).to_wire()}
    assert sum(b["triggered"]["exposed"] for b in trend) == 5
    assert wire["triggered"] == {"exposed": 15, "holdout": 3}


def test_conversion_window_is_inclusive_at_both_ends():
    start = datetime(2026, 6, 1, 14, tzinfo=UTC)
    assert converts(start, start, 7)
    assert converts(start, start + timedelta(days=7), 7)
    assert not converts(start, start - timedelta(seconds=1), 7)
    assert not converts(start, start + timedelta(days=7, seconds=1), 7)


def test_step_stats_count_blocked_as_skipped_by_reason_and_list_every_step():
    rows = step_stats(
        [("send-1", "send"), ("wait-1", "wait"), ("exit", "exit")],
        {
            ("send-1", "executed", None): 5,
            ("send-1", "blocked", "opt_out"): 2,
            ("send-1", "skipped", "frequency_cap_exceeded"): 1,
            ("send-1", "failed", "template_error"): 1,
            ("send-1", "deferred", "quiet_hours"): 4,
            ("wait-1", "executed", None): 5,
        },
    )
    assert [r.to_wire() for r in rows] == [
        {
            "stepId": "send-1",
            "type": "send",
            "executed": 5,
            "skipped": 3,
            "failed": 1,
            "skippedByReason": {"frequency_cap_exceeded": 1, "opt_out": 2},
        },
        {
            "stepId": "wait-1",
            "type": "wait",
            "executed": 5,
            "skipped": 0,
            "failed": 0,
            "skippedByReason": {},
        },
        {
            "stepId": "exit",
            "type": "exit",
            "executed": 0,
            "skipped": 0,
            "failed": 0,
            "skippedByReason": {},
        },
    ]
