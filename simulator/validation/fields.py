"""The fields a document object allows, for ``unknown field`` messages.

A newcomer who writes ``subject`` for ``subjectLine`` should read, in the error, which
fields the object takes. pydantic's error location (``('steps', 0, 'branch',
'conditional', 'rules', 0, 'when', 'attribute', 'foo')``) is walked through the
document models: field names and aliases step into a field's type, list indices and
map keys into the item type, and discriminator values (``send``, ``conditional``,
``attribute``) pick the member of a tagged union. The ``$schema`` key every document
allows is left out of the list.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

__all__ = ["allowed_fields", "unknown_field_hint"]

_TAGS = ("type", "mode", "kind")


def allowed_fields(root: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The wire names of the fields allowed where the unknown field ``loc[-1]`` was found.

    >>> from simulator.models import Journey
    >>> allowed_fields(Journey, ("steps", 0, "send", "subject"))
    ['channel', 'communicationId', 'id', 'next', 'type']
    """
    options: list[Any] = [root]
    for item in loc[:-1]:
        options = [found for option in options for found in _step(option, item)]
    names = {
        info.alias or name
        for option in options
        for model in _members(option)
        if _is_model(model)
        for name, info in model.model_fields.items()
    }
    return sorted(names - {"$schema"})


def unknown_field_hint(root: type[BaseModel] | None, loc: Sequence[Any]) -> str:
    """`` (did you mean 'x'? allowed: a, b, c)`` for an unknown field, or ``""``.

    >>> from simulator.models import Communication
    >>> print(unknown_field_hint(Communication, ("subject",)))
     (did you mean 'subjectLine'? allowed: body, channels, from, id, kind, name, subjectLine, ...)
    """
    if root is None or not loc:
        return ""
    allowed = allowed_fields(root, loc)
    if not allowed:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
    guess = f"did you mean {close[0]!r}? " if close else ""
    return f" ({guess}allowed: {', '.join(allowed)})"


def _step(annotation: Any, item: Any) -> Iterator[Any]:
    for option in _members(annotation):
        if _is_model(option):
            yield from _into_model(option, item)
            continue
        origin, args = typing.get_origin(option), typing.get_args(option)
        if isinstance(item, int) and origin in (list, tuple, Sequence) and args:
            yield args[0]
        elif isinstance(item, str) and origin in (dict, Mapping) and len(args) == 2:
            yield args[1]


def _into_model(model: type[BaseModel], item: Any) -> Iterator[Any]:
    if not isinstance(item, str):
        return
    for name, info in model.model_fields.items():
        if item in (name, info.alias):
            yield info.annotation
            return
    if any(item in _literals(model, tag) for tag in _TAGS):
        yield model  # a union's tag value in the location: this member was chosen


def _literals(model: type[BaseModel], field: str) -> tuple[Any, ...]:
    info = model.model_fields.get(field)
    if info is None:
        return ()
    return tuple(
        value
        for option in _members(info.annotation)
        if typing.get_origin(option) is typing.Literal
        for value in typing.get_args(option)
    )


def _members(annotation: Any) -> list[Any]:
    """``annotation`` without ``Annotated``, ``Optional``, unions and named aliases
    (``TypeAliasType``, as the API's ``BranchStep``): the types it allows."""
    if type(annotation).__name__ == "TypeAliasType":
        return _members(annotation.__value__)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [] if annotation is type(None) else [annotation]


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)
