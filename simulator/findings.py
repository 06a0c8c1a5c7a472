"""Findings: what validation reports (SPEC §2).

A finding is pure data about one document: a severity, a stable code, a human
message, the step it concerns and a JSON pointer into the document. The loader
adds the source position (file, line, column) when the document came from a file.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from simulator.codes import FindingCode, Severity, severity_of
from simulator.models.base import Model

__all__ = ["Finding", "SourcePosition", "has_errors", "make_finding"]


class SourcePosition(Model):
    """A 1-based line and column in a source file."""

    file: str
    line: int = Field(ge=1)
    column: int = Field(ge=1)


class Finding(Model):
    severity: Severity
    code: FindingCode
    message: str
    step_id: str | None = None
    path: str = ""
    """JSON pointer into the document (``/steps/3/next``); ``""`` is the whole document."""
    source: SourcePosition | None = None
    """Where ``path`` points in the file, when the document came from one."""
    at_key: bool = Field(default=False, exclude=True)
    """Whether the finding is about the key at ``path`` (an unknown field) rather than
    its value: the loader then locates the key. Never serialised."""

    def sort_key(self) -> tuple:
        src = self.source
        return (
            src.file if src else "",
            src.line if src else 0,
            src.column if src else 0,
            self.path,
            self.code.value,
        )


def make_finding(
    code: FindingCode,
    message: str,
    path: str = "",
    step_id: str | None = None,
    *,
    at_key: bool = False,
) -> Finding:
    """A finding with the code's fixed severity.

    >>> make_finding(FindingCode.LONG_WAIT, "waits 400 days", "/steps/1/duration", "w").severity
    <Severity.WARNING: 'warning'>
    """
    return Finding(
        severity=severity_of(code),
        code=code,
        message=message,
        path=path,
        step_id=step_id,
        at_key=at_key,
    )


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error (errors block publish)."""
    return any(f.severity is Severity.ERROR for f in findings)
