"""Source positions: JSON pointers, 1-based line/column pairs and syntax problems.

Both source parsers (JSON and YAML) return a :class:`ParsedSource`: the plain
value plus a position map from every JSON pointer in it to where that value's
text starts. The loader uses the map to turn a finding's pointer into
``file:line:column``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.validation.pointers import join

__all__ = [
    "ParsedSource",
    "Position",
    "SourceSyntaxError",
    "child_pointer",
    "line_starts",
    "locate",
    "lookup",
    "offsets_to_positions",
    "parent_pointer",
]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

Position = tuple[int, int]
"""A 1-based ``(line, column)``; columns count characters (code points)."""


class SourceSyntaxError(ValueError):
    """The text is not one well-formed document; carries where it went wrong."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class ParsedSource:
    value: Any
    """The document as plain JSON data (dicts, lists, str, int, float, bool, None)."""
    positions: Mapping[str, Position]
    """JSON pointer → where the value starts (``""`` is the root, at 1:1)."""
    key_positions: Mapping[str, Position] = field(default_factory=dict)
    """JSON pointer of an object member → where its key starts (an unknown field is
    reported there: the key is what is wrong, not its value)."""

    def where(self, pointer: str, *, at_key: bool = False) -> Position:
        """Where ``pointer`` starts (its key's start with ``at_key``): see :func:`locate`."""
        return locate(self.positions, pointer, self.key_positions if at_key else None)


def child_pointer(pointer: str, key: str | int) -> str:
    """The pointer of ``key`` under ``pointer`` (RFC 6901 escaping).

    >>> child_pointer("/steps", 3)
    '/steps/3'
    >>> child_pointer("", "a/b~c")
    '/a~1b~0c'
    """
    return join(pointer, key)


def parent_pointer(pointer: str) -> str:
    """The enclosing pointer (the root is its own parent).

    >>> parent_pointer("/steps/3/next")
    '/steps/3'
    >>> parent_pointer("")
    ''
    """
    return pointer.rpartition("/")[0]


def lookup(positions: Mapping[str, Position], pointer: str) -> Position:
    """Where ``pointer`` starts; for a pointer that is not in the document (a missing
    field), where its nearest existing ancestor starts; 1:1 as a last resort.

    >>> lookup({"": (1, 1), "/steps": (2, 12)}, "/steps/0/next")
    (2, 12)
    """
    while True:
        found = positions.get(pointer)
        if found is not None:
            return found
        if not pointer:
            return (1, 1)
        pointer = parent_pointer(pointer)


def locate(
    positions: Mapping[str, Position],
    pointer: str,
    key_positions: Mapping[str, Position] | None = None,
) -> Position:
    """Where ``pointer``'s key starts when ``key_positions`` has it (pass them for a
    finding about the key itself, an unknown field); otherwise :func:`lookup`.

    >>> locate({"": (1, 1), "/typo": (2, 12)}, "/typo", {"/typo": (2, 3)})
    (2, 3)
    >>> locate({"": (1, 1), "/typo": (2, 12)}, "/typo")
    (2, 12)
    """
    found = key_positions.get(pointer) if key_positions else None
    return found if found is not None else lookup(positions, pointer)


def line_starts(text: str) -> list[int]:
    """Offsets at which lines start; ``\\n``, ``\\r\\n`` and a lone ``\\r`` end a line.

    >>> line_starts("a\\nb\\r\\nc\\rd")
    [0, 2, 5, 7]
    """
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def offsets_to_positions(
    text: str, offsets: Iterable[int], starts: list[int] | None = None
) -> Iterator[Position]:
    """Convert ascending character offsets to 1-based positions in one linear pass
    (``starts``: the text's ``line_starts``, when the caller has them already).

    >>> list(offsets_to_positions("ab\\ncd", [0, 1, 3, 4]))
    [(1, 1), (1, 2), (2, 1), (2, 2)]
    """
    starts = starts if starts is not None else line_starts(text)
    line = 0
    for offset in offsets:
        if offset < starts[line]:  # not ascending: restart the scan (never in practice)
            line = 0
        while line + 1 < len(starts) and starts[line + 1] <= offset:
            line += 1
        yield (line + 1, offset - starts[line] + 1)
