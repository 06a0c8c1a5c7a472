"""ASGI layers in front of the API: body limits, repeated keys, unreadable text, and HEAD.

:class:`BodyGuard` reads the body (up to the limit) before any route runs, so an
oversized request is ``413 payload_too_large`` whatever its route, JSON nested deeper
than the limit is ``400 nesting_too_deep`` before a recursive parser or validator
could overflow the stack, and an object with a repeated key is
``400 invalid_document``, the code ``journeysim validate`` gives a file with one
(``json`` would keep the last value and silently drop the first), and a request that
declares a ``Content-Encoding`` (``gzip``, ``br``, ...) is
``415 unsupported_content_encoding`` before its body is read: bodies are not
decompressed (a small gzip body can inflate past any limit), and one read as sent would
be taken for JSON, or for text that is not UTF-8. All answer with the error envelope.

A body the API cannot read as JSON, or that holds what JSON data cannot carry, is
``400 invalid_json`` at its place (:mod:`simulator.backend.body` says which cases and
how they are located).

:class:`HeadAsGet` answers ``HEAD`` wherever ``GET`` works (RFC 9110 §9.3.2): the GET
response's status and headers, ``Content-Length`` included, without its body.

:class:`SaveAfterWrites` (``serve --state``) saves the served state, through
:class:`~simulator.backend.statefile.StateKeeper`, before a writing request's response
starts, runs writing requests one at a time (once each has sent its whole body), and
undoes a write whose save failed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from starlette.requests import cookie_parser

from simulator.backend.body import (
    NOT_JSON,
    body_error,
    depth_of,
    parse_body,
    repeated_key_error,
)
from simulator.backend.errors import (
    NestingTooDeep,
    PayloadTooLarge,
    StoreUnavailable,
    UnsupportedContentEncoding,
    envelope,
    problem,
)
from simulator.backend.settings import ApiSettings
from simulator.backend.statefile import StateKeeper
from simulator.errors import JourneySimError

__all__ = [
    "BODY_ERROR",
    "BodyGuard",
    "ClientGone",
    "HeadAsGet",
    "SaveAfterWrites",
    "body_or_answer",
    "read_body",
    "send_error",
    "session_cookies",
]

log = logging.getLogger("journeysim.api")

_MAX_BODY_BYTES = ApiSettings.max_body_bytes

HEAD_REWRITTEN = "journeysim.head"
"""Scope key set on a ``HEAD`` request that is served as ``GET``."""

BODY_ERROR = "journeysim.body_error"
"""Scope key: the located ``invalid_json`` of a body the JSON parser refuses, for the
route that reads the body to answer with."""


class BodyGuard:
    def __init__(self, app, *, max_bytes: int, max_depth: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        encoded = _content_encoding_error(scope)
        if encoded is not None:
            await send_error(send, encoded, extra=[(b"accept-encoding", b"identity")])
            return
        body = await body_or_answer(scope, receive, send, self.max_bytes)
        if body is None:
            return
        document, repeated = parse_body(body) if body else (NOT_JSON, None)
        if document is NOT_JSON:
            if body:  # for the route to answer with, if it reads the body
                scope = {**scope, BODY_ERROR: body_error(body)}
            await self.app(scope, _replay(body, receive), send)
            return
        if depth_of(document) > self.max_depth:
            message = f"the JSON body is nested deeper than {self.max_depth} levels"
            error = NestingTooDeep(
                message, details=[problem("", message, "nesting_too_deep", limit=self.max_depth)]
            )
            await send_error(send, error)
            return
        refused = repeated_key_error(body, repeated) or body_error(body, document)
        if refused is not None:
            await send_error(send, refused)
            return
        await self.app(scope, _replay(body, receive), send)


class ClientGone(Exception):
    """The client went away before its request's body was all sent."""


async def read_body(scope, receive, max_bytes: int) -> bytes:
    """The whole request body, read from ``receive``; :class:`PayloadTooLarge` as soon
    as it is declared or sent larger than ``max_bytes`` (nothing more is read), and
    :class:`ClientGone` when the client leaves first."""
    declared = _content_length(scope)
    if declared is not None and declared > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


async def body_or_answer(scope, receive, send, max_bytes: int) -> bytes | None:
    """:func:`read_body`, or ``None`` once the request is settled without its route:
    answered ``413`` when too large, or left alone when the client went away."""
    try:
        return await read_body(scope, receive, max_bytes)
    except PayloadTooLarge as error:
        await send_error(send, error)
    except ClientGone:
        pass
    return None


def _too_large(max_bytes: int) -> PayloadTooLarge:
    message = f"the request body is larger than {max_bytes} bytes"
    return PayloadTooLarge(
        message, details=[problem("", message, "payload_too_large", limit=max_bytes)]
    )


