"""Budgets and size checks for rendering untrusted templates (used by :mod:`.sandbox`).

A render gets a fresh :class:`Budget` (a context variable, so threads and tasks do
not share one). Sizes count characters plus elements through nested containers and
stop counting past the limit, so measuring a huge or self-similar structure is cheap.
Every check raises :class:`TemplateLimitError`, a Jinja2 ``SecurityError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2.runtime import Undefined
from jinja2.sandbox import SecurityError
from jinja2.utils import Namespace

__all__ = [
    "MAX_CALLS",
    "MAX_DEPTH",
    "MAX_INT_BITS",
    "MAX_ITERATIONS",
    "MAX_OUTPUT",
    "MAX_RANGE",
    "MAX_SIZE",
    "MAX_STORED",
    "MAX_SUMMED_SEQUENCES",
    "MAX_WIDTH",
    "MAX_WORK",
    "Budget",
    "TemplateLimitError",
    "charge",
    "check_format",
    "check_method",
    "check_power",
    "check_printf",
    "check_product",
    "check_size",
    "check_width",
    "current_budget",
    "estimate_indent",
    "estimate_join",
    "estimate_json_indent",
    "estimate_replace",
    "estimate_sum",
    "fresh_budget",
    "limit_error",
    "reset_budget",
    "size_of",
]

MAX_OUTPUT = 200_000
"""Characters one render may return."""
MAX_SIZE = 100_000
"""Size (characters plus elements, through nesting) of any one value a template builds."""
MAX_WORK = 5_000_000
"""Characters one render may produce in total, buffers and intermediate values included."""
MAX_STORED = 1_000_000
"""Size one render may add to containers through ``append``, ``update`` and the like."""
MAX_RANGE = 10_000
MAX_ITERATIONS = 20_000
"""Loop iterations per render, all loops together."""
MAX_CALLS = 10_000
MAX_DEPTH = 40
"""Nested calls (macros, recursive loops)."""
MAX_WIDTH = 1_000
"""Padding width or precision a format may ask for."""
MAX_INT_BITS = 4_096

_MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "add"})
_PADDERS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


class TemplateLimitError(SecurityError):
    """A template tried to use more time or memory than a message may."""


@dataclass(slots=True)
class Budget:
    iterations: int = 0
    calls: int = 0
    depth: int = 0
    stored: int = 0
    work: int = 0


_budget: ContextVar[Budget | None] = ContextVar("journeysim_template_budget", default=None)


def fresh_budget() -> Any:
    """Start a fresh budget for one render; returns the token for :func:`reset_budget`."""
    return _budget.set(Budget())


def reset_budget(token: Any) -> None:
    _budget.reset(token)


def current_budget() -> Budget:
    budget = _budget.get()
    if budget is None:  # rendered outside LimitedTemplate.render: still bounded
        budget = Budget()
        _budget.set(budget)
    return budget


def limit_error(message: str) -> TemplateLimitError:
    return TemplateLimitError(f"template limit: {message}")


def size_of(value: Any, limit: int = MAX_SIZE) -> int:
    """Characters plus elements of ``value`` through nested containers, stopping past ``limit``.

    >>> size_of("abc"), size_of(["ab", ["c"]])
    (3, 6)
    """
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool | float | Undefined) or item is None:
            total += 1
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Mapping):
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item)
            stack.extend(item)
        elif isinstance(item, Namespace):
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        elif isinstance(item, range):
            total += len(item)
        else:
            total += 1
        if total > limit:
            return total
    return total


def check_size(value: Any, what: str = "value", limit: int = MAX_SIZE) -> int:
    size = size_of(value, limit)
    if size > limit:
        raise limit_error(f"{what} is larger than {limit:,} characters")
    charge(size)
    return size


def charge(amount: int) -> None:
    budget = current_budget()
    budget.work += amount
    if budget.work > MAX_WORK:
        raise limit_error(f"the template does more than {MAX_WORK:,} characters of work")


def check_printf(fmt: Any) -> None:
    if not isinstance(fmt, str):
        return
    for match in re.finditer(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?", fmt):
        for group in match.groups():
            if group == "*" or (group and int(group) > MAX_WIDTH):
                raise limit_error(f"format widths above {MAX_WIDTH} are not allowed")


def check_format(fmt: str) -> None:
    if re.search(r"\{[^{}]*\{", fmt):
        raise limit_error("nested format fields are not allowed")
    for field in re.findall(r"\{[^{}]*\}", fmt):
        if any(int(digits) > MAX_WIDTH for digits in re.findall(r"\d+", field)):
            raise limit_error(f"format widths above {MAX_WIDTH} are not allowed")


def estimate_join(items: Any, separator: Any) -> None:
    if isinstance(items, Iterator) or not isinstance(items, Iterable):
        return  # iterators were materialised by the caller; nothing else can be joined
    items = items if isinstance(items, list | tuple | str) else list(items)
    sep = len(separator) if isinstance(separator, str) else 0
    if size_of(items) + sep * len(items) > MAX_SIZE:
        raise limit_error(f"joined text would be larger than {MAX_SIZE:,} characters")


def estimate_replace(text: Any, old: Any, new: Any) -> None:
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return
    hits = text.count(old) if old else len(text) + 1
    if len(text) + hits * max(len(new) - len(old), 0) > MAX_SIZE:
        raise limit_error(f"replaced text would be larger than {MAX_SIZE:,} characters")


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
            raise limit_error(f"indented text would be larger than {MAX_SIZE:,} characters")


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
            raise limit_error(f"indented JSON would be larger than {MAX_SIZE:,} characters")
        if isinstance(item, Mapping):
            stack.extend((child, depth + 1) for child in item.values())
        elif container:
            stack.extend((child, depth + 1) for child in item)


MAX_SUMMED_SEQUENCES = 1_000
"""Items ``sum`` may concatenate (each addition copies everything before it)."""


def estimate_sum(items: Any, start: Any) -> None:
    """``sum`` with a sequence ``start`` concatenates: quadratic, so the items are counted."""
    sequence = isinstance(start, str | list | tuple)
    if sequence and isinstance(items, list | tuple) and len(items) > MAX_SUMMED_SEQUENCES:
        raise limit_error(f"sum() may concatenate at most {MAX_SUMMED_SEQUENCES:,} sequences")


def check_width(value: Any) -> None:
    if isinstance(value, int) and value > MAX_WIDTH:
        raise limit_error(f"widths above {MAX_WIDTH} are not allowed")
    if isinstance(value, str) and len(value) > MAX_WIDTH:
        raise limit_error(f"padding strings longer than {MAX_WIDTH} are not allowed")


def check_method(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Extra checks for well-known methods that can allocate a lot; returns the arguments
    to call with (a generator given to ``str.join`` is materialised to be measured)."""
    if isinstance(obj, Undefined):
        return args
    target = getattr(obj, "__wrapped__", obj)
    owner = getattr(target, "__self__", None)
    name = getattr(target, "__name__", "")
    if owner is None or isinstance(owner, type | Undefined) or not isinstance(name, str):
        return args
    check_size(owner, "object")
    if isinstance(owner, str):
        if name in ("format", "format_map"):
            check_format(owner)
        elif name in _PADDERS:
            for arg in (*args, *kwargs.values()):
                check_width(arg)
        elif name == "replace" and len(args) >= 2:
            estimate_replace(owner, args[0], args[1])
        elif name == "join" and args:
            args = (list(args[0]), *args[1:])
            estimate_join(args[0], owner)
    elif name in _MUTATORS and isinstance(owner, list | dict | set):
        budget = current_budget()
        budget.stored += size_of((args, kwargs), MAX_STORED)
        if budget.stored > MAX_STORED:
            raise limit_error(f"containers may not grow by more than {MAX_STORED:,} in one render")
    return args


def check_power(base: Any, exponent: Any) -> None:
    if not (isinstance(base, int) and isinstance(exponent, int)):
        return
    if exponent > 0 and abs(base) > 1 and exponent * math.log2(abs(base)) > MAX_INT_BITS:
        raise limit_error(f"integers above {MAX_INT_BITS} bits are not allowed")


def check_product(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            if size_of(seq) * max(times, 0) > MAX_SIZE:
                raise limit_error(f"repeated values larger than {MAX_SIZE:,} are not allowed")
            return
    both_int = isinstance(left, int) and isinstance(right, int)
    if both_int and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise limit_error(f"integers above {MAX_INT_BITS} bits are not allowed")
