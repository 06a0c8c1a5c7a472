"""The runtime (SPEC §5): triggers, executions on Step Functions, a shared virtual
clock, delivery and the counts behind the stats, framework-free.

:class:`Runtime` sits beside the API's :class:`~simulator.backend.service.Backend` in the
same AWS session and reads the journeys, versions and workspace documents the backend
stores. It drives every execution with the dry-run's own step function
(:func:`~simulator.engine.stepper.advance`), persisting the
:class:`~simulator.engine.stepper.ExecutionState` between dispatches; only the
delivery differs (:class:`~simulator.runtime.delivery.RuntimeDelivery`).

Documented decisions where the spec is silent:

* **One clock.** The virtual clock is shared by every workspace of the runtime and
  persisted (``counters`` table); it starts at 2026-06-01T14:00:00Z (the dry-run's
  default start) and only moves forward, by :meth:`Runtime.advance_clock`, which runs
  every due dispatch in time order (ties by execution name), each at its own due time,
  or by a posted event dated ahead of it that resumes a wait, which runs the same loop
  up to its time first (:meth:`Runtime.post_event`). A posted event dated inside a
  wait that begins only later does not move it: the wait finds the event in the
  subject's history when it begins and wakes at the event's time (*Before the wait*
  in :meth:`Runtime.post_event`), so the outcome does not depend on when it was posted.
  Nothing runs ahead of it: a direct dispatch (``internal/dispatch``) of an execution
  whose wake-up is after now is refused, ``409 execution_not_due`` with both times,
  and changes nothing (:meth:`Runtime.dispatch`).
  It is also the backend's clock (:mod:`simulator.runtime.clock`): a backend has one
  runtime, ``backend.runtime`` (made on first use, the first read of the clock
  included), and authoring is stamped with its now. ``Runtime(backend)`` on a backend
  that has a runtime already raises ``RuntimeError``: take ``backend.runtime``.
* **Trigger time.** A trigger event's ``at`` is when it happened; an execution starts
  at ``max(at, now)`` (nothing runs in the clock's past). Goal windows open then. A
  posted event is judged at its own ``at`` (a goal dated before the start, or past the
  window, does not convert; an event dated before an ``untilEvent`` wait began does
  not resume it; the subject's history holds it at that time, for branches and
  audiences) and acts at ``max(at, now)`` (:meth:`Runtime.post_event`). An event
  dated further ahead of the clock than the clock moves at once (1,000 years,
  :data:`~simulator.runtime.clock.MAX_MOVE_YEARS`) is refused, ``400 invalid_request``
  at ``/at`` (type ``too_far_ahead``, with the ``latest`` time accepted), before
  anything is written: one dated 9999-12-31 started an execution whose first wait could
  not be computed. The clock may still reach the calendar's end by many moves; a wait
  that would wake past it then ends the execution ``FAILED``
  (:data:`~simulator.engine.planners.CALENDAR_END`).
* **Goals and arms.** An execution (or holdout record) converts once, on the first
  goal event in its window (calibrated impact), whether that was posted after the
  trigger or before it (:meth:`Runtime._index`); the trigger event is never its own
  execution's goal. An adaptive arm counts a goal event
  (``goalEvents`` of branch-performance, the bandit's posterior) when the event is in
  the window and at or after the execution reached the arm
  (:func:`~simulator.stats.impact.credits_arm`), once per execution and arm, whichever
  was recorded first: a goal posted late credits only the arms reached at or before
  its time, and an arm reached after a goal was posted is credited then by a goal of
  the subject's history dated at or after it (:meth:`Runtime._goal`), even one dated
  ahead of the clock, as its conversion was counted when it was posted. So the
  counts do not depend on the order of the posts and the clock's moves.
* **Subjects.** An event naming an end user the workspace has no profile for starts an
  execution for a bare subject (just the id): production has a profile for everyone
  who can emit events, and the events bring what the journey needs.
* **Idempotency.** The answer to an inbound event is stored under its ``id``, with a
  digest of the event (:func:`_digest`: name, time as an instant, top-level
  ``endUserId``, properties); the same event again answers the same result and starts
  nothing. The id with another event is refused, ``409 event_id_conflict`` at ``/id``,
  before anything is written: answering it as a retry would describe the first
  event's executions and drop the second. After its end user was forgotten it answers
  what erasure left of it (``skipped``: ``end_user_forgotten``) and still starts
  nothing (:meth:`Runtime.forget_end_user`); erasure drops the digest with the rest
  (it is a hash of what they sent), so such an id then answers that to any event.
* **Ids in keys.** An event id or end-user id is part of DynamoDB keys; one over
  256 characters or 768 bytes of UTF-8 is refused (``400 invalid_request`` at its
  field, with the ``limit``) before anything is started (:mod:`simulator.runtime.keys`).
* **The clock under concurrency.** A move of the clock computes its target from now
  under the runtime's lock (:meth:`Runtime.move_clock`): concurrent advances add up.
* **Pinned versions.** An execution stays on the journey version it started on, and
  renders the communications that version pinned at publish (kept with the version),
  even after the workspace's communication changed (SPEC §1.2).
* **Execution status** is Step Functions' own: ``RUNNING`` until the exit step
  (``SUCCEEDED``); a loop or limit guard, or a journey version that disappeared, ends
  it ``FAILED``; erasure ``ABORTED``.
* **Audit.** Runtime actions are appended to the journey's audit log by ``system``,
  stamped with the clock's now when they are recorded (an execution started at a
  later event's time is not stamped ahead of the entries around it), or with the
  journey's ``updatedAt`` when that is later (an edit at a standing clock is stamped
  microseconds ahead of it: :func:`~simulator.backend.records.audit_stamp`), so the
  log's timestamps never go backwards in seq order;
  they name the subject by a random pseudonym kept in the runtime's subject index
  (erased with the subject) and the execution by its number in the journey
  (``executionSeq``), never by its id, its attributes or the execution name (which
  holds the end user's id): erasure has nothing to rewrite in an append-only log.
  The backend's dry-runs of a real subject (``simulate-with-real-user``,
  ``dry-run-override-applied``) name them by the same pseudonym
  (:meth:`Runtime.pseudonym`), never by their id, masked or not: a masked id still
  points to one person, and rewriting those entries on erasure would break the
  log's append-only promise.
  The outbox (SPEC §5.1's shape, ``endUserId`` included) keeps masked renders only,
  and erasure deletes the subject's messages.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from simulator.backend.errors import EventIdConflict, ExecutionNotDue, InvalidRequest, problem
from simulator.backend.lifecycle import pinned_world
from simulator.backend.records import (
    AuditEntry,
    JourneyStatus,
    VersionRecord,
    audit_stamp,
)
from simulator.codes import Decision, EntryDecision
from simulator.durations import utc_seconds
from simulator.engine.bandit import ArmStats
from simulator.engine.clock import Scheduled
from simulator.engine.dryrun import DEFAULT_START, derive_seed
from simulator.engine.eligibility import evaluate_entry
from simulator.engine.predicates import lookup
from simulator.engine.stepper import (
    Awaiting,
    ExecutionEnv,
    ExecutionState,
    TriggerInfo,
    advance,
    first_awaited_event,
    resume,
    start_state,
)
from simulator.engine.trace import format_time
from simulator.models import AdaptiveBranchStep, Event, Journey, Subject
from simulator.models.trigger import has_json_type, json_type_of
from simulator.runtime.clock import MAX_MOVE_YEARS, RuntimeClock, furthest_from
from simulator.runtime.delivery import RuntimeDelivery
from simulator.runtime.keys import check_event_keys, properties_pointer
from simulator.runtime.kv import RUNTIME_TABLES, KvTable, flush
from simulator.runtime.naming import execution_name
from simulator.runtime.sfn import StepFunctions
from simulator.stats.impact import CohortCounts, calibrated_impact, converts, credits_arm
from simulator.stats.posteriors import arm_performance
from simulator.stats.steps import step_stats
from simulator.world import World

__all__ = ["ClockCannotGoBack", "DispatchResult", "InboundEvent", "Runtime", "StartResult"]

_CLOCK = ("clock", "now")
_WAKE = "due"


class ClockCannotGoBack(ValueError):
    """A move of the clock to before its now (the clock only goes forward)."""


@dataclass(frozen=True)
class InboundEvent:
    """An end-user event as the hosted platform receives it."""

    id: str
    name: str
    at: datetime
    properties: Mapping[str, Any] = field(default_factory=dict)
    end_user_id: str | None = None
    """Given at the top level of the payload; else read at the contract's path."""


@dataclass
class StartResult:
    started: list[dict[str, Any]] = field(default_factory=list)
    held_out: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        return {"started": self.started, "heldOut": self.held_out, "skipped": self.skipped}

    def execution_arns(self) -> list[str]:
        return [s["executionArn"] for s in self.started]


@dataclass(frozen=True)
class DispatchResult:
    execution_name: str
    step_id: str | None
    decision: str | None
    status: str
    wake_at: datetime | None
    step: dict[str, Any] | None = None
    """The step's trace record (masked), as the dry-run shows it."""
    end_user_id: str | None = None
    awaiting: bool = False
    """The execution now awaits an event (``wake_at`` is the wait's timeout)."""
    at: datetime | None = None
    """When the step ran."""
    arm: str | None = None
    """The arm an adaptive branch chose at this step."""


