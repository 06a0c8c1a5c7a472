"""What the runtime's API tests share: the acme fixtures' credentials, the routes they
call, and the sign-up event that starts Activation Onboarding."""

from __future__ import annotations

SYNC = {"Authorization": "Bearer sync_acme_local_only"}
OWNER = {"Authorization": "Bearer tok_owner_acme_ada"}
EDITOR = {"Authorization": "Bearer tok_editor_acme_ben"}
VIEWER = {"Authorization": "Bearer tok_viewer_acme_cy"}
START = "/api/journeys/internal/start-execution"
EVENTS = "/api/_sim/events"
FORGET = "/api/journeys/internal/forget-end-user"
ADVANCE = "/api/_sim/clock/advance"


def signup(
    event_id: str, end_user_id: str = "usr_plain_ana", at: str = "2026-06-01T14:00:00Z", **top
) -> dict:
    """A ``user.signed_up`` event with the contract's required properties; ``top``
    replaces or adds top-level fields (``name``, ``endUserId``)."""
    properties = {"endUserId": end_user_id, "signupSource": "ads", "plan": "trial"}
    body = {"id": event_id, "name": "user.signed_up", "at": at, "properties": properties}
    return {**body, **top}
