"""Trigger contracts: which event starts a journey and how to read it (SPEC §1.4)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from simulator.models.base import DocumentModel

__all__ = ["JsonType", "TriggerContract", "has_json_type", "json_type_of"]

JsonType = Literal["string", "number", "integer", "boolean", "object", "array", "null"]


def has_json_type(value: Any, kind: str) -> bool:
    """Whether a parsed JSON ``value`` is of the JSON Schema type ``kind`` (booleans are
    no numbers; an integer is a number too).

    >>> [has_json_type(v, "number") for v in (1, 2.5, "12", True)]
    [True, True, False, False]
    >>> has_json_type(3, "integer"), has_json_type(3.5, "integer"), has_json_type(None, "null")
    (True, False, True)
    """
    match kind:
        case "string":
            return isinstance(value, str)
        case "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "boolean":
            return isinstance(value, bool)
        case "object":
            return isinstance(value, dict)
        case "array":
            return isinstance(value, list)
    return value is None


def json_type_of(value: Any) -> str:
    """The JSON type a parsed value has, in the words a contract uses.

    >>> [json_type_of(v) for v in ("12", 12, 1.5, False, None, [], {})]
    ['a string', 'an integer', 'a number', 'a boolean', 'null', 'an array', 'an object']
    """
    for kind, shown in (
        ("boolean", "a boolean"),
        ("integer", "an integer"),
        ("number", "a number"),
        ("string", "a string"),
        ("array", "an array"),
        ("object", "an object"),
    ):
        if has_json_type(value, kind):
            return shown
    return "null" if value is None else type(value).__name__


class TriggerContract(DocumentModel):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    event_name: str = Field(min_length=1)
    subject_field_path: str = "endUserId"
    """Dotted path in the event payload that names the subject."""
    recipient_email_field_path: str | None = None
    version_at: AwareDatetime
    """Version stamp; journeys pin it at publish."""
    required_properties: dict[str, JsonType] | None = None