def _flushing(method: Any) -> Any:
    """Run a public runtime call under the lock; before it returns, its writes go to
    DynamoDB in batches (:func:`~simulator.runtime.kv.flush`) and its audit entries are
    appended, the audit also when the batches fail. A failed flush makes the runtime
    forget what it holds in memory of the tables (:meth:`Runtime._forget`), so its
    next answers are read from DynamoDB again."""

    @functools.wraps(method)
    def call(self: Runtime, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            try:
                return method(self, *args, **kwargs)
            finally:
                try:
                    self._flush_tables()
                finally:
                    self._flush_audit()

    return call


class Runtime:
    """Executions of every workspace of one backend, on one virtual clock."""

    def __init__(self, backend: Any, *, deliver_email: bool = False) -> None:
        self.backend = backend
        self.deliver_email = deliver_email
        self.store = backend.store
        session = self.store.session
        self.tables = {kind: KvTable(session, kind) for kind in RUNTIME_TABLES}
        self.sfn = StepFunctions(session)
        self._lock = threading.RLock()
        self._versions: dict[tuple[str, str, int], VersionRecord] = {}
        self._pinned: dict[tuple[str, str, int], tuple[World, World]] = {}
        self._senders: set[str] = set()
        # Derived from the tables' mirrors (kv.py), kept to avoid decoding them again;
        # written to the mirror at once, to DynamoDB when the public call returns, and
        # dropped with the mirrors when that flush fails (_forget). One runtime per store.
        self._now: datetime | None = None
        self._pseudonyms: dict[tuple[str, str], str] = {}
        self._records: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._pending_audit: dict[tuple[str, str], list[tuple[str, dict, datetime]]] = {}
        self._events: dict[tuple[str, str], dict[str, Event]] = {}
        self._lists: dict[str, tuple[int, list[dict[str, Any]]]] = {}
        self.listeners: list[Callable[[DispatchResult], None]] = []
        """Called with every dispatch's result, in order (progress bars, live views)."""
        self.clock = RuntimeClock(lambda: self)
        """This runtime's clock as a :class:`~simulator.engine.clock.Clock`."""
        attach = getattr(backend, "attach_runtime", None)
        if attach is not None:
            attach(self)  # the backend's one runtime (and clock): a second one raises
        self.store.when_reloaded(self.reload)

    def _flush_tables(self) -> None:
        """Write the queued writes, the ``triggers`` table's last: its ``event#`` answer
        is what makes a retried event answer instead of start, so it is sent only once
        everything it names is stored. On failure every mirror and what the runtime
        derived from them is dropped (:meth:`_forget`) and the error propagates."""
        tables = [t for kind, t in self.tables.items() if kind != "triggers"]
        try:
            flush(tables)
            flush([self.tables["triggers"]])
        except BaseException:
            self._forget()
            raise

    def _forget(self) -> None:
        """Drop the tables' mirrors and what was derived from them: the next call
        reads DynamoDB again."""
        for table in self.tables.values():
            table.forget()
        self._now = None
        self._pseudonyms.clear()
        self._records.clear()
        self._events.clear()

    def ensure(self) -> None:
        with self._lock:
            for table in self.tables.values():
                table.ensure()
            self._now = None  # read again from the table just loaded
            self.sfn.ensure_dispatcher()
            self._restore_executions()

    def _restore_executions(self) -> int:
        """Give every stored execution that Step Functions does not know its execution
        again; how many. That is the state of a state file restored into a fresh moto
        (``serve --state``: the file keeps the tables, moto's executions die with the
        process). Each is started under its own name, so its ARN is the one stored, and
        one that had ended is closed as recorded; a moto server or AWS kept them, and
        nothing is done there."""
        restored = 0
        executions = self.tables["executions"]
        for pk, name in list(executions.partitions()):
            record = executions.get(pk, name)
            if record is None or self.sfn.describe(record["arn"]) is not None:
                continue
            self.sfn.start(name, _sfn_input(record["journeyId"]))
            status = record.get("status", "RUNNING")
            if status in ("SUCCEEDED", "FAILED"):
                state = ExecutionState.from_wire(record["state"])
                self.sfn.close(record["arn"], status, state.exited_at or state.now)
            restored += 1
        return restored

    def reload(self) -> None:
        """Forget everything held in memory of the tables and read them again, once they
        were put back to an earlier state underneath the runtime (``serve --state``
        rolls a write back when its save failed:
        :meth:`~simulator.backend.statefile.StateKeeper.rollback`, which calls this
        through :meth:`~simulator.backend.tables.Tables.reloaded`).

        Dropped: the tables' mirrors and what was derived from them, the journey lists,
        the published versions and pinned communications read (a version the undone
        write published may be published again, otherwise). Step Functions is put back
        with the tables as far as they name it (moto only,
        :mod:`~simulator.runtime.motoshim`): an execution the undone write closed or
        stopped runs again as recorded, and one that ended as recorded is closed. An
        execution the undone write started is named by no record now and is left
        running in Step Functions, out of every answer: moto's Step Functions is shared
        by every store of the process, so an execution no record names may be another
        store's. The same event sent again gets that execution back (same name and
        input while running: AWS's own idempotency) and records it."""
        with self._lock:
            self._forget()
            self._versions.clear()
            self._pinned.clear()
            self._lists.clear()
            self._pending_audit.clear()
            self._restore_executions()
            executions = self.tables["executions"]
            for pk, name in list(executions.partitions()):
                record = executions.get(pk, name)
                if record is None:
                    continue
                status = record.get("status", "RUNNING")
                described = self.sfn.describe(record["arn"])
                if described is None or described["status"] == status:
                    continue
                if status == "RUNNING":
                    self.sfn.reopen(record["arn"])
                else:
                    state = ExecutionState.from_wire(record["state"])
                    self.sfn.close(record["arn"], status, state.exited_at or state.now)

    # --- the clock ---------------------------------------------------------------------

    def now(self) -> datetime:
        if self._now is None:
            stored = self.tables["counters"].get(*_CLOCK)
            self._now = datetime.fromisoformat(stored) if stored else DEFAULT_START
        return self._now

    def pending_wakeups(self) -> list[Scheduled]:
        """Every wake-up stored ahead, in due order; the item is ``(workspace, journey,
        execution name)``."""
        with self._lock:
            return [
                Scheduled(datetime.fromisoformat(p["at"]), n, (p["ws"], p["journey"], p["name"]))
                for n, (_, p) in enumerate(self.tables["wakeups"].items(_WAKE))
            ]

    def _set_now(self, moment: datetime) -> None:
        if moment != self._now:
            self.tables["counters"].put(*_CLOCK, moment.astimezone(UTC).isoformat())
            self._now = moment

    def advance_clock(self, to: datetime) -> list[DispatchResult]:
        """Move the clock to ``to``, running every dispatch due by then in time order."""
        return self.move_clock(lambda now: to)[1]

    @_flushing
    def move_clock(
        self, target: Callable[[datetime], datetime]
    ) -> tuple[datetime, list[DispatchResult]]:
        """Move the clock to ``target(now)``, running every dispatch due by then in time
        order; the new now and the dispatches' results.

        The target is computed from the clock's now under the runtime's lock, and the
        clock written before the lock is released: concurrent moves *by* a duration
        (``POST /api/_sim/clock/advance {"by": "PT1H"}`` from several clients) each
        apply on top of the one before, none is lost. ``target`` may raise to refuse
        the move (nothing is then written); a target before now is
        :class:`ClockCannotGoBack`."""
        with self._lock:
            now = self.now()
            to = target(now)
            if to < now:
                at, back = utc_seconds(now), utc_seconds(to)
                raise ClockCannotGoBack(f"the clock is at {at}; it cannot go back to {back}")
            results = self._run_due(_wake_key(to, "\uffff"))
            self._set_now(to)
            return to, results

    def _run_due(self, upto: str) -> list[DispatchResult]:
        """Run every wake-up whose key is at most ``upto`` (``_wake_key(to, "\\uffff")``:
        those due by ``to``; ``_wake_key(to, "")``: those due before it), in time order
        (ties by execution name), each at its own due time (never before now), with the
        clock set to it; the dispatches' results. Called under the lock, by
        :meth:`move_clock` and by :meth:`post_event` (an event dated ahead of the clock
        that resumes a wait): one loop for every move of the clock."""
        now = self.now()
        results = []
        wakeups = self.tables["wakeups"]
        while True:
            due = next(wakeups.items(_WAKE, upto=upto, limit=1), None)
            if due is None:
                return results
            key, pointer = due
            wakeups.delete(_WAKE, key)
            at = max(datetime.fromisoformat(pointer["at"]), now)
            self._set_now(at)
            ws, journey_id, name = pointer["ws"], pointer["journey"], pointer["name"]
            while True:  # steps due at this same instant run on, without a wake-up
                result = self._dispatch(ws, journey_id, name, schedule=False)
                results.append(result)
                if result.wake_at is None or result.wake_at != at or result.awaiting:
                    break
            if result.wake_at is not None:
                self._schedule_at(ws, journey_id, name, result.wake_at)

    # --- triggers ----------------------------------------------------------------------

    @_flushing
    def start_execution(self, workspace_id: str, event: InboundEvent) -> StartResult:
        """Start one execution per active journey listening to ``event`` (SPEC §5).

        Ids too long for the runtime's keys are refused before anything is started
        (:func:`~simulator.runtime.keys.check_event_keys`). An event id whose end user
        was forgotten since answers what erasure left of its answer (see
        :meth:`forget_end_user`) and starts nothing."""
        with self._lock:
            self._check_keys(workspace_id, event)
            self._check_time(event)
            triggers = self.tables["triggers"]
            answered = self._answer(workspace_id, event.id)
            if answered is not None:
                _refuse_another_event(answered, event)
                return StartResult(**_answer_only(answered))
            result = StartResult()
            world = self.backend.directory.world(workspace_id)
            for summary in self._journey_list(workspace_id):
                self._trigger_one(workspace_id, world, summary, event, result)
            triggers.put(
                workspace_id,
                f"event#{event.id}",
                {
                    "started": result.started,
                    "held_out": result.held_out,
                    "skipped": result.skipped,
                    _DIGEST: _digest(event),
                },
            )
            return result

    def _answer(self, ws: str, event_id: str) -> dict[str, Any] | None:
        """The stored answer to the event ``event_id``: as given, or as its end user's
        erasure left it (under a hash of the id)."""
        triggers = self.tables["triggers"]
        answered = triggers.get(ws, f"event#{event_id}")
        return answered if answered is not None else triggers.get(ws, _erased_key(ws, event_id))

    def _stopped_by_erasure(self, ws: str, end_user_id: str, name: str) -> bool:
        """Whether the execution ``name`` of a forgotten end user was stopped by their
        erasure and must not be revived.

        Erasure keeps a scrubbed answer for each of their event ids, so a replay is
        answered before it gets here. This is the backstop for state whose answers are
        gone (a state file saved by an earlier journeysim, whose erasure deleted them):
        Step Functions still holds the execution, ``ABORTED``, under a name only that
        event makes; a second start would get that execution back and write a running
        record for it. Checked only for end users with an erasure tombstone, so other
        starts pay one in-memory read."""
        if not self._forgotten(ws, end_user_id):
            return False
        described = self.sfn.describe(self.sfn.execution_arn(name))
        return described is not None and described["status"] != "RUNNING"

    def _check_keys(self, ws: str, event: InboundEvent, end_user_id: str | None = None) -> None:
        """Refuse (``400 invalid_request`` at the field) an event whose id or name, or any
        end-user id a listening trigger contract would read from it, is too long for a
        key."""
        ids: list[tuple[str, Any]] = [
            ("/id", event.id),
            ("/name", event.name),
            ("/endUserId", event.end_user_id),
        ]
        if event.end_user_id is None:
            if end_user_id is not None:
                ids.append(("/properties/endUserId", end_user_id))
            contracts = self.backend.directory.world(ws).trigger_contracts.values()
            for contract in contracts:
                if contract.event_name == event.name:
                    path = contract.subject_field_path
                    pointer = properties_pointer(event.properties, path)
                    ids.append((pointer, lookup(event.properties, path)))
        check_event_keys(ids)

    def _check_time(self, event: InboundEvent) -> None:
        """Refuse (``400`` at ``/at``) an event dated further ahead of the clock than the
        clock moves at once (see the module docstring, *Trigger time*)."""
        now = self.now()
        latest = furthest_from(now)
        if event.at > latest:
            message = (
                f"at: {format_time(event.at)} is more than {MAX_MOVE_YEARS} years after the "
                f"clock's {format_time(now)}: an event is dated at most as far ahead as "
                "the clock moves at once"
            )
            detail = problem("/at", message, "too_far_ahead", latest=format_time(latest))
            raise InvalidRequest(message, details=[detail])

    def _trigger_one(
        self,
        ws: str,
        world: World,
        summary: Mapping[str, Any],
        event: InboundEvent,
        result: StartResult,
    ) -> None:
        version = summary.get("latestVersion")
        if version is None:
            return
        journey = self._journey(ws, summary["id"], version)
        world = self._pinned_world(ws, journey.id, version, world)
        contract = world.trigger_contracts.get(journey.trigger_contract_id or "")
        if contract is None or contract.event_name != event.name:
            return
        journey_id = journey.id

        def skip(reason: str, message: str) -> None:
            result.skipped.append({"journeyId": journey_id, "reason": reason, "message": message})

        status = summary.get("status")
        if status != JourneyStatus.ACTIVE.value:
            skip(f"journey_{status}", f"journey {journey_id} is {status}")
            return
        required = contract.required_properties or {}
        missing = [p for p in required if p not in event.properties]
        if missing:
            skip("missing_required_property", f"event lacks {', '.join(sorted(missing))}")
            return
        # A property of the wrong type breaks the contract as surely as a missing one
        # (a string "12" where the contract says number): the same skip, saying which.
        mistyped = [
            f"{name} is {json_type_of(event.properties[name])}, the contract wants {kind}"
            for name, kind in sorted(required.items())
            if not has_json_type(event.properties[name], kind)
        ]
        if mistyped:
            skip("invalid_required_property", f"event's {'; '.join(mistyped)}")
            return
        end_user_id = event.end_user_id or _text(
            lookup(event.properties, contract.subject_field_path)
        )
        if not end_user_id:
            skip("missing_subject", f"no end user at {contract.subject_field_path}")
            return
        start = max(event.at, self.now())
        subject = self._subject(ws, end_user_id, event)
        entry = evaluate_entry(
            journey, subject, world=world, at=start, version=version, status=status
        )
        if entry.decision is EntryDecision.BLOCKED:
            key = f"{journey_id}#holdout#{event.id}"
            self._index(ws, end_user_id, key, start, journey, world, event)
            self._count_impact(ws, journey_id, start, "holdout")
            result.held_out.append({"journeyId": journey_id, "endUserId": end_user_id})
            return
        if entry.decision is not EntryDecision.ENTERED:
            reason = entry.reason.value if entry.reason else "not_eligible"
            skip(reason, f"the subject is not eligible ({reason})")
            return
        name = execution_name(journey_id, version, end_user_id, event.id)
        if self._stopped_by_erasure(ws, end_user_id, name):
            skip(FORGOTTEN, _FORGOTTEN_MESSAGE)
            return
        arn = self.sfn.start(name, _sfn_input(journey_id))
        pseudonym = self._pseudonym(ws, end_user_id)
        seq = self.tables["counters"].add(f"{ws}#{journey_id}", "execseq")
        trigger = {
            "eventName": event.name,
            "at": start.isoformat(),
            "properties": dict(event.properties),
        }
        state = start_state(
            self._env(ws, journey, world, subject, trigger),
            start,
            _seed(journey_id, version, end_user_id),
        )
        record = {
            "name": name,
            "arn": arn,
            "seq": seq,
            "journeyId": journey_id,
            "version": version,
            "endUserId": end_user_id,
            "startedAt": start.isoformat(),
            "trigger": trigger,
            "state": state.to_wire(),
            "status": "RUNNING",
            "currentStepId": state.step_id,
        }
        if not self.tables["executions"].put(f"{ws}#{journey_id}", name, record, if_absent=True):
            # The same (journey, version, subject, event) started already, and the
            # event's answer was not stored: a flush failed part way (the answer is
            # written last). The stored execution is the answer; its wake-up is put
            # again (the same key) in case it was lost. Counts the failed call had
            # not stored stay uncounted.
            existing = self._record(ws, journey_id, name) or record
            if existing.get("status", "RUNNING") == "RUNNING":
                self._schedule(ws, journey_id, name, ExecutionState.from_wire(existing["state"]))
            self.tables["triggers"].put(
                ws, f"arn#{existing['arn']}", {"journey": journey_id, "name": name}
            )
            started = {"journeyId": journey_id, "version": version, "executionArn": existing["arn"]}
            result.started.append({**started, "endUserId": end_user_id})
            return
        self._records[(ws, journey_id, name)] = record
        self.tables["triggers"].put(ws, f"arn#{arn}", {"journey": journey_id, "name": name})
        self._index(ws, end_user_id, f"{journey_id}#exec#{name}", start, journey, world, event)
        self._count_impact(ws, journey_id, start, "exposed")
        self._schedule(ws, journey_id, name, state)
        self._audit(
            ws,
            journey_id,
            [
                (
                    "execution.started",
                    {"executionSeq": seq, "subject": pseudonym, "version": version},
                )
            ],
            self.now(),  # when recorded, as every entry: a later event's start is startedAt
        )
        started = {"journeyId": journey_id, "version": version, "executionArn": arn}
        result.started.append({**started, "endUserId": end_user_id})

    # --- dispatch ----------------------------------------------------------------------

    def execution_by_arn(self, workspace_id: str, arn: str) -> tuple[str, str] | None:
        """``(journey id, execution name)`` of an execution of the workspace."""
        found = self.tables["triggers"].get(workspace_id, f"arn#{arn}")
        return None if found is None else (found["journey"], found["name"])

    @_flushing
    def dispatch(self, workspace_id: str, journey_id: str, name: str) -> DispatchResult:
        """Advance one execution by one step (the dispatcher Task state); its pending
        wake-up, if any, is replaced by the one this step sets.

        Only a due execution moves: one whose wake-up (its next step's time, or the
        timeout of the wait it is in) is after the clock's now is
        :class:`~simulator.backend.errors.ExecutionNotDue` (``409 execution_not_due``,
        with both times) and nothing changes. The state machine calls the dispatcher
        only once ``Sleep`` has waited until ``wakeAt``; a direct call ahead of it ran
        the execution into the clock's future (its sends stamped days ahead of now). An
        execution that ended answers its status, as before."""
        with self._lock:
            self._refuse_not_due(workspace_id, journey_id, name)
            self._clear_wake(workspace_id, journey_id, name)
            return self._dispatch(workspace_id, journey_id, name)

    def _refuse_not_due(self, ws: str, journey_id: str, name: str) -> None:
        record = self._record(ws, journey_id, name)
        if record is None:
            return  # _dispatch says it does not exist
        state = ExecutionState.from_wire(record["state"])
        wake, now = state.wake_at, self.now()
        if wake is not None and wake > now:
            awaits = state.awaiting.event_name if state.awaiting is not None else None
            raise ExecutionNotDue(format_time(wake), format_time(now), awaits=awaits)

    def _dispatch(
        self,
        ws: str,
        journey_id: str,
        name: str,
        event_at: datetime | None = None,
        *,
        schedule: bool = True,
        event_key: str | None = None,
    ) -> DispatchResult:
        """Run the execution's next step, or settle its open wait: on the event at
        ``event_at`` (a posted one, ``event_key`` in the subject's history), else on
        the posted event it was found to resume when it began (``resumes_at``), else
        on its timeout. The event that settles a wait is kept in the record's
        ``consumed`` keys: it resumes none of the execution's later waits."""
        found = self._record(ws, journey_id, name)
        if found is None:
            raise LookupError(f"no execution {name!r} of journey {journey_id!r}")
        record = {**found, "arms": dict(found.get("arms", {}))}  # the cache changes on write
        state = ExecutionState.from_wire(record["state"])
        if state.done:
            return DispatchResult(name, None, None, record.get("status", "SUCCEEDED"), None)
        journey = self._journey(ws, journey_id, record["version"])
        world = self._pinned_world(
            ws, journey_id, record["version"], self.backend.directory.world(ws)
        )
        subject = self._subject(ws, record["endUserId"], None)
        env = self._env(ws, journey, world, subject, record["trigger"], state.step_id)
        pseudonym = self._pseudonym(ws, record["endUserId"])
        if state.awaiting is not None:
            self._unwait(ws, record["endUserId"], state, journey_id, name)
            known = record.pop("resumesWith", None)
            if event_at is None and state.awaiting.resumes_at is not None:
                event_at, event_key = max(state.awaiting.resumes_at, self.now()), known
            if event_key is not None:
                record["consumed"] = [*record.get("consumed", ()), event_key]
            moved = resume(env, state, event_at)
        else:
            delivery = RuntimeDelivery(env, self, ws, record["arn"])
            moved = advance(env, state, delivery)
        new = moved.state
        audit: list[tuple[str, dict]] = []
        if moved.step is not None:
            step = moved.step
            decision, reason = step.decision.value, step.reason.value if step.reason else None
            if step.decision is not Decision.DEFERRED:
                self._bump(f"{ws}#{journey_id}", f"step#{step.step_id}#{decision}#{reason or ''}")
            if step.type == "send" and step.decision is not Decision.DEFERRED:
                audit.append(
                    (
                        f"send.{_send_action(decision)}",
                        {
                            "executionSeq": record["seq"],
                            "subject": pseudonym,
                            "stepId": step.step_id,
                            **({"reason": reason} if reason else {}),
                        },
                    )
                )
            if step.type == "webhook":
                audit.append(
                    (
                        "webhook.executed",
                        {
                            "executionSeq": record["seq"],
                            "subject": pseudonym,
                            "stepId": step.step_id,
                        },
                    )
                )
            if step.branch is not None and step.branch.chosen_arm_id is not None:
                self._bump(
                    f"{ws}#{journey_id}", f"arm#{step.step_id}#{step.branch.chosen_arm_id}#n"
                )
                self._add_arm(
                    ws,
                    record["endUserId"],
                    journey_id,
                    name,
                    step.step_id,
                    step.branch.chosen_arm_id,
                    step.at,
                )
        status = "RUNNING"
        if new.ended is not None:
            status = "SUCCEEDED" if new.ended in ("exited", "ran_out") else "FAILED"
            self.sfn.close(record["arn"], status, new.exited_at or new.now)
            audit.append(
                (
                    f"execution.{'completed' if status == 'SUCCEEDED' else 'failed'}",
                    {
                        "executionSeq": record["seq"],
                        "subject": pseudonym,
                        **({"warning": moved.warning.code} if moved.warning else {}),
                    },
                )
            )
        elif new.awaiting is not None:
            known = self._known_event(
                ws, record["endUserId"], new.awaiting, record.get("consumed", ())
            )
            if known is not None:  # posted before the wait began: it wakes then
                record["resumesWith"] = known[0]
                new = replace(new, awaiting=replace(new.awaiting, resumes_at=known[1].at))
            self._wait(ws, record["endUserId"], new, journey_id, name)
        record.update(state=new.to_wire(), status=status, currentStepId=_current(new, moved))
        if (
            moved.step is not None
            and moved.step.branch is not None
            and moved.step.branch.chosen_arm_id
        ):
            record.setdefault("arms", {})[moved.step.step_id] = moved.step.branch.chosen_arm_id
        self.tables["executions"].put(f"{ws}#{journey_id}", name, record)
        self._records[(ws, journey_id, name)] = record
        if new.ended is None and schedule:
            self._schedule(ws, journey_id, name, new)
        if audit:
            self._audit(ws, journey_id, audit, self.now())
        step_id = moved.step.step_id if moved.step else None
        decision = moved.step.decision.value if moved.step else None
        trace_step = _mask_step(env, moved.step) if moved.step else None
        result = DispatchResult(
            name,
            step_id,
            decision,
            status,
            new.wake_at,
            trace_step,
            record["endUserId"],
            new.awaiting is not None,
            state.now if moved.step is not None else None,
            moved.step.branch.chosen_arm_id if moved.step and moved.step.branch else None,
        )
        for listener in self.listeners:
            listener(result)
        return result

    # --- end-user events ---------------------------------------------------------------

    @_flushing
    def post_event(
        self, workspace_id: str, event: InboundEvent, end_user_id: str
    ) -> dict[str, Any]:
        """An end-user event: counts goals, resumes awaiting waits, then triggers.

        Ids too long for the runtime's keys are refused before anything is written. An
        event id whose end user was forgotten since (:meth:`forget_end_user`) is not
        recorded, counted or resumed on again: the answer is what erasure left of its
        answer, nothing of the forgotten person is written back.

        **Retries.** An event posted before answers what it answered then (SPEC §5.1:
        "the same event again answers the same lists"), even after the clock moved:
        it is not recorded in the subject's history again, counts no goal and resumes
        no wait. The answer is kept under ``posted#{id}`` in the workspace's triggers
        partition and erased with the end user. Ids are the workspace's: an id posted
        (or sent to :meth:`start_execution`) before with another event, another end
        user's included, is refused, ``409 event_id_conflict``, before anything is
        recorded (see *Idempotency* in the module docstring).

        **Two times.** What the event *says* is judged at its own ``at``: a goal
        converts only when ``at`` is inside a window (SPEC §5: "goal event within the
        window from execution start"), and it resumes only the ``untilEvent`` waits
        it falls in, from the wait's start to its timeout, as the dry-run judges
        scripted events (:func:`~simulator.engine.stepper.first_awaited_event`). An
        event dated before an execution started (or its wait began) happened before
        the journey could have caused it, and posting it late does not change that.
        The subject's history holds it at its own ``at`` too, so a conditional
        branch's ``event_fired … withinDays`` (or an audience) judges it where goals
        and waits do: an event from before the window posted late is outside it, as a
        scripted event of that time is in the dry-run. (It was recorded at the
        posting time, ``max(at, now)``, so a late post of an old event counted as
        recent for branches while the same event converted no goal.) What the event
        *does* runs on the clock, at ``max(at, now)`` (nothing runs in the clock's
        past): the resumed step. An event in history dated ahead of the clock is seen
        by no predicate until the clock reaches it (only events at or before the
        evaluation time exist, :mod:`~simulator.engine.predicates`).

        **Ahead of the clock.** An event dated after now that resumes a wait moves the
        clock to its ``at`` first, by the loop :meth:`move_clock` runs
        (:meth:`_run_due`): every wake-up due *before* ``at`` runs first, in time
        order, each at its own time (other subjects' waits and sends, this subject's
        other executions), so nothing due in between is skipped or run late. Wake-ups
        due at ``at`` itself run after the event, at the next move: a wait is resumed
        by an event at its very timeout (both ends inclusive, as in the dry-run), not
        timed out by it. The waits it resumes are chosen after that move, so one that
        an execution reached in between is resumed too. An event ahead of the clock
        that resumes nothing does not move it (what it starts starts at its ``at``):
        a posted event moves the shared clock no further than a wait's timeout.

        **Before the wait.** An event dated inside an ``untilEvent`` wait that its
        execution reaches only after the post (the clock at 06-01, a checkout dated
        06-04 for a wait from 06-03 to 06-05) resumes it all the same, so the outcome
        does not depend on when the event was posted, as the dry-run with the same
        scripted event resumes it. It is recorded in history (nothing else happens
        now), and when the wait begins, :meth:`_dispatch` looks in the history for the
        event that resumes it, as the dry-run picks one
        (:func:`~simulator.engine.stepper.first_awaited_event`: the earliest, from the
        wait's start to its timeout, both inclusive, that the execution's earlier waits
        did not take): the wait then wakes at that event's time
        (:attr:`~simulator.engine.stepper.Awaiting.resumes_at`) instead of its
        timeout, and is settled with the event by the same dispatch as a timeout is.
        Events at the clock's now count too: one dated at the wait's very start, posted
        before it began, is inside it. The event that settles a wait, posted or found,
        is kept in the execution's ``consumed`` keys, so one occurrence resumes one wait
        of an execution (and one wait of each execution it falls in). An event posted
        before the wait began never moves the clock: the wake-up waits for the clock
        to reach it, as any other."""
        with self._lock:
            self._check_keys(workspace_id, event, end_user_id)
            self._check_time(event)
            triggers = self.tables["triggers"]
            answered = triggers.get(workspace_id, _posted_key(event.id))
            _refuse_another_event(answered, event, end_user_id)
            _refuse_another_event(self._answer(workspace_id, event.id), event)
            if answered is not None:
                return _answer_only(answered)
            erased = triggers.get(workspace_id, _erased_key(workspace_id, event.id))
            if erased is not None:
                return {"goalsCounted": 0, "resumed": [], **StartResult(**erased).to_wire()}
            awaiting = self._awaiting(workspace_id, end_user_id, event)
            if awaiting and event.at > self.now():
                # It resumes a wait at its own time, ahead of the clock: the clock moves
                # there first, running what is due before it, as an advance would.
                self._run_due(_wake_key(event.at, ""))
                self._set_now(event.at)
                awaiting = self._awaiting(workspace_id, end_user_id, event)
            at = max(event.at, self.now())
            self._record_event(workspace_id, end_user_id, event)
            converted = self._goal(workspace_id, end_user_id, event.name, event.at)
            resumed = []
            for pointer in awaiting:
                self._clear_wake(workspace_id, pointer["journey"], pointer["name"])
                moved = self._dispatch(
                    workspace_id,
                    pointer["journey"],
                    pointer["name"],
                    at,
                    event_key=_history_key(event),
                )
                resumed.append(moved.execution_name)
            started = self.start_execution(workspace_id, event).to_wire()
            answer = {"goalsCounted": converted, "resumed": resumed, **started}
            digest = _digest(event, end_user_id)
            triggers.put(workspace_id, _posted_key(event.id), {**answer, _DIGEST: digest})
            return answer

    def _awaiting(self, ws: str, end_user_id: str, event: InboundEvent) -> list[dict[str, Any]]:
        """The open waits of the end user for ``event`` that it falls in (from the wait's
        start to its timeout, both inclusive), in key order."""
        return [
            pointer
            for _key, pointer in self.tables["waits"].items(f"{ws}#{end_user_id}#{event.name}")
            if datetime.fromisoformat(pointer["since"])
            <= event.at
            <= datetime.fromisoformat(pointer["timeoutAt"])
        ]

    def _goal(self, ws: str, end_user_id: str, name: str, at: datetime) -> int:
        """Count the goal event ``name``, which happened at ``at`` (the event's own
        time), for each execution or holdout record of the end user whose window holds
        it; how many converted.

        An execution converts once (calibrated impact). Each arm it reached counts the
        goal when it happened at or after the arm was reached
        (:func:`~simulator.stats.impact.credits_arm`), once per execution and arm, so
        an earlier goal that converted the execution does not keep a later one from
        counting for an arm reached in between. An arm reached only after the post is
        credited when it is reached (:meth:`_add_arm`): the counts do not depend on
        whether the goal was posted before or after the clock reached the arm."""
        counted = 0
        subjects = self.tables["subjects"]
        for key, entry in list(subjects.items(f"{ws}#{end_user_id}", "")):
            if key == "pseudonym" or entry.get("goal") != name:
                continue
            start, window = datetime.fromisoformat(entry["startedAt"]), entry["windowDays"]
            if not converts(start, at, window):
                continue
            journey_id = entry["journeyId"]
            updated = {**entry, "credited": _credited(entry)}
            if not entry.get("converted"):
                cohort = "holdout" if "#holdout#" in key else "exposed"
                self._count_impact(ws, journey_id, start, f"{cohort}_converted")
                updated["converted"] = True
                counted += 1
            reached = entry.get("armsAt", {})
            for step_id in entry.get("arms", {}):
                # an arm recorded before arm times were kept counts as reached at start
                arm_at = datetime.fromisoformat(reached[step_id]) if step_id in reached else start
                if credits_arm(start, arm_at, at, window):
                    self._credit_arm(ws, journey_id, updated, step_id)
            if updated != entry:
                subjects.put(f"{ws}#{end_user_id}", key, updated)
        return counted

    # --- erasure -----------------------------------------------------------------------

    @_flushing
    def forget_end_user(self, workspace_id: str, end_user_id: str) -> dict[str, Any]:
        """Erase the end user everywhere the runtime and the store keep them (GDPR).

        Deleted: the profile document, every execution of theirs (state, pointer, wake-up,
        open wait, ARN pointer; running ones are stopped first: ``ABORTED``), their holdout
        records, outbox messages, and their subject index with the audit pseudonym (the
        append-only audit log then names nobody who can be found). Kept: the counters
        behind the stats, which are anonymous. A tombstone keyed by a hash of
        (workspace, id) lets a second call say ``alreadyForgotten`` without keeping the id.

        **Final across restarts.** The project folder is never written: a subject
        erased here still has their file in its ``subjects/``. The tombstone, kept in
        the state file with the rest, makes loading the project leave that subject out
        (:meth:`forgotten`), so after a restart with ``serve --state`` the API answers
        as if the project had never held them (subjects list, dry-runs by id, the
        profile new events are matched against). A server started without that state
        file starts from the project alone, profile included: to erase them there too,
        delete their file from the project.

        **Replays after erasure.** The stored answers to their events (those that
        started or held them out, and those they posted) are not deleted but scrubbed
        (:func:`_scrubbed`: each journey that started or held them out becomes
        ``skipped`` with reason ``end_user_forgotten``, no ARN, no id) and kept under a
        hash of the event id. The same event sent again (a retry of start-execution or
        of ``POST /api/_sim/events``) is an event already processed: it answers that,
        starts no execution, records, counts and resumes nothing, so nothing of the
        erased person comes back and no record contradicts Step Functions' ``ABORTED``.
        A *new* event naming them (another id) is new data, processed as any.

        The answer names them by their raw ``endUserId``; the API masks it on the way
        out (:meth:`~simulator.runtime.service.RuntimeService.forget_end_user`).
        """
        with self._lock:
            erased: dict[str, int] = {}
            stopped = 0
            subjects = self.tables["subjects"]
            partition = f"{workspace_id}#{end_user_id}"
            entries = list(subjects.items(partition))
            for key, entry in entries:
                if "#exec#" in key:
                    name = key.split("#exec#", 1)[1]
                    stopped += self._erase_execution(workspace_id, entry["journeyId"], name)
                    erased["executions"] = erased.get("executions", 0) + 1
                elif "#holdout#" in key:
                    erased["holdoutRecords"] = erased.get("holdoutRecords", 0) + 1
                subjects.delete(partition, key)
            outbox = self.tables["outbox"]
            messages = [
                (k, m) for k, m in outbox.items(workspace_id) if m.get("endUserId") == end_user_id
            ]
            for key, _ in messages:
                outbox.delete(workspace_id, key)
            erased["outboxMessages"] = len(messages)
            answers = self._erase_answers(workspace_id, end_user_id, entries)
            erased["triggerAnswers"] = answers
            erased["profiles"] = self.backend.directory.forget_subject(workspace_id, end_user_id)
            self._pseudonyms.pop((workspace_id, end_user_id), None)
            self._events.pop((workspace_id, end_user_id), None)
            # Counted from the stored index just deleted, not from the cache of their
            # history, which holds nothing until something reads it (after a restart).
            posted = sum(1 for key, _ in entries if key.startswith("event#"))
            if posted:
                erased["events"] = posted
            tombstone = _tombstone(workspace_id, end_user_id)
            nothing = not entries and not messages and not answers and not erased["profiles"]
            already = nothing and self._forgotten(workspace_id, end_user_id)
            self.tables["counters"].put("forgotten", tombstone, True)
            if not nothing:
                self._audit_erasure(workspace_id, {k for k, _ in entries if _names_journey(k)})
            return {
                "endUserId": end_user_id,  # masked by the service, as in every answer
                "erased": erased,
                "stoppedExecutions": stopped,
                "alreadyForgotten": already,
            }

    def forgotten(self, workspace_id: str, end_user_id: str) -> bool:
        """Whether the end user was erased (:meth:`forget_end_user`), by its tombstone,
        which the state file keeps: loading a project leaves their profile out
        (:func:`~simulator.backend.loading.load_project`), so a restart with ``serve
        --state`` does not bring back what erasure deleted."""
        with self._lock:
            return self._forgotten(workspace_id, end_user_id)

    def _forgotten(self, ws: str, end_user_id: str) -> bool:
        return self.tables["counters"].get("forgotten", _tombstone(ws, end_user_id)) is not None

    def _erase_answers(self, ws: str, end_user_id: str, entries: list[tuple[str, Any]]) -> int:
        """Rewrite the stored answers of the end user's events as erasure leaves them
        (:func:`_scrubbed`), each moved to a hash of its event id; how many named them.

        Their events are those whose answer names them (started or held out) and those
        they posted or were held out by (from their subject index, ``entries``): a
        replay of any of these ids answers from here and writes nothing about them."""
        triggers = self.tables["triggers"]
        posted = _event_ids(entries, _POSTED_KEY)
        event_ids = posted | _event_ids(entries, _HOLDOUT_KEY)
        named = 0
        for prefix in ("event#", "erased#"):
            for key, answer in triggers.items(ws, prefix):
                event_id = key.removeprefix("event#") if prefix == "event#" else None
                names = _names(answer, end_user_id)
                if not names and event_id not in event_ids:
                    continue
                named += int(names)
                if event_id is None:
                    triggers.put(ws, key, _scrubbed(answer, end_user_id))
                else:
                    triggers.delete(ws, key)
                    triggers.put(ws, _erased_key(ws, event_id), _scrubbed(answer, end_user_id))
        for event_id in event_ids:  # posted, but its answer was never stored
            triggers.put(ws, _erased_key(ws, event_id), _scrubbed({}, end_user_id), if_absent=True)
        # The answers kept for retries of posted events (:meth:`post_event`): those of
        # the events they posted go, so a retry gets the erased answer kept above; those
        # of another end user's events that started or held them out (a contract may
        # read another path) are scrubbed like the start answer, and keep what the
        # event did for the poster (goals counted, waits resumed). They are copies of
        # answers counted above, so they are not counted again.
        for key, answer in list(triggers.items(ws, _posted_key(""))):
            if key.removeprefix(_posted_key("")) in posted:
                triggers.delete(ws, key)
            elif _names(answer, end_user_id):
                start = {name: answer[wire] for name, wire in _START_PARTS}
                scrubbed = StartResult(**_scrubbed(start, end_user_id)).to_wire()
                triggers.put(ws, key, {**_answer_only(answer), **scrubbed})
        return named

    def _erase_execution(self, ws: str, journey_id: str, name: str) -> int:
        executions = self.tables["executions"]
        record = self._record(ws, journey_id, name)
        self._records.pop((ws, journey_id, name), None)
        if record is None:
            return 0
        state = ExecutionState.from_wire(record["state"])
        if state.wake_at is not None:
            self.tables["wakeups"].delete(
                _WAKE, _wake_key(state.wake_at, f"{ws}#{journey_id}#{name}")
            )
        if state.awaiting is not None:
            self._unwait(ws, record["endUserId"], state, journey_id, name)
        stopped = int(self.sfn.abort(record["arn"]))
        self.tables["triggers"].delete(ws, f"arn#{record['arn']}")
        executions.delete(f"{ws}#{journey_id}", name)
        return stopped

    def _audit_erasure(self, ws: str, keys: set[str]) -> None:
        for journey_id in sorted({key.split("#", 1)[0] for key in keys}):
            self._audit(ws, journey_id, [("end-user-forgotten", {})], self.now())

    # --- reads -------------------------------------------------------------------------

    def executions(
        self, workspace_id: str, journey_id: str, limit: int = 50
    ) -> list[dict[str, Any]]:
        records = [r for _, r in self.tables["executions"].items(f"{workspace_id}#{journey_id}")]
        records.sort(key=lambda r: r["seq"], reverse=True)
        rows = []
        for record in records[:limit]:
            described = self.sfn.describe(record["arn"]) or {}
            rows.append(
                {
                    "executionArn": record["arn"],
                    "executionName": record["name"],
                    "endUserId": record["endUserId"],
                    "version": record["version"],
                    "status": described.get("status", record.get("status", "RUNNING")),
                    "currentStepId": record.get("currentStepId"),
                    "chosenArms": record.get("arms", {}),
                    "startedAt": format_time(datetime.fromisoformat(record["startedAt"])),
                }
            )
        return rows

    def outbox(
        self, workspace_id: str, *, journey_id: str | None = None, end_user_id: str | None = None
    ) -> list[dict[str, Any]]:
        rows = [m for _, m in self.tables["outbox"].items(workspace_id)]
        if journey_id:
            rows = [m for m in rows if m["journeyId"] == journey_id]
        if end_user_id:
            rows = [m for m in rows if m["endUserId"] == end_user_id]
        return rows

    def step_stats(self, workspace_id: str, journey: Journey) -> list[dict[str, Any]]:
        counts: dict[tuple[str, str, str | None], int] = {}
        for key, n in self._counters(f"{workspace_id}#{journey.id}", "step#").items():
            _, step_id, decision, reason = key.split("#", 3)
            counts[(step_id, decision, reason or None)] = n
        rows = step_stats([(s.id, s.type) for s in journey.steps], counts)
        return [row.to_wire() for row in rows]

    def arm_stats(self, workspace_id: str, journey_id: str) -> dict[str, dict[str, ArmStats]]:
        reached: dict[tuple[str, str], int] = {}
        goals: dict[tuple[str, str], int] = {}
        for key, n in self._counters(f"{workspace_id}#{journey_id}", "arm#").items():
            parsed = _arm_counter(key)
            if parsed is None:
                continue
            step_id, arm_id, kind = parsed
            (reached if kind == "n" else goals)[(step_id, arm_id)] = n
        stats: dict[str, dict[str, ArmStats]] = {}
        for (step_id, arm_id), n in reached.items():
            stats.setdefault(step_id, {})[arm_id] = ArmStats(n, goals.get((step_id, arm_id), 0))
        return stats

    def branch_performance(self, workspace_id: str, journey: Journey) -> list[dict[str, Any]]:
        stats = self.arm_stats(workspace_id, journey.id)
        steps = []
        for step in journey.steps:
            if step.type == "branch" and getattr(step, "arms", None):
                arms = [
                    arm_performance(
                        arm.arm_id, stats.get(step.id, {}).get(arm.arm_id, ArmStats(0, 0))
                    ).to_wire()
                    for arm in step.arms
                ]
                steps.append({"stepId": step.id, "arms": arms})
        return steps

    def calibrated_impact(self, workspace_id: str, journey_id: str) -> dict[str, Any]:
        days: dict[date, CohortCounts] = {}
        for key, n in self._counters(f"{workspace_id}#{journey_id}", "impact#").items():
            _, day, cohort = key.split("#")
            counts = days.get(date.fromisoformat(day), CohortCounts())
            days[date.fromisoformat(day)] = counts + CohortCounts(**{cohort: n})
        return calibrated_impact(days, self.now().date()).to_wire()

    # --- helpers -----------------------------------------------------------------------

    def _journey_list(self, ws: str) -> list[dict[str, Any]]:
        """The workspace's journey list entries, read again only after the store wrote
        a journey (:attr:`~simulator.backend.store.Store.journeys_generation`)."""
        generation = self.store.journeys_generation
        cached = self._lists.get(ws)
        if cached is not None and cached[0] == generation:
            return cached[1]
        listed = self.store.journeys(ws)
        if self.store.journeys_generation == generation:
            self._lists[ws] = (generation, listed)
        return listed

    def _version(self, ws: str, journey_id: str, version: int) -> VersionRecord:
        """A published version (immutable: read once)."""
        key = (ws, journey_id, version)
        if key not in self._versions:
            record = self.store.version(ws, journey_id, version)
            if record is None:
                raise LookupError(f"journey {journey_id!r} has no version {version}")
            self._versions[key] = record
        return self._versions[key]

    def _journey(self, ws: str, journey_id: str, version: int) -> Journey:
        return self._version(ws, journey_id, version).journey

    def _pinned_world(self, ws: str, journey_id: str, version: int, world: World) -> World:
        """``world`` with the communications the version pinned at publish in place of
        the workspace's current ones (SPEC §1.2: executions render the pinned version,
        whatever the communication became since). A version stored without its pinned
        documents renders the workspace's copy."""
        key = (ws, journey_id, version)
        cached = self._pinned.get(key)
        if cached is not None and cached[0] is world:
            return cached[1]
        communications = self._version(ws, journey_id, version).communications
        chosen = pinned_world(world, communications)
        self._pinned[key] = (world, chosen)
        return chosen

    def _subject(self, ws: str, end_user_id: str, event: InboundEvent | None) -> Subject:
        """The profile, with the events posted to the runtime since in its history (so
        branch predicates and audiences see them), and ``event`` when given."""
        known = self.backend.directory.subject(ws, end_user_id)
        subject = known or Subject(end_user_id=end_user_id)
        posted = self._posted_events(ws, end_user_id)
        if posted:
            events = sorted([*subject.events, *posted], key=lambda e: e.at)
            subject = subject.model_copy(update={"events": events})
        if event is None:
            return subject
        trigger = Event(
            name=event.name, at=max(event.at, self.now()), properties=dict(event.properties)
        )
        return subject.model_copy(
            update={"events": sorted([*subject.events, trigger], key=lambda e: e.at)}
        )

    def _posted_events(self, ws: str, end_user_id: str) -> list[Event]:
        return list(self._history(ws, end_user_id).values())

    def _history(self, ws: str, end_user_id: str) -> dict[str, Event]:
        """The events posted for the end user, by their key in the subject index
        (:func:`_history_key`: in time order once sorted)."""
        key = (ws, end_user_id)
        if key not in self._events:
            stored = self.tables["subjects"].items(f"{ws}#{end_user_id}", "event#")
            self._events[key] = {k: Event.model_validate(data) for k, data in stored}
        return self._events[key]

    def _record_event(self, ws: str, end_user_id: str, event: InboundEvent) -> None:
        """Add a posted event to the subject's history at its own ``at`` (see
        :meth:`post_event`, *Two times*)."""
        posted = Event(name=event.name, at=event.at, properties=dict(event.properties))
        sort_key = _history_key(event)
        self.tables["subjects"].put(f"{ws}#{end_user_id}", sort_key, posted.to_wire())
        self._history(ws, end_user_id)[sort_key] = posted

    def _known_event(
        self, ws: str, end_user_id: str, awaiting: Awaiting, consumed: Any
    ) -> tuple[str, Event] | None:
        """The posted event that resumes ``awaiting`` as the dry-run picks it
        (:func:`~simulator.engine.stepper.first_awaited_event`): the earliest in the
        subject's history named as awaited, from the wait's start to its timeout (both
        inclusive), that the execution's earlier waits did not take (``consumed``, their
        history keys); with its key."""
        history = sorted(self._history(ws, end_user_id).items())
        taken = set(consumed)
        index = first_awaited_event(
            [event for _, event in history],
            awaiting,
            {i for i, (key, _) in enumerate(history) if key in taken},
        )
        return None if index is None else history[index]

    def _env(
        self,
        ws: str,
        journey: Journey,
        world: World,
        subject: Subject,
        trigger: Mapping[str, Any],
        step_id: str | None = None,
    ) -> ExecutionEnv:
        """The execution's environment; arm stats are read only when ``step_id`` is an
        adaptive branch (the one planner that reads them)."""
        at = datetime.fromisoformat(trigger["at"])
        info = TriggerInfo(trigger["eventName"], at, dict(trigger["properties"]))
        event = Event(name=trigger["eventName"], at=at, properties=dict(trigger["properties"]))
        if not any(e.name == event.name and e.at == event.at for e in subject.events):
            subject = subject.model_copy(
                update={"events": sorted([*subject.events, event], key=lambda e: e.at)}
            )
        step = next((s for s in journey.steps if s.id == step_id), None)
        arms = (
            self.arm_stats(ws, journey.id) or None if isinstance(step, AdaptiveBranchStep) else None
        )
        return ExecutionEnv.of(journey, world, subject, info, frozenset(), arms)

    def _record(self, ws: str, journey_id: str, name: str) -> dict[str, Any] | None:
        key = (ws, journey_id, name)
        if key not in self._records:
            found = self.tables["executions"].get(f"{ws}#{journey_id}", name)
            if found is None:
                return None
            self._records[key] = found
        return self._records[key]

    @_flushing
    def pseudonym(self, workspace_id: str, end_user_id: str) -> str:
        """The random name (``sub_…``) the audit log gives ``end_user_id``, made on first
        use and kept in their subject index, so :meth:`forget_end_user` erases it with
        them. The backend's dry-runs of a real subject audit them by it too; one may come
        before anything readied the runtime's tables, so the index is made sure of here."""
        self.tables["subjects"].ensure_read()
        return self._pseudonym(workspace_id, end_user_id)

    def _pseudonym(self, ws: str, end_user_id: str) -> str:
        cached = self._pseudonyms.get((ws, end_user_id))
        if cached is not None:
            return cached
        subjects = self.tables["subjects"]
        known = subjects.get(f"{ws}#{end_user_id}", "pseudonym")
        if known is None:
            known = "sub_" + secrets.token_hex(8)
            if not subjects.put(f"{ws}#{end_user_id}", "pseudonym", known, if_absent=True):
                known = subjects.get(f"{ws}#{end_user_id}", "pseudonym")
        self._pseudonyms[(ws, end_user_id)] = known
        return known

    def _index(
        self,
        ws: str,
        end_user_id: str,
        key: str,
        start: datetime,
        journey: Journey,
        world: World,
        trigger: InboundEvent,
    ) -> None:
        """Index an execution or holdout record (``key``) under its end user, for goals.

        A goal event posted before the trigger that starts it, and dated inside its
        window (out-of-order delivery: the ``paid`` event of 10:05 arrives before the
        ``signed_up`` of 10:00), converts it now, as it would had it been posted after:
        the counts do not depend on the order of the posts (see :meth:`_goal`). The
        trigger event itself is never its own goal: the journey did not cause it."""
        window = journey.goal_event_window_days or world.workspace.default_goal_event_window_days
        goal = journey.goal_event_name
        entry = {
            "journeyId": journey.id,
            "startedAt": start.isoformat(),
            "goal": goal,
            "windowDays": window,
            "arms": {},
        }
        trigger_key = _history_key(trigger)
        if goal and any(
            event.name == goal and converts(start, event.at, window)
            for history_key, event in self._history(ws, end_user_id).items()
            if history_key != trigger_key
        ):
            cohort = "holdout" if "#holdout#" in key else "exposed"
            self._count_impact(ws, journey.id, start, f"{cohort}_converted")
            entry["converted"] = True
        self.tables["subjects"].put(f"{ws}#{end_user_id}", key, entry)

    def _add_arm(
        self,
        ws: str,
        end_user_id: str,
        journey_id: str,
        name: str,
        step_id: str,
        arm_id: str,
        at: datetime,
    ) -> None:
        """Record in the execution's subject-index entry that it reached ``arm_id`` of
        ``step_id`` at ``at``, and credit the arm with a goal event already posted that
        counts for it (:func:`~simulator.stats.impact.credits_arm`: dated at or after
        ``at``, inside the window), as :meth:`_goal` would had it been posted now."""
        subjects = self.tables["subjects"]
        key = f"{journey_id}#exec#{name}"
        entry = subjects.get(f"{ws}#{end_user_id}", key)
        if entry is None:
            return
        updated = {
            **entry,
            "arms": {**entry.get("arms", {}), step_id: arm_id},
            "armsAt": {**entry.get("armsAt", {}), step_id: at.isoformat()},
            "credited": _credited(entry),
        }
        goal = entry.get("goal")
        start, window = datetime.fromisoformat(entry["startedAt"]), entry["windowDays"]
        if goal and any(
            event.name == goal and credits_arm(start, at, event.at, window)
            for event in self._posted_events(ws, end_user_id)
        ):
            self._credit_arm(ws, journey_id, updated, step_id)
        subjects.put(f"{ws}#{end_user_id}", key, updated)

    def _credit_arm(self, ws: str, journey_id: str, entry: dict[str, Any], step_id: str) -> None:
        """Count one goal event for the arm ``entry`` (an execution's subject-index
        entry, updated in place) reached at ``step_id``, unless it was counted for this
        execution already: one conversion per execution and arm."""
        arm_id = entry["arms"][step_id]
        if entry["credited"].get(step_id) == arm_id:
            return
        self._bump(f"{ws}#{journey_id}", f"arm#{step_id}#{arm_id}#g")
        entry["credited"][step_id] = arm_id

    def _count_impact(self, ws: str, journey_id: str, start: datetime, cohort: str) -> None:
        day = start.astimezone(UTC).date().isoformat()
        self._bump(f"{ws}#{journey_id}", f"impact#{day}#{cohort}")

    def _schedule(self, ws: str, journey_id: str, name: str, state: ExecutionState) -> None:
        if state.wake_at is not None:
            self._schedule_at(ws, journey_id, name, state.wake_at)

    def _schedule_at(self, ws: str, journey_id: str, name: str, wake: datetime) -> None:
        key = _wake_key(wake, f"{ws}#{journey_id}#{name}")
        pointer = {"ws": ws, "journey": journey_id, "name": name, "at": wake.isoformat()}
        self.tables["wakeups"].put(_WAKE, key, pointer)

    def _clear_wake(self, ws: str, journey_id: str, name: str) -> None:
        record = self._record(ws, journey_id, name)
        if record is None:
            return
        state = ExecutionState.from_wire(record["state"])
        if state.wake_at is not None:
            self.tables["wakeups"].delete(
                _WAKE, _wake_key(state.wake_at, f"{ws}#{journey_id}#{name}")
            )

    def _wait(
        self, ws: str, end_user_id: str, state: ExecutionState, journey_id: str, name: str
    ) -> None:
        awaiting = state.awaiting
        assert awaiting is not None
        self.tables["waits"].put(
            f"{ws}#{end_user_id}#{awaiting.event_name}",
            f"{journey_id}#{name}",
            {
                "journey": journey_id,
                "name": name,
                "since": awaiting.since.isoformat(),
                "timeoutAt": awaiting.timeout_at.isoformat(),
            },
        )

    def _unwait(
        self, ws: str, end_user_id: str, state: ExecutionState, journey_id: str, name: str
    ) -> None:
        assert state.awaiting is not None
        self.tables["waits"].delete(
            f"{ws}#{end_user_id}#{state.awaiting.event_name}", f"{journey_id}#{name}"
        )

    def _audit(self, ws: str, journey_id: str, audit: list[tuple[str, dict]], at: datetime) -> None:
        """Queue audit entries; :meth:`_flush_audit` appends them before the public
        call that made them returns (one reserve and one append per journey)."""
        pending = self._pending_audit.setdefault((ws, journey_id), [])
        pending.extend((action, metadata, at) for action, metadata in audit)

    def _bump(self, pk: str, sk: str, amount: int = 1) -> None:
        self.tables["counters"].add(pk, sk, amount)

    def _counters(self, pk: str, prefix: str) -> dict[str, int]:
        return self.tables["counters"].counters(pk, prefix)

    def _flush_audit(self) -> None:
        pending, self._pending_audit = self._pending_audit, {}
        for (ws, journey_id), queued in pending.items():
            last, floor = self.store.reserve_audit(ws, journey_id, len(queued))
            entries = [
                AuditEntry(
                    last - len(queued) + 1 + i, audit_stamp(at, floor), "system", action, meta
                )
                for i, (action, meta, at) in enumerate(queued)
            ]
            self.store.append_audit(ws, journey_id, entries)

    def send_email(self, env: ExecutionEnv, effect: Any, rendered: Any) -> str | None:
        """Deliver an e-mail through SES v2 (moto by default) when enabled; its id."""
        if not self.deliver_email:
            return None
        address = env.subject.attributes.get("email")
        if not isinstance(address, str) or "@" not in address:
            return None
        ses = self.store.session.client("sesv2")
        sender = _sender(env.world.workspace.id)
        ses.create_email_identity(EmailIdentity=sender) if sender not in self._senders else None
        self._senders.add(sender)
        response = ses.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [address]},
            Content={
                "Simple": {
                    "Subject": {"Data": rendered.subject_line or ""},
                    "Body": {"Html": {"Data": rendered.body}},
                }
            },
        )
        return response.get("MessageId")

    def record_outbox(self, ws: str, message: dict[str, Any]) -> None:
        seq = self.tables["counters"].add(ws, "outboxseq")
        self.tables["outbox"].put(ws, f"{seq:012d}", {**message, "seq": seq})


