"""Writing Jinja2 source: literal text, tags, string literals, subscripts.

Small pieces the template translator assembles its output from; each is careful that
nothing taken from a Pinpoint template can open a Jinja2 tag or break out of a literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from importers.pinpoint.handlebars import Pos

__all__ = ["Unsupported", "access", "literal", "string", "tag", "text"]


class Unsupported(Exception):
    """A construct with no journeysim equivalent, at a template position."""

    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(message)
        self.message, self.pos = message, pos


def text(value: str) -> str:
    """Literal text, with every ``{`` that could open a Jinja2 tag printed instead.

    >>> text("a {{b}} {% c")
    "a {{ '{' }}{b}} {{ '{' }}% c"
    """
    return re.sub(r"\{(?=[{%#]|$)", "{{ '{' }}", value)


def tag(opening: str, code: str, closing: str, strip: tuple[bool, bool]) -> str:
    """A Jinja2 tag with ``-`` whitespace control where Handlebars had ``~``.

    >>> tag("{{", "x", "}}", (True, False))
    '{{- x }}'
    """
    left, right = ("-" if strip[0] else ""), ("-" if strip[1] else "")
    return f"{opening}{left} {code} {right}{closing}"


def string(value: str) -> str:
    """A Jinja2 string literal (Python's ``repr`` reads back the same in Jinja2).

    >>> print(string("it's"))
    "it's"
    """
    return repr(value)


def literal(value: Any) -> str:
    """A Handlebars literal (string, number, boolean, null) as Jinja2 code."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    return string(value) if isinstance(value, str) else repr(value)


def access(segments: Iterable[str]) -> str:
    """Subscripts for the rest of a path: ``["City"][2]``.

    >>> access(["City", "2"])
    "['City'][2]"
    """
    return "".join(f"[{s}]" if s.isdigit() else f"[{string(s)}]" for s in segments)
