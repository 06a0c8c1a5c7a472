"""Segments, communications and trigger contracts, one by one and across a world."""

from __future__ import annotations

from dataclasses import replace

from simulator.codes import FindingCode
from simulator.models import Segment
from simulator.strategies import sample_world
from simulator.validation import (
    ValidationContext,
    validate,
    validate_communication,
    validate_segment,
    validate_trigger_contract,
    validate_world,
)

C = FindingCode


def in_segment(segment_id: str) -> dict:
    return {"kind": "in_segment", "segmentId": segment_id}


def test_the_sample_world_is_clean_and_every_document_is_listed():
    results = validate_world(sample_world())

    assert sorted(results) == [
        ("communication", "receipt"),
        ("communication", "tips-push"),
        ("communication", "welcome-email"),
        ("segment", "seg-active-pro"),
        ("segment", "seg-pro"),
        ("trigger_contract", "trig-signup"),
    ]
    assert all(findings == [] for findings in results.values())


def test_a_segment_cycle_is_reported_once_across_the_world():
    world = sample_world()
    looped = Segment(id="seg-pro", name="Pro", kind="rules", predicate=in_segment("seg-active-pro"))
    world = replace(world, segments={**world.segments, "seg-pro": looped})

    results = validate_world(world)

    assert results[("segment", "seg-active-pro")] == []
    (finding,) = results[("segment", "seg-pro")]
    assert (finding.code, finding.path) == (C.SEGMENT_CYCLE, "/predicate/segmentId")
    assert "seg-active-pro → seg-pro → seg-active-pro" in finding.message


def test_a_segment_that_names_itself_is_a_cycle():
    document = {"id": "seg-x", "name": "X", "kind": "rules", "predicate": in_segment("seg-x")}

    (finding,) = validate_segment(document, ValidationContext(world=sample_world()))

    assert finding.code is C.SEGMENT_CYCLE
    assert "seg-x → seg-x" in finding.message


def test_segment_predicates_are_checked():
    predicate = {
        "kind": "any",
        "of": [
            in_segment("seg-gone"),
            {"kind": "attribute", "name": "seats", "op": "not_in", "value": 3},
        ],
    }
    document = {"id": "seg-y", "name": "Y", "kind": "rules", "predicate": predicate}

    findings = validate_segment(document, ValidationContext(world=sample_world()))

    assert [(f.code, f.path) for f in findings] == [
        (C.UNKNOWN_SEGMENT, "/predicate/of/0/segmentId"),
        (C.INVALID_PREDICATE, "/predicate/of/1/value"),
    ]
    assert "'seg-gone'" in findings[0].message


def test_without_a_world_cross_document_checks_are_skipped():
    document = {"id": "seg-y", "name": "Y", "kind": "rules", "predicate": in_segment("seg-gone")}
    journey = {
        "id": "j",
        "name": "J",
        "triggerContractId": "nope",
        "audienceId": "nope",
        "steps": [
            {"id": "s", "type": "send", "communicationId": "nope", "next": "e"},
            {"id": "e", "type": "exit"},
        ],
    }

    assert validate_segment(document) == []
    assert validate(journey) == []


def test_a_rules_segment_needs_a_predicate():
    (finding,) = validate_segment({"id": "s", "name": "S", "kind": "rules"})

    assert (finding.code, finding.path) == (C.INVALID_DOCUMENT, "")
    assert "no predicate" in finding.message


def test_unknown_template_variables_need_a_world_to_be_known():
    comm = {
        "id": "c",
        "name": "C",
        "kind": "marketing",
        "channels": ["email"],
        "body": "Hi {{ nickname }} from {{ workspace.name }} about {{ event.plan }}",
    }

    assert validate_communication(comm) == []
    (finding,) = validate_communication(comm, ValidationContext(world=sample_world()))
    assert (finding.code, finding.path) == (C.TEMPLATE_UNKNOWN_VARIABLE, "/body")
    assert "'nickname'" in finding.message


def test_a_blocked_attribute_is_an_error_at_its_field_and_an_underscore_key_is_not():
    comm = {
        "id": "c",
        "name": "C",
        "kind": "marketing",
        "channels": ["email"],
        "subjectLine": "From {{ event._source }} {{ event['_x'] }}",
        "body": "Hi {{ firstName.__class__ }}",
    }

    (finding,) = validate_communication(comm, ValidationContext(world=sample_world()))
    assert (finding.code, finding.path) == (C.TEMPLATE_SYNTAX_ERROR, "/body")
    assert "'__class__'" in finding.message and "line 1" in finding.message


def _body(body: str) -> dict:
    return {"id": "c", "name": "C", "kind": "marketing", "channels": ["email"], "body": body}


def test_a_call_of_a_variable_is_an_error_at_its_field_not_a_warning_that_it_renders_empty():
    comm = _body("Hi {{ nickname }},\n{{ nickname() }} {{ firstName() }} {{ rnage(3) }}")

    findings = validate_communication(comm, ValidationContext(world=sample_world()))

    assert [(f.code, f.path) for f in findings] == [(C.TEMPLATE_SYNTAX_ERROR, "/body")] * 3
    attribute, unknown, typo = findings
    assert "calls 'firstName' on line 2, a subject attribute" in attribute.message
    assert "calls of attributes fail at render" in attribute.message
    assert "calls 'nickname' on line 2, which is not a function the sandbox" in unknown.message
    assert "did you mean 'range'?" in typo.message
    assert "render empty" not in " ".join(f.message for f in findings)


def test_a_call_of_a_variable_is_an_error_without_a_world_too():
    (finding,) = validate_communication(_body("{{ event() }}{{ plan.upper() }}"))

    assert (finding.code, finding.path) == (C.TEMPLATE_SYNTAX_ERROR, "/body")
    assert "calls 'event' on line 1, which is template data, not a function" in finding.message


def test_template_checks_can_be_turned_off():
    comm = {"id": "c", "name": "C", "kind": "marketing", "channels": ["email"], "body": "{{"}

    assert validate_communication(comm, ValidationContext(check_templates=False)) == []
    assert [f.code for f in validate_communication(comm)] == [C.TEMPLATE_SYNTAX_ERROR]


def test_trigger_contract_field_paths_must_be_dotted_paths():
    contract = {
        "id": "t",
        "name": "T",
        "eventName": "e",
        "versionAt": "2026-01-01T00:00:00Z",
        "subjectFieldPath": "user.id",
        "recipientEmailFieldPath": "user. email",
    }

    (finding,) = validate_trigger_contract(contract)

    assert (finding.code, finding.path) == (C.INVALID_DOCUMENT, "/recipientEmailFieldPath")
