"""Pinpoint activities → journeysim steps (the activity rows of SPEC §4's table).

Each activity is *planned* first: it either becomes steps, built once every activity
has its step id (so next pointers can be resolved), or it is removed and its
predecessors are reconnected to its successor (``Holdout``, ``ContactCenter``, and
degenerate splits that send everyone one way). Decisions:

* ``EMAIL``/``PUSH`` → ``send`` of the template's communication; ``SMS`` → a webhook
  placeholder to ``https://sms.invalid/...`` (no SMS channel); ``CUSTOM`` with an
  http(s) ``DeliveryUri`` → webhook (``Data`` is sent verbatim, as Pinpoint does), a
  Lambda ARN or no URI → webhook placeholder.
* ``Wait`` → ``wait``; a Wait with no ``WaitTime`` waits ``PT0S`` (reported).
* ``ConditionalSplit``/``MultiCondition`` → conditional ``branch``;
  ``EvaluationWaitTime`` → a ``wait`` step first (it keeps the activity's id, the
  branch gets ``<id>-split``). A condition that tests nothing (``Conditions: [{}]``)
  matches no one: such a split sends everyone to ``FalseActivity``, such a
  MultiCondition branch is dropped, and a split left with nothing to test is removed.
* ``CUSTOM`` ``EndpointTypes`` (which of a participant's endpoints Pinpoint called the
  function or webhook for) has no equivalent: the webhook runs once per subject, reported.
* ``RandomSplit`` → adaptive ``branch`` with arms ``arm-1``...; one branch or none
  removes the split, and so do branches that all lead to the same next activity (the
  split decides nothing; reported). The ``random_split_adaptive`` warning stays a
  warning when the import was given a goal (the fixed percentages are still gone), but
  then names the goal event the arms learn from instead of asking for one: telling a
  user who passed ``--goal-event`` to pass it reads as if it was ignored.
* An activity object with no type (``{}``) is an ``exit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from importers.pinpoint.communications import Catalog
from importers.pinpoint.jinja import text
from importers.pinpoint.models import Activity, WaitTime
from importers.pinpoint.names import StepIds, slug
from importers.pinpoint.predicates import PredicateBuilder, combine
from importers.pinpoint.report import Reporter
from importers.pinpoint.servicemodel import pointer
from simulator.codes import ImportCode
from simulator.models import (
    AdaptiveArm,
    AdaptiveBranchStep,
    BranchRule,
    Channel,
    ConditionalBranchStep,
    ExitStep,
    Predicate,
    SendStep,
    Step,
    WaitStep,
    WebhookStep,
)

__all__ = ["TYPE_MEMBERS", "Context", "Plan", "Resolve", "plan_activity"]

TYPE_MEMBERS = (
    ("EMAIL", "email"),
    ("SMS", "sms"),
    ("PUSH", "push"),
    ("CUSTOM", "custom"),
    ("Wait", "wait"),
    ("ConditionalSplit", "conditional_split"),
    ("MultiCondition", "multi_condition"),
    ("RandomSplit", "random_split"),
    ("Holdout", "holdout"),
    ("ContactCenter", "contact_center"),
)
"""Activity type member → model field, in the order a mixed activity is read."""
SMS_PLACEHOLDER = "https://sms.invalid/pinpoint"
LAMBDA_PLACEHOLDER = "https://lambda.invalid/pinpoint"
CUSTOM_PLACEHOLDER = "https://custom.invalid/pinpoint"

Resolve = Callable[[str | None, str, str], str]
"""``resolve(next activity id, pointer of the reference, referring activity id)`` → step id."""
Build = Callable[[Resolve], list[Step]]


@dataclass(frozen=True, slots=True)
class Plan:
    """An activity's fate: steps from ``build`` (entered at ``step_id``) or removal."""

    step_id: str | None = None
    build: Build | None = None
    passthrough: tuple[str | None, str] | None = None
    """When removed: (the activity predecessors now lead to, pointer of that field)."""


@dataclass(frozen=True, slots=True)
class Context:
    """What planning an activity needs from its journey."""

    base: str
    """Pointer to the journey's ``Activities`` object in the export."""
    ids: StepIds
    report: Reporter
    catalog: Catalog
    predicates: PredicateBuilder
    goal_event: str | None = None
    """The goal event the import gives every journey, if any."""


