"""Read-only views of a workspace's documents for dashboards and the terminal UI (pure).

Communications, segments and trigger contracts are authored by the workspace and shown
as they are. Subjects are end users, shown through their
:class:`~simulator.engine.masking.Masker` as in traces (SPEC §3.6): PII attributes
masked by name, and every other string of their attributes and event properties (keys
too) masked by value and scrubbed of e-mail addresses and phone numbers. ``endUserId``
is masked the same way: an id that is an e-mail address or a phone number, or that
holds one of the subject's PII values (``usr_plain_ana`` for Ana), is not shown raw; a
client that dry-runs a real subject already knows its id.
"""

from __future__ import annotations

from simulator.backend.auth import Actor
from simulator.backend.wire import WorkspaceView
from simulator.engine.masking import subject_masker
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
        pii_attributes=list(ws.pii_attributes),
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
    masker = subject_masker(subject, pii)
    events = [
        event.model_copy(update={"properties": masker.attributes(event.properties)})
        for event in subject.events
    ]
    future = [
        event.model_copy(update={"properties": masker.attributes(event.properties)})
        for event in subject.future_events
    ]
    return subject.model_copy(
        update={
            "end_user_id": masker.identifier(subject.end_user_id),
            # a zone may be named like a PII value: Africa/Accra, Accra in the address
            "timezone": subject.timezone and masker.text(subject.timezone),
            "attributes": masker.attributes(subject.attributes),
            "events": events,
            "future_events": future,
        }
    )
