"""Pinpoint conditions → journeysim predicates (SPEC §1.3).

* ``SegmentCondition`` → ``in_segment``.
* ``EventCondition`` → ``event_fired`` on each ``EventType`` value (``any`` of them);
  its ``Attributes`` and ``Metrics`` filter the event's properties (``where``).
  ``EXCLUSIVE`` becomes ``event_not_fired`` (reported: an approximation).
* ``SegmentDimensions`` → ``attribute`` leaves: ``UserAttributes``/``Attributes``
  (``INCLUSIVE`` → ``eq``/``in``, ``EXCLUSIVE`` → ``neq``/``not_in``, ``CONTAINS``,
  ``BEFORE``/``AFTER``/``ON``/``BETWEEN`` on ISO-8601 text), ``Metrics``
  (``GREATER_THAN``... → ``gt``...), ``Demographic`` and ``Location.Country`` set
  dimensions; ``Demographic.Channel`` becomes ``channel_opted_in``; ``Behavior.Recency``
  becomes ``_session.start`` within the window. ``GPSPoint`` has no equivalent.

Several dimensions in one condition must all hold (``all``). A condition that
yields no predicate is ``None``; the caller decides what an empty condition means.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from importers.pinpoint.models import (
    AttributeDimension,
    EventCondition,
    EventDimensions,
    MetricDimension,
    SegmentDimensions,
    SetDimension,
    SimpleCondition,
)
from importers.pinpoint.names import camel
from importers.pinpoint.servicemodel import pointer
from simulator.codes import ImportCode
from simulator.models import (
    AllOf,
    AnyOf,
    AttributeOp,
    AttributePredicate,
    Channel,
    ChannelOptedIn,
    EventFired,
    EventNotFired,
    InSegment,
    NotPredicate,
    Predicate,
)

__all__ = ["PredicateBuilder", "combine"]

Note = Callable[[ImportCode, str, str], None]
"""``note(code, message, pointer)`` records a report entry."""

_METRIC_OPS = {
    "GREATER_THAN": AttributeOp.GT,
    "GREATER_THAN_OR_EQUAL": AttributeOp.GTE,
    "LESS_THAN": AttributeOp.LT,
    "LESS_THAN_OR_EQUAL": AttributeOp.LTE,
    "EQUAL": AttributeOp.EQ,
}
_CHANNELS = {
    "EMAIL": Channel.EMAIL,
    "GCM": Channel.MOBILE_PUSH,
    "APNS": Channel.MOBILE_PUSH,
    "APNS_SANDBOX": Channel.MOBILE_PUSH,
    "APNS_VOIP": Channel.MOBILE_PUSH,
    "APNS_VOIP_SANDBOX": Channel.MOBILE_PUSH,
    "ADM": Channel.MOBILE_PUSH,
    "BAIDU": Channel.MOBILE_PUSH,
    "PUSH": Channel.MOBILE_PUSH,
    "IN_APP": Channel.IN_APP_PUSH,
}
_RECENCY_DAYS = {"HR_24": 1, "DAY_7": 7, "DAY_14": 14, "DAY_30": 30}
SESSION_EVENT = "_session.start"
"""The event Pinpoint's app sessions record; recency dimensions look for it."""


def combine(kind: str, predicates: Iterable[Predicate | None]) -> Predicate | None:
    """``all``/``any``/``none`` of the predicates, dropping ``None``; one stays bare.

    >>> combine("ALL", [None, InSegment(segment_id="s")]).kind
    'in_segment'
    >>> combine("NONE", [InSegment(segment_id="a"), InSegment(segment_id="b")]).kind
    'not'
    >>> combine("ANY", []) is None
    True
    """
    items = [p for p in predicates if p is not None]
    if not items:
        return None
    joined = items[0] if len(items) == 1 else AnyOf(of=items) if kind != "ALL" else AllOf(of=items)
    return NotPredicate(of=joined) if kind == "NONE" else joined


