"""Strategies (and a fixed sample) for the documents journeys refer to: worlds."""

from __future__ import annotations

import keyword
import operator
import string
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

from hypothesis import strategies as st

from simulator.models import (
    Channel,
    Communication,
    CommunicationKind,
    Segment,
    TriggerContract,
    Workspace,
)
from simulator.validation.context import CONTEXT_VARIABLES
from simulator.world import World

__all__ = ["ATTRIBUTES", "EVENTS", "ids", "predicates", "sample_world", "templates", "worlds"]

ATTRIBUTES = ("firstName", "lastName", "email", "plan", "country", "seats", "locale", "signupDate")
EVENTS = ("user.activated", "user.signed_up", "order.placed", "app.opened", "trial.started")
_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,!?:-\n", max_size=16)
_SCALAR = st.one_of(st.text(max_size=8), st.integers(-1000, 1000), st.booleans())


@cache
def ids() -> st.SearchStrategy[str]:
    """Document ids such as ``welcome-2``."""
    return identifiers(string.ascii_lowercase, string.ascii_lowercase + string.digits + "-", 11)


def identifiers(first: str, rest: str, max_rest: int) -> st.SearchStrategy[str]:
    """A character of ``first`` then up to ``max_rest`` of ``rest`` (cheaper than a regex)."""
    return st.builds(operator.add, st.sampled_from(first), st.text(rest, max_size=max_rest))


def templates(names: Iterable[str]) -> st.SearchStrategy[str]:
    """Jinja2 templates that compile and read only ``names`` (plus loop variables).

    Pieces are drawn from one shared strategy with placeholder names, resolved
    against ``names`` afterwards, so a new name set costs no new strategy tree.
    """
    usable = tuple(sorted(n for n in names if n.isidentifier() and not keyword.iskeyword(n)))
    if not usable:
        return _TEXT
    return _TEMPLATE_PIECES.map(lambda pieces: _render_pieces(pieces, usable))


_TEMPLATE_PIECES = st.lists(
    st.tuples(
        st.sampled_from(("text", "print", "default", "if", "for")), st.integers(0, 15), _TEXT
    ),
    min_size=1,
    max_size=5,
)


def _render_pieces(pieces: list[tuple[str, int, str]], names: tuple[str, ...]) -> str:
    out = []
    for kind, index, text in pieces:
        name = names[index % len(names)]
        out.append(
            {
                "text": text,
                "print": "{{ " + name + " }}",
                "default": "{{ " + name + " | default('friend') | upper }}",
                "if": "{% if " + name + " %}" + text + "{% endif %}",
                "for": "{% for item in " + name + " %}{{ item }}{% endfor %}",
            }[kind]
        )
    return "".join(out)


