"""What a method or filter would produce, estimated *before* it runs (used by :mod:`.sandbox`).

A size check on a result comes too late when the result itself is the attack:
``b'a'.ljust(10**9)``, ``('\\t' * 99999).expandtabs(1000)``, ``('%(a)s' * 19999) % {'a':
'x' * 90000}`` or ``('a' * 99999)|replace('a', 10**1000)`` allocate gigabytes before
anything can measure them. Each function here refuses, with
:class:`~simulator.engine.limits.TemplateLimitError`, an operation whose output would
pass :data:`~simulator.engine.limits.MAX_SIZE`; estimates are upper bounds that hold for
``str``, ``bytes`` and ``bytearray`` alike, and may be off by the small factor a
``repr`` adds (the result is measured again afterwards).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from jinja2.runtime import Undefined

from simulator.engine.limits import (
    MAX_SIZE,
    MAX_STORED,
    MAX_WIDTH,
    TEXT,
    check_size,
    check_width,
    current_budget,
    limit_error,
    size_of,
)

__all__ = [
    "MAX_SUMMED_SEQUENCES",
    "check_format",
    "check_method",
    "check_printf",
    "estimate_expandtabs",
    "estimate_indent",
    "estimate_join",
    "estimate_json_indent",
    "estimate_replace",
    "estimate_sum",
    "estimate_translate",
    "estimate_urlize",
    "text_length",
]

MAX_SUMMED_SEQUENCES = 1_000
"""Items ``sum`` may concatenate (each addition copies everything before it)."""

_MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "add"})
_PADDERS = frozenset({"center", "ljust", "rjust", "zfill"})
_PRINTF = re.compile(
    r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsab%]?)"
)


def _too_large(what: str) -> Exception:
    return limit_error(f"{what} would be larger than {MAX_SIZE:,} characters")


def text_length(value: Any) -> int:
    """How long ``value`` is as text: its length for text and bytes, its ``str`` otherwise
    (filters such as ``replace`` and ``join`` convert their arguments that way).

    >>> text_length("abc"), text_length(b"ab"), text_length(10**20), text_length(None)
    (3, 2, 21, 4)
    """
    return len(value) if isinstance(value, TEXT) else len(str(value))


def check_printf(fmt: Any, args: Any = ()) -> None:
    """``fmt % args`` (and the ``format`` filter): no ``*`` widths, none above
    :data:`MAX_WIDTH`, and an output bounded by the conversions times what they print.

    >>> check_printf("%s and %5.2f", ("a", 1.5))
    >>> check_printf("%(a)s" * 19999, {"a": "x" * 90000})
    Traceback (most recent call last):
    ...
    simulator.engine.limits.TemplateLimitError: template limit: formatted text would be larger ...
    """
    if isinstance(fmt, bytes | bytearray):
        fmt = fmt.decode("latin-1")
    if not isinstance(fmt, str):
        return  # a number modulo a number
    conversions = widest = 0
    for match in _PRINTF.finditer(fmt):
        width, precision, kind = match.groups()
        for group in (width, precision):
            if group == "*" or (group and int(group) > MAX_WIDTH):
                raise limit_error(f"format widths above {MAX_WIDTH} are not allowed")
            widest = max(widest, int(group or 0))
        conversions += kind != "%"
    if not conversions:
        return
    if isinstance(args, Mapping):  # every %(name)s may print the largest value
        printed = conversions * max(map(size_of, args.values()), default=0)
    else:  # each conversion prints one of the arguments
        printed = size_of(args)
    if len(fmt) + conversions * widest + printed > MAX_SIZE:
        raise _too_large("formatted text")


def check_format(fmt: str) -> None:
    """``str.format``: no nested fields, no widths above :data:`MAX_WIDTH` (the sandbox's
    formatter bounds the output as it goes)."""
    if re.search(r"\{[^{}]*\{", fmt):
        raise limit_error("nested format fields are not allowed")
    for field in re.findall(r"\{[^{}]*\}", fmt):
        if any(int(digits) > MAX_WIDTH for digits in re.findall(r"\d+", field)):
            raise limit_error(f"format widths above {MAX_WIDTH} are not allowed")


def estimate_join(items: Any, separator: Any) -> None:
    if isinstance(items, Iterator) or not isinstance(items, Iterable):
        return  # iterators were materialised by the caller; nothing else can be joined
    items = items if isinstance(items, list | tuple | str) else list(items)
    if size_of(items) + text_length(separator) * len(items) > MAX_SIZE:
        raise _too_large("joined text")


def estimate_replace(text: Any, old: Any, new: Any) -> None:
    """``text.replace(old, new)``: every occurrence may grow by ``len(new) - len(old)``.

    >>> estimate_replace(b"abc", b"b", b"xyz")
    >>> estimate_replace("a" * 99999, "a", 10**1000)
    Traceback (most recent call last):
    ...
    simulator.engine.limits.TemplateLimitError: template limit: replaced text would be larger ...
    """
    if not isinstance(text, TEXT):
        text = str(text)
    if not isinstance(old, TEXT):
        old = str(old)
    if isinstance(text, str) is not isinstance(old, str):
        return  # str.replace with bytes (or the reverse) is a TypeError
    hits = text.count(old) if old else len(text) + 1
    if len(text) + hits * max(text_length(new) - len(old), 0) > MAX_SIZE:
        raise _too_large("replaced text")


def estimate_expandtabs(text: Any, tabsize: Any = 8) -> None:
    """Every tab may become ``tabsize`` spaces."""
    tab = "\t" if isinstance(text, str) else b"\t"
    width = tabsize if isinstance(tabsize, int) else 0
    check_width(width)
    if len(text) + text.count(tab) * max(width, 0) > MAX_SIZE:
        raise _too_large("expanded text")


def estimate_translate(text: str, table: Any) -> None:
    """``str.translate``: every character may become the longest replacement."""
    if not isinstance(table, Mapping):
        return
    longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
    if len(text) * max(longest, 1) > MAX_SIZE:
        raise _too_large("translated text")


def estimate_urlize(text: Any, target: Any, rel: Any) -> None:
    """``urlize``: each word that may be an address (it holds ``.``, ``@`` or ``:`` once
    the punctuation around it is dropped, as ``urlize`` does) may become a link: the
    word again, its markup, ``target`` and ``rel``.

    >>> estimate_urlize("see example.com " * 100, None, None)
    >>> estimate_urlize("a.com " * 14000, "x" * 90000, None)
    Traceback (most recent call last):
    ...
    simulator.engine.limits.TemplateLimitError: template limit: linked text would be larger ...
    """
    if not isinstance(text, str):
        return
    extra = 64 + sum(text_length(value) for value in (target, rel) if value is not None)
    words = (word.strip("()<>[]\"'.,;:!?") for word in text.split())
    links = [word for word in words if "." in word or "@" in word or ":" in word]
    if len(text) + sum(len(word) for word in links) + len(links) * extra > MAX_SIZE:
        raise _too_large("linked text")


def _width(value: Any) -> int:
    """A padding or indent width given as a number or as the padding text itself."""
    if isinstance(value, str):
        return len(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def estimate_indent(text: Any, width: Any) -> None:
    """``indent``: every line may get ``width`` more characters."""
    if isinstance(text, str):
        lines = text.count("\n") + 1
        if len(text) + lines * _width(width) > MAX_SIZE:
            raise _too_large("indented text")


def estimate_json_indent(value: Any, indent: Any) -> None:
    """``tojson(indent=n)``: each element goes on its own line, indented ``n`` per level
    (a container takes two lines, opening and closing).

    >>> estimate_json_indent([[1, 2], {"a": 3}], 2) is None
    True
    """
    step = _width(indent)
    check_width(step)
    if not step:
        return
    total = 0
    stack = [(value, 0)]
    while stack:  # stops past the limit, so cyclic or huge values are cheap to refuse
        item, depth = stack.pop()
        container = isinstance(item, Mapping | list | tuple)
        total += (depth * step + 1) * (2 if container else 1)
        if total > MAX_SIZE:
            raise _too_large("indented JSON")
        if isinstance(item, Mapping):
            stack.extend((child, depth + 1) for child in item.values())
        elif container:
            stack.extend((child, depth + 1) for child in item)


def estimate_sum(items: Any, start: Any) -> None:
    """``sum`` with a sequence ``start`` concatenates: quadratic, so the items are counted."""
    sequence = isinstance(start, str | bytes | list | tuple)
    if sequence and isinstance(items, list | tuple) and len(items) > MAX_SUMMED_SEQUENCES:
        raise limit_error(f"sum() may concatenate at most {MAX_SUMMED_SEQUENCES:,} sequences")


def check_method(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Extra checks for well-known methods that can allocate a lot; returns the arguments
    to call with (a generator given to ``join`` is materialised to be measured)."""
    if isinstance(obj, Undefined):
        return args
    target = getattr(obj, "__wrapped__", obj)
    owner = getattr(target, "__self__", None)
    name = getattr(target, "__name__", "")
    if owner is None or isinstance(owner, type | Undefined) or not isinstance(name, str):
        return args
    check_size(owner, "object")
    if isinstance(owner, TEXT):
        return _check_text_method(owner, name, args, kwargs)
    if isinstance(owner, int) and name == "to_bytes":  # (1).to_bytes(10**9) is a gigabyte
        length = args[0] if args else kwargs.get("length", 1)
        if isinstance(length, int) and length > MAX_SIZE:
            raise limit_error(f"to_bytes() may make at most {MAX_SIZE:,} bytes")
    if name in _MUTATORS and isinstance(owner, list | dict | set):
        budget = current_budget()
        budget.stored += size_of((args, kwargs), MAX_STORED)
        if budget.stored > MAX_STORED:
            raise limit_error(f"containers may not grow by more than {MAX_STORED:,} in one render")
    return args


def _check_text_method(owner: Any, name: str, args: tuple, kwargs: dict) -> tuple:
    """``str``, ``bytes`` and ``bytearray`` methods whose output can dwarf their input
    (``format`` and ``format_map`` are bounded by the sandbox's formatter)."""
    if name in _PADDERS:
        for arg in (*args, *kwargs.values()):
            check_width(arg)
    elif name == "expandtabs":
        estimate_expandtabs(owner, args[0] if args else kwargs.get("tabsize", 8))
    elif name == "replace" and len(args) >= 2:
        estimate_replace(owner, args[0], args[1])
    elif name == "join" and args:
        args = (list(args[0]), *args[1:])
        estimate_join(args[0], owner)
    elif name == "translate" and args and isinstance(owner, str):
        estimate_translate(owner, args[0])
    return args
