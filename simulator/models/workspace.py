"""The workspace: tenancy, holdout, caps, quiet hours, PII policy, members (SPEC §1.1)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from simulator.models.base import ClockTime, DocumentModel, Integer, Model, TimeZone
from simulator.models.journey import GoalWindowDays

__all__ = [
    "DEFAULT_PII_ATTRIBUTES",
    "DailyCap",
    "FrequencyCap",
    "Member",
    "QuietHours",
    "Role",
    "Tier",
    "Workspace",
]

DEFAULT_PII_ATTRIBUTES: tuple[str, ...] = (
    "email",
    "phone",
    "firstName",
    "lastName",
    "fullName",
    "address",
    "postalCode",
    "birthDate",
    "ip",
)


class Tier(StrEnum):
    """Pricing tier; each carries ``max_journeys`` (None: unlimited)."""

    FREE = "free"
    STARTER = "starter"
    GROWTH = "growth"
    ENTERPRISE = "enterprise"

    @property
    def max_journeys(self) -> int | None:
        return {"free": 3, "starter": 10, "growth": 50, "enterprise": None}[self.value]


class Role(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class QuietHours(Model):
    """A daily window in which marketing sends are deferred; may span midnight."""

    start: ClockTime = "21:00"
    """24-hour ``HH:MM``."""
    end: ClockTime = "08:00"
    """24-hour ``HH:MM``."""
    timezone: TimeZone = "UTC"
    """IANA zone used when the subject has none; it must be one the zone database knows."""


class FrequencyCap(Model):
    max_sends: Integer = Field(ge=1)
    window_days: Integer = Field(ge=1, le=365)


class DailyCap(Model):
    max_sends: Integer = Field(ge=1)


class Member(Model):
    user_id: str = Field(min_length=1)
    """The member's ``sub``; the actor in audit entries."""
    role: Role
    token: str = Field(min_length=8)
    """A bearer secret: at least 8 characters."""


class Workspace(DocumentModel):
    id: str = Field(min_length=1)
    project_key: str = Field(min_length=1)
    name: str = Field(min_length=1)
    tier: Tier = Tier.GROWTH
    holdout_pct: Integer = Field(default=5, ge=0, le=100)
    """Percent of subjects (by FNV-1a bucket) held out of every journey."""
    default_goal_event_window_days: GoalWindowDays = 7
    quiet_hours: QuietHours | None = None
    frequency_cap: FrequencyCap | None = None
    daily_cap: DailyCap | None = None
    pii_attributes: list[str] = Field(default_factory=lambda: list(DEFAULT_PII_ATTRIBUTES))
    known_attributes: list[str] | None = None
    """Subject attributes templates may use. When absent, journeysim derives them from
    the project's subjects plus ``piiAttributes`` (a journeysim extension)."""
    members: list[Member] = Field(default_factory=list)
    sync_api_key: str | None = Field(default=None, min_length=8)
    """Shared secret of ``/api/journeys/internal/*``: at least 8 characters, like a
    member token (a short or empty key would be a guessable secret). Without it the
    internal routes answer 401 to everyone."""

    @model_validator(mode="wrap")
    @classmethod
    def _distinct_credentials(cls, data: Any, handler: Any) -> Workspace:
        workspace = handler(data)
        order = list(data) if isinstance(data, Mapping) else ()
        details = [*_credential_details(workspace, order), *_repeated_members(workspace)]
        if details:  # one refusal says every repeat
            raise ValidationError.from_exception_data("Workspace", details)
        return workspace


_SECRET_SHOWN = "•••"
"""What a credential error carries as its ``input``: never the secret itself (findings,
API answers and logs show messages and pointers, and a pointer says enough)."""


def _credential_details(workspace: Workspace, key_order: Any = ()) -> list[InitErrorDetails]:
    """The errors for the credentials of ``workspace`` that repeat another.

    Every member token and the ``syncApiKey`` must differ from one another: a token
    names one member (two members sharing one would act as whichever the store found
    first, a viewer with an owner's rights), and SPEC §5 has the internal routes refuse
    member tokens, which cannot be told apart from a ``syncApiKey`` of the same value.
    Each repeat is one error at its *second* occurrence in document order, naming the
    first; members come in their order, and the ``syncApiKey`` after them unless
    ``key_order`` (the document's keys as written) puts it before ``members``. No value
    is shown, not even as the error's ``input``: it is a secret.

    >>> members = [Member(userId=f"u{i}", role="owner", token="tok_same_1") for i in (0, 1)]
    >>> found = _credential_details(Workspace.model_construct(members=members, sync_api_key=None))
    >>> clash = ValidationError.from_exception_data("Workspace", found)
    >>> [(e["loc"], e["msg"], e["input"]) for e in clash.errors()]  # doctest: +NORMALIZE_WHITESPACE
    [(('members', 1, 'token'), 'the same token as members/0/token: each member needs a
    token of its own', '•••')]
    """
    places: list[tuple[tuple[str | int, ...], str]] = [
        (("members", position, "token"), member.token)
        for position, member in enumerate(workspace.members)
    ]
    if workspace.sync_api_key is not None:
        keys = list(key_order)
        key_first = "syncApiKey" in keys and "members" in keys
        key_first = key_first and keys.index("syncApiKey") < keys.index("members")
        key_place = (("syncApiKey",), workspace.sync_api_key)
        places.insert(0 if key_first else len(places), key_place)
    seen: dict[str, tuple[str | int, ...]] = {}
    details = []
    for loc, secret in places:
        first = seen.setdefault(secret, loc)
        if first is not loc:
            details.append(_clash(loc, first))
    return details


def _repeated_members(workspace: Workspace) -> list[InitErrorDetails]:
    """An error at each member whose ``userId`` an earlier member has: audit entries
    name the actor by ``userId``, so two members of one id (an owner and a viewer,
    say) could not be told apart there.

    >>> members = [Member(userId="u1", role=r, token=f"tok_{r}_123") for r in ("owner", "viewer")]
    >>> [e["loc"] for e in _repeated_members(Workspace.model_construct(members=members))]
    [('members', 1, 'userId')]
    """
    first: dict[str, int] = {}
    details: list[InitErrorDetails] = []
    for position, member in enumerate(workspace.members):
        earlier = first.setdefault(member.user_id, position)
        if earlier != position:
            message = (
                f"the same userId as members/{earlier}/userId: list each member once "
                "(audit entries name members by userId)"
            )
            error = PydanticCustomError("duplicate_member", message, {"other": earlier})
            details.append(
                InitErrorDetails(
                    type=error, loc=("members", position, "userId"), input=member.user_id
                )
            )
    return details


def _clash(loc: tuple[str | int, ...], first: tuple[str | int, ...]) -> InitErrorDetails:
    other = "/".join(str(token) for token in first)
    if "syncApiKey" in (loc[0], first[0]):
        what = "the syncApiKey and member tokens must differ (internal routes refuse member tokens)"
        message = f"the same value as {other}: {what}"
    else:
        message = f"the same token as {other}: each member needs a token of its own"
    error = PydanticCustomError("duplicate_credential", message, {"other": other})
    return InitErrorDetails(type=error, loc=loc, input=_SECRET_SHOWN)
