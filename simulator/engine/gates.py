"""The send gates of SPEC §3.2, run once per (subject, channel) just before a send.

Order, first failure decides: suppression → opt-out → recipient → quiet hours →
daily cap → frequency cap. An overridden gate (SPEC §3.3) is recorded as
``passed: false, overridden: true`` and evaluation goes on; gates after the deciding
one are not evaluated and not recorded.

Documented decisions where the spec is silent:

* A suppression entry counts from its ``at``; one recorded after the virtual "now"
  does not exist yet.
* Recipient: ``email`` needs a non-empty ``email`` attribute, or a non-empty value at
  the trigger contract's ``recipientEmailFieldPath`` in the trigger event's properties.
  Push channels (``in_app_push``, ``mobile_push``) address the end user by
  ``endUserId`` through the push service, which owns device registration, so a push
  recipient is always present.
* Quiet hours are ``[start, end)`` of the **wall time** in the subject's zone (a window
  may span midnight; a window whose start equals its end is empty) and apply to every
  channel. Whether "now" is quiet is judged on the wall time the clocks show at that
  instant, and a send inside them is deferred to the **first instant at or after now
  whose wall time is outside the window**; the driver then re-runs every gate. So the
  deferral is never before now, and across a change of UTC offset:

  - an ``end`` the clocks skip (spring forward, ``end`` 02:30 in New York on
    2026-03-08) ends the quiet hours at the jump (07:00Z, when 01:59 EST becomes
    03:00 EDT), not an hour later;
  - an ``end`` the clocks show twice (fall back, ``end`` 01:30 on 2026-11-01) ends the
    quiet hours at the occurrence after now: 05:30Z (01:30 EDT) for a send at 01:10
    EDT, 06:30Z (01:30 EST) for one at the second 01:10, that is 01:10 EST;
  - a ``start`` the clocks skip is never reached that night, so quiet hours begin at
    the jump if the wall time after it is inside the window and not at all otherwise;
    a ``start`` shown twice begins them again at its second occurrence (the wall time
    is inside again); and a jump back to before ``start`` (fall back with quiet hours
    01:30-05:00) ends them at the jump, until the wall time reaches ``start`` again.

  These follow from the one rule and are what a subject's own clock shows.
* Caps count every send of the subject on any channel in any journey (``sendHistory``)
  plus earlier sends of the same trace, at or before "now". The frequency window is
  rolling: ``(now - windowDays, now]``. The daily cap counts the local calendar day.
* The subject's zone is its ``timezone``, else the workspace quiet-hours zone, else UTC.
* **The ends of the calendar** (years 1 and 9999) are handled, never raised: a send
  inside quiet hours that end after 9999-12-31 (a Tokyo evening on the last day, say)
  has no later time to be deferred to, so it is ``skipped`` with reason ``quiet_hours``
  and a detail saying so, and the execution goes on to the send's ``next``. In the
  last (or first) hours of the calendar, where the subject's local date would be in
  year 10000 (or 0), quiet hours and the daily cap are read in UTC instead, and a
  day or window that began before the calendar counts from its first moment.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from math import ceil
from typing import Any

from simulator.codes import Decision, Gate, Override, Reason
from simulator.engine.frozen import fast_init
from simulator.engine.predicates import lookup
from simulator.models import Channel, QuietHours, Subject, Workspace
from simulator.timezones import zone

__all__ = [
    "GateCheck",
    "GateOutcome",
    "has_recipient",
    "quiet_hours_end",
    "run_gates",
    "subject_zone",
]


@fast_init
@dataclass(frozen=True, slots=True)
class GateCheck:
    gate: Gate
    passed: bool
    reason: Reason | None = None
    overridden: bool = False
    detail: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class GateOutcome:
    decision: Decision
    """``executed`` when every gate passed (or was overridden)."""
    reason: Reason | None
    checks: tuple[GateCheck, ...]
    deferred_until: datetime | None = None


_PASSED = {gate: GateCheck(gate, True) for gate in Gate}


def subject_zone(subject: Subject, workspace: Workspace) -> tzinfo:
    """The zone of quiet hours and the daily cap: subject, workspace quiet hours, else UTC."""
    if subject.timezone:
        return zone(subject.timezone)
    if workspace.quiet_hours is not None:
        return zone(workspace.quiet_hours.timezone)
    return UTC


def has_recipient(
    channel: Channel,
    subject: Subject,
    trigger_properties: Mapping[str, Any] | None = None,
    recipient_email_path: str | None = None,
) -> bool:
    """Whether the channel has an address for this subject (see the module notes).

    >>> from simulator.models import Subject
    >>> has_recipient(Channel.EMAIL, Subject(endUserId="u"))
    False
    >>> has_recipient(Channel.EMAIL, Subject(endUserId="u"), {"email": "a@b.co"}, "email")
    True
    >>> has_recipient(Channel.MOBILE_PUSH, Subject(endUserId="u"))
    True
    """
    if channel is not Channel.EMAIL:
        return True
    if _present(subject.attributes.get("email")):
        return True
    if recipient_email_path and trigger_properties is not None:
        path = recipient_email_path.removeprefix("properties.")
        return _present(lookup(trigger_properties, path))
    return False


def _present(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def quiet_hours_end(moment: datetime, quiet: QuietHours, where: tzinfo) -> datetime | None:
    """When the quiet hours containing ``moment`` end (UTC), or None outside them;
    ``OverflowError`` when they end after the calendar's last day (:func:`run_gates`
    skips such a send).

    >>> from simulator.models import QuietHours
    >>> from datetime import datetime, timezone
    >>> q = QuietHours(start="21:00", end="08:00")
    >>> quiet_hours_end(datetime(2026, 6, 1, 22, tzinfo=timezone.utc), q, timezone.utc)
    datetime.datetime(2026, 6, 2, 8, 0, tzinfo=datetime.timezone.utc)
    >>> quiet_hours_end(datetime(2026, 6, 1, 8, tzinfo=timezone.utc), q, timezone.utc) is None
    True
    """
    return _quiet_end(moment.astimezone(where), quiet, where)


def _quiet_end(local: datetime, quiet: QuietHours, where: tzinfo) -> datetime | None:
    """:func:`quiet_hours_end` of a moment already in local time (aware, in ``where``).

    Between two changes of the zone's UTC offset the wall time moves with the clock,
    so it leaves the window only by reaching ``end``. The walk therefore assumes the
    current offset holds until the wall time reads ``end``; when the offset there is a
    different one, it stops at the change instead (:func:`_offset_change`) and judges
    the wall time it finds: outside the window (a jump forward past ``end``, or back
    before ``start``) ends the quiet hours there; inside, the walk goes on from it.
    ``datetime.combine(day, end, tzinfo=where)`` cannot do this: it reads a repeated
    ``end`` always as its first occurrence (which may be before "now") and a skipped
    one by the old offset (after the quiet hours really ended).

    Two offset changes within one quiet period that restore the first offset would
    not be seen; the tz database has no such pair (none within 30 hours in any zone).
    """
    start, end = _hhmm(quiet.start), _hhmm(quiet.end)
    if start == end or not _inside(local.time(), start, end):
        return None
    at = local.astimezone(UTC)
    while True:
        wall = local.replace(tzinfo=None)
        day = wall.date() if wall.time() < end else wall.date() + timedelta(days=1)
        reached = at + (datetime.combine(day, end) - wall)  # if the offset holds
        if reached.astimezone(where).utcoffset() == local.utcoffset():
            return reached
        at = _offset_change(at, reached, where)
        local = at.astimezone(where)
        if not _inside(local.time(), start, end):
            return at


def _inside(now: time, start: time, end: time) -> bool:
    """Whether the wall time ``now`` is in ``[start, end)`` (which may span midnight)."""
    return start <= now < end if start < end else (now >= start or now < end)


def _offset_change(at: datetime, later: datetime, where: tzinfo) -> datetime:
    """The first instant after ``at`` (UTC), at most ``later`` (whose offset in ``where``
    differs from ``at``'s), with another UTC offset than ``at``: found by bisection on
    whole seconds, since zone offsets change on whole seconds.

    >>> from zoneinfo import ZoneInfo
    >>> _offset_change(
    ...     datetime(2026, 3, 8, 6, 30, tzinfo=UTC),
    ...     datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
    ...     ZoneInfo("America/New_York"),
    ... )
    datetime.datetime(2026, 3, 8, 7, 0, tzinfo=datetime.timezone.utc)
    """
    offset = at.astimezone(where).utcoffset()
    base = at.replace(microsecond=0)
    low, high = 0, ceil((later - base).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if (base + timedelta(seconds=middle)).astimezone(where).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return base + timedelta(seconds=high)


@lru_cache(maxsize=64)
def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _failed(
    checks: list[GateCheck],
    overrides: frozenset[Override],
    gate: Gate,
    reason: Reason,
    decision: Decision,
    detail: str,
    override: Override | None = None,
) -> GateOutcome | None:
    """Record a failed gate: ``None`` (evaluation goes on) when ``override`` is given."""
    if override is not None and override in overrides:
        checks.append(GateCheck(gate, False, reason, overridden=True, detail=detail))
        return None
    checks.append(GateCheck(gate, False, reason, detail=detail))
    return GateOutcome(decision, reason, tuple(checks))


_FIRST_PASSED = (_PASSED[Gate.SUPPRESSION], _PASSED[Gate.OPT_OUT], _PASSED[Gate.RECIPIENT])


def run_gates(
    subject: Subject,
    channel: Channel,
    *,
    workspace: Workspace,
    at: datetime,
    sends: Sequence[datetime] = (),
    overrides: frozenset[Override] = frozenset(),
    recipient: bool = True,
    recent: Sequence[datetime] = (),
) -> GateOutcome:
    """Run the send gates in order; ``sends`` are the subject's earlier send times and
    ``recent`` more of them (this execution's), each sorted: the caps count them by
    bisection, O(log history) rather than O(history), without joining the two. The
    subject's zone is resolved and "now" converted to it once.

    ``recipient`` is the answer of :func:`has_recipient` (the caller knows the trigger).
    """
    where = subject_zone(subject, workspace)
    suppression = None
    if subject.suppressed:
        suppression = next(
            (s for s in subject.suppressed if s.channel is channel and s.at <= at), None
        )
    preference = getattr(subject.channel_preferences, channel._value_)
    if suppression is None and not subject.global_opt_out and preference is not False:
        checks = list(_FIRST_PASSED) if recipient else list(_FIRST_PASSED[:2])
    else:
        checks = []
        if suppression is None:
            checks.append(_PASSED[Gate.SUPPRESSION])
        else:
            detail = (
                f"{channel.value} suppressed ({suppression.reason}) since {_day(suppression.at)}"
            )
            decided = _failed(
                checks,
                overrides,
                Gate.SUPPRESSION,
                Reason.SUPPRESSION_MATCH,
                Decision.BLOCKED,
                detail,
                Override.SUPPRESSION,
            )
            if decided:
                return decided
        if not subject.global_opt_out and preference is not False:
            checks.append(_PASSED[Gate.OPT_OUT])
        else:
            detail = (
                "global opt-out"
                if subject.global_opt_out
                else f"{channel.value} preference is false"
            )
            decided = _failed(
                checks,
                overrides,
                Gate.OPT_OUT,
                Reason.OPT_OUT,
                Decision.BLOCKED,
                detail,
                Override.OPT_OUT,
            )
            if decided:
                return decided
        if recipient:
            checks.append(_PASSED[Gate.RECIPIENT])
    if not recipient:
        return _failed(
            checks,
            overrides,
            Gate.RECIPIENT,
            Reason.MISSING_RECIPIENT,
            Decision.SKIPPED,
            f"no {channel.value} address",
        )

    where, local = _placed(at, where)
    quiet = workspace.quiet_hours
    try:
        until = _quiet_end(local, quiet, where) if quiet is not None else None
    except OverflowError:  # inside quiet hours whose end is past the calendar's
        until = _BEYOND
    if until is None:
        checks.append(_PASSED[Gate.QUIET_HOURS])
    else:
        detail = (
            f"quiet hours {quiet.start}-{quiet.end} {_zone_name(where)}, "
            f"local time {local.strftime('%H:%M')}"
        )
        if until is _BEYOND:
            detail += "; they end after 9999-12-31, the end of the calendar: not deferred"
        checks.append(GateCheck(Gate.QUIET_HOURS, False, Reason.QUIET_HOURS, detail=detail))
        if until is _BEYOND:
            return GateOutcome(Decision.SKIPPED, Reason.QUIET_HOURS, tuple(checks))
        return GateOutcome(Decision.DEFERRED, Reason.QUIET_HOURS, tuple(checks), until)

    if workspace.daily_cap is not None:
        limit = workspace.daily_cap.max_sends
        today = local.date()
        count = 0
        if sends or recent:
            midnight = _midnight(today, where)
            count = _on_day(sends, at, midnight, today, where) + _on_day(
                recent, at, midnight, today, where
            )
        detail = f"{count} of {limit} sends on {today.isoformat()} ({_zone_name(where)})"
        if count < limit:
            checks.append(_check(Gate.DAILY_CAP, detail))
        else:
            decided = _failed(
                checks,
                overrides,
                Gate.DAILY_CAP,
                Reason.DAILY_CAP_EXCEEDED,
                Decision.SKIPPED,
                detail,
                Override.FREQUENCY_CAP,
            )
            if decided:
                return decided

    if workspace.frequency_cap is not None:
        cap = workspace.frequency_cap
        count = 0
        if sends or recent:
            since = _before(at, timedelta(days=cap.window_days))
            for part in (sends, recent):
                if part:
                    count += bisect_right(part, at) - bisect_right(part, since)
        detail = f"{count} of {cap.max_sends} sends in the last {cap.window_days} days"
        if count < cap.max_sends:
            checks.append(_check(Gate.FREQUENCY_CAP, detail))
        else:
            decided = _failed(
                checks,
                overrides,
                Gate.FREQUENCY_CAP,
                Reason.FREQUENCY_CAP_EXCEEDED,
                Decision.SKIPPED,
                detail,
                Override.FREQUENCY_CAP,
            )
            if decided:
                return decided

    return GateOutcome(Decision.EXECUTED, None, tuple(checks))


@lru_cache(maxsize=4096)
def _check(gate: Gate, detail: str) -> GateCheck:
    """A passed gate with its detail: the same few recur in every trace."""
    return GateCheck(gate, True, detail=detail)


def _sends_on_local_day(sends: Sequence[datetime], at: datetime, where: tzinfo) -> int:
    """Sends at or before ``at`` on ``at``'s local calendar day, by bisection."""
    if not sends:
        return 0
    where, local = _placed(at, where)
    today = local.date()
    return _on_day(sends, at, _midnight(today, where), today, where)


def _on_day(
    sends: Sequence[datetime], at: datetime, midnight: datetime, today: date, where: tzinfo
) -> int:
    """:func:`_sends_on_local_day` given the local day and its midnight (UTC).

    The day starts at local midnight, found from the naive midnight's instant: a time
    zone change moves it by at most a few hours, so the search starts three hours
    earlier and steps over the sends of the day before (a handful at most).
    """
    if not sends:
        return 0
    high = bisect_right(sends, at)
    low = bisect_left(sends, _before(midnight, _THREE_HOURS), 0, high)
    while low < high and _placed(sends[low], where)[1].date() < today:
        low += 1
    return high - low


_THREE_HOURS = timedelta(hours=3)
_FIRST = datetime.min.replace(tzinfo=UTC)
_BEYOND = datetime.max.replace(tzinfo=UTC)
"""Stands for a quiet-hours end past the calendar's last moment (no send waits for it)."""


def _placed(at: datetime, where: tzinfo) -> tuple[tzinfo, datetime]:
    """The zone the gates read ``at`` in, and ``at`` there: ``where``, or UTC when the
    local time in ``where`` is outside the calendar (the last or first hours of it,
    where the local date would be in year 10000 or 0).

    >>> from zoneinfo import ZoneInfo
    >>> _placed(datetime(9999, 12, 31, 20, tzinfo=UTC), ZoneInfo("Asia/Tokyo"))[0]
    datetime.timezone.utc
    """
    try:
        return where, at.astimezone(where)
    except OverflowError:
        return UTC, at.astimezone(UTC)


def _midnight(day: date, where: tzinfo) -> datetime:
    """The start (UTC) of the local ``day``; the calendar's first moment when the day
    began before it (0001-01-01 east of UTC)."""
    try:
        return datetime.combine(day, time(0), tzinfo=where).astimezone(UTC)
    except OverflowError:
        return _FIRST


def _before(moment: datetime, span: timedelta) -> datetime:
    """``moment - span``, or the calendar's first moment when that is before it."""
    try:
        return moment - span
    except OverflowError:
        return _FIRST


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


def _zone_name(where: tzinfo) -> str:
    return getattr(where, "key", None) or str(where)
