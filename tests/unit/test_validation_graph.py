"""The step graph: edges, cycles, reachability and how they are reported."""

from __future__ import annotations

from typing import Any

from simulator.codes import FindingCode
from simulator.models import Journey
from simulator.strategies import journey_of_size, sample_world
from simulator.validation import ValidationContext, build_graph, find_cycles, validate
from simulator.validation.digraph import Digraph
from simulator.validation.report import Report

C = FindingCode


def wait(step_id: str, next_: str) -> dict[str, Any]:
    return {"id": step_id, "type": "wait", "duration": "PT1H", "next": next_}


def journey(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"id": "j", "name": "J", "triggerContractId": "trig-signup", "steps": list(steps)}


def codes_and_paths(document: dict[str, Any]) -> list[tuple[FindingCode, str]]:
    return [(f.code, f.path) for f in validate(document)]


def test_edges_carry_the_pointer_and_label_of_their_reference_field():
    steps = [
        {
            "id": "ab",
            "type": "branch",
            "mode": "adaptive",
            "arms": [{"armId": "x", "next": "end"}, {"armId": "y", "next": "end"}],
        },
        {"id": "end", "type": "exit"},
    ]

    graph = build_graph(steps, Report()).graph

    assert list(graph) == ["ab", "end"]
    assert graph.edge("ab", "end") == {"pointer": "/steps/0/arms/0/next", "label": "arms[0].next"}


def test_each_separate_cycle_is_reported_once_in_document_order():
    document = journey(
        {
            "id": "start",
            "type": "branch",
            "mode": "conditional",
            "rules": [{"when": {"kind": "attribute", "name": "x", "op": "exists"}, "next": "p"}],
            "defaultNext": "q",
        },
        wait("q", "r"),
        wait("r", "q"),
        wait("p", "p2"),
        wait("p2", "p"),
    )

    findings = validate(document)

    assert [(f.code, f.path) for f in findings] == [
        (C.CYCLE_DETECTED, "/steps/2/next"),
        (C.CYCLE_DETECTED, "/steps/4/next"),
    ]
    assert "q → r → q" in findings[0].message
    assert "p → p2 → p" in findings[1].message


def test_a_figure_eight_is_one_problem_reported_through_its_earliest_step():
    document = journey(
        wait("a", "b"),
        {
            "id": "b",
            "type": "wait",
            "next": "a",
            "untilEvent": {"eventName": "e", "timeout": "P1D", "timeoutNext": "c"},
        },
        wait("c", "b"),
    )

    findings = validate(document)

    assert codes_and_paths(document) == [(C.CYCLE_DETECTED, "/steps/1/next")]
    assert "a → b → a" in findings[0].message


def test_a_long_cycle_names_its_ends_and_counts_the_rest():
    steps = [wait(f"s{i}", f"s{(i + 1) % 5000}") for i in range(5000)]

    (finding,) = validate(journey(*steps))

    assert finding.code is C.CYCLE_DETECTED
    assert finding.path == "/steps/4999/next"
    assert finding.message.startswith("steps form a cycle: s0 → s1 → ")
    assert "4984 more" in finding.message
    assert "s4999 → s0" in finding.message


def test_a_duplicate_step_adds_no_edges_and_is_not_called_unreachable():
    document = journey(wait("a", "end"), {"id": "end", "type": "exit"}, wait("end", "a"))

    assert codes_and_paths(document) == [(C.DUPLICATE_STEP_ID, "/steps/2/id")]


def test_dangling_references_do_not_also_make_unreachable_warnings():
    document = journey(wait("a", "ned"), {"id": "end", "type": "exit"})

    assert codes_and_paths(document) == [(C.UNKNOWN_STEP_REFERENCE, "/steps/0/next")]


def test_an_unknown_key_beside_steps_does_not_hide_unreachable_steps():
    document = {**journey({"id": "a", "type": "exit"}, {"id": "b", "type": "exit"}), "stepsX": 1}

    assert codes_and_paths(document) == [
        (C.UNREACHABLE_STEP, "/steps/1"),
        (C.INVALID_DOCUMENT, "/stepsX"),
    ]


def test_a_malformed_step_keeps_the_rest_of_the_graph_checked():
    document = journey(wait("a", "b"), {"id": "b", "type": "wait", "next": "a", "duration": 5})

    assert codes_and_paths(document) == [
        (C.INVALID_DOCUMENT, "/steps/1/duration"),
        (C.CYCLE_DETECTED, "/steps/1/next"),
    ]


def test_steps_that_are_not_objects_are_skipped_by_the_graph():
    document = journey(wait("a", "end"), 42, {"id": "end", "type": "exit"})

    assert codes_and_paths(document) == [(C.INVALID_DOCUMENT, "/steps/1")]


def test_a_model_and_its_wire_form_get_the_same_findings():
    document = journey(
        {"id": "s", "type": "send", "communicationId": "receipt", "next": "end"},
        {"id": "end", "type": "exit"},
        wait("orphan", "end"),
    )
    context = ValidationContext(world=sample_world())

    from_dict = validate(document, context)

    assert validate(Journey.model_validate(document), context) == from_dict
    assert [f.code for f in from_dict] == [C.SEND_STEP_USES_TRANSACTIONAL_COMM, C.UNREACHABLE_STEP]


def test_find_cycles_works_on_any_graph():
    graph = Digraph.from_edges([(3, 1), (1, 2), (2, 3), (4, 4)])

    cycles = find_cycles(graph, order=lambda node: node)

    assert [nodes for nodes, _ in cycles] == [[1, 2, 3], [4]]


def test_ten_thousand_steps_validate_clean():
    world = sample_world()

    assert validate(journey_of_size(10_000, world), ValidationContext(world=world)) == []
