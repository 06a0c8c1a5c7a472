"""Communications: the messages send steps deliver (SPEC §1.2)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from simulator.models.base import DocumentModel, Integer
from simulator.models.channels import Channel

__all__ = ["Communication", "CommunicationKind"]


class CommunicationKind(StrEnum):
    MARKETING = "marketing"
    TRANSACTIONAL = "transactional"


class Communication(DocumentModel):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: CommunicationKind
    """Journeys may only send marketing communications."""
    channels: list[Channel] = Field(min_length=1)
    version: Integer = Field(default=1, ge=1)
    subject_line: str | None = None
    """Email subject line template."""
    body: str
    """Jinja2 template; rendered with HTML autoescape when it looks like HTML."""
    from_: str | None = Field(default=None, alias="from")
