"""The API's OpenAPI document and request-error translation.

Every operation documents the error envelope for each status it can answer; FastAPI's
default ``422`` entries are removed because this API answers request validation
errors with ``400 invalid_request`` (see :mod:`simulator.backend.errors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from simulator.backend.errors import ErrorBody, InvalidJson, InvalidRequest, problem
from simulator.backend.field_errors import field_message, unknown_field_extra
from simulator.docstrings import add_field_docstrings, models_of
from simulator.engine.detectors import scrub_id
from simulator.errors import JourneySimError
from simulator.models.base import Model

__all__ = [
    "DESCRIPTION",
    "TAGS",
    "document",
    "errors",
    "json_pointer",
    "request_error",
    "require_discriminators",
]

DESCRIPTION = """\
The Journeys API of Adaptive Journeys, served by journeysim on DynamoDB (moto
in-process by default). Authenticate with `Authorization: Bearer <member token>` or a
`session` cookie. Every error is `{"error", "code", "status", "details"}`.
"""

TAGS = [
    {"name": "journeys", "description": "Authoring, lifecycle, audit and dry-runs."},
    {"name": "workspace", "description": "Read-only workspace documents for dashboards."},
    {"name": "runtime", "description": "Live executions and the stats of published journeys."},
    {
        "name": "internal",
        "description": "The runtime's own endpoints: bearer = the workspace's syncApiKey.",
    },
    {
        "name": "simulator",
        "description": "journeysim's clock, events and outbox: not part of the product API.",
    },
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
    "invalid_transition, no_draft, draft_exists, journey_exists, journey_archived, "
    "import_conflict, execution_not_due (details carry wakeAt and now), "
    "event_id_conflict (an event id already used for another event).",
    413: "Request body over the limit, or journey too large to store.",
    415: "A Content-Encoding other than identity (unsupported_content_encoding): send "
    "the body uncompressed.",
    503: "The journey store is unavailable.",
}
_ALWAYS = (400, 401, 413, 415, 503)


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
        require_discriminators(components)
        add_field_docstrings(components, models_of(Model), sort=False)
        app.openapi_schema = schema
    return app.openapi_schema


def require_discriminators(components: dict[str, Any]) -> None:
    """Mark every discriminator property required in the schemas its mapping names.

    The models give ``type``, ``mode`` and ``kind`` defaults, so pydantic documents
    them as optional; but a tagged union cannot pick a member without its tag, and the
    server refuses a step without ``type`` or a predicate without ``kind``. Members
    reached through a nested union (``branch`` → conditional or adaptive) get the
    outer tag too.

    >>> schemas = {"A": {"type": "object", "properties": {"t": {}}},
    ...            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}],
    ...                  "discriminator": {"propertyName": "t",
    ...                                    "mapping": {"a": "#/components/schemas/A"}}}}
    >>> require_discriminators(schemas)
    >>> schemas["A"]["required"]
    ['t']
    """

    def members(reference: str) -> Iterable[dict[str, Any]]:
        target = components.get(reference.rsplit("/", 1)[-1], {})
        nested = target.get("oneOf") or target.get("anyOf")
        if nested is None:
            yield target
            return
        for option in nested:
            if "$ref" in option:
                yield from members(option["$ref"])

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            discriminator = node.get("discriminator")
            if isinstance(discriminator, dict):
                name = discriminator["propertyName"]
                for reference in discriminator.get("mapping", {}).values():
                    for member in members(reference):
                        required = member.setdefault("required", [])
                        if name not in required:
                            required.append(name)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(components)


def request_error(
    problems: Iterable[Mapping[str, Any]],
    body: Any = None,
    content_type: str | None = None,
    model: type[BaseModel] | None = None,
) -> JourneySimError:
    """FastAPI's validation errors as one ``invalid_json`` or ``invalid_request`` error.
    ``model`` is the route's body model, when it has one: an unknown field's detail
    then names the field meant and those allowed (:mod:`simulator.backend.field_errors`).

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
                problem(
                    "/content-type",
                    f"expected application/json, got {content_type}",
                    "content_type",
                    where="header",
                )
            ],
        )
    for item in problems:
        if item.get("type") == "json_invalid":
            reason = (item.get("ctx") or {}).get("error", "invalid JSON")
            position = item.get("loc", ("body", 0))[-1]
            line, column = _line_column(body, position)
            return InvalidJson(
                # "Unterminated string starting at" + " at line 1" would say "at at"
                f"the request body is not valid JSON: {reason.removesuffix(' at')} "
                f"at line {line}, column {column}",
                details=[
                    problem("", reason, "json_invalid", line=line, column=column, position=position)
                ],
            )
    details = []
    for item in problems:
        where, *loc = item.get("loc", ("body",))
        pointer = json_pointer(loc, body if where == "body" else None)
        if item.get("type") == "union_tag_invalid":  # at the tag, as validate puts it
            tag = str((item.get("ctx") or {}).get("discriminator", "")).strip("'\"")
            pointer = f"{pointer}/{tag}" if tag else pointer
        root = model if where == "body" else None
        details.append(
            problem(
                # A key the request should not have had may be an e-mail or a phone:
                # masked as ids are (the field names the API knows are neither).
                "/".join(scrub_id(segment) for segment in pointer.split("/")),
                field_message(item, root, loc),
                item.get("type", "value_error"),
                where=where,
                **unknown_field_extra(item, root, loc),
            )
        )
    summary = "; ".join(f"{d['in']} {d['path'] or '/'}: {d['message']}" for d in details[:3])
    more = f" (and {len(details) - 3} more)" if len(details) > 3 else ""
    return InvalidRequest(f"invalid request: {summary}{more}", details=details)


def _line_column(body: Any, position: Any) -> tuple[int, int]:
    """Line and column (from 1) of character ``position`` of the request body, as an
    editor counts them.

    >>> _line_column(b'{' + bytes([10]) + b'  "a": 1,,}', 11)
    (2, 10)
    """
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", errors="replace")
    if not isinstance(body, str) or not isinstance(position, int):
        return 1, 1
    before = body[: max(position, 0)]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


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
