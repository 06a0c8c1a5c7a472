"""Pinpoint's template helpers, each as the Jinja2 expression that does the same.

Conditional helpers (``eq``, ``gt``, ``and``...) give conditions, usable inline (with
``yes=``/``no=`` text, else ``true``/``false``), as blocks and as subexpressions;
string, math and encoding helpers become builtin Jinja2 filters or the ones in
:mod:`simulator.filters`. ``now`` and ``uuid`` are refused: journeysim
renders deterministically. A handler raises :class:`Unsupported` for anything it
cannot express (wrong argument count, unknown option).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Protocol

from importers.pinpoint.handlebars import Call, Expr, Literal, PathExpr
from importers.pinpoint.jinja import Unsupported, string

__all__ = ["CONDITIONALS", "HELPERS", "Writer"]


class Writer(Protocol):
    """What a helper needs from the template generator."""

    def args(self, call: Call, low: int, high: int | None) -> list[str]: ...

    def options(
        self, call: Call, allowed: Mapping[str, str], *, literal: frozenset[str] = ...
    ) -> dict[str, str]: ...

    def absolute(self, path: PathExpr) -> tuple[str, ...] | None: ...

    def static(self, segments: tuple[str, ...], path: PathExpr) -> str: ...


_Handler = Callable[["Writer", Call], tuple[str, bool]]


def _yes_no(gen: Writer, call: Call, condition: str) -> tuple[str, bool]:
    """A condition, or the ``yes=`` / ``no=`` text it chooses between when they are given."""
    answers = gen.options(call, {"yes": string(""), "no": string("")})
    if not call.hash:
        return condition, True
    return f"({answers['yes']} if {condition} else {answers['no']})", False


def _numeric(expr: Expr) -> bool:
    if not isinstance(expr, Literal) or isinstance(expr.value, bool):
        return False
    return isinstance(expr.value, int | float) or bool(
        isinstance(expr.value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", expr.value)
    )


def _compare(operator: str, numeric_ok: bool) -> _Handler:
    def handler(gen: Writer, call: Call) -> tuple[str, bool]:
        a, b = gen.args(call, 2, 2)
        cast = "as_number" if numeric_ok and any(map(_numeric, call.params)) else "string"
        return _yes_no(gen, call, f"({a}|{cast} {operator} {b}|{cast})")

    return handler


def _logic(word: str) -> _Handler:
    def handler(gen: Writer, call: Call) -> tuple[str, bool]:
        values = gen.args(call, 1, None)
        return _yes_no(gen, call, "(" + f" {word} ".join(values) + ")")

    return handler


def _not(gen: Writer, call: Call) -> tuple[str, bool]:
    (value,) = gen.args(call, 1, 1)
    return _yes_no(gen, call, f"(not {value})")


def _filter(
    chain: str,
    *,
    extra: int = 0,
    optional: int = 0,
    options: Mapping[str, str] | None = None,
) -> _Handler:
    """A helper that becomes ``(value|chain)``; ``{}`` in ``chain`` receives the other
    arguments: ``extra`` required and ``optional`` more positional ones, then ``options``
    (hash arguments by name, with their defaults)."""

    def handler(gen: Writer, call: Call) -> tuple[str, bool]:
        values = gen.args(call, 1 + extra, 1 + extra + optional)
        named = gen.options(call, options or {})
        arguments = ", ".join([*values[1:], *named.values()])
        return f"({values[0]}|{chain.format(arguments)})", False

    return handler


def _unsupported(reason: str) -> _Handler:
    def handler(gen: Writer, call: Call) -> tuple[str, bool]:
        raise Unsupported(f"{call.name}: {reason}", call.pos)

    return handler


def _cut(gen: Writer, call: Call) -> tuple[str, bool]:
    values = gen.args(call, 1, 2)
    return (
        f"({values[0]}|string|replace({values[1] if len(values) > 1 else string(' ')}, ''))",
        False,
    )


def _substring(gen: Writer, call: Call) -> tuple[str, bool]:
    values = gen.args(call, 2, 3)
    end = f"{values[2]}|as_number|int" if len(values) == 3 else ""
    return f"(({values[0]}|string)[{values[1]}|as_number|int:{end}])", False


def _center(gen: Writer, call: Call) -> tuple[str, bool]:
    values = gen.args(call, 1, 2)
    named = gen.options(call, {"size": values[1] if len(values) > 1 else "0", "pad": string(" ")})
    return f"({values[0]}|center_pad({named['size']}, {named['pad']}))", False


def _date_format(gen: Writer, call: Call) -> tuple[str, bool]:
    values = gen.args(call, 1, 2)
    defaults = {"outputFormat": values[1] if len(values) > 1 else string("medium")}
    named = gen.options(
        call,
        {**defaults, "inputFormat": "none", "tz": "none"},
        literal=frozenset({"tz", "inputFormat", "outputFormat"}),
    )
    arguments = f"{named['outputFormat']}, {named['inputFormat']}, {named['tz']}"
    return f"({values[0]}|date_format({arguments}))", False


def _lookup(gen: Writer, call: Call) -> tuple[str, bool]:
    target, key = call.params if len(call.params) == 2 else (None, None)
    if isinstance(target, PathExpr) and isinstance(key, Literal):
        static = gen.absolute(target)
        if static is not None:
            return gen.static((*static, str(key.value)), target), False
    values = gen.args(call, 2, 2)
    return f"({values[0]}[{values[1]}])", False


CONDITIONALS = frozenset({"eq", "ne", "neq", "gt", "gte", "lt", "lte", "and", "or", "not"})
_PAD = {"pad": string(" ")}
HELPERS: dict[str, _Handler] = {
    # conditional
    "eq": _compare("==", False),
    "ne": _compare("!=", False),
    "neq": _compare("!=", False),
    "gt": _compare(">", True),
    "gte": _compare(">=", True),
    "lt": _compare("<", True),
    "lte": _compare("<=", True),
    "and": _logic("and"),
    "or": _logic("or"),
    "not": _not,
    # string
    "abbreviate": _filter("abbreviate({})", extra=1),
    "capitalize": _filter("capitalize_words"),
    "capitalizeFirst": _filter("capitalize_first"),
    "center": _center,
    "cut": _cut,
    "dateFormat": _date_format,
    "inflect": _filter("inflect({})", extra=2, options={"includeCount": "false"}),
    "join": _filter(
        "join_values({})", optional=1, options={"prefix": string(""), "suffix": string("")}
    ),
    "ljust": _filter("ljust({})", extra=1, options=_PAD),
    "lower": _filter("string|lower"),
    "now": _unsupported(
        "reads the wall clock; journeysim renders deterministically "
        "(pass the date as an attribute or an event property)"
    ),
    "ordinalize": _filter("ordinalize"),
    "replace": _filter("string|replace({})", extra=2),
    "rjust": _filter("rjust({})", extra=1, options=_PAD),
    "slugify": _filter("slugify"),
    "stripTags": _filter("striptags"),
    "substring": _substring,
    "upper": _filter("string|upper"),
    "yesno": _filter(
        "yesno({})",
        options={"yes": string("yes"), "no": string("no"), "maybe": string("maybe")},
    ),
    # math and encoding
    "add": _filter("add({})", extra=1),
    "subtract": _filter("subtract({})", extra=1),
    "multiply": _filter("multiply({})", extra=1),
    "divide": _filter("divide({})", extra=1),
    "modulo": _filter("modulo({})", extra=1),
    "ceiling": _filter("as_number|round(0, 'ceil')|int"),
    "floor": _filter("as_number|round(0, 'floor')|int"),
    # JavaScript's Math.round (halves toward +infinity), not Jinja2's round (to even);
    # ceil and floor are the same in both languages
    "round": _filter("math_round"),
    "encode64": _filter("encode64"),
    "decode64": _filter("decode64"),
    "md5": _filter("md5"),
    "sha256": _filter("sha256"),
    "sha512": _filter("sha512"),
    "uuid": _unsupported("is random; journeysim renders deterministically"),
    # Handlebars builtins
    "lookup": _lookup,
    "log": _unsupported("logging has no place in a rendered message"),
}
