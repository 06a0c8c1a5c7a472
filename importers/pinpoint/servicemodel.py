"""Check JSON against the Pinpoint service model that ships inside botocore.

botocore's ``pinpoint/2016-12-01/service-2.json`` is the authority for what a valid
export is: structure members (case-sensitive: ``EMAIL`` not ``Email``, ``Wait`` not
``WAIT``), lists, maps, strings and their enums, integers, doubles, booleans and
timestamps. :func:`check` walks a JSON value against a named shape and reports every
problem at its JSON pointer; nothing is guessed. A few string members carry a format
the model only states in prose (ISO-8601 durations in ``WaitFor``, ``HH:MM`` quiet
times), and those are checked too.

``null`` stands for "absent": an optional member set to ``null`` is accepted, a
required one is reported missing. The exception is response-only metadata
(:data:`RESPONSE_METADATA`: ``CreationDate``, ``LastModifiedDate``, ``Arn``): the
service writes it, hand-written and infrastructure-as-code exports leave it out, and
the translation needs none of it, so its absence is one ``missing_response_metadata``
note per object (info), not a problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from simulator.codes import ImportCode
from simulator.durations import parse_duration
from simulator.validation.pointers import join

__all__ = [
    "RESPONSE_METADATA",
    "Problem",
    "check",
    "export_shape",
    "pointer",
    "service_shapes",
    "without_response_metadata",
]

RESPONSE_METADATA = frozenset({"CreationDate", "LastModifiedDate", "Arn"})
"""Required members only the service fills in; missing, they are noted, not refused."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One way the input departs from the service model, at a JSON pointer."""

    pointer: str
    code: ImportCode
    message: str


@cache
def service_shapes() -> Mapping[str, Mapping[str, Any]]:
    """The shapes of botocore's Pinpoint service model (loaded once)."""
    from botocore.loaders import Loader

    return Loader().load_service_model("pinpoint", "service-2")["shapes"]


pointer = join
"""``base`` extended by RFC 6901 tokens: ``pointer("/Activities", "a/b", "EMAIL")`` is
``/Activities/a~1b/EMAIL`` (the validator's :func:`~simulator.validation.pointers.join`)."""


# Formats the model states only in documentation: (shape, member) -> format.
_FORMATS = {
    ("WaitTime", "WaitFor"): "duration",
    ("WaitTime", "WaitUntil"): "timestamp",
    ("JourneyLimits", "EndpointReentryInterval"): "duration",
    ("JourneyResponse", "RefreshFrequency"): "duration",
    ("WriteJourneyRequest", "RefreshFrequency"): "duration",
    ("QuietTime", "Start"): "hhmm",
    ("QuietTime", "End"): "hhmm",
    ("OpenHoursRule", "StartTime"): "hhmm",
    ("OpenHoursRule", "EndTime"): "hhmm",
    ("ClosedDaysRule", "StartDateTime"): "timestamp",
    ("ClosedDaysRule", "EndDateTime"): "timestamp",
}
# Where a misplaced next pointer belongs, by the shape it was found in.
_NEXT_HINTS = {
    "NextActivity": {
        "Activity": (
            "NextActivity goes inside the activity's type object, e.g. "
            '{"EMAIL": {"TemplateName": "...", "NextActivity": "next-id"}}'
        ),
        "ConditionalSplitActivity": (
            "a yes/no split continues with TrueActivity and FalseActivity, not NextActivity"
        ),
        "MultiConditionalSplitActivity": (
            "each of Branches has its own NextActivity; DefaultActivity takes everyone else"
        ),
        "RandomSplitActivity": "each of Branches has its own NextActivity (with its Percentage)",
        "WriteJourneyRequest": "the first activity is StartActivity; NextActivity belongs to "
        "an activity's type object",
        "JourneyResponse": "the first activity is StartActivity; NextActivity belongs to "
        "an activity's type object",
    },
}
_NEXT_HINTS["DefaultActivity"] = {
    "ConditionalSplitActivity": "a yes/no split continues with TrueActivity and FalseActivity",
    "Activity": "DefaultActivity goes inside the MultiCondition object",
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}


def check(value: Any, shape: str, at: str = "") -> list[Problem]:
    """Every problem of ``value`` against the service-model shape named ``shape``.

    >>> [p.message for p in check({"Email": {}}, "Activity")]
    ["'Email' is not a member of Activity; keys are case-sensitive: did you mean 'EMAIL'?"]
    >>> check({"WaitTime": {"WaitFor": "P1D"}}, "WaitActivity")
    []
    """
    problems: list[Problem] = []
    _check(value, shape, at, problems, fmt=None)
    return problems


