"""Guards around every filter and test of the sandbox (used by :mod:`.sandbox`).

Whatever a :class:`GuardedRegistry` holds, registered at any time, runs wrapped: its
arguments and result are size-checked, each call is charged to the work budget, a
filter's arguments must be data (filters turn
their input into text or data; a test may look at anything, ``lipsum is callable``),
generators are materialised so they can be measured, and filters whose output can
dwarf their input are estimated before they run (:data:`FILTER_RULES`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sized
from functools import update_wrapper
from typing import Any

from jinja2.utils import _PassArg

from simulator.engine.growth import (
    check_printf,
    estimate_indent,
    estimate_join,
    estimate_json_indent,
    estimate_replace,
    estimate_sum,
    estimate_urlize,
)
from simulator.engine.limits import (
    FILTER_COST,
    ITEM_COST,
    MAX_RANGE,
    SEQUENCES,
    TEXT,
    charge,
    check_size,
    check_width,
    limit_error,
)

__all__ = ["FILTER_RULES", "ITEMWISE", "WORDWISE", "GuardedRegistry", "guard_filter"]


def guard_filter(name: str, func: Callable, *, test: bool = False) -> Callable:
    """Wrap a filter or test: size-check its arguments and result, plus per-filter rules.

    A filter's arguments must be data (filters turn their input into text or data); a
    test may look at anything (``lipsum is callable``)."""
    leading = 0 if _PassArg.from_obj(func) is None else 1
    rule = _no_rule if test else FILTER_RULES.get(name, _no_rule)
    itemwise = not test and name in ITEMWISE
    wordwise = not test and name in WORDWISE
    kind = "test" if test else "filter"

    def guarded(*args: Any, **kwargs: Any) -> Any:
        charge(FILTER_COST)
        if len(args) > leading and isinstance(args[leading], Iterator):
            # Materialise generators (``map``, ``select``...) so they can be measured;
            # each item they yield cost a step (an attribute lookup, a filter call).
            items = list(args[leading])
            charge(ITEM_COST * len(items))
            args = (*args[:leading], items, *args[leading + 1 :])
        data = list(args[leading:])
        for value in (*data, *kwargs.values()):
            check_size(value, f"input of {kind} {name!r}", printed=not test)
        if itemwise and data and isinstance(data[0], Sized) and not isinstance(data[0], TEXT):
            charge(ITEM_COST * len(data[0]))
        elif wordwise and data and isinstance(data[0], str):
            charge(ITEM_COST * (data[0].count(" ") + data[0].count("\n") + 1))
        rule(data, kwargs)
        result = func(*args, **kwargs)
        if isinstance(result, SEQUENCES):
            check_size(result, f"result of {kind} {name!r}")
        return result

    return update_wrapper(guarded, func)


ITEMWISE = frozenset(
    {"batch", "dictsort", "groupby", "items", "join", "map", "max", "min", "pprint", "reject"}
    | {"rejectattr", "select", "selectattr", "slice", "sort", "sum", "unique", "urlencode"}
    | {"xmlattr", "join_values"}
)
"""Filters that do Python work per item of their input (look up an attribute, call a
filter or test, compare): charged :data:`ITEM_COST` per item, so ``range(10000)|sum(
attribute='real')`` in a loop runs out of budget rather than for seconds."""


WORDWISE = frozenset(
    {"capitalize_words", "slugify", "title", "truncate", "urlize", "wordcount", "wordwrap"}
)
"""Filters that work through text word by word in Python: charged :data:`ITEM_COST`
per word."""


def _no_rule(args: list, kwargs: dict) -> None:
    return None


def _arg(args: list, kwargs: dict, index: int, name: str, default: Any = None) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else default


def _rule_width(args: list, kwargs: dict) -> None:
    check_width(_arg(args, kwargs, 1, "width"))


def _rule_indent(args: list, kwargs: dict) -> None:
    width = _arg(args, kwargs, 1, "width", 4)
    check_width(width)
    estimate_indent(_arg(args, kwargs, 0, "s"), width)


def _rule_replace(args: list, kwargs: dict) -> None:
    text, old = _arg(args, kwargs, 0, "s"), _arg(args, kwargs, 1, "old")
    estimate_replace(text, "" if old is None else old, _arg(args, kwargs, 2, "new", ""))


def _rule_format(args: list, kwargs: dict) -> None:
    # ``value|format(*args, **kwargs)`` is ``value % (kwargs or args)``.
    check_printf(_arg(args, kwargs, 0, "value"), kwargs or tuple(args[1:]))


def _rule_urlize(args: list, kwargs: dict) -> None:
    estimate_urlize(
        _arg(args, kwargs, 0, "value"),
        _arg(args, kwargs, 3, "target"),
        _arg(args, kwargs, 4, "rel"),
    )


def _rule_join_values(args: list, kwargs: dict) -> None:
    value = _arg(args, kwargs, 0, "value")
    if isinstance(value, list | tuple):  # any other value stands alone, unjoined
        estimate_join(value, _arg(args, kwargs, 1, "separator", ", "))


def _rule_wordwrap(args: list, kwargs: dict) -> None:
    width = _arg(args, kwargs, 1, "width", 79)
    wrap = _arg(args, kwargs, 3, "wrapstring", "\n")
    if isinstance(width, int) and width < 1:
        raise limit_error("wordwrap needs a positive width")
    if isinstance(wrap, str) and len(wrap) > 16:
        raise limit_error("wordwrap strings longer than 16 characters are not allowed")


def _rule_count(args: list, kwargs: dict, name: str) -> None:
    count = _arg(args, kwargs, 1, name)
    if isinstance(count, int) and count > MAX_RANGE:
        raise limit_error(f"{name} above {MAX_RANGE} is not allowed")


FILTER_RULES: dict[str, Callable[[list, dict], None]] = {
    "center": _rule_width,
    "indent": _rule_indent,
    "wordwrap": _rule_wordwrap,
    "format": _rule_format,
    "replace": _rule_replace,
    "urlize": _rule_urlize,
    "join": lambda args, kwargs: estimate_join(
        _arg(args, kwargs, 0, "value", []), _arg(args, kwargs, 1, "d", "")
    ),
    "batch": lambda args, kwargs: _rule_count(args, kwargs, "linecount"),
    "slice": lambda args, kwargs: _rule_count(args, kwargs, "slices"),
    "tojson": lambda args, kwargs: estimate_json_indent(
        _arg(args, kwargs, 0, "value"), _arg(args, kwargs, 1, "indent")
    ),
    "sum": lambda args, kwargs: estimate_sum(
        _arg(args, kwargs, 0, "iterable"), _arg(args, kwargs, 2, "start", 0)
    ),
    # journeysim's own filters (simulator.filters), registered after construction
    "join_values": _rule_join_values,
}


class GuardedRegistry(dict):
    """``filters``/``tests`` of a ``LimitedSandbox``: whatever is registered, at any
    time (``simulator.templating`` adds journeysim's own filters after construction),
    is wrapped by :func:`guard_filter`."""

    def __init__(self, *, tests: bool) -> None:
        super().__init__()
        self.tests = tests

    def __setitem__(self, name: str, func: Callable) -> None:
        super().__setitem__(name, guard_filter(name, func, test=self.tests))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for name, func in dict(*args, **kwargs).items():
            self[name] = func

    def setdefault(self, name: str, func: Callable | None = None) -> Callable | None:
        if name not in self:
            self[name] = func
        return self[name]