def plan_activity(activity_id: str, activity: Activity, ctx: Context) -> Plan:
    """Plan one activity (reports go to ``ctx.report``)."""
    at = pointer(ctx.base, activity_id)
    present = [(key, field) for key, field in TYPE_MEMBERS if getattr(activity, field) is not None]
    if not present:
        message = "the activity has no type (EMAIL, Wait, ...); its path ends here (exit step)"
        ctx.report.add(ImportCode.EMPTY_ACTIVITY, message, activity_id=activity_id, location=at)
        step_id = ctx.ids.take(activity_id)
        return Plan(step_id, lambda resolve: [ExitStep(id=step_id)])
    if len(present) > 1:
        ignored = ", ".join(key for key, _ in present[1:])
        message = (
            f"the activity has several types; {present[0][0]} was translated, {ignored} ignored"
        )
        ctx.report.add(
            ImportCode.MULTIPLE_ACTIVITY_TYPES, message, activity_id=activity_id, location=at
        )
    key, field = present[0]
    return _PLANNERS[key](activity_id, getattr(activity, field), pointer(at, key), ctx)


def _next(activity_id: str, target: str | None, at: str) -> Callable[[Resolve], str]:
    return lambda resolve: resolve(target, at, activity_id)


def _send(channel: Channel) -> Callable[[str, Any, str, Context], Plan]:
    kind = "EMAIL" if channel is Channel.EMAIL else "PUSH"

    def plan(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
        comm = ctx.catalog.send(kind, act, activity_id, at, ctx.report)  # type: ignore[arg-type]
        step_id = ctx.ids.take(activity_id)
        after = _next(activity_id, act.next_activity, pointer(at, "NextActivity"))
        return Plan(
            step_id,
            lambda r: [SendStep(id=step_id, communication_id=comm, channel=channel, next=after(r))],
        )

    return plan


def _sms(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
    body = ctx.catalog.sms_body(act, activity_id, at, ctx.report)
    step_id = ctx.ids.take(activity_id)
    url = f"{SMS_PLACEHOLDER}/{step_id}"
    message = (
        f"journeysim has no SMS channel: the activity became a webhook placeholder ({url}) "
        "carrying the message; point it at your SMS gateway or remove it"
    )
    ctx.report.add(
        ImportCode.UNSUPPORTED_CHANNEL_SMS, message, activity_id=activity_id, location=at
    )
    return _webhook(activity_id, act, at, step_id, url, body)


def _custom(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
    uri = (act.delivery_uri or "").strip()
    step_id = ctx.ids.take(activity_id)
    where = pointer(at, "DeliveryUri")
    if uri.lower().startswith(("https://", "http://")):
        url = uri
    elif uri.startswith("arn:"):
        url = f"{LAMBDA_PLACEHOLDER}/{slug(uri.split(':function:')[-1], step_id)}"
        message = (
            f"a Lambda function ({uri}) cannot be called from journeysim: the activity became a "
            f"webhook placeholder ({url}); put the function behind an HTTPS endpoint"
        )
        ctx.report.add(
            ImportCode.CUSTOM_LAMBDA_PLACEHOLDER, message, activity_id=activity_id, location=where
        )
    else:
        url = f"{CUSTOM_PLACEHOLDER}/{step_id}"
        message = f"the CUSTOM activity has no DeliveryUri: the webhook points at {url}"
        ctx.report.add(ImportCode.CUSTOM_WITHOUT_URI, message, activity_id=activity_id, location=at)
    if act.endpoint_types:
        kinds = ", ".join(act.endpoint_types)
        target = "function" if uri.startswith("arn:") else "webhook"
        message = (
            f"EndpointTypes ({kinds}): Pinpoint called the {target} once per endpoint of "
            "those channels; the journeysim webhook runs once per subject"
        )
        ctx.report.add(
            ImportCode.CUSTOM_ENDPOINT_TYPES,
            message,
            activity_id=activity_id,
            location=pointer(at, "EndpointTypes"),
        )
    data = act.message_config.data if act.message_config is not None else None
    return _webhook(activity_id, act, at, step_id, url, None if data is None else text(data))


def _webhook(activity_id: str, act: Any, at: str, step_id: str, url: str, body: str | None) -> Plan:
    after = _next(activity_id, act.next_activity, pointer(at, "NextActivity"))
    return Plan(
        step_id,
        lambda r: [WebhookStep(id=step_id, url=url, body_template=body, next=after(r))],
    )


def _wait(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
    fields = _wait_fields(act.wait_time, pointer(at, "WaitTime"), activity_id, ctx.report)
    if fields is None:
        message = "the Wait has no WaitFor or WaitUntil: it waits PT0S (no time)"
        ctx.report.add(ImportCode.WAIT_WITHOUT_TIME, message, activity_id=activity_id, location=at)
        fields = {"duration": "PT0S"}
    step_id = ctx.ids.take(activity_id)
    after = _next(activity_id, act.next_activity, pointer(at, "NextActivity"))
    return Plan(step_id, lambda r: [WaitStep(id=step_id, next=after(r), **fields)])


def _wait_fields(
    wait: WaitTime | None, at: str, activity_id: str, report: Reporter
) -> dict[str, str] | None:
    wait_for, until = (wait.wait_for, wait.wait_until) if wait is not None else (None, None)
    if wait_for and until:
        message = "the wait has both WaitFor and WaitUntil; WaitFor was kept"
        report.add(ImportCode.WAIT_FOR_AND_UNTIL, message, activity_id=activity_id, location=at)
    if wait_for:
        return {"duration": wait_for}
    return {"until": until} if until else None


def _conditional(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
    condition = act.condition
    conditions = condition.conditions or [] if condition is not None else []
    leaves = [
        ctx.predicates.simple(c, pointer(at, "Condition", "Conditions", k))
        for k, c in enumerate(conditions)
    ]
    operator = (condition.operator if condition is not None else None) or "ALL"
    predicate = combine(operator, leaves)
    true_next = _next(activity_id, act.true_activity, pointer(at, "TrueActivity"))
    false_at = pointer(at, "FalseActivity")
    if predicate is None:
        message = "the condition tests nothing, so no one matches: everyone follows FalseActivity"
        ctx.report.add(ImportCode.EMPTY_CONDITION, message, activity_id=activity_id, location=at)
        return _split(activity_id, act, at, ctx, None, (act.false_activity, false_at))
    false_next = _next(activity_id, act.false_activity, false_at)
    return _split(
        activity_id,
        act,
        at,
        ctx,
        lambda bid, r: ConditionalBranchStep(
            id=bid,
            rules=[BranchRule(when=predicate, next=true_next(r))],
            default_next=false_next(r),
        ),
        (act.false_activity, false_at),
    )


def _multi(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
    rules: list[tuple[Predicate, Callable[[Resolve], str]]] = []
    for k, branch in enumerate(act.branches or []):
        where = pointer(at, "Branches", k)
        predicate = None
        if branch.condition is not None:
            predicate = ctx.predicates.simple(branch.condition, pointer(where, "Condition"))
        if predicate is None:
            message = f"branch {k} tests nothing, so no one matches it: it was dropped"
            ctx.report.add(
                ImportCode.EMPTY_CONDITION, message, activity_id=activity_id, location=where
            )
            continue
        rules.append(
            (predicate, _next(activity_id, branch.next_activity, pointer(where, "NextActivity")))
        )
    default = (act.default_activity, pointer(at, "DefaultActivity"))
    if not rules:
        message = "the split has no branch to evaluate: everyone follows DefaultActivity"
        ctx.report.add(ImportCode.EMPTY_BRANCHES, message, activity_id=activity_id, location=at)
        return _split(activity_id, act, at, ctx, None, default)
    default_next = _next(activity_id, *default)
    return _split(
        activity_id,
        act,
        at,
        ctx,
        lambda bid, r: ConditionalBranchStep(
            id=bid,
            rules=[BranchRule(when=p, next=after(r)) for p, after in rules],
            default_next=default_next(r),
        ),
        default,
    )


def _split(
    activity_id: str,
    act: Any,
    at: str,
    ctx: Context,
    branch: Callable[[str, Resolve], Step] | None,
    otherwise: tuple[str | None, str],
) -> Plan:
    """A branch (or, with ``branch=None``, a pass-through), after its evaluation wait."""
    where = pointer(at, "EvaluationWaitTime")
    wait = _wait_fields(act.evaluation_wait_time, where, activity_id, ctx.report)
    if wait is None and branch is None:
        return Plan(passthrough=otherwise)
    step_id = ctx.ids.take(activity_id)
    if wait is None:
        return Plan(step_id, lambda r: [branch(step_id, r)])  # type: ignore[misc]
    if branch is None:
        after = _next(activity_id, *otherwise)
        return Plan(step_id, lambda r: [WaitStep(id=step_id, next=after(r), **wait)])
    branch_id = ctx.ids.take(f"{activity_id}-split")
    message = f"EvaluationWaitTime became wait step {step_id!r} before branch {branch_id!r}"
    ctx.report.add(ImportCode.EVALUATION_WAIT, message, activity_id=activity_id, location=where)
    return Plan(
        step_id, lambda r: [WaitStep(id=step_id, next=branch_id, **wait), branch(branch_id, r)]
    )


def _random(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
    branches = act.branches or []
    if len(branches) < 2:
        target = branches[0].next_activity if branches else None
        message = (
            "the random split has one branch: everyone follows it (the split was removed)"
            if branches
            else "the random split has no branches: participants leave the journey here"
        )
        ctx.report.add(ImportCode.EMPTY_BRANCHES, message, activity_id=activity_id, location=at)
        where = pointer(at, "Branches", 0, "NextActivity") if branches else pointer(at, "Branches")
        return Plan(passthrough=(target, where))
    shares = "/".join(f"{b.percentage if b.percentage is not None else '?'}%" for b in branches)
    targets = {b.next_activity or None for b in branches}
    if len(targets) == 1:
        target = targets.pop()
        where = f"{target!r}" if target else "the end of the journey"
        message = (
            f"every branch of the random split ({shares}) leads to {where}: the split "
            "decides nothing and was removed"
        )
        ctx.report.add(
            ImportCode.RANDOM_SPLIT_COLLAPSED, message, activity_id=activity_id, location=at
        )
        return Plan(passthrough=(target, pointer(at, "Branches", 0, "NextActivity")))
    message = f"fixed percentages ({shares}) became an adaptive branch: " + _learns_from(
        ctx.goal_event
    )
    ctx.report.add(ImportCode.RANDOM_SPLIT_ADAPTIVE, message, activity_id=activity_id, location=at)
    step_id = ctx.ids.take(activity_id)
    arms = [
        (
            f"arm-{k + 1}",
            _next(activity_id, b.next_activity, pointer(at, "Branches", k, "NextActivity")),
        )
        for k, b in enumerate(branches)
    ]
    return Plan(
        step_id,
        lambda r: [
            AdaptiveBranchStep(id=step_id, arms=[AdaptiveArm(arm_id=a, next=n(r)) for a, n in arms])
        ],
    )


def _learns_from(goal_event: str | None) -> str:
    """What the arms of a translated RandomSplit learn from, or how to give them a goal.

    >>> _learns_from("purchase").endswith("goal event 'purchase' (set on import)")
    True
    >>> "--goal-event NAME" in _learns_from(None)
    True
    """
    if goal_event:
        return (
            "journeysim assigns arms by Thompson sampling on the journey's goal event "
            f"{goal_event!r} (set on import)"
        )
    return (
        "journeysim assigns arms by Thompson sampling on the journey's goal event, so the "
        "journey needs goalEventName (`import-pinpoint --goal-event NAME`, or `goalEvent` "
        "in the API's translate request, sets it)"
    )


def _holdout(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
    message = (
        f"the Holdout ({act.percentage}%) was removed: journeysim holds out a share of every "
        f"journey's subjects at workspace level (workspace holdoutPct, default 5; set it to "
        f"{act.percentage} to keep this share)"
    )
    ctx.report.add(ImportCode.HOLDOUT_REMOVED, message, activity_id=activity_id, location=at)
    return Plan(passthrough=(act.next_activity, pointer(at, "NextActivity")))


def _contact_center(activity_id: str, act: Any, at: str, ctx: Context) -> Plan:
    message = "ContactCenter (Amazon Connect calls) has no equivalent: removed, path reconnected"
    ctx.report.add(ImportCode.CONTACT_CENTER_REMOVED, message, activity_id=activity_id, location=at)
    return Plan(passthrough=(act.next_activity, pointer(at, "NextActivity")))


_PLANNERS: dict[str, Callable[[str, Any, str, Context], Plan]] = {
    "EMAIL": _send(Channel.EMAIL),
    "PUSH": _send(Channel.MOBILE_PUSH),
    "SMS": _sms,
    "CUSTOM": _custom,
    "Wait": _wait,
    "ConditionalSplit": _conditional,
    "MultiCondition": _multi,
    "RandomSplit": _random,
    "Holdout": _holdout,
    "ContactCenter": _contact_center,
}
