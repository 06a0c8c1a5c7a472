"""Jinja2 filters for Pinpoint's template helpers that Jinja2 has no builtin for.

Translated Pinpoint templates call these (``{{ name|capitalize_first }}``,
``{{ price|multiply(1.2) }}``); :func:`simulator.templating.environment` registers
:data:`FILTERS`, so every journeysim template may use them. Each filter is pure,
bounded (padding widths are capped at :data:`MAX_WIDTH`) and never raises: input it
cannot use gives ``""`` (0 for the numeric readers :func:`as_number` and
:func:`math_round`, the value unchanged for dates), as a missing variable does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import wraps
from typing import Any

from simulator.javadates import NAMED_FORMATS, format_java, parse_java

__all__ = ["FILTERS", "MAX_WIDTH"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

MAX_WIDTH = 1000
"""The widest a padding filter pads (untrusted templates must not allocate at will)."""


def _safe(fallback: Callable[..., str] = lambda *a, **k: "") -> Callable:
    def decorate(function: Callable[..., str]) -> Callable[..., str]:
        @wraps(function)
        def safe(*args: Any, **kwargs: Any) -> str:
            try:
                return function(*args, **kwargs)
            except (ValueError, TypeError, ArithmeticError, LookupError, OverflowError):
                return fallback(*args, **kwargs)

        return safe

    return decorate


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> float:
    # Through text for anything but numbers: a missing variable (Jinja2's Undefined)
    # then reads as "" and fails as a ValueError, instead of raising UndefinedError.
    number = float(value) if isinstance(value, int | float) else float(_text(value))
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def as_number(value: Any) -> float:
    """A value as a number, 0 when it is not one (Pinpoint compares ``"17"`` with ``18``).

    Unlike Jinja2's ``float``, a missing variable gives 0 instead of an error.

    >>> as_number("17"), as_number(True), as_number("n/a"), as_number(float("inf"))
    (17.0, 1.0, 0.0, 0.0)
    """
    try:
        return _number(value)
    except (ValueError, TypeError, OverflowError):
        return 0.0


def math_round(value: Any) -> int:
    """JavaScript's ``Math.round``, which Pinpoint's ``round`` helper runs (its templates
    are Handlebars.js): the nearest integer, a half going toward +infinity (``2.5`` → 3,
    ``-2.5`` → -2). Python's ``round`` and Jinja2's ``round`` filter send halves to the
    even neighbour (12.5 → 12, 2.5 → 2), so translations must not use them. A value
    that is not a number reads as 0 (:func:`as_number`), as the translation always did.

    ``number - floor(number)`` is exact in binary floating point, so the half is judged
    on the value itself, not on ``number + 0.5`` (which rounds 0.49999999999999994 up).

    >>> [math_round(v) for v in (12.5, 2.5, -2.5, -2.6, -0.4, 0.49999999999999994)]
    [13, 3, -2, -3, 0, 0]
    >>> math_round("7.5"), math_round(True), math_round("n/a"), math_round(None)
    (8, 1, 0, 0)
    """
    number = as_number(value)
    whole = math.floor(number)
    return whole + 1 if number - whole >= 0.5 else whole


def _show(number: float) -> str:
    """A number as Pinpoint prints it: no ``.0`` on whole numbers, at most 8 decimals.

    >>> _show(7.0), _show(2.1739130434), _show(2.7000000000000002)
    ('7', '2.17391304', '2.7')
    """
    if number == int(number) and abs(number) < 1e16:
        return str(int(number))
    return f"{number:.8f}".rstrip("0").rstrip(".")


def _width(width: Any) -> int:
    return max(0, min(int(_number(width)), MAX_WIDTH))


def _pad(pad: Any) -> str:
    return (_text(pad) or " ")[0]


def first_value(value: Any) -> Any:
    """The first item of a list, any other value as it is (``.[0]`` in Pinpoint templates).

    Pinpoint keeps every attribute as a list; journeysim subjects may hold either.

    >>> first_value(["red", "blue"]), first_value("Jane"), first_value([])
    ('red', 'Jane', '')
    """
    if isinstance(value, list | tuple):
        return value[0] if value else ""
    return value


@_safe()
def capitalize_first(value: Any) -> str:
    """``my first post`` → ``My first post``."""
    text = _text(value)
    return text[:1].upper() + text[1:]


@_safe()
def capitalize_words(value: Any) -> str:
    """``my first post`` → ``My First Post`` (the rest of each word is left alone)."""
    return re.sub(r"\S+", lambda m: m.group(0)[:1].upper() + m.group(0)[1:], _text(value))


@_safe()
def abbreviate(value: Any, width: Any) -> str:
    """``Alejandro`` at 6 → ``Ale...`` (the ellipsis counts towards the width)."""
    text, size = _text(value), _width(width)
    if len(text) <= size:
        return text
    return text[: size - 3] + "..." if size >= 4 else text[:size]


@_safe()
def center_pad(value: Any, width: Any, pad: Any = " ") -> str:
    return _text(value).center(_width(width), _pad(pad))


@_safe()
def ljust(value: Any, width: Any, pad: Any = " ") -> str:
    return _text(value).ljust(_width(width), _pad(pad))


@_safe()
def rjust(value: Any, width: Any, pad: Any = " ") -> str:
    return _text(value).rjust(_width(width), _pad(pad))


@_safe()
def slugify(value: Any) -> str:
    """``Los Angeles!`` → ``los-angeles``."""
    text = re.sub(r"[^\w\s-]", "", _text(value)).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


@_safe(lambda value, *a, **k: _text(value))
def ordinalize(value: Any) -> str:
    """``22`` → ``22nd``; text that is not a number is left as it is."""
    number = int(_number(value))
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


@_safe()
def yesno(value: Any, yes: Any = "yes", no: Any = "no", maybe: Any = "maybe") -> str:
    """``true`` → yes, ``false`` → no, nothing → maybe (strings ``"true"``/``"false"`` too)."""
    text = _text(value).strip().lower()
    if value is True or text == "true":
        return _text(yes)
    if value is False or text == "false":
        return _text(no)
    return _text(maybe) if not text else _text(yes) if value else _text(no)


@_safe()
def inflect(count: Any, singular: Any, plural: Any, include_count: Any = False) -> str:
    """``3, apple, apples`` → ``apples`` (``3 apples`` with ``include_count``)."""
    number = _number(count)
    word = _text(singular) if number == 1 else _text(plural)
    return f"{_show(number)} {word}" if include_count in (True, "true") else word


@_safe()
def join_values(value: Any, separator: Any = ", ", prefix: Any = "", suffix: Any = "") -> str:
    """A list joined (a single value stands alone), wrapped in ``prefix`` and ``suffix``."""
    items = value if isinstance(value, list | tuple) else [] if not _text(value) else [value]
    return _text(prefix) + _text(separator).join(_text(item) for item in items) + _text(suffix)


@_safe()
def encode64(value: Any) -> str:
    return base64.b64encode(_text(value).encode()).decode("ascii")


@_safe()
def decode64(value: Any) -> str:
    try:
        return base64.b64decode(_text(value), validate=True).decode("utf-8", "replace")
    except binascii.Error:
        return ""


def _digest(name: str) -> Callable[[Any], str]:
    @_safe()
    def digest(value: Any) -> str:
        return hashlib.new(name, _text(value).encode()).hexdigest()

    digest.__name__ = name
    return digest


def _arithmetic(name: str, operation: Callable[[float, float], float]) -> Callable[..., str]:
    @_safe()
    def apply(value: Any, other: Any) -> str:
        return _show(operation(_number(value), _number(other)))

    apply.__name__ = name
    return apply


@_safe(lambda value, *a, **k: _text(value))
def date_format(
    value: Any, output: Any = "medium", input_format: Any = None, tz: Any = None
) -> str:
    """A date in one of Pinpoint's styles (full, long, medium, short) or a Java pattern.

    ``value`` is ISO-8601 text, a ``date``/``datetime``, epoch milliseconds, or text in
    the ``input_format`` pattern; ``tz`` is an IANA zone (a value without an offset is
    read in it, one with an offset is converted to it). Values that do not parse come
    back unchanged, so an author sees what the template received.

    >>> date_format("2020-09-19", "full")
    'Saturday, September 19, 2020'
    >>> date_format("09/19/2020", "short", input_format="MM/dd/yyyy")
    '9/19/20'
    """
    moment = _moment(value, input_format)
    if tz:
        from simulator.timezones import zone

        where = zone(_text(tz))
        # A date without an offset is a date in ``tz``; one with an offset is converted.
        moment = moment.astimezone(where) if moment.tzinfo else moment.replace(tzinfo=where)
    pattern = _text(output) or "medium"
    return format_java(moment, NAMED_FORMATS.get(pattern.lower(), pattern))


def _moment(value: Any, pattern: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Epoch plus a span, not fromtimestamp(): out of range, that raises OSError on
        # some platforms, this always OverflowError (the fallback's to handle).
        return _EPOCH + timedelta(milliseconds=value)
    text = _text(value).strip()
    if pattern:
        return parse_java(text, _text(pattern))
    return datetime.fromisoformat(text)


FILTERS: dict[str, Callable[..., str]] = {
    "abbreviate": abbreviate,
    "add": _arithmetic("add", lambda a, b: a + b),
    "as_number": as_number,
    "capitalize_first": capitalize_first,
    "capitalize_words": capitalize_words,
    "center_pad": center_pad,
    "date_format": date_format,
    "decode64": decode64,
    "divide": _arithmetic("divide", lambda a, b: a / b),
    "encode64": encode64,
    "first_value": first_value,
    "inflect": inflect,
    "join_values": join_values,
    "ljust": ljust,
    "math_round": math_round,
    "md5": _digest("md5"),
    "modulo": _arithmetic("modulo", math.fmod),
    "multiply": _arithmetic("multiply", lambda a, b: a * b),
    "ordinalize": ordinalize,
    "rjust": rjust,
    "sha256": _digest("sha256"),
    "sha512": _digest("sha512"),
    "slugify": slugify,
    "subtract": _arithmetic("subtract", lambda a, b: a - b),
    "yesno": yesno,
}
"""Filter name → function, for ``Environment.filters``."""
