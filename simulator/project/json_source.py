"""A position-tracking JSON parser (the stdlib ``json`` module keeps no positions).

A compact recursive-descent parser over the text: it builds the same value as
``json.loads`` and records, for every JSON pointer, the offset at which that
value's text starts; the offsets are turned into 1-based line/column pairs in one
linear pass at the end. Strings are decoded by the stdlib's C ``scanstring``, so
escapes behave exactly as in ``json``.

Stricter than ``json.loads`` on purpose, because a journey file is authored by
hand and a silent surprise is worse than an error:

* a repeated key in one object is a syntax error (``json`` keeps the last one and
  silently drops the first, which loses data);
* ``NaN``, ``Infinity`` and trailing commas are refused (they are not JSON), and so is a
  number too large for a double (``1e999``: Python would read infinity, which drives
  decisions but is written out as ``null``);
* nesting deeper than 200 levels is refused (no real document comes close);
* a ``\\u`` escape of half a surrogate pair (``"\\ud800"`` alone) is refused: it names
  no character, so no UTF-8 output (a report, a bundle) could carry it.

>>> parsed = parse_json('{"steps": [\\n  {"id": "a"}\\n]}')
>>> parsed.value
{'steps': [{'id': 'a'}]}
>>> parsed.positions["/steps/0/id"]
(2, 10)

``load_json`` gives the same value, or the same ``SourceSyntaxError``, at the speed of
the stdlib's C parser: it parses with ``json.loads`` (a hook refuses repeated keys,
another ``NaN`` and ``Infinity``), checks the depth and ``\\u`` surrogate escapes the C
parser lets through, and hands anything it refuses to ``parse_json`` for the exact
message and position. Positions are not computed: the loader asks ``parse_json`` for
them only for a document that has findings.

>>> load_json('{"steps": [{"id": "a"}]}')
{'steps': [{'id': 'a'}]}
>>> load_json('{"a": 1, "a": 2}')
Traceback (most recent call last):
...
simulator.project.positions.SourceSyntaxError: 1:10: duplicate key 'a' (first defined on line 1)
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from json.decoder import scanstring
from typing import Any

from simulator.project.positions import (
    ParsedSource,
    Position,
    SourceSyntaxError,
    child_pointer,
    line_starts,
    offsets_to_positions,
)

__all__ = ["MAX_DEPTH", "infinite_number", "load_json", "parse_json", "within_depth"]

MAX_DEPTH = 200
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_NUMBER_TAIL = re.compile(r"[0-9A-Za-z.+-]")
_DANGLING_AT = re.compile(r"\s+(?:starting )?at$")
_LITERALS = (("true", True), ("false", False), ("null", None))
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _Refused(Exception):
    """What ``json.loads`` accepts and ``parse_json`` does not (found by the hooks)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Refused
    return value


def _constant(name: str) -> Any:
    raise _Refused


def infinite_number(literal: str) -> str:
    """What is wrong with a number literal too large to be finite (``1e999``), the same
    words for files, ``--attr`` values and API bodies.

    >>> infinite_number("1e999")
    '1e999 is too large: it would be infinite, and numbers must be finite'
    """
    shown = literal if len(literal) <= 20 else f"{literal[:12]}…({len(literal)} characters)"
    return f"{shown} is too large: it would be infinite, and numbers must be finite"


def _finite(literal: str) -> float:
    number = float(literal)
    if math.isinf(number):  # 1e999: Python reads infinity, which JSON cannot write back
        raise _Refused
    return number


def load_json(text: str) -> Any:
    """The value ``parse_json(text)`` gives, without positions, parsed in C; the same
    ``SourceSyntaxError`` for text that is not a document ``parse_json`` accepts."""
    try:
        value = json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_finite
        )
    except (_Refused, ValueError, RecursionError):
        return parse_json(text).value  # raises the located error (or agrees, rarely)
    if _SURROGATE_ESCAPE.search(text) or not within_depth(value, text):
        return parse_json(text).value
    return value


def within_depth(value: Any, text: str) -> bool:
    """Whether no container is nested more than ``MAX_DEPTH`` deep (the root is depth 1)."""
    if type(value) not in (dict, list) or text.count("{") + text.count("[") <= MAX_DEPTH:
        return True  # a scalar, or too few brackets to nest deeper
    stack = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        item, depth = pop()
        if depth > MAX_DEPTH:
            return False
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                push((child, depth + 1))
    return True


