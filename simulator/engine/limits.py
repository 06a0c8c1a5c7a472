"""Budgets, sizes and data checks for rendering untrusted templates (used by :mod:`.sandbox`).

A render gets a fresh :class:`Budget` (a context variable, so threads and tasks do
not share one). Sizes count characters (or bytes) plus elements through nested
containers and stop counting past the limit, so measuring a huge or self-similar
structure is cheap. Every check raises :class:`TemplateLimitError`, a Jinja2
``SecurityError``; a value that is not data where text is made raises
:class:`NotDataError`. What methods and filters would produce is estimated in
:mod:`.growth`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, MappingView
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from fractions import Fraction
from types import ModuleType
from typing import Any

from jinja2.exceptions import TemplateRuntimeError
from jinja2.runtime import Undefined
from jinja2.sandbox import SecurityError
from jinja2.utils import Namespace

__all__ = [
    "FILTER_COST",
    "ITEM_COST",
    "MAX_CALLS",
    "MAX_DEPTH",
    "MAX_INT_BITS",
    "MAX_ITERATIONS",
    "MAX_OUTPUT",
    "MAX_RANGE",
    "MAX_SIZE",
    "MAX_STORED",
    "MAX_WIDTH",
    "MAX_WORK",
    "SEQUENCES",
    "STEP_COST",
    "TEXT",
    "Budget",
    "NotDataError",
    "TemplateLimitError",
    "charge",
    "check_power",
    "check_printable",
    "check_product",
    "check_size",
    "check_width",
    "current_budget",
    "fresh_budget",
    "limit_error",
    "reset_budget",
    "size_of",
]

MAX_OUTPUT = 200_000
"""Characters one render may return."""
MAX_SIZE = 100_000
"""Size (characters or bytes plus elements, through nesting) of any one value a template
builds."""
MAX_WORK = 5_000_000
"""Work one render may do: characters produced (buffers and intermediate values
included) plus the steps below. A unit is about the time it takes to measure one
character (≈ 10 ns), so the whole budget is a fraction of a second on a slow machine."""
STEP_COST = 50
"""Work charged for each template node run: each statement and expression of a block,
charged every time the block runs (a loop body per iteration, a macro per call)."""
FILTER_COST = 40
"""Work charged for each filter or test call (``map`` and ``select`` call one per item)."""
ITEM_COST = 100
"""Work charged for each item a filter works through in Python (``sort(attribute=…)``,
``map``, ``sum``...) and for each item a generator yields into a filter."""
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

TEXT = (str, bytes, bytearray)
"""Values whose size is their length and that methods such as ``ljust`` or ``replace``
grow (``Markup`` is a ``str``)."""
SEQUENCES = (*TEXT, list, tuple, dict, set, frozenset)
"""Every sequence-like value a template can build; results of these types are measured."""

_SCALARS = (bool, int, float, complex, Decimal, Fraction, date, time, timedelta)
_NONE = object()


class TemplateLimitError(SecurityError):
    """A template tried to use more time or memory than a message may."""


class NotDataError(TemplateRuntimeError):
    """A template tried to turn a value that is not data (a function, method, class,
    module, generator or other object) into text: its ``repr`` would be meaningless
    and differ on every run (``<function f at 0x7f…>``)."""


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


_FLAT = {str: len, bytes: len, bytearray: len}
"""Exact types measured without a look inside (the common case, kept quick)."""


def _measure(value: Any, limit: int) -> tuple[int, Any]:
    """Size of ``value`` (stopping past ``limit``) and the first part that is not data
    (``_NONE`` when all of it is)."""
    total = 0
    foreign = _NONE
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is list or kind is tuple:
            # Scalars inline, containers for later: a long list of numbers or strings
            # is measured without a push and a pop per element.
            total += len(item)
            if total > limit:
                break
            for element in item:
                element_kind = type(element)
                if element_kind is str:
                    total += len(element)
                elif element_kind is int:
                    total += element.bit_length() // 3 + 1
                elif element_kind is float or element is None or element_kind is bool:
                    total += 1
                else:
                    stack.append(element)
        elif kind in _FLAT:
            total += len(item)
        elif kind is int:
            total += item.bit_length() // 3 + 1
        elif kind is dict:
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            total, foreign = _measure_other(item, total, foreign, stack)
        if total > limit:
            break
    return total, foreign


def _measure_other(item: Any, total: int, foreign: Any, stack: list) -> tuple[int, Any]:
    """:func:`_measure` for everything but exact lists, tuples, dicts, text and ints."""
    if isinstance(item, str | bytes | bytearray):
        total += len(item)
    elif item is None or isinstance(item, bool | float | Undefined):
        total += 1
    elif isinstance(item, int):
        total += item.bit_length() // 3 + 1
    elif isinstance(item, Mapping):
        total += len(item)
        stack.extend(item.keys())
        stack.extend(item.values())
    elif isinstance(item, list | tuple | set | frozenset | MappingView):
        total += len(item)
        stack.extend(item)
    elif isinstance(item, Namespace):
        stack.append(object.__getattribute__(item, "_Namespace__attrs"))
    elif isinstance(item, range):
        total += len(item)
    else:
        total += 1
        if foreign is _NONE and not isinstance(item, _SCALARS):
            foreign = item
    return total, foreign


def size_of(value: Any, limit: int = MAX_SIZE) -> int:
    """Characters (bytes) plus elements of ``value`` through nested containers, stopping
    past ``limit``.

    >>> size_of("abc"), size_of(["ab", ["c"]]), size_of(b"abcd"), size_of({"a": (1,)})
    (3, 6, 4, 4)
    """
    return _measure(value, limit)[0]


def check_size(
    value: Any, what: str = "value", limit: int = MAX_SIZE, *, printed: bool = False
) -> int:
    """Refuse ``value`` when larger than ``limit`` (or, when it is about to become text,
    when any part of it is not data); charge its size to the work budget."""
    size, foreign = _measure(value, limit)
    if size > limit:
        raise limit_error(f"{what} is larger than {limit:,} characters")
    if printed and foreign is not _NONE:
        raise _not_data(value, foreign, what)
    charge(size)
    return size


def check_printable(value: Any, what: str = "value") -> None:
    """Refuse a value that is not data where it would become text.

    >>> check_printable(["a", 1, {"b": None}])
    >>> check_printable([len])
    Traceback (most recent call last):
    ...
    simulator.engine.limits.NotDataError: value holds a function or method, which is not data ...
    """
    foreign = _measure(value, MAX_OUTPUT)[1]
    if foreign is not _NONE:
        raise _not_data(value, foreign, what)


def _not_data(value: Any, foreign: Any, what: str) -> NotDataError:
    # Only the type is named: the value's repr is what must not reach the trace.
    verb = "is" if foreign is value else "holds"
    return NotDataError(f"{what} {verb} {_kind(foreign)}, which is not data and cannot become text")


def _kind(value: Any) -> str:
    """What a value that is not data is, in words (never its ``repr``).

    >>> _kind(len), _kind(dict), _kind(iter([])), _kind(math)
    ('a function or method', 'a class', 'an iterator (add |list to use its items)', 'a module')
    """
    if isinstance(value, type):
        return "a class"
    if isinstance(value, ModuleType):
        return "a module"
    if isinstance(value, Iterator):
        return "an iterator (add |list to use its items)"
    if callable(value):
        return "a function or method"
    return f"a {type(value).__name__} object"


def charge(amount: int) -> None:
    budget = _budget.get() or current_budget()
    budget.work += amount
    if budget.work > MAX_WORK:
        raise limit_error(f"the template does more than {MAX_WORK:,} units of work")


def check_width(value: Any) -> None:
    if isinstance(value, int) and value > MAX_WIDTH:
        raise limit_error(f"widths above {MAX_WIDTH} are not allowed")
    if isinstance(value, TEXT) and len(value) > MAX_WIDTH:
        raise limit_error(f"padding strings longer than {MAX_WIDTH} are not allowed")


def check_power(base: Any, exponent: Any) -> None:
    if not (isinstance(base, int) and isinstance(exponent, int)):
        return
    if exponent > 0 and abs(base) > 1 and exponent * math.log2(abs(base)) > MAX_INT_BITS:
        raise limit_error(f"integers above {MAX_INT_BITS} bits are not allowed")


def check_product(left: Any, right: Any) -> None:
    """``*`` of a sequence (text, bytes, list, tuple) and a count, or of two integers.

    >>> check_product(b"ab", 3)
    >>> check_product("a".encode(), 10**9)
    Traceback (most recent call last):
    ...
    simulator.engine.limits.TemplateLimitError: template limit: repeated values larger ...
    """
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | bytes | bytearray | list | tuple) and isinstance(times, int):
            if size_of(seq) * max(times, 0) > MAX_SIZE:
                raise limit_error(f"repeated values larger than {MAX_SIZE:,} are not allowed")
            return
    both_int = isinstance(left, int) and isinstance(right, int)
    if both_int and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise limit_error(f"integers above {MAX_INT_BITS} bits are not allowed")
