"""The text format: one compiler-style line per finding, then a summary line.

::

    journeys/x.json:12:7: error unknown_step_reference: step 'send-1' points to 'nope', ...
    1 error, 0 warnings in 5 files
"""

from __future__ import annotations

from simulator.reporting.model import ReportFinding, ValidationReport
from simulator.wording import counted

__all__ = ["finding_line", "render_text", "summary_line"]


def finding_line(finding: ReportFinding) -> str:
    """``file:line:column: severity code: message`` (continuation lines indented).

    >>> from simulator.codes import FindingCode, Severity
    >>> finding_line(ReportFinding(severity=Severity.ERROR, code=FindingCode.CYCLE_DETECTED,
    ...     message="a -> b -> a", path="/steps/1/next", file="j.json", line=9, column=15))
    'j.json:9:15: error cycle_detected: a -> b -> a'
    """
    message = "\n    ".join(finding.message.splitlines() or [""])
    where = f"{finding.file}:{finding.line}:{finding.column}"
    return f"{where}: {finding.severity.value} {finding.code.value}: {message}"


def summary_line(report: ValidationReport) -> str:
    """``N errors, M warnings in K files``."""
    summary = report.summary
    return (
        f"{counted(summary.errors, 'error')}, {counted(summary.warnings, 'warning')} "
        f"in {counted(summary.files, 'file')}"
    )


def render_text(report: ValidationReport) -> str:
    lines = [finding_line(finding) for finding in report.findings]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
