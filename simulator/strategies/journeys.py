"""Strategies for valid journeys, and a deterministic journey of any size."""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

from hypothesis import strategies as st

from simulator.models import Journey
from simulator.strategies.documents import (
    ATTRIBUTES,
    EVENTS,
    identifiers,
    predicates,
    sample_world,
    templates,
    worlds,
)
from simulator.validation.context import CONTEXT_VARIABLES
from simulator.world import World

__all__ = [
    "journey_of_size",
    "targets",
    "valid_journey_models",
    "valid_journeys",
    "worlds_and_journeys",
]

_ALNUM = string.ascii_letters + string.digits
_STEP_IDS = identifiers(_ALNUM, _ALNUM + "_-", 15)
_JOURNEY_IDS = identifiers(_ALNUM, _ALNUM + "_.-", 20)
_URL_PATHS = st.text(string.ascii_lowercase + string.digits + "/-", max_size=20)


@cache
def _durations() -> st.SearchStrategy[str]:
    """ISO-8601 durations of at most 365 days (no ``long_wait``)."""
    return st.one_of(
        st.integers(1, 365).map("P{}D".format),
        st.integers(1, 72).map("PT{}H".format),
        st.integers(1, 120).map("PT{}M".format),
        st.integers(1, 52).map("P{}W".format),
        st.integers(1, 11).map("P{}M".format),
        st.tuples(st.integers(1, 30), st.integers(1, 23)).map(lambda p: "P{}DT{}H".format(*p)),
    )


@cache
def _until() -> st.SearchStrategy[str]:
    moments = st.datetimes(datetime(2030, 1, 1), datetime(2039, 12, 31))
    offsets = st.sampled_from((0, 60, -300, 330))
    return st.builds(
        lambda at, minutes: (
            at.replace(microsecond=0, tzinfo=UTC).astimezone(_zone(minutes)).isoformat()
        ),
        moments,
        offsets,
    )


