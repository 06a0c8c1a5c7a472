"""The send gates of SPEC §3.2: each decision flips exactly where it should."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.codes import Decision, Gate, Override, Reason
from simulator.engine import run_gates
from simulator.engine.gates import has_recipient, quiet_hours_end
from simulator.models import Channel, QuietHours, Subject, Workspace

NOW = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 10:00 in New York
EMAIL = Channel.EMAIL


def workspace(**fields) -> Workspace:
    base = {"id": "w", "projectKey": "pk", "name": "W"}
    return Workspace.model_validate({**base, **fields})


def subject(**fields) -> Subject:
    return Subject.model_validate({"endUserId": "u", **fields})


def gates(subj=None, ws=None, *, at=NOW, channel=EMAIL, sends=(), overrides=(), recipient=True):
    return run_gates(
        subj or subject(),
        channel,
        workspace=ws or workspace(),
        at=at,
        sends=sorted(sends),
        overrides=frozenset(Override(o) for o in overrides),
        recipient=recipient,
    )


def gate(outcome, name: Gate):
    return next(c for c in outcome.checks if c.gate is name)


def test_a_clean_subject_passes_every_gate_in_order():
    ws = workspace(
        quietHours={"timezone": "America/New_York"},
        dailyCap={"maxSends": 2},
        frequencyCap={"maxSends": 3, "windowDays": 7},
    )
    outcome = gates(ws=ws)
    assert outcome.decision is Decision.EXECUTED
    assert [c.gate for c in outcome.checks] == [
        Gate.SUPPRESSION,
        Gate.OPT_OUT,
        Gate.RECIPIENT,
        Gate.QUIET_HOURS,
        Gate.DAILY_CAP,
        Gate.FREQUENCY_CAP,
    ]
    assert all(c.passed and not c.overridden for c in outcome.checks)


# --- suppression -------------------------------------------------------------------------


def _suppressed(channel="email", at="2026-05-01T00:00:00Z"):
    return subject(suppressed=[{"channel": channel, "reason": "bounce", "at": at}])


def test_suppression_on_the_channel_blocks():
    outcome = gates(_suppressed())
    assert (outcome.decision, outcome.reason) == (Decision.BLOCKED, Reason.SUPPRESSION_MATCH)
    assert [c.gate for c in outcome.checks] == [Gate.SUPPRESSION]


def test_suppression_on_another_channel_does_not_block():
    assert gates(_suppressed("mobile_push")).decision is Decision.EXECUTED
    assert gates(_suppressed("email"), channel=Channel.MOBILE_PUSH).decision is Decision.EXECUTED


def test_a_suppression_recorded_after_now_does_not_exist_yet():
    later = (NOW + timedelta(seconds=1)).isoformat()
    assert gates(_suppressed(at=later)).decision is Decision.EXECUTED
    assert gates(_suppressed(at=NOW.isoformat())).decision is Decision.BLOCKED


def test_suppression_override_shows_the_gate_failed_but_overridden():
    outcome = gates(_suppressed(), overrides=["suppression"])
    assert outcome.decision is Decision.EXECUTED
    check = gate(outcome, Gate.SUPPRESSION)
    assert (check.passed, check.overridden, check.reason) == (False, True, Reason.SUPPRESSION_MATCH)


def test_other_overrides_do_not_bypass_suppression():
    outcome = gates(_suppressed(), overrides=["opt_out", "frequency_cap", "holdout"])
    assert outcome.reason is Reason.SUPPRESSION_MATCH


# --- opt-out -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "decision"),
    [
        ({"globalOptOut": True}, Decision.BLOCKED),
        ({"channelPreferences": {"email": False}}, Decision.BLOCKED),
        ({"channelPreferences": {"email": None}}, Decision.EXECUTED),
        ({"channelPreferences": {"email": True}}, Decision.EXECUTED),
        ({"channelPreferences": {"mobile_push": False}}, Decision.EXECUTED),
    ],
)
def test_opt_out_blocks_on_global_opt_out_or_a_false_preference_only(fields, decision):
    outcome = gates(subject(**fields))
    assert outcome.decision is decision
    if decision is Decision.BLOCKED:
        assert outcome.reason is Reason.OPT_OUT


def test_opt_out_override_lets_the_send_through():
    outcome = gates(subject(globalOptOut=True), overrides=["opt_out"])
    assert outcome.decision is Decision.EXECUTED
    check = gate(outcome, Gate.OPT_OUT)
    assert (check.passed, check.overridden) == (False, True)


def test_suppression_is_checked_before_opt_out():
    both = subject(
        globalOptOut=True,
        suppressed=[{"channel": "email", "reason": "complaint", "at": "2026-01-01T00:00:00Z"}],
    )
    assert gates(both).reason is Reason.SUPPRESSION_MATCH
    assert gates(both, overrides=["suppression"]).reason is Reason.OPT_OUT


# --- recipient ---------------------------------------------------------------------------


def test_missing_recipient_skips_and_has_no_override():
    outcome = gates(recipient=False, overrides=[o.value for o in Override])
    assert (outcome.decision, outcome.reason) == (Decision.SKIPPED, Reason.MISSING_RECIPIENT)


def test_email_recipient_comes_from_the_attribute_or_the_trigger_event():
    assert has_recipient(EMAIL, subject(attributes={"email": "a@b.co"}))
    assert not has_recipient(EMAIL, subject(attributes={"email": "  "}))
    assert not has_recipient(EMAIL, subject(), {"email": "a@b.co"}, None)
    assert has_recipient(EMAIL, subject(), {"email": "a@b.co"}, "email")
    assert has_recipient(EMAIL, subject(), {"contact": {"email": "a@b.co"}}, "contact.email")
    assert has_recipient(Channel.IN_APP_PUSH, subject())


def test_opt_out_is_checked_before_the_recipient():
    assert gates(subject(globalOptOut=True), recipient=False).reason is Reason.OPT_OUT


# --- quiet hours -------------------------------------------------------------------------

NY_QUIET = {"quietHours": {"start": "21:00", "end": "08:00", "timezone": "America/New_York"}}


def ny(hour: int, minute: int = 0, day: int = 1) -> datetime:
    # New York is UTC-4 in June.
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC) + timedelta(hours=4)


@pytest.mark.parametrize(
    ("local", "deferred_until"),
    [
        (ny(20, 59), None),
        (ny(21, 0), ny(8, 0, day=2)),
        (ny(23, 30), ny(8, 0, day=2)),
        (ny(0, 0, day=2), ny(8, 0, day=2)),
        (ny(7, 59, day=2), ny(8, 0, day=2)),
        (ny(8, 0, day=2), None),
    ],
)
def test_quiet_hours_edges_in_the_workspace_zone(local, deferred_until):
    outcome = gates(ws=workspace(**NY_QUIET), at=local)
    if deferred_until is None:
        assert outcome.decision is Decision.EXECUTED
    else:
        assert (outcome.decision, outcome.reason) == (Decision.DEFERRED, Reason.QUIET_HOURS)
        assert outcome.deferred_until == deferred_until


def test_quiet_hours_use_the_subject_zone_first():
    tokyo = subject(timezone="Asia/Tokyo")  # 14:00Z is 23:00 in Tokyo
    outcome = gates(tokyo, workspace(**NY_QUIET))
    assert outcome.decision is Decision.DEFERRED
    assert outcome.deferred_until == datetime(2026, 6, 1, 23, 0, tzinfo=UTC)
    assert gates(subject(), workspace(**NY_QUIET)).decision is Decision.EXECUTED


def test_quiet_hours_fall_back_to_utc_without_any_zone():
    quiet = QuietHours(start="13:00", end="15:00")
    assert quiet_hours_end(NOW, quiet, UTC) == datetime(2026, 6, 1, 15, tzinfo=UTC)
    assert quiet_hours_end(NOW + timedelta(hours=1), quiet, UTC) is None


def test_a_window_with_equal_start_and_end_is_empty():
    quiet = QuietHours(start="08:00", end="08:00")
    assert quiet_hours_end(NOW, quiet, UTC) is None


def test_quiet_hours_are_checked_after_the_recipient_and_before_the_caps():
    ws = workspace(dailyCap={"maxSends": 1}, **NY_QUIET)
    assert gates(ws=ws, at=ny(22), recipient=False).reason is Reason.MISSING_RECIPIENT
    assert gates(ws=ws, at=ny(22), sends=[ny(21)]).reason is Reason.QUIET_HOURS


# --- daily cap ---------------------------------------------------------------------------


def test_daily_cap_flips_between_n_minus_one_and_n_sends_today():
    ws = workspace(dailyCap={"maxSends": 2}, **NY_QUIET)
    one = [ny(8, 30)]
    two = [ny(8, 30), ny(9, 15)]
    assert gates(ws=ws, at=ny(10), sends=one).decision is Decision.EXECUTED
    outcome = gates(ws=ws, at=ny(10), sends=two)
    assert (outcome.decision, outcome.reason) == (Decision.SKIPPED, Reason.DAILY_CAP_EXCEEDED)


def test_daily_cap_counts_the_local_calendar_day():
    ws = workspace(dailyCap={"maxSends": 1})
    ny_subject = subject(timezone="America/New_York")
    # 02:00Z on 1 June is still 31 May in New York: it does not count on 1 June.
    late_may_local = [datetime(2026, 6, 1, 2, 0, tzinfo=UTC)]
    assert gates(ny_subject, ws, sends=late_may_local).decision is Decision.EXECUTED
    # The same send counts for a UTC subject (no zone anywhere): same UTC day.
    assert gates(subject(), ws, sends=late_may_local).reason is Reason.DAILY_CAP_EXCEEDED


def test_sends_after_now_are_not_counted():
    ws = workspace(dailyCap={"maxSends": 1}, frequencyCap={"maxSends": 1, "windowDays": 7})
    assert gates(ws=ws, sends=[NOW + timedelta(minutes=1)]).decision is Decision.EXECUTED


def test_frequency_cap_override_bypasses_the_daily_cap():
    ws = workspace(dailyCap={"maxSends": 1})
    outcome = gates(ws=ws, sends=[NOW - timedelta(hours=1)], overrides=["frequency_cap"])
    assert outcome.decision is Decision.EXECUTED
    assert (gate(outcome, Gate.DAILY_CAP).overridden, gate(outcome, Gate.DAILY_CAP).passed) == (
        True,
        False,
    )


# --- frequency cap -----------------------------------------------------------------------


def test_frequency_cap_flips_between_n_minus_one_and_n_sends_in_the_window():
    ws = workspace(frequencyCap={"maxSends": 3, "windowDays": 7})
    sends = [NOW - timedelta(days=d) for d in (1, 3)]
    assert gates(ws=ws, sends=sends).decision is Decision.EXECUTED
    outcome = gates(ws=ws, sends=[*sends, NOW - timedelta(days=5)])
    assert (outcome.decision, outcome.reason) == (Decision.SKIPPED, Reason.FREQUENCY_CAP_EXCEEDED)


def test_frequency_window_is_rolling_and_excludes_its_far_edge():
    ws = workspace(frequencyCap={"maxSends": 1, "windowDays": 7})
    assert gates(ws=ws, sends=[NOW - timedelta(days=7)]).decision is Decision.EXECUTED
    inside = NOW - timedelta(days=7) + timedelta(seconds=1)
    assert gates(ws=ws, sends=[inside]).reason is Reason.FREQUENCY_CAP_EXCEEDED


def test_daily_cap_is_checked_before_the_frequency_cap():
    ws = workspace(dailyCap={"maxSends": 1}, frequencyCap={"maxSends": 1, "windowDays": 7})
    assert gates(ws=ws, sends=[NOW - timedelta(hours=1)]).reason is Reason.DAILY_CAP_EXCEEDED


def test_frequency_cap_override_bypasses_the_frequency_cap():
    ws = workspace(frequencyCap={"maxSends": 1, "windowDays": 7})
    outcome = gates(ws=ws, sends=[NOW - timedelta(days=1)], overrides=["frequency_cap"])
    assert outcome.decision is Decision.EXECUTED
    check = gate(outcome, Gate.FREQUENCY_CAP)
    assert (check.passed, check.overridden, check.reason) == (
        False,
        True,
        Reason.FREQUENCY_CAP_EXCEEDED,
    )
    assert gates(ws=ws, sends=[NOW - timedelta(days=1)], overrides=["opt_out"]).decision is (
        Decision.SKIPPED
    )


@given(
    zone=st.sampled_from(
        ["UTC", "America/Sao_Paulo", "Australia/Lord_Howe", "America/Havana", "Asia/Kolkata"]
    ),
    offsets=st.lists(st.integers(-20 * 24 * 60, 2 * 24 * 60), max_size=40),
    at_offset=st.integers(-400 * 24 * 60, 400 * 24 * 60),
)
def test_the_daily_cap_bisection_counts_what_a_scan_counts(zone, offsets, at_offset):
    from zoneinfo import ZoneInfo

    from simulator.engine.gates import _sends_on_local_day

    where = ZoneInfo(zone)
    at = NOW + timedelta(minutes=at_offset)
    sends = sorted(at + timedelta(minutes=m) for m in offsets)
    today = at.astimezone(where).date()
    expected = sum(1 for s in sends if s <= at and s.astimezone(where).date() == today)
    assert _sends_on_local_day(sends, at, where) == expected