def export_shape(document: Any) -> str | None:
    """The shape a journey export should be checked against, from its top-level keys.

    ``get-journey`` output is a ``GetJourneyResponse``, ``list-journeys`` output a
    ``ListJourneysResponse``; ``create-journey --cli-input-json`` input
    (``{ApplicationId, WriteJourneyRequest}``) a ``CreateJourneyRequest``, or an
    ``UpdateJourneyRequest`` when it names a ``JourneyId``; an object carrying ``Id`` or
    ``ApplicationId`` is a bare
    ``JourneyResponse``; anything else is a ``WriteJourneyRequest``. Wrapper keys are
    recognised in any casing, so a mis-cased wrapper is reported rather than misread.

    >>> export_shape({"JourneysResponse": {"Item": []}})
    'ListJourneysResponse'
    >>> export_shape({"Name": "n"})
    'WriteJourneyRequest'
    >>> export_shape({"ApplicationId": "a", "WriteJourneyRequest": {"Name": "n"}})
    'CreateJourneyRequest'
    >>> export_shape([]) is None
    True
    """
    if not isinstance(document, Mapping):
        return None
    keys = {str(key).lower() for key in document}
    if "journeyresponse" in keys:
        return "GetJourneyResponse"
    if "journeysresponse" in keys:
        return "ListJourneysResponse"
    if "writejourneyrequest" in keys:
        return "UpdateJourneyRequest" if "journeyid" in keys else "CreateJourneyRequest"
    if keys & {"id", "applicationid"}:
        return "JourneyResponse"
    return "WriteJourneyRequest"


def _check(value: Any, shape_name: str, at: str, out: list[Problem], fmt: str | None) -> None:
    shape = service_shapes()[shape_name]
    kind = shape["type"]
    if kind == "structure":
        _structure(value, shape_name, shape, at, out)
    elif kind == "list":
        if not isinstance(value, list):
            out.append(_wrong_type(value, "a list", at))
            return
        for index, item in enumerate(value):
            if item is not None:
                _check(item, shape["member"]["shape"], pointer(at, index), out, None)
            else:
                out.append(_wrong_type(item, "a list item", pointer(at, index)))
    elif kind == "map":
        _map(value, shape, at, out)
    else:
        _scalar(value, shape, at, out, fmt)


def _structure(value: Any, name: str, shape: Mapping, at: str, out: list[Problem]) -> None:
    if not isinstance(value, Mapping):
        out.append(_wrong_type(value, f"an object ({name})", at))
        return
    members: Mapping[str, Any] = shape.get("members", {})
    for key, item in value.items():
        member = members.get(key)
        target = key
        if member is None:
            target = _report_unknown_key(str(key), name, members, at, out)
            member = members.get(target) if target else None
        if member is not None and item is not None:
            fmt = _FORMATS.get((name, target))
            _check(item, member["shape"], pointer(at, key), out, fmt)
    metadata: list[str] = []
    for required in shape.get("required", []):
        if value.get(required) is None and not _present_miscased(value, required):
            if required in RESPONSE_METADATA:
                metadata.append(required)
                continue
            message = f"{name} needs {required!r}, which is missing"
            out.append(Problem(at, ImportCode.MISSING_REQUIRED, message))
    if metadata:
        message = (
            f"{name} has no {' or '.join(metadata)}: response-only metadata the service "
            "writes, not needed to translate"
        )
        out.append(Problem(at, ImportCode.MISSING_RESPONSE_METADATA, message))


def without_response_metadata(document: Any) -> tuple[Any, bool]:
    """``document`` without the top-level ``ResponseMetadata`` boto3 adds to every answer.

    ``json.dumps(client.get_journey(...))`` keeps the HTTP request id, status and
    headers beside ``JourneyResponse``: none of it is part of the export.

    >>> without_response_metadata({"JourneyResponse": {}, "ResponseMetadata": {}})
    ({'JourneyResponse': {}}, True)
    >>> without_response_metadata([1])
    ([1], False)
    """
    if not isinstance(document, Mapping) or "ResponseMetadata" not in document:
        return document, False
    return {k: v for k, v in document.items() if k != "ResponseMetadata"}, True