def _arm_counter(key: str) -> tuple[str, str, str] | None:
    """``(step id, arm id, kind)`` of an arm counter ``arm#{step}#{arm}#{n|g}``, else
    ``None``.

    Step ids hold no ``#`` and the kind is the last part, so the arm id is everything
    between: an arm id may hold ``#`` (the model takes any 1 to 64 characters), and
    refusing such arms now would strand journeys already published with them.

    >>> _arm_counter("arm#br#a#1#n"), _arm_counter("arm#br#b#g")
    (('br', 'a#1', 'n'), ('br', 'b', 'g'))
    >>> _arm_counter("arm#br#n") is None, _arm_counter("arm#br#a#x") is None
    (True, True)
    """
    parts = key.split("#", 2)
    if len(parts) != 3:
        return None
    step_id = parts[1]
    arm_id, _, kind = parts[2].rpartition("#")
    if not step_id or not arm_id or kind not in ("n", "g"):
        return None
    return step_id, arm_id, kind


def _credited(entry: Mapping[str, Any]) -> dict[str, str]:
    """The arms an execution's subject-index entry has had a goal counted for, ``{step
    id: arm id}``. An entry written before these were kept says only ``converted``: its
    goal was counted for every arm it had then, the arms it has now (an arm reached
    after that goal was never credited, and is not in the entry's arms yet when this
    is read for it)."""
    credited = entry.get("credited")
    if credited is not None:
        return dict(credited)
    return dict(entry.get("arms", {})) if entry.get("converted") else {}


