"""The one step function both drivers call: ``advance(env, state, delivery)``.

An execution is a frozen, serialisable :class:`ExecutionState` (the step to run next
and when, the sends made so far, the deferrals in a row, the steps taken, the arms
chosen, the ``untilEvent`` wait it awaits, the seed) over an :class:`ExecutionEnv`
(journey, world, subject, overrides, arm stats and trigger: what does not change
during the execution, built once). :func:`advance` runs one step at ``state.now`` and
returns an :class:`Advance`: the new state, the trace step and when to wake next.
:func:`resume` settles an awaited ``untilEvent`` wait, on an event or on its timeout.

The rules that used to live in the dry-run loop live here, so the dry-run
(:mod:`simulator.engine.driver`, which loops this on a virtual clock) and the runtime
(which persists the state between Step Functions dispatches) cannot disagree:

* a template error in a send or webhook body makes the step ``failed`` with
  ``template_error`` and the execution moves on to the step's ``next``;
* a send counts toward the frequency caps only once it rendered;
* a send may be deferred at most :data:`MAX_DEFERRALS` times in a row (quiet hours end
  where they end, so one is the norm); the limit is per step;
* an execution stops with a warning at the first step reached a second time
  (``cycle_detected``, only invalid journeys loop), at a reference to a missing step
  (``unknown_step``) or after as many steps as the larger of :data:`MAX_STEPS` and the
  journey's own step count (``step_limit``, :attr:`ExecutionEnv.step_limit`). A valid
  journey is acyclic, so it never reaches that guard, however long it is; a deferred
  attempt (the same send re-run when quiet hours end) is not a step taken, since
  deferrals have their own limit;
* a planner's :class:`~simulator.engine.effects.Stop` ends the execution ``stopped``
  after its step (recorded ``failed``) with the stop's warning: a wait that would wake
  after 9999-12-31 (:data:`~simulator.engine.planners.CALENDAR_END`), which the runtime
  reports as ``FAILED`` and the dry-run as a warning, never as a journey that went on;
* the trace step is built here, from the planner's plan and the delivery's renders.

The only thing the drivers choose is the :class:`~simulator.engine.delivery.Delivery`:
the dry-run's renders masked and sends nothing; the runtime's renders for real and
keeps a masked copy. ``advance`` never reads a clock: ``state.now`` is the instant the
step runs (the virtual time the driver woke it at).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from simulator.codes import Decision, Override, Reason
from simulator.engine.bandit import ArmChoice, ArmStats
from simulator.engine.delivery import Delivery
from simulator.engine.effects import (
    AwaitEvent,
    CallWebhook,
    Deliver,
    Exit,
    Goto,
    Stop,
    WaitUntil,
)
from simulator.engine.frozen import fast_init
from simulator.engine.planners import StepContext, plan_step
from simulator.engine.trace import TraceStep, TraceWarning
from simulator.engine.trace_parts import (
    branch_part,
    gate_parts,
    send_part,
    wait_part,
    webhook_part,
)
from simulator.models import Event, Journey, Step, Subject, WaitStep
from simulator.world import World

__all__ = [
    "MAX_DEFERRALS",
    "MAX_STEPS",
    "Advance",
    "Awaiting",
    "ExecutionEnv",
    "ExecutionState",
    "TriggerInfo",
    "advance",
    "first_awaited_event",
    "resume",
    "send_times",
    "start_state",
]

MAX_STEPS = 1_000
"""The fewest steps an execution may take (a journey of more steps may take them all)."""
MAX_DEFERRALS = 3

CYCLE_DETECTED = "cycle_detected"
"""The warning code of a journey that reaches a step a second time."""


@fast_init
@dataclass(frozen=True, slots=True)
class TriggerInfo:
    """The event that started the execution (what templates see as ``event``)."""

    event_name: str | None
    at: datetime | None
    properties: Mapping[str, Any]
    injected: bool = False
    """Made by the dry-run at its start (the subject had no such event then)."""


@fast_init
@dataclass(frozen=True, slots=True)
class ExecutionEnv:
    """What an execution sees and that does not change while it runs; built once."""

    journey: Journey
    world: World
    subject: Subject
    """The subject with every event the driver knows of (future ones included)."""
    trigger: TriggerInfo
    overrides: frozenset[Override] = frozenset()
    arm_stats: Mapping[str, Mapping[str, ArmStats]] | None = None
    history: tuple[datetime, ...] = ()
    """The subject's earlier send times, sorted (the frequency caps count them)."""
    steps: Mapping[str, Step] = field(default_factory=dict)
    step_limit: int = MAX_STEPS
    """How many steps the execution may take: never fewer than the journey has, so the
    guard stops only an execution that could not be a walk through a valid journey."""

    @classmethod
    def of(
        cls,
        journey: Journey,
        world: World,
        subject: Subject,
        trigger: TriggerInfo,
        overrides: frozenset[Override] = frozenset(),
        arm_stats: Mapping[str, Mapping[str, ArmStats]] | None = None,
    ) -> ExecutionEnv:
        return cls(
            journey=journey,
            world=world,
            subject=subject,
            trigger=trigger,
            overrides=overrides,
            arm_stats=arm_stats,
            history=send_times(subject),
            steps={step.id: step for step in journey.steps},
            step_limit=max(MAX_STEPS, len(journey.steps)),
        )


