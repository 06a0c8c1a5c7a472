"""Trigger contracts: which event starts a journey and how to read it (SPEC §1.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field

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


def _in_calendar(moment: datetime) -> datetime:
    from simulator.durations import in_calendar

    if not in_calendar(moment):  # kept, pinned and compared in UTC
        raise ValueError(f"{moment.isoformat()} is outside the calendar in UTC (years 1 to 9999)")
    return moment


VersionStamp = Annotated[AwareDatetime, AfterValidator(_in_calendar)]
"""A timestamp with an offset whose instant is in years 1 to 9999 *in UTC*
(``9999-12-31T23:59:59-05:00`` is year 10000 there), as a wait's ``until`` must be:
a stamp pinned at publish is compared in UTC, where that one cannot be written.

Digits past the microsecond are accepted and dropped, as in a wait's ``until`` and
every other timestamp journeysim reads (its times hold microseconds), by the API and
``journeysim validate`` alike: they name no instant the simulator can tell apart."""


class TriggerContract(DocumentModel):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    event_name: str = Field(min_length=1)
    subject_field_path: str = "endUserId"
    """Dotted path in the event payload that names the subject."""
    recipient_email_field_path: str | None = None
    version_at: VersionStamp
    """Version stamp; journeys pin it at publish. Its instant must be in years 1 to
    9999 in UTC."""
    required_properties: dict[str, JsonType] | None = None
