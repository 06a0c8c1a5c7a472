"""ASGI layers in front of the API: body limits, repeated keys, unreadable text, and HEAD.

:class:`BodyGuard` reads the body (up to the limit) before any route runs, so an
oversized request is ``413 payload_too_large`` whatever its route, JSON nested deeper
than the limit is ``400 nesting_too_deep`` before a recursive parser or validator
could overflow the stack, and an object with a repeated key is
``400 invalid_document``, the code ``journeysim validate`` gives a file with one
(``json`` would keep the last value and silently drop the first). All answer with
the error envelope.

A body the API cannot read as JSON is ``400 invalid_json`` with one detail at the
place it goes wrong: ``line``/``column`` (from 1; a column counts characters, as an
editor does) and ``position``, always an integer, the offset in *bytes* into the body
as sent. :func:`body_error` finds it, for these cases:

* text that is not in its encoding (UTF-8, or UTF-16/32 as ``json`` detects them):
  at the first bad byte;
* a JSON syntax error: where the parser stopped;
* an integer of more digits than Python converts (4,300 by default; ``json`` gives up
  with no position): at the number, "integer has too many digits" as the CLI says;
* half a surrogate pair, as a ``\\u`` escape (``"\\ud800"`` alone) or as bytes
  (``ED A0 80``, not UTF-8 but let through by ``json``): refused, at the string or the
  byte, as the project loader refuses it. It names no character, so the value could
  never be stored or answered as UTF-8; a whole pair (``"\\ud83d\\ude00"``) is one.

When the parser fails, the error is left in the scope (:data:`BODY_ERROR`) for the
route that reads the body to answer with, so a route that takes no body still ignores
one, as before. Half a surrogate pair is something the parser accepts: it is refused
on every route, as a repeated key is. The code is ``invalid_json`` in every case, as
it was before these were located (the body cannot be read as the JSON it is meant to
be); the CLI's ``invalid_document`` stays the repeated key's alone.

:class:`HeadAsGet` answers ``HEAD`` wherever ``GET`` works (RFC 9110 §9.3.2): the GET
response's status and headers, ``Content-Length`` included, without its body.

:class:`SaveAfterWrites` (``serve --state``) saves the served state, through
:class:`~simulator.backend.statefile.StateKeeper`, before a writing request's response
starts.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import cookie_parser

from simulator.backend.errors import (
    DuplicateKey,
    InvalidJson,
    NestingTooDeep,
    PayloadTooLarge,
    StoreUnavailable,
    envelope,
    problem,
)
from simulator.backend.statefile import StateKeeper
from simulator.engine.detectors import scrub_id
from simulator.errors import JourneySimError
from simulator.project.positions import child_pointer, line_starts

__all__ = [
    "BODY_ERROR",
    "BodyGuard",
    "HeadAsGet",
    "SaveAfterWrites",
    "body_error",
    "json_depth",
    "repeated_key",
    "send_error",
    "session_cookies",
]

log = logging.getLogger("journeysim.api")

HEAD_REWRITTEN = "journeysim.head"
"""Scope key set on a ``HEAD`` request that is served as ``GET``."""

BODY_ERROR = "journeysim.body_error"
"""Scope key: the located ``invalid_json`` of a body the JSON parser refuses, for the
route that reads the body to answer with."""


_NOT_JSON = object()


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays and objects in a JSON text; 0 for a scalar or for text
    that is not JSON (the route reports that), a huge number past the parser's own
    recursion limit. Linear: the C parser, then an explicit stack.

    >>> json_depth(b'{"a": [1, {"b": "[[[["}]}')
    3
    >>> json_depth(b"42"), json_depth(b"not json")
    (0, 0)
    """
    return _depth(_parse(body)[0])


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
    return _repeated_key_error(body, _parse(body)[1])


