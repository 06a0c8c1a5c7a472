"""JSON pointers (RFC 6901): building them, and ordering findings by them."""

from __future__ import annotations

__all__ = ["escape", "join", "path_key"]


def escape(token: object) -> str:
    """One pointer token, with ``~`` and ``/`` escaped.

    >>> escape("a/b~c")
    'a~1b~0c'
    """
    return str(token).replace("~", "~0").replace("/", "~1")


def join(base: str, *tokens: object) -> str:
    """``base`` extended by ``tokens``.

    >>> join("/steps/3", "rules", 0, "next")
    '/steps/3/rules/0/next'
    >>> join("", "audienceId")
    '/audienceId'
    """
    return base + "".join("/" + escape(token) for token in tokens)


def path_key(path: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts ``/steps/2`` before ``/steps/10`` (document order).

    >>> sorted(["/steps/10", "/steps/2/next", "", "/steps/2"], key=path_key)
    ['', '/steps/2', '/steps/2/next', '/steps/10']
    """
    if not path:
        return ()
    return tuple(
        (0, int(token), "") if token.isascii() and token.isdigit() else (1, 0, token)
        for token in path[1:].split("/")
    )
