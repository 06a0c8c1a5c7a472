"""The workspace: tenancy, holdout, caps, quiet hours, PII policy, members (SPEC §1.1)."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import Field, field_validator

from simulator.models.base import DocumentModel, Integer, Model

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

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


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

    start: str = "21:00"
    end: str = "08:00"
    timezone: str = "UTC"
    """IANA zone used when the subject has none."""

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be a 24-hour time HH:MM")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from simulator.timezones import check_zone

        return check_zone(value)


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
    default_goal_event_window_days: Integer = Field(default=7, ge=1, le=365)
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