_SEND_TIMES: OrderedDict[int, tuple[list[Any], tuple[datetime, ...]]] = OrderedDict()
_SEND_TIMES_LOCK = threading.Lock()


def send_times(subject: Subject) -> tuple[datetime, ...]:
    """The subject's earlier send times, sorted; cached per send history, so the same
    subject dry-run many times (a population, a benchmark, the TUI) sorts its history
    once. The cache holds the history list itself and checks identity and length, so an
    id reused by another list (or an appended history) never answers; it keeps the 256
    most recent histories."""
    history = subject.send_history
    if not history:
        return ()
    key = id(history)
    with _SEND_TIMES_LOCK:
        hit = _SEND_TIMES.get(key)
        if hit is not None and hit[0] is history and len(hit[1]) == len(history):
            _SEND_TIMES.move_to_end(key)
            return hit[1]
    times = tuple(sorted(record.at for record in history))
    with _SEND_TIMES_LOCK:
        _SEND_TIMES[key] = (history, times)
        if len(_SEND_TIMES) > 256:
            _SEND_TIMES.popitem(last=False)
    return times


@fast_init
@dataclass(frozen=True, slots=True)
class Awaiting:
    """An ``untilEvent`` wait in progress: resumed by ``event_name`` by ``timeout_at``."""

    step_id: str
    event_name: str
    since: datetime
    timeout_at: datetime
    resumes_at: datetime | None = None
    """When an event the driver already knows of resumes the wait (the runtime's: one
    posted before the wait began, dated inside it and ahead of the clock); the wait
    wakes then instead of at its timeout."""

    def to_wire(self) -> dict[str, str]:
        wire = {
            "stepId": self.step_id,
            "eventName": self.event_name,
            "since": self.since.isoformat(),
            "timeoutAt": self.timeout_at.isoformat(),
        }
        if self.resumes_at is not None:
            wire["resumesAt"] = self.resumes_at.isoformat()
        return wire

    @classmethod
    def from_wire(cls, data: Mapping[str, str]) -> Awaiting:
        resumes_at = data.get("resumesAt")
        return cls(
            step_id=data["stepId"],
            event_name=data["eventName"],
            since=datetime.fromisoformat(data["since"]),
            timeout_at=datetime.fromisoformat(data["timeoutAt"]),
            resumes_at=datetime.fromisoformat(resumes_at) if resumes_at else None,
        )


