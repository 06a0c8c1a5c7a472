"""Request and response bodies of the Journeys API (camelCase, unknown fields refused).

These models are the OpenAPI document's schemas; the backend takes and returns them,
so the CLI and the terminal UI can call it with the same shapes as HTTP clients.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    ConfigDict,
    Discriminator,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    WrapValidator,
    model_serializer,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypeAliasType

from simulator.backend.records import JourneyStatus
from simulator.codes import Override
from simulator.durations import in_calendar
from simulator.models import (
    AdaptiveBranchStep,
    ConditionalBranchStep,
    ExitStep,
    FutureEvent,
    GoalWindowDays,
    Model,
    Role,
    SendStep,
    StepList,
    WaitStep,
    WebhookStep,
)

__all__ = [
    "AuditEntryOut",
    "BranchStep",
    "CommunicationPin",
    "CreateJourney",
    "DraftPointer",
    "JourneySummary",
    "JourneyView",
    "PatchJourney",
    "Pins",
    "PublishResult",
    "SimulateRequest",
    "Step",
    "TriggerPin",
    "VersionIn",
    "VersionSelector",
    "WorkspaceView",
]

JOURNEY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
RESERVED_JOURNEY_IDS = frozenset({"internal"})
"""Ids that would shadow a route: ``/api/journeys/internal/*`` is the runtime's. Ids
starting with ``_`` are reserved for journeysim's own routes as well."""

JourneyIdIn = Annotated[
    str,
    Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "pattern": JOURNEY_ID_PATTERN,
            "not": {"enum": sorted(RESERVED_JOURNEY_IDS)},
        }
    ),
]
"""A journey id as a create body gives it. Validation lets reserved ids (``internal``,
``_…``) through so that the backend refuses them with their own code,
``400 reserved_journey_id``; the documented schema excludes them."""

BranchStep = TypeAliasType(
    "BranchStep",
    Annotated[ConditionalBranchStep | AdaptiveBranchStep, Discriminator("mode")],
)
Step = Annotated[SendStep | WaitStep | BranchStep | WebhookStep | ExitStep, Discriminator("type")]
"""``simulator.models.Step`` with the branch union named, so that the OpenAPI
document's discriminator mapping points at a schema (OpenAPI wants a reference there,
not the inline union pydantic emits for nested tagged unions). Same classes, same
validation."""

VersionSelector = Literal["draft", "latest"] | int
"""Which document of a journey: its draft, its latest version, or version N."""

MAX_VERSION = 999_999_999
"""The largest version number a request may name (nine digits, as ``?version=`` takes)."""
VERSION_EXPECTED = f'a version number from 1 to {MAX_VERSION}, "draft" or "latest"'
"""What a request may give as ``version``, in the body and in the query alike."""


def _one_version_problem(value: Any, handler: Any) -> Any:
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("version", f"expected {VERSION_EXPECTED}") from None


ONE_VERSION_PROBLEM = WrapValidator(_one_version_problem)
"""Any problem with a ``version`` as one, in the words of :data:`VERSION_EXPECTED`
(also for ``?version=``, whose pattern says the same to machines)."""

VersionIn = Annotated[
    Literal["draft", "latest"] | Annotated[int, Field(ge=1, le=MAX_VERSION)],
    ONE_VERSION_PROBLEM,
]
"""A :data:`VersionSelector` as a request gives it. A wrong one is one problem at its
field, saying what is allowed, rather than one per branch of the union under pydantic's
names for them (``/version/literal['draft','latest']``, ``/version/int``). A version
below 1 is as wrong as ``"1"`` (a string) and gets the same ``400 invalid_request``,
as ``?version=0`` does: no journey has one, and ``0`` is no way to say "latest"; a
version from 1 up that was never published is ``404 version_not_found``."""


def _exit_only() -> list[Step]:
    return [ExitStep(id="exit")]


class CreateJourney(Model):
    """``POST /api/journeys``: the seed's parameters, plus an optional ``id``.

    The journey's content takes the rules of a journey file (``simulator.models.
    Journey``) through the same types: ``goalEventWindowDays`` is a JSON integer from
    1 to 365 (``7.0`` and ``"7"`` are ``400 invalid_request``, as ``journeysim
    validate`` refuses them, rather than stored as 7), and ``steps``, when given, holds
    at least one step; left out, it is the seed's single ``exit`` step. The API is
    stricter in one place only: a name of at most 200 characters."""

    id: JourneyIdIn | None = None
    """Journey id; generated from the name when absent (journeysim extension)."""
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    audience_id: str | None = None
    trigger_contract_id: str | None = None
    goal_event_name: str | None = None
    goal_event_window_days: GoalWindowDays | None = None
    steps: StepList[Step] = Field(default_factory=_exit_only)
    """Initial step graph; defaults to a single ``exit`` step."""


_AWARE = TypeAdapter(AwareDatetime)


def _is_timestamp(text: str) -> str:
    try:
        _AWARE.validate_strings(text)
    except ValidationError:
        raise PydanticCustomError(
            "timestamp",
            "updatedAt must be the draft's updatedAt as last read, an ISO-8601 timestamp "
            "with an offset such as 2026-06-01T14:00:00.000000Z",
        ) from None
    return text


UpdatedAtIn = Annotated[
    str, AfterValidator(_is_timestamp), WithJsonSchema({"type": "string", "format": "date-time"})
]
"""A concurrency token as sent back: kept as the string read (the write compares the
instant it names, :func:`~simulator.backend.mutations.same_instant`), but refused
when it is no timestamp (a placeholder copied from the docs, say), which
no draft can have: a ``409`` would tell the client to reload and retry, in vain."""


class PatchJourney(Model):
    """``PATCH /api/journeys/{id}``: the fields to change, plus the ``updatedAt`` the
    client last read. Absent fields keep their value; ``null`` clears an optional one.
    The fields take :class:`CreateJourney`'s rules (``steps: []`` and
    ``goalEventWindowDays: 7.0`` are refused)."""

    updated_at: UpdatedAtIn
    """The draft's ``updatedAt`` as last read; a stale one is ``409 draft_conflict``,
    one that is not a timestamp at all ``400 invalid_request`` at ``/updatedAt``."""
    name: str = Field(default=None, min_length=1, max_length=200)
    description: str = Field(default=None)
    audience_id: str | None = None
    trigger_contract_id: str | None = None
    goal_event_name: str | None = None
    goal_event_window_days: GoalWindowDays | None = None
    steps: StepList[Step] = Field(default=None)


_SUBJECT_RULES = {
    "oneOf": [
        {
            "title": "A real subject",
            "required": ["subjectId"],
            "properties": {
                "subjectId": {"type": "string"},
                "subjectAttributes": {"type": "null"},
                "futureEvents": {"type": "null"},
            },
        },
        {
            "title": "A synthetic subject",
            "required": ["subjectAttributes"],
            "properties": {"subjectAttributes": {"type": "object"}, "subjectId": {"type": "null"}},
        },
    ]
}
"""The rules the backend checks (``400 invalid_subject``), as JSON Schema: exactly one
of ``subjectId`` and ``subjectAttributes`` is given (not null), and ``futureEvents``
only with ``subjectAttributes``. An empty body is refused."""

OverrideName = Annotated[
    str, WithJsonSchema({"type": "string", "enum": [override.value for override in Override]})
]
"""A gate to override; any other name is ``400 unknown_override`` (checked by the
engine, so the CLI and the API name the same set)."""


def _unit(designator: str, digits: int, fraction: bool = True) -> str:
    # A fraction only on the last unit given: the look-ahead demands the end follows.
    tail = rf"(?:[.,][0-9]+(?={designator}$))?" if fraction else ""
    return rf"(?:[0-9]{{1,{digits}}}{tail}{designator})?"


DURATION_PATTERN = (
    r"^(?![^\n]*\n)P(?!$)"  # no newline: Python's $ would match before a final one
    + _unit("Y", 2, fraction=False)
    + _unit("M", 3, fraction=False)
    + _unit("W", 4)
    + _unit("D", 5)
    + "(?:T(?=[0-9])"
    + _unit("H", 6)
    + _unit("M", 7)
    + _unit("S", 8)
    + ")?$"
)
"""An ISO-8601 duration a dry-run's scripted event may wait (``P3D``, ``PT1.5H``):
every string it matches is one :func:`simulator.durations.parse_duration` reads (whole
years and months, a fraction on the smallest unit only), and the digit limits keep
the sum under ~800 years, below its 1,000-year ceiling. No dry-run needs more.

>>> import re
>>> [bool(re.match(DURATION_PATTERN, t)) for t in ("P3D", "PT1.5H", "P1.5DT1H", "P1.5Y")]
[True, True, False, False]
"""

LATEST_START_YEAR = 2999


def _start_in_range(moment: datetime) -> datetime:
    if moment.year > LATEST_START_YEAR:
        raise PydanticCustomError(
            "timestamp_too_late", f"a dry-run starts in year {LATEST_START_YEAR} at the latest"
        )
    if not in_calendar(moment):  # 0001-01-01T00:00:00+05:00: year 0 in UTC, where traces are
        raise PydanticCustomError(
            "timestamp",
            "the timestamp is before year 1 in UTC, where the calendar begins: give a later start",
        )
    return moment


TIMESTAMP_EXAMPLE = "2026-06-01T14:00:00Z"


def _timestamp_problem(value: Any, handler: Any) -> Any:
    try:
        if isinstance(value, str):
            # Read here: under a wrap validator, strict mode hands the inner one a
            # Python str, which a strict datetime refuses even when well formed.
            value = _AWARE.validate_strings(value)
        return handler(value)
    except ValidationError as exc:
        errors = exc.errors()
        if any(error["type"] == "timezone_aware" for error in errors):
            message = f"the timestamp has no offset: add one, as in {TIMESTAMP_EXAMPLE}"
        else:
            message = f"expected an ISO-8601 timestamp with an offset, such as {TIMESTAMP_EXAMPLE}"
            reason = str((errors[0].get("ctx") or {}).get("error", ""))
            if reason and "too short" not in reason:  # "too short" says nothing of use
                message += f" ({reason})"
        raise PydanticCustomError("timestamp", message) from None


TIMESTAMP_PROBLEM = WrapValidator(_timestamp_problem)
"""Any problem reading a timestamp as one, saying what is expected, rather than
pydantic's ``input is too short`` or ``Input should be a valid datetime`` (which also
names a form, the Unix epoch number, that strict validation refuses)."""

StartTime = Annotated[
    AwareDatetime,
    TIMESTAMP_PROBLEM,
    AfterValidator(_start_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": "^[0-2][0-9]{3}-"}),
]
"""A dry-run's virtual start: with an offset, at the latest in year 2999, so that the
journey's waits (up to 1,000 years each) stay within the calendar, and in year 1 at
the earliest in UTC (``timestamp``, as any other start that cannot be read)."""


def _duration_problem(value: Any, handler: Any) -> Any:
    try:
        return handler(value)
    except ValidationError as exc:
        if all(error["type"] != "string_pattern_mismatch" for error in exc.errors()):
            raise
        raise PydanticCustomError(
            "duration",
            "expected an ISO-8601 duration such as P3D or PT1.5H (a fraction on the "
            "last unit only)",
        ) from None


class ScriptedEvent(FutureEvent):
    """A ``futureEvents`` entry of a dry-run request: ``after`` must look like a duration."""

    model_config = ConfigDict(regex_engine="python-re")  # the pattern has look-aheads

    after: Annotated[str, Field(pattern=DURATION_PATTERN), WrapValidator(_duration_problem)]


Seed = Annotated[int, Field(ge=0, le=2**53 - 1)]
"""A dry-run seed, up to the largest integer every JSON client reads exactly (and the
OpenAPI document, whose bounds are floats, states exactly)."""


class SimulateRequest(Model):
    """``POST /api/journeys/{id}/simulate``: exactly one of ``subjectId`` and
    ``subjectAttributes``."""

    model_config = ConfigDict(json_schema_extra=_SUBJECT_RULES)

    subject_id: str | None = Field(default=None, min_length=1, max_length=256)
    """A real subject of the workspace."""
    subject_attributes: dict[str, Any] | None = None
    """A synthetic profile (``syn_<hash>`` id)."""
    future_events: list[ScriptedEvent] | None = None
    """Scripted events relative to the trigger for a synthetic subject (extension)."""
    overrides: list[OverrideName] = Field(default_factory=list)
    """Owner only: any of ``opt_out``, ``suppression``, ``frequency_cap``, ``holdout``."""
    version: VersionIn | None = None
    """Which document to run: the draft when there is one, else the latest version."""
    at: StartTime | None = None
    """Virtual start time, with an offset (default: the engine's fixed start,
    2026-06-01T14:00:00Z, as in the CLI, so that a trace is reproducible)."""
    seed: Seed | None = None


class DraftPointer(Model):
    """Present when the journey has a draft. ``basedOnVersion`` is always written, as
    null for a draft that was never published, so a client reads the pointer as
    ``{"basedOnVersion": null}`` rather than an empty object."""

    based_on_version: int | None = None
    """The version the draft was bumped from; null for a journey never published."""

    @model_serializer(mode="wrap")
    def _always_based_on(self, handler, info):  # no return type: the schema stays the model's
        data = handler(self)
        data.setdefault("basedOnVersion" if info.by_alias else "based_on_version", None)
        return data


class JourneySummary(Model):
    """One entry of ``GET /api/journeys``: latest version and draft pointer."""

    id: str
    name: str
    description: str = ""
    status: JourneyStatus
    latest_version: int | None = None
    draft: DraftPointer | None = None
    updated_at: str
    """Concurrency token of the draft: send it back with ``PATCH``."""
    created_at: str
    created_by: str


class CommunicationPin(Model):
    step_id: str
    communication_id: str
    version: int


class TriggerPin(Model):
    id: str
    version_at: str


class Pins(Model):
    communications: list[CommunicationPin] = Field(default_factory=list)
    trigger_contract: TriggerPin | None = None


class JourneyView(JourneySummary):
    """A journey document with its lifecycle metadata."""

    version: Literal["draft"] | int
    """``"draft"`` for the draft, else the published version number shown."""
    audience_id: str | None = None
    trigger_contract_id: str | None = None
    goal_event_name: str | None = None
    goal_event_window_days: int | None = None
    steps: list[Step]
    published_at: str | None = None
    published_by: str | None = None
    pins: Pins | None = None


class PublishResult(Model):
    id: str
    version: int


class AuditEntryOut(Model):
    seq: int
    """Position in the journey's log (1 = oldest); page with ``?before=<seq>``."""
    timestamp: str
    actor: str
    action: str
    metadata: dict[str, Any] = Field(default_factory=dict)


class WorkspaceView(Model):
    """The caller's workspace, without tokens or secrets."""

    id: str
    name: str
    project_key: str
    tier: str
    holdout_pct: int
    default_goal_event_window_days: int
    pii_attributes: list[str]
    """The attributes whose values are PII: values every answer shows masked (SPEC
    §3.6). Their names only, so a client (the TUI) masks what it shows the same way."""
    user_id: str
    role: Role
