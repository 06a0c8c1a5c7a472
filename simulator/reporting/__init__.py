"""Output formats of a validation run: text, JSON, JUnit XML and GitHub annotations.

Names are imported on first use (:mod:`simulator.lazy`), so a run that prints text
loads neither the JUnit nor the GitHub writer.
"""

import typing as _typing

from simulator.lazy import exports as _exports

if _typing.TYPE_CHECKING:
    from simulator.reporting.formats import ReportFormat, render, render_json
    from simulator.reporting.github import escape_data, escape_property, render_github
    from simulator.reporting.junit import render_junit
    from simulator.reporting.model import (
        ReportFile,
        ReportFinding,
        ReportSummary,
        ValidationReport,
        build_report,
    )
    from simulator.reporting.text import finding_line, render_text, summary_line

_HOMES = {
    "ReportFile": "model",
    "ReportFinding": "model",
    "ReportFormat": "formats",
    "ReportSummary": "model",
    "ValidationReport": "model",
    "build_report": "model",
    "escape_data": "github",
    "escape_property": "github",
    "finding_line": "text",
    "render": "formats",
    "render_github": "github",
    "render_json": "formats",
    "render_junit": "junit",
    "render_text": "text",
    "summary_line": "text",
}
__all__ = [
    "ReportFile",
    "ReportFinding",
    "ReportFormat",
    "ReportSummary",
    "ValidationReport",
    "build_report",
    "escape_data",
    "escape_property",
    "finding_line",
    "render",
    "render_github",
    "render_json",
    "render_junit",
    "render_text",
    "summary_line",
]

__getattr__, __dir__ = _exports(__name__, _HOMES)
