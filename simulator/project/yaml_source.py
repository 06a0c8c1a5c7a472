"""A position-tracking YAML reader built on PyYAML's composed node tree.

``yaml.compose`` keeps a start mark on every node; this module walks the nodes,
builds the plain JSON-like value and records, for every JSON pointer, where the
value starts (a block mapping starts at its first key, a flow one at its ``{``).

Decisions, so that a YAML file means exactly what the same JSON file would:

* Keys are the text as written (``on:`` is the key ``"on"``, ``1:`` is ``"1"``),
  never YAML 1.1's booleans or numbers; a repeated key is a syntax error.
* Plain values follow YAML 1.2's core schema: ``true``/``false`` are the only booleans
  (``NO``, ``yes`` and ``off`` are text) and numbers are decimal (``21:00``, ``012``
  and ``0x1F`` are text); see ``_Loader``.
* Timestamps stay strings (``until: 2026-05-01T09:00:00Z`` is the text, exactly as
  in JSON); values other than JSON's (``!!binary``, ``!!set``, ``.nan``, ``.inf``) are
  refused.
* One document per file; anchors, aliases and ``<<`` merge keys work, but an alias
  that contains itself is refused, and so is an alias expansion to more values than
  the text could hold without aliases (two characters per value, at least 100,000):
  a "billion laughs" file fails fast instead of eating the memory.

>>> parsed = parse_yaml("steps:\\n  - id: a\\n    next: b\\n")
>>> parsed.value
{'steps': [{'id': 'a', 'next': 'b'}]}
>>> parsed.positions["/steps/0"], parsed.positions["/steps/0/next"]
((2, 5), (3, 11))

``load_yaml`` is the same reading without the position map (the loader asks for
positions only for a document that has findings); both compose with libyaml's C
parser when PyYAML has it (``CSafeLoader``).
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import yaml

from simulator.project.positions import (
    ParsedSource,
    Position,
    SourceSyntaxError,
    child_pointer,
    line_starts,
)

__all__ = ["load_yaml", "parse_yaml"]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP, _SEQ, _MERGE = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge"
_MAX_DEPTH = 200
_MIN_VALUE_BUDGET = 100_000


_BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float"))
_REPLACED = frozenset({_TIMESTAMP, _BOOL, _INT, _FLOAT})
_CORE_SCALARS = (
    (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), "-+0123456789"),
    (
        _FLOAT,
        re.compile(
            r"^(?:[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        "-+0123456789.",
    ),
)


def _core_resolvers() -> dict[str, list]:
    resolvers: dict[str, list] = {
        first: [(tag, regexp) for tag, regexp in entries if tag not in _REPLACED]
        for first, entries in _BaseLoader.yaml_implicit_resolvers.items()
    }
    for tag, regexp, firsts in _CORE_SCALARS:
        for first in firsts:
            resolvers.setdefault(first, []).append((tag, regexp))
    return resolvers


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader with YAML 1.2's core plain scalars instead of YAML 1.1's.

    Booleans are ``true`` and ``false`` only (YAML 1.2's core schema): ``country: NO``
    is the text ``"NO"``, not false, and ``yes``, ``on``, ``off`` stay text too.
    Numbers are YAML 1.2's decimal ones (JSON's, plus ``+5``, ``.5`` and ``1.``):
    ``012`` (1.1's octal 10), ``0x1F``, ``1_000`` and the sexagesimal ``21:00`` (1.1
    reads it as 1260) stay text, so ``start: 21:00`` is the time as written.
    ``.inf`` and ``.nan`` still resolve, to be refused by name. Timestamps stay text.
    """

    yaml_implicit_resolvers: ClassVar[dict] = _core_resolvers()


def parse_yaml(text: str) -> ParsedSource:
    """Parse one YAML document; ``SourceSyntaxError`` (with line and column) if it is not."""
    return _read(text, record=True)


def load_yaml(text: str) -> Any:
    """The value ``parse_yaml(text)`` gives (or its ``SourceSyntaxError``), without positions."""
    return _read(text, record=False).value


