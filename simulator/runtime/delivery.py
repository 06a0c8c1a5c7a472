"""The runtime's delivery: render for real, deliver, keep a masked copy.

:class:`RuntimeDelivery` is the runtime's side of the
:class:`~simulator.engine.delivery.Delivery` protocol. It renders the message against
the raw context (the subject's real attributes: this is the delivery itself), hands
e-mail to SES v2 when the runtime's settings say so, and records in the outbox, and
returns to the step function, only the masked rendering (the same masked context the
dry-run uses), so no raw PII is stored by the runtime. A webhook is not called (no
network beyond loopback): its masked body is recorded in the outbox as ``webhook``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.engine.delivery import env_masker, masked_context, render_webhook_body
from simulator.engine.effects import CallWebhook, Deliver
from simulator.engine.render import RenderResult, context_of, render_message
from simulator.engine.stepper import ExecutionEnv
from simulator.engine.trace import format_time
from simulator.models import Channel, Step

__all__ = ["RuntimeDelivery"]


class RuntimeDelivery:
    def __init__(self, env: ExecutionEnv, runtime: Any, ws: str, arn: str):
        self.runtime, self.ws, self.arn = runtime, ws, arn
        self.masker = env_masker(env)
        _, _, self.masked = masked_context(env, self.masker)
        subject = env.subject
        self.raw = context_of(
            subject.attributes, env.trigger.properties, subject.end_user_id, env.journey, env.world
        )

    def deliver(
        self, env: ExecutionEnv, step: Step, effect: Deliver, now: datetime
    ) -> RenderResult:
        masked = render_message(effect.communication, effect.channel, self.masked)
        if masked.error is not None:
            return masked
        raw = render_message(effect.communication, effect.channel, self.raw)
        if raw.error is not None:  # the real values break what the masked ones did not
            # Its message may quote a raw value (``KeyError: 'Kwame'``): masked like the rest.
            return RenderResult(error=self.masker.text(raw.error))
        ses = self.runtime.send_email(env, effect, raw) if effect.channel is Channel.EMAIL else None
        self.runtime.record_outbox(
            self.ws,
            {
                "kind": "message",
                "executionArn": self.arn,
                "journeyId": env.journey.id,
                "stepId": step.id,
                "endUserId": env.subject.end_user_id,
                "channel": effect.channel.value,
                "communicationId": effect.communication.id,
                "communicationVersion": effect.communication.version,
                "sentAt": format_time(now),
                "rendered": self.masker.data(_rendered(masked)),
                "missingVariables": self.masker.data(list(masked.missing_variables)),
                **({"sesMessageId": ses} if ses else {}),
            },
        )
        return masked

    def mask(self, value: Any) -> Any:
        """``value`` (a trace step's wire form) with the subject's PII values masked."""
        return self.masker.data(value)

    def call_webhook(
        self, env: ExecutionEnv, step: Step, effect: CallWebhook, now: datetime
    ) -> RenderResult | None:
        body = render_webhook_body(effect, self.masked)
        self.runtime.record_outbox(
            self.ws,
            {
                "kind": "webhook",
                "executionArn": self.arn,
                "journeyId": env.journey.id,
                "stepId": step.id,
                "endUserId": env.subject.end_user_id,
                "url": effect.url,
                "method": effect.method,
                "sentAt": format_time(now),
                "rendered": {
                    "body": self.masker.text(body.body)
                    if body is not None and body.error is None
                    else None
                },
            },
        )
        return body


def _rendered(result: RenderResult) -> dict[str, Any]:
    if result.subject_line is None:
        return {"body": result.body}
    return {"subjectLine": result.subject_line, "body": result.body}
