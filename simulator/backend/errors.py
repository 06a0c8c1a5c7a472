"""The Journeys API's errors: subclasses of :mod:`simulator.errors`, one per code.

Every error leaves the API as the envelope of SPEC §5::

    {"error": "<message>", "code": "<snake_case>", "status": <int>, "details": [...]}

Request validation: a body that is not JSON is ``400 invalid_json``; wrong types,
missing or unknown fields, bad query parameters are ``400 invalid_request``.

Every error about a place in the request says where, in ``details``, in one form
(:func:`problem`): ``{"in", "path", "message", "type"}``, ``in`` one of ``body``,
``query``, ``path``, ``header``, and ``path`` a JSON pointer into it (``""`` the whole
body; a path parameter is named as the OpenAPI document names it, ``/journey_id``).
Some add what a client needs: ``line``/``column`` (and ``position``) of a body that is
not JSON or repeats a key, ``key`` (the repeated one), ``limit`` (size and depth
limits), ``suggestion`` (a did-you-mean), ``updatedAt`` (a draft conflict's current
stamp). An error raised with a ``location`` and no details gets that one
detail, with the body pointer it names (``"to"`` or ``"/to"`` is ``/to``). The API
answers **400, never 422**: the hosted API and SPEC §5 treat all malformed input as a
400, and clients need only one status for "fix your request".

Limits (:class:`simulator.backend.settings.ApiSettings`): a body over ``max_body_bytes``
(1 MiB) is ``413 payload_too_large``; JSON nested deeper than ``max_json_depth`` (64)
is ``400 nesting_too_deep``; a journey over ``max_steps`` (1,000) steps is
``400 too_many_steps``; a journey whose stored form would pass DynamoDB's 400 KB item
limit is ``413 journey_too_large``.

A request that declares a ``Content-Encoding`` other than ``identity`` is
``415 unsupported_content_encoding`` (its detail in ``header`` at
``/content-encoding``, the answer's ``Accept-Encoding: identity`` as RFC 9110 §15.5.16
asks), whatever its body: the API reads bodies as sent and does not decompress them
(an inflated body would escape the size limit, the zip bomb), and a body that says it
is compressed and is not was mislabelled by its client.

Additions to the tree of :mod:`simulator.errors`::

    JourneySimError
    ├── Unauthorized (PermissionError)          401 unauthorized
    │   └── AmbiguousCredentials                401 ambiguous_credentials
    ├── Forbidden (PermissionError)             403 forbidden
    │   └── OverridesRequireOwner               403 overrides_require_owner
    ├── TierLimitExceeded                       402 tier_limit_exceeded
    ├── Conflict                                409 (subclasses carry the code)
    │   ├── DraftConflict                       409 draft_conflict (current updatedAt)
    │   ├── InvalidTransition                   409 invalid_transition
    │   ├── NoDraft / DraftExists               409 no_draft / draft_exists
    │   ├── JourneyExists / JourneyArchived     409 journey_exists / journey_archived
    │   ├── ImportConflict                      409 import_conflict
    │   ├── ExecutionNotDue                     409 execution_not_due (wakeAt, now)
    │   ├── EventIdConflict                     409 event_id_conflict (at /id)
    │   └── ConcurrentModification              409 concurrent_modification
    ├── MethodNotAllowed                        405 method_not_allowed
    ├── StoreUnavailable                        503 store_unavailable
    ├── UsageError
    │   ├── InvalidRequest                      400 invalid_request
    │   ├── TooManySteps                        400 too_many_steps
    │   ├── ReservedJourneyId                   400 reserved_journey_id
    │   └── InvalidSubject                      400 invalid_subject
    ├── InputError
    │   ├── InvalidJson                         400 invalid_json
    │   ├── DuplicateKey                        400 invalid_document (as the CLI)
    │   ├── NestingTooDeep                      400 nesting_too_deep
    │   ├── PayloadTooLarge                     413 payload_too_large
    │   │   └── JourneyTooLarge                 413 journey_too_large
    │   └── UnsupportedContentEncoding          415 unsupported_content_encoding
    └── NotFoundError
        ├── RouteNotFound                       404 not_found
        ├── JourneyNotFound                     404 journey_not_found
        ├── VersionNotFound / DraftNotFound     404 version_not_found / draft_not_found
        └── SubjectNotFound                     404 subject_not_found
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from simulator.codes import ApiErrorCode as C
from simulator.engine.detectors import scrub_id
from simulator.errors import InputError, JourneySimError, NotFoundError, UsageError

__all__ = [
    "AmbiguousCredentials",
    "ConcurrentModification",
    "Conflict",
    "DraftConflict",
    "DraftExists",
    "DraftNotFound",
    "DuplicateKey",
    "ErrorBody",
    "EventIdConflict",
    "ExecutionNotDue",
    "Forbidden",
    "InvalidJson",
    "InvalidRequest",
    "InvalidSubject",
    "InvalidTransition",
    "JourneyArchived",
    "JourneyExists",
    "JourneyNotFound",
    "JourneyTooLarge",
    "MethodNotAllowed",
    "NestingTooDeep",
    "NoDraft",
    "OverridesRequireOwner",
    "PayloadTooLarge",
    "ReservedJourneyId",
    "RouteNotFound",
    "StoreUnavailable",
    "SubjectNotFound",
    "TierLimitExceeded",
    "TooManySteps",
    "Unauthorized",
    "UnsupportedContentEncoding",
    "VersionNotFound",
    "body_pointer",
    "envelope",
    "problem",
    "refuse_unknown",
]


class ErrorBody(BaseModel):
    """The error envelope every non-2xx response carries."""

    error: str
    """Human-readable message; may change between releases."""
    code: str
    """Stable machine-readable code."""
    status: int
    details: list[Any] = Field(default_factory=list)
    """Validation findings, or where the request is wrong: ``{"in": "body" | "query" |
    "path" | "header", "path": <JSON pointer>, "message", "type", ...}`` with extras
    such as ``line``/``column``, ``key``, ``limit``, ``given`` or a draft conflict's
    current ``updatedAt``."""


def problem(
    path: str, message: str, kind: str, *, where: str = "body", **extra: Any
) -> dict[str, Any]:
    """One detail of the common form: where in the request (``where``, a JSON pointer
    ``path``), what is wrong (``message``) and its ``type``, then ``extra`` fields.

    >>> problem("/to", "cannot go back", "clock_cannot_go_back")
    {'in': 'body', 'path': '/to', 'message': 'cannot go back', 'type': 'clock_cannot_go_back'}
    """
    return {"in": where, "path": path, "message": message, "type": kind, **extra}


def body_pointer(location: str) -> str:
    """A body location as a JSON pointer: ``""`` and ``/a/b`` are one already; a bare
    field name (``to``, ``bundle/journeys/0``) gets its leading slash.

    >>> body_pointer("to"), body_pointer("/to"), body_pointer("")
    ('/to', '/to', '')
    """
    return location if not location or location.startswith("/") else f"/{location}"


def refuse_unknown(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """``400 invalid_request`` at the first field ``body`` should not have, naming the
    allowed ones. The name is masked as ids are: a stray key may be an e-mail address.

    >>> try:
    ...     refuse_unknown({"id": "e1", "ana@example.com": 1}, ("id", "name"))
    ... except InvalidRequest as error:
    ...     print(error.location, error.message)
    /a•••@e•••.com unknown field 'a•••@e•••.com'; allowed: id, name
    """
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        shown = scrub_id(unknown[0])
        raise InvalidRequest(
            f"unknown field {shown!r}; allowed: {', '.join(allowed)}",
            location="/" + shown.replace("~", "~0").replace("/", "~1"),
        )


def envelope(error: JourneySimError) -> dict[str, Any]:
    details = list(error.details)
    if not details and error.location is not None and error.status < 500:
        details = [problem(body_pointer(error.location), error.message, str(error.code))]
    return {
        "error": error.message,
        "code": str(error.code),
        "status": error.status,
        "details": details,
    }


class Unauthorized(JourneySimError, PermissionError):
    code = C.UNAUTHORIZED
    status = 401


class AmbiguousCredentials(Unauthorized):
    code = C.AMBIGUOUS_CREDENTIALS


class Forbidden(JourneySimError, PermissionError):
    code = C.FORBIDDEN
    status = 403


class OverridesRequireOwner(Forbidden):
    code = C.OVERRIDES_REQUIRE_OWNER


class TierLimitExceeded(JourneySimError):
    code = C.TIER_LIMIT_EXCEEDED
    status = 402


class Conflict(JourneySimError):
    code = C.CONFLICT
    status = 409


class DraftConflict(Conflict):
    code = C.DRAFT_CONFLICT

    def __init__(self, current_updated_at: str) -> None:
        message = "the draft changed since you read it: reload it and re-apply your edit"
        super().__init__(
            message,
            details=[
                problem(
                    "/updatedAt",
                    f"the draft's updatedAt is now {current_updated_at}",
                    str(self.code),
                    updatedAt=current_updated_at,
                )
            ],
        )
        self.current_updated_at = current_updated_at


class ImportConflict(Conflict):
    code = C.IMPORT_CONFLICT


class ExecutionNotDue(Conflict):
    """A dispatch of an execution that is not due: its wake-up is after the clock's
    now, and nothing runs ahead of the clock. The detail carries both times."""

    code = C.EXECUTION_NOT_DUE

    def __init__(self, wake_at: str, now: str, *, awaits: str | None = None) -> None:
        message = (
            f"the execution is not due until {wake_at} and the clock is at {now}: nothing "
            "runs ahead of the clock; move it (POST /api/_sim/clock/advance), and the "
            "execution runs when the clock reaches its wake-up"
        )
        if awaits is not None:
            message += f", or post the {awaits!r} event it awaits"
        detail = problem("/executionArn", message, str(self.code), wakeAt=wake_at, now=now)
        super().__init__(message, details=[detail])
        self.wake_at, self.now = wake_at, now


class EventIdConflict(Conflict):
    """An inbound event whose id was used for another event: the same id with the same
    event is a retry, answered again; with another one it would be swallowed as a retry
    and answered with what the first event did, so it is refused. The message does not
    echo the id (an event id may name the person, as execution names do)."""

    code = C.EVENT_ID_CONFLICT

    def __init__(self) -> None:
        message = (
            "this event id was used for another event (another name, time, end user or "
            "properties): give each event its own id; a retry sends the same event again"
        )
        super().__init__(message, details=[problem("/id", message, str(self.code))])


class InvalidTransition(Conflict):
    code = C.INVALID_TRANSITION


class NoDraft(Conflict):
    code = C.NO_DRAFT


class DraftExists(Conflict):
    code = C.DRAFT_EXISTS


class JourneyExists(Conflict):
    code = C.JOURNEY_EXISTS


class JourneyArchived(Conflict):
    code = C.JOURNEY_ARCHIVED


class ConcurrentModification(Conflict):
    code = C.CONCURRENT_MODIFICATION


class MethodNotAllowed(JourneySimError):
    code = C.METHOD_NOT_ALLOWED
    status = 405


class StoreUnavailable(JourneySimError):
    code = C.STORE_UNAVAILABLE
    status = 503


class InvalidRequest(UsageError):
    code = C.INVALID_REQUEST


class TooManySteps(UsageError):
    code = C.TOO_MANY_STEPS


class ReservedJourneyId(UsageError):
    code = C.RESERVED_JOURNEY_ID


class InvalidSubject(UsageError):
    code = C.INVALID_SUBJECT


class InvalidJson(InputError):
    code = C.INVALID_JSON


class DuplicateKey(InputError):
    code = C.INVALID_DOCUMENT


class NestingTooDeep(InputError):
    code = C.NESTING_TOO_DEEP


class PayloadTooLarge(InputError):
    code = C.PAYLOAD_TOO_LARGE
    status = 413


class UnsupportedContentEncoding(InputError):
    code = C.UNSUPPORTED_CONTENT_ENCODING
    status = 415


class JourneyTooLarge(PayloadTooLarge):
    code = C.JOURNEY_TOO_LARGE


class RouteNotFound(NotFoundError):
    code = C.NOT_FOUND


class JourneyNotFound(NotFoundError):
    code = C.JOURNEY_NOT_FOUND

    def __init__(self, journey_id: str) -> None:
        # A journey id cannot be an e-mail address or a phone number, but a path may
        # hold one (a subject id pasted in the wrong place): masked as ids are.
        message = f"no journey {scrub_id(journey_id)!r} in this workspace"
        super().__init__(
            message, details=[problem("/journey_id", message, str(self.code), where="path")]
        )


class VersionNotFound(NotFoundError):
    code = C.VERSION_NOT_FOUND


class DraftNotFound(NotFoundError):
    code = C.DRAFT_NOT_FOUND


class SubjectNotFound(NotFoundError):
    code = C.SUBJECT_NOT_FOUND
