"""Trigger contracts: which event starts a journey and how to read it (SPEC §1.4)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from simulator.models.base import DocumentModel

__all__ = ["JsonType", "TriggerContract"]

JsonType = Literal["string", "number", "integer", "boolean", "object", "array", "null"]


class TriggerContract(DocumentModel):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    event_name: str = Field(min_length=1)
    subject_field_path: str = "endUserId"
    """Dotted path in the event payload that names the subject."""
    recipient_email_field_path: str | None = None
    version_at: AwareDatetime
    """Version stamp; journeys pin it at publish."""
    required_properties: dict[str, JsonType] | None = None
