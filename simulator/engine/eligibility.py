"""The eligibility evaluator: may this subject enter this journey now (SPEC §3.1)?

Checks, in order: the journey's status (published versions only: ``paused`` and
``archived`` journeys start nothing), the audience segment, then the global holdout.
A subject in the holdout is *triggered* but its execution never starts (decision
``blocked``, reason ``holdout_membership``) unless the ``holdout`` override is given.
The holdout assignment is computed for every subject, eligible or not, so every trace
shows the same bucket for the same subject.

A journey without ``audienceId`` admits everyone; an unknown audience admits no one.
A status check applies only when a published ``version`` is simulated: a draft has no
runtime status of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from simulator.codes import EntryDecision, Gate, Override, Reason
from simulator.engine.frozen import fast_init
from simulator.engine.gates import GateCheck
from simulator.engine.holdout import HoldoutAssignment, assign_holdout
from simulator.engine.predicates import Evaluation, Leaf, evaluate
from simulator.models import Journey, SegmentKind, Subject
from simulator.world import World

__all__ = ["EntryOutcome", "evaluate_entry"]

_STATUS_REASONS = {"paused": Reason.JOURNEY_PAUSED, "archived": Reason.JOURNEY_ARCHIVED}


@fast_init
@dataclass(frozen=True, slots=True)
class EntryOutcome:
    decision: EntryDecision
    reason: Reason | None
    checks: tuple[GateCheck, ...]
    holdout: HoldoutAssignment
    audience: Evaluation | None
    """How the audience predicate decided (``None`` when the journey has no audience)."""


def evaluate_entry(
    journey: Journey,
    subject: Subject,
    *,
    world: World,
    at: datetime,
    version: int | None = None,
    status: str | None = None,
    overrides: frozenset[Override] = frozenset(),
) -> EntryOutcome:
    """Decide whether ``subject`` enters ``journey`` at ``at``."""
    ws = world.workspace
    holdout = assign_holdout(ws.project_key, subject.end_user_id, ws.holdout_pct)
    checks: list[GateCheck] = []

    def outcome(decision: EntryDecision, reason: Reason | None, audience=None) -> EntryOutcome:
        return EntryOutcome(decision, reason, tuple(checks), holdout, audience)

    status_reason = _STATUS_REASONS.get(status or "") if version is not None else None
    if status_reason is not None:
        checks.append(GateCheck(Gate.JOURNEY_STATUS, False, status_reason, detail=status))
        return outcome(EntryDecision.NOT_ELIGIBLE, status_reason)
    if version is not None:
        checks.append(GateCheck(Gate.JOURNEY_STATUS, True, detail=status or "active"))

    audience = _audience(journey, subject, world, at)
    if audience is not None and not audience.result:
        detail = f"not in {journey.audience_id}"
        checks.append(GateCheck(Gate.AUDIENCE, False, Reason.AUDIENCE_MISMATCH, detail=detail))
        return outcome(EntryDecision.NOT_ELIGIBLE, Reason.AUDIENCE_MISMATCH, audience)
    checks.append(_passed(Gate.AUDIENCE, journey.audience_id or "everyone"))

    detail = (
        f"bucket {holdout.bucket}; held out below {holdout.holdout_pct}"
        if holdout.holdout_pct
        else f"bucket {holdout.bucket}; no holdout (holdoutPct 0)"
    )
    if not holdout.in_holdout:
        checks.append(_passed(Gate.HOLDOUT, detail))
    elif Override.HOLDOUT in overrides:
        checks.append(GateCheck(Gate.HOLDOUT, False, Reason.HOLDOUT_MEMBERSHIP, True, detail))
    else:
        checks.append(GateCheck(Gate.HOLDOUT, False, Reason.HOLDOUT_MEMBERSHIP, detail=detail))
        return outcome(EntryDecision.BLOCKED, Reason.HOLDOUT_MEMBERSHIP, audience)
    return outcome(EntryDecision.ENTERED, None, audience)


@lru_cache(maxsize=4096)
def _passed(gate: Gate, detail: str) -> GateCheck:
    """A passed entry check (checks are frozen: the few that recur are shared)."""
    return GateCheck(gate, True, detail=detail)


_NO_MEMBERS = " (a static segment with no members: list its subjectIds or give it a predicate)"


def _audience(journey: Journey, subject: Subject, world: World, at: datetime) -> Evaluation | None:
    segment_id = journey.audience_id
    if segment_id is None:
        return None
    segment = world.segments.get(segment_id)
    if segment is None:
        return Evaluation(False, (Leaf("", "in_segment", f"unknown segment {segment_id}", False),))
    if segment.kind is SegmentKind.STATIC:
        members = segment.subject_ids or ()
        member = subject.end_user_id in members
        # An empty list is what an import makes of a segment it was not given: say so.
        label = f"member of {segment_id}" + ("" if members else _NO_MEMBERS)
        return Evaluation(member, (Leaf("", "static", label, member),))
    if segment.predicate is None:
        return Evaluation(False, (Leaf("", "rules", f"{segment_id} has no predicate", False),))
    return evaluate(segment.predicate, subject, world=world, at=at)
