"""Output formats of a validation run: text, JSON, JUnit XML and GitHub annotations."""

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