def _wake_key(at: datetime, suffix: str) -> str:
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{suffix}"


def _mask_step(env: ExecutionEnv, step: Any) -> dict[str, Any]:
    """A trace step's wire form as every surface shows it: masked as the dry-run masks
    its trace (:meth:`~simulator.engine.masking.Masker.model` over the step model), so
    the fields that hold text about the subject (sends, webhooks, messages, gate
    details, branch labels, wait notes) are masked by its PII values, and keys, enum
    values, ids and times are not (a last name "Kind" leaves the ``kind`` key alone)."""
    from simulator.engine.delivery import env_masker

    return env_masker(env).model(step).to_wire()


def _names_journey(key: str) -> bool:
    """Whether a subject-index key is ``{journeyId}#exec#…`` or ``{journeyId}#holdout#…``
    (the index also holds ``pseudonym`` and posted ``event#…`` entries, of no journey)."""
    return "#exec#" in key or "#holdout#" in key


FORGOTTEN = "end_user_forgotten"
"""The ``skipped`` reason of a journey in the answer to an event whose end user was
forgotten after it."""
_FORGOTTEN_MESSAGE = (
    "the end user was forgotten (GDPR erasure): nothing of theirs is kept, "
    "and this event starts nothing again"
)


def _names(answer: Mapping[str, Any], end_user_id: str) -> bool:
    """Whether a stored answer started or held out ``end_user_id`` (the exact id:
    forgetting ``usr_a`` leaves ``usr_ab``'s answers alone). Start answers are stored
    with ``held_out``, the kept answers of posted events in their wire form, ``heldOut``."""
    held_out = answer.get("held_out", answer.get("heldOut", ()))
    entries = [*answer.get("started", ()), *held_out]
    return any(entry.get("endUserId") == end_user_id for entry in entries)


