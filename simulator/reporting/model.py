"""The validation report: one stable value that every output format renders.

``--format json`` prints it as is (``version`` 1; its JSON Schema is published by
``journeysim schema validation-report``); text, JUnit and GitHub render the same
value, so every format always says the same thing.

``ok`` is false when there is an error, or, with ``strict``, any finding at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from simulator.codes import FindingCode, Severity
from simulator.findings import Finding
from simulator.models.base import Model

__all__ = ["ReportFile", "ReportFinding", "ReportSummary", "ValidationReport", "build_report"]


class ReportFinding(Model):
    """One finding at its place in a file."""

    severity: Severity
    code: FindingCode
    """Stable machine-readable code (SPEC §2)."""
    message: str
    step_id: str | None = None
    path: str
    """JSON pointer into the document; ``""`` is the whole document."""
    file: str
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    """1-based, in characters; where the value at ``path`` starts."""


class ReportFile(Model):
    """One checked file and how many findings it has."""

    file: str
    kind: str | None = None
    """Document kind: workspace, journey, communication, segment, trigger-contract, subject."""
    id: str | None = None
    errors: int = Field(ge=0)
    warnings: int = Field(ge=0)


class ReportSummary(Model):
    files: int = Field(ge=0)
    """Files checked."""
    files_with_findings: int = Field(ge=0)
    errors: int = Field(ge=0)
    warnings: int = Field(ge=0)


class ValidationReport(Model):
    """The result of ``journeysim validate``."""

    version: Literal[1]
    """Bumped only when a field changes meaning or goes away."""
    ok: bool
    """False when there is an error (with ``strict``: any finding)."""
    strict: bool
    """Whether warnings counted as failures."""
    summary: ReportSummary
    files: list[ReportFile]
    findings: list[ReportFinding]
    """Sorted by file, line and column."""

    def failing(self, finding: ReportFinding) -> bool:
        """Whether this finding makes the run fail."""
        return self.strict or finding.severity is Severity.ERROR


def build_report(
    files: Iterable[tuple[str, str | None, str | None]],
    findings: Iterable[Finding],
    *,
    strict: bool = False,
) -> ValidationReport:
    """Assemble a report from the checked ``(file, kind, id)`` triples and located findings.

    >>> report = build_report([("journeys/a.json", "journey", "a")], [])
    >>> report.ok, report.summary.files
    (True, 1)
    """
    entries = {name: _entry(name, kind, doc_id) for name, kind, doc_id in files}
    rows = [_row(finding) for finding in sorted(findings, key=Finding.sort_key)]
    for row in rows:
        entry = entries.setdefault(row.file, _entry(row.file, None, None))
        if row.severity is Severity.ERROR:
            entry.errors += 1
        else:
            entry.warnings += 1
    errors = sum(entry.errors for entry in entries.values())
    warnings = sum(entry.warnings for entry in entries.values())
    summary = ReportSummary(
        files=len(entries),
        files_with_findings=sum(1 for e in entries.values() if e.errors or e.warnings),
        errors=errors,
        warnings=warnings,
    )
    return ValidationReport(
        version=1,
        ok=errors == 0 and not (strict and warnings),
        strict=strict,
        summary=summary,
        files=sorted(entries.values(), key=lambda entry: entry.file),
        findings=rows,
    )


def _entry(name: str, kind: str | None, doc_id: str | None) -> ReportFile:
    return ReportFile(file=name, kind=kind, id=doc_id, errors=0, warnings=0)


def _row(finding: Finding) -> ReportFinding:
    source = finding.source
    return ReportFinding(
        severity=finding.severity,
        code=finding.code,
        message=finding.message,
        step_id=finding.step_id,
        path=finding.path,
        file=source.file if source else "",
        line=source.line if source else 1,
        column=source.column if source else 1,
    )
