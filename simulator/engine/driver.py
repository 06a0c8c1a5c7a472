"""The dry-run driver: applies a planner's effects on a virtual clock without delivering.

:class:`Execution` walks one execution step by step: it asks the shared planners what
each step does (:func:`~simulator.engine.planners.plan_step`), then applies the
effects the dry-run way: ``Deliver`` renders the message masked and counts the send for
the caps, ``CallWebhook`` renders the body masked and calls nothing, ``WaitUntil`` and
``AwaitEvent`` move the virtual clock, ``Exit`` ends the walk. Each step becomes a
:class:`~simulator.engine.trace.TraceStep`.

An ``untilEvent`` wait resumes on the first matching event from the instant it starts
(inclusive) to its timeout (inclusive), whatever moved the clock to that instant; the
event is then consumed, so one occurrence resumes one wait. A send may be deferred at
most :data:`MAX_DEFERRALS` times in a row (quiet hours end where they end, so one is
the norm); the limit is per step, not per trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulator.codes import Decision, Override, Reason
from simulator.engine.bandit import ArmStats
from simulator.engine.clock import VirtualClock
from simulator.engine.effects import (
    AwaitEvent,
    CallWebhook,
    Deliver,
    Exit,
    Goto,
    StepPlan,
    WaitUntil,
)
from simulator.engine.masking import mask_attributes
from simulator.engine.planners import StepContext, plan_step
from simulator.engine.render import context_of, render_message, render_template
from simulator.engine.trace import TraceStep, TraceWarning
from simulator.engine.trace_parts import (
    branch_part,
    gate_parts,
    send_part,
    wait_part,
    webhook_part,
)
from simulator.models import Event, Journey, Step, Subject
from simulator.world import World

__all__ = ["MAX_DEFERRALS", "MAX_STEPS", "Execution", "TriggerInfo"]

MAX_STEPS = 1_000
MAX_DEFERRALS = 3


@dataclass(frozen=True, slots=True)
class TriggerInfo:
    """The event that started the execution (what templates see as ``event``)."""

    event_name: str | None
    at: datetime | None
    properties: Mapping[str, Any]


class Execution:
    """One execution walked on a virtual clock, collecting step records and warnings."""

    def __init__(
        self,
        journey: Journey,
        world: World,
        subject: Subject,
        start: datetime,
        overrides: frozenset[Override],
        arm_stats: Mapping[str, Mapping[str, ArmStats]] | None,
        seed: int,
        trigger: TriggerInfo,
    ) -> None:
        self.journey = journey
        self.world = world
        self.subject = subject
        self.overrides = overrides
        self.arm_stats = arm_stats
        self.seed = seed
        self.trigger = trigger
        self.clock = VirtualClock(start)
        self.upcoming = sorted((e for e in subject.events if e.at >= start), key=_at)
        """Events an ``untilEvent`` wait may still consume, in time order."""
        self.sends = sorted(record.at for record in subject.send_history)
        pii = world.workspace.pii_attributes
        self.masked_attributes = mask_attributes(subject.attributes, pii)
        self.masked_event = mask_attributes(trigger.properties, pii)
        self.context = context_of(
            self.masked_attributes, self.masked_event, subject.end_user_id, journey, world
        )
        self.records: list[TraceStep] = []
        self.warnings: list[TraceWarning] = []
        self.exit_step_id: str | None = None
        self.exited_at: datetime | None = None

    def walk(self) -> None:
        steps = {step.id: step for step in self.journey.steps}
        done: set[str] = set()
        deferrals = 0
        current: str | None = self.journey.steps[0].id if self.journey.steps else None
        while current is not None:
            step = steps.get(current)
            if step is None:
                self._warn(Reason.UNKNOWN_STEP, f"no step {current!r} in the journey", current)
                return
            if current in done:
                self._warn("cycle_detected", f"step {current!r} reached a second time", current)
                return
            if len(self.records) >= MAX_STEPS:
                self._warn(Reason.STEP_LIMIT, f"stopped after {MAX_STEPS} steps", current)
                return
            plan = plan_step(step, self._context())
            current = self._apply(step, plan)
            if plan.decision is Decision.DEFERRED:
                deferrals += 1
                if deferrals > MAX_DEFERRALS:
                    self._warn(Reason.STEP_LIMIT, "deferred too many times", step.id)
                    return
            else:
                deferrals = 0
                done.add(step.id)

    def _context(self) -> StepContext:
        now = self.clock.now
        return StepContext(
            journey=self.journey,
            world=self.world,
            subject=self.subject,
            now=now,
            sends=tuple(self.sends),
            overrides=self.overrides,
            arm_stats=self.arm_stats,
            seed=self.seed,
            trigger_properties=self.trigger.properties,
        )

    def _apply(self, step: Step, plan: StepPlan) -> str | None:
        """Apply the plan's effects; returns the next step id (None at the end)."""
        now = self.clock.now
        decision, reason = plan.decision, plan.reason
        record: dict[str, Any] = {
            "step_id": step.id,
            "type": step.type,
            "at": now,
            "gates": gate_parts(plan.gates) or None,
            "message": plan.detail.get("message"),
            "branch": branch_part(plan.branch),
        }
        following: str | None = None
        for effect in plan.effects:
            if isinstance(effect, Deliver):
                rendered = render_message(effect.communication, effect.channel, self.context)
                if rendered.error is None:
                    self.sends.append(now)
                else:
                    decision, reason = Decision.FAILED, Reason.TEMPLATE_ERROR
                record["send"] = send_part(effect.channel, effect.communication, rendered)
            elif isinstance(effect, CallWebhook):
                body = None
                if effect.body_template is not None:
                    body = render_template(effect.body_template, self.context, html=False)
                    if body.error is not None:
                        decision, reason = Decision.FAILED, Reason.TEMPLATE_ERROR
                record["webhook"] = webhook_part(effect, body)
            elif isinstance(effect, Goto):
                following = effect.step_id
            elif isinstance(effect, WaitUntil):
                self.clock.advance(effect.at)
                following = effect.next
                if effect.kind == "deferral":
                    record["deferred_until"] = effect.at
                else:
                    record["wait"] = wait_part(step, effect.kind, effect.at, "elapsed")
            elif isinstance(effect, AwaitEvent):
                following = self._await(step, effect, record)
            elif isinstance(effect, Exit):
                self.exit_step_id, self.exited_at = step.id, now
        if "send" not in record and "channel" in plan.detail:
            record["send"] = send_part(plan.detail["channel"], plan.detail["communication"], None)
        record["next"] = following
        self.records.append(TraceStep(decision=decision, reason=reason, **record))
        return following

    def _await(self, step: Step, effect: AwaitEvent, record: dict[str, Any]) -> str:
        now = self.clock.now
        index = next(
            (
                i
                for i, event in enumerate(self.upcoming)
                if event.name == effect.event_name and now <= event.at <= effect.timeout_at
            ),
            None,
        )
        if index is None:
            self.clock.advance(effect.timeout_at)
            record["wait"] = wait_part(step, "until_event", effect.timeout_at, "timeout", effect)
            return effect.timeout_next
        self.clock.advance(self.upcoming.pop(index).at)
        record["wait"] = wait_part(step, "until_event", self.clock.now, "event", effect)
        return effect.next

    def _warn(self, code: str, message: str, step_id: str | None) -> None:
        self.warnings.append(TraceWarning(code=str(code), message=message, step_id=step_id))


def _at(event: Event) -> datetime:
    return event.at
