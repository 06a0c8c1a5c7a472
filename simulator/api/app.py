"""The FastAPI app: thin routes over :class:`~simulator.backend.service.Backend`.

Each route parses its input, makes one backend call and serialises the result. Errors
of every kind (the backend's, FastAPI's request validation, unknown routes, wrong
methods, oversized bodies, failures) leave as the envelope of
:mod:`simulator.backend.errors`, and the OpenAPI document at ``/openapi.json`` lists them
for every operation.

**No trailing slash.** A path with one (``GET /api/journeys/``) is ``404 not_found``
whose detail suggests the path without it, not Starlette's ``307`` redirect: that has no
body a client can read, a client that follows it for a ``POST`` resends the body to a
second URL, and the API has one spelling of each path. The router's
``redirect_slashes`` is off for that.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyCookie, HTTPBearer
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from simulator import __version__
from simulator.api import openapi
from simulator.api.docs import install_docs
from simulator.api.middleware import (
    BODY_ERROR,
    HEAD_REWRITTEN,
    BodyGuard,
    HeadAsGet,
    session_cookies,
)
from simulator.api.roles import writer
from simulator.api.runtime_routes import register_runtime_routes
from simulator.backend.auth import WRITE_ACTIONS, Actor, credentials
from simulator.backend.errors import (
    ErrorBody,
    InvalidJson,
    InvalidRequest,
    MethodNotAllowed,
    RouteNotFound,
    StoreUnavailable,
    envelope,
    problem,
)
from simulator.backend.mutations import too_large_as_journey_error
from simulator.backend.service import Backend
from simulator.backend.settings import ApiSettings
from simulator.backend.store import ItemTooLarge, StoreFailure
from simulator.backend.wire import (
    ONE_VERSION_PROBLEM,
    AuditEntryOut,
    CreateJourney,
    JourneySummary,
    JourneyView,
    PatchJourney,
    PublishResult,
    SimulateRequest,
    WorkspaceView,
)
from simulator.codes import ApiErrorCode
from simulator.engine.detectors import ScrubbingFilter
from simulator.engine.trace import Trace
from simulator.errors import JourneySimError
from simulator.models import Communication, Segment, Subject, TriggerContract

__all__ = ["create_app"]

log = logging.getLogger("journeysim.api")
log.addFilter(ScrubbingFilter())  # tracebacks and messages may echo e-mails or phones

_bearer = HTTPBearer(auto_error=False, description="A workspace member's token.")
_cookie = APIKeyCookie(name="session", auto_error=False, description="A member's token.")
_JourneyId = Annotated[str, Path(description="Journey id, e.g. act-onb-2026.")]


def _backend(request: Request) -> Backend:
    return request.app.state.backend


def _actor(
    request: Request,
    _b: Annotated[Any, Security(_bearer)] = None,
    _c: Annotated[Any, Security(_cookie)] = None,
) -> Actor:
    token = credentials(request.headers.getlist("authorization"), _session_cookies(request))
    return _backend(request).directory.authenticate(token)


def _session_cookies(request: Request) -> list[str]:
    return session_cookies(request.headers.getlist("cookie"))


ActorDep = Annotated[Actor, Depends(_actor)]
BackendDep = Annotated[Backend, Depends(_backend)]


async def _strictly(request: Request, body: BaseModel) -> BaseModel:
    """``body`` (FastAPI validated it in pydantic's lax mode), if the raw JSON also
    passes strict validation; else ``400 invalid_request`` as for any field problem.

    Lax mode converts ``"3"`` and ``true`` to the integers 3 and 1, ``"yes"`` to a
    boolean: requests the OpenAPI document calls invalid would be accepted. Strict JSON
    validation takes exactly the JSON types the document names (ISO strings for times,
    enum values as strings, as JSON has no other form). ``3.0`` stays an integer, as
    JSON Schema says it is one."""
    raw = await request.body()
    document = json.loads(raw, parse_float=_integral_as_int)
    try:
        type(body).model_validate_json(json.dumps(document), strict=True)
    except ValidationError as exc:
        problems = [{**problem, "loc": ("body", *problem["loc"])} for problem in exc.errors()]
        raise RequestValidationError(problems, body=document) from None
    return body


def _integral_as_int(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() else number


async def _create_body(request: Request, body: CreateJourney) -> CreateJourney:
    return await _strictly(request, body)


async def _patch_body(request: Request, body: PatchJourney) -> PatchJourney:
    return await _strictly(request, body)


async def _simulate_body(request: Request, body: SimulateRequest) -> SimulateRequest:
    return await _strictly(request, body)


def _json(model_or_list: Any, status_code: int = 200) -> JSONResponse:
    if isinstance(model_or_list, list):
        content = [item.to_wire() for item in model_or_list]
    else:
        content = model_or_list.to_wire()
    return JSONResponse(content, status_code=status_code)


def create_app(backend_or_settings: Backend | ApiSettings | None = None) -> FastAPI:
    """The Journeys API over a backend, or over one started from settings (default:
    ``ApiSettings.from_env()``, i.e. moto in-process) with ``settings.project`` loaded.
    A backend started here is closed when the app shuts down."""
    owned = not isinstance(backend_or_settings, Backend)
    if isinstance(backend_or_settings, Backend):
        backend = backend_or_settings
    else:
        settings = backend_or_settings or ApiSettings.from_env()
        backend = Backend.start(settings)
        if settings.project is not None:
            try:
                backend.load_project(settings.project)
            except BaseException:
                backend.close()
                raise
    title = "Journeys API (journeysim)"
    app = FastAPI(
        title=title,
        version=__version__,
        description=openapi.DESCRIPTION,
        openapi_tags=openapi.TAGS,
        strict_content_type=False,
        docs_url=None,  # served by install_docs, without a CDN
        redoc_url=None,
        redirect_slashes=False,  # a 404 that names the path meant (module docstring)
    )
    app.state.backend = backend
    if owned:
        app.router.on_shutdown.append(backend.close)
    app.add_middleware(
        BodyGuard,
        max_bytes=backend.settings.max_body_bytes,
        max_depth=backend.settings.max_json_depth,
    )
    app.add_middleware(HeadAsGet)
    _install_error_handlers(app)
    register_runtime_routes(app, _actor)  # before /{journey_id}: internal/* must win
    _journey_routes(app)
    _workspace_routes(app)
    install_docs(app, title=title)
    app.openapi = lambda: openapi.document(app)
    return app


def _journey_routes(app: FastAPI) -> None:
    errors = openapi.errors
    base = "/api/journeys"
    tags = ["journeys"]

    @app.get(base, tags=tags, response_model=list[JourneySummary], responses=errors())
    def list_journeys(actor: ActorDep, backend: BackendDep):
        """List all journeys (drafts + published) of the workspace."""
        return _json(backend.list_journeys(actor))

    @app.post(
        base,
        tags=tags,
        status_code=201,
        response_model=JourneyView,
        responses=errors(403, 409),
    )
    def create_journey(
        actor: writer(_actor, WRITE_ACTIONS["create_journey"]),
        body: Annotated[CreateJourney, Depends(_create_body)],
        backend: BackendDep,
    ):
        """Create a new draft journey; returns it with ``version: "draft"``."""
        return _json(backend.create_journey(actor, body), 201)

    @app.get(base + "/{journey_id}", tags=tags, response_model=JourneyView, responses=errors(404))
    def get_journey(
        journey_id: _JourneyId,
        actor: ActorDep,
        backend: BackendDep,
        version: Annotated[
            str | None,
            Query(
                pattern=r"^(draft|latest|[1-9][0-9]{0,8})$",
                description="draft, latest or a version number (default: the draft if "
                "there is one, else the latest version)",
            ),
            ONE_VERSION_PROBLEM,
        ] = None,
    ):
        """One journey: its draft, or a published version with its pins."""
        selector: Any = int(version) if version and version.isdigit() else version
        return _json(backend.get_journey(actor, journey_id, selector))

    @app.patch(
        base + "/{journey_id}",
        tags=tags,
        response_model=JourneyView,
        responses=errors(403, 404, 409),
    )
    def patch_draft(
        journey_id: _JourneyId,
        actor: writer(_actor, WRITE_ACTIONS["patch_draft"]),
        body: Annotated[PatchJourney, Depends(_patch_body)],
        backend: BackendDep,
    ):
        """Change the draft, conditionally on the ``updatedAt`` last read (409 if stale)."""
        return _json(backend.patch_draft(actor, journey_id, body))

    @app.post(
        base + "/{journey_id}/draft",
        tags=tags,
        status_code=201,
        response_model=JourneyView,
        responses=errors(403, 404, 409),
    )
    def bump_draft(journey_id: _JourneyId, actor: ActorDep, backend: BackendDep):
        """Start a new draft as a copy of the latest version ("bump")."""
        return _json(backend.bump_draft(actor, journey_id), 201)

    @app.post(
        base + "/{journey_id}/publish",
        tags=tags,
        response_model=PublishResult,
        responses=errors(402, 403, 404, 409),
    )
    def publish(journey_id: _JourneyId, actor: ActorDep, backend: BackendDep):
        """Validate the draft and promote it to a new immutable version."""
        return _json(backend.publish(actor, journey_id))

    for action, summary in (
        ("pause", "Pause: stop new executions; in-flight ones continue."),
        ("resume", "Resume a paused journey."),
        ("archive", "Archive an active or paused journey permanently (the record is kept)."),
    ):
        _lifecycle_route(app, base, action, summary)

    @app.get(
        base + "/{journey_id}/audit",
        tags=tags,
        response_model=list[AuditEntryOut],
        responses=errors(404),
    )
    def audit(
        journey_id: _JourneyId,
        actor: ActorDep,
        backend: BackendDep,
        before: Annotated[
            int | None,
            Query(ge=1, le=2**53, description="Only entries with a smaller seq (paging)."),
        ] = None,
    ):
        """Append-only audit timeline, newest first, up to 200 entries."""
        return _json(backend.audit(actor, journey_id, before))

    @app.post(
        base + "/{journey_id}/simulate",
        tags=tags,
        response_model=Trace,
        responses=errors(403, 404),
    )
    def simulate(
        journey_id: _JourneyId,
        body: Annotated[SimulateRequest, Depends(_simulate_body)],
        actor: ActorDep,
        backend: BackendDep,
    ):
        """Dry-run trace of one subject (PII-masked); nothing is sent."""
        return JSONResponse(backend.simulate(actor, journey_id, body))


def _lifecycle_route(app: FastAPI, base: str, action: str, summary: str) -> None:
    def route(journey_id: _JourneyId, actor: ActorDep, backend: BackendDep):
        return _json(backend.transition(actor, journey_id, action))

    route.__name__ = action
    route.__doc__ = summary
    app.post(
        f"{base}/{{journey_id}}/{action}",
        tags=["journeys"],
        response_model=JourneySummary,
        responses=openapi.errors(403, 404, 409),
    )(route)


def _workspace_routes(app: FastAPI) -> None:
    errors = openapi.errors
    tags = ["workspace"]

    @app.get("/api/workspace", tags=tags, response_model=WorkspaceView, responses=errors())
    def workspace(actor: ActorDep, backend: BackendDep):
        """The caller's workspace and role (no tokens or secrets)."""
        return _json(backend.workspace(actor))

    for path, model, method in (
        ("/api/communications", Communication, "communications"),
        ("/api/segments", Segment, "segments"),
        ("/api/trigger-contracts", TriggerContract, "trigger_contracts"),
        ("/api/subjects", Subject, "subjects"),
    ):
        _document_route(app, path, model, method)


def _document_route(app: FastAPI, path: str, model: type, method: str) -> None:
    def route(actor: ActorDep, backend: BackendDep):
        return _json(getattr(backend, method)(actor))

    masked = ", PII-masked" if method == "subjects" else ""
    route.__name__ = f"list_{method}"
    route.__doc__ = f"The workspace's {method.replace('_', ' ')} (read-only{masked})."
    app.get(path, tags=["workspace"], response_model=list[model], responses=openapi.errors())(route)


def _allowed_methods(request: Request) -> list[str]:
    # Starlette's Allow header names the first matching route's methods only.
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")  # served by HeadAsGet
    return sorted(methods)


def _route_not_found(request: Request) -> RouteNotFound:
    """``404 not_found`` for the request's path; for one with a trailing slash whose
    path without it is a route, the detail suggests that path."""
    path = request.url.path
    meant = path.rstrip("/")
    scope = {**request.scope, "path": meant}
    routed = (
        meant != path
        and meant
        and any(route.matches(scope)[0] is not Match.NONE for route in request.app.routes)
    )
    if not routed:
        return RouteNotFound(f"no route {path}")
    message = f"no route {path}: paths take no trailing slash; did you mean {meant}?"
    detail = problem("", message, str(RouteNotFound.code), where="path", suggestion=meant)
    return RouteNotFound(message, details=[detail])


def _body_model(request: Request) -> type[BaseModel] | None:
    """The body model of the route the request reached, if it takes one."""
    field = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(field, "field_info", None), "annotation", None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _install_error_handlers(app: FastAPI) -> None:
    def respond(error: JourneySimError, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(envelope(error), status_code=error.status, headers=headers)

    @app.exception_handler(JourneySimError)
    async def domain_error(request: Request, exc: JourneySimError):
        return respond(exc)

    def unreadable_body(request: Request) -> JourneySimError | None:
        # BodyGuard located why the parser gave up (FastAPI knows only for a syntax
        # error, and counts characters, not bytes).
        return request.scope.get(BODY_ERROR)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        problems = exc.errors()
        unreadable = unreadable_body(request)
        if unreadable is not None and any(p.get("type") == "json_invalid" for p in problems):
            return respond(unreadable)
        content_type = request.headers.get("content-type")
        return respond(
            openapi.request_error(problems, exc.body, content_type, _body_model(request))
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            error: JourneySimError = _route_not_found(request)
        elif exc.status_code == 405:
            allowed = _allowed_methods(request)
            method = "HEAD" if request.scope.get(HEAD_REWRITTEN) else request.method
            error = MethodNotAllowed(
                f"{method} is not allowed on {request.url.path}",
                details=[{"allowed": allowed}],
            )
            return respond(error, headers={"Allow": ", ".join(allowed)})
        elif exc.status_code == 400:
            error = unreadable_body(request) or InvalidJson(
                f"the request body could not be read: {exc.detail}"
            )
        else:
            error = InvalidRequest(str(exc.detail))
            error.status = exc.status_code
        return respond(error, headers=getattr(exc, "headers", None))

    @app.exception_handler(ItemTooLarge)
    async def item_too_large(request: Request, exc: ItemTooLarge):
        # A write the backend did not expect to be large (an audit page, say).
        try:
            with too_large_as_journey_error():
                raise exc
        except JourneySimError as error:
            return respond(error)

    @app.exception_handler(StoreFailure)
    async def store_failure(request: Request, exc: StoreFailure):
        log.error("store failure on %s %s: %s", request.method, request.url.path, exc)
        return respond(StoreUnavailable("the journey store is unavailable; try again later"))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        body = ErrorBody(error="internal error", code=ApiErrorCode.INTERNAL_ERROR, status=500)
        return JSONResponse(body.model_dump(), status_code=500)
