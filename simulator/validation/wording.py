"""pydantic's error messages in the words journeysim uses: ``must …, not …``.

pydantic says ``String should have at least 1 character`` or ``Input should be greater
than or equal to 0``; a user reads ``must not be empty`` and ``must be at least 0``
better, beside the field's name. :func:`in_words` says the common constraint and type
errors so, from the error's type and context, and returns ``None`` for the rest (the
caller keeps pydantic's words). A model's own validator keeps its words, without
pydantic's ``Value error,`` before them. Values are described by their JSON kind (``not
a string``); a short string given for one of a few allowed values is quoted (``not
'sms'``: the typo is what the user needs to see), masked as ids are, as it may be PII.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["describe", "in_words"]

_KINDS = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "a boolean (true or false)",
    "bool_parsing": "a boolean (true or false)",
    "list_type": "an array",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
    "model_attributes_type": "a JSON object",
}
_TIMESTAMP = "an ISO-8601 timestamp with an offset, such as 2026-06-01T14:00:00Z"
_TIMESTAMP_TYPES = frozenset(
    {"datetime_type", "datetime_parsing", "datetime_from_date_parsing", "datetime_object_invalid"}
)
_QUOTED = 40
"""Strings up to this long are quoted in ``not …``; longer ones are said by kind."""
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "greater than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def in_words(error: Mapping[str, Any]) -> str | None:
    """What ``error`` (one of ``ValidationError.errors()``) says, as ``must …``.

    >>> in_words({"type": "string_too_short", "ctx": {"min_length": 1}, "input": ""})
    'must not be empty'
    >>> in_words({"type": "less_than_equal", "ctx": {"le": 9007199254740991}})
    'must be at most 9007199254740991'
    >>> in_words({"type": "int_type", "input": "7"})
    'must be a whole number, not a string'
    >>> in_words({"type": "missing"})
    'is required'
    >>> in_words({"type": "enum", "ctx": {"expected": "'email' or 'push'"}, "input": "sms"})
    "must be 'email' or 'push', not 'sms'"
    >>> in_words({"type": "value_error", "ctx": {"error": ValueError("odd")}})
    'odd'
    >>> in_words({"type": "union_tag_invalid", "input": {"type": None}, "ctx": {
    ...     "discriminator": "'type'", "tag": "None", "expected_tags": "'send', 'exit'"}})
    "type must be one of 'send', 'exit', not null"
    >>> in_words({"type": "assertion_error", "msg": "Assertion failed, x"}) is None
    True
    """
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "is required"
    if kind in _KINDS:
        if kind.startswith("int") and isinstance(value, float) and math.isfinite(value):
            hint = f" (write {int(value)})" if value.is_integer() else ""
            return f"must be a whole number, not {value!r}{hint}"
        return f"must be {_KINDS[kind]}, not {describe(value)}"
    if kind == "int_parsing_size":
        return "must be a whole number, and this one is far too large"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {ctx.get(key)}" if key in ctx else None
    if kind in ("string_too_short", "too_short"):
        least = ctx.get("min_length")
        if least == 1:
            return "must not be empty"
        unit = "characters" if kind == "string_too_short" else "items"
        return f"must have at least {least} {unit}" if least is not None else None
    if kind in ("string_too_long", "too_long"):
        most = ctx.get("max_length")
        unit = "characters" if kind == "string_too_long" else "items"
        has = f", not {len(value)}" if isinstance(value, str | list | tuple) else ""
        return f"must have at most {most} {unit}{has}" if most is not None else None
    if kind in ("literal_error", "enum") and isinstance(ctx.get("expected"), str):
        return f"must be {ctx['expected']}, not {_given(value)}"
    if kind in _TIMESTAMP_TYPES:
        return f"must be {_TIMESTAMP}, not {_given(value)}"
    if kind == "timezone_aware":
        return f"must be {_TIMESTAMP} (this one has no offset)"
    if kind == "value_error" and isinstance(ctx.get("error"), Exception):
        return str(ctx["error"])  # the model's validator's own words, without "Value error, "
    if kind == "union_tag_invalid" and {"tag", "discriminator", "expected_tags"} <= ctx.keys():
        return _tag_words(str(ctx["discriminator"]).strip("'\""), ctx, value)
    if kind == "union_tag_not_found" and "discriminator" in ctx:
        return f"needs a {ctx['discriminator']} field"
    if kind == "string_pattern_mismatch" and "pattern" in ctx:
        return f"must match the pattern {ctx['pattern']}"
    return None


def _tag_words(field: str, ctx: Mapping[str, Any], value: Any) -> str:
    """``unknown type 'sned' (expected one of …)``; for a tag that is not a string at all
    (``"type": null``), what it must be and what it is, not pydantic's ``'None'``."""
    tag = value.get(field, ctx["tag"]) if isinstance(value, Mapping) else ctx["tag"]
    if isinstance(tag, str):
        return f"unknown {field} {_given(tag)} (expected one of {ctx['expected_tags']})"
    return f"{field} must be one of {ctx['expected_tags']}, not {describe(tag)}"


def _given(value: Any) -> str:
    """A short string value quoted (``'sms'``), masked as ids are (an e-mail address or
    a phone number shows as ``a•••@e•••.com``); any other value by its kind."""
    if isinstance(value, str) and 0 < len(value) <= _QUOTED:
        from simulator.engine.detectors import scrub_id

        return repr(scrub_id(value))
    return describe(value)


def describe(value: Any) -> str:
    """The JSON kind of ``value``, for ``not …``.

    >>> describe(None), describe(True), describe(3), describe([1]), describe({})
    ('null', 'a boolean', 'a number', 'an array', 'an object')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "NaN" if math.isnan(value) else "infinity"
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