def _read(text: str, *, record: bool) -> ParsedSource:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SourceSyntaxError("the file is empty; expected a YAML mapping", 1, 1)
        walker = _Walker(loader, budget=max(_MIN_VALUE_BUDGET, 2 * len(text)), record=record)
        value = walker.value(node, "", 0)
        return ParsedSource(value, walker.positions, walker.key_positions)
    except yaml.MarkedYAMLError as exc:
        raise _located(exc) from None
    except yaml.reader.ReaderError as exc:
        starts = line_starts(text)
        line = max(i for i, start in enumerate(starts) if start <= exc.position)
        message = f"unacceptable character #x{exc.character:04x} (control characters are refused)"
        raise SourceSyntaxError(message, line + 1, exc.position - starts[line] + 1) from None
    except yaml.YAMLError as exc:
        raise SourceSyntaxError(str(exc), 1, 1) from None
    except RecursionError:
        raise SourceSyntaxError("the document is nested too deeply", 1, 1) from None
    finally:
        loader.dispose()


def _located(exc: yaml.MarkedYAMLError) -> SourceSyntaxError:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem and exc.problem.startswith("but "):
        message = f"{exc.context}, {exc.problem}"  # "expected a single document ..., but found"
    elif exc.context and exc.problem and exc.context_mark is not None:
        where = f"line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message = f"{message} ({exc.context} that starts at {where})"
    if mark is None:
        return SourceSyntaxError(message, 1, 1)
    return SourceSyntaxError(message, mark.line + 1, mark.column + 1)


def _start(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _fail(node: yaml.Node, message: str) -> SourceSyntaxError:
    return SourceSyntaxError(message, *_start(node))


class _Walker:
    def __init__(self, loader: Any, budget: int, *, record: bool = True) -> None:
        self.loader = loader
        self.budget = budget
        self.record = record
        self.positions: dict[str, Position] = {}
        self.key_positions: dict[str, Position] = {}
        self.open: set[int] = set()
        self.count = 0

    def value(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        if self.record:
            self.positions[pointer] = _start(node)
        self.count += 1
        if self.count > self.budget:
            raise _fail(node, f"aliases expand to more than {self.budget} values")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if depth >= _MAX_DEPTH:
            raise _fail(node, f"nesting deeper than {_MAX_DEPTH} levels")
        if id(node) in self.open:
            raise _fail(node, "an alias refers to a node that contains it")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return [
                    self.value(item, self.child(pointer, i), depth + 1)
                    for i, item in enumerate(node.value)
                ]
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
                return self.mapping(node, pointer, depth)
            raise _fail(node, f"the YAML type {node.tag} has no JSON equivalent")
        finally:
            self.open.discard(id(node))

    def mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        seen: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.key(key_node)
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise _fail(key_node, f"duplicate key {key!r} (first defined on line {first})")
            seen[key] = key_node
        self.loader.flatten_mapping(node)  # resolves ``<<`` merges; own keys come last
        final = {self.key(key_node): (key_node, value_node) for key_node, value_node in node.value}
        return {
            key: self.member(key_node, value_node, self.child(pointer, key), depth + 1)
            for key, (key_node, value_node) in final.items()
        }

    def member(self, key_node: yaml.Node, value_node: yaml.Node, pointer: str, depth: int) -> Any:
        if self.record:
            self.key_positions[pointer] = _start(key_node)
        return self.value(value_node, pointer, depth)

    def child(self, pointer: str, key: str | int) -> str:
        return child_pointer(pointer, key) if self.record else pointer

    def key(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise _fail(node, "a mapping key must be a plain string")
        return node.value

    def scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            value = self.loader.construct_object(node)
        except ValueError:  # more digits than Python converts (4,300), as JSON says it
            if node.tag != _INT:
                raise
            raise _fail(node, "integer has too many digits") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise _fail(node, f"{node.value!r} is not a JSON number (JSON has no NaN or infinity)")
        if value is None or isinstance(value, str | bool | int | float):
            return value
        raise _fail(node, f"the YAML type {node.tag} has no JSON equivalent")
