"""An ASGI guard in front of the API: request body size and JSON nesting limits.

The body is read (up to the limit) before any route runs, so an oversized request is
``413 payload_too_large`` whatever its route, and JSON nested deeper than the limit is
``400 nesting_too_deep`` before a recursive parser or validator could overflow the
stack. Both answer with the error envelope.
"""

from __future__ import annotations

import json
import sys

from simulator.api.errors import NestingTooDeep, PayloadTooLarge, envelope
from simulator.errors import JourneySimError

__all__ = ["BodyGuard", "json_depth"]


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays and objects in a JSON text; 0 for a scalar or for text
    that is not JSON (the route reports that), a huge number past the parser's own
    recursion limit. Linear: the C parser, then an explicit stack.

    >>> json_depth(b'{"a": [1, {"b": "[[[["}]}')
    3
    >>> json_depth(b"42"), json_depth(b"not json")
    (0, 0)
    """
    try:
        document = json.loads(body)
    except RecursionError:
        return sys.maxsize
    except ValueError:
        return 0
    deepest = 0
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


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
            await self._refuse(send, self._too_large())
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
                await self._refuse(send, self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and json_depth(body) > self.max_depth:
            error = NestingTooDeep(
                f"the JSON body is nested deeper than {self.max_depth} levels",
                details=[{"limit": self.max_depth}],
            )
            await self._refuse(send, error)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"the request body is larger than {self.max_bytes} bytes",
            details=[{"limit": self.max_bytes}],
        )

    async def _refuse(self, send, error: JourneySimError) -> None:
        payload = json.dumps(envelope(error)).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": error.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


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
