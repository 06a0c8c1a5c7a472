"""Which documents a document names: what loading one file must also load.

A journey names its trigger contract (``triggerContractId``), its audience
(``audienceId``), the communications its sends use (``communicationId``) and the
segments its branch predicates test (``segmentId``, at any depth); a segment names
the segments its predicate composes. Read from the parsed data, so a document that
failed its model still brings what it names.

>>> references(DocumentKind.JOURNEY, {"audienceId": "seg-a", "steps": [
...     {"type": "send", "communicationId": "comm-1"}]})
[(<DocumentKind.SEGMENT: 'segment'>, 'seg-a'), \
(<DocumentKind.COMMUNICATION: 'communication'>, 'comm-1')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from simulator.project.kinds import DocumentKind

__all__ = ["references", "values_of"]


def references(kind: DocumentKind, data: Any) -> list[tuple[DocumentKind, str]]:
    """``(kind, id)`` of each document that a ``kind`` document with this data names, in
    document order (repeats kept). One pass over the data, however large."""
    if kind not in (DocumentKind.JOURNEY, DocumentKind.SEGMENT) or not isinstance(data, dict):
        return []
    named: list[tuple[DocumentKind, str]] = []
    if kind is DocumentKind.JOURNEY:
        contract = data.get("triggerContractId")
        if isinstance(contract, str):
            named.append((DocumentKind.TRIGGER_CONTRACT, contract))
        audience = data.get("audienceId")
        if isinstance(audience, str):
            named.append((DocumentKind.SEGMENT, audience))
        keys = {"communicationId": DocumentKind.COMMUNICATION, "segmentId": DocumentKind.SEGMENT}
    else:
        keys = {"segmentId": DocumentKind.SEGMENT}
    for key, value in values_of(data, keys):
        named.append((keys[key], value))
    return named


def values_of(data: Any, keys: Iterable[str]) -> Iterator[tuple[str, str]]:
    """``(key, value)`` for every string value under one of ``keys`` anywhere in a JSON
    value, in document order (iteratively, any depth; only containers are visited).

    >>> list(values_of({"a": [{"k": "x"}, {"b": {"k": "y"}}], "k": 3}, ["k"]))
    [('k', 'x'), ('k', 'y')]
    """
    wanted = frozenset(keys)
    stack = [data] if type(data) in (dict, list) else []
    pop = stack.pop
    while stack:
        item = pop()
        if type(item) is dict:
            children = []
            for key, value in item.items():
                if type(value) is str:
                    if key in wanted:
                        yield key, value
                elif type(value) is dict or type(value) is list:
                    children.append(value)
        else:
            children = [value for value in item if type(value) is dict or type(value) is list]
        stack.extend(reversed(children))