@fast_init
@dataclass(frozen=True, slots=True)
class ExecutionState:
    """Where one execution is; frozen, and serialisable with :meth:`to_wire`.

    ``step_id`` runs next at ``now``, unless the execution awaits an event
    (``awaiting``) or has ended (``ended``: ``exited`` at an exit step, ``stopped`` by
    a loop or limit guard, ``ran_out`` when a step leads nowhere).
    """

    step_id: str | None
    now: datetime
    seed: int
    sends: tuple[datetime, ...] = ()
    """Send times of this execution (the subject's history is in the env)."""
    visited: frozenset[str] = frozenset()
    deferrals: int = 0
    steps_taken: int = 0
    """Steps run so far; a deferred attempt is not counted (``deferrals`` is)."""
    arms: tuple[tuple[str, str], ...] = ()
    """``(step id, arm id)`` of every adaptive branch taken, in order."""
    awaiting: Awaiting | None = None
    exit_step_id: str | None = None
    exited_at: datetime | None = None
    ended: str | None = None

    @property
    def done(self) -> bool:
        return self.ended is not None

    @property
    def wake_at(self) -> datetime | None:
        """When the driver should call next: the step's time, the awaited wait's
        timeout (or the time of the event known to resume it), or ``None`` once the
        execution has ended."""
        if self.ended is not None:
            return None
        awaiting = self.awaiting
        if awaiting is None:
            return self.now
        return awaiting.timeout_at if awaiting.resumes_at is None else awaiting.resumes_at

    def to_wire(self) -> dict[str, Any]:
        return {
            "stepId": self.step_id,
            "now": self.now.isoformat(),
            "seed": self.seed,
            "sends": [moment.isoformat() for moment in self.sends],
            "visited": sorted(self.visited),
            "deferrals": self.deferrals,
            "stepsTaken": self.steps_taken,
            "arms": [list(pair) for pair in self.arms],
            "awaiting": self.awaiting.to_wire() if self.awaiting else None,
            "exitStepId": self.exit_step_id,
            "exitedAt": self.exited_at.isoformat() if self.exited_at else None,
            "ended": self.ended,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> ExecutionState:
        exited_at = data.get("exitedAt")
        awaiting = data.get("awaiting")
        return cls(
            step_id=data["stepId"],
            now=datetime.fromisoformat(data["now"]),
            seed=int(data["seed"]),
            sends=tuple(datetime.fromisoformat(s) for s in data.get("sends", ())),
            visited=frozenset(data.get("visited", ())),
            deferrals=int(data.get("deferrals", 0)),
            steps_taken=int(data.get("stepsTaken", 0)),
            arms=tuple((a, b) for a, b in data.get("arms", ())),
            awaiting=Awaiting.from_wire(awaiting) if awaiting else None,
            exit_step_id=data.get("exitStepId"),
            exited_at=datetime.fromisoformat(exited_at) if exited_at else None,
            ended=data.get("ended"),
        )


@fast_init
@dataclass(frozen=True, slots=True)
class Advance:
    """What one call of :func:`advance` or :func:`resume` did."""

    state: ExecutionState
    step: TraceStep | None = None
    """The step's trace record (``None`` while an ``untilEvent`` wait is open)."""
    warning: TraceWarning | None = None


def start_state(env: ExecutionEnv, start: datetime, seed: int) -> ExecutionState:
    """The state of an execution entering ``env.journey`` at ``start``."""
    steps = env.journey.steps
    if not steps:
        return ExecutionState(step_id=None, now=start, seed=seed, ended="ran_out")
    return ExecutionState(step_id=steps[0].id, now=start, seed=seed)


def advance(env: ExecutionEnv, state: ExecutionState, delivery: Delivery) -> Advance:
    """Run the step ``state.step_id`` at ``state.now``; ``delivery`` renders and sends."""
    if state.ended is not None or state.awaiting is not None or state.step_id is None:
        raise ValueError("advance() needs a running execution that awaits no event")
    current = state.step_id
    step = env.steps.get(current)
    if step is None:
        return _stop(state, Reason.UNKNOWN_STEP, f"no step {current!r} in the journey", current)
    if current in state.visited:
        return _stop(state, CYCLE_DETECTED, f"step {current!r} reached a second time", current)
    if state.steps_taken >= env.step_limit:
        message = f"stopped after {env.step_limit} steps"
        return _stop(state, Reason.STEP_LIMIT, message, current)

    now = state.now
    plan = plan_step(step, _context(env, state))
    decision, reason = plan.decision, plan.reason
    detail, branch = plan.detail, plan.branch
    record: dict[str, Any] = {
        "step_id": step.id,
        "type": step.type,
        "at": now,
        "gates": gate_parts(plan.gates) if plan.gates else None,
        "message": detail.get("message") if detail else None,
        "branch": branch_part(branch) if branch is not None else None,
    }
    sends, arms = state.sends, state.arms
    if branch is not None and type(branch) is ArmChoice:
        arms = (*arms, (step.id, branch.arm_id))
    following: str | None = None
    wake = now
    awaiting: Awaiting | None = None
    exited = False
    stop: Stop | None = None
    for effect in plan.effects:
        kind = type(effect)  # effects are final classes: dispatch on the exact type
        if kind is Goto:
            following = effect.step_id
        elif kind is Deliver:
            rendered = delivery.deliver(env, step, effect, now)
            if rendered.error is None:
                sends = (*sends, now)
            else:
                decision, reason = Decision.FAILED, Reason.TEMPLATE_ERROR
            record["send"] = send_part(effect.channel, effect.communication, rendered)
        elif kind is WaitUntil:
            wake, following = effect.at, effect.next
            if effect.kind == "deferral":
                record["deferred_until"] = effect.at
            else:
                record["wait"] = wait_part(step, effect.kind, effect.at, "elapsed")
        elif kind is CallWebhook:
            body = delivery.call_webhook(env, step, effect, now)
            if body is not None and body.error is not None:
                decision, reason = Decision.FAILED, Reason.TEMPLATE_ERROR
            record["webhook"] = webhook_part(effect, body)
        elif kind is AwaitEvent:
            awaiting = Awaiting(step.id, effect.event_name, now, effect.timeout_at)
        elif kind is Exit:
            exited = True
        elif kind is Stop:
            stop = effect
    if "send" not in record and "channel" in detail:
        record["send"] = send_part(detail["channel"], detail["communication"], None)

    deferred = decision is Decision.DEFERRED
    moved = ExecutionState(  # positional, in field order (see _context)
        following,
        wake,
        state.seed,
        sends,
        state.visited if deferred else state.visited | {step.id},
        state.deferrals + 1 if deferred else 0,
        state.steps_taken if deferred else state.steps_taken + 1,
        arms,
        awaiting,
        step.id if exited else None,
        now if exited else None,
        "exited" if exited else None,
    )
    if awaiting is not None:  # the trace step is written when the wait settles
        return Advance(moved)
    record["next"] = following
    trace_step = TraceStep.build(decision=decision, reason=reason, **record)
    if deferred and moved.deferrals > MAX_DEFERRALS:
        stopped = _stop(moved, Reason.STEP_LIMIT, "deferred too many times", step.id)
        return Advance(stopped.state, trace_step, stopped.warning)
    if stop is not None:
        stopped = _stop(moved, stop.code, stop.message, step.id)
        return Advance(stopped.state, trace_step, stopped.warning)
    if following is None and not exited:
        moved = _replace_ended(moved, "ran_out")
    return Advance(moved, trace_step)


def resume(env: ExecutionEnv, state: ExecutionState, event_at: datetime | None) -> Advance:
    """Settle the awaited wait: on an event at ``event_at``, or (``None``) at its timeout."""
    awaiting = state.awaiting
    if awaiting is None:
        raise ValueError("resume() needs an execution that awaits an event")
    step = env.steps[awaiting.step_id]
    assert isinstance(step, WaitStep) and step.until_event is not None
    spec = step.until_event
    effect = AwaitEvent(spec.event_name, awaiting.timeout_at, step.next, spec.timeout_next)
    if event_at is None:
        at, cause, following = awaiting.timeout_at, "timeout", spec.timeout_next
    else:
        at, cause, following = event_at, "event", step.next
    trace_step = TraceStep.build(
        step_id=step.id,
        type=step.type,
        at=awaiting.since,
        decision=Decision.EXECUTED,
        wait=wait_part(step, "until_event", at, cause, effect),
        next=following,
    )
    moved = replace(state, step_id=following, now=at, awaiting=None, deferrals=0)
    return Advance(moved, trace_step)


def first_awaited_event(events: list[Event], awaiting: Awaiting, consumed: set[int]) -> int | None:
    """The index in time-sorted ``events`` of the first event that resumes the wait:
    named as awaited, from the wait's start to its timeout (both inclusive), not yet
    consumed by an earlier wait (one occurrence resumes one wait)."""
    for index, event in enumerate(events):
        if event.at > awaiting.timeout_at:
            return None
        if (
            index not in consumed
            and event.name == awaiting.event_name
            and awaiting.since <= event.at
        ):
            return index
    return None


def _context(env: ExecutionEnv, state: ExecutionState) -> StepContext:
    # Positional, in field order: built at every step, and keywords cost a third more.
    return StepContext(
        env.journey,
        env.world,
        env.subject,
        state.now,
        env.history,  # the env's sorted tuple, shared: no copy per step
        state.sends,
        env.overrides,
        env.arm_stats,
        state.seed,
        env.trigger.properties,
    )


def _stop(state: ExecutionState, code: str, message: str, step_id: str) -> Advance:
    warning = TraceWarning.build(code=str(code), message=message, step_id=step_id)
    return Advance(_replace_ended(state, "stopped"), warning=warning)


def _replace_ended(state: ExecutionState, ended: str) -> ExecutionState:
    return replace(state, ended=ended)
