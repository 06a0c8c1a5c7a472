"""How the backend reads and changes one journey record (the write protocol).

:meth:`JourneyAccess._mutate` is the only way a journey changes: read the record,
compute the change with pure rules, write it conditionally on the ``updatedAt`` and
``auditSeq`` that were read (which reserves the audit sequence numbers), append the
audit entries. A lost race re-reads and recomputes (up to 8 times); a client that sent
a stale ``updatedAt`` gets ``409 draft_conflict`` with the current one, unless the rules
refuse the change whatever it sent (``no_draft``, ``journey_archived``): those come first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from simulator.backend.auth import Actor
from simulator.backend.errors import (
    ConcurrentModification,
    DraftConflict,
    JourneyNotFound,
    JourneyTooLarge,
    TierLimitExceeded,
    TooManySteps,
    VersionNotFound,
    problem,
)
from simulator.backend.records import (
    AuditEntry,
    JourneyRecord,
    JourneyStatus,
    VersionRecord,
    audit_stamp,
    encode_blob,
    next_timestamp,
)
from simulator.backend.settings import ApiSettings
from simulator.backend.store import ItemTooLarge, StaleWrite, Store
from simulator.backend.wire import JOURNEY_ID_PATTERN, VersionSelector
from simulator.engine.clock import Clock
from simulator.models import Journey
from simulator.world import World

__all__ = [
    "Change",
    "JourneyAccess",
    "RequestPlace",
    "placed",
    "same_instant",
    "too_large_as_journey_error",
]

_ATTEMPTS = 8
_JOURNEY_ID = re.compile(JOURNEY_ID_PATTERN)


@dataclass(frozen=True)
class Change:
    """What one mutation does: the new record and draft, the audit entries, and for a
    publish the version it writes."""

    record: JourneyRecord
    draft: Journey | None
    audit: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    version: VersionRecord | None = None


RequestPlace = tuple[str, str]
"""Where a request gave a value: ``(in, JSON pointer)``, as :func:`problem` takes them."""


def placed(
    at: RequestPlace | None, message: str, error: type, extra: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The details of an error about a value the request gave at ``at``: one, in the
    common form; without ``at`` (the server chose the value), only ``extra`` if any.

    >>> placed(("query", "/version"), "no version 7", VersionNotFound, {"latestVersion": 1})
    [{'in': 'query', 'path': '/version', 'message': 'no version 7', \
'type': 'version_not_found', 'latestVersion': 1}]
    >>> placed(None, "never published", VersionNotFound, {"latestVersion": None})
    [{'latestVersion': None}]
    """
    extra = extra or {}
    if at is None:
        return [dict(extra)] if extra else []
    where, pointer = at
    return [problem(pointer, message, str(error.code), where=where, **extra)]


@contextmanager
def too_large_as_journey_error() -> Iterator[None]:
    """A store item over DynamoDB's limit is the client's journey being too large
    (``413 journey_too_large``): the list entry holds the name and description
    uncompressed, so a long, compressible description can pass the compressed-blob
    check and still not fit."""
    try:
        yield
    except ItemTooLarge as exc:
        size = f"{exc.size} bytes" if exc.size else "more than that"
        message = (
            f"the journey is too large to store: DynamoDB items hold at most {exc.limit} "
            f"bytes and this one takes {size}; shorten the description or the steps"
        )
        raise JourneyTooLarge(
            message,
            details=[
                problem("", message, str(JourneyTooLarge.code), limit=exc.limit, size=exc.size)
            ],
        ) from None


