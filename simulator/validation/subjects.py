"""Checks on a subject document beyond its model: what a dry-run would refuse.

A subject's scripted ``futureEvents`` happen ``after`` (an ISO-8601 duration) the
dry-run's start. The model keeps ``after`` as text so that a dry-run given a subject
can say which entry is wrong; ``validate`` reports the same problem before any
dry-run is tried, as ``invalid_duration`` at ``/futureEvents/N/after``.
"""

from __future__ import annotations

from simulator.codes import FindingCode
from simulator.durations import parse_duration
from simulator.findings import Finding
from simulator.models import Subject
from simulator.validation.report import Report

__all__ = ["validate_subject"]


def validate_subject(subject: Subject) -> list[Finding]:
    """``invalid_duration`` for each scripted event whose ``after`` is not a duration.

    >>> bad = Subject.model_validate(
    ...     {"endUserId": "u", "futureEvents": [{"name": "e", "after": "3 days"}]}
    ... )
    >>> [(f.code.value, f.path) for f in validate_subject(bad)]
    [('invalid_duration', '/futureEvents/0/after')]
    """
    report = Report()
    for index, event in enumerate(subject.future_events):
        try:
            parse_duration(event.after)
        except ValueError as exc:
            message = f"subject {subject.end_user_id!r}: future event {event.name!r}: {exc}"
            report.add(FindingCode.INVALID_DURATION, message, f"/futureEvents/{index}/after")
    return report.findings()
