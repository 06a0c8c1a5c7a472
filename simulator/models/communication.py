"""Communications: the messages send steps deliver (SPEC §1.2)."""

from __future__ import annotations

from email.utils import parseaddr
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from simulator.models.base import DocumentModel, Integer
from simulator.models.channels import Channel

__all__ = ["Communication", "CommunicationKind", "Sender", "is_sender"]


class CommunicationKind(StrEnum):
    MARKETING = "marketing"
    TRANSACTIONAL = "transactional"


def is_sender(value: str) -> bool:
    """Whether ``value`` is an e-mail address, bare or with a display name.

    >>> is_sender("Acme <hello@acme.example.com>"), is_sender("not-an-email")
    (True, False)
    """
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    return bool(at and local and "." in domain.strip(".")) and not any(c.isspace() for c in address)


def _sender(value: str) -> str:
    if not is_sender(value):
        raise ValueError(
            "must be an e-mail address, such as hello@example.com or Acme <hello@example.com>"
        )
    return value


Sender = Annotated[str, AfterValidator(_sender)]
"""The ``From`` of an e-mail: ``hello@acme.example.com`` or ``Acme <hello@acme.example.com>``
(SES sends from it); ``not-an-email`` is refused rather than sent from."""


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
    from_: Sender | None = Field(default=None, alias="from")
