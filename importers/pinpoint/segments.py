"""Pinpoint segments → journeysim segments (SPEC §1.3).

A dimensional segment becomes a ``rules`` segment: its ``Dimensions`` and
``SegmentGroups`` (groups of dimensions and source segments, combined by
``Include``/``Type``/``SourceType`` ALL, ANY or NONE) become one predicate. An
imported segment (a file of endpoints) becomes an empty ``static`` segment, reported.
Every segment a journey or another segment refers to but the input lacks becomes an
empty ``static`` placeholder, reported, so the bundle validates and the gap shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from importers.pinpoint.documents import SegmentGroup, SegmentResponse
from importers.pinpoint.predicates import PredicateBuilder, combine
from importers.pinpoint.report import Reporter
from importers.pinpoint.servicemodel import pointer
from simulator.codes import ImportCode
from simulator.models import Predicate, Segment, SegmentKind

__all__ = ["translate_segments"]


def translate_segments(
    supplied: Iterable[tuple[SegmentResponse, str, str]],
    referenced: Iterable[str],
    report: Reporter,
) -> tuple[list[Segment], dict[str, str]]:
    """Segments for the bundle, and the attribute mapping their predicates used.

    ``supplied`` gives each parsed segment with its pointer in its file and the file's
    name; ``referenced`` lists the segment ids the journeys use.

    A segment id supplied twice (in two files, or twice in one ``get-segments``
    export) is translated from the first: for a ``--segments`` folder, the first file
    in sorted file-name order, as for templates. The other is ignored with a
    ``duplicate_segment`` warning naming both places, never silently.
    """
    segments: dict[str, Segment] = {}
    attributes: dict[str, str] = {}
    wanted = list(referenced)
    first_at: dict[str, tuple[str, str]] = {}
    for segment, at, document in supplied:
        located = Reporter(entries=report.entries, document=document)
        builder = PredicateBuilder(partial(_note, located))
        if segment.id in first_at:
            _duplicate(segment.id, (document, at), first_at[segment.id], located)
            continue
        first_at[segment.id] = (document, at)
        segments[segment.id] = _segment(segment, at, builder, located)
        wanted += builder.segments
        attributes.update(builder.attributes)
    for segment_id in dict.fromkeys(wanted):
        if segment_id not in segments:
            segments[segment_id] = _placeholder(segment_id, "was not supplied (--segments)", report)
    return list(segments.values()), attributes


def _duplicate(
    segment_id: str, again: tuple[str, str], first: tuple[str, str], report: Reporter
) -> None:
    where = first[0] if first[0] != again[0] else f"{first[0]} at {first[1] or '/'}"
    message = (
        f"{again[0]}: segment {segment_id!r} is also defined in {where}, which is read "
        "first and used: this one is ignored (remove one of them, or give them different Ids)"
    )
    report.add(ImportCode.DUPLICATE_SEGMENT, message, location=pointer(again[1], "Id"))


def _note(report: Reporter, code: ImportCode, message: str, at: str) -> None:
    report.add(code, message, location=at)


def _segment(
    segment: SegmentResponse, at: str, builder: PredicateBuilder, report: Reporter
) -> Segment:
    name = segment.name or segment.id
    if segment.segment_type == "IMPORT":
        reason = "is an imported segment: its endpoints are not part of the export"
        return _placeholder(segment.id, reason, report, name, at)
    parts: list[Predicate | None] = []
    if segment.dimensions is not None:
        parts.append(builder.dimensions(segment.dimensions, pointer(at, "Dimensions")))
    groups = segment.segment_groups
    if groups is not None and groups.groups:
        where = pointer(at, "SegmentGroups", "Groups")
        group_predicates = [
            _group(group, pointer(where, k), builder) for k, group in enumerate(groups.groups)
        ]
        parts.append(combine(groups.include or "ALL", group_predicates))
    predicate = combine("ALL", parts)
    if predicate is None:
        reason = "has no dimension journeysim can express"
        return _placeholder(segment.id, reason, report, name, at)
    return Segment(id=segment.id, name=name, kind=SegmentKind.RULES, predicate=predicate)


def _group(group: SegmentGroup, at: str, builder: PredicateBuilder) -> Predicate | None:
    dimensions = [
        builder.dimensions(dims, pointer(at, "Dimensions", k))
        for k, dims in enumerate(group.dimensions or [])
    ]
    sources = [
        builder.segment(ref.id, pointer(at, "SourceSegments", k, "Id"))
        for k, ref in enumerate(group.source_segments or [])
    ]
    return combine(
        "ALL",
        [combine(group.source_type or "ANY", sources), combine(group.type or "ALL", dimensions)],
    )


def _placeholder(
    segment_id: str, reason: str, report: Reporter, name: str | None = None, at: str | None = None
) -> Segment:
    message = (
        f"segment {segment_id!r} {reason}; it became an empty static segment: "
        "list its members (subjectIds) or give it a predicate"
    )
    report.add(ImportCode.SEGMENT_PLACEHOLDER, message, location=at)
    return Segment(
        id=segment_id,
        name=name or f"Pinpoint segment {segment_id}",
        kind=SegmentKind.STATIC,
        subject_ids=[],
    )
