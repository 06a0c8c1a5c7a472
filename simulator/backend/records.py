"""What the store keeps, as plain values, and the pure codecs around them.

A journey is one record (metadata + the draft, if any); each published version is an
immutable record; each audit entry is an immutable value with a per-journey sequence
number. Documents travel as compressed JSON blobs: one DynamoDB attribute instead of a
nested map keeps items under the 400 KB limit and keeps moto's per-attribute
(de)serialisation cost out of the hot paths (see :mod:`simulator.backend.store`).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from simulator.models import Journey

__all__ = [
    "AuditEntry",
    "JourneyRecord",
    "JourneyStatus",
    "VersionRecord",
    "audit_stamp",
    "decode_blob",
    "encode_blob",
    "format_timestamp",
    "next_timestamp",
]


class JourneyStatus(StrEnum):
    """Lifecycle status of a journey (SPEC §1.6)."""

    DRAFT = "draft"
    """Never published."""
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"
    """Terminal; the record is preserved."""


def encode_blob(document: Any) -> bytes:
    """Compact JSON, zlib-compressed.

    >>> decode_blob(encode_blob({"a": [1, 2]}))
    {'a': [1, 2]}
    """
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode("utf-8"), 6)


def decode_blob(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def format_timestamp(moment: datetime) -> str:
    """UTC, microseconds, ``Z``: sortable as text and unique enough to be a version tag.

    >>> format_timestamp(datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    '2026-05-01T12:00:00.000000Z'
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def next_timestamp(now: datetime, previous: str | None) -> str:
    """``now``, or one microsecond after ``previous`` if the clock has not moved past it.

    ``updatedAt`` is the draft's concurrency token, so two writes must never share one.

    >>> now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    >>> next_timestamp(now, "2026-05-01T12:00:00.000000Z")
    '2026-05-01T12:00:00.000001Z'
    >>> next_timestamp(now, "2026-04-30T09:00:00.000000Z")
    '2026-05-01T12:00:00.000000Z'

    A write stamped with the calendar's last microsecond (the clock moved to
    9999-12-31T23:59:59.999999Z) has no later one: the next write of that journey is
    refused, :class:`~simulator.backend.errors.Conflict` (``409 conflict``), before
    anything is written. Stamping it with the same instant would let a client holding
    the older ``updatedAt`` overwrite it, and the clock never goes back: the journey
    stays as it is, readable (a user there has reached the end of time, and is told).

    >>> last = datetime.max.replace(tzinfo=UTC)
    >>> try:
    ...     next_timestamp(last, "9999-12-31T23:59:59.999999Z")
    ... except Exception as refused:
    ...     print(refused.status, refused.code)
    409 conflict
    """
    candidate = now.astimezone(UTC)
    if previous is not None:
        floor = datetime.strptime(previous, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        if floor == datetime.max.replace(tzinfo=UTC):
            from simulator.backend.errors import Conflict

            raise Conflict(
                f"this journey was last written at {previous}, the end of the calendar: "
                "no later write can be stamped"
            )
        candidate = max(candidate, floor + timedelta(microseconds=1))
    return format_timestamp(candidate)


def audit_stamp(at: datetime, floor: str | None) -> str:
    """The timestamp of an audit entry made at ``at`` (the clock's now), no earlier than
    ``floor``, the journey's ``updatedAt`` when its seq was reserved.

    Entries of journey mutations are stamped with the ``updatedAt`` they wrote, which
    :func:`next_timestamp` puts a microsecond apart while the clock stands still, so
    ahead of it; the runtime's entries and the dry-runs' are made at the clock's now.
    Stamped at ``at`` alone, an ``execution.started`` that follows a ``published``
    would read as before it. With the floor, timestamps never go backwards in seq
    order: one may equal the previous entry's, never precede it.

    >>> now = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
    >>> audit_stamp(now, "2026-06-01T14:00:00.000001Z")
    '2026-06-01T14:00:00.000001Z'
    >>> audit_stamp(now, "2026-05-01T09:00:00.000000Z"), audit_stamp(now, None)
    ('2026-06-01T14:00:00.000000Z', '2026-06-01T14:00:00.000000Z')
    """
    stamp = format_timestamp(at)
    if floor is None:
        return stamp
    earliest = datetime.strptime(floor, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return floor if earliest > at else stamp


@dataclass(frozen=True)
class JourneyRecord:
    """One journey: its metadata and, while one exists, its draft."""

    workspace_id: str
    journey_id: str
    name: str
    status: JourneyStatus
    updated_at: str
    created_at: str
    created_by: str
    description: str = ""
    latest_version: int | None = None
    has_draft: bool = True
    draft_based_on: int | None = None
    """The version a bumped draft was copied from (``None`` for a first draft)."""
    draft: Journey | None = None
    """The draft document; ``None`` when there is none or it was not loaded."""
    audit_seq: int = 0
    """Sequence number of the journey's newest audit entry."""

    def summary(self) -> dict[str, Any]:
        """The list entry (also stored as the item's ``meta`` attribute)."""
        return {
            "id": self.journey_id,
            "name": self.name,
            "description": self.description,
            "status": self.status.value,
            "latestVersion": self.latest_version,
            "draft": {"basedOnVersion": self.draft_based_on} if self.has_draft else None,
            "updatedAt": self.updated_at,
            "createdAt": self.created_at,
            "createdBy": self.created_by,
        }

    @classmethod
    def from_summary(
        cls,
        workspace_id: str,
        summary: dict[str, Any],
        *,
        audit_seq: int = 0,
        draft: Journey | None = None,
    ) -> JourneyRecord:
        pointer = summary.get("draft")
        return cls(
            workspace_id=workspace_id,
            journey_id=summary["id"],
            name=summary["name"],
            description=summary.get("description", ""),
            status=JourneyStatus(summary["status"]),
            latest_version=summary.get("latestVersion"),
            has_draft=pointer is not None,
            draft_based_on=pointer.get("basedOnVersion") if pointer else None,
            draft=draft,
            updated_at=summary["updatedAt"],
            created_at=summary["createdAt"],
            created_by=summary["createdBy"],
            audit_seq=audit_seq,
        )


@dataclass(frozen=True)
class VersionRecord:
    """An immutable published version with what publish pinned."""

    version: int
    journey: Journey
    published_at: str
    published_by: str
    pins: dict[str, Any] = field(default_factory=dict)
    """``{"communications": [{stepId, communicationId, version}], "triggerContract":
    {id, versionAt} | None}``."""
    communications: dict[str, Any] = field(default_factory=dict)
    """The pinned communications themselves, ``{id: document}``, as they were at
    publish: what the version's executions render, whatever the workspace's copy
    becomes later (SPEC §1.2). Empty for versions stored before it was kept."""

    def meta(self) -> dict[str, Any]:
        return {
            "publishedAt": self.published_at,
            "publishedBy": self.published_by,
            "pins": self.pins,
        }


@dataclass(frozen=True)
class AuditEntry:
    """One line of a journey's append-only audit log."""

    seq: int
    timestamp: str
    actor: str
    """``system`` or a member's user id."""
    action: str
    metadata: dict[str, Any] = field(default_factory=dict)
    """Never raw PII: subject ids and attributes are masked before they get here."""

    def to_wire(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "timestamp": self.timestamp,
            "actor": self.actor,
            "action": self.action,
            "metadata": self.metadata,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(
            seq=data["seq"],
            timestamp=data["timestamp"],
            actor=data["actor"],
            action=data["action"],
            metadata=data.get("metadata") or {},
        )
