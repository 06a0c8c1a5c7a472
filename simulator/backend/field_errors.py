"""A request body's field problems in words a user can act on, as the CLI says them.

pydantic's own messages name no field and suggest nothing (``Extra inputs are not
permitted``). An unknown field here reads as ``journeysim validate`` and ``journeysim
run`` put it: the field, the allowed field closest to it, and every allowed one, from
the body's model at that place (:func:`simulator.validation.fields.unknown_field_hint`).
Common constraint and type problems are said as the CLI says them (``must not be
empty``, ``must be at least 0``, ``must be a string, not a number``:
:func:`simulator.validation.wording.in_words`); the rest keep the words the model's own
validators give (timestamps, durations and versions say what they expect in
:mod:`.wire`) or pydantic's. A pattern mismatch quotes the pattern the OpenAPI document
shows for the field, when its type documents one (:func:`_documented_pattern`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, WithJsonSchema

from simulator.engine.detectors import scrub_id
from simulator.suggestions import closest
from simulator.validation.fields import allowed_fields, unknown_field_hint
from simulator.validation.wording import in_words

__all__ = ["field_message", "unknown_field_extra"]


def field_message(
    error: Mapping[str, Any], root: type[BaseModel] | None, loc: Sequence[Any]
) -> str:
    """The message for one pydantic error at ``loc`` (the body's, without ``"body"``)
    of a body validated as ``root`` (``None`` when unknown).

    >>> from simulator.backend.wire import SimulateRequest
    >>> print(field_message({"type": "extra_forbidden", "msg": "Extra inputs are not "
    ...       "permitted"}, SimulateRequest, ("subjectID",)))  # doctest: +ELLIPSIS
    unknown field 'subjectID' (did you mean 'subjectId'? allowed: at, futureEvents, ...)
    """
    if error.get("type") == "missing" and not loc:
        return "the request needs a JSON body"
    documented = _documented_pattern(root, loc)
    if error.get("type") == "string_pattern_mismatch" and documented is not None:
        error = {**error, "ctx": {**(error.get("ctx") or {}), "pattern": documented}}
    if error.get("type") != "extra_forbidden" or not loc:
        return in_words(error) or error.get("msg", "invalid value")
    # A stray key may be an e-mail address or a phone number: masked as ids are.
    return f"unknown field {scrub_id(str(loc[-1]))!r}{unknown_field_hint(root, loc)}"


def unknown_field_extra(
    error: Mapping[str, Any], root: type[BaseModel] | None, loc: Sequence[Any]
) -> dict[str, Any]:
    """Machine-readable extras of an unknown field's detail: ``allowed`` (the field
    names the object takes) and ``suggestion`` (the closest, or ``None``); ``{}`` for
    any other problem or when the model is not known.

    >>> from simulator.backend.wire import PatchJourney
    >>> unknown_field_extra({"type": "extra_forbidden"}, PatchJourney, ("nam",))["suggestion"]
    'name'
    """
    if error.get("type") != "extra_forbidden" or root is None or not loc:
        return {}
    allowed = allowed_fields(root, loc)
    if not allowed:
        return {}
    return {"allowed": allowed, "suggestion": closest(str(loc[-1]), allowed)}


def _documented_pattern(root: type[BaseModel] | None, loc: Sequence[Any]) -> str | None:
    """The ``pattern`` the OpenAPI document shows for the top-level field ``loc`` of
    ``root``, when its type gives its documented schema (``WithJsonSchema``), else
    ``None``.

    The validator may be looser than the document so that a later check refuses some
    values with their own code: a create body's journey id may start with ``_`` there,
    to be refused as ``400 reserved_journey_id``. What is accepted in the end is the
    documented pattern, so that is the one a mismatch quotes.

    >>> from simulator.backend.wire import CreateJourney
    >>> _documented_pattern(CreateJourney, ("id",))
    '^[A-Za-z0-9][A-Za-z0-9_.-]*$'
    >>> _documented_pattern(CreateJourney, ("name",)) is None
    True
    """
    if root is None or len(loc) != 1:
        return None
    for name, info in root.model_fields.items():
        if loc[0] in (name, info.alias):
            return _schema_pattern(info.annotation)
    return None


def _schema_pattern(annotation: Any) -> str | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, WithJsonSchema) and isinstance(meta.json_schema, dict):
                pattern = meta.json_schema.get("pattern")
                return pattern if isinstance(pattern, str) else None
        return None
    if origin in (typing.Union, types.UnionType):
        found = (_schema_pattern(arg) for arg in typing.get_args(annotation))
        return next((pattern for pattern in found if pattern is not None), None)
    return None
