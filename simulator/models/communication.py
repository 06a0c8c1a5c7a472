"""Communications: the messages send steps deliver (SPEC §1.2)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from simulator.models.base import DocumentModel, Integer
from simulator.models.channels import Channel

__all__ = ["Communication", "CommunicationKind", "Sender", "is_sender"]


class CommunicationKind(StrEnum):
    MARKETING = "marketing"
    TRANSACTIONAL = "transactional"


_ADDRESS = r"[^\s@<>,;\"]+@(?:[^\s@<>,;.\"]+\.)+[^\s@<>,;.\"]+"
_SENDER = re.compile(rf"{_ADDRESS}|[^<>@,;\"]*<{_ADDRESS}>")


def is_sender(value: str) -> bool:
    """Whether ``value`` is one e-mail address, bare or after a display name.

    >>> is_sender("Acme <hello@acme.example.com>"), is_sender("hello@acme.example.com")
    (True, True)
    >>> [is_sender(v) for v in ("not-an-email", "a@b.c, d@e.f", "a@b..c", "a@b.co>")]
    [False, False, False, False]
    """
    return _SENDER.fullmatch(value.strip()) is not None


def _sender(value: str) -> str:
    if not is_sender(value):
        raise ValueError(
            "must be an e-mail address, such as hello@example.com or Acme <hello@example.com>"
        )
    return value


Sender = Annotated[str, AfterValidator(_sender)]
"""The sender a communication names, as the hosted product sends from it:
``hello@acme.example.com`` or ``Acme <hello@acme.example.com>``; ``not-an-email`` is
refused. journeysim's own runtime sends every message through SES from the
workspace's sender (``journeys@<workspace>.journeysim.invalid``), not from this."""


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