class _Failure(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def parse_json(text: str) -> ParsedSource:
    """Parse one JSON document; ``SourceSyntaxError`` (with line and column) if it is not."""
    parser = _Parser(text)
    try:
        value = parser.document()
    except _Failure as failure:
        line, column = parser.position(failure.offset)
        raise SourceSyntaxError(failure.message, line, column) from None
    except RecursionError:
        raise SourceSyntaxError("the document is nested too deeply", 1, 1) from None
    starts = line_starts(text)
    return ParsedSource(
        value=value,
        positions=_located(text, parser.offsets, starts),
        key_positions=_located(text, parser.key_offsets, starts),
    )


def _located(text: str, offsets: dict[str, int], starts: list[int]) -> dict[str, Position]:
    located = offsets_to_positions(text, offsets.values(), starts)
    return dict(zip(offsets, located, strict=True))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets: dict[str, int] = {}
        self.key_offsets: dict[str, int] = {}
        """Pointer of an object member → where its key starts."""

    def position(self, offset: int) -> tuple[int, int]:
        starts = line_starts(self.text)
        line = bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def skip(self, index: int) -> int:
        return _WHITESPACE.match(self.text, index).end()

    def document(self) -> Any:
        index = self.skip(0)
        if index == len(self.text):
            raise _Failure("the file is empty; expected a JSON object", index)
        value, index = self.value(index, "", 0)
        index = self.skip(index)
        if index != len(self.text):
            raise _Failure("unexpected text after the end of the document", index)
        return value

    def value(self, index: int, pointer: str, depth: int) -> tuple[Any, int]:
        self.offsets[pointer] = index
        char = self.text[index : index + 1]
        if char == "{":
            return self.object(index, pointer, depth + 1)
        if char == "[":
            return self.array(index, pointer, depth + 1)
        if char == '"':
            return self.string(index)
        if char and char in "-0123456789":
            return self.number(index)
        for word, literal in _LITERALS:
            if self.text.startswith(word, index):
                return literal, index + len(word)
        if not char:
            raise _Failure("unexpected end of file; expected a value", index)
        raise _Failure(f"expected a value, found {char!r}", index)

    def object(self, index: int, pointer: str, depth: int) -> tuple[dict, int]:
        self.check_depth(index, depth)
        result: dict[str, Any] = {}
        key_offsets: dict[str, int] = {}
        index = self.skip(index + 1)
        if self.text.startswith("}", index):
            return result, index + 1
        while True:
            if not self.text.startswith('"', index):
                raise _Failure("expected a key in double quotes", index)
            key, after = self.string(index)
            if key in key_offsets:
                first = self.position(key_offsets[key])[0]
                raise _Failure(f"duplicate key {key!r} (first defined on line {first})", index)
            key_offsets[key] = index
            index = self.skip(after)
            if not self.text.startswith(":", index):
                raise _Failure(f"expected ':' after the key {key!r}", index)
            index = self.skip(index + 1)
            member = child_pointer(pointer, key)
            self.key_offsets[member] = key_offsets[key]
            result[key], index = self.value(index, member, depth)
            index, done = self.after_item(index, "}", "an object member")
            if done:
                return result, index

    def array(self, index: int, pointer: str, depth: int) -> tuple[list, int]:
        self.check_depth(index, depth)
        result: list[Any] = []
        index = self.skip(index + 1)
        if self.text.startswith("]", index):
            return result, index + 1
        while True:
            item, index = self.value(index, child_pointer(pointer, len(result)), depth)
            result.append(item)
            index, done = self.after_item(index, "]", "an array item")
            if done:
                return result, index

    def after_item(self, index: int, closer: str, what: str) -> tuple[int, bool]:
        """Where the next item starts (after a comma), or ``(after closer, True)``."""
        index = self.skip(index)
        char = self.text[index : index + 1]
        if char == closer:
            return index + 1, True
        if char != ",":
            raise _Failure(f"expected ',' or '{closer}' after {what}", index)
        index = self.skip(index + 1)
        if self.text.startswith(closer, index):
            raise _Failure(f"trailing comma before '{closer}' is not allowed in JSON", index)
        return index, False

    def string(self, index: int) -> tuple[str, int]:
        try:
            value, end = scanstring(self.text, index + 1, True)
        except json.JSONDecodeError as exc:
            message = _DANGLING_AT.sub("", exc.msg[0].lower() + exc.msg[1:])
            where = "" if "string" in message else " in a string"
            raise _Failure(f"{message}{where}", exc.pos) from None
        lone = _LONE_SURROGATE.search(value)  # a valid pair was decoded to one character
        if lone is not None:
            escape = f"\\u{ord(lone.group()):04x}"
            message = f"the string holds {escape}, half of a surrogate pair, which is no character"
            raise _Failure(message, index)
        return value, end

    def number(self, index: int) -> tuple[int | float, int]:
        match = _NUMBER.match(self.text, index)
        end = match.end() if match else index
        if not match or end == index or _NUMBER_TAIL.match(self.text, end):
            raise _Failure("invalid number", index)
        literal = match.group()
        if match.group(1) or match.group(2):
            number = float(literal)
            if math.isinf(number):
                raise _Failure(infinite_number(literal), index)
            return number, end
        try:
            return int(literal), end
        except ValueError:  # more digits than Python converts by default
            raise _Failure("integer has too many digits", index) from None

    def check_depth(self, index: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _Failure(f"nesting deeper than {MAX_DEPTH} levels", index)
