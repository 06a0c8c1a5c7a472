"""Step planners: one per step type, each ``(step, context) -> StepPlan``.

A planner decides what a step does at the context's virtual "now" and returns the
effects (deliver, call a webhook, go to, wait until, await an event, exit, stop) without
performing any of them. The dry-run driver (:mod:`simulator.engine.driver`) applies
them; a runtime driver (the API's step dispatcher, SPEC §5) is to call these same
functions and differ only in how it applies ``Deliver`` and ``CallWebhook``.

A send step whose gates fail, or which cannot run as written (unknown or
transactional communication, unsupported channel), does not end the execution: the
subject moves on to the step's ``next``, as the hosted runtime does.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from simulator.codes import Decision, Override, Reason
from simulator.durations import in_calendar, parse_duration, parse_timestamp
from simulator.engine.bandit import ArmStats, choose_arm
from simulator.engine.effects import (
    AwaitEvent,
    CallWebhook,
    ConditionalChoice,
    Deliver,
    Exit,
    Goto,
    RuleResult,
    StepPlan,
    Stop,
    WaitUntil,
)
from simulator.engine.frozen import fast_init
from simulator.engine.gates import has_recipient, run_gates
from simulator.engine.predicates import evaluate
from simulator.engine.trace import format_time
from simulator.models import (
    AdaptiveBranchStep,
    CommunicationKind,
    ConditionalBranchStep,
    ExitStep,
    Journey,
    SendStep,
    Step,
    Subject,
    WaitStep,
    WebhookStep,
)
from simulator.world import World

__all__ = [
    "CALENDAR_END",
    "StepContext",
    "plan_branch",
    "plan_exit",
    "plan_send",
    "plan_step",
    "plan_wait",
    "plan_webhook",
]

ArmStatsByStep = Mapping[str, Mapping[str, ArmStats]]
_duration = lru_cache(maxsize=1024)(parse_duration)  # Duration is immutable: share it


@fast_init
@dataclass(frozen=True, slots=True)
class StepContext:
    """Everything a planner may look at; "now" is the virtual clock's time."""

    journey: Journey
    world: World
    subject: Subject
    """The subject with every event known to the driver; evaluators ignore future ones."""
    now: datetime
    sends: tuple[datetime, ...] = ()
    """Times of the subject's earlier sends (its history), sorted."""
    recent_sends: tuple[datetime, ...] = ()
    """Times of this execution's sends so far, sorted."""
    overrides: frozenset[Override] = frozenset()
    arm_stats: ArmStatsByStep | None = None
    seed: int = 0
    trigger_properties: Mapping[str, Any] = field(default_factory=dict)


def plan_send(step: SendStep, ctx: StepContext) -> StepPlan:
    comm = ctx.world.communications.get(step.communication_id)
    after = (Goto(step.next),)
    if comm is None:
        detail = {"message": f"unknown communication {step.communication_id!r}"}
        return StepPlan(Decision.FAILED, Reason.UNKNOWN_COMMUNICATION, after, detail=detail)
    channel = step.channel or comm.channels[0]
    detail = {"channel": channel, "communication": comm}
    if comm.kind is not CommunicationKind.MARKETING:
        message = f"{comm.id} is transactional; journeys send marketing communications only"
        return StepPlan(
            Decision.FAILED,
            Reason.TRANSACTIONAL_COMMUNICATION,
            after,
            detail={**detail, "message": message},
        )
    if channel not in comm.channels:
        message = f"{comm.id} has no {channel.value} channel"
        return StepPlan(
            Decision.FAILED,
            Reason.CHANNEL_NOT_SUPPORTED,
            after,
            detail={**detail, "message": message},
        )
    contract = ctx.world.trigger_contracts.get(ctx.journey.trigger_contract_id or "")
    recipient = has_recipient(
        channel,
        ctx.subject,
        ctx.trigger_properties,
        contract.recipient_email_field_path if contract else None,
    )
    outcome = run_gates(
        ctx.subject,
        channel,
        workspace=ctx.world.workspace,
        at=ctx.now,
        sends=ctx.sends,
        overrides=ctx.overrides,
        recipient=recipient,
        recent=ctx.recent_sends,
    )
    if outcome.decision is Decision.EXECUTED:
        effects = (Deliver(channel, comm), Goto(step.next))
    elif outcome.decision is Decision.DEFERRED:
        effects = (WaitUntil(outcome.deferred_until, step.id, kind="deferral"),)
    else:
        effects = after
    return StepPlan(outcome.decision, outcome.reason, effects, outcome.checks, detail=detail)


