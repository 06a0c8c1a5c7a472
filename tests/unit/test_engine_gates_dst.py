"""Quiet hours and the daily cap across changes of UTC offset (DST and other zone
changes): the rule of ``simulator.engine.gates`` is wall-clock ``[start, end)`` in the
subject's zone, and a deferral goes to the first instant at or after now whose wall
time is outside the window. Exact repros first, then properties over every zone that
changes its offset, at instants near its changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.codes import Decision, Reason
from simulator.engine import run_gates
from simulator.engine.gates import _sends_on_local_day, quiet_hours_end
from simulator.models import Channel, QuietHours, Subject, Workspace


def _ny_gates(at: datetime, start: str, end: str):
    workspace = Workspace.model_validate(
        {
            "id": "ws",
            "projectKey": "pk",
            "name": "W",
            "holdoutPct": 0,
            "quietHours": {"start": start, "end": end, "timezone": "UTC"},
        }
    )
    subject = Subject.model_validate(
        {
            "endUserId": "u_ny",
            "attributes": {"email": "x@example.com"},
            "timezone": "America/New_York",
        }
    )
    return run_gates(subject, Channel.EMAIL, workspace=workspace, at=at)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- the exact repros --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "until"),
    [
        # the second 01:10 of 2026-11-01 (EST): quiet until the second 01:30, not the first
        ("2026-11-01T06:10:00Z", "2026-11-01T06:30:00Z"),
        # the first 01:10 (EDT): quiet until the first 01:30
        ("2026-11-01T05:10:00Z", "2026-11-01T05:30:00Z"),
        # 22:00 EDT the evening before: the first 01:30 ends it
        ("2026-11-01T02:00:00Z", "2026-11-01T05:30:00Z"),
    ],
)
def test_an_end_the_clocks_show_twice_ends_quiet_hours_at_the_next_occurrence(at, until):
    outcome = _ny_gates(_utc(at), "22:00", "01:30")
    assert (outcome.decision, outcome.reason) == (Decision.DEFERRED, Reason.QUIET_HOURS)
    assert outcome.deferred_until == _utc(until)


def test_between_the_two_occurrences_of_the_end_it_is_not_quiet():
    # 01:45 EDT is outside [22:00, 01:30); at 01:00 EST (06:00Z) it is quiet again
    assert _ny_gates(_utc("2026-11-01T05:45:00Z"), "22:00", "01:30").decision is (Decision.EXECUTED)
    assert _ny_gates(_utc("2026-11-01T06:00:00Z"), "22:00", "01:30").deferred_until == _utc(
        "2026-11-01T06:30:00Z"
    )


def test_an_end_the_clocks_skip_ends_quiet_hours_at_the_jump():
    # 01:30 EST; at 07:00Z 01:59:59 EST becomes 03:00 EDT, outside [01:00, 02:30)
    outcome = _ny_gates(_utc("2026-03-08T06:30:00Z"), "01:00", "02:30")
    assert (outcome.decision, outcome.reason) == (Decision.DEFERRED, Reason.QUIET_HOURS)
    assert outcome.deferred_until == _utc("2026-03-08T07:00:00Z")
    assert _ny_gates(_utc("2026-03-08T07:00:00Z"), "01:00", "02:30").decision is (Decision.EXECUTED)


@pytest.mark.parametrize(
    ("at", "decision", "until"),
    [
        # a start the clocks skip (02:15): the wall time after the jump (03:00) is inside
        # [02:15, 06:00), so quiet hours begin at the jump
        ("2026-03-08T06:59:59Z", Decision.EXECUTED, None),
        ("2026-03-08T07:00:00Z", Decision.DEFERRED, "2026-03-08T10:00:00Z"),
    ],
)
def test_a_start_the_clocks_skip_begins_quiet_hours_at_the_jump(at, decision, until):
    outcome = _ny_gates(_utc(at), "02:15", "06:00")
    assert outcome.decision is decision
    assert outcome.deferred_until == (None if until is None else _utc(until))


@pytest.mark.parametrize(
    ("at", "decision", "until"),
    [
        # quiet 01:15-01:45: 01:15 EDT to 01:45 EDT, and again 01:15 EST to 01:45 EST
        ("2026-11-01T05:20:00Z", Decision.DEFERRED, "2026-11-01T05:45:00Z"),
        ("2026-11-01T06:00:00Z", Decision.EXECUTED, None),
        ("2026-11-01T06:20:00Z", Decision.DEFERRED, "2026-11-01T06:45:00Z"),
    ],
)
def test_a_start_the_clocks_show_twice_begins_quiet_hours_twice(at, decision, until):
    outcome = _ny_gates(_utc(at), "01:15", "01:45")
    assert outcome.decision is decision
    assert outcome.deferred_until == (None if until is None else _utc(until))


def test_a_jump_back_before_the_start_ends_quiet_hours_at_the_jump():
    # quiet 01:30-05:00; 01:45 EDT, then at 06:00Z the clocks read 01:00 EST (outside)
    outcome = _ny_gates(_utc("2026-11-01T05:45:00Z"), "01:30", "05:00")
    assert outcome.deferred_until == _utc("2026-11-01T06:00:00Z")
    # from 01:30 EST (06:30Z) it is quiet again, until 05:00 EST
    assert _ny_gates(_utc("2026-11-01T06:30:00Z"), "01:30", "05:00").deferred_until == _utc(
        "2026-11-01T10:00:00Z"
    )


# --- properties near every zone's offset changes -------------------------------------------


@cache
def _changes(name: str) -> tuple[datetime, ...]:
    """The instants (UTC) at which ``name`` changes its UTC offset, 1970-2037: weekly
    samples, then bisection to the second (two changes within a week may show as one)."""
    where = ZoneInfo(name)
    found = []
    step = timedelta(days=7)
    low = datetime(1970, 1, 1, tzinfo=UTC)
    while low.year < 2038:
        high = low + step
        if low.astimezone(where).utcoffset() != high.astimezone(where).utcoffset():
            found.append(_bisect(low, high, where))
        low = high
    return tuple(found)


def _bisect(low: datetime, high: datetime, where: ZoneInfo) -> datetime:
    offset = low.astimezone(where).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(where).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high


ZONES = sorted(available_timezones())


@st.composite
def near_a_change(draw) -> tuple[ZoneInfo, datetime, datetime]:
    """A zone that changes its offset, one of its changes, and an instant within 30
    hours of it."""
    name = draw(st.sampled_from(ZONES).filter(lambda name: bool(_changes(name))))
    change = draw(st.sampled_from(_changes(name)))
    seconds = draw(st.integers(-30 * 3600, 30 * 3600))
    return ZoneInfo(name), change, change + timedelta(seconds=seconds)


def _hhmm(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


@st.composite
def windows_near(draw, where: ZoneInfo, change: datetime) -> QuietHours:
    """Quiet hours whose start and end are any time, or near the wall times the
    change skips or repeats."""
    before = (change - timedelta(seconds=1)).astimezone(where)
    after = change.astimezone(where)
    near = st.sampled_from([before, after]).flatmap(
        lambda wall: st.integers(-90, 90).map(lambda minutes: wall + timedelta(minutes=minutes))
    )
    anywhere = st.builds(time, st.integers(0, 23), st.integers(0, 59))
    ends = st.one_of(near.map(_hhmm), anywhere.map(_hhmm))
    return QuietHours(start=draw(ends), end=draw(ends))


def _inside(moment: datetime, quiet: QuietHours, where: ZoneInfo) -> bool:
    wall = moment.astimezone(where).time()
    start, end = time.fromisoformat(quiet.start), time.fromisoformat(quiet.end)
    if start == end:
        return False
    return start <= wall < end if start < end else (wall >= start or wall < end)


def _first_outside(now: datetime, quiet: QuietHours, where: ZoneInfo) -> datetime | None:
    """The oracle: the wall time can leave the window only at ``now``, at an offset
    change, or where it reads ``end``; the answer is the earliest such instant at or
    after ``now`` whose wall time is outside."""
    if not _inside(now, quiet, where):
        return None
    horizon = now + timedelta(hours=60)
    changes = [c for c in _changes(where.key) if now < c <= horizon]
    candidates = list(changes)
    end = time.fromisoformat(quiet.end)
    bounds = [now, *changes, horizon]
    for low, high in pairwise(bounds):
        offset = low.astimezone(where).utcoffset()
        first = (low + offset).date() - timedelta(days=1)
        for days in range(5):
            wall = datetime.combine(first + timedelta(days=days), end)
            instant = (wall - offset).replace(tzinfo=UTC)
            if low <= instant < high:
                candidates.append(instant)
    return min(c for c in candidates if not _inside(c, quiet, where))


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_a_deferral_is_never_before_now_and_is_the_first_moment_outside_quiet_hours(data):
    where, change, now = data.draw(near_a_change())
    quiet = data.draw(windows_near(where, change))
    until = quiet_hours_end(now, quiet, where)
    if not _inside(now, quiet, where):
        assert until is None
        return
    assert until is not None and until >= now
    assert not _inside(until, quiet, where)
    assert until == _first_outside(now, quiet, where)
    # and it is quiet all along until then (minute by minute, and just before)
    moment = now
    while moment < until:
        assert _inside(moment, quiet, where), moment
        moment += timedelta(minutes=1)
    assert _inside(until - timedelta(seconds=1), quiet, where) or until - now < timedelta(seconds=1)


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    offsets=st.lists(st.integers(-30 * 3600, 30 * 3600), max_size=30),
)
def test_the_daily_cap_counts_the_local_day_across_offset_changes(data, offsets):
    where, change, at = data.draw(near_a_change())
    sends = sorted(change + timedelta(seconds=s) for s in offsets)
    today = at.astimezone(where).date()
    expected = sum(1 for s in sends if s <= at and s.astimezone(where).date() == today)
    assert _sends_on_local_day(sends, at, where) == expected
