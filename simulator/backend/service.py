"""The Journeys API's logic, free of any web framework (SPEC §5).

Every method takes the calling :class:`~simulator.backend.auth.Actor` and request models
from :mod:`simulator.backend.wire`, and returns response models or raises an error of
:mod:`simulator.backend.errors`. The FastAPI routes, the CLI and the terminal UI all call
this class; nothing here knows about HTTP.

Each write computes a :class:`~simulator.backend.mutations.Change` from the journey it
read, with the pure rules of :mod:`simulator.backend.lifecycle`, and hands it to the write
protocol of :mod:`simulator.backend.mutations`.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from simulator.backend import catalog, dryrun, lifecycle
from simulator.backend.auth import WRITE_ACTIONS, Actor, require_writer
from simulator.backend.aws import AwsSession
from simulator.backend.directory import WorkspaceDirectory
from simulator.backend.errors import (
    ConcurrentModification,
    DraftExists,
    DraftNotFound,
    InvalidRequest,
    JourneyArchived,
    JourneyExists,
    NoDraft,
    ReservedJourneyId,
    problem,
)
from simulator.backend.loading import LoadReport, load_project
from simulator.backend.mutations import (
    Change,
    JourneyAccess,
    placed,
    too_large_as_journey_error,
)
from simulator.backend.records import (
    JourneyRecord,
    JourneyStatus,
    VersionRecord,
    next_timestamp,
)
from simulator.backend.settings import ApiSettings
from simulator.backend.store import AlreadyExists, Store
from simulator.backend.views import audit_view, draft_view, summary_view, version_view
from simulator.backend.wire import (
    RESERVED_JOURNEY_IDS,
    AuditEntryOut,
    CreateJourney,
    JourneySummary,
    JourneyView,
    PatchJourney,
    PublishResult,
    SimulateRequest,
    VersionSelector,
    WorkspaceView,
)
from simulator.engine.clock import Clock
from simulator.engine.masking import Masker, masker_for, scrub_id
from simulator.errors import JourneySimError, JourneyValidationError
from simulator.findings import has_errors
from simulator.models import Communication, Journey, Segment, Subject, TriggerContract
from simulator.project import LoadedProject

__all__ = ["Backend"]

_ATTEMPTS = 8
_PATCHABLE_REQUIRED = {"name", "description", "steps"}


class _CalledClock:
    """A clock given as a callable (``clock=lambda: instant``): it reads the time it is
    told and cannot be advanced or hold wake-ups."""

    def __init__(self, read: Callable[[], datetime]) -> None:
        self._read = read

    @property
    def now(self) -> datetime:
        return self._read()

    def advance(self, to: datetime) -> list[Any]:
        raise ValueError("this backend's clock is a callable: it cannot be advanced")

    def pending(self) -> list[Any]:
        return []


class Backend(JourneyAccess):
    """Journeys of every workspace in one store.

    **One clock.** By default the backend's clock is its runtime's persisted virtual
    clock (:class:`~simulator.runtime.clock.RuntimeClock`): authoring actions are
    stamped with the same ``now`` that executions run on, and move with it. A
    ``clock`` given explicitly (a :class:`~simulator.engine.clock.Clock`, or a callable
    answering the time, e.g. ``lambda: datetime.now(UTC)`` for wall-clock stamps) is
    used instead, for authoring only: the runtime keeps its own virtual clock.
    """

    def __init__(
        self,
        store: Store,
        settings: ApiSettings | None = None,
        *,
        clock: Clock | Callable[[], datetime] | None = None,
    ) -> None:
        from simulator.runtime.clock import RuntimeClock

        self.store = store
        self.settings = settings or ApiSettings()
        self.directory = WorkspaceDirectory(store)
        self._runtime: Any = None
        if clock is None:
            clock = RuntimeClock(lambda: self.runtime)
        elif not isinstance(clock, Clock):
            clock = _CalledClock(clock)
        self.clock: Clock = clock

    @property
    def runtime(self) -> Any:
        """The store's one runtime (:class:`~simulator.runtime.runtime.Runtime`),
        created on first use, which may be the first read of :attr:`clock` (loading a
        project stamps its journeys with the clock's now, so it creates the runtime).
        A ``Runtime(backend)`` made by hand before that is it; one made after raises
        :class:`RuntimeError` (two runtimes over one store would keep two mirrors and
        two clocks that drift apart): use this property instead."""
        if self._runtime is None:
            from simulator.runtime.runtime import Runtime

            Runtime(self)  # attaches itself
        return self._runtime

    def attach_runtime(self, runtime: Any) -> None:
        """Make ``runtime`` the backend's; :class:`RuntimeError` when it has another."""
        if self._runtime is not None and self._runtime is not runtime:
            raise RuntimeError(
                "this backend has a runtime already (backend.runtime): a second one over "
                "the same store would keep its own copy of the tables and its own clock"
            )
        self._runtime = runtime

    @classmethod
    def start(
        cls,
        settings: ApiSettings | None = None,
        *,
        clock: Clock | Callable[[], datetime] | None = None,
    ) -> Backend:
        """Start what the settings ask for (in-process moto by default) and create the
        tables if they are missing."""
        settings = settings or ApiSettings()
        session = AwsSession(settings.aws).start()
        try:
            store = Store(session)
            store.ensure_tables()
        except BaseException:
            session.close()
            raise
        return cls(store, settings, clock=clock)

    def close(self) -> None:
        """Stop the AWS session (and the in-process mock with its data)."""
        self.store.session.close()

    def load_project(
        self, project: LoadedProject | str | os.PathLike[str], *, publish: bool = False
    ) -> LoadReport:
        """Load a project folder's workspace documents and journeys (see :mod:`loading`)."""
        return load_project(self, project, publish=publish)

    # --- workspace documents (read-only) -------------------------------------------------

    def workspace(self, actor: Actor) -> WorkspaceView:
        return catalog.workspace_view(self.directory.world(actor.workspace_id), actor)

    def communications(self, actor: Actor) -> list[Communication]:
        return catalog.communications(self.directory.world(actor.workspace_id))

    def segments(self, actor: Actor) -> list[Segment]:
        return catalog.segments(self.directory.world(actor.workspace_id))

    def trigger_contracts(self, actor: Actor) -> list[TriggerContract]:
        return catalog.trigger_contracts(self.directory.world(actor.workspace_id))

    def subjects(self, actor: Actor) -> list[Subject]:
        """Real subjects, PII-masked."""
        return catalog.subjects(self.directory.world(actor.workspace_id))

    # --- reads ------------------------------------------------------------------------

    def list_journeys(self, actor: Actor) -> list[JourneySummary]:
        return [JourneySummary.model_validate(m) for m in self.store.journeys(actor.workspace_id)]

    def get_journey(
        self, actor: Actor, journey_id: str, version: VersionSelector | None = None
    ) -> JourneyView:
        record = self._record(actor, journey_id)
        at = ("query", "/version") if version is not None else None  # else the default
        if version is None:
            version = "draft" if record.has_draft else "latest"
        if version == "draft":
            if record.draft is None:
                message = f"journey {journey_id!r} has no draft: bump one with POST .../draft"
                raise DraftNotFound(message, details=placed(at, message, DraftNotFound))
            return draft_view(record, record.draft)
        return version_view(record, self._version(record, version, at))

    def audit(
        self, actor: Actor, journey_id: str, before: int | None = None
    ) -> list[AuditEntryOut]:
        """Newest first, at most ``audit_page_limit``; ``before`` pages to older entries."""
        record = self._record(actor, journey_id, with_draft=False)
        newest = record.audit_seq if before is None else min(record.audit_seq, before - 1)
        entries = self.store.audit(
            actor.workspace_id, journey_id, newest=newest, limit=self.settings.audit_page_limit
        )
        return [audit_view(entry) for entry in entries]

    # --- authoring ----------------------------------------------------------------------

    def create_journey(self, actor: Actor, body: CreateJourney) -> JourneyView:
        require_writer(actor, WRITE_ACTIONS["create_journey"])
        if body.id is not None:
            refuse_reserved_id(body.id)
        now = self.clock.now
        for _ in range(_ATTEMPTS):
            journey_id = body.id or _generated_id(body.name)
            draft = Journey(
                id=journey_id,
                name=body.name,
                description=body.description,
                audience_id=body.audience_id,
                trigger_contract_id=body.trigger_contract_id,
                goal_event_name=body.goal_event_name,
                goal_event_window_days=body.goal_event_window_days,
                steps=body.steps,
            )
            stamp = next_timestamp(now, None)
            record = JourneyRecord(
                workspace_id=actor.workspace_id,
                journey_id=journey_id,
                name=draft.name,
                description=draft.description,
                status=JourneyStatus.DRAFT,
                has_draft=True,
                draft=draft,
                updated_at=stamp,
                created_at=stamp,
                created_by=actor.user_id,
                audit_seq=1,
            )
            try:
                with too_large_as_journey_error():
                    self.store.create_journey(record, self._encode(draft))
            except AlreadyExists:
                if body.id is not None:
                    message = f"a journey {journey_id!r} already exists in this workspace"
                    raise JourneyExists(
                        message,
                        details=[problem("/id", message, str(JourneyExists.code), id=journey_id)],
                    ) from None
                continue
            self._append(actor, record, 1, [("created", {"steps": len(draft.steps)})])
            return draft_view(record, draft)
        raise ConcurrentModification("could not allocate a journey id; try again")

    def patch_draft(self, actor: Actor, journey_id: str, body: PatchJourney) -> JourneyView:
        require_writer(actor, WRITE_ACTIONS["patch_draft"])
        fields = body.model_fields_set - {"updated_at"}
        for name in sorted(fields & _PATCHABLE_REQUIRED):
            if getattr(body, name) is None:
                message = f"{_camel(name)} cannot be null"
                raise InvalidRequest(
                    message, details=[problem(f"/{_camel(name)}", message, "null_not_allowed")]
                )

        def edit(current: JourneyRecord) -> Change:
            _require_editable(current)
            if current.draft is None:
                raise _at_journey_id(
                    NoDraft,
                    f"journey {journey_id!r} has no draft: a published version cannot be "
                    "modified, bump a new draft first (POST /api/journeys/{id}/draft)",
                )
            draft = current.draft.model_copy(update={f: getattr(body, f) for f in fields})
            record = replace(current, name=draft.name, description=draft.description, draft=draft)
            changed = sorted(_camel(f) for f in fields)
            return Change(record, draft, [("edited", {"fields": changed})])

        record = self._mutate(actor, journey_id, edit, expected=body.updated_at)
        return draft_view(record, record.draft)

    def bump_draft(self, actor: Actor, journey_id: str) -> JourneyView:
        """A new draft, copied from the latest version (``POST /api/journeys/{id}/draft``)."""
        require_writer(actor, "create drafts")

        def bump(current: JourneyRecord) -> Change:
            _require_editable(current)
            if current.has_draft:
                raise DraftExists(
                    f"journey {journey_id!r} already has a draft: edit it with PATCH",
                    details=[{"basedOnVersion": current.draft_based_on}],
                )
            latest = self._version(current, "latest")
            draft = latest.journey
            record = replace(
                current,
                name=draft.name,
                description=draft.description,
                has_draft=True,
                draft=draft,
                draft_based_on=latest.version,
            )
            return Change(record, draft, [("draft-bumped", {"fromVersion": latest.version})])

        record = self._mutate(actor, journey_id, bump)
        return draft_view(record, record.draft)

    # --- lifecycle ----------------------------------------------------------------------

    def publish(self, actor: Actor, journey_id: str) -> PublishResult:
        """Validate the draft (SPEC §2), snapshot it as version N, pin what it uses."""
        require_writer(actor, "publish journeys")
        world = self.directory.world(actor.workspace_id)

        def publish(current: JourneyRecord) -> Change:
            status = lifecycle.status_after_publish(current.status)
            if current.draft is None:
                raise _at_journey_id(NoDraft, f"journey {journey_id!r} has no draft to publish")
            from simulator.validation import ValidationContext, validate

            findings = validate(current.draft, ValidationContext(world=world, now=self.clock.now))
            if has_errors(findings):
                raise JourneyValidationError(
                    f"journey {journey_id!r} cannot be published: fix the errors in details",
                    code=lifecycle.blocking_code(findings),
                    details=[f.to_wire() for f in findings],
                )
            self._check_tier(actor, current, world)
            number = (current.latest_version or 0) + 1
            pins = lifecycle.pins_for(current.draft, world)
            version = VersionRecord(
                version=number,
                journey=current.draft,
                published_at="",  # stamped by _mutate
                published_by=actor.user_id,
                pins=pins,
                communications=lifecycle.pinned_communications(current.draft, world),
            )
            record = replace(
                current,
                status=status,
                latest_version=number,
                has_draft=False,
                draft=None,
                draft_based_on=None,
            )
            meta = {"version": number, "status": status.value, "warnings": len(findings)}
            return Change(record, None, [("published", meta)], version)

        record = self._mutate(actor, journey_id, publish)
        return PublishResult(id=journey_id, version=record.latest_version)

    def transition(self, actor: Actor, journey_id: str, action: str) -> JourneySummary:
        """``pause``, ``resume`` or ``archive`` (SPEC §1.6; see :mod:`lifecycle`)."""
        require_writer(actor, f"{action} journeys")

        def move(current: JourneyRecord) -> Change:
            status = lifecycle.status_after(current.status, action)
            meta = {"from": current.status.value, "to": status.value}
            record = replace(current, status=status)
            return Change(record, current.draft, [(lifecycle.ACTIONS[action], meta)])

        return summary_view(self._mutate(actor, journey_id, move))

    def pause(self, actor: Actor, journey_id: str) -> JourneySummary:
        return self.transition(actor, journey_id, "pause")

    def resume(self, actor: Actor, journey_id: str) -> JourneySummary:
        return self.transition(actor, journey_id, "resume")

    def archive(self, actor: Actor, journey_id: str) -> JourneySummary:
        return self.transition(actor, journey_id, "archive")

    # --- dry-run ------------------------------------------------------------------------

    def simulate(self, actor: Actor, journey_id: str, body: SimulateRequest) -> dict[str, Any]:
        """The masked dry-run trace of one subject (see :mod:`simulator.backend.dryrun`)."""
        from simulator.engine import simulate

        try:
            dryrun.check_request(actor, body)
        except JourneySimError as exc:  # it may echo a value ("unknown override 'Mensah'")
            raise dryrun.masked_error(exc, self._request_masker(actor, body)) from None
        record = self._record(actor, journey_id)
        journey, world, version, status = dryrun.document_to_run(
            record, body, self._version, self.directory.world(actor.workspace_id)
        )
        subject = dryrun.subject_for(
            body, lambda end_user_id: self.directory.subject(actor.workspace_id, end_user_id)
        )
        masker = dryrun.subject_masker_in(subject, world)
        try:
            trace = simulate(
                journey,
                subject,
                world=world,
                overrides=body.overrides,
                at=body.at,
                seed=body.seed,
                version=version,
                status=status,
            )
        except JourneySimError as exc:
            raise dryrun.masked_error(exc, masker) from None
        except (ValueError, OverflowError) as exc:
            # Input the engine cannot walk (a start so late that waits overflow, say).
            message = masker.text(f"the dry-run cannot run on this input: {exc}")
            raise InvalidRequest(message) from None
        except Exception as exc:  # a bug: the 500's log must not hold the subject's PII
            problem = RuntimeError(masker.text(f"{type(exc).__name__}: {exc}"))
            raise problem.with_traceback(exc.__traceback__) from None
        if subject.synthetic:
            name = masker.identifier(subject.end_user_id)
        else:  # erasure deletes the pseudonym: the entries then name nobody who can be found
            name = self.runtime.pseudonym(actor.workspace_id, subject.end_user_id)
        entries = dryrun.audit_entries(body, subject, version, name)
        self._append_now(actor, journey_id, entries)
        return trace.to_wire()

    def _request_masker(self, actor: Actor, body: SimulateRequest) -> Masker:
        """The masker of the subject a refused dry-run request names, when it names one
        that can be built (else the detectors alone)."""
        try:
            subject = dryrun.subject_for(
                body, lambda end_user_id: self.directory.subject(actor.workspace_id, end_user_id)
            )
        except JourneySimError:
            return masker_for(())
        return dryrun.subject_masker_in(subject, self.directory.world(actor.workspace_id))


def refuse_reserved_id(journey_id: str, *, path: str = "/id") -> None:
    """Ids that would shadow a route are ``400 reserved_journey_id`` (see ``wire``);
    ``path`` points at the id in the request body. An id that is an e-mail or a phone
    is masked in the message, as every error masks it."""
    if journey_id in RESERVED_JOURNEY_IDS or journey_id.startswith("_"):
        shadowed = (
            "journeysim's own routes"
            if journey_id.startswith("_")
            else (f"the routes under /api/journeys/{journey_id}/")
        )
        message = (
            f"journey id {scrub_id(journey_id)!r} is reserved: it would shadow {shadowed}; "
            "choose another id"
        )
        detail = problem(
            path,
            message,
            str(ReservedJourneyId.code),
            reserved=sorted(RESERVED_JOURNEY_IDS),
            reservedPrefix="_",
        )
        raise ReservedJourneyId(message, details=[detail])


def _require_editable(record: JourneyRecord) -> None:
    if record.status is JourneyStatus.ARCHIVED:
        raise _at_journey_id(
            JourneyArchived,
            f"journey {record.journey_id!r} is archived: archived journeys cannot be edited",
        )


def _at_journey_id(error: type[JourneySimError], message: str) -> JourneySimError:
    """``error`` about the journey the path names, with its detail at ``/journey_id``
    (the path parameter, as the OpenAPI document names it)."""
    detail = problem("/journey_id", message, str(error.code), where="path")
    return error(message, details=[detail])


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _generated_id(name: str) -> str:
    """A slug of the name plus a random suffix (``Win-back 2026`` → ``win-back-2026-3fa2c1``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "journey"
    return f"{slug}-{secrets.token_hex(3)}"
