"""Segment checks: predicates, unknown segments, and cycles across the world's segments.

Segments compose through ``in_segment``; the composition must be acyclic. The
segment graph (nodes: segment ids; edges: ``in_segment`` references carrying the
pointer of their ``segmentId`` field) spans the whole world, and each cycle is
reported once, in the file of the segment whose ``segmentId`` closes it: the one
that points back to the cycle's alphabetically first segment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.codes import FindingCode
from simulator.findings import Finding
from simulator.models import Segment
from simulator.validation.context import DEFAULT_CONTEXT, ValidationContext
from simulator.validation.digraph import Digraph
from simulator.validation.document import load_document
from simulator.validation.graph import find_cycles, show_cycle
from simulator.validation.predicates import check_predicate, segment_references
from simulator.validation.report import Report

__all__ = ["SegmentCycles", "segment_cycles", "validate_segment"]

SegmentCycles = Mapping[str, list[tuple[str, str]]]
"""Segment id → ``(pointer, message)`` of each cycle that segment closes."""


def segment_cycles(predicates: Mapping[str, Any]) -> SegmentCycles:
    """The cycles among segments, keyed by the segment that closes each one.

    ``predicates`` maps segment ids to their raw (wire) predicates.

    >>> segment_cycles({"a": {"kind": "in_segment", "segmentId": "b"},
    ...                 "b": {"kind": "in_segment", "segmentId": "a"}})
    {'b': [('/predicate/segmentId', 'segments form a cycle: a → b → a')]}
    """
    graph = Digraph(predicates)
    for source, predicate in predicates.items():
        for target, pointer in segment_references(predicate, "/predicate"):
            if target in predicates:
                graph.add_edge(source, target, {"pointer": pointer})
    closing: dict[str, list[tuple[str, str]]] = {}
    for nodes, edge in find_cycles(graph, order=lambda node: node):
        shown = show_cycle(nodes)
        closing.setdefault(nodes[-1], []).append(
            (edge["pointer"], f"segments form a cycle: {shown}")
        )
    return closing


def validate_segment(
    segment: Segment | Mapping[str, Any], context: ValidationContext = DEFAULT_CONTEXT
) -> list[Finding]:
    """Findings for one segment: document shape, predicates, unknown segments, cycles.

    With a world, the segment is checked as if it replaced the world's segment of
    the same id (so an edited file is checked against everything else).
    """
    data, _, findings = load_document(segment, Segment, "segment")
    report = Report()
    report.extend(findings)
    if not isinstance(data, Mapping):
        return report.findings()
    cycles: SegmentCycles = {}
    world, segment_id = context.world, data.get("id")
    if world is not None and isinstance(segment_id, str):
        predicates = {sid: _wire_predicate(other) for sid, other in world.segments.items()}
        predicates[segment_id] = data.get("predicate")
        cycles = segment_cycles(predicates)
    check_segment(data, report, context, cycles)
    return report.findings()


def check_segment(
    data: Mapping[str, Any], report: Report, context: ValidationContext, cycles: SegmentCycles
) -> None:
    """The checks beyond the document shape, for a segment in wire form."""
    segment_id = data.get("id")
    name = f"segment {segment_id!r}" if isinstance(segment_id, str) else "the segment"
    if data.get("kind") == "rules" and data.get("predicate") is None:
        report.add(FindingCode.INVALID_DOCUMENT, f"{name} is kind 'rules' but has no predicate", "")
    # A field of the other kind would be ignored: the segment would not mean what it says.
    if data.get("kind") == "static" and data.get("predicate") is not None:
        message = (
            f"{name} is kind 'static': its members are its subjectIds and the predicate is "
            "never evaluated (make it kind 'rules' to select subjects by the predicate)"
        )
        report.add(FindingCode.INVALID_DOCUMENT, message, "/predicate")
    if data.get("kind") == "rules" and data.get("subjectIds") is not None:
        message = (
            f"{name} is kind 'rules': its predicate selects the members and subjectIds is "
            "never read (make it kind 'static' to list members)"
        )
        report.add(FindingCode.INVALID_DOCUMENT, message, "/subjectIds")
    segments = None
    if context.world is not None:
        # The segment itself is known even when the world does not have it yet.
        segments = set(context.world.segments) | (
            {segment_id} if isinstance(segment_id, str) else set()
        )
    predicate = data.get("predicate")
    invalid = context.invalid_of("segment")
    check_predicate(
        predicate, "/predicate", report, where=name, segments=segments, invalid_segments=invalid
    )
    for pointer, message in cycles.get(segment_id, []) if isinstance(segment_id, str) else []:
        report.add(FindingCode.SEGMENT_CYCLE, f"{name}: {message}", pointer)


def _wire_predicate(segment: Segment) -> Any:
    return segment.to_wire().get("predicate")