def _content_encoding_error(scope) -> UnsupportedContentEncoding | None:
    """The refusal of a request whose ``Content-Encoding`` headers name a coding other
    than ``identity``; ``None`` for one without."""
    codings = [
        coding.strip().lower()
        for name, value in scope.get("headers", [])
        if name == b"content-encoding"
        for coding in value.decode("latin-1").split(",")
    ]
    unsupported = [coding for coding in codings if coding not in ("", "identity")]
    if not unsupported:
        return None
    shown = ", ".join(unsupported)
    message = (
        f"Content-Encoding {shown} is not supported: send the request body uncompressed "
        "(no Content-Encoding, or identity)"
    )
    return UnsupportedContentEncoding(
        message,
        details=[
            problem(
                "/content-encoding",
                message,
                str(UnsupportedContentEncoding.code),
                where="header",
            )
        ],
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

    **A save that fails undoes the write.** It is logged and answered as ``503
    store_unavailable``, and the store is put back to the last state saved
    (:meth:`~simulator.backend.statefile.StateKeeper.rollback`): the client was told
    the write was not kept, and it is not, in memory either, so no later save carries
    it to disk.

    **A rollback that failed is retried before the next write.** Should the rollback
    fail too, that is logged, the answer stays 503, and the keeper owes the rollback
    (:attr:`~simulator.backend.statefile.StateKeeper.owes_rollback`): memory may still
    hold the refused write, and the next good save would write it. So each write
    first retries it (under the lock); while it keeps failing, writes are answered
    ``503 store_unavailable`` without running. Reads go on, and may see the refused
    write until the rollback is done.

    **Writes run one at a time.** A rollback undoes every write since the last good
    save, so a writing request holds a lock while its route runs and until its save
    (or its rollback) is done: the rollback then undoes exactly the write that was
    refused, never another client's that was or will be answered as kept. Saves ran
    one after another already (each dumps every table) and moto serves one request at
    a time (``MOTO_LOCK``), so this costs little more. Reads do not take the lock and
    go on beside a write, and may see a write that is then undone, as they may see one
    before its save. Before the first write, a state that was never saved or restored
    is saved (the state a rollback goes back to); if that fails, the write is answered
    503 without running.

    **The lock is not held while bytes travel.** uvicorn has no timeout for a body
    still being sent, so a lock taken before the body was read let one client that
    sent half a body stall every write. The body is read whole first (a request with
    none has read its one empty message), up to ``max_bytes`` (give it ``BodyGuard``'s
    limit: past it the answer is the same ``413 payload_too_large`` and no lock is
    taken), then the lock is taken and the route runs on the body as read. The lock
    is let go once the save at the response's start is done, so a client slow to read
    its answer holds no one up either; nothing writes after that (the routes run no
    background tasks), and what would is not saved by this request anyway."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, app, keeper: StateKeeper, *, max_bytes: int = _MAX_BODY_BYTES) -> None:
        from anyio import Semaphore

        self.app = app
        self.keeper = keeper
        self.max_bytes = max_bytes
        # A semaphore, not a Lock: it is let go from the response's send, which a
        # streaming response may call from another task than the one that took it.
        self._writes = Semaphore(1)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in self.SAFE:
            await self.app(scope, receive, send)
            return
        body = await body_or_answer(scope, receive, send, self.max_bytes)
        if body is None:
            return
        await self._writes.acquire()
        held = True

        def let_go() -> None:
            nonlocal held
            if held:
                held = False
                self._writes.release()

        try:
            if self.keeper.owes_rollback and not await self._settled(send):
                return
            if self.keeper.kept is None and not await self._saved(send):
                return
            await self._write(scope, _replay(body, receive), send, let_go)
        finally:
            let_go()

    async def _write(self, scope, receive, send, let_go) -> None:
        failed = False

        async def saving(message) -> None:
            nonlocal failed
            if message["type"] == "http.response.start":
                failed = not await self._saved(send, undo=True)
                let_go()
                if failed:
                    return
            if not failed:
                await send(message)

        await self.app(scope, receive, saving)

    async def _settled(self, send) -> bool:
        """Retry the rollback the keeper owes; on failure answer ``503`` and say
        ``False``."""
        from anyio import to_thread

        try:
            await to_thread.run_sync(self.keeper.settle)
            return True
        except Exception:  # the log says why; the client, that it may try again
            log.exception("cannot put the state back to its last save (retried)")
        error = StoreUnavailable(
            "a refused write could not be undone yet, and no write runs until it is; "
            "try again later"
        )
        await send_error(send, error, close=False)
        return False

    async def _saved(self, send, *, undo: bool = False) -> bool:
        """Save the state; on failure answer ``503`` (after putting the store back to the
        last saved state when ``undo``) and say ``False``."""
        from anyio import to_thread

        try:
            await to_thread.run_sync(self.keeper.save)
            return True
        except OSError as exc:
            log.error("cannot save the state to %s: %s", self.keeper.path, exc)
            reason = exc.strerror or str(exc)
        if undo:
            try:
                await to_thread.run_sync(self.keeper.rollback)
            except Exception:  # still 503; the keeper owes the rollback, retried first
                log.exception("cannot put the state back to its last save")
        await send_error(
            send, StoreUnavailable(f"the state could not be saved: {reason}"), close=False
        )
        return False


async def send_error(
    send, error: JourneySimError, *, close: bool = True, extra: Sequence = ()
) -> None:
    """Answer with ``error``'s status and envelope (and the ``extra`` headers, name and
    value bytes), before (instead of) any route's."""
    # written as the routes' JSONResponse writes it: compact, UTF-8
    payload = json.dumps(envelope(error), separators=(",", ":"), ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *extra,
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
