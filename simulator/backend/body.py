"""Reading a request body as JSON: what the API refuses before any route runs, located.

A body the API cannot read as JSON is ``400 invalid_json`` with one detail at the
place it goes wrong: ``line``/``column`` (from 1; a column counts characters, as an
editor does) and ``position``, always an integer, the offset in *bytes* into the body
as sent. :func:`body_error` finds it, for these cases:

* text that is not in its encoding (UTF-8, or UTF-16/32 as ``json`` detects them):
  at the first bad byte;
* a JSON syntax error: where the parser stopped;
* an integer of more digits than Python converts (4,300 by default; ``json`` gives up
  with no position): at the number, "integer has too many digits" as the CLI says;
* ``NaN``, ``Infinity`` and a number too large to be finite (``1e400``): refused, at
  the number. They are not JSON (``json`` reads them anyway), no value of the API is
  one, and the answer would carry them as ``null``: a value silently changed;
* half a surrogate pair, as a ``\\u`` escape (``"\\ud800"`` alone) or as bytes
  (``ED A0 80``, not UTF-8 but let through by ``json``): refused, at the string or the
  byte, as the project loader refuses it. It names no character, so the value could
  never be stored or answered as UTF-8; a whole pair (``"\\ud83d\\ude00"``) is one.

When the parser fails, :class:`~simulator.api.middleware.BodyGuard` leaves the error
in the scope (``BODY_ERROR``) for the route that reads the body to answer with, so a
route that takes no body still ignores one, as before. Half a surrogate pair and a
number that is not finite are things the parser accepts: they are refused on every
route, as a repeated key is. The code is ``invalid_json`` in every case, as it was
before these were located (the body cannot be read as the JSON it is meant to be);
the CLI's ``invalid_document`` stays the repeated key's alone.
"""

from __future__ import annotations

import json
import math
import re
import sys
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from simulator.backend.errors import DuplicateKey, InvalidJson, problem
from simulator.engine.detectors import scrub_id
from simulator.project.json_source import infinite_number
from simulator.project.positions import child_pointer, line_starts

__all__ = [
    "NOT_JSON",
    "body_error",
    "depth_of",
    "json_depth",
    "parse_body",
    "repeated_key",
    "repeated_key_error",
]

