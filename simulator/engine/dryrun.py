"""``simulate``: one subject through one journey on a virtual clock (SPEC §3).

It calls the same eligibility evaluator and step planners as the runtime; the driver
(:mod:`simulator.engine.driver`) applies their effects without delivering anything:
``Deliver`` renders the message masked, ``CallWebhook`` renders the body masked, waits
move the virtual clock.

Documented decisions where the spec is silent:

* The default start is :data:`DEFAULT_START` (2026-06-01T14:00:00Z, the instant the
  bundled fixtures are written for), or the trigger event's time when one is given
  as an ``Event`` and ``at`` is not. The wall clock is never read.
* Scripted ``futureEvents`` happen ``after`` the start (the trigger time). Events of
  the subject's snapshot dated after the start happen too, at their own time.
* A dry-run is the trigger firing at the start (SPEC §3.1). The trigger event (what
  templates see as ``event``) is ``trigger_event`` when given (a mapping of properties
  becomes the contract's event at the start); else the subject's latest event named by
  the journey's trigger contract at or before the start ("the subject already has
  it"); else the dry-run adds that event to the subject's events at the start, with
  the contract's required properties taken from the subject's attributes of the same
  name and type, or a placeholder of the type (``"example"``, ``1``, ``true``, ``{}``,
  ``[]``); the trace's ``trigger.injected`` is then ``true``. So an attributes-only
  subject meets audience leaves about the trigger event, as it would in production.
  A journey without a trigger contract has no trigger event.
* ``untilEvent`` resumes on the first matching event from the moment the wait starts
  up to and including its timeout; otherwise the timeout path is taken at the timeout.
* The goal converts when a goal event happens between the start and ``windowDays``
  later (both inclusive: :func:`simulator.stats.impact.converts`, the rule the
  runtime's calibrated impact counts by), whether or not the subject is still in the
  journey; the trigger event is never its own goal. It is reported for held-out and
  ineligible subjects too (calibrated impact needs both).
* A journey that loops (invalid, but simulated anyway) stops at the first repeated
  step with a ``cycle_detected`` warning; a reference to a missing step stops with
  ``unknown_step``.
* Input the dry-run cannot walk is an :class:`~simulator.errors.InputError` with code
  ``invalid_request`` (exit 2 on the CLI, 400 on the API), never a crash: a scripted
  future event whose ``after`` is not a duration (location ``futureEvents/<i>/after``),
  or a start so close to the ends of the calendar (years 1 and 9999) that its virtual
  times cannot be computed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from simulator.codes import ApiErrorCode, EntryDecision, Override
from simulator.durations import parse_duration
from simulator.engine.bandit import ArmStats
from simulator.engine.delivery import DryRunDelivery
from simulator.engine.driver import walk
from simulator.engine.eligibility import evaluate_entry
from simulator.engine.stepper import ExecutionEnv, TriggerInfo
from simulator.engine.trace import (
    Trace,
    TraceEntry,
    TraceGoal,
    TraceOutcome,
    TraceSubject,
    TraceTrigger,
)
from simulator.engine.trace_parts import audience_part, gate_parts, holdout_part
from simulator.errors import InputError, UnknownOverrideError
from simulator.models import Event, Journey, Subject, TriggerContract
from simulator.models.trigger import has_json_type
from simulator.stats.impact import converts
from simulator.world import World

__all__ = [
    "DEFAULT_START",
    "derive_seed",
    "dry_run_env",
    "parse_overrides",
    "simulate",
    "within_calendar",
]

DEFAULT_START = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
"""The virtual start of a dry-run when none is given."""
_CANNOT_RUN = ApiErrorCode.INVALID_REQUEST
"""The code of the input errors below (the generic bad-request code, from the one
place stable codes live)."""


def parse_overrides(overrides: Iterable[str | Override]) -> frozenset[Override]:
    """The override set; ``UnknownOverrideError`` names an unknown one, at its index
    (``/overrides/1``), with the closest known one when there is one.

    >>> sorted(parse_overrides(["holdout", "opt_out"]))
    [<Override.HOLDOUT: 'holdout'>, <Override.OPT_OUT: 'opt_out'>]
    """
    if not overrides:
        return _NONE
    known = _KNOWN
    parsed = set()
    for index, name in enumerate(overrides):
        if str(name) not in known:
            from simulator.engine.detectors import scrub_id
            from simulator.suggestions import did_you_mean

            expected = ", ".join(sorted(known))
            raise UnknownOverrideError(
                f"unknown override {scrub_id(str(name))!r}{did_you_mean(str(name), known)}; "
                f"expected one of {expected}",
                location=f"/overrides/{index}",
            )
        parsed.add(Override(str(name)))
    return frozenset(parsed)


_KNOWN = frozenset(o.value for o in Override)
_NONE: frozenset[Override] = frozenset()


@lru_cache(maxsize=16_384)
def derive_seed(journey_id: str, version: int | str | None, end_user_id: str) -> int:
    """The default seed of a trace: stable in (journey, version, subject), below 2**48.

    >>> derive_seed("j", 1, "u") == derive_seed("j", 1, "u") != derive_seed("j", 2, "u")
    True
    """
    text = f"{journey_id}::{'draft' if version is None else version}::{end_user_id}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:6], "big")


def simulate(
    journey: Journey,
    subject: Subject,
    *,
    world: World,
    overrides: Iterable[str | Override] = (),
    at: datetime | None = None,
    seed: int | None = None,
    arm_stats: Mapping[str, Mapping[str, ArmStats]] | None = None,
    version: int | None = None,
    status: str | None = None,
    trigger_event: Event | Mapping[str, Any] | None = None,
) -> Trace:
    """Walk ``subject`` through ``journey`` and return the (masked) trace. Pure."""
    active = parse_overrides(overrides)
    start = at or (trigger_event.at if isinstance(trigger_event, Event) else DEFAULT_START)
    if start.tzinfo is None:
        raise ValueError("the dry-run start needs a UTC offset")
    with within_calendar(start):
        start.astimezone(UTC)  # traces show UTC times: the start must have one
        return _simulate(
            journey, subject, world, active, start, seed, arm_stats, version, status, trigger_event
        )


@contextmanager
def within_calendar(start: datetime) -> Iterator[None]:
    """Run a dry-run's work (the trace, or fitting a synthetic subject, which places
    scripted events after ``start``) so that a time past year 9999 (or before year 1)
    is the caller's bad ``at``, an ``InputError``, not an internal ``OverflowError``.
    The hint says which way to move it: a start in the first half of the calendar left
    it before year 1 (``0001-01-01T00:00:00+05:00`` is year 0 in UTC), nothing a dry-run
    computes spanning half of it."""
    try:
        yield
    except OverflowError as exc:
        way = "a later" if start < _MIDDLE_OF_THE_CALENDAR else "an earlier"
        raise InputError(
            f"the dry-run starting at {start.isoformat()} leaves the calendar (years 1 to "
            f"9999): give {way} start",
            code=_CANNOT_RUN,
            location="at",
        ) from exc


_MIDDLE_OF_THE_CALENDAR = datetime(5000, 1, 1, tzinfo=UTC)


def _simulate(
    journey: Journey,
    subject: Subject,
    world: World,
    active: frozenset[Override],
    start: datetime,
    seed: int | None,
    arm_stats: Mapping[str, Mapping[str, ArmStats]] | None,
    version: int | None,
    status: str | None,
    trigger_event: Event | Mapping[str, Any] | None,
) -> Trace:
    seed = derive_seed(journey.id, version, subject.end_user_id) if seed is None else seed
    env = dry_run_env(journey, subject, world, active, start, arm_stats, trigger_event)
    timeline, trigger = env.subject, env.trigger
    entry = evaluate_entry(
        journey, timeline, world=world, at=start, version=version, status=status, overrides=active
    )
    delivery = DryRunDelivery(env)
    run = walk(env, start, seed, delivery) if entry.decision is EntryDecision.ENTERED else None
    trace = Trace.build(
        journey_id=journey.id,
        version="draft" if version is None else version,
        subject=TraceSubject.build_masked(
            id=delivery.end_user_id,
            synthetic=subject.synthetic,
            attributes=delivery.attributes,
        ),
        started_at=start,
        seed=seed,
        overrides_applied=sorted(active),
        trigger=TraceTrigger.build_masked(
            event_name=trigger.event_name,
            at=trigger.at,
            properties=delivery.event,
            injected=trigger.injected or None,
        ),
        entry=TraceEntry.build(
            decision=entry.decision,
            reason=entry.reason,
            gates=gate_parts(entry.checks),
            holdout=holdout_part(entry.holdout),
            audience=audience_part(journey.audience_id, entry.audience),
        ),
        steps=run.steps if run else [],
        outcome=TraceOutcome.build(
            exit_step_id=run.state.exit_step_id if run else None,
            exited_at=run.state.exited_at if run else None,
            goal=_goal(journey, world, timeline, start, trigger),
        ),
        warnings=run.warnings if run else [],
    )
    return delivery.masker.model(trace)  # the subject's PII values, wherever they reached


def dry_run_env(
    journey: Journey,
    subject: Subject,
    world: World,
    overrides: frozenset[Override],
    start: datetime,
    arm_stats: Mapping[str, Mapping[str, ArmStats]] | None = None,
    trigger_event: Event | Mapping[str, Any] | None = None,
) -> ExecutionEnv:
    """The execution environment of a dry-run starting at ``start``: the subject with
    its scripted future events placed in time and the trigger event among its events."""
    timeline = _with_future_events(subject, start)
    trigger, added = _trigger(journey, world, timeline, start, trigger_event)
    if added is not None:
        events = sorted([*timeline.events, added], key=_event_time)
        timeline = timeline.model_copy(update={"events": events})
    return ExecutionEnv.of(journey, world, timeline, trigger, overrides, arm_stats)


def _with_future_events(subject: Subject, start: datetime) -> Subject:
    if not subject.future_events:
        return subject
    scripted = [
        Event(name=e.name, at=_after(e.after, start, i), properties=e.properties)
        for i, e in enumerate(subject.future_events)
    ]
    events = sorted([*subject.events, *scripted], key=_event_time)
    return subject.model_copy(update={"events": events})


def _event_time(event: Event) -> datetime:
    return event.at


def _after(after: str, start: datetime, index: int) -> datetime:
    try:
        duration = parse_duration(after)
    except ValueError as exc:
        where = f"futureEvents/{index}/after"
        raise InputError(f"{where}: {exc}", code=_CANNOT_RUN, location=where) from exc
    return duration.add_to(start)


def _trigger(
    journey: Journey,
    world: World,
    subject: Subject,
    start: datetime,
    given: Event | Mapping[str, Any] | None,
) -> tuple[TriggerInfo, Event | None]:
    """The trigger of the dry-run, and the event to add to the subject's (if any)."""
    contract = world.trigger_contracts.get(journey.trigger_contract_id or "")
    if isinstance(given, Event):
        known = any(e.name == given.name and e.at == given.at for e in subject.events)
        return TriggerInfo(given.name, given.at, dict(given.properties)), None if known else given
    if contract is None:
        if given is not None:
            return TriggerInfo(None, start, dict(given)), None
        return TriggerInfo(None, None, {}), None
    name = contract.event_name
    if given is not None:
        event = Event(name=name, at=start, properties=dict(given))
        return TriggerInfo(name, start, dict(given)), event
    latest = None
    for event in subject.events:
        if event.name == name and event.at <= start:
            latest = event
    if latest is not None:
        return TriggerInfo(name, latest.at, dict(latest.properties)), None
    properties = _contract_properties(contract, subject)
    injected = Event(name=name, at=start, properties=properties)
    return TriggerInfo(name, start, properties, injected=True), injected


