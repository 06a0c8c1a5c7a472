"""The one predicate evaluator (segments and conditional branches, SPEC §1.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from simulator.engine import evaluate
from simulator.engine.predicates import in_segment
from simulator.models import PredicateAdapter, Segment, Subject, Workspace
from simulator.strategies import ATTRIBUTES, predicates
from simulator.world import World

AT = datetime(2026, 6, 1, 14, tzinfo=UTC)
WORLD = World(Workspace(id="w", projectKey="pk", name="W"))


def check(predicate: dict[str, Any], subject: Subject | None = None, world: World = WORLD) -> bool:
    parsed = PredicateAdapter.validate_python(predicate)
    return evaluate(parsed, subject or Subject(endUserId="u"), world=world, at=AT).result


def attr(name: str, op: str, value: Any = None) -> dict[str, Any]:
    return {"kind": "attribute", "name": name, "op": op, "value": value}


def with_attributes(**attributes: Any) -> Subject:
    return Subject(endUserId="u", attributes=attributes)


ANA = with_attributes(
    plan="pro",
    seats=12,
    ratio=0.5,
    active=True,
    tags=["beta", "eu"],
    company={"tier": "gold", "size": 40},
    signupAt="2026-05-01T10:00:00Z",
    nothing=None,
)


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        (attr("plan", "eq", "pro"), True),
        (attr("plan", "neq", "pro"), False),
        (attr("plan", "neq", "free"), True),
        (attr("plan", "in", ["free", "pro"]), True),
        (attr("plan", "not_in", ["free", "basic"]), True),
        (attr("plan", "not_in", ["pro"]), False),
        (attr("seats", "gt", 11), True),
        (attr("seats", "gt", 12), False),
        (attr("seats", "gte", 12), True),
        (attr("seats", "lt", 12.5), True),
        (attr("seats", "lte", 11), False),
        (attr("ratio", "lt", 1), True),
        (attr("plan", "contains", "r"), True),
        (attr("tags", "contains", "eu"), True),
        (attr("tags", "contains", "us"), False),
        (attr("plan", "starts_with", "p"), True),
        (attr("company.tier", "eq", "gold"), True),
        (attr("company.size", "gte", 40), True),
        (attr("company.missing", "exists"), False),
        (attr("signupAt", "gt", "2026-05-01T09:00:00Z"), True),
        (attr("signupAt", "lt", "2026-05-01T11:00:00+02:00"), False),
        (attr("plan", "exists"), True),
        (attr("nothing", "exists"), False),
        (attr("nothing", "not_exists"), True),
        (attr("absent", "not_exists"), True),
    ],
)
def test_attribute_operators(predicate, expected):
    assert check(predicate, ANA) is expected


@pytest.mark.parametrize(
    "predicate",
    [
        attr("seats", "eq", "12"),
        attr("seats", "neq", "12"),
        attr("seats", "gt", "3"),
        attr("plan", "gt", 3),
        attr("active", "eq", 1),
        attr("seats", "eq", True),
        attr("plan", "in", "pro"),
        attr("plan", "not_in", [1, 2]),
        attr("seats", "contains", 1),
        attr("seats", "starts_with", "1"),
        attr("company", "gt", 1),
        attr("absent", "neq", "x"),
        attr("absent", "not_in", ["x"]),
    ],
)
def test_type_mismatches_and_missing_attributes_are_false_not_errors(predicate):
    assert check(predicate, ANA) is False


def _events(*events: tuple[str, timedelta, dict]) -> Subject:
    return Subject(
        endUserId="u",
        events=[{"name": n, "at": AT - ago, "properties": p} for n, ago, p in events],
    )


def test_event_fired_respects_the_window_and_ignores_future_events():
    subject = _events(
        ("login", timedelta(days=3), {}),
        ("future", -timedelta(minutes=1), {}),
    )
    fired = {"kind": "event_fired", "eventName": "login"}
    assert check({**fired, "withinDays": 3}, subject) is True
    assert check({**fired, "withinDays": 2.99}, subject) is False
    assert check(fired, subject) is True
    assert check({"kind": "event_fired", "eventName": "future"}, subject) is False
    assert check({"kind": "event_not_fired", "eventName": "future"}, subject) is True
    assert check({"kind": "event_not_fired", "eventName": "login", "withinDays": 1}, subject)


def test_a_window_longer_than_a_century_is_refused_and_one_back_past_year_1_is_all_history():
    """``withinDays: 1e10`` validated, then every dry-run stopped on a date out of range."""
    with pytest.raises(ValidationError, match="less than or equal to 36500"):
        PredicateAdapter.validate_python(
            {"kind": "event_fired", "eventName": "e", "withinDays": 36_501}
        )
    early = datetime(50, 1, 2, tzinfo=UTC)
    subject = Subject(
        endUserId="u", events=[{"name": "login", "at": datetime(1, 1, 1, tzinfo=UTC)}]
    )
    parsed = PredicateAdapter.validate_python(
        {"kind": "event_fired", "eventName": "login", "withinDays": 36_500}
    )
    assert evaluate(parsed, subject, world=WORLD, at=early).result is True


def test_event_where_reads_event_properties():
    subject = _events(("cancelled", timedelta(hours=1), {"reason": "price", "usage": 91}))
    where = {"kind": "all", "of": [attr("reason", "eq", "price"), attr("usage", "gte", 90)]}
    assert check({"kind": "event_fired", "eventName": "cancelled", "where": where}, subject)
    other = attr("reason", "eq", "features")
    assert not check({"kind": "event_fired", "eventName": "cancelled", "where": other}, subject)


@pytest.mark.parametrize(
    ("preference", "opted_in", "opted_out"),
    [(True, True, False), (None, True, False), (False, False, True)],
)
def test_channel_preferences_null_counts_as_opted_in(preference, opted_in, opted_out):
    subject = Subject(endUserId="u", channelPreferences={"email": preference})
    assert check({"kind": "channel_opted_in", "channel": "email"}, subject) is opted_in
    assert check({"kind": "channel_opted_out", "channel": "email"}, subject) is opted_out


def _world(*segments: dict) -> World:
    return World.of(
        Workspace(id="w", projectKey="pk", name="W"),
        segments=[Segment.model_validate(s) for s in segments],
    )


def test_in_segment_static_rules_composed_and_unknown():
    world = _world(
        {"id": "staff", "name": "Staff", "kind": "static", "subjectIds": ["u"]},
        {"id": "pro", "name": "Pro", "kind": "rules", "predicate": attr("plan", "eq", "pro")},
        {
            "id": "pro-staff",
            "name": "Both",
            "kind": "rules",
            "predicate": {
                "kind": "all",
                "of": [
                    {"kind": "in_segment", "segmentId": "staff"},
                    {"kind": "in_segment", "segmentId": "pro"},
                ],
            },
        },
    )
    assert check({"kind": "in_segment", "segmentId": "pro-staff"}, ANA, world) is True
    other = Subject(endUserId="v", attributes={"plan": "pro"})
    assert check({"kind": "in_segment", "segmentId": "pro-staff"}, other, world) is False
    assert check({"kind": "in_segment", "segmentId": "nope"}, ANA, world) is False


def test_segment_cycles_terminate_as_false():
    world = _world(
        {
            "id": "a",
            "name": "A",
            "kind": "rules",
            "predicate": {"kind": "in_segment", "segmentId": "b"},
        },
        {
            "id": "b",
            "name": "B",
            "kind": "rules",
            "predicate": {"kind": "any", "of": [{"kind": "in_segment", "segmentId": "a"}]},
        },
    )
    assert in_segment("a", ANA, world=world, at=AT) is False


def test_leaves_name_their_path_and_stop_at_the_deciding_one():
    predicate = PredicateAdapter.validate_python(
        {
            "kind": "any",
            "of": [
                attr("plan", "eq", "free"),
                {"kind": "not", "of": attr("seats", "lt", 5)},
                attr("never", "exists"),
            ],
        }
    )
    evaluation = evaluate(predicate, ANA, world=WORLD, at=AT)
    assert evaluation.result is True
    assert [(leaf.path, leaf.result) for leaf in evaluation.leaves] == [
        ("/of/0", False),
        ("/of/1/of", False),
    ]
    assert evaluation.leaves[0].label == 'plan eq "free"'


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (True, "vip eq true"),
        (None, "vip eq null"),
        ("a'b", 'vip eq "a\'b"'),
        ([1, "x"], 'vip eq [1, "x"]'),
    ],
)
def test_leaf_labels_write_values_as_json_not_python(value, label):
    # What the journey file says: `true`, not Python's `True`.
    leaf = PredicateAdapter.validate_python(attr("vip", "eq", value))
    [found] = evaluate(leaf, ANA, world=WORLD, at=AT).leaves
    assert found.label == label


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=6),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers()),
)


@settings(max_examples=300)
@given(
    predicates(ATTRIBUTES, ["seg"]),
    st.dictionaries(st.sampled_from(ATTRIBUTES), VALUES),
)
def test_evaluation_never_raises_and_not_negates(predicate, attributes):
    world = _world({"id": "seg", "name": "S", "kind": "rules", "predicate": attr("plan", "exists")})
    subject = Subject(endUserId="u", attributes=attributes)
    parsed = PredicateAdapter.validate_python(predicate)
    negated = PredicateAdapter.validate_python({"kind": "not", "of": predicate})
    result = evaluate(parsed, subject, world=world, at=AT).result
    assert evaluate(negated, subject, world=world, at=AT).result is (not result)
