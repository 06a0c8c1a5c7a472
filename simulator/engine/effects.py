"""Effects: what a step planner asks its driver to do, as plain data.

Planners never deliver, wait or call anything; they return a :class:`StepPlan`
holding effects. The dry-run driver applies them against a virtual clock and renders
messages masked; the runtime applies the same effects with real delivery. The one
place the two drivers differ is what :class:`Deliver` and :class:`CallWebhook` do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from simulator.codes import Decision, Reason
from simulator.engine.bandit import ArmChoice
from simulator.engine.frozen import fast_init
from simulator.engine.gates import GateCheck
from simulator.engine.predicates import Leaf
from simulator.models import Channel, Communication

__all__ = [
    "AwaitEvent",
    "CallWebhook",
    "ConditionalChoice",
    "Deliver",
    "Effect",
    "Exit",
    "Goto",
    "RuleResult",
    "StepPlan",
    "Stop",
    "WaitUntil",
]


@fast_init
@dataclass(frozen=True, slots=True)
class Deliver:
    """Render ``communication`` for the subject and deliver it on ``channel``."""

    channel: Channel
    communication: Communication


@fast_init
@dataclass(frozen=True, slots=True)
class CallWebhook:
    url: str
    method: str
    body_template: str | None
    headers: Mapping[str, str]


@fast_init
@dataclass(frozen=True, slots=True)
class Goto:
    """Continue at ``step_id`` now."""

    step_id: str


@fast_init
@dataclass(frozen=True, slots=True)
class WaitUntil:
    """Continue at ``next`` at virtual time ``at`` (also how a deferred send re-runs)."""

    at: datetime
    next: str
    kind: str = "duration"
    """``duration``, ``until`` or ``deferral``: how the wait was specified."""


@fast_init
@dataclass(frozen=True, slots=True)
class AwaitEvent:
    """Continue at ``next`` when ``event_name`` arrives by ``timeout_at``, else ``timeout_next``."""

    event_name: str
    timeout_at: datetime
    next: str
    timeout_next: str


@fast_init
@dataclass(frozen=True, slots=True)
class Exit:
    """The execution ends here."""


@fast_init
@dataclass(frozen=True, slots=True)
class Stop:
    """The execution cannot go on and ends here, failed: the driver records a warning
    of ``code`` saying ``message`` (a wait that would wake past the calendar's end)."""

    code: str
    message: str


Effect = Deliver | CallWebhook | Goto | WaitUntil | AwaitEvent | Exit | Stop


@fast_init
@dataclass(frozen=True, slots=True)
class RuleResult:
    index: int
    matched: bool
    leaves: tuple[Leaf, ...]


@fast_init
@dataclass(frozen=True, slots=True)
class ConditionalChoice:
    rule_index: int | None
    """The first matching rule, or ``None`` when ``defaultNext`` was taken."""
    rules: tuple[RuleResult, ...]
    """Every rule evaluated, in order, up to the match."""


NO_DETAIL: Mapping[str, Any] = MappingProxyType({})
"""The ``detail`` of a plan that has none (shared, read-only)."""


@fast_init
@dataclass(frozen=True, slots=True)
class StepPlan:
    """A planner's answer for one step at one moment."""

    decision: Decision
    reason: Reason | None = None
    effects: tuple[Effect, ...] = ()
    gates: tuple[GateCheck, ...] = ()
    branch: ConditionalChoice | ArmChoice | None = None
    detail: Mapping[str, Any] = field(default_factory=lambda: NO_DETAIL)
    """Extra facts for the trace (the resolved channel, a failure message...)."""