_PLACEHOLDERS: dict[str, Any] = {
    "string": "example",
    "number": 1,
    "integer": 1,
    "boolean": True,
    "object": {},
    "array": [],
    "null": None,
}
"""What an injected trigger event carries for a required property the subject gives
no value for: a value of the contract's type."""


def _contract_properties(contract: TriggerContract, subject: Subject) -> dict[str, Any]:
    """The injected trigger event's properties: for each required property, the
    subject's attribute of the same name when it has the contract's type, else a
    placeholder of that type."""
    properties: dict[str, Any] = {}
    for field, kind in (contract.required_properties or {}).items():
        value = subject.attributes.get(field)
        properties[field] = value if has_json_type(value, kind) else _PLACEHOLDERS[kind]
    return properties


def _goal(
    journey: Journey, world: World, subject: Subject, start: datetime, trigger: TriggerInfo
) -> TraceGoal | None:
    """The goal's outcome: the first goal event in the window, not counting the trigger
    event itself (a journey whose goal is its trigger's event, "buy again", is not
    converted by the purchase that started it), as the runtime counts it."""
    name = journey.goal_event_name
    if not name:
        return None
    days = journey.goal_event_window_days or world.workspace.default_goal_event_window_days
    hit = next(
        (
            e.at
            for e in subject.events
            if e.name == name
            and converts(start, e.at, days)
            and (e.name, e.at) != (trigger.event_name, trigger.at)
        ),
        None,
    )
    return TraceGoal.build(event_name=name, window_days=days, converted=hit is not None, at=hit)
