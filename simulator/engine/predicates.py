"""The one predicate evaluator: segments (audiences) and conditional branches use it.

``evaluate(predicate, subject, world=..., at=...)`` answers whether the subject matches
at the virtual time ``at`` and lists the leaves that decided it (``all``/``any``
short-circuit, so leaves after the deciding one are not evaluated and not listed).

Semantics where SPEC §1.3 leaves room (documented decisions):

* ``attribute``: a dotted name reads nested objects (``plan.tier``). An attribute that
  is absent or ``null`` does not exist: every operator is false on it except
  ``not_exists``. Comparisons never raise: a type mismatch (``"5" gt 3``, ``true eq 1``)
  is false for every operator, ``neq`` and ``not_in`` included. Numbers compare as
  numbers; strings that are both ISO-8601 timestamps compare as instants, other
  strings lexicographically. ``contains`` is a substring test on strings and a
  membership test on lists.
* ``event_fired``/``event_not_fired``: only events at or before ``at`` exist; with
  ``withinDays`` only those at or after ``at - withinDays``. ``where`` is a predicate
  over the event's properties (its ``attribute`` leaves name properties).
* ``channel_opted_in``: the channel preference is not ``false`` (``null``, "not set",
  counts as opted in for marketing); ``channel_opted_out``: it is ``false``. Global
  opt-out is a send gate, not a preference, and does not change these leaves.
* ``in_segment``: static segments list their members by ``subjectIds``; rules segments
  evaluate their predicate. An unknown segment or a segment cycle evaluates to false
  (the validator reports both as errors).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from simulator.engine.frozen import fast_init
from simulator.engine.identity import by_identity
from simulator.models import (
    AllOf,
    AnyOf,
    AttributeOp,
    AttributePredicate,
    ChannelOptedIn,
    ChannelOptedOut,
    EventFired,
    EventNotFired,
    InSegment,
    NotPredicate,
    Predicate,
    SegmentKind,
    Subject,
)
from simulator.world import World

__all__ = ["Evaluation", "Leaf", "evaluate", "in_segment", "lookup"]

_MISSING = object()


@fast_init
@dataclass(frozen=True, slots=True)
class Leaf:
    """A leaf of the predicate tree that was evaluated."""

    path: str
    """JSON pointer of the leaf inside the evaluated predicate (``""`` for the root)."""
    kind: str
    label: str
    """What the leaf tests, for people (``plan eq 'pro'``)."""
    result: bool


@fast_init
@dataclass(frozen=True, slots=True)
class Evaluation:
    result: bool
    leaves: tuple[Leaf, ...]


def evaluate(predicate: Predicate, subject: Subject, *, world: World, at: datetime) -> Evaluation:
    """Evaluate ``predicate`` for ``subject`` at virtual time ``at``.

    >>> from datetime import datetime, timezone
    >>> from simulator.models import PredicateAdapter, Subject, Workspace
    >>> world = World(Workspace(id="w", projectKey="pk", name="W"))
    >>> p = PredicateAdapter.validate_python(
    ...     {"kind": "attribute", "name": "plan.tier", "op": "eq", "value": "pro"})
    >>> s = Subject(endUserId="u", attributes={"plan": {"tier": "pro"}})
    >>> ev = evaluate(p, s, world=world, at=datetime(2026, 6, 1, tzinfo=timezone.utc))
    >>> ev.result, ev.leaves[0].label
    (True, 'plan.tier eq "pro"')
    """
    walker = _Walker(subject, world, at, stack=())
    result = _compiled(predicate)(walker)
    return Evaluation(result, tuple(walker.leaves))


def in_segment(
    segment_id: str, subject: Subject, *, world: World, at: datetime, stack: tuple[str, ...] = ()
) -> bool:
    """Whether ``subject`` belongs to the segment (false when unknown or cyclic)."""
    segment = world.segments.get(segment_id)
    if segment is None or segment_id in stack:
        return False
    if segment.kind is SegmentKind.STATIC:
        return subject.end_user_id in (segment.subject_ids or ())
    if segment.predicate is None:
        return False
    walker = _Walker(subject, world, at, stack=(*stack, segment_id))
    return _compiled(segment.predicate)(walker)


def lookup(data: Mapping[str, Any], name: str) -> Any:
    """The value at a dotted ``name`` inside ``data``, or ``None`` when absent.

    >>> lookup({"plan": {"tier": "pro"}}, "plan.tier")
    'pro'
    >>> lookup({"plan": "pro"}, "plan.tier") is None
    True
    """
    value = _lookup(data, name)
    return None if value is _MISSING else value


def _lookup(data: Mapping[str, Any], name: str) -> Any:
    if name in data:
        return data[name]
    value: Any = data
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


Test = Callable[["_Walker"], bool]
"""A compiled predicate: evaluates against a walker, appending the leaves it decides."""


def _compile(node: Predicate, path: str) -> Test:
    """The test of ``node`` at JSON pointer ``path``: ``all``/``any`` short-circuit;
    a leaf appends its :class:`Leaf` (made once per outcome) and answers."""
    if isinstance(node, AllOf | AnyOf):
        children = tuple(_compile(child, f"{path}/of/{i}") for i, child in enumerate(node.of))
        return _all_of(children) if isinstance(node, AllOf) else _any_of(children)
    if isinstance(node, NotPredicate):
        inner = _compile(node.of, f"{path}/of")
        return lambda walker: not inner(walker)
    label = _label(node)
    kind = getattr(node, "kind", "?")
    yes, no = Leaf(path, kind, label, True), Leaf(path, kind, label, False)

    test = _leaf_test(node)

    def leaf(walker: _Walker) -> bool:
        result = test(walker)
        walker.leaves.append(yes if result else no)
        return result

    return leaf


def _all_of(children: tuple[Test, ...]) -> Test:
    # Loops rather than ``all(generator)``: a generator per evaluation costs more than
    # the leaves of a typical audience.
    def test(walker: _Walker) -> bool:
        for child in children:  # noqa: SIM110 (a loop, not a generator)
            if not child(walker):
                return False
        return True

    return test


def _any_of(children: tuple[Test, ...]) -> Test:
    def test(walker: _Walker) -> bool:
        for child in children:  # noqa: SIM110 (a loop, not a generator: see _all_of)
            if child(walker):
                return True
        return False

    return test


_compiled: Callable[[Predicate], Test] = by_identity(lambda predicate: _compile(predicate, ""))
"""A predicate compiled once, kept by identity: the predicates of loaded journeys and
segments are evaluated for every subject, and their paths, labels and shape never
depend on one (predicate models are read-only once loaded, as compiled templates)."""


def _leaf_test(node: Predicate) -> Test:
    """The test of one leaf, chosen once for its kind."""
    if isinstance(node, AttributePredicate):
        return lambda walker: _attribute(node, walker.subject.attributes)
    if isinstance(node, EventFired | EventNotFired):
        window = timedelta(days=node.within_days) if node.within_days is not None else None
        if isinstance(node, EventFired):
            return lambda walker: walker.fired(node, window)
        return lambda walker: not walker.fired(node, window)
    if isinstance(node, ChannelOptedIn | ChannelOptedOut):
        wanted = isinstance(node, ChannelOptedIn)

        def opted(walker: _Walker) -> bool:
            preference = walker.subject.channel_preferences.for_channel(node.channel)
            return (preference is not False) is wanted

        return opted
    if isinstance(node, InSegment):
        return lambda walker: in_segment(
            node.segment_id, walker.subject, world=walker.world, at=walker.at, stack=walker.stack
        )
    return lambda walker: False


def _label(node: Predicate) -> str:
    """What a leaf tests, for people."""
    if isinstance(node, AttributePredicate):
        return _attribute_label(node)
    if isinstance(node, EventFired | EventNotFired):
        window = f" within {node.within_days:g} days" if node.within_days is not None else ""
        where = " (with conditions)" if node.where is not None else ""
        return f"{node.kind} {node.event_name}{window}{where}"
    if isinstance(node, ChannelOptedIn | ChannelOptedOut):
        return f"{node.kind} {node.channel.value}"
    if isinstance(node, InSegment):
        return f"in_segment {node.segment_id}"
    return f"unsupported predicate {getattr(node, 'kind', '?')}"


class _Walker:
    def __init__(self, subject: Subject, world: World, at: datetime, stack: tuple[str, ...]):
        self.subject = subject
        self.world = world
        self.at = at
        self.stack = stack
        self.leaves: list[Leaf] = []

    def fired(self, node: EventFired | EventNotFired, window: timedelta | None) -> bool:
        """Whether an event of ``node`` happened by now, within ``window`` (the node's
        ``withinDays``, made once when the predicate is compiled) when given."""
        try:
            since = self.at - window if window is not None else None
        except OverflowError:  # a window back past year 1 holds all of history
            since = None
        for event in self.subject.events:
            if event.name != node.event_name or event.at > self.at:
                continue
            if since is not None and event.at < since:
                continue
            if node.where is None or _properties_match(node.where, event.properties):
                return True
        return False


def _properties_match(node: Predicate, properties: Mapping[str, Any]) -> bool:
    """A ``where`` clause: attribute leaves read event properties; other leaves are false."""
    if isinstance(node, AllOf):
        return all(_properties_match(child, properties) for child in node.of)
    if isinstance(node, AnyOf):
        return any(_properties_match(child, properties) for child in node.of)
    if isinstance(node, NotPredicate):
        return not _properties_match(node.of, properties)
    if isinstance(node, AttributePredicate):
        return _attribute(node, properties)
    return False


def _attribute_label(node: AttributePredicate) -> str:
    """``plan eq "pro"``, ``vip eq true``, ``seats gte 10``: the value as JSON writes it,
    as the journey file has it (not Python's ``'pro'``, ``True``, ``None``)."""
    if node.op in (AttributeOp.EXISTS, AttributeOp.NOT_EXISTS):
        return f"{node.name} {node.op.value}"
    return f"{node.name} {node.op.value} {json.dumps(node.value, ensure_ascii=False, default=str)}"


def _attribute(node: AttributePredicate, data: Mapping[str, Any]) -> bool:
    actual = _lookup(data, node.name)
    exists = actual is not _MISSING and actual is not None
    op = node.op
    if op is AttributeOp.EXISTS:
        return exists
    if op is AttributeOp.NOT_EXISTS:
        return not exists
    if not exists:
        return False
    return _compare(op, actual, node.value)


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return None


def _equal(a: Any, b: Any) -> bool:
    return _kind(a) == _kind(b) and a == b


def _compare(op: AttributeOp, actual: Any, expected: Any) -> bool:
    if op is AttributeOp.EQ:
        return _equal(actual, expected)
    if op is AttributeOp.NEQ:
        return _kind(actual) == _kind(expected) and actual != expected
    if op in (AttributeOp.IN, AttributeOp.NOT_IN):
        if not isinstance(expected, list | tuple):
            return False
        comparable = [item for item in expected if _kind(item) == _kind(actual)]
        if op is AttributeOp.IN:
            return any(item == actual for item in comparable)
        return bool(comparable) and all(item != actual for item in comparable)
    if op is AttributeOp.CONTAINS:
        if isinstance(actual, str):
            return isinstance(expected, str) and expected in actual
        if isinstance(actual, list | tuple):
            return any(_equal(item, expected) for item in actual)
        return False
    if op is AttributeOp.STARTS_WITH:
        return isinstance(actual, str) and isinstance(expected, str) and actual.startswith(expected)
    return _order(op, actual, expected)


def _order(op: AttributeOp, actual: Any, expected: Any) -> bool:
    kind = _kind(actual)
    if kind != _kind(expected) or kind not in ("number", "string"):
        return False
    if kind == "string":
        actual, expected = _instants_or_text(actual, expected)
        if actual is None:
            return False
    try:
        if op is AttributeOp.GT:
            return actual > expected
        if op is AttributeOp.GTE:
            return actual >= expected
        if op is AttributeOp.LT:
            return actual < expected
        return actual <= expected
    except TypeError:
        return False


def _instants_or_text(a: str, b: str) -> tuple[Any, Any]:
    moments = [_instant(a), _instant(b)]
    if all(m is not None for m in moments):
        if (moments[0].tzinfo is None) != (moments[1].tzinfo is None):
            return None, None
        return moments[0], moments[1]
    return a, b


def _instant(text: str) -> datetime | None:
    if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
