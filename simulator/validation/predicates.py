"""Checks on predicate trees (segments and conditional branch rules).

pydantic accepts any ``value`` on an ``attribute`` leaf and any list in ``all`` /
``any``; whether the operand fits the operator is checked here, as
``invalid_predicate`` at the offending field:

* ``in`` / ``not_in`` need a list;
* ``gt`` / ``gte`` / ``lt`` / ``lte`` need a finite number or a string;
* ``eq`` / ``neq`` / ``contains`` need a value (``null`` counts as none: test
  presence with ``exists``); ``starts_with`` needs a string;
* ``exists`` / ``not_exists`` take no value;
* ``all`` / ``any`` need at least one predicate in ``of``.

``in_segment`` leaves naming a segment the world lacks are ``unknown_segment``.
The walk is iterative, so arbitrarily deep garbage cannot exhaust the stack.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from simulator.codes import FindingCode
from simulator.suggestions import absent
from simulator.validation.report import Report
from simulator.validation.wire import is_object

__all__ = ["check_predicate", "segment_references", "walk_predicate"]

_NUMBER_OPS = frozenset({"gt", "gte", "lt", "lte"})
_LIST_OPS = frozenset({"in", "not_in"})
_VALUE_OPS = frozenset({"eq", "neq", "contains"})
_NO_VALUE_OPS = frozenset({"exists", "not_exists"})


def walk_predicate(predicate: Any, pointer: str) -> Iterator[tuple[Mapping, str]]:
    """Every predicate object in the tree with its pointer, in document order.

    >>> leaf = {"kind": "in_segment", "segmentId": "s"}
    >>> tree = {"kind": "all", "of": [{"kind": "not", "of": leaf}]}
    >>> [p for _, p in walk_predicate(tree, "/predicate")]
    ['/predicate', '/predicate/of/0', '/predicate/of/0/of']
    """
    stack = [(predicate, pointer)]
    while stack:
        node, path = stack.pop()
        if not is_object(node):
            continue
        yield node, path
        kind, of = node.get("kind"), node.get("of")
        if kind in ("all", "any") and isinstance(of, list):
            stack.extend((child, f"{path}/of/{k}") for k, child in reversed(list(enumerate(of))))
        elif kind == "not":
            stack.append((of, f"{path}/of"))
        elif kind in ("event_fired", "event_not_fired"):
            stack.append((node.get("where"), f"{path}/where"))


def segment_references(predicate: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """``(segmentId, pointer to the segmentId field)`` for each ``in_segment`` leaf."""
    for node, path in walk_predicate(predicate, pointer):
        segment_id = node.get("segmentId")
        if node.get("kind") == "in_segment" and isinstance(segment_id, str):
            yield segment_id, f"{path}/segmentId"


def check_predicate(
    predicate: Any,
    pointer: str,
    report: Report,
    *,
    where: str,
    segments: Collection[str] | None,
    invalid_segments: Mapping[str, str] | None = None,
    step_id: str | None = None,
) -> None:
    """Report ``invalid_predicate`` and ``unknown_segment`` findings for a predicate tree.

    ``where`` names the owner in messages (``step 'b1', rules[0].when``); pass
    ``segments=None`` to skip the cross-document ``unknown_segment`` check;
    ``invalid_segments`` maps ids of segments whose files did not validate to the file.
    """
    for node, path in walk_predicate(predicate, pointer):
        kind = node.get("kind")
        if kind == "attribute":
            _check_attribute(node, path, report, where, step_id)
        elif kind in ("all", "any") and node.get("of") == []:
            message = f"{where}: an {kind!r} predicate needs at least one predicate in 'of'"
            report.add(FindingCode.INVALID_PREDICATE, message, f"{path}/of", step_id)
        elif kind == "in_segment" and segments is not None:
            segment_id = node.get("segmentId")
            if isinstance(segment_id, str) and segment_id not in segments:
                message = f"{where}: in_segment refers to segment {segment_id!r}" + absent(
                    segment_id, segments, invalid_segments or {}
                )
                report.add(FindingCode.UNKNOWN_SEGMENT, message, f"{path}/segmentId", step_id)


def _check_attribute(
    node: Mapping, path: str, report: Report, where: str, step_id: str | None
) -> None:
    op, name = node.get("op"), node.get("name")
    if not isinstance(op, str):
        return
    problem = _operand_problem(op, node)
    if problem is None:
        return
    subject = f"attribute {name!r}" if isinstance(name, str) else "attribute"
    target = f"{path}/value" if "value" in node else path
    message = f"{where}: {subject} with op {op!r} {problem}"
    report.add(FindingCode.INVALID_PREDICATE, message, target, step_id)


def _operand_problem(op: str, node: Mapping) -> str | None:
    value = node.get("value")
    if op in _NO_VALUE_OPS:
        return None if value is None else f"takes no value (got {_show(value)})"
    if value is None:
        if op in _VALUE_OPS | _LIST_OPS | _NUMBER_OPS or op == "starts_with":
            hint = "; use 'exists' / 'not_exists' to test presence" if op in ("eq", "neq") else ""
            return f"needs a value{hint}"
        return None
    if op in _LIST_OPS and not isinstance(value, list):
        return f"needs a list value, got {_show(value)}"
    if op in _NUMBER_OPS and not _is_comparable(value):
        return f"needs a number or a string, got {_show(value)}"
    if op == "starts_with" and not isinstance(value, str):
        return f"needs a string, got {_show(value)}"
    return None


def _is_comparable(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int | str)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
