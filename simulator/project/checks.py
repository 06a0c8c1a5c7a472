"""Validating a loaded project: every journey and every other document, located.

The pure validator works on documents and JSON pointers; this module runs it over a
``LoadedProject`` and turns each finding's pointer into the file, line and column
where the pointed-at value starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from simulator.findings import Finding
from simulator.project.documents import Document, DocumentKind
from simulator.project.loader import LoadedProject
from simulator.validation import ValidationContext, validate, validate_world

__all__ = ["referenced_documents", "validate_project"]


def validate_project(loaded: LoadedProject, now: datetime | None = None) -> list[Finding]:
    """All findings of the project: the loader's, each journey's and the other
    documents' (templates, segment predicates), located and sorted by file, line,
    column. ``now`` is the moment ``wait_until_in_past`` compares with (skipped when
    ``None``)."""
    context = ValidationContext(world=loaded.world, now=now)
    found: dict[tuple, Finding] = {}

    def add(document: Document, findings: Iterable[Finding]) -> None:
        for finding in findings:
            located = finding if finding.source else document.locate(finding)
            key = (located.source.file, located.code, located.path, located.message)
            found.setdefault(key, located)

    for finding in loaded.findings:  # already located
        key = (finding.source.file, finding.code, finding.path, finding.message)
        found.setdefault(key, finding)
    for document in loaded.of_kind(DocumentKind.JOURNEY):
        if document.model is not None or isinstance(document.data, dict):
            # A journey whose model failed still goes through the validator, which
            # reports what it can; the loader's identical findings are not repeated.
            add(document, validate(document.model or document.data, context))
    if loaded.world is not None:
        for (kind, document_id), findings in validate_world(loaded.world, now).items():
            document = loaded.find(_kind(kind), document_id)
            if document is not None:
                add(document, findings)
    return sorted(found.values(), key=Finding.sort_key)


def _kind(kind: Any) -> DocumentKind:
    text = str(getattr(kind, "value", kind)).replace("_", "-")
    return DocumentKind("trigger-contract" if text == "triggerContract" else text)


def referenced_documents(loaded: LoadedProject, document: Document) -> list[Document]:
    """``document`` plus the documents whose problems can affect it: for a journey, the
    workspace, its audience and the segments it names (with the segments those
    name, transitively), its trigger contract and the communications it sends."""
    if document.kind is not DocumentKind.JOURNEY:
        return [document]
    related = [document, *loaded.of_kind(DocumentKind.WORKSPACE)]
    data = document.data if isinstance(document.data, dict) else {}
    contract = data.get("triggerContractId")
    if isinstance(contract, str):
        related.append(loaded.find(DocumentKind.TRIGGER_CONTRACT, contract))
    communications = _values(data, "communicationId")
    related.extend(loaded.find(DocumentKind.COMMUNICATION, c) for c in communications)
    segments = [data.get("audienceId"), *_values(data, "segmentId")]
    seen: set[str] = set()
    while segments:
        segment_id = segments.pop()
        if not isinstance(segment_id, str) or segment_id in seen:
            continue
        seen.add(segment_id)
        segment = loaded.find(DocumentKind.SEGMENT, segment_id)
        if segment is not None:
            related.append(segment)
            segments.extend(_values(segment.data, "segmentId"))
    unique = {id(d): d for d in related if d is not None}
    return list(unique.values())


def _values(data: Any, key: str) -> Iterator[str]:
    """Every string under ``key`` anywhere in a JSON value (iteratively, any depth)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get(key)
            if isinstance(value, str):
                yield value
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