def plan_wait(step: WaitStep, ctx: StepContext) -> StepPlan:
    """A wait as written: until a time, for a duration, or for an event by a timeout.

    A wait that cannot be read (a bad duration or timestamp in an unvalidated draft)
    fails and the execution moves on, as a send that cannot run does. One whose wake-up
    (or timeout) would fall after 9999-12-31 in UTC, where times are kept (an ``until``
    of ``9999-12-31T23:59:59-05:00`` is in year 10000 there), fails and *stops* the execution
    (:class:`~simulator.engine.effects.Stop`, warning :data:`CALENDAR_END`): moving on
    would run the rest of the journey at the wait's own start, as if it had not waited.
    """
    spec = None
    try:
        if step.duration is not None:
            duration = _duration(step.duration)
        elif step.until is not None:
            resume = max(parse_timestamp(step.until), ctx.now)
            if not in_calendar(resume):
                return _wait_past_the_calendar(step, f"wait until {step.until}")
            return StepPlan(Decision.EXECUTED, effects=(WaitUntil(resume, step.next, "until"),))
        elif step.until_event is not None:
            spec = step.until_event
            duration = _duration(spec.timeout)
        else:
            return _failed_wait(step, "a wait needs one of duration, until or untilEvent")
    except (ValueError, OverflowError) as exc:
        return _failed_wait(step, str(exc))
    try:
        wake = duration.add_to(ctx.now)
    except (ValueError, OverflowError):  # past year 9999: a replace() or a + overflows
        wake = None
    if wake is None or not in_calendar(wake):  # a now written at -05:00 may add up to 10000
        what = "wait" if step.duration is not None else "timeout"
        return _wait_past_the_calendar(
            step, f"{what} of {duration.text} from {format_time(ctx.now)}"
        )
    if spec is None:
        return StepPlan(Decision.EXECUTED, effects=(WaitUntil(wake, step.next),))
    effect = AwaitEvent(spec.event_name, wake, step.next, spec.timeout_next)
    return StepPlan(Decision.EXECUTED, effects=(effect,))


def _failed_wait(step: WaitStep, message: str) -> StepPlan:
    return StepPlan(
        Decision.FAILED, Reason.INVALID_WAIT, (Goto(step.next),), detail={"message": message}
    )


CALENDAR_END = "calendar_end"
"""The warning code of an execution stopped by a wait that would wake after 9999-12-31."""


def _wait_past_the_calendar(step: WaitStep, wait: str) -> StepPlan:
    message = (
        f"the {wait} would end after 9999-12-31, the end of the calendar: the execution stops here"
    )
    return StepPlan(
        Decision.FAILED,
        Reason.INVALID_WAIT,
        (Stop(CALENDAR_END, message),),
        detail={"message": message},
    )


def plan_branch(step: ConditionalBranchStep | AdaptiveBranchStep, ctx: StepContext) -> StepPlan:
    if isinstance(step, AdaptiveBranchStep):
        return _plan_adaptive(step, ctx)
    results = []
    for index, rule in enumerate(step.rules):
        evaluation = evaluate(rule.when, ctx.subject, world=ctx.world, at=ctx.now)
        results.append(RuleResult(index, evaluation.result, evaluation.leaves))
        if evaluation.result:
            choice = ConditionalChoice(index, tuple(results))
            return StepPlan(Decision.EXECUTED, effects=(Goto(rule.next),), branch=choice)
    choice = ConditionalChoice(None, tuple(results))
    return StepPlan(Decision.EXECUTED, effects=(Goto(step.default_next),), branch=choice)


def _plan_adaptive(step: AdaptiveBranchStep, ctx: StepContext) -> StepPlan:
    stats = (ctx.arm_stats or {}).get(step.id)
    choice = choose_arm(
        [arm.arm_id for arm in step.arms],
        stats,
        journey_id=ctx.journey.id,
        step_id=step.id,
        end_user_id=ctx.subject.end_user_id,
        rng=lambda: random.Random(f"{ctx.seed}::{step.id}"),
    )
    next_step = step.arms[choice.index].next
    return StepPlan(Decision.EXECUTED, effects=(Goto(next_step),), branch=choice)


def plan_webhook(step: WebhookStep, ctx: StepContext) -> StepPlan:
    call = CallWebhook(step.url, step.method, step.body_template, dict(step.headers or {}))
    return StepPlan(Decision.EXECUTED, effects=(call, Goto(step.next)))


def plan_exit(step: ExitStep, ctx: StepContext) -> StepPlan:
    return _EXIT_PLAN


_EXIT_PLAN = StepPlan(Decision.EXECUTED, effects=(Exit(),))
"""Every exit step's plan (plans are frozen: one is shared)."""


_PLANNERS: dict[type, Callable[[Any, StepContext], StepPlan]] = {
    SendStep: plan_send,
    WaitStep: plan_wait,
    ConditionalBranchStep: plan_branch,
    AdaptiveBranchStep: plan_branch,
    WebhookStep: plan_webhook,
    ExitStep: plan_exit,
}


def plan_step(step: Step, ctx: StepContext) -> StepPlan:
    """Plan any step (dispatch on its type)."""
    return _PLANNERS[type(step)](step, ctx)
