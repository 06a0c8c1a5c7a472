"""The predicate language shared by segments and conditional branches (SPEC §1.3).

A predicate is a tagged tree discriminated on ``kind``. Leaves compare subject
attributes, look at the subject's events or channel preferences, or refer to
another segment; ``all``/``any``/``not`` combine them. Inside ``event_fired``'s
``where``, ``attribute`` leaves name *event properties* instead of subject
attributes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, TypeAdapter

from simulator.models.base import Model, Number
from simulator.models.channels import Channel

__all__ = [
    "MAX_WITHIN_DAYS",
    "AllOf",
    "AnyOf",
    "AttributeOp",
    "AttributePredicate",
    "ChannelOptedIn",
    "ChannelOptedOut",
    "EventFired",
    "EventNotFired",
    "InSegment",
    "NotPredicate",
    "Predicate",
    "PredicateAdapter",
]


class AttributeOp(StrEnum):
    """Comparison operators of an ``attribute`` leaf."""

    EQ = "eq"
    NEQ = "neq"
    IN = "in"
    NOT_IN = "not_in"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    EXISTS = "exists"
    NOT_EXISTS = "not_exists"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"


MAX_WITHIN_DAYS = 36_500
"""The longest ``withinDays`` (a hundred years); leave it out for all of history."""


class AttributePredicate(Model):
    kind: Literal["attribute"] = "attribute"
    name: str = Field(min_length=1)
    """Attribute name (a dotted path reads nested objects: ``plan.tier``)."""
    op: AttributeOp
    value: Any = None
    """Operand; a list for ``in``/``not_in``; unused for ``exists``/``not_exists``."""


class _EventPredicate(Model):
    event_name: str = Field(min_length=1)
    within_days: Number | None = Field(default=None, ge=0, le=MAX_WITHIN_DAYS)
    """Look back this many days from the evaluation time; all history when absent. At
    most :data:`MAX_WITHIN_DAYS`: a longer look-back is all history in practice, and a
    window that leaves the calendar (``1e10``) cannot be evaluated."""
    where: Predicate | None = None
    """A predicate over the event's properties (``attribute`` leaves name properties)."""


class EventFired(_EventPredicate):
    kind: Literal["event_fired"] = "event_fired"


class EventNotFired(_EventPredicate):
    kind: Literal["event_not_fired"] = "event_not_fired"


class ChannelOptedIn(Model):
    kind: Literal["channel_opted_in"] = "channel_opted_in"
    channel: Channel


class ChannelOptedOut(Model):
    kind: Literal["channel_opted_out"] = "channel_opted_out"
    channel: Channel


class InSegment(Model):
    kind: Literal["in_segment"] = "in_segment"
    segment_id: str = Field(min_length=1)


class AllOf(Model):
    kind: Literal["all"] = "all"
    of: list[Predicate]


class AnyOf(Model):
    kind: Literal["any"] = "any"
    of: list[Predicate]


class NotPredicate(Model):
    kind: Literal["not"] = "not"
    of: Predicate


Predicate = Annotated[
    AttributePredicate
    | EventFired
    | EventNotFired
    | ChannelOptedIn
    | ChannelOptedOut
    | InSegment
    | AllOf
    | AnyOf
    | NotPredicate,
    Discriminator("kind"),
]

for _model in (EventFired, EventNotFired, AllOf, AnyOf, NotPredicate):
    _model.model_rebuild()

PredicateAdapter: TypeAdapter[Predicate] = TypeAdapter(Predicate)