NOT_JSON = object()
"""What :func:`parse_body` gives for a body that is not JSON."""


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays and objects in a JSON text; 0 for a scalar or for text
    that is not JSON (the route reports that), a huge number past the parser's own
    recursion limit. Linear: the C parser, then an explicit stack.

    >>> json_depth(b'{"a": [1, {"b": "[[[["}]}')
    3
    >>> json_depth(b"42"), json_depth(b"not json")
    (0, 0)
    """
    return depth_of(parse_body(body)[0])


def repeated_key(body: bytes) -> DuplicateKey | None:
    """The error for the first object key a JSON text repeats, else ``None`` (also for
    text that is not JSON: the route reports that). The location comes from the
    project loader's parser, so it reads as ``journeysim validate`` would say it.

    >>> error = repeated_key(b'{"name": "a", "steps": [], "name": "b"}')
    >>> str(error.code), error.details[0]["key"], error.details[0]["column"]
    ('invalid_document', 'name', 28)
    >>> repeated_key(b'{"a": {"b": 1}, "b": 1}') is None
    True
    """
    return repeated_key_error(body, parse_body(body)[1])


def parse_body(body: bytes) -> tuple[Any, tuple[str, str] | None]:
    """``(document, (pointer, key) of the first repeated key)``; the document is
    ``NOT_JSON`` for text that is not JSON and ``RecursionError`` for nesting past the
    parser's limit. The pointer names the repeated key (``/steps/0/name``)."""
    repeated: list[tuple[dict[str, Any], str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        document = dict(items)
        if len(document) != len(items) and not repeated:
            keys = [key for key, _ in items]
            repeated.append((document, next(k for i, k in enumerate(keys) if k in keys[:i])))
        return document

    try:
        document = json.loads(body, object_pairs_hook=pairs)
    except RecursionError:
        return RecursionError, None
    except ValueError:
        return NOT_JSON, None
    if not repeated:
        return document, None
    holder, key = repeated[0]
    return document, (_pointer_to(document, holder) + "/" + _escape(key), key)


def _pointer_to(document: Any, target: dict[str, Any]) -> str:
    """The JSON pointer of ``target`` (by identity) inside ``document``."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, pointer = stack.pop()
        if node is target:
            return pointer
        if isinstance(node, dict):
            stack.extend((child, f"{pointer}/{_escape(k)}") for k, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, f"{pointer}/{i}") for i, child in enumerate(node))
    return ""


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def depth_of(document: Any) -> int:
    if document is RecursionError:
        return sys.maxsize
    deepest = 0
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_STRING_OR_NUMBER = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?')
_TOO_LONG = object()
_NOT_FINITE = object()
_MAYBE_NOT_FINITE = re.compile(r"NaN|Infinity|[0-9][eE]\+?[0-9]{3}|[0-9]{309}")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|NaN|-?Infinity|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?')


def body_error(body: bytes, document: Any = NOT_JSON) -> InvalidJson | None:
    """The located ``400 invalid_json`` for a body the API cannot read as JSON (see the
    module docstring), else ``None`` (also for nesting past the parser's limit: that is
    ``nesting_too_deep``). ``document`` is the body as ``json.loads`` read it, if it did.

    >>> body_error(b'{"name": "Ren\\xe9"}').message
    'the request body is not UTF-8: invalid continuation byte 0xe9 at line 1, column 14'
    >>> detail = body_error('{"name": "Zoë",}'.encode()).details[0]
    >>> detail["message"], detail["column"], detail["position"]  # ë is two bytes
    ('Expecting property name enclosed in double quotes', 16, 16)
    >>> body_error(b'{"n": ' + b"9" * 5000 + b"}").details[0]["message"]
    'integer has too many digits (more than 4300)'
    >>> body_error(b'{"a": "\\\\ud83d\\\\ude00"}') is None
    True
    """
    codec, skip = _codec(body)
    try:
        text = body[skip:].decode(codec)
    except UnicodeDecodeError as exc:
        return _not_in_encoding(body, codec, skip + exc.start, exc.reason)
    where = _Locator(text, codec, skip)
    if document is NOT_JSON:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            located = where(exc.pos)
            # "Unterminated string starting at" + " at line 1" would say "at at"
            reason = exc.msg.removesuffix(" at")
            return InvalidJson(
                f"the request body is not valid JSON: {reason} {located.words}",
                details=[problem("", reason, "json_invalid", **located.extra)],
            )
        except RecursionError:
            return None
        except ValueError:  # the only other one: int() of too many digits
            return _too_many_digits(text, where)
        return None
    refused = _lone_surrogate(text, where) if _SURROGATE_ESCAPE.search(text) else None
    if refused is None and _MAYBE_NOT_FINITE.search(text):
        refused = _not_finite(text, where)
    return refused


def _codec(body: bytes) -> tuple[str, int]:
    """The codec ``json`` reads ``body`` with, and how many bytes of a UTF-8 byte order
    mark to skip (the ``utf-8-sig`` codec counts its error offsets after it)."""
    codec = json.detect_encoding(body)
    return ("utf-8", 3) if codec == "utf-8-sig" else (codec, 0)


class _Located:
    def __init__(self, line: int, column: int, position: int) -> None:
        self.extra = {"line": line, "column": column, "position": position}
        self.words = f"at line {line}, column {column}"


class _Locator:
    """Character offsets of the decoded text → line, column and byte offset."""

    def __init__(self, text: str, codec: str, skip: int) -> None:
        self.text, self.codec, self.skip = text, codec, skip

    def __call__(self, offset: int) -> _Located:
        line, column = _line_column(self.text, offset)
        return _Located(line, column, self.skip + len(self.text[:offset].encode(self.codec)))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    starts = line_starts(text)
    line = bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def _not_in_encoding(body: bytes, codec: str, position: int, reason: str) -> InvalidJson:
    name = codec.upper()[:6].rstrip("-")  # utf-16-le → UTF-16
    before = body[:position].decode(codec, errors="replace").removeprefix("\ufeff")
    line, column = _line_column(before, len(before))
    message = f"the body is not {name}: {reason} 0x{body[position]:02x}"
    return InvalidJson(
        f"the request {message.removeprefix('the ')} at line {line}, column {column}",
        details=[
            problem("", message, "invalid_encoding", line=line, column=column, position=position)
        ],
    )


def _too_many_digits(text: str, where: _Locator) -> InvalidJson:
    limit = sys.get_int_max_str_digits()
    message = f"integer has too many digits (more than {limit})"
    token = next(
        (
            match
            for match in _STRING_OR_NUMBER.finditer(text)
            if match.group().lstrip("-").isdigit() and len(match.group().lstrip("-")) > limit
        ),
        None,
    )
    located = where(token.start() if token else 0)
    pointer = _first_pointer(text, lambda value: value is _TOO_LONG, parse_int=_int_or_too_long)
    return InvalidJson(
        f"the request body cannot be read: {message} {located.words}",
        details=[problem(pointer, message, "too_many_digits", limit=limit, **located.extra)],
    )


def _int_or_too_long(digits: str) -> Any:
    try:
        return int(digits)
    except ValueError:
        return _TOO_LONG


def _lone_surrogate(text: str, where: _Locator) -> InvalidJson | None:
    for token in _STRING.finditer(text):
        if not _SURROGATE_ESCAPE.search(token.group()):
            continue
        lone = _LONE_SURROGATE.search(json.loads(token.group()))
        if lone is None:
            continue  # a valid pair is one character
        message = f"the string holds \\u{ord(lone.group()):04x}, half of a surrogate pair, "
        message += "which is no character"
        located = where(token.start())
        pointer = _first_pointer(text, _holds_lone_surrogate)
        return InvalidJson(
            f"the request body cannot be read: {message}, {located.words}",
            details=[problem(pointer, message, "lone_surrogate", **located.extra)],
        )
    return None


def _not_finite(text: str, where: _Locator) -> InvalidJson | None:
    """The error for the first ``NaN``, ``Infinity`` or number too large to be finite
    outside a string, else ``None`` (the prefilter matched inside a string only)."""
    for token in _TOKEN.finditer(text):
        written = token.group()
        if written.startswith('"'):
            continue
        if written.lstrip("-").isalpha() or not _finite(written):
            break
    else:
        return None
    if written.lstrip("-").isalpha():
        message = f"{written} is not JSON: numbers must be finite"
    else:
        message = infinite_number(written)
    located = where(token.start())
    pointer = _first_pointer(
        text,
        lambda value: value is _NOT_FINITE,
        parse_constant=lambda _: _NOT_FINITE,
        parse_float=_float_or_not_finite,
    )
    return InvalidJson(
        f"the request body cannot be read: {message} {located.words}",
        details=[problem(pointer, message, "not_finite", **located.extra)],
    )


def _finite(number: str) -> bool:
    is_float = any(mark in number for mark in ".eE")
    return not is_float or math.isfinite(float(number))


def _float_or_not_finite(number: str) -> Any:
    value = float(number)
    return value if math.isfinite(value) else _NOT_FINITE


def _holds_lone_surrogate(value: Any) -> bool:
    return isinstance(value, str) and _LONE_SURROGATE.search(value) is not None


class _Members(list):
    """An object's ``(key, value)`` pairs as written, repeats included."""


def _first_pointer(text: str, wanted: Callable[[Any], bool], **hooks: Any) -> str:
    """The JSON pointer (masked as ids are) of the first key or scalar value of ``text``,
    in document order, that ``wanted`` is true of; ``""`` if none. A key is named by
    its member's pointer."""
    try:
        document = json.loads(text, object_pairs_hook=_Members, **hooks)
    except (ValueError, RecursionError):
        return ""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, _Members):
            for key, value in reversed(node):
                child = child_pointer(pointer, key)
                stack.extend(((child, value), (child, key)))  # the key is met first
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{i}", child) for i, child in reversed(list(enumerate(node))))
        elif wanted(node):
            return "/".join(_LONE_SURROGATE.sub("\ufffd", scrub_id(t)) for t in pointer.split("/"))
    return ""


def repeated_key_error(body: bytes, repeated: tuple[str, str] | None) -> DuplicateKey | None:
    if repeated is None:
        return None
    from simulator.project.json_source import parse_json
    from simulator.project.positions import SourceSyntaxError

    pointer, key = repeated
    message = f"duplicate key {key!r}"
    where: dict[str, int] = {}
    try:
        parse_json(body.decode(json.detect_encoding(body)))
    except SourceSyntaxError as exc:
        if "duplicate key" in exc.message:
            message = f"{exc.message} at line {exc.line}, column {exc.column}"
            where = {"line": exc.line, "column": exc.column}
    except (UnicodeDecodeError, RecursionError):
        pass  # the C parser's verdict stands; only the position is missing
    # A key may be an e-mail address or a phone number: masked as ids are.
    shown = "/".join(scrub_id(token) for token in pointer.split("/"))
    if scrub_id(key) != key:  # the parser's message quotes the key
        message = message.replace(key, scrub_id(key))
    return DuplicateKey(
        f"the request body is not a valid document: {message}",
        details=[problem(shown, "duplicate key", "duplicate_key", key=scrub_id(key), **where)],
    )
