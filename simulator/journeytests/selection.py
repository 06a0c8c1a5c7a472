"""``-k EXPRESSION``: choose cases by name, the way pytest's ``-k`` does.

An expression is words joined with ``and``, ``or``, ``not`` and parentheses; a word
matches a case when it occurs, ignoring case, in the case's id (``file::case name``).
Pure; ``UsageError`` for an expression that does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from simulator.errors import UsageError

__all__ = ["compile_selection"]

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def compile_selection(expression: str) -> Callable[[str], bool]:
    """A predicate over case ids.

    >>> keep = compile_selection("trial and not timeout")
    >>> keep("t.yaml::trial sales intro"), keep("t.yaml::trial timeout")
    (True, False)
    >>> compile_selection("(A or b) and c")("x::a c")
    True
    """
    tokens = _TOKEN.findall(expression)
    if not tokens:
        return lambda _: True
    parser = _Parser(tokens, expression)
    predicate = parser.either()
    if parser.position != len(tokens):
        parser.fail(f"unexpected {tokens[parser.position]!r}")
    return predicate


class _Parser:
    def __init__(self, tokens: list[str], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.position = 0

    def fail(self, why: str) -> None:
        raise UsageError(f"-k {self.text!r}: {why}", location="-k")

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            self.fail("the expression ends too early")
        self.position += 1
        return token  # type: ignore[return-value]

    def either(self) -> Callable[[str], bool]:
        left = self.both()
        while self.peek() == "or":
            self.take()
            right, first = self.both(), left
            left = lambda name, a=first, b=right: a(name) or b(name)  # noqa: E731
        return left

    def both(self) -> Callable[[str], bool]:
        left = self.negated()
        while self.peek() == "and":
            self.take()
            right, first = self.negated(), left
            left = lambda name, a=first, b=right: a(name) and b(name)  # noqa: E731
        return left

    def negated(self) -> Callable[[str], bool]:
        if self.peek() == "not":
            self.take()
            inner = self.negated()
            return lambda name: not inner(name)
        token = self.take()
        if token == "(":
            inner = self.either()
            if self.take() != ")":
                self.fail("a '(' is not closed")
            return inner
        if token in (")", "and", "or"):
            self.fail(f"unexpected {token!r}")
        word = token.lower()
        return lambda name: word in name.lower()
