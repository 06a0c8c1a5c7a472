"""Journey-level Pinpoint settings → report entries naming the journeysim equivalent.

journeysim keeps caps and quiet hours on the *workspace* (SPEC §1.1, §3.2), so a
Pinpoint journey's ``Limits``, ``QuietTime``, ``OpenHours`` and ``ClosedDays`` cannot
travel inside the journey: each becomes a report entry that says which workspace
setting to use (``dailyCap``, ``frequencyCap``, ``quietHours``) or that there is none.
Nothing here changes the bundle.
"""

from __future__ import annotations

from importers.pinpoint.models import OpenHours, QuietTime, WriteJourneyRequest
from importers.pinpoint.report import Reporter
from importers.pinpoint.servicemodel import pointer
from simulator.codes import ImportCode

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
    advice = {
        "DailyCap": (
            limits.daily_cap,
            "set the workspace dailyCap {{maxSends: {0}}} (journeysim caps count every "
            "journey's sends, not one journey's)",
        ),
        "TotalCap": (
            limits.total_cap,
            "a per-journey cap of {0} messages has no equivalent; the workspace frequencyCap "
            "is the closest setting",
        ),
        "EndpointReentryCap": (
            limits.endpoint_reentry_cap,
            "re-entry cap {0} has no equivalent: journeysim starts one execution per trigger event",
        ),
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
    for member, (value, message) in advice.items():
        if value is not None:
            location = pointer(at, member)
            report.add(ImportCode.LIMITS_SETTING, message.format(value), location=location)
    cap = limits.timeframe_cap
    if cap is not None and (cap.cap is not None or cap.days is not None):
        message = (
            f"set the workspace frequencyCap {{maxSends: {cap.cap}, windowDays: {cap.days}}} "
            "(journeysim caps count every journey's sends)"
        )
        report.add(ImportCode.LIMITS_SETTING, message, location=pointer(at, "TimeframeCap"))


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
