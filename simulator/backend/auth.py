"""Who is calling: credentials → workspace member, and what each role may do (SPEC §5).

A customer route needs a member of a workspace, by ``Authorization: Bearer <token>``
or the ``session=<token>`` cookie. No credentials, an unknown token or another scheme
is ``401 unauthorized``; two different tokens (a header and a cookie that disagree,
two ``session`` cookies) are ``401 ambiguous_credentials``; so is a runtime internal
route's ``syncApiKey`` bearer beside a ``session`` cookie of another token. Viewers
read and dry-run; editors and owners also write; only owners use dry-run overrides.
A journey of another workspace is reported as missing (404), never as forbidden, so
tokens cannot probe for ids.

Who may act is judged before what the request says: a viewer's write is ``403
forbidden`` whatever its body (a missing ``updatedAt``, an unknown field), as it is
for a journey that does not exist, since being told how to fix a request one may not
make anyway helps no one. The order on every route that takes a body is

1. a body that cannot be read at all (too large, nested too deep, a repeated key, not
   JSON): refused before anyone is identified, as it says nothing yet;
2. credentials (``401``), then the role (``403``), where the role alone decides: the
   API checks :func:`require_writer` before it validates the body of a write
   (creating and editing journeys, moving the clock, posting events);
3. the body's fields (``400 invalid_request``);
4. the store: ``404``, ``409``.

A dry-run is open to viewers, and only its body says whether it overrides gates, so
there ``403 overrides_require_owner`` comes after the body is read. The backend's own
methods check the role again, for callers other than the API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from simulator.backend.errors import AmbiguousCredentials, Forbidden, OverridesRequireOwner
from simulator.models import Role

__all__ = [
    "SYSTEM",
    "WRITE_ACTIONS",
    "Actor",
    "credentials",
    "require_owner_for_overrides",
    "require_writer",
]

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


def credentials(
    authorizations: Sequence[str] | str | None, session_cookies: Sequence[str] | str | None
) -> str | None:
    """The one token presented by the ``Authorization`` headers and ``session`` cookies
    (each given as a list of values, or as one value or ``None``).

    An ``Authorization`` header that is not ``Bearer <token>`` presents no usable
    credential (``None``: 401), even beside a good cookie. Two *different* tokens, from
    two headers, two cookies or a header and a cookie, are ambiguous: which member is
    calling cannot be told, so the request is refused (``AmbiguousCredentials``)
    rather than one of them silently winning. The same token sent twice is one
    credential. An empty cookie presents nothing.

    >>> credentials(["Bearer tok_1"], [])
    'tok_1'
    >>> credentials(["bearer  tok_1 "], ["tok_1"])
    'tok_1'
    >>> credentials([], ["", "tok_2"])
    'tok_2'
    >>> credentials("Bearer tok_1", None)
    'tok_1'
    >>> credentials(["Basic dXNlcjpwdw=="], ["tok_2"]) is None
    True
    >>> try:
    ...     credentials(["Bearer tok_1"], ["tok_2"])
    ... except AmbiguousCredentials as exc:
    ...     print(exc.message)
    two different credentials were sent (an Authorization header and a session cookie): send one
    """
    tokens: dict[str, str] = {}
    for authorization in _values(authorizations):
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        tokens.setdefault(token, "an Authorization header")
    for cookie in _values(session_cookies):
        if cookie:
            tokens.setdefault(cookie, "a session cookie")
    if len(tokens) > 1:
        sources = list(dict.fromkeys(tokens.values()))
        if len(sources) == 1:
            sources = [sources[0], "another " + sources[0].partition(" ")[2]]
        raise AmbiguousCredentials(
            f"two different credentials were sent ({' and '.join(sources)}): send one",
            details=[{"credentials": len(tokens)}],
        )
    return next(iter(tokens), None)


def _values(given: Sequence[str] | str | None) -> Sequence[str]:
    if given is None:
        return ()
    return (given,) if isinstance(given, str) else given


def require_writer(actor: Actor, action: str) -> None:
    """Viewers may not change anything: ``403 forbidden``."""
    if not actor.can_write:
        raise Forbidden(
            f"a viewer cannot {action}: ask an editor or owner of the workspace",
            details=[{"role": actor.role.value, "required": ["editor", "owner"]}],
        )


WRITE_ACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "create_journey": "create journeys",
        "patch_draft": "edit journeys",
        "advance": "move the simulator's clock",
        "events": "post end-user events",
    }
)
"""What each write that takes a body does, in the words of its ``403 forbidden``, by
the name of the backend (or runtime service) method and of its route: the API checks
the role with these before reading the body, the methods with the same words."""


def require_owner_for_overrides(actor: Actor, overrides: list[str]) -> None:
    """Dry-run overrides are for workspace owners only (SPEC §3.3)."""
    if overrides and actor.role is not Role.OWNER:
        raise OverridesRequireOwner(
            "only a workspace owner may override gates in a dry-run",
            details=[{"role": actor.role.value, "overrides": list(overrides)}],
        )
