"""Mutations: break a valid journey in exactly one known way (SPEC §2 error codes)."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st

from simulator.codes import FindingCode
from simulator.strategies.journeys import targets, valid_journeys
from simulator.world import World

__all__ = [
    "MUTATIONS",
    "Mutation",
    "break_duration",
    "dangling_reference",
    "drop_goal",
    "duplicate_step_id",
    "introduce_cycle",
    "mutated_journeys",
    "mutations",
    "use_transactional_communication",
]


Mutation = Callable[[Mapping[str, Any], World, random.Random], tuple[dict[str, Any], FindingCode]]
"""``(valid journey, its world, rng) -> (broken copy, the one error code it must raise)``."""


def _slots(steps: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, int]]:
    """Every reference field as ``(holder, key, step position)``."""
    slots = []
    for position, step in enumerate(steps):
        slots += [(step, key, position) for key in ("next", "defaultNext") if key in step]
        for key in ("rules", "arms"):
            slots += [(item, "next", position) for item in step.get(key, ())]
        if "untilEvent" in step:
            slots.append((step["untilEvent"], "timeoutNext", position))
    return slots


def _fresh_id(steps: list[dict[str, Any]], stem: str) -> str:
    taken = {step.get("id") for step in steps}
    n = 0
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def _reachable_positions(steps: list[dict[str, Any]]) -> set[int]:
    index = {step["id"]: position for position, step in reversed(list(enumerate(steps)))}
    seen, todo = {0}, [0]
    while todo:
        for target in targets(steps[todo.pop()]):
            position = index.get(target)
            if position is not None and position not in seen:
                seen.add(position)
                todo.append(position)
    return seen


def _prepend(journey: dict[str, Any], step: dict[str, Any]) -> None:
    """Make ``step`` the entry; it leads to the old entry wherever it has ``next``."""
    steps = journey["steps"]
    if "next" in step and step["next"] is None:
        step["next"] = steps[0]["id"]
    steps.insert(0, step)


def dangling_reference(
    journey: Mapping[str, Any], world: World, rng: random.Random
) -> tuple[dict[str, Any], FindingCode]:
    """Point one reference at a step that does not exist."""
    broken = copy.deepcopy(dict(journey))
    steps = broken["steps"]
    missing = _fresh_id(steps, "missing")
    slots = _slots(steps)
    if slots:
        holder, key, _ = rng.choice(slots)
        holder[key] = missing
    else:
        wait = {"id": _fresh_id(steps, "wait"), "type": "wait", "duration": "P1D"}
        _prepend(broken, {**wait, "next": missing})
    return broken, FindingCode.UNKNOWN_STEP_REFERENCE


def introduce_cycle(
    journey: Mapping[str, Any], world: World, rng: random.Random
) -> tuple[dict[str, Any], FindingCode]:
    """Point a reference of a reachable step back at the entry step."""
    broken = copy.deepcopy(dict(journey))
    steps = broken["steps"]
    reachable = _reachable_positions(steps)
    slots = [slot for slot in _slots(steps) if slot[2] in reachable]
    if slots:
        holder, key, _ = rng.choice(slots)
        holder[key] = steps[0]["id"]
    else:
        loop = _fresh_id(steps, "loop")
        _prepend(broken, {"id": loop, "type": "wait", "duration": "P1D", "next": loop})
    return broken, FindingCode.CYCLE_DETECTED


def duplicate_step_id(
    journey: Mapping[str, Any], world: World, rng: random.Random
) -> tuple[dict[str, Any], FindingCode]:
    """Insert a copy of a step (same id) somewhere after the entry step."""
    broken = copy.deepcopy(dict(journey))
    steps = broken["steps"]
    twin = copy.deepcopy(rng.choice(steps))
    steps.insert(rng.randint(1, len(steps)), twin)
    return broken, FindingCode.DUPLICATE_STEP_ID


def use_transactional_communication(
    journey: Mapping[str, Any], world: World, rng: random.Random
) -> tuple[dict[str, Any], FindingCode]:
    """Make a send step send a transactional communication.

    ``ValueError`` when the world has no transactional communication.
    """
    transactional = sorted(c.id for c in world.communications.values() if c.kind == "transactional")
    if not transactional:
        raise ValueError("the world has no transactional communication to send")
    broken = copy.deepcopy(dict(journey))
    comm_id = rng.choice(transactional)
    sends = [step for step in broken["steps"] if step.get("type") == "send"]
    if sends:
        send = rng.choice(sends)
        send["communicationId"] = comm_id
        send.pop("channel", None)
    else:
        step_id = _fresh_id(broken["steps"], "send")
        _prepend(broken, {"id": step_id, "type": "send", "communicationId": comm_id, "next": None})
    return broken, FindingCode.SEND_STEP_USES_TRANSACTIONAL_COMM


def drop_goal(
    journey: Mapping[str, Any], world: World, rng: random.Random
) -> tuple[dict[str, Any], FindingCode]:
    """Remove ``goalEventName`` from a journey with (or given) an adaptive branch."""
    broken = copy.deepcopy(dict(journey))
    broken.pop("goalEventName", None)
    steps = broken["steps"]
    if not any(step.get("mode") == "adaptive" for step in steps):
        entry = steps[0]["id"]
        arms = [{"armId": "a", "next": entry}, {"armId": "b", "next": entry}]
        step_id = _fresh_id(steps, "ab-test")
        _prepend(broken, {"id": step_id, "type": "branch", "mode": "adaptive", "arms": arms})
    return broken, FindingCode.ADAPTIVE_BRANCH_WITHOUT_GOAL


_BAD_DURATIONS = ("3 days", "P", "PT", "1D", "P1.5Y", "P1DT", "-P1D", "PT1.5H30M", "P3d")


def break_duration(
    journey: Mapping[str, Any], world: World, rng: random.Random
) -> tuple[dict[str, Any], FindingCode]:
    """Replace a wait duration (or an ``untilEvent`` timeout) with one that is not ISO-8601."""
    broken = copy.deepcopy(dict(journey))
    steps = broken["steps"]
    holders = [step for step in steps if "duration" in step]
    holders += [step["untilEvent"] for step in steps if "untilEvent" in step]
    bad = rng.choice(_BAD_DURATIONS)
    if holders:
        holder = rng.choice(holders)
        holder["duration" if "duration" in holder else "timeout"] = bad
    else:
        step_id = _fresh_id(steps, "wait")
        _prepend(broken, {"id": step_id, "type": "wait", "duration": bad, "next": None})
    return broken, FindingCode.INVALID_DURATION


MUTATIONS: tuple[Mutation, ...] = (
    dangling_reference,
    introduce_cycle,
    duplicate_step_id,
    use_transactional_communication,
    drop_goal,
    break_duration,
)
"""Every mutation; each returns the error code validation must report (and no other error)."""


def mutations() -> st.SearchStrategy[Mutation]:
    return st.sampled_from(MUTATIONS)


@st.composite
def mutated_journeys(
    draw: st.DrawFn, world: World, max_steps: int = 12
) -> tuple[dict[str, Any], dict[str, Any], FindingCode]:
    """``(valid journey, broken copy, expected error code)`` for ``world``."""
    journey = draw(valid_journeys(world, max_steps))
    mutation = draw(mutations())
    broken, code = mutation(journey, world, draw(st.randoms(use_true_random=False)))
    return journey, broken, code
