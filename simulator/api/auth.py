"""Who is calling: credentials → workspace member, and what each role may do (SPEC §5).

A customer route needs a member of a workspace, by ``Authorization: Bearer <token>``
or the ``session=<token>`` cookie. No credentials, an unknown token or another scheme
is ``401 unauthorized``; two different tokens (a header and a cookie that disagree,
two ``session`` cookies) are ``401 ambiguous_credentials``; so is a runtime internal
route's ``syncApiKey`` bearer beside a ``session`` cookie of another token. Viewers
read and dry-run; editors and owners also write; only owners use dry-run overrides.
A journey of another workspace is reported as missing (404), never as forbidden, so
tokens cannot probe for ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import cookie_parser

from simulator.api.errors import AmbiguousCredentials, Forbidden, OverridesRequireOwner
from simulator.models import Role

__all__ = [
    "SYSTEM",
    "Actor",
    "credentials",
    "require_owner_for_overrides",
    "require_writer",
    "session_cookies",
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


def session_cookies(cookie_headers: Sequence[str]) -> list[str]:
    """Every ``session`` cookie, from every ``Cookie`` header (a framework's cookie
    mapping keeps the last one only, which would let a second cookie pick the member).

    >>> session_cookies(["session=a; theme=dark", "session=b"])
    ['a', 'b']
    """
    found = []
    for header in cookie_headers:
        for chunk in header.split(";"):
            found.extend(value for name, value in cookie_parser(chunk).items() if name == "session")
    return found


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


def require_owner_for_overrides(actor: Actor, overrides: list[str]) -> None:
    """Dry-run overrides are for workspace owners only (SPEC §3.3)."""
    if overrides and actor.role is not Role.OWNER:
        raise OverridesRequireOwner(
            "only a workspace owner may override gates in a dry-run",
            details=[{"role": actor.role.value, "overrides": list(overrides)}],
        )
