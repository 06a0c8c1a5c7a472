"""Segments (audiences): rule-based predicates or static member lists (SPEC §1.3)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from simulator.models.base import DocumentModel
from simulator.models.predicates import Predicate

__all__ = ["Segment", "SegmentKind"]


class SegmentKind(StrEnum):
    RULES = "rules"
    STATIC = "static"


class Segment(DocumentModel):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: SegmentKind
    predicate: Predicate | None = None
    """Membership rule of a ``rules`` segment."""
    subject_ids: list[str] | None = None
    """Members of a ``static`` segment."""
