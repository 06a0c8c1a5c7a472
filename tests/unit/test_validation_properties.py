"""Property tests: the validator never raises, points at real places, and is exact."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pydantic
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from simulator.codes import FindingCode, Severity
from simulator.models import Journey
from simulator.strategies import (
    mutated_journeys,
    sample_world,
    valid_journeys,
    worlds,
    worlds_and_journeys,
)
from simulator.validation import ValidationContext, pydantic_findings, validate

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BOUNDED = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
WORLDLY = settings(BOUNDED, max_examples=80)
"""Examples that draw a whole world cost more; fewer of them keep the file fast."""

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12)
)
json_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)

_STEP_IDS = st.sampled_from(["a", "b", "c", "exit", "", "bad id", "a/b~c"])
_JOURNEY_KEYS = [
    "id",
    "name",
    "steps",
    "triggerContractId",
    "audienceId",
    "goalEventName",
    "goalEventWindowDays",
    "description",
    "$schema",
    "extra",
]
_STEP_KEYS = [
    "id",
    "type",
    "next",
    "mode",
    "rules",
    "arms",
    "defaultNext",
    "duration",
    "until",
    "untilEvent",
    "communicationId",
    "channel",
    "url",
    "bodyTemplate",
    "headers",
    "method",
]
_VALUES = st.one_of(
    _STEP_IDS,
    st.sampled_from(["send", "wait", "branch", "webhook", "exit", "conditional", "adaptive"]),
    st.sampled_from(["P1D", "3 days", "2030-01-01T00:00:00Z", "http://x", "{{ x", "email"]),
    json_like,
)
_predicate_like = st.recursive(
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["attribute", "in_segment", "all", "not", "zz"])},
        optional={
            "name": _VALUES,
            "op": st.sampled_from(["eq", "in", "gt", "exists", "?"]),
            "value": _VALUES,
            "segmentId": _VALUES,
        },
    ),
    lambda children: st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["all", "any", "not"]),
            "of": st.one_of(children, st.lists(children, max_size=3)),
        }
    ),
    max_leaves=6,
)
_nested = st.one_of(
    st.lists(
        st.fixed_dictionaries(
            {}, optional={"next": _STEP_IDS, "armId": _STEP_IDS, "when": _predicate_like}
        ),
        max_size=3,
    ),
    st.fixed_dictionaries(
        {}, optional={"eventName": _VALUES, "timeout": _VALUES, "timeoutNext": _STEP_IDS}
    ),
)
steps_like = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(_STEP_KEYS), st.one_of(_VALUES, _nested), max_size=6),
        json_like,
    ),
    max_size=6,
)
journeys_like = st.dictionaries(
    st.sampled_from(_JOURNEY_KEYS), st.one_of(_VALUES, steps_like), max_size=7
)


def resolves(document: Any, pointer: str) -> bool:
    """Whether a JSON pointer names a value that exists in ``document``."""
    node = document
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif (
            isinstance(node, list)
            and token.isascii()
            and token.isdigit()
            and int(token) < len(node)
        ):
            node = node[int(token)]
        else:
            return False
    return True


@BOUNDED
@given(json_like)
@example({"¹": {"²": None}})  # unicode digits are not array indices
def test_anything_that_is_not_an_object_is_one_invalid_document(value):
    findings = validate(value)

    if isinstance(value, dict):
        assert all(resolves(value, f.path) for f in findings)
    else:
        assert [(f.code, f.path) for f in findings] == [(FindingCode.INVALID_DOCUMENT, "")]


@BOUNDED
@given(journeys_like, st.booleans())
def test_journey_shaped_garbage_never_raises_and_points_into_the_document(document, with_world):
    context = ValidationContext(world=sample_world() if with_world else None, now=NOW)
    findings = validate(document, context)

    for finding in findings:
        assert resolves(document, finding.path), (finding.path, finding.message)
        assert finding.message
    keys = [(f.code, f.path, f.message) for f in findings]
    assert len(keys) == len(set(keys))
    assert validate(document, context) == findings


@BOUNDED
@given(journeys_like)
def test_invalid_document_exactly_when_the_model_refuses_it(document):
    findings = validate(document)
    invalid = {(f.path, f.message) for f in findings if f.code is FindingCode.INVALID_DOCUMENT}
    try:
        Journey.model_validate(document)
        expected = set()
    except pydantic.ValidationError as exc:
        # The loader reports these itself; validate must say exactly the same, so the
        # two de-duplicate.
        expected = {(f.path, f.message) for f in pydantic_findings(exc, document, kind="journey")}

    assert invalid == expected


@WORLDLY
@given(worlds_and_journeys())
def test_generated_journeys_validate_clean(pair):
    world, journey = pair

    assert validate(journey, ValidationContext(world=world, now=NOW)) == []
    assert validate(Journey.model_validate(journey), ValidationContext(world=world)) == []
    assert validate(journey) == []


@WORLDLY
@given(st.data())
def test_each_mutation_yields_exactly_its_error(data):
    world = data.draw(worlds())
    original, broken, expected = data.draw(mutated_journeys(world))

    findings = validate(broken, ValidationContext(world=world, now=NOW))

    assert {f.code for f in findings if f.severity is Severity.ERROR} == {expected}
    assert validate(original, ValidationContext(world=world, now=NOW)) == []


@settings(WORLDLY, max_examples=30)
@given(st.data())
def test_generated_journeys_need_their_world_to_stay_clean(data):
    world = data.draw(worlds())
    journey = data.draw(valid_journeys(world))
    empty = type(world)(workspace=world.workspace)

    codes = {f.code for f in validate(journey, ValidationContext(world=empty))}

    assert FindingCode.UNKNOWN_TRIGGER_CONTRACT in codes
