"""Synthetic subjects fitted to a journey: ``--synthetic`` subjects that enter.

:func:`fitted_subject` starts from the seeded Faker subject
(:func:`~simulator.engine.synthetic.faker_subjects`) and changes only what the
journey's audience and sends need, so most seeds walk the journey rather than stop at
the door:

* the audience predicate is made true: ``all`` makes every operand true, ``any`` one
  operand chosen by the seed, ``not`` its operand false; an ``attribute`` leaf sets the
  attribute (dotted paths make nested objects) to a value that passes or fails as
  needed; ``event_fired`` adds the event inside its window, with properties that meet
  its ``where``; ``event_not_fired`` removes the events of that name; channel leaves
  set the preference; ``in_segment`` of a rules segment recurses into its predicate.
  A static segment's list cannot be joined by a synthetic id: such a leaf (or a
  contradiction) leaves the subject outside the audience, and the dry-run says which
  leaf failed;
* the trigger event is left to the dry-run, which fires it at the start with the
  contract's required properties (SPEC §3.1): earlier events of its name are dropped;
* the channels the journey sends on are opted in, the subject is not globally opted
  out nor suppressed, has an e-mail address and no earlier sends (so caps pass).

The seed's Faker population is tried in order, up to :data:`TRIES` people, each with
its own seeded choices for the ``any`` nodes: the first fitted subject that enters is
returned (one that is in the audience but in the workspace's holdout is passed over:
``--synthetic`` is for walking the journey; ``--override holdout`` or a project subject
shows the holdout). When none enters (an unsatisfiable audience), the last is returned
and the dry-run names the failing leaf. The same (journey, seed) always gives the same
subject; ``--synthetic-any`` keeps the unconstrained generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.codes import EntryDecision
from simulator.durations import parse_timestamp
from simulator.engine.dryrun import dry_run_env, within_calendar
from simulator.engine.eligibility import evaluate_entry
from simulator.engine.synthetic import faker_subjects, synthetic_subject
from simulator.models import (
    AllOf,
    AnyOf,
    AttributeOp,
    AttributePredicate,
    ChannelOptedIn,
    ChannelOptedOut,
    Event,
    EventFired,
    EventNotFired,
    InSegment,
    Journey,
    NotPredicate,
    Predicate,
    SendStep,
    Subject,
)
from simulator.world import World

__all__ = ["TRIES", "fitted_subject"]

TRIES = 8


def fitted_subject(journey: Journey, world: World, seed: int, at: datetime) -> Subject:
    """A synthetic subject from ``seed`` fitted to enter ``journey`` at ``at``."""
    segment = world.segments.get(journey.audience_id or "")
    predicate = segment.predicate if segment is not None else None
    candidate = None
    for attempt, base in enumerate(faker_subjects(seed, TRIES)):
        rng = random.Random(f"{seed}::{attempt}")
        candidate = _fit(base, journey, world, predicate, at, rng)
        with within_calendar(at):
            triggered = dry_run_env(journey, candidate, world, frozenset(), at).subject
        entry = evaluate_entry(journey, triggered, world=world, at=at)
        if entry.decision is EntryDecision.ENTERED:
            return candidate
    assert candidate is not None
    return candidate


class _Draft:
    """The mutable parts of a subject being fitted."""

    def __init__(self, subject: Subject, rng: random.Random, world: World, at: datetime):
        self.attributes: dict[str, Any] = dict(subject.attributes)
        self.events: list[Event] = list(subject.events)
        self.preferences: dict[str, Any] = subject.channel_preferences.model_dump()
        self.rng, self.world, self.at = rng, world, at
        self.seen: set[str] = set()
        self.trigger_event: str | None = None


def _fit(
    base: Subject,
    journey: Journey,
    world: World,
    predicate: Predicate | None,
    at: datetime,
    rng: random.Random,
) -> Subject:
    draft = _Draft(base, rng, world, at)
    contract = world.trigger_contracts.get(journey.trigger_contract_id or "")
    if contract is not None:
        draft.trigger_event = contract.event_name
        draft.events = [e for e in draft.events if e.name != contract.event_name]
    draft.attributes.setdefault("email", f"{base.end_user_id}@example.com")
    for channel in _send_channels(journey, world):
        draft.preferences[channel] = True
    if predicate is not None:
        _make(predicate, True, draft, draft.attributes)
    fields = base.model_dump(
        by_alias=True,
        exclude={"end_user_id", "attributes", "synthetic", "events", "future_events"},
    )
    fields.update(
        channelPreferences=draft.preferences, globalOptOut=False, suppressed=[], sendHistory=[]
    )
    events = sorted(draft.events, key=lambda e: e.at)
    return synthetic_subject(draft.attributes, events, base.future_events, **fields)


def _send_channels(journey: Journey, world: World) -> set[str]:
    channels = set()
    for step in journey.steps:
        if isinstance(step, SendStep):
            comm = world.communications.get(step.communication_id)
            channel = step.channel or (comm.channels[0] if comm and comm.channels else None)
            if channel is not None:
                channels.add(str(channel.value))
    return channels


def _make(node: Predicate, want: bool, draft: _Draft, data: dict[str, Any]) -> None:
    """Change ``draft`` (``data``: the attributes, or an event's properties) so that
    ``node`` evaluates to ``want`` (as far as one leaf can be made to)."""
    if isinstance(node, AllOf | AnyOf):
        every = want if isinstance(node, AllOf) else not want
        if every:
            for operand in node.of:
                _make(operand, want, draft, data)
        elif node.of:
            _make(draft.rng.choice(node.of), want, draft, data)
    elif isinstance(node, NotPredicate):
        _make(node.of, not want, draft, data)
    elif isinstance(node, AttributePredicate):
        _attribute(node, want, data, draft.at)
    elif isinstance(node, EventFired | EventNotFired):
        _event(node, want == isinstance(node, EventFired), draft)
    elif isinstance(node, ChannelOptedIn | ChannelOptedOut):
        draft.preferences[node.channel.value] = want == isinstance(node, ChannelOptedIn)
    elif isinstance(node, InSegment):
        segment = draft.world.segments.get(node.segment_id)
        predicate = getattr(segment, "predicate", None)
        if predicate is not None and node.segment_id not in draft.seen:
            draft.seen.add(node.segment_id)
            _make(predicate, want, draft, data)


def _event(node: EventFired | EventNotFired, present: bool, draft: _Draft) -> None:
    if not present:
        draft.events = [e for e in draft.events if e.name != node.event_name]
        return
    if node.event_name == draft.trigger_event and node.where is None:
        return  # the dry-run fires the trigger at the start
    window = timedelta(days=node.within_days) if node.within_days is not None else None
    back = timedelta(hours=1) if window is None or window > timedelta(hours=2) else window / 2
    properties: dict[str, Any] = {}
    if node.where is not None:
        _make(node.where, True, draft, properties)
    draft.events.append(Event(name=node.event_name, at=draft.at - back, properties=properties))


def _attribute(node: AttributePredicate, want: bool, data: dict[str, Any], at: datetime) -> None:
    op, value = node.op, node.value
    if op in _NEGATIONS:
        op, want = _NEGATIONS[op], not want
    setter = _SETTERS.get(op)
    if setter is None:
        return
    result = setter(value, want)
    if result is _ABSENT:
        _delete(data, node.name)
    elif result is _PRESENT:
        if _get(data, node.name) is _ABSENT:
            _set(data, node.name, _placeholder(node.name, at))
    else:
        _set(data, node.name, result)


_ABSENT = object()
_PRESENT = object()
"""``exists`` wants a value, whatever it is: the subject's own if it has one."""
_NEGATIONS = {
    AttributeOp.NEQ: AttributeOp.EQ,
    AttributeOp.NOT_IN: AttributeOp.IN,
    AttributeOp.NOT_EXISTS: AttributeOp.EXISTS,
}


def _eq(value: Any, want: bool) -> Any:
    return value if want else _other(value)


def _in(value: Any, want: bool) -> Any:
    options = value if isinstance(value, list) else [value]
    if want:
        return options[0] if options else _ABSENT
    candidate = _other(options[0]) if options else "other"
    while candidate in options:  # same kind as the options, so not_in compares it
        candidate = _other(candidate)
    return candidate


def _exists(value: Any, want: bool) -> Any:
    return _PRESENT if want else _ABSENT


def _placeholder(name: str, at: datetime) -> str:
    """A value for an attribute that only has to exist, shaped by its name so that a
    template printing it reads well: ``…At`` a timestamp and ``…Date`` a date two
    weeks after the start (``trialEndsAt``, ``renewalDate``), else ``"example"``.

    >>> start = datetime(2026, 6, 1, 14, tzinfo=UTC)
    >>> _placeholder("trialEndsAt", start), _placeholder("renewalDate", start)
    ('2026-06-15T14:00:00Z', '2026-06-15')
    >>> _placeholder("accountManager", start)
    'example'
    """
    last = name.rsplit(".", 1)[-1]
    later = (at + timedelta(days=14)).astimezone(UTC)
    if last.endswith("At"):
        return later.strftime("%Y-%m-%dT%H:%M:%SZ")
    if last.endswith(("Date", "date")):
        return later.date().isoformat()
    return "example"


def _get(data: dict[str, Any], name: str) -> Any:
    for part in name.split("."):
        if not isinstance(data, dict) or part not in data:
            return _ABSENT
        data = data[part]
    return data


def _contains(value: Any, want: bool) -> Any:
    if not want:
        return _ABSENT
    return f"{value}" if isinstance(value, str) else [value]


def _starts_with(value: Any, want: bool) -> Any:
    return f"{value}" if want else _ABSENT


def _order(op: AttributeOp) -> Callable[[Any, bool], Any]:
    above = op in (AttributeOp.GT, AttributeOp.GTE)
    strict = op in (AttributeOp.GT, AttributeOp.LT)

    def setter(value: Any, want: bool) -> Any:
        if not want:
            return _shift(value, -1 if above else 1)
        return _shift(value, 1 if above else -1) if strict else value

    return setter


_SETTERS: dict[AttributeOp, Callable[[Any, bool], Any]] = {
    AttributeOp.EQ: _eq,
    AttributeOp.IN: _in,
    AttributeOp.EXISTS: _exists,
    AttributeOp.CONTAINS: _contains,
    AttributeOp.STARTS_WITH: _starts_with,
    **{op: _order(op) for op in (AttributeOp.GT, AttributeOp.GTE, AttributeOp.LT, AttributeOp.LTE)},
}


def _shift(value: Any, direction: int) -> Any:
    """A value just above (``1``) or below (``-1``) ``value``: numbers by one, ISO
    timestamps by a day, other text by appending or dropping a character."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value + direction
    if isinstance(value, str):
        try:
            moment = parse_timestamp(value)
        except ValueError:
            return value + "~" if direction > 0 else value[:-1]
        return (moment + timedelta(days=direction)).isoformat().replace("+00:00", "Z")
    return value


def _other(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "-other"
    return "other"


def _set(data: dict[str, Any], name: str, value: Any) -> None:
    *parents, last = name.split(".")
    for part in parents:
        child = data.get(part)
        if not isinstance(child, dict):
            child = data[part] = {}
        else:
            child = data[part] = dict(child)
        data = child
    data[last] = value


def _delete(data: dict[str, Any], name: str) -> None:
    *parents, last = name.split(".")
    for part in parents:
        child = data.get(part)
        if not isinstance(child, dict):
            return
        data = data[part] = dict(child)
    data.pop(last, None)
