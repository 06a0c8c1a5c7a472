"""Who is calling: credentials → workspace member, and what each role may do (SPEC §5).

A customer route needs a member of a workspace, by ``Authorization: Bearer <token>``
or the ``session=<token>`` cookie (the header wins when both are sent). No
credentials, an unknown token or another scheme is ``401 unauthorized``. Viewers
read and dry-run; editors and owners also write; only owners use dry-run overrides.
A journey of another workspace is reported as missing (404), never as forbidden, so
tokens cannot probe for ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.api.errors import Forbidden, OverridesRequireOwner
from simulator.models import Role

__all__ = ["SYSTEM", "Actor", "credentials", "require_owner_for_overrides", "require_writer"]

SYSTEM = "system"
"""The actor of entries the API writes on its own (a project load, say)."""


@dataclass(frozen=True)
class Actor:
    """An authenticated member acting in one workspace."""

    workspace_id: str
    user_id: str
    role: Role

    @property
    def can_write(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)

    @classmethod
    def system(cls, workspace_id: str) -> Actor:
        return cls(workspace_id=workspace_id, user_id=SYSTEM, role=Role.OWNER)


def credentials(authorization: str | None, session_cookie: str | None) -> str | None:
    """The presented token, if any.

    >>> credentials("Bearer tok_1", None)
    'tok_1'
    >>> credentials("bearer  tok_1 ", "tok_2")
    'tok_1'
    >>> credentials(None, "tok_2")
    'tok_2'
    >>> credentials("Basic dXNlcjpwdw==", None) is None
    True
    """
    if authorization is not None:
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        return token if scheme.lower() == "bearer" and token else None
    return session_cookie or None


def require_writer(actor: Actor, action: str) -> None:
    """Viewers may not change anything: ``403 forbidden``."""
    if not actor.can_write:
        raise Forbidden(
            f"a viewer cannot {action}: ask an editor or owner of the workspace",
            details=[{"role": actor.role.value, "required": ["editor", "owner"]}],
        )


def require_owner_for_overrides(actor: Actor, overrides: list[str]) -> None:
    """Dry-run overrides are for workspace owners only (SPEC §3.3)."""
    if overrides and actor.role is not Role.OWNER:
        raise OverridesRequireOwner(
            "only a workspace owner may override gates in a dry-run",
            details=[{"role": actor.role.value, "overrides": list(overrides)}],
        )
