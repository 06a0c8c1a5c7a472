"""Journeys and their steps (SPEC §1.6).

Fields whose mistakes have their own finding code (durations, wait shapes, arm
counts, references) are deliberately loose here: the graph engine reports them
with the precise code instead of a generic ``invalid_document``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import Discriminator, Field, TypeAdapter, WrapValidator
from pydantic_core import PydanticCustomError

from simulator.models.base import DocumentModel, Integer, Model, StepId
from simulator.models.channels import Channel
from simulator.models.predicates import Predicate

__all__ = [
    "NO_STEPS",
    "AdaptiveArm",
    "AdaptiveBranchStep",
    "BranchRule",
    "BranchStep",
    "ConditionalBranchStep",
    "ExitStep",
    "GoalWindowDays",
    "Journey",
    "SendStep",
    "Step",
    "StepAdapter",
    "StepList",
    "UntilEvent",
    "WaitStep",
    "WebhookStep",
]


class SendStep(Model):
    id: StepId
    type: Literal["send"] = "send"
    communication_id: str = Field(min_length=1)
    channel: Channel | None = None
    """Defaults to the communication's first channel."""
    next: str


class UntilEvent(Model):
    event_name: str = Field(min_length=1)
    timeout: str
    """ISO-8601 duration after which ``timeoutNext`` is followed."""
    timeout_next: str


class WaitStep(Model):
    """Exactly one of ``duration``, ``until`` and ``untilEvent`` (checked as ``invalid_wait``)."""

    id: StepId
    type: Literal["wait"] = "wait"
    duration: str | None = None
    """ISO-8601 duration such as ``P3D`` or ``PT12H``."""
    until: str | None = None
    """ISO-8601 timestamp with an offset, in years 1 to 9999 in UTC; read to the
    microsecond (further digits are dropped)."""
    until_event: UntilEvent | None = None
    next: str
    """Followed when the event arrives (``untilEvent``) or the wait elapses."""


class BranchRule(Model):
    when: Predicate
    next: str


class ConditionalBranchStep(Model):
    id: StepId
    type: Literal["branch"] = "branch"
    mode: Literal["conditional"] = "conditional"
    rules: list[BranchRule]
    """Evaluated in order; the first match wins."""
    default_next: str


class AdaptiveArm(Model):
    arm_id: str = Field(min_length=1, max_length=64)
    next: str


class AdaptiveBranchStep(Model):
    id: StepId
    type: Literal["branch"] = "branch"
    mode: Literal["adaptive"] = "adaptive"
    arms: list[AdaptiveArm]
    """2 to 8 arms (checked as ``branch_needs_two_arms``)."""


BranchStep = Annotated[ConditionalBranchStep | AdaptiveBranchStep, Discriminator("mode")]


class WebhookStep(Model):
    id: StepId
    type: Literal["webhook"] = "webhook"
    url: str = Field(min_length=1)
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    body_template: str | None = None
    headers: dict[str, str] | None = None
    next: str


class ExitStep(Model):
    id: StepId
    type: Literal["exit"] = "exit"


Step = Annotated[
    SendStep | WaitStep | BranchStep | WebhookStep | ExitStep,
    Discriminator("type"),
]
StepAdapter: TypeAdapter[Step] = TypeAdapter(Step)


def _default_steps() -> list[Step]:
    return [ExitStep(id="exit")]


NO_STEPS = "a journey needs at least one step (steps[0] is the entry step)"
"""What an empty ``steps`` list is told, by ``journeysim validate`` and the API alike."""


def _needs_a_step(value: Any, handler: Any) -> Any:
    if isinstance(value, list) and not value:
        raise PydanticCustomError("too_short", NO_STEPS)
    return handler(value)


StepT = TypeVar("StepT")
StepList = Annotated[list[StepT], Field(min_length=1), WrapValidator(_needs_a_step)]
"""A journey's steps, of a step type (``StepList[Step]``): at least one, since
``steps[0]`` is the entry. The rule of every surface that takes a journey's content,
the files and the API's create and patch bodies (``simulator.backend.wire`` names its
own step union for OpenAPI), and ``minItems: 1`` in their schemas. An absent list is
each model's default (a single ``exit`` step); only an explicit ``[]`` is refused,
with :data:`NO_STEPS` rather than pydantic's "List should have at least 1 item"."""

GoalWindowDays = Annotated[Integer, Field(ge=1, le=365)]
"""A goal event's attribution window: a JSON integer of days, 1 to 365 (``7.0`` and
``"7"`` are refused, as every :data:`~simulator.models.base.Integer` is)."""


class Journey(DocumentModel):
    id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1)
    description: str = ""
    audience_id: str | None = None
    """Segment whose members are eligible; everyone when absent."""
    trigger_contract_id: str | None = None
    """Manual trigger only when absent."""
    goal_event_name: str | None = None
    goal_event_window_days: GoalWindowDays | None = None
    """Defaults to the workspace's ``defaultGoalEventWindowDays``."""
    steps: StepList[Step] = Field(default_factory=_default_steps)
    """``steps[0]`` is the entry step."""

    def step(self, step_id: str) -> Step:
        """The step with this id (``KeyError`` when there is none)."""
        for candidate in self.steps:
            if candidate.id == step_id:
                return candidate
        raise KeyError(step_id)
