"""Read-only views of a workspace's documents for dashboards and the terminal UI (pure).

Communications, segments and trigger contracts are authored by the workspace and shown
as they are. Subjects are end users: their PII attributes are masked by name
(``piiAttributes``) and the strings of their attributes and event properties (the
free-form parts of a subject) are scrubbed of e-mail addresses and phone numbers, as in
traces (SPEC §3.6). ``endUserId`` stays as it is: it is the identifier a dry-run asks
for, and traces show it the same way.
"""

from __future__ import annotations

from typing import Any

from simulator.api.auth import Actor
from simulator.api.wire import WorkspaceView
from simulator.engine.masking import mask_attributes, scrub
from simulator.models import Communication, Segment, Subject, TriggerContract
from simulator.world import World

__all__ = [
    "communications",
    "masked_subject",
    "segments",
    "subjects",
    "trigger_contracts",
    "workspace_view",
]


def workspace_view(world: World, actor: Actor) -> WorkspaceView:
    ws = world.workspace
    return WorkspaceView(
        id=ws.id,
        name=ws.name,
        project_key=ws.project_key,
        tier=ws.tier.value,
        holdout_pct=ws.holdout_pct,
        default_goal_event_window_days=ws.default_goal_event_window_days,
        user_id=actor.user_id,
        role=actor.role,
    )


def communications(world: World) -> list[Communication]:
    return [world.communications[key] for key in sorted(world.communications)]


def segments(world: World) -> list[Segment]:
    return [world.segments[key] for key in sorted(world.segments)]


def trigger_contracts(world: World) -> list[TriggerContract]:
    return [world.trigger_contracts[key] for key in sorted(world.trigger_contracts)]


def subjects(world: World) -> list[Subject]:
    pii = world.workspace.pii_attributes
    return [masked_subject(world.subjects[key], pii) for key in sorted(world.subjects)]


def masked_subject(subject: Subject, pii: list[str]) -> Subject:
    """``subject`` as every API surface shows it.

    >>> s = Subject(end_user_id="u1", attributes={"email": "ana@example.com",
    ...             "note": "call +1 617 555 0142", "plan": "pro"})
    >>> masked_subject(s, ["email"]).attributes
    {'email': 'a•••@e•••.com', 'note': 'call •••42', 'plan': 'pro'}
    """
    masked = _scrub(mask_attributes(subject.attributes, pii))
    events = [
        event.model_copy(update={"properties": _scrub(mask_attributes(event.properties, pii))})
        for event in subject.events
    ]
    future = [
        event.model_copy(update={"properties": _scrub(mask_attributes(event.properties, pii))})
        for event in subject.future_events
    ]
    return subject.model_copy(
        update={"attributes": masked, "events": events, "future_events": future}
    )


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value
