"""A Handlebars tokenizer and parser (our own; no Handlebars library), for Pinpoint templates.

:func:`parse` turns template text into a small tree: text, outputs (``{{x}}``,
``{{{x}}}``, ``{{helper a b k=v}}``), blocks (``{{#if}}...{{else}}...{{/if}}``,
``{{^x}}``, ``{{else if}}`` chains), partials (``{{> name}}``), inline partials
(``{{#* inline "n"}}``) and raw blocks. Comments disappear. Standalone block tags
take their line with them, as in Handlebars. Every node carries the 1-based line
and column of its ``{{``. Malformed input raises :class:`HandlebarsSyntaxError`
with a position; nothing else is ever raised.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Union

__all__ = [
    "Block",
    "Call",
    "Expr",
    "HandlebarsSyntaxError",
    "Literal",
    "Node",
    "Output",
    "Partial",
    "PathExpr",
    "Pos",
    "Text",
    "parse",
]

MAX_DEPTH = 60
"""Blocks and subexpressions nest at most this deep (keeps everything iterative-safe)."""


@dataclass(frozen=True, slots=True)
class Pos:
    line: int
    column: int


class HandlebarsSyntaxError(ValueError):
    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(f"{message} (line {pos.line}, column {pos.column})")
        self.message, self.pos = message, pos


@dataclass(frozen=True, slots=True)
class PathExpr:
    """``User.UserAttributes.[Last Name].[0]``, ``this.x``, ``../x``, ``@index``."""

    segments: tuple[str, ...]
    original: str
    pos: Pos
    data: bool = False
    depth: int = 0
    this: bool = False


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | int | float | bool | None
    original: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Call:
    """A helper invocation: ``name param... key=value...`` (also a ``(subexpression)``)."""

    name: str
    params: tuple[Expr, ...]
    hash: tuple[tuple[str, Expr], ...]
    pos: Pos
    head: PathExpr | None = None


Expr = Union[PathExpr, Literal, Call]  # noqa: UP007 - a runtime alias used in isinstance


@dataclass(slots=True)
class Text:
    value: str


@dataclass(slots=True)
class Output:
    expr: Expr
    escaped: bool
    strip: tuple[bool, bool]
    pos: Pos
    source: str


@dataclass(slots=True)
class Partial:
    name: str
    strip: tuple[bool, bool]
    pos: Pos
    source: str


@dataclass(slots=True)
class Block:
    call: Call
    pos: Pos
    source: str
    strip_open: tuple[bool, bool]
    block_params: tuple[str, ...] = ()
    inverted: bool = False
    inline: bool = False
    program: list[Node] = field(default_factory=list)
    inverse: list[Node] | None = None
    strip_else: tuple[bool, bool] = (False, False)
    strip_close: tuple[bool, bool] = (False, False)
    close_source: str = ""
    chained: bool = False


Node = Union[Text, Output, Partial, Block]  # noqa: UP007


@dataclass(slots=True)
class _Tag:
    kind: str  # output | unescaped | open | inverse_open | inline | close | else | partial
    body: str
    body_at: int
    strip: tuple[bool, bool]
    at: int
    source: str


class _Lines:
    def __init__(self, source: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", source)]

    def pos(self, index: int) -> Pos:
        line = bisect.bisect_right(self.starts, index)
        return Pos(line, index - self.starts[line - 1] + 1)


def parse(source: str) -> list[Node]:
    """The node tree of a Handlebars template.

    >>> [type(n).__name__ for n in parse("Hi {{name}}{{#if x}}!{{/if}}")]
    ['Text', 'Output', 'Block']
    >>> try:
    ...     parse("{{#if x}}")
    ... except HandlebarsSyntaxError as exc:
    ...     print(exc)
    {{#if}} is never closed (line 1, column 1)
    """
    lines = _Lines(source)
    items = _lex(source, lines)
    _strip_standalone(items, source)
    return _Builder(lines).build(items)


# --- lexer ----------------------------------------------------------------------------


def _lex(source: str, lines: _Lines) -> list[str | _Tag]:
    items: list[str | _Tag] = []
    text: list[str] = []
    i = 0
    while True:
        j = source.find("{{", i)
        if j < 0:
            text.append(source[i:])
            break
        if j > 0 and source[j - 1] == "\\" and not (j > 1 and source[j - 2] == "\\"):
            end = source.find("}}", j + 2)
            stop = len(source) if end < 0 else end + 2
            text.append(source[i : j - 1] + source[j:stop])
            i = stop
            continue
        text.append(source[i : j - 1] if j > 1 and source[j - 2 : j] == "\\\\" else source[i:j])
        if "".join(text):
            items.append("".join(text))
        text = []
        i = _lex_tag(source, j, items, lines)
    if "".join(text):
        items.append("".join(text))
    return items


def _lex_tag(source: str, at: int, items: list[str | _Tag], lines: _Lines) -> int:
    if source.startswith("{{{{", at):
        return _lex_raw(source, at, items, lines)
    triple = source.startswith("{{{", at)
    start = at + (3 if triple else 2)
    strip_left = source.startswith("~", start)
    start += strip_left
    if not triple and source.startswith("!", start):
        closing = _COMMENT_END_DASHES if source.startswith("!--", start) else _COMMENT_END
        end = closing.search(source, start)
        if end is None:
            raise HandlebarsSyntaxError("unclosed comment", lines.pos(at))
        strip = (strip_left, end.group(1) == "~")
        items.append(_Tag("comment", "", start, strip, at, source[at : end.end()]))
        return end.end()
    closer = "}}}" if triple else "}}"
    end = _find_close(source, start, closer)
    if end < 0:
        raise HandlebarsSyntaxError(f"unclosed '{source[at : at + len(closer)]}'", lines.pos(at))
    stop = end + len(closer)
    strip_right = end > start and source[end - 1] == "~"
    body_end = end - strip_right
    kind, body_at = _kind(source, start, body_end, triple)
    tag = _Tag(kind, source[body_at:body_end], body_at, (strip_left, strip_right), at, "")
    tag.source = source[at:stop]
    items.append(tag)
    return stop


def _kind(source: str, start: int, end: int, triple: bool) -> tuple[str, int]:
    if triple:
        return "unescaped", start
    body = source[start:end].strip()
    lead = source[start:end].lstrip()
    offset = start + len(source[start:end]) - len(lead)
    if body == "else" or body == "^" or re.match(r"else\s", body):
        return "else", offset + (4 if body.startswith("else") else 1)
    for prefix, kind in (("#*", "inline"), ("#>", "partial_block"), ("#", "open")):
        if lead.startswith(prefix):
            return kind, offset + len(prefix)
    symbol = {"/": "close", "^": "inverse_open", ">": "partial", "&": "unescaped"}.get(lead[:1])
    return (symbol, offset + 1) if symbol else ("output", start)


def _find_close(source: str, start: int, closer: str) -> int:
    i, quote, bracket = start, "", False
    while i < len(source):
        ch = source[i]
        if quote:
            quote = "" if ch == quote else quote
        elif bracket:
            bracket = ch != "]"
        elif source.startswith(closer, i):
            return i
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            bracket = True
        i += 1
    return -1


def _lex_raw(source: str, at: int, items: list[str | _Tag], lines: _Lines) -> int:
    end = source.find("}}}}", at)
    name = source[at + 4 : end].strip() if end >= 0 else ""
    closing = f"{{{{{{{{/{name}}}}}}}}}"
    stop = source.find(closing, end + 4) if end >= 0 and name else -1
    if stop < 0:
        raise HandlebarsSyntaxError("unclosed raw block", lines.pos(at))
    items.append(source[end + 4 : stop])
    return stop + len(closing)


_COMMENT_END = re.compile(r"(~?)\}\}")
_COMMENT_END_DASHES = re.compile(r"--(~?)\}\}")
_STANDALONE = frozenset({"open", "inverse_open", "inline", "close", "else", "comment", "partial"})


def _strip_standalone(items: list[str | _Tag], source: str) -> None:
    """Remove the line of a block tag that stands alone on it, as Handlebars does."""
    for k, item in enumerate(items):
        if not isinstance(item, _Tag) or item.kind not in _STANDALONE:
            continue
        line_start = source.rfind("\n", 0, item.at) + 1
        rest = _LINE_REST.match(source, item.at + len(item.source))
        if source[line_start : item.at].strip(" \t") or rest is None:
            continue
        if k > 0 and isinstance(items[k - 1], str):
            items[k - 1] = items[k - 1].rstrip(" \t")  # type: ignore[union-attr]
        after = items[k + 1] if k + 1 < len(items) else None
        if isinstance(after, str) and (head := _LINE_REST.match(after)):
            items[k + 1] = after[head.end() :]


_LINE_REST = re.compile(r"[ \t]*(?:\r?\n|$)")


# --- parser ---------------------------------------------------------------------------

_ID = r"""[^\s!"#%-,./;->@\[-\^`{-~]+"""
_SEGMENT = rf"(?:\[[^\]]*\]|{_ID})"
_TOKEN = re.compile(
    r"(?P<ws>\s+)"
    r"""|(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
    r"|(?P<open>\()|(?P<close>\))"
    r"|(?P<params>as\s+\|(?P<names>[^|]*)\|)"
    rf"|(?P<key>{_ID})="
    r"|(?P<number>-?\d+(?:\.\d+)?)(?=[\s)]|$)"
    rf"|(?P<path>@?(?:\.\./)*(?:\./)?(?:{_SEGMENT}|\.)(?:[./]{_SEGMENT})*)"
)
_KEYWORDS = {"true": True, "false": False, "null": None, "undefined": None}


class _Builder:
    def __init__(self, lines: _Lines) -> None:
        self.lines = lines

    def build(self, items: list[str | _Tag]) -> list[Node]:
        root: list[Node] = []
        stack: list[Block] = []
        for item in items:
            target = self._target(stack, root)
            if isinstance(item, str):
                target.append(Text(item))
            elif item.kind in ("open", "inverse_open", "inline", "partial_block"):
                if len(stack) >= MAX_DEPTH:
                    raise HandlebarsSyntaxError("blocks nest too deeply", self.lines.pos(item.at))
                stack.append(self._open(item))
            elif item.kind == "else":
                self._else(item, stack)
            elif item.kind == "close":
                self._close(item, stack, root)
            elif item.kind == "partial":
                name = (item.body.split() or [""])[0]
                target.append(Partial(name, item.strip, self.lines.pos(item.at), item.source))
            elif item.kind in ("output", "unescaped"):
                expr = self._expression(item)
                pos = self.lines.pos(item.at)
                target.append(Output(expr, item.kind == "output", item.strip, pos, item.source))
        if stack:
            opened = next(b for b in reversed(stack) if not b.chained)
            raise HandlebarsSyntaxError(f"{{{{#{opened.call.name}}}}} is never closed", opened.pos)
        return root

    @staticmethod
    def _target(stack: list[Block], root: list[Node]) -> list[Node]:
        if not stack:
            return root
        top = stack[-1]
        return top.program if top.inverse is None else top.inverse

    def _open(self, tag: _Tag) -> Block:
        call, params = self._call(tag.body, tag.body_at)
        block = Block(call, self.lines.pos(tag.at), tag.source, tag.strip, block_params=params)
        block.inverted = tag.kind == "inverse_open"
        block.inline = tag.kind == "inline"
        return block

    def _else(self, tag: _Tag, stack: list[Block]) -> None:
        pos = self.lines.pos(tag.at)
        if not stack or stack[-1].inverse is not None:
            where = "outside a block" if not stack else "a second time in the same block"
            raise HandlebarsSyntaxError(f"{{{{else}}}} {where}", pos)
        top = stack[-1]
        top.inverse, top.strip_else = [], tag.strip
        if tag.body.strip():
            chained = self._open(tag)
            chained.chained = True
            stack.append(chained)

    def _close(self, tag: _Tag, stack: list[Block], root: list[Node]) -> None:
        name, pos = tag.body.strip(), self.lines.pos(tag.at)
        while stack and stack[-1].chained:
            done = stack.pop()
            done.strip_close, done.close_source = tag.strip, tag.source
            stack[-1].inverse.append(done)  # type: ignore[union-attr]
        if not stack:
            raise HandlebarsSyntaxError(f"{{{{/{name}}}}} closes no open block", pos)
        block = stack.pop()
        if name != block.call.name:
            opened = f"{{{{#{block.call.name}}}}} opened at line {block.pos.line}"
            raise HandlebarsSyntaxError(f"{{{{/{name}}}}} does not close {opened}", pos)
        block.strip_close, block.close_source = tag.strip, tag.source
        self._target(stack, root).append(block)

    def _expression(self, tag: _Tag) -> Expr:
        tokens = self._tokens(tag.body, tag.body_at)
        if not tokens:
            raise HandlebarsSyntaxError("empty expression", self.lines.pos(tag.at))
        head, k = self._operand(tokens, 0, 0)
        if k == len(tokens):
            return head
        call, _, k = self._rest(head, tokens, k, 0)
        self._expect_end(tokens, k)
        return call

    def _call(self, body: str, at: int) -> tuple[Call, tuple[str, ...]]:
        tokens = self._tokens(body, at)
        if not tokens or tokens[0][0] != "path":
            raise HandlebarsSyntaxError("a block needs a helper name", self.lines.pos(at))
        head, k = self._operand(tokens, 0, 0)
        call, block_params, k = self._rest(head, tokens, k, 0)
        self._expect_end(tokens, k)
        return call, block_params

    def _expect_end(self, tokens: list, k: int) -> None:
        if k < len(tokens):
            raise HandlebarsSyntaxError(
                f"unexpected {tokens[k][1]!r}", self.lines.pos(tokens[k][2])
            )

    def _rest(
        self, head: Expr, tokens: list, k: int, depth: int
    ) -> tuple[Call, tuple[str, ...], int]:
        """Parameters, hash pairs and block params after a helper name, up to ``)`` or the end."""
        if not isinstance(head, PathExpr):
            raise HandlebarsSyntaxError("a helper name must be a name", head.pos)
        params: list[Expr] = []
        pairs: list[tuple[str, Expr]] = []
        block_params: tuple[str, ...] = ()
        while k < len(tokens) and tokens[k][0] != "close":
            kind, value = tokens[k][0], tokens[k][1]
            if kind == "params":
                block_params, k = tuple(value.split()), k + 1
            elif kind == "key":
                operand, k = self._operand(tokens, k + 1, depth)
                pairs.append((value, operand))
            else:
                operand, k = self._operand(tokens, k, depth)
                params.append(operand)
        return Call(head.original, tuple(params), tuple(pairs), head.pos, head), block_params, k

    def _operand(self, tokens: list, k: int, depth: int) -> tuple[Expr, int]:
        if k >= len(tokens):
            at = tokens[-1][2] if tokens else 0
            raise HandlebarsSyntaxError("an expression ends too early", self.lines.pos(at))
        kind, value, at = tokens[k]
        pos = self.lines.pos(at)
        if kind == "string":
            return Literal(re.sub(r"\\(.)", r"\1", value[1:-1]), value, pos), k + 1
        if kind == "number":
            number = float(value) if "." in value else int(value)
            return Literal(number, value, pos), k + 1
        if kind == "path":
            if value in _KEYWORDS:
                return Literal(_KEYWORDS[value], value, pos), k + 1
            return _path(value, pos), k + 1
        if kind == "open":
            if depth >= MAX_DEPTH:
                raise HandlebarsSyntaxError("subexpressions nest too deeply", pos)
            if k + 1 >= len(tokens) or tokens[k + 1][0] != "path":
                raise HandlebarsSyntaxError("'(' must be followed by a helper name", pos)
            head, j = self._operand(tokens, k + 1, depth + 1)
            call, _, j = self._rest(head, tokens, j, depth + 1)
            if j >= len(tokens):
                raise HandlebarsSyntaxError("'(' is never closed", pos)
            return call, j + 1
        raise HandlebarsSyntaxError(f"unexpected {value!r}", pos)

    def _tokens(self, body: str, at: int) -> list[tuple[str, str, int]]:
        tokens, i = [], 0
        while i < len(body):
            match = _TOKEN.match(body, i)
            if match is None:
                bad = body[i]
                raise HandlebarsSyntaxError(f"unexpected {bad!r}", self.lines.pos(at + i))
            kind = match.lastgroup if match.lastgroup != "names" else "params"
            if kind != "ws":
                value = match.group("names") if kind == "params" else match.group(kind)
                tokens.append((kind, value, at + i))
            i = match.end()
        return tokens


def _path(text: str, pos: Pos) -> PathExpr:
    rest, data, depth = text, text.startswith("@"), 0
    rest = rest[1:] if data else rest
    while rest.startswith("../"):
        depth, rest = depth + 1, rest[3:]
    this = rest.startswith(("./", "this.", "this/")) or rest in (".", "this")
    rest = rest[2:] if rest.startswith("./") else rest
    segments = [s[1:-1] if s.startswith("[") else s for s in re.findall(_SEGMENT, rest)]
    if segments and segments[0] == "this" and not rest.startswith("["):
        segments = segments[1:]
    return PathExpr(tuple(segments), text, pos, data=data, depth=depth, this=this)
