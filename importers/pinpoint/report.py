"""Collecting the import report while translating (pure: entries in, entries out)."""

from __future__ import annotations

from dataclasses import dataclass, field

from importers.pinpoint.bundle import ReportEntry
from simulator.codes import ImportCode, import_severity_of

__all__ = ["Reporter"]


@dataclass
class Reporter:
    """Appends report entries; ``journey_id`` is stamped on every entry it adds, and
    ``document`` on every located entry that does not name its own.

    >>> r = Reporter(journey_id="j1")
    >>> r.add(ImportCode.HOLDOUT_REMOVED, "removed", activity_id="h", location="/Activities/h")
    >>> r.entries[0].severity.value, r.entries[0].journey_id, r.entries[0].document
    ('warning', 'j1', 'export')
    """

    journey_id: str | None = None
    entries: list[ReportEntry] = field(default_factory=list)
    document: str = "export"
    """What locations point into unless an entry says otherwise."""

    def add(
        self,
        code: ImportCode,
        message: str,
        *,
        activity_id: str | None = None,
        location: str | None = None,
        template: str | None = None,
        line: int | None = None,
        column: int | None = None,
        document: str | None = None,
    ) -> None:
        self.entries.append(
            ReportEntry(
                severity=import_severity_of(code),
                code=code.value,
                message=message,
                journey_id=self.journey_id,
                activity_id=activity_id,
                location=location,
                document=document or (self.document if location is not None else None),
                template=template,
                line=line,
                column=column,
            )
        )

    def for_journey(self, journey_id: str) -> Reporter:
        """A reporter that adds to the same entries, stamped with ``journey_id``."""
        return Reporter(journey_id=journey_id, entries=self.entries, document=self.document)
