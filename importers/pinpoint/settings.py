"""Journey-level Pinpoint settings → report entries naming the journeysim equivalent.

journeysim keeps caps and quiet hours on the *workspace* (SPEC §1.1, §3.2), so a
Pinpoint journey's ``Limits``, ``QuietTime``, ``OpenHours`` and ``ClosedDays`` cannot
travel inside the journey: each becomes a report entry that says which workspace
setting to use (``dailyCap``, ``frequencyCap``, ``quietHours``) or that there is none.
Nothing here changes the bundle.

A cap of 0 is Pinpoint's "no limit" (its service model says so of ``TimeframeCap``'s
``Cap`` and ``Days``, ``TotalCap`` and the project-level ``DailyCap``; the journey's
``DailyCap`` is read the same way): the report says so and advises no setting, since a
journeysim cap needs ``maxSends`` of at least 1. Advice to set a workspace cap is the
JSON member to paste into ``workspace.json``, built through the workspace model, so
that advice followed validates.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from importers.pinpoint.models import (
    JourneyTimeframeCap,
    OpenHours,
    QuietTime,
    WriteJourneyRequest,
)
from importers.pinpoint.report import Reporter
from importers.pinpoint.servicemodel import pointer
from simulator.codes import ImportCode
from simulator.models import DailyCap, FrequencyCap, Model

__all__ = ["report_settings"]

_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_CHANNELS = ("EMAIL", "SMS", "PUSH", "VOICE", "CUSTOM")


def report_settings(journey: WriteJourneyRequest, at: str, report: Reporter) -> None:
    """Add one entry per journey-level setting that has no place in the journey."""
    _limits(journey, pointer(at, "Limits"), report)
    if journey.quiet_time is not None:
        _quiet_time(journey, journey.quiet_time, pointer(at, "QuietTime"), report)
    if journey.open_hours is not None:
        _open_hours(journey.open_hours, pointer(at, "OpenHours"), report)
    if journey.closed_days is not None:
        where = pointer(at, "ClosedDays")
        for channel in _CHANNELS:
            for k, rule in enumerate(getattr(journey.closed_days, channel.lower()) or []):
                span = f"{rule.start_date_time or '?'} to {rule.end_date_time or '?'}"
                message = (
                    f"{channel} closed day {rule.name or k} ({span}) has no equivalent: pause "
                    "the journey for that period, or add a wait `until` its end"
                )
                location = pointer(where, channel, k)
                report.add(ImportCode.CLOSED_DAYS_SETTING, message, location=location)
    if journey.schedule is not None:
        schedule = journey.schedule
        span = f"{schedule.start_time or 'now'} to {schedule.end_time or 'no end'}"
        message = (
            f"the journey ran on a schedule ({span}, {schedule.timezone or 'UTC'}); journeysim "
            "journeys run while active: publish and pause it at those times"
        )
        report.add(ImportCode.SCHEDULE_SETTING, message, location=pointer(at, "Schedule"))
    _others(journey, at, report)


def _limits(journey: WriteJourneyRequest, at: str, report: Reporter) -> None:
    limits = journey.limits
    if limits is None:
        return
    if limits.daily_cap is not None:
        message = _daily_cap(limits.daily_cap)
        report.add(ImportCode.LIMITS_SETTING, message, location=pointer(at, "DailyCap"))
    if limits.total_cap is not None:
        message = (
            "TotalCap 0 means no per-journey cap in Pinpoint: nothing to carry over, no "
            "setting needed"
            if limits.total_cap == 0
            else f"a per-journey cap of {limits.total_cap} messages has no equivalent; the "
            "workspace frequencyCap is the closest setting"
        )
        report.add(ImportCode.LIMITS_SETTING, message, location=pointer(at, "TotalCap"))
    if limits.endpoint_reentry_cap is not None:
        message = (
            "EndpointReentryCap 0 (unlimited re-entry in Pinpoint) is what journeysim does: "
            "every trigger event starts an execution; no setting needed"
            if limits.endpoint_reentry_cap == 0
            else f"re-entry cap {limits.endpoint_reentry_cap} has no equivalent: journeysim "
            "starts one execution per trigger event"
        )
        location = pointer(at, "EndpointReentryCap")
        report.add(ImportCode.LIMITS_SETTING, message, location=location)
    others = {
        "EndpointReentryInterval": (
            limits.endpoint_reentry_interval,
            "re-entry interval {0} has no equivalent: journeysim starts one execution per "
            "trigger event",
        ),
        "MessagesPerSecond": (
            limits.messages_per_second,
            "a send rate of {0}/s has no equivalent (delivery throughput is the platform's)",
        ),
    }
    for member, (value, message) in others.items():
        if value is not None:
            location = pointer(at, member)
            report.add(ImportCode.LIMITS_SETTING, message.format(value), location=location)
    if limits.timeframe_cap is not None:
        message = _timeframe_cap(limits.timeframe_cap)
        report.add(ImportCode.LIMITS_SETTING, message, location=pointer(at, "TimeframeCap"))


def _daily_cap(value: int) -> str:
    """The report of ``Limits.DailyCap``: 0 is Pinpoint's "no limit" (as its service
    model documents for the project-level DailyCap and every other cap), so it needs
    no setting; otherwise the workspace ``dailyCap`` to set, written as the JSON member
    to paste into ``workspace.json`` and checked against the workspace model, so that
    advice followed always validates (a value the model refuses is reported as such).

    >>> _daily_cap(0).split(" (")[0]
    'DailyCap 0 means no daily cap in Pinpoint: no setting needed'
    >>> _daily_cap(3).split(" (")[0]
    'set the workspace "dailyCap": {"maxSends": 3}'
    """
    if value == 0:
        return (
            "DailyCap 0 means no daily cap in Pinpoint: no setting needed (a workspace "
            "without dailyCap has none)"
        )
    advice = _setting("dailyCap", DailyCap, maxSends=value)
    if advice is None:
        return f"DailyCap {value} is not a cap (Pinpoint takes 0, no cap, to 100): not translated"
    return (
        f"{advice} (journeysim caps count every journey's sends on the subject's local "
        "calendar day, not one journey's in 24 hours)"
    )


def _timeframe_cap(cap: JourneyTimeframeCap) -> str:
    """The report of ``Limits.TimeframeCap``. Pinpoint documents 0 for either ``Cap`` or
    ``Days`` as "this limit will not apply", so a 0 in either means no cap and no
    setting; a cap missing ``Cap`` or ``Days`` (and without a 0) is incomplete: the
    report says which is missing and what to set, without inventing the value; a whole
    one becomes the workspace ``frequencyCap`` to paste, checked as :func:`_daily_cap`'s.

    >>> _timeframe_cap(JourneyTimeframeCap(Cap=0, Days=0)).split("):")[0]
    'TimeframeCap {Cap: 0, Days: 0} means no timeframe cap in Pinpoint (0 turns it off'
    >>> _timeframe_cap(JourneyTimeframeCap(Cap=5)).split(": it")[0]
    'TimeframeCap {Cap: 5} is incomplete'
    """
    given = ", ".join(
        f"{name}: {value}"
        for name, value in (("Cap", cap.cap), ("Days", cap.days))
        if value is not None
    )
    shown = f"TimeframeCap {{{given}}}"
    if 0 in (cap.cap, cap.days):
        return f"{shown} means no timeframe cap in Pinpoint (0 turns it off): no setting needed"
    if cap.cap is None and cap.days is None:
        return "TimeframeCap is empty (no Cap, no Days): no cap to carry over, no setting needed"
    # a missing member is checked as 1, the least either allows: the kept one must fit
    advice = _setting(
        "frequencyCap",
        FrequencyCap,
        maxSends=1 if cap.cap is None else cap.cap,
        windowDays=1 if cap.days is None else cap.days,
    )
    if advice is None:
        return (
            f"{shown} is not a cap journeysim can hold (Pinpoint takes Cap 0 to 100 and Days "
            "0 to 30; the workspace frequencyCap needs maxSends 1 or more and windowDays 1 to "
            "365): not translated"
        )
    if cap.days is None:
        return (
            f"{shown} is incomplete: it has no Days, the window the {cap.cap} messages are "
            f'counted in; to keep the cap, set the workspace "frequencyCap": {{"maxSends": '
            f'{cap.cap}, "windowDays": N}} with N the window you meant, 1 to 365 days'
        )
    if cap.cap is None:
        return (
            f"{shown} is incomplete: it has no Cap, the number of messages allowed in "
            f'{cap.days} days; to keep the cap, set the workspace "frequencyCap": '
            f'{{"maxSends": N, "windowDays": {cap.days}}} with N the number you meant, 1 or more'
        )
    return f"{advice} (journeysim caps count every journey's sends)"


def _setting(name: str, model: type[Model], **fields: int) -> str | None:
    """``set the workspace "<name>": <json>`` when ``fields`` make a valid ``model``."""
    try:
        value = model.model_validate(fields)
    except ValidationError:
        return None
    return f'set the workspace "{name}": {json.dumps(value.to_wire())}'


def _quiet_time(journey: WriteJourneyRequest, quiet: QuietTime, at: str, report: Reporter) -> None:
    message = (
        f'set the workspace quietHours {{start: "{quiet.start}", end: "{quiet.end}"}}: '
        "journeysim applies them in each subject's time zone (else the workspace's)"
    )
    if journey.wait_for_quiet_time is False:
        message += "; Pinpoint dropped messages in quiet time, journeysim defers them to its end"
    report.add(ImportCode.QUIET_TIME_SETTING, message, location=at)


def _open_hours(open_hours: OpenHours, at: str, report: Reporter) -> None:
    for channel in _CHANNELS:
        days = getattr(open_hours, channel.lower())
        if not days:
            continue
        windows = {(r.start_time, r.end_time) for rules in days.values() for r in rules}
        every_day = set(days) == set(_DAYS) and all(len(rules) == 1 for rules in days.values())
        if every_day and len(windows) == 1:
            start, end = next(iter(windows))
            message = (
                f"{channel} open hours {start}-{end} every day: set the workspace quietHours "
                f'{{start: "{end}", end: "{start}"}}'
            )
        else:
            message = (
                f"{channel} open hours that vary by day have no equivalent; the workspace "
                "quietHours (one daily window) is the closest setting"
            )
        report.add(ImportCode.OPEN_HOURS_SETTING, message, location=pointer(at, channel))


def _others(journey: WriteJourneyRequest, at: str, report: Reporter) -> None:
    notes = {
        "RefreshFrequency": journey.refresh_frequency,
        "RefreshOnSegmentUpdate": journey.refresh_on_segment_update,
        "TimezoneEstimationMethods": journey.timezone_estimation_methods,
        "JourneyChannelSettings": journey.journey_channel_settings,
        "LocalTime": journey.local_time,
    }
    for member, value in notes.items():
        if value is not None:
            message = f"{member} has no journeysim equivalent and was not imported"
            report.add(ImportCode.SETTING_NOT_TRANSLATED, message, location=pointer(at, member))
    if journey.state is not None:
        message = f"imported as a draft (the Pinpoint journey was {journey.state})"
        report.add(ImportCode.IMPORTED_AS_DRAFT, message, location=pointer(at, "State"))
