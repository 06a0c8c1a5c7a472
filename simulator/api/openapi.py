"""The API's OpenAPI document and request-error translation.

Every operation documents the error envelope for each status it can answer; FastAPI's
default ``422`` entries are removed because this API answers request validation
errors with ``400 invalid_request`` (see :mod:`simulator.api.errors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from simulator.api.errors import ErrorBody, InvalidJson, InvalidRequest
from simulator.docstrings import add_field_docstrings, models_of
from simulator.errors import JourneySimError
from simulator.models.base import Model

__all__ = ["DESCRIPTION", "TAGS", "document", "errors", "json_pointer", "request_error"]

DESCRIPTION = """\
The Journeys API of Adaptive Journeys, served by journeysim on DynamoDB (moto
in-process by default). Authenticate with `Authorization: Bearer <member token>` or a
`session` cookie. Every error is `{"error", "code", "status", "details"}`.
"""

TAGS = [
    {"name": "journeys", "description": "Authoring, lifecycle, audit and dry-runs."},
    {"name": "workspace", "description": "Read-only workspace documents for dashboards."},
]

_MEANINGS = {
    400: "Malformed request (invalid_json, invalid_request, nesting_too_deep, "
    "too_many_steps, invalid_subject, unknown_override) or refused publish "
    "(validation_failed, send_step_uses_transactional_comm) with details.",
    401: "Missing or unknown credentials (unauthorized).",
    402: "Published-journey limit of the tier reached (tier_limit_exceeded; only when "
    "the tier gate is switched on).",
    403: "The role may not do this (forbidden, overrides_require_owner).",
    404: "No such journey in this workspace, or no such version, draft or subject.",
    409: "Conflict: draft_conflict (details carry the current updatedAt), "
    "invalid_transition, no_draft, draft_exists, journey_exists, journey_archived.",
    413: "Request body over the limit, or journey too large to store.",
    503: "The journey store is unavailable.",
}
_ALWAYS = (400, 401, 413, 503)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the envelope for each status it may answer."""
    return {
        status: {"model": ErrorBody, "description": _MEANINGS[status]}
        for status in sorted({*_ALWAYS, *statuses})
    }


def document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, built once, without FastAPI's 422 responses."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
        components = schema.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        add_field_docstrings(components, models_of(Model), sort=False)
        app.openapi_schema = schema
    return app.openapi_schema


def request_error(
    problems: Iterable[Mapping[str, Any]], body: Any = None, content_type: str | None = None
) -> JourneySimError:
    """FastAPI's validation errors as one ``invalid_json`` or ``invalid_request`` error.

    FastAPI parses a body as JSON only when it is declared as JSON (or not declared at
    all); any other declared type reaches validation as raw bytes, which is reported as
    the wrong ``Content-Type`` rather than as a body that is "not an object".

    >>> error = request_error([{"type": "model_attributes_type", "loc": ("body",)}],
    ...                       b'{"name": "x"}', "text/plain")
    >>> error.message
    'the request body must be JSON sent with Content-Type: application/json, not text/plain'
    """
    problems = list(problems)
    if isinstance(body, bytes | bytearray) and body and content_type:
        return InvalidRequest(
            "the request body must be JSON sent with Content-Type: application/json, "
            f"not {content_type}",
            details=[
                {
                    "in": "header",
                    "path": "/content-type",
                    "message": f"expected application/json, got {content_type}",
                    "type": "content_type",
                }
            ],
        )
    for problem in problems:
        if problem.get("type") == "json_invalid":
            reason = (problem.get("ctx") or {}).get("error", "invalid JSON")
            position = problem.get("loc", ("body", 0))[-1]
            return InvalidJson(
                f"the request body is not valid JSON: {reason} at character {position}",
                details=[{"message": reason, "position": position}],
            )
    details = []
    for problem in problems:
        where, *loc = problem.get("loc", ("body",))
        details.append(
            {
                "in": where,
                "path": json_pointer(loc, body if where == "body" else None),
                "message": problem.get("msg", "invalid value"),
                "type": problem.get("type", "value_error"),
            }
        )
    summary = "; ".join(f"{d['in']} {d['path'] or '/'}: {d['message']}" for d in details[:3])
    more = f" (and {len(details) - 3} more)" if len(details) > 3 else ""
    return InvalidRequest(f"invalid request: {summary}{more}", details=details)


def json_pointer(loc: Sequence[Any], document: Any = None) -> str:
    """A pydantic error location as a JSON pointer into the request, skipping the tags
    of discriminated unions (``steps, 0, send, next`` → ``/steps/0/next``).

    >>> json_pointer(["steps", 0, "send", "next"], {"steps": [{"type": "send"}]})
    '/steps/0/next'
    >>> json_pointer(["a~b", "c/d"])
    '/a~0b/c~1d'
    """
    tokens: list[str] = []
    node = document
    for item in loc:
        if isinstance(node, Mapping) and item not in node and _is_tag(node, item):
            continue
        tokens.append(str(item).replace("~", "~0").replace("/", "~1"))
        if isinstance(node, Mapping):
            node = node.get(item)
        elif isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
            node = node[item]
        else:
            node = None
    return "".join(f"/{token}" for token in tokens)


def _is_tag(node: Mapping, item: Any) -> bool:
    return any(node.get(field) == item for field in ("type", "mode", "kind"))
