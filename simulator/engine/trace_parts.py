"""Conversions from the engine's plain results to the parts of a :class:`Trace`.

Webhook header values whose names suggest a secret (``Authorization``, ``*token*``,
``*secret*``, ``*key*``, ``Cookie``) are shown as ``•••``: a trace is shareable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from simulator.engine.bandit import ArmChoice
from simulator.engine.effects import AwaitEvent, CallWebhook, ConditionalChoice
from simulator.engine.gates import GateCheck
from simulator.engine.holdout import HoldoutAssignment
from simulator.engine.identity import by_identity
from simulator.engine.masking import MASK
from simulator.engine.predicates import Evaluation, Leaf
from simulator.engine.render import RenderResult
from simulator.engine.trace import (
    TraceArm,
    TraceAudience,
    TraceBranch,
    TraceGate,
    TraceHoldout,
    TraceLeaf,
    TraceRendered,
    TraceRule,
    TraceSend,
    TraceWait,
    TraceWebhook,
)
from simulator.models import Channel, Communication, Step, WaitStep

__all__ = [
    "audience_part",
    "branch_part",
    "gate_parts",
    "holdout_part",
    "send_part",
    "wait_part",
    "webhook_part",
]

_SECRET_HEADER = re.compile(r"authorization|token|secret|key|cookie|signature", re.IGNORECASE)


def gate_parts(checks: Iterable[GateCheck]) -> list[TraceGate]:
    # Most checks are shared objects (passed gates, recurring details): found by
    # identity, as are a compiled predicate's leaves below.
    return [_gate_part(check) for check in checks]


# Trace parts are frozen: equal ones are built (validated, scrubbed) once and shared.
@lru_cache(maxsize=4096)
def _gate(c: GateCheck) -> TraceGate:
    return TraceGate.build(
        gate=c.gate, passed=c.passed, reason=c.reason, overridden=c.overridden, detail=c.detail
    )


@lru_cache(maxsize=4096)
def _leaf(x: Leaf) -> TraceLeaf:
    return TraceLeaf.build(path=x.path, kind=x.kind, label=x.label, result=x.result)


_gate_part = by_identity(_gate)
_leaf_part = by_identity(_leaf)


@lru_cache(maxsize=1024)
def holdout_part(holdout: HoldoutAssignment) -> TraceHoldout:
    return TraceHoldout.build(
        bucket=holdout.bucket, holdout_pct=holdout.holdout_pct, in_holdout=holdout.in_holdout
    )


def _leaves(leaves: Iterable[Leaf]) -> list[TraceLeaf]:
    return [_leaf_part(leaf) for leaf in leaves]


def audience_part(segment_id: str | None, evaluation: Evaluation | None) -> TraceAudience | None:
    if segment_id is None or evaluation is None:
        return None
    return TraceAudience.build(
        segment_id=segment_id, matched=evaluation.result, leaves=_leaves(evaluation.leaves)
    )


def branch_part(choice: ConditionalChoice | ArmChoice | None) -> TraceBranch | None:
    if choice is None:
        return None
    if isinstance(choice, ConditionalChoice):
        rules = [
            TraceRule.build(index=r.index, matched=r.matched, leaves=_leaves(r.leaves))
            for r in choice.rules
        ]
        return TraceBranch.build(mode="conditional", rule_index=choice.rule_index, rules=rules)
    arms = [
        TraceArm.build(
            arm_id=a.arm_id,
            subjects_reached=a.subjects_reached,
            goal_events=a.goal_events,
            posterior_mean=a.posterior_mean,
            sample=a.sample,
        )
        for a in choice.arms
    ]
    return TraceBranch.build(
        mode="adaptive", selection=choice.mode, arms=arms, chosen_arm_id=choice.arm_id
    )


def send_part(
    channel: Channel, communication: Communication, rendered: RenderResult | None
) -> TraceSend:
    fields: dict = {}
    if rendered is not None and rendered.error is not None:
        fields["error"] = rendered.error
    elif rendered is not None:
        fields["rendered"] = TraceRendered.build(
            subject_line=rendered.subject_line, body=rendered.body
        )
        fields["missing_variables"] = list(rendered.missing_variables)
    return TraceSend.build(
        channel=channel,
        communication_id=communication.id,
        communication_version=communication.version,
        **fields,
    )


def wait_part(
    step: Step,
    kind: str,
    until: datetime,
    resumed_by: str,
    awaited: AwaitEvent | None = None,
) -> TraceWait:
    duration = None
    if isinstance(step, WaitStep):
        duration = step.until_event.timeout if step.until_event else step.duration
    return TraceWait.build(
        kind=kind,
        duration=duration,
        until=until,
        event_name=awaited.event_name if awaited else None,
        timeout_at=awaited.timeout_at if awaited else None,
        resumed_by=resumed_by,
    )


def webhook_part(call: CallWebhook, body: RenderResult | None) -> TraceWebhook:
    headers = {
        name: MASK if _SECRET_HEADER.search(name) else value
        for name, value in sorted(call.headers.items())
    }
    fields: dict = {}
    if body is not None:
        fields = {
            "body": body.body if body.error is None else None,
            "missing_variables": list(body.missing_variables),
            "error": body.error,
        }
    return TraceWebhook.build(url=call.url, method=call.method, headers=headers, **fields)
