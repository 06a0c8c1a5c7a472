"""Which documents a document names: what loading one file must also load.

A journey names its trigger contract (``triggerContractId``), its audience
(``audienceId``), the communications its sends use (``communicationId``) and the
segments its branch predicates test (``segmentId``, at any depth); a segment names
the segments its predicate composes. Read from the parsed data, so a document that
failed its model still brings what it names.

>>> sorted(references(DocumentKind.JOURNEY, {"audienceId": "seg-a", "steps": [
...     {"type": "send", "communicationId": "comm-1"}]}))
[(<DocumentKind.COMMUNICATION: 'communication'>, 'comm-1'), \
(<DocumentKind.SEGMENT: 'segment'>, 'seg-a')]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from simulator.project.kinds import DocumentKind

__all__ = ["references", "values_of"]


def references(kind: DocumentKind, data: Any) -> Iterator[tuple[DocumentKind, str]]:
    """``(kind, id)`` of each document that a ``kind`` document with this data names."""
    if not isinstance(data, dict):
        return
    if kind is DocumentKind.JOURNEY:
        contract = data.get("triggerContractId")
        if isinstance(contract, str):
            yield DocumentKind.TRIGGER_CONTRACT, contract
        audience = data.get("audienceId")
        if isinstance(audience, str):
            yield DocumentKind.SEGMENT, audience
        for name in values_of(data, "communicationId"):
            yield DocumentKind.COMMUNICATION, name
    if kind in (DocumentKind.JOURNEY, DocumentKind.SEGMENT):
        for name in values_of(data, "segmentId"):
            yield DocumentKind.SEGMENT, name


def values_of(data: Any, key: str) -> Iterator[str]:
    """Every string under ``key`` anywhere in a JSON value (iteratively, any depth).

    >>> list(values_of({"a": [{"k": "x"}, {"b": {"k": "y"}}], "k": 3}, "k"))
    ['x', 'y']
    """
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get(key)
            if isinstance(value, str):
                yield value
            stack.extend(reversed(item.values()))
        elif isinstance(item, list):
            stack.extend(reversed(item))
