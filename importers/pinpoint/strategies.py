"""Hypothesis strategies that build Pinpoint exports from botocore's service model.

:func:`from_shape` draws JSON that matches any service-model shape (structures with
random subsets of their optional members, lists, maps, enums, integers, doubles,
booleans, and the documented string formats: ISO-8601 durations in ``WaitFor``,
timestamps, ``HH:MM`` times). :func:`activities` draws an ``Activities`` map whose
next pointers mostly name activities of the same map (and sometimes none, or one that
does not exist), so translations exercise real graphs; :func:`journey_exports` wraps
journeys the three ways exports arrive. Everything drawn passes
:func:`importers.pinpoint.servicemodel.check`, so tests can property-test the
translator itself; users can property-test their own tooling the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from importers.pinpoint.servicemodel import service_shapes

__all__ = ["NEXT_POINTERS", "activities", "from_shape", "journey_exports"]

Overrides = Mapping[tuple[str, str], st.SearchStrategy[Any]]

NEXT_POINTERS = (
    ("EmailMessageActivity", "NextActivity"),
    ("SMSMessageActivity", "NextActivity"),
    ("PushMessageActivity", "NextActivity"),
    ("CustomMessageActivity", "NextActivity"),
    ("WaitActivity", "NextActivity"),
    ("HoldoutActivity", "NextActivity"),
    ("ContactCenterActivity", "NextActivity"),
    ("MultiConditionalBranch", "NextActivity"),
    ("RandomSplitEntry", "NextActivity"),
    ("ConditionalSplitActivity", "TrueActivity"),
    ("ConditionalSplitActivity", "FalseActivity"),
    ("MultiConditionalSplitActivity", "DefaultActivity"),
    ("EventCondition", "MessageActivity"),
)
"""(shape, member) pairs that name another activity."""

_DURATIONS = st.sampled_from(["PT0S", "PT30M", "PT1H", "PT12H", "P1D", "P2D", "P1W", "P1M"])
_TIMESTAMPS = st.sampled_from(
    ["2026-05-01T09:00:00Z", "2026-12-24T18:00:00+01:00", "2027-01-01T00:00:00Z"]
)
_TIMES = st.sampled_from(["00:00", "08:00", "09:30", "17:00", "21:00", "23:59"])
_FORMATS: dict[tuple[str, str], st.SearchStrategy[str]] = {
    ("WaitTime", "WaitFor"): _DURATIONS,
    ("WaitTime", "WaitUntil"): _TIMESTAMPS,
    ("JourneyLimits", "EndpointReentryInterval"): _DURATIONS,
    ("JourneyResponse", "RefreshFrequency"): _DURATIONS,
    ("WriteJourneyRequest", "RefreshFrequency"): _DURATIONS,
    ("QuietTime", "Start"): _TIMES,
    ("QuietTime", "End"): _TIMES,
    ("OpenHoursRule", "StartTime"): _TIMES,
    ("OpenHoursRule", "EndTime"): _TIMES,
    ("ClosedDaysRule", "StartDateTime"): _TIMESTAMPS,
    ("ClosedDaysRule", "EndDateTime"): _TIMESTAMPS,
}
_TEXT = st.text(max_size=12)


def from_shape(
    shape: str, overrides: Overrides | None = None, *, max_size: int = 2
) -> st.SearchStrategy[Any]:
    """JSON values matching the service-model shape named ``shape``.

    ``overrides`` replaces the strategy of chosen ``(shape, member)`` pairs.
    """
    return _Builder({**_FORMATS, **(overrides or {})}, max_size).shape(shape)


class _Builder:
    def __init__(self, overrides: Overrides, max_size: int) -> None:
        self.overrides, self.max_size = overrides, max_size
        self.built: dict[str, st.SearchStrategy[Any]] = {}

    def shape(self, name: str) -> st.SearchStrategy[Any]:
        if name not in self.built:
            self.built[name] = st.deferred(lambda: self._make(name))
        return self.built[name]

    def _make(self, name: str) -> st.SearchStrategy[Any]:
        shape = service_shapes()[name]
        kind = shape["type"]
        if kind == "structure":
            members = {
                member: self.overrides[(name, member)]
                if (name, member) in self.overrides
                else self.shape(spec["shape"])
                for member, spec in shape.get("members", {}).items()
            }
            required = set(shape.get("required", []))
            return st.fixed_dictionaries(
                {k: v for k, v in members.items() if k in required},
                optional={k: v for k, v in members.items() if k not in required},
            )
        if kind == "list":
            return st.lists(self.shape(shape["member"]["shape"]), max_size=self.max_size)
        if kind == "map":
            keys = self.shape(shape["key"]["shape"])
            return st.dictionaries(
                keys, self.shape(shape["value"]["shape"]), max_size=self.max_size
            )
        return _scalar(shape)


def _scalar(shape: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    kind = shape["type"]
    if kind == "string":
        return st.sampled_from(shape["enum"]) if shape.get("enum") else _TEXT
    if kind in ("integer", "long"):
        return st.integers(min_value=-5, max_value=200)
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return (
            _TIMESTAMPS
            if shape.get("timestampFormat") != "unixTimestamp"
            else st.integers(0, 2**31)
        )
    return st.none()


_IDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=10
)


@st.composite
def activities(draw: st.DrawFn, max_activities: int = 8) -> dict[str, Any]:
    """An ``Activities`` map whose next pointers mostly name its own activities."""
    ids = draw(
        st.lists(
            st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True) | _IDS,
            max_size=max_activities,
            unique=True,
        )
    )
    pointer = st.sampled_from([*ids, "no-such-activity"]) if ids else st.just("no-such-activity")
    overrides = dict.fromkeys(NEXT_POINTERS, pointer)
    activity = from_shape("Activity", overrides)
    return {activity_id: draw(activity) for activity_id in ids}


@st.composite
def journey_exports(draw: st.DrawFn, max_journeys: int = 3) -> dict[str, Any]:
    """A ``get-journey``, ``list-journeys`` or ``WriteJourneyRequest`` export."""

    def journey(shape: str) -> st.SearchStrategy[dict[str, Any]]:
        @st.composite
        def build(inner: st.DrawFn) -> dict[str, Any]:
            acts = inner(activities())
            start = st.sampled_from([*acts, "no-such-activity"]) if acts else st.just("start")
            overrides = {(shape, "Activities"): st.just(acts), (shape, "StartActivity"): start}
            return inner(from_shape(shape, overrides))

        return build()

    kind = draw(st.sampled_from(["get", "list", "write"]))
    if kind == "get":
        return {"JourneyResponse": draw(journey("JourneyResponse"))}
    if kind == "list":
        items = draw(st.lists(journey("JourneyResponse"), max_size=max_journeys))
        return {"JourneysResponse": {"Item": items}}
    return draw(journey("WriteJourneyRequest"))