def _zone(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def _template_names(world: World) -> frozenset[str]:
    return world.known_attributes() | CONTEXT_VARIABLES


@st.composite
def _step(draw: st.DrawFn, kind: str, ids_after: list[str], world: World) -> dict[str, Any]:
    """A step of ``kind`` whose first reference is ``ids_after[0]`` (the spine)."""
    later = st.sampled_from(ids_after)
    if kind == "send":
        marketing = [c for c in world.communications.values() if c.kind == "marketing"]
        comm = draw(st.sampled_from(marketing))
        step = {"type": "send", "communicationId": comm.id, "next": ids_after[0]}
        channel = draw(st.one_of(st.none(), st.sampled_from(comm.channels)))
        if channel is not None:
            step["channel"] = channel.value
        return step
    if kind == "wait":
        shape = draw(st.sampled_from(("duration", "until", "untilEvent")))
        step = {"type": "wait", "next": ids_after[0]}
        if shape == "duration":
            step["duration"] = draw(_durations())
        elif shape == "until":
            step["until"] = draw(_until())
        else:
            step["untilEvent"] = {
                "eventName": draw(st.sampled_from(EVENTS)),
                "timeout": draw(_durations()),
                "timeoutNext": draw(later),
            }
        return step
    if kind == "conditional":
        rule = st.fixed_dictionaries(
            {"when": predicates(ATTRIBUTES, sorted(world.segments)), "next": later}
        )
        rules = draw(st.lists(rule, min_size=1, max_size=3))
        return {
            "type": "branch",
            "mode": "conditional",
            "rules": rules,
            "defaultNext": ids_after[0],
        }
    if kind == "adaptive":
        arm_ids = draw(st.lists(_STEP_IDS, min_size=2, max_size=4, unique=True))
        arms = [
            {"armId": arm_id, "next": ids_after[0] if k == 0 else draw(later)}
            for k, arm_id in enumerate(arm_ids)
        ]
        return {"type": "branch", "mode": "adaptive", "arms": arms}
    step = {
        "type": "webhook",
        "url": "https://hooks.example.com/" + draw(_URL_PATHS),
        "method": draw(st.sampled_from(("GET", "POST", "PUT", "PATCH", "DELETE"))),
        "next": ids_after[0],
    }
    if draw(st.booleans()):
        step["bodyTemplate"] = draw(templates(_template_names(world)))
    if draw(st.booleans()):
        step["headers"] = {"X-Journey": "{{ journey.id }}", "X-User": "{{ endUserId }}"}
    return step


_KINDS = ("send", "wait", "conditional", "adaptive", "webhook")


@st.composite
def valid_journeys(draw: st.DrawFn, world: World, max_steps: int = 12) -> dict[str, Any]:
    """A wire-form journey that validates with no findings against ``world``.

    Steps form a DAG with a spine (each non-exit step's first reference goes to the
    next step in topological order) so every step is reachable; branches, arms and
    ``untilEvent`` timeouts jump ahead. The document order of all but the entry step
    is shuffled, so the validator cannot rely on topological order.
    """
    has_marketing = any(c.kind == "marketing" for c in world.communications.values())
    kinds = [k for k in _KINDS if k != "send" or has_marketing]
    body = draw(st.lists(st.sampled_from(kinds), max_size=max_steps))
    exits = draw(st.integers(1, 3))
    step_ids = draw(
        st.lists(
            _STEP_IDS,
            min_size=len(body) + exits,
            max_size=len(body) + exits,
            unique=True,
        )
    )
    steps = [
        {"id": step_ids[i], **draw(_step(kind, step_ids[i + 1 :], world))}
        for i, kind in enumerate(body)
    ]
    referenced = {target for step in steps for target in targets(step)}
    first_exit = len(body)
    for position in range(first_exit, len(step_ids)):
        if position == first_exit or step_ids[position] in referenced:
            steps.append({"id": step_ids[position], "type": "exit"})
    order = draw(st.permutations(range(1, len(steps))))
    journey: dict[str, Any] = {
        "id": draw(_JOURNEY_IDS),
        "name": draw(st.text(min_size=1, max_size=20)),
        "triggerContractId": draw(st.sampled_from(sorted(world.trigger_contracts))),
        "steps": [steps[0], *(steps[i] for i in order)],
    }
    if "adaptive" in body or draw(st.booleans()):
        journey["goalEventName"] = draw(st.sampled_from(EVENTS))
    if world.segments and draw(st.booleans()):
        journey["audienceId"] = draw(st.sampled_from(sorted(world.segments)))
    if draw(st.booleans()):
        journey["goalEventWindowDays"] = draw(st.integers(1, 365))
    return journey


def valid_journey_models(world: World, max_steps: int = 12) -> st.SearchStrategy[Journey]:
    """:func:`valid_journeys` as ``Journey`` models."""
    return valid_journeys(world, max_steps).map(Journey.model_validate)


def worlds_and_journeys(max_steps: int = 12) -> st.SearchStrategy[tuple[World, dict[str, Any]]]:
    """A world and a journey that validates clean against it."""
    return worlds().flatmap(
        lambda world: st.tuples(st.just(world), valid_journeys(world, max_steps))
    )


def targets(step: Mapping[str, Any]) -> list[str]:
    """The step ids a well-formed wire step refers to."""
    found = [step[key] for key in ("next", "defaultNext") if key in step]
    found += [item["next"] for key in ("rules", "arms") for item in step.get(key, ())]
    if "untilEvent" in step:
        found.append(step["untilEvent"]["timeoutNext"])
    return found


def journey_of_size(n: int, world: World | None = None) -> dict[str, Any]:
    """A deterministic valid journey of ``n`` steps (``n >= 1``) against ``world``.

    Steps cycle through send, wait, conditional branch, webhook and adaptive
    branch along a spine; branches also jump two or three steps ahead.

    >>> from simulator.validation import ValidationContext, validate
    >>> validate(journey_of_size(50), ValidationContext(world=sample_world()))
    []
    """
    world = world or sample_world()
    marketing = sorted(c.id for c in world.communications.values() if c.kind == "marketing")
    step_ids = [f"step-{i:05d}" for i in range(n - 1)] + ["exit"]
    steps = [_patterned_step(i, step_ids, marketing) for i in range(n - 1)]
    steps.append({"id": "exit", "type": "exit"})
    return {
        "id": f"generated-{n}",
        "name": f"Generated journey of {n} steps",
        "triggerContractId": sorted(world.trigger_contracts)[0],
        "goalEventName": "user.activated",
        "steps": steps,
    }


def _patterned_step(i: int, step_ids: list[str], marketing: list[str]) -> dict[str, Any]:
    step_id, last = step_ids[i], len(step_ids) - 1
    after, skip = step_ids[i + 1], step_ids[min(i + 2, last)]
    kind = ("send", "wait", "conditional", "webhook", "adaptive")[i % 5]
    if kind == "send" and marketing:
        return {
            "id": step_id,
            "type": "send",
            "communicationId": marketing[i % len(marketing)],
            "next": after,
        }
    if kind == "conditional":
        rule = {
            "when": {"kind": "attribute", "name": "plan", "op": "eq", "value": "pro"},
            "next": skip,
        }
        return {
            "id": step_id,
            "type": "branch",
            "mode": "conditional",
            "rules": [rule],
            "defaultNext": after,
        }
    if kind == "webhook":
        return {
            "id": step_id,
            "type": "webhook",
            "url": "https://hooks.example.com/step",
            "bodyTemplate": '{"user": "{{ endUserId }}"}',
            "next": after,
        }
    if kind == "adaptive":
        arms = [{"armId": "a", "next": after}, {"armId": "b", "next": step_ids[min(i + 3, last)]}]
        return {"id": step_id, "type": "branch", "mode": "adaptive", "arms": arms}
    return {"id": step_id, "type": "wait", "duration": f"P{1 + i % 30}D", "next": after}