def _parse(body: bytes) -> tuple[Any, tuple[str, str] | None]:
    """``(document, (pointer, key) of the first repeated key)``; the document is
    ``_NOT_JSON`` for text that is not JSON and ``RecursionError`` for nesting past the
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
        return _NOT_JSON, None
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


def _depth(document: Any) -> int:
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


def body_error(body: bytes, document: Any = _NOT_JSON) -> InvalidJson | None:
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
    if document is _NOT_JSON:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            located = where(exc.pos)
            return InvalidJson(
                f"the request body is not valid JSON: {exc.msg} {located.words}",
                details=[problem("", exc.msg, "json_invalid", **located.extra)],
            )
        except RecursionError:
            return None
        except ValueError:  # the only other one: int() of too many digits
            return _too_many_digits(text, where)
        return None
    return _lone_surrogate(text, where) if _SURROGATE_ESCAPE.search(text) else None


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


def _repeated_key_error(body: bytes, repeated: tuple[str, str] | None) -> DuplicateKey | None:
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


class BodyGuard:
    def __init__(self, app, *, max_bytes: int, max_depth: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await send_error(send, self._too_large())
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await send_error(send, self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        document, repeated = _parse(body) if body else (_NOT_JSON, None)
        if document is _NOT_JSON:
            if body:  # for the route to answer with, if it reads the body
                scope = {**scope, BODY_ERROR: body_error(body)}
            await self.app(scope, _replay(body, receive), send)
            return
        if _depth(document) > self.max_depth:
            message = f"the JSON body is nested deeper than {self.max_depth} levels"
            error = NestingTooDeep(
                message, details=[problem("", message, "nesting_too_deep", limit=self.max_depth)]
            )
            await send_error(send, error)
            return
        refused = _repeated_key_error(body, repeated) or body_error(body, document)
        if refused is not None:
            await send_error(send, refused)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> PayloadTooLarge:
        message = f"the request body is larger than {self.max_bytes} bytes"
        return PayloadTooLarge(
            message, details=[problem("", message, "payload_too_large", limit=self.max_bytes)]
        )


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive):
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class HeadAsGet:
    """Serve ``HEAD`` as ``GET`` without the body; the server sees the original method."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET", HEAD_REWRITTEN: True}, receive, headers_only)


def session_cookies(cookie_headers: Sequence[str]) -> list[str]:
    """Every ``session`` cookie, from every ``Cookie`` header (a framework's cookie
    mapping keeps the last one only, which would let a second cookie pick the member).

    >>> session_cookies(["session=a; theme=dark", "session=b"])
    ['a', 'b']
    """
    found = []
    for header in cookie_headers:
        for chunk in header.split(";"):
            found.extend(value for name, value in cookie_parser(chunk).items() if name == "session")
    return found


class SaveAfterWrites:
    """ASGI wrapper: after a request that may write (any method but GET, HEAD and
    OPTIONS), save the state *before* the response starts, so that a write the client
    saw acknowledged is on disk even if the process is killed right after.

    A save that fails is logged and answered as ``503 store_unavailable``: the write
    happened in memory, but the client must not take it as kept."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, app, keeper: StateKeeper) -> None:
        self.app = app
        self.keeper = keeper

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in self.SAFE:
            await self.app(scope, receive, send)
            return
        from anyio import to_thread

        failed = False

        async def saving(message) -> None:
            nonlocal failed
            if message["type"] == "http.response.start":
                try:
                    await to_thread.run_sync(self.keeper.save)
                except OSError as exc:
                    failed = True
                    log.error("cannot save the state to %s: %s", self.keeper.path, exc)
                    await send_error(
                        send,
                        StoreUnavailable(f"the state could not be saved: {exc.strerror}"),
                        close=False,
                    )
                    return
            if not failed:
                await send(message)

        await self.app(scope, receive, saving)


async def send_error(send, error: JourneySimError, *, close: bool = True) -> None:
    """Answer with ``error``'s status and envelope, before (instead of) any route's."""
    payload = json.dumps(envelope(error)).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