class JourneyAccess:
    """Journey reads and the write protocol, shared by the backend's operations."""

    store: Store
    settings: ApiSettings
    clock: Clock

    def _record(self, actor: Actor, journey_id: str, *, with_draft: bool = True) -> JourneyRecord:
        """The caller's journey, or 404 (also for another workspace's, and for an id
        that cannot be a journey id: those never reach DynamoDB's key limits)."""
        record = None
        if len(journey_id) <= 128 and _JOURNEY_ID.fullmatch(journey_id):
            record = self.store.journey(actor.workspace_id, journey_id, with_draft=with_draft)
        if record is None:
            raise JourneyNotFound(journey_id[:128])
        return record

    def _version(
        self, record: JourneyRecord, selector: VersionSelector, at: RequestPlace | None = None
    ) -> VersionRecord:
        """The version ``selector`` names, or ``404 version_not_found``; ``at`` is where
        the request gave the selector (``("query", "/version")``), for the detail."""
        number = record.latest_version if selector == "latest" else selector
        found = None
        if isinstance(number, int) and 1 <= number <= (record.latest_version or 0):
            found = self.store.version(record.workspace_id, record.journey_id, number)
        if found is None:
            what = f"has no version {selector}"
            if selector == "latest":
                what = "has never been published"
            message = f"journey {record.journey_id!r} {what}"
            latest = {"latestVersion": record.latest_version}
            raise VersionNotFound(message, details=placed(at, message, VersionNotFound, latest))
        return found

    def _encode(self, draft: Journey) -> bytes:
        if len(draft.steps) > self.settings.max_steps:
            limit = self.settings.max_steps
            message = f"a journey has at most {limit} steps; this one has {len(draft.steps)}"
            raise TooManySteps(
                message, details=[problem("/steps", message, str(TooManySteps.code), limit=limit)]
            )
        blob = encode_blob(draft.to_wire())
        if len(blob) > self.settings.max_stored_bytes:
            limit = self.settings.max_stored_bytes
            message = f"the journey takes {len(blob)} bytes stored; the limit is {limit}"
            raise JourneyTooLarge(
                message,
                details=[
                    problem("", message, str(JourneyTooLarge.code), limit=limit, size=len(blob))
                ],
            )
        return blob

    def _check_tier(self, actor: Actor, current: JourneyRecord, world: World) -> None:
        limit = world.workspace.tier.max_journeys
        if not self.settings.enforce_tier_limit or limit is None:
            return
        if current.status is not JourneyStatus.DRAFT:
            return  # already counted: a new version does not add a published journey
        published = [
            m
            for m in self.store.journeys(actor.workspace_id)
            if m["status"] in (JourneyStatus.ACTIVE, JourneyStatus.PAUSED)
        ]
        if len(published) >= limit:
            raise TierLimitExceeded(
                f"the {world.workspace.tier.value} tier allows {limit} published journeys",
                details=[{"tier": world.workspace.tier.value, "maxJourneys": limit}],
            )

    def _mutate(
        self,
        actor: Actor,
        journey_id: str,
        compute: Callable[[JourneyRecord], Change],
        *,
        expected: str | None = None,
    ) -> JourneyRecord:
        for _ in range(_ATTEMPTS):
            current = self._record(actor, journey_id)
            # The rules first: a refusal that no updatedAt can lift (no draft, archived)
            # is not answered as "the draft changed since you read it".
            change = compute(current)
            if expected is not None and not same_instant(current.updated_at, expected):
                raise DraftConflict(current.updated_at)
            stamp = next_timestamp(self.clock.now, current.updated_at)
            record = replace(
                change.record,
                updated_at=stamp,
                audit_seq=current.audit_seq + len(change.audit),
            )
            try:
                with too_large_as_journey_error():
                    if change.version is not None:
                        version = replace(change.version, published_at=stamp)
                        self.store.publish(record, version, expected=current)
                    else:
                        blob = None if change.draft is None else self._encode(change.draft)
                        self.store.replace_journey(record, blob, expected=current)
            except StaleWrite:
                continue
            self._append(actor, record, current.audit_seq + 1, change.audit)
            return record
        raise ConcurrentModification(
            f"journey {journey_id!r} kept changing while this request ran; try again"
        )

    def _append(
        self, actor: Actor, record: JourneyRecord, first_seq: int, audit: list[tuple[str, dict]]
    ) -> None:
        entries = [
            AuditEntry(
                seq=first_seq + i,
                timestamp=record.updated_at,
                actor=actor.user_id,
                action=action,
                metadata={**metadata, "updatedAt": record.updated_at},
            )
            for i, (action, metadata) in enumerate(audit)
        ]
        self.store.append_audit(record.workspace_id, record.journey_id, entries)

    def _append_now(self, actor: Actor, journey_id: str, audit: list[tuple[str, dict]]) -> None:
        """Audit entries that change nothing else (a dry-run): reserve, then append."""
        if not audit:
            return
        last, floor = self.store.reserve_audit(actor.workspace_id, journey_id, len(audit))
        stamp = audit_stamp(self.clock.now, floor)
        entries = [
            AuditEntry(last - len(audit) + 1 + i, stamp, actor.user_id, action, metadata)
            for i, (action, metadata) in enumerate(audit)
        ]
        self.store.append_audit(actor.workspace_id, journey_id, entries)


def same_instant(stored: str, sent: str) -> bool:
    """Whether the ``updatedAt`` a client sent back is the draft's: the same instant,
    however it is written (clients re-serialise timestamps: ``…14:00:00Z`` and
    ``…16:00:00+02:00`` are ``…14:00:00.000000Z``). A client that dropped digits
    (``…00.000Z`` for ``…00.000001Z``) names another instant: a conflict.

    >>> same_instant("2026-06-01T14:00:00.000000Z", "2026-06-01T16:00:00+02:00")
    True
    >>> same_instant("2026-06-01T14:00:00.000001Z", "2026-06-01T14:00:00.000Z")
    False
    """
    try:
        return datetime.fromisoformat(stored) == datetime.fromisoformat(sent)
    except ValueError:  # a form only the wire's parser reads: compared as written
        return stored == sent