def _scrubbed(answer: Mapping[str, Any], end_user_id: str) -> dict[str, Any]:
    """``answer`` without ``end_user_id``: each journey that started or held them out is
    ``skipped`` with reason :data:`FORGOTTEN` (no ARN, which holds their id); what the
    event did for other end users (a contract may read another path) stays.

    >>> started = {"journeyId": "j", "endUserId": "u", "executionArn": "arn:...__u__e"}
    >>> scrubbed = _scrubbed({"started": [started], "held_out": [], "skipped": []}, "u")
    >>> scrubbed["started"], [(s["journeyId"], s["reason"]) for s in scrubbed["skipped"]]
    ([], [('j', 'end_user_forgotten')])
    """
    kept: dict[str, list[dict[str, Any]]] = {"started": [], "held_out": []}
    skipped = list(answer.get("skipped", ()))
    for kind, entries in kept.items():
        for entry in answer.get(kind, ()):
            if entry.get("endUserId") != end_user_id:
                entries.append(entry)
            else:
                forgotten = {"journeyId": entry["journeyId"], "reason": FORGOTTEN}
                skipped.append({**forgotten, "message": _FORGOTTEN_MESSAGE})
    return {**kept, "skipped": skipped}


def _event_ids(entries: list[tuple[str, Any]], kind: re.Pattern[str]) -> set[str]:
    """The ids of the events in a subject index that ``kind`` names: those posted
    (:data:`_POSTED_KEY`) or those held out by (:data:`_HOLDOUT_KEY`)."""
    return {found.group(1) for key, _ in entries if (found := kind.fullmatch(key))}


