"""Delivery: the one thing the dry-run and the runtime do differently.

:func:`~simulator.engine.stepper.advance` hands every ``Deliver`` and ``CallWebhook``
effect to a :class:`Delivery` and records what it returns (the render the trace
shows, always masked). :class:`DryRunDelivery` renders against the masked context and
sends nothing; the runtime's delivery (``simulator.runtime``) renders against the raw
context for the delivery itself and returns a masked copy for its records.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from simulator.engine.effects import CallWebhook, Deliver
from simulator.engine.masking import Masker, subject_masker
from simulator.engine.render import RenderResult, context_of, render_message, render_template
from simulator.models import Step

if TYPE_CHECKING:
    from simulator.engine.stepper import ExecutionEnv

__all__ = ["Delivery", "DryRunDelivery", "env_masker", "masked_context", "render_webhook_body"]


class Delivery(Protocol):
    def deliver(
        self, env: ExecutionEnv, step: Step, effect: Deliver, now: datetime
    ) -> RenderResult:
        """Deliver the message; return its masked render (``error`` set on a template
        error, in which case nothing was delivered)."""
        ...

    def call_webhook(
        self, env: ExecutionEnv, step: Step, effect: CallWebhook, now: datetime
    ) -> RenderResult | None:
        """Call the webhook; return its masked body render (``None`` without a body)."""
        ...


def env_masker(env: ExecutionEnv) -> Masker:
    """The masker of ``env``'s subject (its trigger event's PII values included)."""
    return subject_masker(env.subject, env.world.workspace.pii_attributes, env.trigger.properties)


def masked_context(
    env: ExecutionEnv, masker: Masker | None = None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(masked attributes, masked event properties, template context)`` of ``env``:
    what a dry-run's templates see and what a trace shows of the subject."""
    masker = masker or env_masker(env)
    attributes = masker.attributes(env.subject.attributes)
    event = masker.attributes(env.trigger.properties)
    end_user_id = masker.identifier(env.subject.end_user_id)
    context = context_of(attributes, event, end_user_id, env.journey, env.world)
    return attributes, event, context


def render_webhook_body(effect: CallWebhook, context: dict[str, Any]) -> RenderResult | None:
    """A webhook's body rendered as plain text (``None`` when it has none)."""
    if effect.body_template is None:
        return None
    return render_template(effect.body_template, context, html=False)


class DryRunDelivery:
    """Renders against the masked context, delivers nothing, calls nothing; ``masker``
    masks the finished trace."""

    def __init__(self, env: ExecutionEnv) -> None:
        self.masker = env_masker(env)
        self.attributes, self.event, self.context = masked_context(env, self.masker)
        self.end_user_id: str = self.context["endUserId"]
        """The subject's id as the trace shows it (masked)."""

    def deliver(
        self, env: ExecutionEnv, step: Step, effect: Deliver, now: datetime
    ) -> RenderResult:
        return render_message(effect.communication, effect.channel, self.context)

    def call_webhook(
        self, env: ExecutionEnv, step: Step, effect: CallWebhook, now: datetime
    ) -> RenderResult | None:
        return render_webhook_body(effect, self.context)
