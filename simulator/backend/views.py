"""Records → the API's response shapes (pure)."""

from __future__ import annotations

from typing import Any

from simulator.backend.records import AuditEntry, JourneyRecord, VersionRecord
from simulator.backend.wire import AuditEntryOut, JourneySummary, JourneyView
from simulator.models import Journey

__all__ = ["audit_view", "draft_view", "summary_view", "version_view"]

_DOCUMENT_FIELDS = (
    "name",
    "description",
    "audience_id",
    "trigger_contract_id",
    "goal_event_name",
    "goal_event_window_days",
    "steps",
)


def summary_view(record: JourneyRecord) -> JourneySummary:
    return JourneySummary.model_validate(record.summary())


def _document(journey: Journey) -> dict[str, Any]:
    # Step models pass through as instances: no re-validation of large step graphs.
    return {name: getattr(journey, name) for name in _DOCUMENT_FIELDS}


def draft_view(record: JourneyRecord, draft: Journey) -> JourneyView:
    """The draft, with the journey's lifecycle metadata."""
    return JourneyView.model_validate({**record.summary(), **_document(draft), "version": "draft"})


def version_view(record: JourneyRecord, version: VersionRecord) -> JourneyView:
    """A published version, with the journey's lifecycle metadata and its pins."""
    return JourneyView.model_validate(
        {
            **record.summary(),
            **_document(version.journey),
            "version": version.version,
            "publishedAt": version.published_at,
            "publishedBy": version.published_by,
            "pins": version.pins,
        }
    )


def audit_view(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut.model_validate(entry.to_wire())
