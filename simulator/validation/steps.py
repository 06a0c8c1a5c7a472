"""Per-step checks: sends, waits, branches and webhooks (everything but the graph).

Each check reads one raw step (a mapping, possibly malformed) and looks only at
fields of the right type; wrong types are the document check's business. Work per
step is constant (durations are parsed once per distinct text), so a journey is
checked in one pass.

Decisions where SPEC §2 is silent:

* ``insecure_webhook_url`` warns for every ``http://`` URL, loopback included: a
  journey is published to run elsewhere, where ``localhost`` means something else.
  A URL no HTTP call can be made to (``not a url``, ``hooks.example.com/x`` without a
  scheme, ``ftp://…``, no host) is an ``invalid_document`` error instead: the step
  could only fail when it runs, so it must not publish.
* A conditional branch needs at least one rule (with ``defaultNext`` that makes
  two ways out); an adaptive branch needs 2 to 8 arms. Both are
  ``branch_needs_two_arms``.
* ``long_wait`` judges a duration by the longest it can last
  (:attr:`~simulator.durations.Duration.longest`: a year 366 days, any other month 31),
  so ``P1Y`` and ``P12M`` (up to 366 days) warn and ``P365D`` does not; the message
  gives that longest length. It applies to ``duration`` and to an ``untilEvent``
  timeout; an ``until`` timestamp is compared with ``now`` only.
* An ``until`` whose instant is outside years 1 to 9999 *in UTC* is ``invalid_wait``
  (``9999-12-31T23:59:59-05:00`` is valid as written, and year 10000 in UTC): the
  engine keeps every time in UTC and could not schedule it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from simulator.codes import FindingCode
from simulator.durations import (
    Duration,
    in_calendar,
    parse_duration,
    parse_timestamp,
    utc_seconds,
)
from simulator.models import Communication, CommunicationKind
from simulator.suggestions import absent
from simulator.validation.pointers import join
from simulator.validation.predicates import check_predicate
from simulator.validation.report import Report
from simulator.validation.templates import check_template_field
from simulator.validation.wire import is_object
from simulator.wording import counted

__all__ = ["LONG_WAIT_DAYS", "MAX_ARMS", "StepEnv", "aware", "check_step"]

LONG_WAIT_DAYS = 365
"""Waits that can last longer than this many days get ``long_wait``."""
_LONG_WAIT = timedelta(days=LONG_WAIT_DAYS)
MAX_ARMS = 8
_WAIT_SHAPES = ("duration", "until", "untilEvent")


@dataclass(frozen=True)
class StepEnv:
    """What step checks consult besides the step; ``None`` skips a cross-document check."""

    communications: Mapping[str, Communication] | None
    segments: Collection[str] | None
    invalid_communications: Mapping[str, str]
    """Ids of communications whose files did not validate → the file."""
    invalid_segments: Mapping[str, str]
    now: datetime | None
    template_names: frozenset[str] | None
    check_templates: bool
    has_goal: bool


def check_step(step: Any, position: int, env: StepEnv, report: Report) -> None:
    """Report the findings of one step (not its references: see :mod:`.graph`)."""
    if not is_object(step):
        return
    kind = step.get("type")
    check = _CHECKS.get(kind) if isinstance(kind, str) else None
    if check is not None:
        step_id = step.get("id")
        check(
            step, f"/steps/{position}", env, report, step_id if isinstance(step_id, str) else None
        )


def _name(kind: str, step_id: str | None, base: str) -> str:
    return f"{kind} step {step_id!r}" if step_id else f"{kind} step at {base}"


def _check_send(step: Mapping, base: str, env: StepEnv, report: Report, sid: str | None) -> None:
    comm_id = step.get("communicationId")
    if env.communications is None or not isinstance(comm_id, str):
        return
    comm = env.communications.get(comm_id)
    channel = step.get("channel")
    if comm is not None and comm.kind is CommunicationKind.MARKETING and channel is None:
        return  # the common case: nothing to report, nothing to format
    name = _name("send", sid, base)
    if comm is None:
        message = f"{name} refers to communication {comm_id!r}"
        message += absent(comm_id, env.communications, env.invalid_communications)
        report.add(FindingCode.UNKNOWN_COMMUNICATION, message, f"{base}/communicationId", sid)
        return
    if comm.kind is CommunicationKind.TRANSACTIONAL:
        message = (
            f"{name} sends transactional communication {comm_id!r}; "
            "journeys may only send marketing communications"
        )
        code = FindingCode.SEND_STEP_USES_TRANSACTIONAL_COMM
        report.add(code, message, f"{base}/communicationId", sid)
    supported = ", ".join(comm.channels) or "no channel"
    if isinstance(channel, str) and channel in _CHANNELS and channel not in comm.channels:
        message = f"{name} sends on {channel!r}, but communication {comm_id!r} supports {supported}"
        report.add(FindingCode.CHANNEL_NOT_SUPPORTED, message, f"{base}/channel", sid)
    elif channel is None and not comm.channels:
        message = f"{name} has no channel and communication {comm_id!r} lists none to default to"
        report.add(FindingCode.CHANNEL_NOT_SUPPORTED, message, f"{base}/communicationId", sid)


_CHANNELS = frozenset({"email", "in_app_push", "mobile_push"})


def _check_wait(step: Mapping, base: str, env: StepEnv, report: Report, sid: str | None) -> None:
    duration = step.get("duration")
    if isinstance(duration, str) and step.get("until") is None and step.get("untilEvent") is None:
        parsed = _parse_duration(duration)
        if not isinstance(parsed, str) and parsed.longest <= _LONG_WAIT:
            return  # the common case: nothing to report, nothing to format
    name = _name("wait", sid, base)
    shapes = [shape for shape in _WAIT_SHAPES if step.get(shape) is not None]
    if len(shapes) != 1:
        found = f"it has {' and '.join(shapes)}" if shapes else "it has none"
        message = f"{name} needs exactly one of duration, until or untilEvent; {found}"
        report.add(FindingCode.INVALID_WAIT, message, base, sid)
    if isinstance(duration, str):
        _check_duration(duration, f"{base}/duration", f"{name} duration", report, sid)
    until = step.get("until")
    if isinstance(until, str):
        _check_until(until, f"{base}/until", name, env.now, report, sid)
    until_event = step.get("untilEvent")
    timeout = until_event.get("timeout") if isinstance(until_event, Mapping) else None
    if isinstance(timeout, str):
        pointer = f"{base}/untilEvent/timeout"
        _check_duration(timeout, pointer, f"{name} untilEvent timeout", report, sid)


@lru_cache(maxsize=4096)
def _parse_duration(text: str) -> Duration | str:
    try:
        return parse_duration(text)
    except ValueError as exc:
        return str(exc)


def _check_duration(text: str, pointer: str, where: str, report: Report, sid: str | None) -> None:
    parsed = _parse_duration(text)
    if isinstance(parsed, str):
        report.add(FindingCode.INVALID_DURATION, f"{where}: {parsed}", pointer, sid)
    elif parsed.longest > _LONG_WAIT:
        lasts = "lasts up to" if parsed.months else "lasts"  # years and months vary
        message = (
            f"{where} {text!r} {lasts} {_length(parsed.longest)}, longer than {LONG_WAIT_DAYS} days"
        )
        report.add(FindingCode.LONG_WAIT, message, pointer, sid)


def _length(span: timedelta) -> str:
    """``span`` in days and the time left over, unrounded: a wait a minute over the
    limit must not read as the limit itself.

    >>> _length(timedelta(days=366)), _length(timedelta(days=365, minutes=1, seconds=1.5))
    ('366 days', '365 days 1 minute 1.5 seconds')
    >>> _length(timedelta(days=365, seconds=59, microseconds=999999))
    '365 days 59.999999 seconds'
    """
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [counted(span.days, "day")]
    parts += [counted(n, unit) for n, unit in ((hours, "hour"), (minutes, "minute")) if n]
    if seconds or span.microseconds:
        shown = f"{seconds}.{span.microseconds:06d}".rstrip("0").rstrip(".")
        parts.append(f"{shown} second{'' if shown == '1' else 's'}")
    return " ".join(parts)


def _check_until(
    text: str, pointer: str, name: str, now: datetime | None, report: Report, sid: str | None
) -> None:
    try:
        moment = parse_timestamp(text)
    except ValueError as exc:
        message = f"{name}: until must be an ISO-8601 timestamp with an offset: {exc}"
        report.add(FindingCode.INVALID_WAIT, message, pointer, sid)
        return
    if not in_calendar(moment):  # the engine keeps and schedules every time in UTC
        message = f"{name}: until {text!r} is outside the calendar in UTC (years 1 to 9999)"
        report.add(FindingCode.INVALID_WAIT, message, pointer, sid)
        return
    if now is not None and moment < now:
        message = f"{name} waits until {text}, which is before now ({utc_seconds(now)})"
        report.add(FindingCode.WAIT_UNTIL_IN_PAST, message, pointer, sid)


def _check_branch(step: Mapping, base: str, env: StepEnv, report: Report, sid: str | None) -> None:
    mode = step.get("mode")
    if mode == "conditional":
        _check_conditional(step, base, env, report, sid)
    elif mode == "adaptive":
        _check_adaptive(step, base, env, report, sid)


def _check_conditional(
    step: Mapping, base: str, env: StepEnv, report: Report, sid: str | None
) -> None:
    name = _name("conditional branch", sid, base)
    rules = step.get("rules")
    if not isinstance(rules, list):
        return
    if not rules:
        message = f"{name} has no rules; it needs at least one rule besides defaultNext"
        report.add(FindingCode.BRANCH_NEEDS_TWO_ARMS, message, f"{base}/rules", sid)
    for k, rule in enumerate(rules):
        if is_object(rule):
            pointer = f"{base}/rules/{k}/when"
            where = f"{name}, rules[{k}].when"
            check_predicate(
                rule.get("when"),
                pointer,
                report,
                where=where,
                segments=env.segments,
                invalid_segments=env.invalid_segments,
                step_id=sid,
            )


def _check_adaptive(
    step: Mapping, base: str, env: StepEnv, report: Report, sid: str | None
) -> None:
    name = _name("adaptive branch", sid, base)
    if not env.has_goal:
        message = f"{name} learns from the goal event, but the journey has no goalEventName"
        report.add(FindingCode.ADAPTIVE_BRANCH_WITHOUT_GOAL, message, base, sid)
    arms = step.get("arms")
    if not isinstance(arms, list):
        return
    if not 2 <= len(arms) <= MAX_ARMS:
        has = counted(len(arms), "arm")
        message = f"{name} has {has}; an adaptive branch needs 2 to {MAX_ARMS}"
        report.add(FindingCode.BRANCH_NEEDS_TWO_ARMS, message, f"{base}/arms", sid)
    seen: dict[str, int] = {}
    for k, arm in enumerate(arms):
        arm_id = arm.get("armId") if is_object(arm) else None
        if not isinstance(arm_id, str):
            continue
        if arm_id in seen:
            message = f"{name}: arm id {arm_id!r} is already used by arms[{seen[arm_id]}]"
            report.add(FindingCode.DUPLICATE_ARM_ID, message, f"{base}/arms/{k}/armId", sid)
        else:
            seen[arm_id] = k


def _check_webhook(step: Mapping, base: str, env: StepEnv, report: Report, sid: str | None) -> None:
    name = _name("webhook", sid, base)
    url = step.get("url")
    if isinstance(url, str) and url:
        problem = _url_problem(url)
        if problem is _PLAIN_HTTP:
            message = f"{name} calls {url!r}, {problem}; use https"
            report.add(FindingCode.INSECURE_WEBHOOK_URL, message, f"{base}/url", sid)
        elif problem:
            message = f"{name} calls {url!r}, {problem}: give an https:// URL with a host"
            report.add(FindingCode.INVALID_DOCUMENT, message, f"{base}/url", sid)
    if not env.check_templates:
        return
    where = f"{name} bodyTemplate"
    known = env.template_names
    check_template_field(
        step.get("bodyTemplate"),
        f"{base}/bodyTemplate",
        report,
        where=where,
        known=known,
        step_id=sid,
    )
    headers = step.get("headers")
    if isinstance(headers, Mapping):
        for header, value in headers.items():
            pointer = join(base, "headers", header)
            where = f"{name} header {header!r}"
            check_template_field(value, pointer, report, where=where, known=known, step_id=sid)


_PLAIN_HTTP = "which is plain http (unencrypted)"


@lru_cache(maxsize=4096)
def _url_problem(url: str) -> str | None:
    """Why ``url`` is not an https URL with a host (:data:`_PLAIN_HTTP` for an http one
    that can be called), or ``None``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "which is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return "which is not an HTTP URL" if scheme else "which is not a URL (no scheme)"
    if not parts.hostname:
        return "which names no host"
    return _PLAIN_HTTP if scheme == "http" else None


_CHECKS = {
    "send": _check_send,
    "wait": _check_wait,
    "branch": _check_branch,
    "webhook": _check_webhook,
}


def aware(moment: datetime | None) -> datetime | None:
    """``moment`` with UTC assumed when it has no offset (so comparisons never raise)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