_POSTED_KEY = re.compile(r"event#\d{1,4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#(.*)", re.DOTALL)
"""A posted event in a subject index: ``event#{at}#{id}`` (the time has no ``#``)."""
_HOLDOUT_KEY = re.compile(r"[^#]+#holdout#(.*)", re.DOTALL)  # journey ids hold no '#'
"""An event that held the subject out: ``{journeyId}#holdout#{id}``."""


_START_PARTS = (("started", "started"), ("held_out", "heldOut"), ("skipped", "skipped"))
"""The start answer's lists in a posted event's kept answer: (stored name, wire name)."""


_DIGEST = "eventDigest"
"""Where a stored answer keeps the digest of the event it answers (:func:`_digest`)."""


def _digest(event: InboundEvent, end_user_id: str | None = None) -> str:
    """A digest of what ``event`` says, its id aside: what tells a retry of it from
    another event under its id. The time is the instant (``Z`` and ``+00:00`` are one);
    ``end_user_id`` is the end user it was posted for, when given apart from its
    properties (:meth:`Runtime.post_event`).

    >>> at = datetime(2026, 6, 1, 14, tzinfo=UTC)
    >>> one = InboundEvent("e", "x", at, {"endUserId": "u"})
    >>> _digest(one) == _digest(replace(one, id="f")), _digest(one) == _digest(
    ...     replace(one, properties={"endUserId": "v"})
    ... )
    (True, False)
    """
    said = {
        "name": event.name,
        "at": event.at.astimezone(UTC).isoformat(),
        "endUserId": end_user_id or event.end_user_id,
        "properties": event.properties,
    }
    text = json.dumps(said, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _refuse_another_event(
    answer: Mapping[str, Any] | None, event: InboundEvent, end_user_id: str | None = None
) -> None:
    """``409 event_id_conflict`` when ``answer``, stored for ``event``'s id, answered
    another event (posted for another end user, with ``end_user_id``). An answer kept
    without a digest (before digests were kept, or as erasure left it) answers any
    event under its id, as it did."""
    digest = None if answer is None else answer.get(_DIGEST)
    if digest is not None and digest != _digest(event, end_user_id):
        raise EventIdConflict()


def _answer_only(answer: Mapping[str, Any]) -> dict[str, Any]:
    """A stored answer as it is given back: without the event's digest."""
    return {key: value for key, value in answer.items() if key != _DIGEST}


def _history_key(event: InboundEvent) -> str:
    """A posted event's key in its end user's subject index: its time, then its id."""
    return f"event#{_wake_key(event.at, event.id)}"


def _posted_key(event_id: str) -> str:
    """Where the answer to an end-user event posted to ``POST /api/_sim/events`` is kept,
    for its retries (see :meth:`Runtime.post_event`)."""
    return f"posted#{event_id}"


def _erased_key(workspace_id: str, event_id: str) -> str:
    """Where an event's answer is kept once its end user was forgotten: a hash of the id
    (the event id may name the person, as the execution name does)."""
    digest = hashlib.sha256(f"erased-event::{workspace_id}::{event_id}".encode()).hexdigest()
    return f"erased#{digest}"


def _tombstone(workspace_id: str, end_user_id: str) -> str:
    return hashlib.sha256(f"forgotten::{workspace_id}::{end_user_id}".encode()).hexdigest()


def _sender(workspace_id: str) -> str:
    """The SES sender identity of a workspace (verified on first use)."""
    return f"journeys@{workspace_id}.journeysim.invalid"


def _sfn_input(journey_id: str) -> str:
    """The input of an execution of the dispatcher state machine."""
    return json.dumps({"journey": journey_id})


def _seed(journey_id: str, version: int, end_user_id: str) -> int:
    return derive_seed(journey_id, version, end_user_id)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _send_action(decision: str) -> str:
    return {"executed": "executed", "blocked": "blocked", "failed": "failed"}.get(
        decision, "skipped"
    )


def _current(state: ExecutionState, moved: Any) -> str | None:
    """The ``currentStepId`` of an execution in ``state`` after the dispatch ``moved``:
    the step it is at, as the hosted executions list shows it.

    An execution that awaits an event is at that wait, one that ended at its exit step
    (or the step it stopped at). One sleeping in a ``duration`` or ``until`` wait is
    at that wait too, as the hosted API's example shows (``RUNNING`` at ``wait-3d``),
    though its state already names the step after it, due at the wake: the step just
    run was that wait and the wake is later than it ran. A wait that ends at once
    (``PT0S``, an ``until`` in the past) leaves the next step due now: that step. A
    deferred send (quiet hours) is due again itself, so it is the state's step.
    """
    if state.awaiting is not None:
        return state.awaiting.step_id
    if state.ended is not None:
        return state.exit_step_id or (moved.step.step_id if moved.step else None)
    step = moved.step
    wait = step.wait if step is not None else None
    if wait is not None and wait.resumed_by == "elapsed" and state.now > step.at:
        return step.step_id
    return state.step_id
