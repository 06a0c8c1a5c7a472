"""HTTP routes of the runtime (SPEC §5, §5.1): internal routes, journey stats and the
simulator's own ``/api/_sim/`` routes. Thin: every route calls
:class:`~simulator.runtime.service.RuntimeService`."""

import re
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from simulator.api.middleware import session_cookies
from simulator.api.openapi import errors
from simulator.api.roles import writer
from simulator.backend.auth import WRITE_ACTIONS, Actor, credentials
from simulator.runtime.service import RuntimeService

__all__ = ["register_runtime_routes"]

_JourneyId = Annotated[str, Path(description="Journey id, e.g. act-onb-2026.")]


_AWARE = TypeAdapter(AwareDatetime)


def _aware(text: str) -> str:
    _AWARE.validate_python(text)  # refuses what is not a date-time with an offset
    return text


Timestamp = Annotated[
    str, AfterValidator(_aware), WithJsonSchema({"type": "string", "format": "date-time"})
]
"""A JSON string holding an RFC 3339 date-time (numbers are refused, not read as epochs)."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class InboundEventBody(_Body):
    """An end-user event: ``properties.endUserId`` (or the trigger contract's path)
    names the subject."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    at: Timestamp = Field(description="ISO-8601 with a UTC offset.")
    properties: dict[str, Any] = Field(default_factory=dict)
    end_user_id: str | None = Field(default=None, alias="endUserId", min_length=1)


class DispatchBody(_Body):
    execution_arn: str = Field(alias="executionArn", min_length=1)


class ForgetBody(_Body):
    end_user_id: str = Field(alias="endUserId", min_length=1)


_DURATION = r"^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$"


def _duration(text: str) -> str:
    if len(text) < 3 or re.fullmatch(_DURATION, text) is None:
        raise PydanticCustomError(
            "duration",
            "'{value}' is not an ISO-8601 duration such as P3D or PT12H",
            {"value": text},
        )
    return text


Duration = Annotated[
    str,
    AfterValidator(_duration),
    WithJsonSchema({"type": "string", "pattern": _DURATION, "examples": ["P3D", "PT12H"]}),
]


class AdvanceBody(_Body):
    """Move the clock to a timestamp (``to``, not before the clock's now) or by an
    ISO-8601 duration (``by``): exactly one of the two.

    One model rather than a union of two, so that a wrong value is one problem at its
    field (``{"by": "3 days"}``: ``/by``), not a problem for each way it might have
    been meant."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})

    # Absent is None; an explicit null is refused at its field (defaults are not
    # validated), so the schema says "a string", as the hosted API's does.
    to: Timestamp = None
    by: Duration = None

    @model_validator(mode="after")
    def _one_of(self) -> "AdvanceBody":
        if (self.to is None) == (self.by is None):
            raise PydanticCustomError(
                "one_of", 'give exactly one of "to" (a timestamp) and "by" (a duration)'
            )
        return self


def _plain(body: BaseModel) -> dict[str, Any]:
    return body.model_dump(by_alias=True, exclude_none=True)


def register_runtime_routes(app: FastAPI, actor_dependency: Any) -> None:
    """Add the runtime's routes to ``app``; ``actor_dependency`` authenticates members."""
    ActorDep = Annotated[Actor, Depends(actor_dependency)]

    def service(request: Request) -> RuntimeService:
        state = request.app.state
        if getattr(state, "runtime_service", None) is None:
            state.runtime_service = RuntimeService(state.backend)
        return state.runtime_service

    ServiceDep = Annotated[RuntimeService, Depends(service)]

    def internal(request: Request, svc: ServiceDep) -> str:
        # The bearer key alone authenticates (a cookie never does: no CSRF onto the
        # runtime); a session cookie of another token beside it is ambiguous, refused.
        authorizations = request.headers.getlist("authorization")
        credentials(authorizations, session_cookies(request.headers.getlist("cookie")))
        return svc.internal_workspace(credentials(authorizations, []))

    WorkspaceDep = Annotated[str, Depends(internal)]
    base = "/api/journeys/internal"
    tags = ["internal"]

    @app.post(base + "/start-execution", tags=tags, responses=errors(403, 409))
    def start_execution(body: InboundEventBody, ws: WorkspaceDep, svc: ServiceDep):
        """The trigger evaluator: one execution per active journey listening (idempotent:
        the same event again answers the same; its id with another event is 409
        event_id_conflict)."""
        return JSONResponse(svc.start_execution(ws, _plain(body)))

    @app.post(base + "/dispatch", tags=tags, responses=errors(403, 404, 409))
    def dispatch(body: DispatchBody, ws: WorkspaceDep, svc: ServiceDep):
        """Advance one execution by one step (the dispatcher's Task state); one not due
        yet (its wake-up after the clock's now) is 409 execution_not_due."""
        return JSONResponse(svc.dispatch(ws, body.execution_arn))

    @app.post(base + "/forget-end-user", tags=tags, responses=errors(403))
    def forget_end_user(body: ForgetBody, ws: WorkspaceDep, svc: ServiceDep):
        """GDPR erasure: the end user everywhere, running executions ABORTED; idempotent."""
        return JSONResponse(svc.forget_end_user(ws, _plain(body)))

    @app.post(base + "/translate-pinpoint", tags=tags, responses=errors(403))
    def translate_pinpoint(
        body: Annotated[dict[str, Any], Body()], ws: WorkspaceDep, svc: ServiceDep
    ):
        """A Pinpoint journey export (with templates and segments) → an import bundle."""
        return JSONResponse(svc.translate_pinpoint(ws, body))

    @app.post(base + "/import-bundle", tags=tags, responses=errors(403, 409))
    def import_bundle(body: Annotated[dict[str, Any], Body()], ws: WorkspaceDep, svc: ServiceDep):
        """Apply an import bundle as drafts (never publishes); dryRun writes nothing."""
        return JSONResponse(svc.import_bundle(ws, body))

    journeys = "/api/journeys/{journey_id}"
    stats = ["runtime"]

    @app.get(journeys + "/executions", tags=stats, responses=errors(404))
    def executions(journey_id: _JourneyId, actor: ActorDep, svc: ServiceDep):
        """Last 50 executions with their current state (pointers + DescribeExecution)."""
        return JSONResponse(svc.executions(actor, journey_id))

    @app.get(journeys + "/step-stats", tags=stats, responses=errors(404))
    def step_stats(journey_id: _JourneyId, actor: ActorDep, svc: ServiceDep):
        """Per-step executed / skipped / failed counts, skipped by reason."""
        return JSONResponse(svc.step_stats(actor, journey_id))

    @app.get(journeys + "/branch-performance", tags=stats, responses=errors(404))
    def branch_performance(journey_id: _JourneyId, actor: ActorDep, svc: ServiceDep):
        """Per-arm reach, goal events, rate and 95% credible interval of adaptive branches."""
        return JSONResponse(svc.branch_performance(actor, journey_id))

    @app.get(journeys + "/calibrated-impact", tags=stats, responses=errors(404))
    def calibrated_impact(journey_id: _JourneyId, actor: ActorDep, svc: ServiceDep):
        """Triggered and converted counts by exposed / holdout cohort, lift, 30-day trend."""
        return JSONResponse(svc.calibrated_impact(actor, journey_id))

    sim = "/api/_sim"
    simtags = ["simulator"]

    @app.get(sim + "/clock", tags=simtags, responses=errors())
    def clock(actor: ActorDep, svc: ServiceDep):
        """The shared virtual clock."""
        return JSONResponse(svc.clock(actor))

    @app.post(sim + "/clock/advance", tags=simtags, responses=errors(403))
    def advance(
        actor: writer(actor_dependency, WRITE_ACTIONS["advance"]),
        body: AdvanceBody,
        svc: ServiceDep,
    ):
        """Move the clock forward, running every due dispatch in time order."""
        return JSONResponse(svc.advance(actor, _plain(body)))

    @app.post(sim + "/events", tags=simtags, responses=errors(403, 409))
    def events(
        actor: writer(actor_dependency, WRITE_ACTIONS["events"]),
        body: InboundEventBody,
        svc: ServiceDep,
    ):
        """An end-user event: goals, awaited waits, then triggers (idempotent as
        start-execution)."""
        return JSONResponse(svc.post_event(actor, _plain(body)))

    @app.get(sim + "/outbox", tags=simtags, responses=errors())
    def outbox(
        actor: ActorDep,
        svc: ServiceDep,
        journey_id: Annotated[str | None, Query(alias="journeyId")] = None,
        end_user_id: Annotated[str | None, Query(alias="endUserId")] = None,
        cursor: Annotated[
            str | None, Query(pattern=r"^[0-9]+$", description="From the previous page.")
        ] = None,
    ):
        """Delivered messages and webhook calls, masked, 50 a page."""
        return JSONResponse(
            svc.outbox(actor, journey_id=journey_id, end_user_id=end_user_id, cursor=cursor)
        )