def _present_miscased(value: Mapping, member: str) -> bool:
    return any(str(key).lower() == member.lower() for key in value if key != member)


def _report_unknown_key(
    key: str, shape_name: str, members: Mapping[str, Any], at: str, out: list[Problem]
) -> str | None:
    """Report an unknown key; return the member it was meant to be, if that is clear."""
    where = pointer(at, key)
    same_letters = [m for m in members if m.lower() == key.lower()]
    if same_letters:
        message = (
            f"{key!r} is not a member of {shape_name}; keys are case-sensitive: "
            f"did you mean {same_letters[0]!r}?"
        )
        out.append(Problem(where, ImportCode.MISCASED_KEY, message))
        return same_letters[0]
    close = difflib.get_close_matches(key, list(members), n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {_listing(members)}"
    if key in _NEXT_HINTS and key not in members and shape_name in _NEXT_HINTS[key]:
        hint = "; " + _NEXT_HINTS[key][shape_name]
    message = f"{key!r} is not a member of {shape_name}{hint}"
    out.append(Problem(where, ImportCode.UNKNOWN_KEY, message))
    return None


def _map(value: Any, shape: Mapping, at: str, out: list[Problem]) -> None:
    if not isinstance(value, Mapping):
        out.append(_wrong_type(value, "an object (map)", at))
        return
    key_shape = service_shapes()[shape["key"]["shape"]]
    allowed = key_shape.get("enum")
    for key, item in value.items():
        if allowed and key not in allowed:
            out.append(_not_allowed(key, allowed, pointer(at, key), "key"))
        if item is None:
            out.append(_wrong_type(item, "a value", pointer(at, key)))
            continue
        _check(item, shape["value"]["shape"], pointer(at, key), out, None)


def _scalar(value: Any, shape: Mapping, at: str, out: list[Problem], fmt: str | None) -> None:
    kind = shape["type"]
    if kind == "string":
        if not isinstance(value, str):
            out.append(_wrong_type(value, "a string", at))
        elif shape.get("enum") and value not in shape["enum"]:
            out.append(_not_allowed(value, shape["enum"], at, "value"))
        elif fmt is not None:
            _format(value, fmt, at, out)
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(_wrong_type(value, "an integer", at))
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(_wrong_type(value, "a number", at))
    elif kind == "boolean":
        if not isinstance(value, bool):
            out.append(_wrong_type(value, "a boolean (true or false)", at))
    elif kind == "timestamp":
        _timestamp(value, shape, at, out)


def _timestamp(value: Any, shape: Mapping, at: str, out: list[Problem]) -> None:
    if shape.get("timestampFormat") == "unixTimestamp":
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(_wrong_type(value, "a Unix timestamp (number)", at))
    elif not isinstance(value, str):
        out.append(_wrong_type(value, "an ISO-8601 timestamp string", at))
    else:
        _format(value, "timestamp", at, out)


def _format(value: str, fmt: str, at: str, out: list[Problem]) -> None:
    if fmt == "duration":
        try:
            parse_duration(value)
        except ValueError as exc:
            out.append(Problem(at, ImportCode.NOT_ISO_DURATION, str(exc)))
    elif fmt == "timestamp":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            message = f"{value!r} is not an ISO-8601 timestamp (e.g. 2026-05-01T09:00:00Z)"
            out.append(Problem(at, ImportCode.NOT_ISO_TIMESTAMP, message))
    elif fmt == "hhmm" and not _HHMM.match(value):
        message = f"{value!r} is not a 24-hour time HH:MM (e.g. 21:30)"
        out.append(Problem(at, ImportCode.NOT_HHMM_TIME, message))


def _wrong_type(value: Any, expected: str, at: str) -> Problem:
    actual = "null" if value is None else _JSON_TYPES.get(type(value), "a number")
    return Problem(at, ImportCode.WRONG_TYPE, f"expected {expected}, found {actual}")


def _not_allowed(value: Any, allowed: list[str], at: str, what: str) -> Problem:
    same = [a for a in allowed if isinstance(value, str) and a.lower() == value.lower()]
    hint = f"did you mean {same[0]!r}?" if same else f"expected one of {_listing(allowed)}"
    return Problem(at, ImportCode.VALUE_NOT_ALLOWED, f"{what} {value!r} is not allowed; {hint}")


def _listing(names: Any) -> str:
    names = sorted(names)
    shown = ", ".join(names[:12])
    return shown + (", ..." if len(names) > 12 else "")
