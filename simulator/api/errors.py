"""The Journeys API's errors: subclasses of :mod:`simulator.errors`, one per code.

Every error leaves the API as the envelope of SPEC §5::

    {"error": "<message>", "code": "<snake_case>", "status": <int>, "details": [...]}

Request validation: a body that is not JSON is ``400 invalid_json``; wrong types,
missing or unknown fields, bad query parameters are ``400 invalid_request`` with one
``{"in", "path", "message", "type"}`` per problem (``path`` a JSON pointer). The API
answers **400, never 422**: the hosted API and SPEC §5 treat all malformed input as a
400, and clients need only one status for "fix your request".

Limits (:class:`simulator.api.settings.ApiSettings`): a body over ``max_body_bytes``
(1 MiB) is ``413 payload_too_large``; JSON nested deeper than ``max_json_depth`` (64)
is ``400 nesting_too_deep``; a journey over ``max_steps`` (1,000) steps is
``400 too_many_steps``; a journey whose stored form would pass DynamoDB's 400 KB item
limit is ``413 journey_too_large``.

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
    │   └── PayloadTooLarge                     413 payload_too_large
    │       └── JourneyTooLarge                 413 journey_too_large
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
    "VersionNotFound",
    "envelope",
]


class ErrorBody(BaseModel):
    """The error envelope every non-2xx response carries."""

    error: str
    """Human-readable message; may change between releases."""
    code: str
    """Stable machine-readable code."""
    status: int
    details: list[Any] = Field(default_factory=list)
    """Findings, field problems, or the current ``updatedAt`` of a conflict."""


def envelope(error: JourneySimError) -> dict[str, Any]:
    return {
        "error": error.message,
        "code": str(error.code),
        "status": error.status,
        "details": list(error.details),
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
        super().__init__(
            "the draft changed since you read it: reload it and re-apply your edit",
            details=[{"updatedAt": current_updated_at}],
        )
        self.current_updated_at = current_updated_at


class ImportConflict(Conflict):
    code = C.IMPORT_CONFLICT


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


class JourneyTooLarge(PayloadTooLarge):
    code = C.JOURNEY_TOO_LARGE


class RouteNotFound(NotFoundError):
    code = C.NOT_FOUND


class JourneyNotFound(NotFoundError):
    code = C.JOURNEY_NOT_FOUND

    def __init__(self, journey_id: str) -> None:
        # A journey id cannot be an e-mail address or a phone number, but a path may
        # hold one (a subject id pasted in the wrong place): masked as ids are.
        super().__init__(f"no journey {scrub_id(journey_id)!r} in this workspace")


class VersionNotFound(NotFoundError):
    code = C.VERSION_NOT_FOUND


class DraftNotFound(NotFoundError):
    code = C.DRAFT_NOT_FOUND


class SubjectNotFound(NotFoundError):
    code = C.SUBJECT_NOT_FOUND