class PredicateBuilder:
    """Builds predicates, noting approximations and recording what they refer to."""

    def __init__(self, note: Note) -> None:
        self.note = note
        self.segments: list[str] = []
        """Segment ids referred to, in order of first use."""
        self.attributes: dict[str, str] = {}
        """Pinpoint attribute (``User.UserAttributes.Plan``) → journeysim attribute."""

    def simple(self, condition: SimpleCondition, at: str) -> Predicate | None:
        parts = []
        if condition.segment_condition is not None:
            segment_id = condition.segment_condition.segment_id
            parts.append(self.segment(segment_id, pointer(at, "SegmentCondition", "SegmentId")))
        if condition.event_condition is not None:
            parts.append(self.event(condition.event_condition, pointer(at, "EventCondition")))
        if condition.segment_dimensions is not None:
            dims = condition.segment_dimensions
            parts.append(self.dimensions(dims, pointer(at, "SegmentDimensions")))
        return combine("ALL", parts)

    def segment(self, segment_id: str, at: str) -> Predicate | None:
        if not segment_id:
            self.note(
                ImportCode.UNSUPPORTED_DIMENSION, "a segment condition without a SegmentId", at
            )
            return None
        if segment_id not in self.segments:
            self.segments.append(segment_id)
        return InSegment(segment_id=segment_id)

    # --- events -----------------------------------------------------------------------

    def event(self, condition: EventCondition, at: str) -> Predicate | None:
        dims = condition.dimensions
        if condition.message_activity:
            message = (
                f"the event condition is scoped to activity {condition.message_activity!r} "
                "in Pinpoint; journeysim matches the event by name, whichever message caused it"
            )
            self.note(ImportCode.EVENT_CONDITION_SCOPE, message, pointer(at, "MessageActivity"))
        if dims is None or dims.event_type is None or not dims.event_type.values:
            message = "an event condition without an EventType has no journeysim equivalent"
            self.note(ImportCode.UNSUPPORTED_DIMENSION, message, at)
            return None
        return self.events(dims, pointer(at, "Dimensions"))

    def events(self, dims: EventDimensions, at: str) -> Predicate | None:
        """``event_fired`` for each event type (``any``), with property filters."""
        if dims.event_type is None:
            return None
        where = combine(
            "ALL",
            [
                *self._attribute_leaves(dims.attributes, None, pointer(at, "Attributes")),
                *self._metric_leaves(dims.metrics, None, pointer(at, "Metrics")),
            ],
        )
        excluded = dims.event_type.dimension_type == "EXCLUSIVE"
        if excluded:
            message = (
                "EXCLUSIVE event types (any event but these) became 'none of these events "
                "fired' (event_not_fired)"
            )
            self.note(ImportCode.APPROXIMATED_CONDITION, message, pointer(at, "EventType"))
        kind = EventNotFired if excluded else EventFired
        leaves = [kind(event_name=name, where=where) for name in dims.event_type.values if name]
        return combine("ALL" if excluded else "ANY", leaves)

    # --- segment dimensions -----------------------------------------------------------

    def dimensions(self, dims: SegmentDimensions, at: str) -> Predicate | None:
        parts: list[Predicate | None] = []
        parts += self._attribute_leaves(
            dims.user_attributes, "User.UserAttributes", pointer(at, "UserAttributes")
        )
        parts += self._attribute_leaves(dims.attributes, "Attributes", pointer(at, "Attributes"))
        parts += self._metric_leaves(dims.metrics, "Metrics", pointer(at, "Metrics"))
        if dims.demographic is not None:
            parts += self._demographic(dims.demographic, pointer(at, "Demographic"))
        if dims.location is not None:
            where = pointer(at, "Location")
            if dims.location.country is not None:
                country = self._set("Location", "Country", dims.location.country, where)
                parts.append(country)
            if dims.location.gps_point is not None:
                message = "GPS-point (distance) segments have no journeysim equivalent"
                self.note(ImportCode.UNSUPPORTED_DIMENSION, message, pointer(where, "GPSPoint"))
        if dims.behavior is not None and dims.behavior.recency is not None:
            parts.append(self._recency(dims.behavior.recency, pointer(at, "Behavior", "Recency")))
        return combine("ALL", parts)

    def _demographic(self, demo: Any, at: str) -> list[Predicate | None]:
        parts: list[Predicate | None] = []
        for field, member in (
            ("app_version", "AppVersion"),
            ("device_type", "DeviceType"),
            ("make", "Make"),
            ("model", "Model"),
            ("platform", "Platform"),
        ):
            dimension = getattr(demo, field)
            if dimension is not None:
                parts.append(self._set("Demographic", member, dimension, pointer(at, member)))
        if demo.channel is not None:
            parts.append(self._channel(demo.channel, pointer(at, "Channel")))
        return parts

    def _channel(self, dimension: SetDimension, at: str) -> Predicate | None:
        channels = sorted({_CHANNELS[v] for v in dimension.values if v in _CHANNELS})
        others = [v for v in dimension.values if v not in _CHANNELS]
        if others:
            message = f"channel(s) {', '.join(others)} have no journeysim channel and were left out"
            self.note(ImportCode.UNSUPPORTED_DIMENSION, message, at)
        joined = combine("ANY", [ChannelOptedIn(channel=c) for c in channels])
        if joined is not None and dimension.dimension_type == "EXCLUSIVE":
            return NotPredicate(of=joined)
        return joined

    def _recency(self, recency: Any, at: str) -> Predicate:
        days = _RECENCY_DAYS[recency.duration]
        active = recency.recency_type == "ACTIVE"
        message = (
            f"{'active' if active else 'inactive'} in the last {days} day(s) became "
            f"'{SESSION_EVENT}' {'fired' if active else 'not fired'} within {days} day(s)"
        )
        self.note(ImportCode.APPROXIMATED_CONDITION, message, at)
        kind = EventFired if active else EventNotFired
        return kind(event_name=SESSION_EVENT, within_days=days)

    def _set(self, root: str, member: str, dimension: SetDimension, at: str) -> Predicate | None:
        name = self._name(root, member)
        return _membership(name, dimension.values, dimension.dimension_type == "EXCLUSIVE")

    def _name(self, root: str | None, member: str) -> str:
        if root is None:  # an event property keeps its own name
            return member
        name = camel(member)
        self.attributes[f"{root}.{member}"] = name
        return name

    def _attribute_leaves(
        self, dims: Mapping[str, AttributeDimension] | None, root: str | None, at: str
    ) -> list[Predicate | None]:
        return [
            self._attribute(self._name(root, key), dim, pointer(at, key))
            for key, dim in (dims or {}).items()
        ]

    def _attribute(self, name: str, dim: AttributeDimension, at: str) -> Predicate | None:
        values, kind = dim.values, dim.attribute_type or "INCLUSIVE"
        if not values or (kind == "BETWEEN" and len(values) < 2):
            self.note(ImportCode.UNSUPPORTED_DIMENSION, f"{kind} on {name!r} without values", at)
            return None
        if kind in ("INCLUSIVE", "EXCLUSIVE"):
            return _membership(name, values, kind == "EXCLUSIVE")
        if kind == "CONTAINS":
            leaves = [
                AttributePredicate(name=name, op=AttributeOp.CONTAINS, value=v) for v in values
            ]
            return combine("ANY", leaves)
        message = f"{kind} on {name!r} compares ISO-8601 text; keep dates as ISO-8601 strings"
        self.note(ImportCode.APPROXIMATED_CONDITION, message, at)
        if kind == "BETWEEN":
            low = AttributePredicate(name=name, op=AttributeOp.GTE, value=values[0])
            return AllOf(
                of=[low, AttributePredicate(name=name, op=AttributeOp.LTE, value=values[1])]
            )
        if kind == "ON" and re.match(r"\d{4}-\d{2}-\d{2}", values[0]):
            return AttributePredicate(name=name, op=AttributeOp.STARTS_WITH, value=values[0][:10])
        op = {"BEFORE": AttributeOp.LT, "AFTER": AttributeOp.GT}.get(kind, AttributeOp.EQ)
        return AttributePredicate(name=name, op=op, value=values[0])

    def _metric_leaves(
        self, dims: Mapping[str, MetricDimension] | None, root: str | None, at: str
    ) -> list[Predicate | None]:
        leaves: list[Predicate | None] = []
        for key, dim in (dims or {}).items():
            op = _METRIC_OPS.get(dim.comparison_operator)
            if op is None:
                message = f"comparison {dim.comparison_operator!r} on metric {key!r} is unknown"
                self.note(ImportCode.UNSUPPORTED_DIMENSION, message, pointer(at, key))
                continue
            value = int(dim.value) if float(dim.value).is_integer() else dim.value
            leaves.append(AttributePredicate(name=self._name(root, key), op=op, value=value))
        return leaves


def _membership(name: str, values: list[str], exclusive: bool) -> Predicate | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    if len(values) == 1:
        op = AttributeOp.NEQ if exclusive else AttributeOp.EQ
        return AttributePredicate(name=name, op=op, value=values[0])
    op = AttributeOp.NOT_IN if exclusive else AttributeOp.IN
    return AttributePredicate(name=name, op=op, value=list(values))
