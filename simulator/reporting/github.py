"""The GitHub Actions format: workflow commands that annotate the pull request.

One ``::error`` or ``::warning`` line per finding, titled with the finding's code,
then the plain summary line (it shows in the job log). Values are escaped as GitHub's
toolkit does: ``%``, CR and LF everywhere, and also ``:`` and ``,`` in properties.
Warnings stay ``::warning`` under ``--strict``; strictness decides the exit code.
"""

from __future__ import annotations

from simulator.reporting.model import ReportFinding, ValidationReport
from simulator.reporting.text import summary_line

__all__ = ["escape_data", "escape_property", "render_github"]


def escape_data(value: str) -> str:
    """Escape a command's message.

    >>> escape_data("50%\\ndone")
    '50%25%0Adone'
    """
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a command property (``file=``, ``title=``).

    >>> escape_property("a:b,c.json")
    'a%3Ab%2Cc.json'
    """
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(finding: ReportFinding) -> str:
    properties = {
        "file": finding.file,
        "line": str(finding.line),
        "col": str(finding.column),
        "title": finding.code.value,
    }
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{finding.severity.value} {listed}::{escape_data(finding.message)}"


def render_github(report: ValidationReport) -> str:
    lines = [_command(finding) for finding in report.findings]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