def predicates(
    attributes: Iterable[str] = ATTRIBUTES, segment_ids: Iterable[str] = ()
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid wire-form predicates; ``in_segment`` leaves name only ``segment_ids``.

    One tree strategy is built per attribute set; ``in_segment`` leaves are drawn as
    placeholders and resolved against ``segment_ids`` afterwards (without segments
    they become ``channel_opted_in`` leaves), so varying segment lists cost nothing.
    """
    segments = tuple(segment_ids)
    return _predicate_trees(tuple(attributes) or ATTRIBUTES).map(
        lambda tree: _resolve_segments(tree, segments)
    )


@lru_cache(maxsize=64)
def _predicate_trees(attributes: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    # Strategies are built once per argument: Hypothesis pays for each new one.
    name = st.sampled_from(attributes)
    attribute = st.one_of(
        st.builds(_leaf, name, st.sampled_from(("eq", "neq", "contains")), _SCALAR),
        st.builds(_leaf, name, st.sampled_from(("in", "not_in")), st.lists(_SCALAR, max_size=3)),
        st.builds(
            _leaf,
            name,
            st.sampled_from(("gt", "gte", "lt", "lte")),
            st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6), st.text(max_size=8)),
        ),
        st.builds(_leaf, name, st.just("starts_with"), st.text(max_size=8)),
        st.builds(_leaf, name, st.sampled_from(("exists", "not_exists")), st.none()),
    )
    event = st.builds(
        _event,
        st.sampled_from(("event_fired", "event_not_fired")),
        st.sampled_from(EVENTS),
        st.one_of(st.none(), st.integers(1, 90)),
        st.one_of(st.none(), attribute),
    )
    channel = st.builds(
        lambda kind, ch: {"kind": kind, "channel": ch.value},
        st.sampled_from(("channel_opted_in", "channel_opted_out")),
        st.sampled_from(Channel),
    )
    segment = st.integers(0, 7).map(lambda n: {"kind": "in_segment", "segmentId": n})
    return st.recursive(
        st.one_of(attribute, event, channel, segment),
        lambda children: st.one_of(
            st.builds(
                lambda kind, of: {"kind": kind, "of": of},
                st.sampled_from(("all", "any")),
                st.lists(children, min_size=1, max_size=3),
            ),
            children.map(lambda of: {"kind": "not", "of": of}),
        ),
        max_leaves=5,
    )


def _resolve_segments(tree: dict[str, Any], segment_ids: tuple[str, ...]) -> dict[str, Any]:
    kind = tree["kind"]
    if kind == "in_segment":
        if not segment_ids:
            return {"kind": "channel_opted_in", "channel": "email"}
        return {
            "kind": "in_segment",
            "segmentId": segment_ids[tree["segmentId"] % len(segment_ids)],
        }
    if kind in ("all", "any"):
        return {"kind": kind, "of": [_resolve_segments(child, segment_ids) for child in tree["of"]]}
    if kind == "not":
        return {"kind": kind, "of": _resolve_segments(tree["of"], segment_ids)}
    return tree


def _leaf(name: str, op: str, value: Any) -> dict[str, Any]:
    leaf = {"kind": "attribute", "name": name, "op": op}
    if value is not None:
        leaf["value"] = value
    return leaf


def _event(kind: str, event: str, days: int | None, where: dict | None) -> dict[str, Any]:
    predicate: dict[str, Any] = {"kind": kind, "eventName": event}
    if days is not None:
        predicate["withinDays"] = days
    if where is not None:
        predicate["where"] = where
    return predicate


_KINDS = st.sampled_from((CommunicationKind.MARKETING, CommunicationKind.TRANSACTIONAL))
_CHANNEL_LISTS = st.lists(st.sampled_from(Channel), min_size=1, max_size=3, unique=True)
_ATTRIBUTE_LISTS = st.lists(st.sampled_from(ATTRIBUTES), min_size=1, max_size=6, unique=True)
_VERSIONS = st.integers(1, 5)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A world whose own documents validate clean (``validate_world`` finds nothing)."""
    attributes = draw(_ATTRIBUTE_LISTS)
    names = frozenset(attributes) | CONTEXT_VARIABLES
    workspace = Workspace(
        id=draw(ids()), project_key=draw(ids()), name="Workspace", known_attributes=attributes
    )
    comm_ids = draw(st.lists(ids(), min_size=2, max_size=5, unique=True))
    communications = []
    for position, comm_id in enumerate(comm_ids):
        # The first is marketing and the second transactional, so both kinds exist.
        kind = (
            (CommunicationKind.MARKETING, CommunicationKind.TRANSACTIONAL)[position]
            if position < 2
            else draw(_KINDS)
        )
        channels = draw(_CHANNEL_LISTS)
        subject = draw(templates(names)) if Channel.EMAIL in channels else None
        communications.append(
            Communication(
                id=comm_id,
                name=f"Communication {comm_id}",
                kind=kind,
                channels=channels,
                version=draw(_VERSIONS),
                subject_line=subject,
                body=draw(templates(names)),
            )
        )
    segment_ids = draw(st.lists(ids(), max_size=4, unique=True))
    segments = []
    for position, segment_id in enumerate(segment_ids):
        if draw(st.booleans()):
            # Only earlier segments may be named, so composition stays acyclic.
            rule = draw(predicates(ATTRIBUTES, segment_ids[:position]))
            segments.append(Segment(id=segment_id, name=segment_id, kind="rules", predicate=rule))
        else:
            members = draw(st.lists(ids(), max_size=3))
            segments.append(
                Segment(id=segment_id, name=segment_id, kind="static", subject_ids=members)
            )
    contracts = [
        TriggerContract(
            id=contract_id,
            name=f"Trigger {contract_id}",
            event_name=draw(_EVENT_NAMES),
            version_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for contract_id in draw(st.lists(ids(), min_size=1, max_size=3, unique=True))
    ]
    return World.of(workspace, communications, segments, contracts)


_EVENT_NAMES = st.sampled_from(EVENTS)


def sample_world() -> World:
    """A small fixed world: three communications (one transactional), two segments, a trigger."""
    workspace = Workspace(
        id="ws-sample", project_key="sample", name="Sample", known_attributes=list(ATTRIBUTES)
    )
    communications = [
        Communication(
            id="welcome-email",
            name="Welcome",
            kind="marketing",
            channels=["email"],
            subject_line="Welcome, {{ firstName }}",
            body="<p>Hi {{ firstName | default('there') }}, welcome to {{ plan }}.</p>",
        ),
        Communication(
            id="tips-push",
            name="Tips",
            kind="marketing",
            channels=["mobile_push", "in_app_push"],
            body="Tip of the day for {{ firstName }}",
        ),
        Communication(
            id="receipt", name="Receipt", kind="transactional", channels=["email"], body="Paid."
        ),
    ]
    pro = {"kind": "attribute", "name": "plan", "op": "eq", "value": "pro"}
    active = {"kind": "event_fired", "eventName": "app.opened", "withinDays": 30}
    segments = [
        Segment(id="seg-pro", name="Pro", kind="rules", predicate=pro),
        Segment(
            id="seg-active-pro",
            name="Active pro",
            kind="rules",
            predicate={
                "kind": "all",
                "of": [{"kind": "in_segment", "segmentId": "seg-pro"}, active],
            },
        ),
    ]
    trigger = TriggerContract(
        id="trig-signup",
        name="Signup",
        event_name="user.signed_up",
        version_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return World.of(workspace, communications, segments, [trigger])
